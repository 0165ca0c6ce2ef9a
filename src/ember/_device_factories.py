"""The `device=` argument (and the default device) for the factories of
_sampling and _ranges, which build their tensors on the CPU: the argument is
checked (CUDA raises PyTorch's error) and a meta tensor is made when asked.

rand and randn on the meta device draw nothing (their size alone decides
the result); the other factories' results are small enough to make first,
with the generator put back as it was: PyTorch's meta kernels draw nothing."""
import functools

from ._creation import _like_device, _size_args, _target_device, _tensor_input, empty
from ._meta import is_meta, meta_array
from ._tensor import Tensor
from . import _random as R, _randint_args, _ranges, _sampling
from .ops import _missing
from .ops._keywords import missing_error

__all__ = ["rand", "randn", "randint", "randperm", "normal", "rand_like", "randn_like",
           "randint_like", "arange", "linspace", "logspace"]


def _as_meta(t):
    if is_meta(t._data):
        return t
    out = Tensor._wrap(meta_array(t._data.shape, t._data.dtype))
    return out._requiring_grad(True) if t._requires_grad else out


def _with_device(factory, like=False):
    @functools.wraps(factory)
    def wrapped(*args, device=None, **kwargs):
        try:
            if like:
                input = args[0] if args else kwargs["input"]
                _tensor_input(factory.__name__, input)
            dev = _target_device(_like_device(input, device) if like else device)
            if dev == "meta" and factory in _SIZE_ONLY:
                shape = _size_args(args, factory.__name__)
                factory(*((0,) * len(shape)), **kwargs)     # its argument checks, drawing nothing
                return empty(shape, dtype=kwargs.get("dtype"), device="meta",
                             requires_grad=kwargs.get("requires_grad", False))
            if dev != "meta":
                return factory(*args, **kwargs)
            with R.untouched(kwargs.get("generator")):
                return _as_meta(factory(*args, **kwargs))
        except (TypeError, KeyError) as e:
            # (an argument left out, the tensor of a *_like too: the parser's words)
            if _missing.is_missing(e) or type(e) is KeyError and not args:
                given = kwargs if device is None else {**kwargs, "device": device}
                error = missing_error(factory.__name__, args, given, False)
                if error is not None:
                    raise error from None
            raise
    return wrapped


_SIZE_ONLY = (_sampling.rand, _sampling.randn)

rand = _with_device(_sampling.rand)
randn = _with_device(_sampling.randn)
randint = _with_device(_sampling.randint)
randperm = _with_device(_sampling.randperm)
normal = _with_device(_sampling.normal)
rand_like = _with_device(_sampling.rand_like, like=True)
randn_like = _with_device(_sampling.randn_like, like=True)
randint_like = _randint_args.like_parsed(_with_device(_sampling.randint_like, like=True))
arange = _with_device(_ranges.arange)
linspace = _with_device(_ranges.linspace)
logspace = _with_device(_ranges.logspace)
