"""The in-place view ops (squeeze_, unsqueeze_, t_, transpose_, swapdims_,
swapaxes_, as_strided_) on a tensor that is itself a view, against PyTorch
2.13: the node is recorded as the out-of-place view op's would be, on the
view's own history (SqueezeBackward4(TransposeBackward0(...))), not on the
AsStridedBackward0 the version bump regenerates for other views of the base.
Compared: the grad_fn chain (next_functions, recursively), geometry, values,
_base, _version, and the leaf's gradient."""
import numpy as np
import pytest

import ember
from compare_torch import _torch


def _chain(fn):
    if fn is None:
        return None
    subs = tuple(_chain(f) for f, _ in fn.next_functions if f is not None)
    return (type(fn).__name__,) + subs


# (a leaf of shape (3, 4, 1) cloned: the base `a`; then the tensor the op acts on)
BASES = {
    "clone": lambda a: a,
    "t": lambda a: a.squeeze(-1).t(),
    "select": lambda a: a[0],
    "view": lambda a: a.view(4, 3, 1),
    "transpose": lambda a: a.transpose(0, 1),
    "unsqueeze": lambda a: a.unsqueeze(0),
    "diagonal": lambda a: a.diagonal(0, 0, 1),
    "narrow": lambda a: a.narrow(1, 1, 2),
}

OPS = {
    "squeeze_()": lambda x: x.squeeze_(),
    "squeeze_(-1)": lambda x: x.squeeze_(-1),
    "squeeze_(0)": lambda x: x.squeeze_(0),
    "squeeze_((0,-1))": lambda x: x.squeeze_((0, -1)),
    "unsqueeze_(1)": lambda x: x.unsqueeze_(1),
    "unsqueeze_(-1)": lambda x: x.unsqueeze_(-1),
    "t_()": lambda x: x.t_(),
    "transpose_(0,1)": lambda x: x.transpose_(0, 1),
    "swapdims_(0,-1)": lambda x: x.swapdims_(0, -1),
    "swapaxes_(1,0)": lambda x: x.swapaxes_(1, 0),
    "as_strided_": lambda x: x.as_strided_((2, 2), (1, 2)),
    "chain": lambda x: x.unsqueeze_(0).transpose_(0, -1).squeeze_(),
}


def _strides(t):
    """The strides that place elements (a dim of size 1 may have any: NumPy's
    reshape gives such dims other strides than PyTorch's unsqueeze)."""
    return tuple(s for n, s in zip(t.shape, t.stride()) if n != 1)


def _run(T, base, op):
    leaf = T.arange(1., 13.).reshape(3, 4, 1).requires_grad_()
    a = leaf.clone()
    x = BASES[base](a)
    version = x._version
    try:
        y = OPS[op](x)
    except RuntimeError as e:
        return ("error", str(e))
    out = [y is x, _chain(y.grad_fn), tuple(y.shape), _strides(y), y.storage_offset(),
           y._base is (None if base == "clone" else a), y._version - version,
           y.detach().numpy().tolist()]
    (y * T.arange(y.numel(), dtype=y.dtype).reshape(y.shape)).sum().backward()
    out.append(leaf.grad.numpy().tolist())
    return out


@pytest.mark.parametrize("op", list(OPS))
@pytest.mark.parametrize("base", list(BASES))
def test_against_torch(base, op):
    torch = _torch()
    if (base, op) == ("diagonal", "as_strided_"):
        pytest.skip("ember: as_strided of a diagonal's storage is not supported")
    assert _run(ember, base, op) == _run(torch, base, op)


def _scenario(T, name):
    leaf = T.arange(1., 25.).reshape(2, 3, 4).requires_grad_()
    a = leaf.clone()
    if name == "sibling":           # another view of the base is regenerated; this one is not
        b, c = a[0], a[1]
        b.t_()
        out = [_chain(c.grad_fn), c._version]
    elif name == "no_grad":         # nothing recorded: regenerated with the new geometry
        b = a[0]
        with T.no_grad():
            b.t_()
        out = [b.grad_fn._saved_size, b.grad_fn._saved_stride]
    elif name == "no_grad_then_grad":
        b = a[0]
        with T.no_grad():
            b.t_()
        b.unsqueeze_(0)
    elif name == "base_changed_before":
        b = a.transpose(0, 2)
        a.mul_(2)
        b.transpose_(0, 1)
    elif name == "base_changed_after":
        b = a[1].t_()
        a.add_(1)
        out = [b.grad_fn._saved_size, b.grad_fn._saved_stride,
               b.grad_fn._saved_storage_offset]
    elif name == "value_inplace_after":
        b = a[0].t_()
        b.mul_(3)
        b = a
    elif name == "retain_grad":
        b = a[0]
        b.retain_grad()
        b.t_()
    if name not in ("sibling", "no_grad", "base_changed_after"):
        out = []
    out += [_chain(b.grad_fn), tuple(b.shape), _strides(b), b._version]
    (b * T.arange(b.numel(), dtype=b.dtype).reshape(b.shape)).sum().backward()
    out.append(leaf.grad.numpy().tolist())
    if name == "retain_grad":
        out.append(b.grad.numpy().tolist())
    return out


@pytest.mark.parametrize("name", ["sibling", "no_grad", "no_grad_then_grad",
                                  "base_changed_before", "base_changed_after",
                                  "value_inplace_after", "retain_grad"])
def test_scenarios_against_torch(name):
    torch = _torch()
    assert _scenario(ember, name) == _scenario(torch, name)


@pytest.mark.parametrize("op, outer", [
    (lambda x: x.squeeze_(), "SqueezeBackward3"),
    (lambda x: x.squeeze_(0), "SqueezeBackward4"),
    (lambda x: x.squeeze_((0, 2)), "SqueezeBackward5"),
    (lambda x: x.unsqueeze_(0), "UnsqueezeBackward1"),
    (lambda x: x.transpose_(0, 2), "TransposeBackward1"),
    (lambda x: x.swapdims_(0, 2), "TransposeBackward1"),
    (lambda x: x.swapaxes_(0, 2), "TransposeBackward1"),
    (lambda x: x.as_strided_((2, 2), (1, 2)), "AsStridedBackward1"),
])
def test_names_without_torch(op, outer):
    """PyTorch 2.13's chains, written out: the view's own node below."""
    leaf = ember.arange(1., 13.).reshape(3, 4, 1).requires_grad_()
    a = leaf.clone()
    x = a.transpose(0, 1).unsqueeze(0)
    assert op(x) is x
    assert _chain(x.grad_fn) == (outer, ("UnsqueezeBackward0", ("TransposeBackward0", (
        "CloneBackward0", ("AccumulateGrad",)))))
    assert x._base is a and x._version == 1
    x.sum().backward()
    expected = np.ones((3, 4, 1)) if outer != "AsStridedBackward1" else \
        np.bincount([0, 1, 2, 3], minlength=12).reshape(3, 4, 1)
    np.testing.assert_array_equal(leaf.grad.numpy(), expected)


def test_t_on_view_without_torch():
    leaf = ember.arange(1., 7.).reshape(2, 3).requires_grad_()
    a = leaf.clone()
    x = a[0].unsqueeze(0).t_()
    assert _chain(x.grad_fn) == ("TBackward1", ("UnsqueezeBackward0", ("SelectBackward0", (
        "CloneBackward0", ("AccumulateGrad",)))))
    (x * ember.arange(3.).reshape(3, 1)).sum().backward()
    np.testing.assert_array_equal(leaf.grad.numpy(), [[0., 1., 2.], [0., 0., 0.]])
