"""ember.nn: modules, parameters, functional and init, as torch.nn."""
from .parameter import Buffer, Parameter
from .modules import *  # noqa: F401,F403
from . import functional, init, modules, utils
from .modules import __all__ as _modules_all

__all__ = ["Buffer", "Parameter", "functional", "init", "modules", "utils", *_modules_all]
