"""A double becomes a float16 or bfloat16 through float32, as c10::Half
and c10::BFloat16 are built from a float: rounded twice. 1 + 2**-11 + 2**-40
rounds to 1 + 2**-11 in float32, a tie that float16 rounds to even (1.0),
where one rounding gives 1 + 2**-10; likewise 1 + 2**-8 + 2**-40 for
bfloat16. Every path that converts a double: the conversion methods, the
constructors, fill_, copy_, assignment, binary ops and in-place ones."""
import numpy as np
import pytest

from compare_torch import check

torch = pytest.importorskip("torch")

X16 = 1 + 2 ** -11 + 2 ** -40
XBF = 1 + 2 ** -8 + 2 ** -40
# (and one past float16's range only through float32's rounding: 65520 - 2**-30)
EDGE = 65520 - 2 ** -30


def _double(T, v):
    return T.tensor([v, -v, 0.5 * v], dtype=T.float64)


def _fill(T, dt, v):
    h = T.zeros(3, dtype=dt)
    return h.fill_(v)


def _copy(T, dt, v):
    h = T.zeros(3, dtype=dt)
    return h.copy_(_double(T, v))


def _slice_assign(T, dt, v):
    h = T.zeros(4, dtype=dt)
    h[1:] = _double(T, v)
    return h


def _add_inplace(T, dt, v):
    return T.zeros(3, dtype=dt).add_(_double(T, v))


PATHS = {
    "method": lambda T, dt, v: _double(T, v).to(dt),
    "method_strided": lambda T, dt, v: _double(T, v).expand(2, 3).t()[:, 0].to(dt),
    "type": lambda T, dt, v: _double(T, v).type(dt),
    "tensor_number": lambda T, dt, v: T.tensor(v, dtype=dt),
    "tensor_list": lambda T, dt, v: T.tensor([v, -v], dtype=dt),
    "as_tensor_numpy": lambda T, dt, v: T.as_tensor(np.array([v, -v]), dtype=dt),
    "full": lambda T, dt, v: T.full((2,), v, dtype=dt),
    "fill_": _fill,
    "copy_": _copy,
    "slice_assign": _slice_assign,
    "add_scalar_tensor": lambda T, dt, v: T.zeros(3, dtype=dt) + T.tensor(v, dtype=T.float64),
    "add_inplace": _add_inplace,
}


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("dtype,value", [("float16", X16), ("bfloat16", XBF),
                                         ("float16", EDGE)])
def test_double_to_half_rounds_through_float(path, dtype, value):
    check(lambda T: PATHS[path](T, getattr(T, dtype), value), exact=True)
