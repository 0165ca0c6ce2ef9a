"""torch.finfo / torch.iinfo: the numeric limits of a dtype."""
import builtins
import math

from ._backend import np

from . import _dtype as D, _public_name
from ._python_data import _tname

__all__ = ["finfo", "iinfo"]

# bfloat16's limits without ml_dtypes: 8 exponent bits as float32, 8 significand bits.
_BF16 = dict(bits=16, eps=2.0 ** -7, max=float.fromhex("0x1.fep127"), tiny=2.0 ** -126)


def _dtype_arg(type, fn):
    if isinstance(type, D.dtype):
        return type
    if type is float and fn == "finfo":
        return D.float64
    if type is int and fn == "iinfo":
        return D.int64
    if type in (int, float, bool):
        return {int: D.int64, float: D.float64, bool: D.bool_}[type]
    raise TypeError(f"{fn}(): argument 'type' (position 1) must be {_public_name.name}.dtype, not "
                    f"{_tname(type)}")


def _g(x):
    return f"{x:g}"


class finfo:
    """Machine limits of a floating-point dtype (the default dtype if none)."""
    __module__ = "ember"

    def __init__(self, type=None):
        d = D._default[0] if type is None else _dtype_arg(type, "finfo")
        d = d.to_real()     # a complex dtype's limits are those of its parts
        if not d.is_floating_point:
            lib = _public_name.name
            raise TypeError(f"{lib}.finfo() requires a floating point input type. Use "
                            f"{lib}.iinfo to handle '{lib}.finfo'")
        if d is D.bfloat16:
            lim = _BF16
        else:
            f = np.finfo(d._np)
            lim = dict(bits=int(f.bits), eps=float(f.eps), max=float(f.max),
                       tiny=float(f.smallest_normal))
        self.bits = lim["bits"]
        self.eps = lim["eps"]
        self.max = lim["max"]
        self.min = -lim["max"]
        self.tiny = self.smallest_normal = lim["tiny"]
        # 10 ** -(the decimal digits eps resolves), as c10 computes it
        self.resolution = 10.0 ** -builtins.int(-math.log10(self.eps))
        self.dtype = d.name

    def __eq__(self, other):
        return isinstance(other, finfo) and self.dtype == other.dtype

    __hash__ = None     # as PyTorch's

    def __repr__(self):
        return (f"finfo(resolution={_g(self.resolution)}, min={_g(self.min)}, "
                f"max={_g(self.max)}, eps={_g(self.eps)}, "
                f"smallest_normal={_g(self.smallest_normal)}, tiny={_g(self.tiny)}, "
                f"dtype={self.dtype})")

    __str__ = __repr__


class iinfo:
    """Machine limits of an integer dtype."""
    __module__ = "ember"

    def __init__(self, type):
        d = _dtype_arg(type, "iinfo")
        lib = _public_name.name
        if d is D.bool_:
            raise TypeError(f"{lib}.bool is not supported by {lib}.iinfo")
        if d._category != D._INT:
            raise TypeError(f"{lib}.iinfo() requires an integer input type. Use {lib}.finfo "
                            f"to handle '{lib}.iinfo'")
        i = np.iinfo(d._np)
        self.bits = int(i.bits)
        self.max = int(i.max)
        self.min = int(i.min)
        self.dtype = d.name

    def __eq__(self, other):
        return isinstance(other, iinfo) and self.dtype == other.dtype

    __hash__ = None

    def __repr__(self):
        return f"iinfo(min={_g(self.min)}, max={_g(self.max)}, dtype={self.dtype})"

    __str__ = __repr__
