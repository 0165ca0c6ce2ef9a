"""What the sorting tests share: comparing named tuples with PyTorch's,
out= pairs, gradients, and the sample rows."""
import math

import ember
from compare_torch import check as _check


def _plain(r, reprs):
    """A named tuple as its qualified type name, fields and values (and
    repr), which compare_torch compares with torch's."""
    if isinstance(r, tuple) and type(r).__module__.endswith("return_types"):
        out = (f"{type(r).__module__}.{type(r).__name__}",) + tuple(r)
        return out + (repr(r),) if reprs else out
    return r


def check(fn, reprs=False, **kw):
    return _check(lambda T: _plain(fn(T), reprs), reprs=reprs, **kw)


def check_tuple_out(fn, dtypes=("float32", "int64")):
    """fn(T, out) with out= a pair of empty tensors: the values written.
    (The returned tuple is not compared: PyTorch returns *_out types.)"""
    def run(T):
        out = tuple(T.empty(0, dtype=getattr(T, d)) for d in dtypes)
        try:
            fn(T, out)
        except TypeError:
            # ops/_out.py builds the named tuple from the list of outputs
            # (reported); the values were written before.
            assert T is ember
        return out
    _check(run)

NAN = math.nan
ROWS = [[3.0, NAN, 1.0, NAN, 2.0], [1.0, 2.0, 2.0, 1.0, 0.0], [5.0, -1.0, 4.0, 0.5, 7.0]]
DISTINCT = [[0.3, -1.2, 2.5, 0.7], [1.1, -0.4, -2.0, 0.9], [3.3, 0.1, -0.6, 1.8]]
ROWS_DISTINCT_MIDDLE = [ROWS[0], [1.0, 2.0, 2.0, 1.5, 0.0], ROWS[2]]
DTYPES = ["float32", "float64", "int64", "int32", "int16", "int8", "uint8", "bool"]


def t(T, data, dtype=None, **kw):
    return T.tensor(data, dtype=None if dtype is None else getattr(T, dtype), **kw)


def grad_of(fn, data, weight=None, **kw):
    """Compare x.grad of (fn(T, x) * weight).sum() with torch's."""
    def run(T):
        x = t(T, data, requires_grad=True)
        y = fn(T, x)
        (y if weight is None else y * t(T, weight)).sum().backward()
        return x.grad
    check(run, **kw)
