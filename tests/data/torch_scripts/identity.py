"""Under Ember only: every import form gives Ember's own module objects."""
import importlib
import sys

import ember
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import nn as nn2, optim
from torch.nn import functional as F2
from torch.utils.data import DataLoader, TensorDataset
import torch.optim as optim2
from torch.optim import SGD
import torch.autograd
from torch.autograd import grad
import torch._tensor

assert torch is ember
assert nn is nn2 is torch.nn is ember.nn is sys.modules["torch.nn"]
assert F is F2 is ember.nn.functional
assert optim is optim2 is ember.optim and SGD is ember.optim.SGD
assert DataLoader is ember.utils.data.DataLoader and TensorDataset is ember.utils.data.TensorDataset
assert torch.autograd is ember.autograd and grad is ember.autograd.grad
assert torch._tensor is ember._tensor and torch.Tensor is ember.Tensor
assert importlib.import_module("torch.nn.functional") is ember.nn.functional
assert __import__("torch.nn") is ember
assert __import__("torch.nn", fromlist=["Linear"]) is ember.nn
assert isinstance(nn.Linear(2, 2), ember.nn.Module)
# The aliases are the modules themselves, named as Ember names them.
assert nn.__name__ == "ember.nn" and nn.__spec__.name == "ember.nn"
print("identity ok")
