"""x.view(dtype): the same bytes read as another dtype, as PyTorch: the last
dim scaled by the size ratio, PyTorch's checks and messages, no gradient,
the data and the version counter shared."""
import pytest

from compare_torch import check, check_error


def x(T):
    return T.arange(6.0).reshape(2, 3).requires_grad_()


VIEWS = [
    ("same_size", lambda T: x(T).view(T.int32)), ("same_dtype", lambda T: x(T).view(T.float32)),
    ("smaller", lambda T: x(T).view(T.float16)), ("bytes", lambda T: x(T).view(T.uint8)),
    ("transposed_same_size", lambda T: x(T).t().view(T.int32)),
    ("larger", lambda T: T.arange(4.0).view(T.float64)), ("keyword", lambda T: x(T).view(dtype=T.int32)),
    ("complex", lambda T: T.arange(4.0).view(T.complex64)), ("int_as_bool", lambda T: T.arange(3).view(T.bool)),
    ("offset_even", lambda T: T.arange(8.0)[2:].view(T.float64)), ("scalar_same_size", lambda T: T.tensor(1.0).view(T.int32)),
    ("last_dim_one", lambda T: T.arange(6.0).reshape(3, 2)[:, :1].view(T.float16)),
    ("round_trip", lambda T: T.tensor([1.5, -2.0]).view(T.int32).view(T.float32)),
    ("bfloat16", lambda T: T.arange(4.0).view(T.bfloat16).view(T.int16)),
]


@pytest.mark.parametrize("make", [m for _, m in VIEWS], ids=[n for n, _ in VIEWS])
def test_view_dtype_matches_pytorch(make):
    check(lambda T: (lambda r: (r, r.stride(), r.requires_grad, r.grad_fn is None))(make(T)),
          exact=True)


@pytest.mark.parametrize("make", [
    lambda T, t: t.view(T.float64), lambda T, t: t.t().view(T.float16),
    lambda T, t: T.tensor(1.0).view(T.float16), lambda T, t: t.detach()[:, :2].view(T.float64),
    lambda T, t: T.arange(8.0)[1:5].view(T.float64)],
    ids=["size_not_divisible", "stride_not_1", "zero_dim", "stride_not_divisible", "offset_odd"])
def test_view_dtype_errors(make):
    check_error(lambda T: (x(T),), make)


def test_view_dtype_shares_data_and_version():
    def run(T):
        z = T.arange(6.0)
        w = z.view(T.int32)
        w.add_(1)
        return z, z._version, w._version, w._base is None
    check(run, exact=True)
