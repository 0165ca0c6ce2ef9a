"""ember.optim: optimizers and learning-rate schedulers, as torch.optim."""
from . import lr_scheduler, swa_utils
from ._adam_variants import NAdam, RAdam
from ._adaptive import Adadelta, Adagrad, Adamax, RMSprop
from ._matrix_aware import Adafactor, Muon
from ._rprop_asgd import ASGD, Rprop
from ._stateless import swap_in_optimizer_params_and_state
from .adam import Adam, AdamW
from .lbfgs import LBFGS
from .optimizer import Optimizer
from .sgd import SGD
from .sparse_adam import SparseAdam

__all__ = ["ASGD", "Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "Adamax", "LBFGS",
           "Muon", "NAdam", "Optimizer", "RAdam", "RMSprop", "Rprop", "SGD", "SparseAdam",
           "lr_scheduler", "swa_utils", "swap_in_optimizer_params_and_state"]
