"""ember.nn: modules, parameters, functional and init, as torch.nn."""
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter
from .modules import *  # noqa: F401,F403
from . import attention, common_types, functional, grad, init, modules, parallel, utils
from .parallel import DataParallel
from .modules import __all__ as _modules_all

__all__ = ["Buffer", "Parameter", "UninitializedBuffer", "UninitializedParameter", "functional",
           "init", "modules", "utils", *_modules_all]
