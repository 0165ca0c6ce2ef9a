"""A reduction's dim left out, given as None or (), and keepdim without a
dim, as PyTorch's signatures take them: x.sum() is SumBackward0; x.sum(dim=None)
and x.sum(dim=()) are SumBackward1 over all dims, keeping them under
keepdim=True; x.sum(keepdim=True) binds none of sum's signatures. prod,
median and nanmedian take one int dim or none: dim=None is refused."""
import pytest

from compare_torch import check


def _graph(T, f):
    x = T.arange(1.0, 7.0, dtype=T.float64).reshape(2, 3).requires_grad_()
    y = f(T, x)
    (y * T.arange(1.0, 1.0 + y.numel(), dtype=T.float64).reshape(y.shape)).sum().backward()
    node = y.grad_fn
    return (y, y.stride(), type(node).__name__, getattr(node, "_saved_dim", "-"),
            getattr(node, "_saved_keepdim", "-"), x.grad)


FORMS = {
    "sum()": lambda T, x: x.sum(),
    "sum(dim=None)": lambda T, x: x.sum(dim=None),
    "sum(None, True)": lambda T, x: x.sum(None, True),
    "sum(dim=None, keepdim=True)": lambda T, x: x.sum(dim=None, keepdim=True),
    "sum(dim=[])": lambda T, x: x.sum(dim=[]),
    "sum(dim=(), keepdim=True)": lambda T, x: x.sum(dim=(), keepdim=True),
    "sum(dim=None, keepdim=True, dtype)": lambda T, x: x.sum(None, True, dtype=T.float32),
    "torch.sum(x, None, True)": lambda T, x: T.sum(x, None, True),
    "mean()": lambda T, x: x.mean(),
    "mean(dim=None)": lambda T, x: x.mean(dim=None),
    "mean(None, True)": lambda T, x: x.mean(None, True),
    "mean(dim=[], keepdim=True)": lambda T, x: x.mean(dim=[], keepdim=True),
    "torch.mean(x, None, True)": lambda T, x: T.mean(x, None, True),
    "0-d sum(dim=None, keepdim=True)": lambda T, x: x[0, 0].sum(dim=None, keepdim=True),
    "prod()": lambda T, x: x.prod(),
    "prod(1, True)": lambda T, x: x.prod(1, True),
    "median()": lambda T, x: x.median(),
    "nanmedian()": lambda T, x: x.nanmedian(),
}


@pytest.mark.parametrize("name", list(FORMS))
def test_dim_none_and_keepdim(name):
    check(lambda T: _graph(T, FORMS[name]))


REFUSED = {
    "sum(keepdim=True)": lambda T, x: x.sum(keepdim=True),
    "sum(keepdim=False)": lambda T, x: x.sum(keepdim=False),
    "torch.sum(x, keepdim=True)": lambda T, x: T.sum(x, keepdim=True),
    "mean(keepdim=True)": lambda T, x: x.mean(keepdim=True),
    "torch.mean(x, keepdim=True)": lambda T, x: T.mean(x, keepdim=True),
    "prod(keepdim=True)": lambda T, x: x.prod(keepdim=True),
    "torch.prod(x, keepdim=True)": lambda T, x: T.prod(x, keepdim=True),
    "prod(dim=None, keepdim=True)": lambda T, x: x.prod(dim=None, keepdim=True),
    "prod(None)": lambda T, x: x.prod(None),
    "torch.prod(x, None)": lambda T, x: T.prod(x, None),
    "median(keepdim=True)": lambda T, x: x.median(keepdim=True),
    "torch.median(x, keepdim=True)": lambda T, x: T.median(x, keepdim=True),
    "median(dim=None)": lambda T, x: x.median(dim=None),
    "median(None, True)": lambda T, x: x.median(None, True),
    "nanmedian(keepdim=True)": lambda T, x: x.nanmedian(keepdim=True),
    "nanmedian(dim=None, keepdim=True)": lambda T, x: x.nanmedian(dim=None, keepdim=True),
    "max(keepdim=True)": lambda T, x: x.max(keepdim=True),
    "max(dim=None)": lambda T, x: x.max(dim=None),
    "logsumexp(None)": lambda T, x: x.logsumexp(None),
    "logsumexp(dim=None)": lambda T, x: x.logsumexp(dim=None),
    "torch.logsumexp(x, None)": lambda T, x: T.logsumexp(x, None),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_refused(name):
    check(lambda T: REFUSED[name](T, T.ones(2, 3)))
