from .module import Module
from .linear import Identity, Linear
from .activation import LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .container import ModuleDict, ModuleList, Sequential
from .loss import CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from .dropout import Dropout, Flatten, Unflatten

__all__ = ["Module", "Identity", "Linear", "LeakyReLU", "LogSoftmax", "ReLU", "Sigmoid",
           "Softmax", "Tanh", "ModuleDict", "ModuleList", "Sequential", "CrossEntropyLoss",
           "L1Loss", "MSELoss", "NLLLoss", "Dropout", "Flatten", "Unflatten"]
