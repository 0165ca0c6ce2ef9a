"""The *_like factories and the methods that take a tensor to copy a shape or
dtype from (view_as, expand_as, type_as): PyTorch's refusal of anything but a
tensor, and randint_like's arguments (generator, layout, requires_grad)."""
import numpy as np
import pytest

from compare_torch import check

_LIKE = {
    "zeros_like": lambda T, x: T.zeros_like(x),
    "ones_like": lambda T, x: T.ones_like(x),
    "empty_like": lambda T, x: T.empty_like(x).shape,
    "full_like": lambda T, x: T.full_like(x, 2.0),
    "rand_like": lambda T, x: T.rand_like(x),
    "randn_like": lambda T, x: T.randn_like(x),
    "randint_like": lambda T, x: T.randint_like(x, 5),
}
_NOT_TENSORS = {"ndarray": lambda: np.ones(3), "list": lambda: [1.0, 2.0], "float": lambda: 3.0}


@pytest.mark.parametrize("make", _NOT_TENSORS.values(), ids=list(_NOT_TENSORS))
@pytest.mark.parametrize("fn", _LIKE.values(), ids=list(_LIKE))
def test_like_factories_take_only_a_tensor(fn, make):
    check(lambda T: fn(T, make()))


@pytest.mark.parametrize("make", _NOT_TENSORS.values(), ids=list(_NOT_TENSORS))
@pytest.mark.parametrize("method", ["view_as", "expand_as", "type_as"])
def test_shape_and_type_of_another_take_only_a_tensor(method, make):
    check(lambda T: getattr(T.ones(3), method)(make()))


@pytest.mark.parametrize("kwargs", [
    {}, {"dtype": "float32"}, {"dtype": "float64", "requires_grad": True},
    {"memory_format": "contiguous_format"}, {"memory_format": "preserve_format"},
    {"generator": 7}, {"generator": 7, "dtype": "int32"},
])
@pytest.mark.parametrize("low_high", [(5,), (-3, 4)])
def test_randint_like_draws_as_pytorch(kwargs, low_high):
    """Values in the input's layout (a transposed input: column order),
    from the generator given, with the dtype and requires_grad asked for."""
    def f(T):
        T.manual_seed(0)
        x = T.zeros(3, 4, dtype=T.int16).t()
        kw = dict(kwargs)
        if "dtype" in kw:
            kw["dtype"] = getattr(T, kw["dtype"])
        if "memory_format" in kw:
            kw["memory_format"] = getattr(T, kw["memory_format"])
        if "generator" in kw:
            kw["generator"] = T.Generator().manual_seed(kw["generator"])
        y = T.randint_like(x, *low_high, **kw)
        return y, y.stride(), y.dtype, y.requires_grad, T.rand(2)
    check(f, exact=True)


_RANDINT_LIKE_CALLS = {
    "0-d int high": lambda T, t: T.randint_like(t, T.tensor(5)),
    "0-d float high, truncated": lambda T, t: T.randint_like(t, T.tensor(5.7)),
    "0-d bool high": lambda T, t: T.randint_like(t, T.tensor(True)),
    "1-d high": lambda T, t: T.randint_like(t, T.tensor([5])),
    "0-d int low": lambda T, t: T.randint_like(t, T.tensor(2), 5),
    "negative high": lambda T, t: T.randint_like(t, T.tensor(-3)),
    "float high": lambda T, t: T.randint_like(t, 5.0),
    "int generator": lambda T, t: T.randint_like(t, 5, generator=3),
    "unknown keyword": lambda T, t: T.randint_like(t, 5, generator=None, foo=1),
    "by keyword": lambda T, t: T.randint_like(input=t, high=5),
    "low and high by keyword": lambda T, t: T.randint_like(t, low=1, high=5),
    "no bounds": lambda T, t: T.randint_like(t),
    "nothing": lambda T, t: T.randint_like(),
    "meta": lambda T, t: T.randint_like(t, 5, device="meta").shape,
    "rand_like input by keyword": lambda T, t: T.rand_like(input=t),
    "rand_like of nothing": lambda T, t: T.rand_like(),
}


@pytest.mark.parametrize("call", _RANDINT_LIKE_CALLS.values(), ids=list(_RANDINT_LIKE_CALLS))
def test_randint_like_overloads(call):
    def f(T):
        T.manual_seed(0)
        return call(T, T.ones(6))
    check(f, exact=True)
