"""A write into memory that one of the op's inputs shares in part (a[1:] =
a[:-1]) is refused with PyTorch's error, leaving the tensor as it was; the
same memory in the same layout (a.add_(a)) and memory that does not meet
are written as PyTorch writes them."""
import pytest

from compare_torch import check


def _calls(T):
    i4 = T.arange(4)
    return {
        "setitem slice": lambda a: a.__setitem__(slice(1, None), a[:-1]),
        "setitem itself": lambda a: a.__setitem__(slice(None), a),
        "setitem the same view": lambda a: a.__setitem__(slice(0, 3), a[0:3]),
        "setitem a flipped copy": lambda a: a.__setitem__(slice(None), a.flip(0)),
        "setitem from an element": lambda a: a.__setitem__(slice(1, None), a[0]),
        "setitem the transpose": lambda a: a[:4].view(2, 2).__setitem__(
            slice(None), a[:4].view(2, 2).t()),
        "setitem by index": lambda a: a.__setitem__(T.tensor([1, 2, 3, 4]), a[:-1]),
        "copy_": lambda a: a[1:].copy_(a[:-1]),
        "copy_ itself": lambda a: a.copy_(a),
        "copy_ apart": lambda a: a[:2].copy_(a[3:]),
        "add_": lambda a: a[1:].add_(a[:-1]),
        "mul_": lambda a: a[1:].mul_(a[:-1]),
        "add_ itself": lambda a: a.add_(a),
        "add_ the transpose": lambda a: a[:4].view(2, 2).add_(a[:4].view(2, 2).t()),
        "mul_ strided": lambda a: a[::2].mul_(a[1:4]),
        "sub_ a clone": lambda a: a[1:].sub_(a[:-1].clone()),
        "addcmul_": lambda a: a[1:].addcmul_(a[:-1], a[:-1]),
        "lerp_": lambda a: a[1:].lerp_(a[:-1], 0.5),
        "fill_ from an element": lambda a: a[1:].fill_(a[0]),
        "neg_": lambda a: a.neg_(),
        "index_add_": lambda a: a[1:].index_add_(0, i4, a[:-1]),
        "index_copy_": lambda a: a[1:].index_copy_(0, i4, a[:-1]),
        "scatter_": lambda a: a[1:].scatter_(0, i4, a[:-1]),
        "scatter_add_": lambda a: a[1:].scatter_add_(0, i4, a[:-1]),
        "scatter_reduce_": lambda a: a[1:].scatter_reduce_(0, i4, a[:-1], "sum"),
        "put_": lambda a: a[1:].put_(i4, a[:-1]),
        "index_put_": lambda a: a[1:].index_put_((i4,), a[:-1]),
        "index_put_ accumulate": lambda a: a[1:].index_put_((i4,), a[:-1], accumulate=True),
        "masked_fill_ 0-d": lambda a: a[1:].masked_fill_(T.ones(4, dtype=T.bool), a[1]),
        "add out": lambda a: T.add(a[:-1], 1, out=a[1:]),
        "add out itself": lambda a: T.add(a, 1, out=a),
        "sin out": lambda a: T.sin(a[:-1], out=a[1:]),
        "sigmoid out": lambda a: T.sigmoid(a[:-1], out=a[1:]),
        "clamp out": lambda a: T.clamp(a[:-1], 0, 2, out=a[1:]),
        "floor out": lambda a: T.floor(a[:-1], out=a[1:]),
        "maximum out": lambda a: T.maximum(a[:-1], a[1:], out=a[1:]),
        "eq out": lambda a: T.eq(a[:-1], a[1:], out=a[1:]),
        "pow out": lambda a: T.pow(a[:-1], 2, out=a[1:]),
        "where out": lambda a: T.where(a[:-1] > 1, a[:-1], a[:-1], out=a[1:]),
        "cat out": lambda a: T.cat([a[:2], a[2:4]], out=a[1:5]),
        "stack out": lambda a: T.stack([a[:2], a[2:4]], out=a[1:5].view(2, 2)),
        "cumsum out": lambda a: T.cumsum(a[:-1], 0, out=a[1:]),
        "cumprod out": lambda a: T.cumprod(a[:-1], 0, out=a[1:]),
        "gather out": lambda a: T.gather(a[:-1], 0, i4, out=a[1:]),
        "index_select out": lambda a: T.index_select(a[:-1], 0, i4, out=a[1:]),
    }


# (the names of _calls' entries; the calls need the library to build)
_NAMES = ["setitem slice", "setitem itself", "setitem the same view", "setitem a flipped copy",
          "setitem from an element", "setitem the transpose", "setitem by index", "copy_",
          "copy_ itself", "copy_ apart", "add_", "mul_", "add_ itself", "add_ the transpose",
          "mul_ strided", "sub_ a clone", "addcmul_", "lerp_", "fill_ from an element", "neg_",
          "index_add_", "index_copy_", "scatter_", "scatter_add_", "scatter_reduce_", "put_",
          "index_put_", "index_put_ accumulate", "masked_fill_ 0-d", "add out",
          "add out itself", "sin out", "sigmoid out", "clamp out", "floor out", "maximum out",
          "eq out", "pow out", "where out", "cat out", "stack out", "cumsum out", "cumprod out",
          "gather out", "index_select out"]


def test_every_call_is_named():
    import ember
    assert sorted(_calls(ember)) == sorted(_NAMES)


@pytest.mark.parametrize("name", _NAMES)
def test_a_partially_overlapping_write(name):
    def f(T):
        a = T.arange(5.0)
        try:
            _calls(T)[name](a)
        except RuntimeError as e:
            return str(e), a
        return None, a
    check(f)
