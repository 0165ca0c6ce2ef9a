"""torch._check and its family: the Python form of TORCH_CHECK that custom
operators' fake (meta) functions and library code call. Ember has no
symbolic sizes, so a condition is a plain bool, checked at once."""
import builtins

from ._tensor import Tensor

__all__ = ["_check_with", "_check", "_check_is_size", "_check_index", "_check_value",
           "_check_type", "_check_not_implemented", "_check_tensor_all_with",
           "_check_tensor_all"]


def _check_with(error_type, cond, message):
    if not isinstance(cond, builtins.bool):
        if isinstance(cond, Tensor):
            raise TypeError("cond must be a bool, but got a Tensor. For tensor conditions, use "
                            "torch._check_tensor_all() to assert that all elements are true.")
        raise TypeError(f"cond must be a bool, but got {type(cond)}")
    if cond:
        return
    if not issubclass(error_type, Exception) or issubclass(error_type, Warning):
        raise AssertionError("error_type must be a subclass of Exception but not Warning, got "
                             f"{error_type}")
    if message is None:
        message_evaluated = ("Expected cond to be True, but got False. (Could this error "
                             "message be improved? If so, please report an enhancement request "
                             "to PyTorch.)")
    else:
        if not callable(message):
            raise TypeError("message must be a callable")
        message_evaluated = str(message())
    raise error_type(message_evaluated)


def _check(cond, message=None):
    _check_with(RuntimeError, cond, message)


def _check_is_size(i, message=None, *, max=None):
    _check(i >= 0, message)
    if max is not None:
        _check(i <= max, message)


def _check_index(cond, message=None):
    _check_with(IndexError, cond, message)


def _check_value(cond, message=None):
    _check_with(ValueError, cond, message)


def _check_type(cond, message=None):
    _check_with(TypeError, cond, message)


def _check_not_implemented(cond, message=None):
    _check_with(NotImplementedError, cond, message)


def _check_tensor_all_with(error_type, cond, message=None):
    if not isinstance(cond, Tensor):
        raise TypeError(f"cond must be a tensor, but got {type(cond)}")
    from . import bool as bool_
    if not cond.dtype == bool_:
        raise TypeError(f"cond tensor must have dtype torch.bool, but got {cond.dtype}")
    _check_with(error_type, builtins.bool(cond._data.all()), message)


def _check_tensor_all(cond, message=None):
    _check_tensor_all_with(RuntimeError, cond, message)
