"""`grad_fn._saved_<field>`: what a node shows of the values it keeps, under
PyTorch's names and as PyTorch shows them (autograd/_saved_fields.py).

Over the whole op catalogue, every node class that declares its fields
(grad_fn's `saved=`) must list exactly PyTorch's `_saved_*` names and give
PyTorch's values: ints through PyTorch's unsigned conversion (a dim of -1
reads 2**64 - 1), Scalars with their sign, kept arrays as tensors. A node
that declares none lists only its saved inputs and result (no extra name)."""
import math

import numpy as np
import pytest

import ember
from op_table import OPS
from test_ops import inputs_for

torch = pytest.importorskip("torch")


def _nodes(y):
    out, seen, stack = [], set(), [y.grad_fn]
    while stack:
        n = stack.pop()
        if n is None or id(n) in seen:
            continue
        seen.add(id(n))
        out.append(n)
        stack.extend(f for f, _ in n.next_functions)
    return out


def _fields(node):
    return {a for a in dir(node) if a.startswith("_saved_")}


class _Values:
    """A saved tensor's values: equal to another's within float32 rounding
    (a saved result carries the forward's differences: SLEEF, LAPACK)."""

    def __init__(self, a):
        self.a = np.asarray(a)

    def __eq__(self, other):
        return self.a.shape == other.a.shape and np.allclose(self.a, other.a, rtol=1e-4,
                                                             atol=1e-6, equal_nan=True)

    def __repr__(self):
        return repr(self.a)


def _shown(v):
    if isinstance(v, (ember.Tensor, torch.Tensor)):
        return ("tensor", str(v.dtype).split(".")[1], tuple(v.shape),
                _Values(v.detach().numpy()))
    if isinstance(v, tuple):
        return tuple(_shown(x) for x in v)
    return type(v).__name__, v


# Rows whose products take LAPACK's results: PyTorch's are column-major
# (other strides than Ember's C-ordered arrays), and singular vectors may
# differ from PyTorch's in sign.
_LAPACK_ROWS = {"linalg.svd", "linalg.svd_full", "svd", "linalg.matrix_power_neg"}


def _pairs():
    for row in OPS:
        if row[0] in _LAPACK_ROWS:
            continue
        arrays = inputs_for(row, np.float32)
        try:
            ey = row[1](ember, *[ember.tensor(a, requires_grad=True) for a in arrays])
            ty = row[1](torch, *[torch.tensor(a, requires_grad=True) for a in arrays])
        except Exception:  # noqa: BLE001 - rows that need more than tensors are tested elsewhere
            continue
        en, tn = _nodes(ey), _nodes(ty)
        if [type(n).__name__ for n in en] != [type(n).__name__ for n in tn]:
            continue
        for e, t in zip(en, tn):
            if "AccumulateGrad" not in type(e).__name__:
                yield row[0], e, t


# Eigenvectors and singular vectors are defined up to a unit factor (a sign
# for real ones), which LAPACK's routines pick in their own ways.
_VECTORS = {"_saved_eigenvectors": -2, "_saved_U": -2, "_saved_Vh": -1}


def _phase_fixed(a, axis):
    """Each vector (along `axis`) scaled so its largest entry is real positive."""
    big = np.take_along_axis(a, np.abs(a).argmax(axis, keepdims=True), axis)
    return a * (np.abs(big) / np.where(big == 0, 1, big))


def _defined(node, field, value):
    """The part of a saved value PyTorch fills: rrelu's noise out of
    training is uninitialized memory (only its shape and dtype count), and
    so is ctc_loss's log_alpha past each entry's input and target lengths
    (compared as -inf there). Vectors compared with their phase fixed."""
    kind = type(node).__name__
    if field in _VECTORS and kind.startswith("Linalg"):
        a = value.detach().numpy()
        return _shown(torch.from_numpy(_phase_fixed(a, _VECTORS[field]).astype(a.dtype)))
    if field == "_saved_noise" and not node._saved_training:
        return _shown(value)[:3]
    if kind == "CtcLossBackward0" and field == "_saved_result1":
        a = value.detach().numpy().copy()
        steps, states = np.arange(a.shape[1]), np.arange(a.shape[2])
        for b, (n, s) in enumerate(zip(node._saved_input_lengths, node._saved_target_lengths)):
            a[b, steps >= n] = -np.inf
            a[b, :, states > 2 * s] = -np.inf
        return _shown(torch.from_numpy(a))
    return _shown(value)


def test_catalogue_nodes_show_pytorchs_saved_fields():
    checked = set()
    for name, e, t in _pairs():
        mine, theirs = _fields(e), _fields(t)
        assert mine <= theirs, (name, type(e).__name__, mine - theirs)
        if not getattr(type(e), "_field_names", ()):
            continue
        assert mine == theirs, (name, type(e).__name__, theirs - mine)
        for f in sorted(theirs):
            assert _defined(e, f, getattr(e, f)) == _defined(t, f, getattr(t, f)), (name, f)
        checked.add(type(e).__name__)
    assert {"SumBackward0", "SumBackward1", "MeanBackward0", "MeanBackward1", "AddBackward0",
            "ViewBackward0", "SoftmaxBackward0", "WhereBackward0"} <= checked


@pytest.mark.parametrize("make", [
    lambda T, x: x.sum(-1), lambda T, x: x.mean((0, -1), keepdim=True), lambda T, x: x.sum(),
    lambda T, x: x.softmax(-1), lambda T, x: T.log_softmax(x, 0), lambda T, x: x * 2,
    lambda T, x: x / -2.5, lambda T, x: T.add(x, x, alpha=-1), lambda T, x: x.pow(-1),
    lambda T, x: x.clamp(-1, 2), lambda T, x: x.clamp(min=-1), lambda T, x: 1 - x,
    lambda T, x: T.where(x > 0, x, 0.), lambda T, x: x.masked_fill(x < 0, 1.),
    lambda T, x: x.view(12), lambda T, x: x[None].squeeze(), lambda T, x: x[0].expand(3, 4),
    lambda T, x: x[-1], lambda T, x: x[:, -3:], lambda T, x: x[1:, None, 0],
    lambda T, x: x[::2, 1:-1], lambda T, x: x.select(-1, 0), lambda T, x: x.narrow(-1, 1, 2),
    lambda T, x: x[:, [0, 2]], lambda T, x: x[[0, 1], [1, 2]], lambda T, x: x[x > 0],
    lambda T, x: x.unbind(1)[0], lambda T, x: x.split(2, 1)[0], lambda T, x: x.chunk(2, -1)[1],
    lambda T, x: x.split([1, 3], -1)[1], lambda T, x: T.cat([x, x], -1),
    lambda T, x: T.stack([x, x], -1), lambda T, x: x.permute(-1, 0),
    lambda T, x: x.transpose(-1, 0), lambda T, x: x.unsqueeze(-1), lambda T, x: x.squeeze(-1),
    lambda T, x: x[:, None].squeeze((1, -1)), lambda T, x: (x * 1).squeeze_(0),
    lambda T, x: (x * 1).unsqueeze_(-1), lambda T, x: (x * 1).transpose_(0, -1),
    lambda T, x: x.mT, lambda T, x: T.diff(x, dim=-1), lambda T, x: T.trapezoid(x),
    lambda T, x: T.nn.functional.elu(x), lambda T, x: T.nn.functional.selu(x * 1, inplace=True),
    lambda T, x: T.nn.functional.celu(x, 0.7), lambda T, x: T.nn.functional.leaky_relu(x, 0.2),
    lambda T, x: T.nn.functional.relu6(x), lambda T, x: T.nn.functional.hardtanh(x),
    lambda T, x: T.nn.functional.softplus(x), lambda T, x: T.nn.Softplus(2, 10)(x),
    lambda T, x: T.nn.functional.gelu(x, approximate="tanh"),
    lambda T, x: T.nn.functional.hardshrink(x), lambda T, x: T.nn.Threshold(0.5, 0)(x),
    lambda T, x: T.nn.functional.mse_loss(x, x.detach() * 2, reduction="sum"),
    lambda T, x: T.nn.functional.cross_entropy(x, T.tensor([0, 3, 1])),
    lambda T, x: T.nn.functional.nll_loss(x, T.tensor([0, 3, -100]), T.rand(4)),
    lambda T, x: T.nn.functional.binary_cross_entropy_with_logits(x, T.ones(3, 4)),
    lambda T, x: T.nn.functional.huber_loss(x, T.zeros(3, 4), delta=0.5),
    lambda T, x: T.nn.functional.linear(x, T.ones(5, 4), T.ones(5)), lambda T, x: x @ x.mT,
    lambda T, x: x.max(-1, keepdim=True).values, lambda T, x: x.min(0)[0],
    lambda T, x: x.amax(-1), lambda T, x: x.var(), lambda T, x: x.var(-1, correction=0),
    lambda T, x: x.std(1, unbiased=False), lambda T, x: x.prod(-1), lambda T, x: x.logsumexp(-1),
    lambda T, x: x.nansum(), lambda T, x: x.cumsum(-1), lambda T, x: x.cumprod(0),
    lambda T, x: x.flip(-1), lambda T, x: x.norm(), lambda T, x: T.linalg.norm(x, dim=1),
    lambda T, x: T.linalg.vector_norm(x, 3, -1, True), lambda T, x: x.roll(1, -1),
    lambda T, x: x.gather(1, T.tensor([[0], [1], [2]])),
    lambda T, x: x.index_select(-1, T.tensor([0, 2])),
    lambda T, x: x.sort()[0], lambda T, x: x.sort(dim=0, descending=True, stable=True)[0],
    lambda T, x: x.topk(2)[0], lambda T, x: x.kthvalue(2, 0, True)[0],
    lambda T, x: x.median(-1)[0], lambda T, x: x[0].kthvalue(2)[0], lambda T, x: x.mode(-1)[0],
    lambda T, x: x.cummax(-1)[0], lambda T, x: x[0, 0].sort()[0],
    lambda T, x: x.take(T.tensor([[0, 5]])), lambda T, x: x.masked_select(x > 0),
    lambda T, x: x.masked_select(T.tensor([True, False, True, True])),
    lambda T, x: x.scatter(0, T.tensor([[0, 1, 2, 0]]), x[:1] * 2),
    lambda T, x: x.scatter(-1, T.tensor([[0], [1], [2]]), 2.0),
    lambda T, x: x.scatter_add(0, T.tensor([[0, 1, 2, 0]]), T.ones(1, 4)),
    lambda T, x: T.zeros(3, 4).scatter_add(-2, T.tensor([[0, 1, 2, 0]]), x[:1]),
    lambda T, x: T.var_mean(x)[0], lambda T, x: T.var_mean(x, False)[1],
    lambda T, x: T.var_mean(x, [0, -1], correction=2)[0],
    lambda T, x: T.std_mean(x, -1, keepdim=True)[0], lambda T, x: T.std_mean(x)[1],
    lambda T, x: T.dist(x, x * 2), lambda T, x: T.dist(x, x * 2, 2.0),
    lambda T, x: T.dist(x, x * 2, T.tensor(3)), lambda T, x: x.renorm(2, -1, 1),
    lambda T, x: x.renorm(1.5, 0, T.tensor(0.5)), lambda T, x: x.narrow_copy(-1, -3, 2),
    lambda T, x: T.narrow_copy(x, 0, T.tensor(1), 2), lambda T, x: T.diag(x, -1),
    lambda T, x: T.diagonal_copy(x, 1, -1, 0), lambda T, x: T.linalg.diagonal(x),
    lambda T, x: T.linalg.diagonal(x, offset=-1, dim1=1, dim2=0),
    lambda T, x: T.nn.functional.rrelu(x, 0.1, 0.3, True), lambda T, x: T.rrelu_(x * 1, 0, 1, True),
    lambda T, x: T.nn.functional.grid_sample(x[None, None], T.zeros(1, 2, 2, 2), "nearest",
                                             "border", True),
    lambda T, x: T.nn.functional.grid_sample(x[None, None, None], T.zeros(1, 2, 2, 2, 3),
                                             padding_mode="reflection", align_corners=False),
    lambda T, x: T.addbmm(x, x[None, :, :3].expand(2, 3, 3) * 1, x[None, :3].expand(2, 3, 4) * 1,
                          beta=2, alpha=0.5),
    lambda T, x: T.aminmax(x, dim=-1, keepdim=True)[0], lambda T, x: T.aminmax(x)[1],
    lambda T, x: T.diag_embed(x, 1, -1, 0), lambda T, x: T.diag(x[0], -1),
    lambda T, x: T.diagflat(x, 1), lambda T, x: T.frexp(x)[0], lambda T, x: x.logcumsumexp(-1),
    lambda T, x: T.native_dropout(x, 0.3, False)[0], lambda T, x: T.rot90(x, -1, (0, -1)),
    lambda T, x: x.rot90(5), lambda T, x: x.as_strided((2, 2), (1, 2), 1),
    lambda T, x: T.as_strided_copy(x, [2], [2]), lambda T, x: (x * 1).as_strided_((2,), (2,)),
    lambda T, x: T.linalg.tensorinv(x[:, :3] + 3 * T.eye(3), 1),
    lambda T, x: T.nn.functional.pairwise_distance(x, x.detach() * 2, 3, keepdim=True),
    lambda T, x: T.affine_grid_generator(x[None, :2, :3], (1, 1, 2, 2), False),
])

def test_fields_as_pytorch_shows_them(make):
    seen = []
    for lib in (ember, torch):
        lib.manual_seed(0)
        x = lib.randn(3, 4, requires_grad=True)
        node = make(lib, x).grad_fn
        seen.append({f: _shown(getattr(node, f)) for f in _fields(node)})
    assert seen[0] == seen[1]


@pytest.mark.parametrize("make", [
    lambda T, x: T.nn.functional.layer_norm(x, (8,)), lambda T, x: T.nn.LayerNorm([4, 8])(x),
    lambda T, x: T.nn.functional.group_norm(x, 3), lambda T, x: T.nn.BatchNorm2d(3)(x),
    lambda T, x: T.nn.BatchNorm2d(3).eval()(x), lambda T, x: T.nn.functional.dropout(x, 0.3),
    lambda T, x: T.nn.Conv2d(3, 4, 3)(x), lambda T, x: T.nn.Conv2d(3, 4, 3, 2, 1, bias=False)(x),
    lambda T, x: T.nn.Conv2d(3, 6, (3, 1), padding="same", groups=3, dilation=2)(x),
    lambda T, x: T.nn.functional.conv2d(x, T.ones(4, 3, 3, 3), padding="valid"),
    lambda T, x: T.nn.functional.conv2d(x, T.ones(4, 3, 3, 3), stride=(2,)),
    lambda T, x: T.convolution(x, T.ones(4, 3, 3, 3), None, [2], [1, 1], [1], False, [0], 1),
    lambda T, x: T.nn.ConvTranspose2d(3, 2, 3, stride=2, output_padding=1)(x),
    lambda T, x: T.nn.functional.max_pool2d(x, 2), lambda T, x: T.nn.MaxPool2d(3, 2, 1, ceil_mode=True)(x),
    lambda T, x: T.nn.functional.avg_pool2d(x, 3, 1, 1, count_include_pad=False, divisor_override=2),
    lambda T, x: T.nn.functional.adaptive_max_pool2d(x, 2),
    lambda T, x: T.nn.functional.max_pool1d(x[:, :, 0], 2),
    lambda T, x: T.nn.functional.pad(x, (1, 2, 0, 1)),
    lambda T, x: x.tril(-1), lambda T, x: x.triu(1), lambda T, x: T.lerp(x, x * 2, 0.3),
    lambda T, x: T.addcmul(x, x, x, value=-1.5), lambda T, x: x[0, 0].trace(),
    lambda T, x: T.nn.functional.pixel_shuffle(x[:, :1].repeat(1, 4, 1, 1), 2),
    lambda T, x: T.polygamma(2, x), lambda T, x: T.logit(x.sigmoid(), 1e-6),
    lambda T, x: T.xlogy(2.5, x.abs()), lambda T, x: T.cdist(x[0], x[1]),
    lambda T, x: T.fft.fft(x, dim=-1), lambda T, x: T.fft.rfft(x),
    lambda T, x: T.baddbmm(x[0, :, :, :4], x[0], x[0].mT), lambda T, x: T.addr(x[0, 0, 0], x[0, 0, 0], x[0, 0, 1]),
])
def test_nn_fields_as_pytorch_shows_them(make):
    seen = []
    for lib in (ember, torch):
        lib.manual_seed(0)
        x = lib.randn(2, 3, 4, 8, requires_grad=True)
        node = make(lib, x).grad_fn
        seen.append({f: _shown(getattr(node, f)) for f in _fields(node)})
    assert seen[0] == seen[1]


def test_embedding_fields():
    seen = []
    for lib in (ember, torch):
        lib.manual_seed(0)
        rows = [lib.nn.Embedding(5, 3)(lib.tensor([[0, 2], [4, 1]])).grad_fn,
                lib.nn.Embedding(5, 3, padding_idx=0)(lib.tensor([1, 0])).grad_fn]
        seen.append([{f: _shown(getattr(n, f)) for f in _fields(n) if f != "_saved_weight"}
                     for n in rows])
    assert seen[0] == seen[1]


def test_kept_fields_after_backward():
    # ints stay readable after backward; a saved number or tensor is freed
    outcomes = []
    for lib in (ember, torch):
        x = lib.ones(2, 3, requires_grad=True)
        s = x.sum(-1)
        m = x * 3
        (s.sum() + m.sum()).backward()
        row = [s.grad_fn._saved_dim, s.grad_fn._saved_self_sym_sizes]
        try:
            m.grad_fn._saved_other
        except RuntimeError as exc:
            row.append(str(exc)[:40])
        outcomes.append(row)
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == (2 ** 64 - 1,) and not math.isnan(outcomes[0][1][0])


def test_masked_select_of_a_broadcast_input_records_no_expand():
    # PyTorch 2.13 records MaskedSelectBackward0 on the input itself; the
    # gradient is summed back to the input's shape
    seen = []
    for lib in (ember, torch):
        x = lib.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
        y = x.masked_select(lib.ones(3, 4, dtype=lib.bool))
        y.sum().backward()
        seen.append(([type(n).__name__ for n, _ in y.grad_fn.next_functions], x.grad.tolist()))
    assert seen[0] == seen[1] == (["AccumulateGrad"], [3.0, 3.0, 3.0, 3.0])


def _all_fields(y):
    return [(type(n).__name__, {f: _defined(n, f, getattr(n, f)) for f in _fields(n)})
            for n in _nodes(y)]


def test_fields_of_nodes_inside_composites():
    # einsum's diagonal, rrelu out of training (PyTorch's noise is
    # uninitialized), bilinear's _trilinear
    seen = []
    for lib in (ember, torch):
        lib.manual_seed(0)
        x = lib.randn(3, 3, requires_grad=True)
        seen.append([_all_fields(lib.einsum("ii->i", x)),
                     _all_fields(lib.einsum("bii->bi", x[None])),
                     _all_fields(lib.nn.functional.rrelu(x)),
                     _all_fields(lib.nn.functional.bilinear(x, x, lib.ones(2, 3, 3)))])
    assert seen[0] == seen[1]
