"""A view's geometry as PyTorch's: `.stride()`, `.storage_offset()` and
`.is_contiguous()` of views (unsqueeze, view/reshape, flatten, squeeze,
expand, permute, indexing with None, ...) of bases of every layout, in
particular the strides of size-1 dims, which ATen chooses by its own rules
(inferUnsqueezeGeometry, computeStride) where NumPy's reshape chooses others.

The grid runs against PyTorch where it is importable; the hard-coded cases
at the end run without it.
"""
import itertools
import warnings

import pytest

import ember


# --- bases: name -> maker(T) -------------------------------------------------

def _ar(T, n):
    return T.arange(float(n))


BASES = {
    "contig": lambda T: _ar(T, 24).reshape(2, 3, 4),
    "contig2d": lambda T: _ar(T, 12).reshape(3, 4),
    "vec": lambda T: _ar(T, 5),
    "transposed": lambda T: _ar(T, 24).reshape(2, 3, 4).transpose(0, 2),
    "t2d": lambda T: _ar(T, 12).reshape(3, 4).t(),
    "stepped": lambda T: _ar(T, 48).reshape(4, 3, 4)[::2, :, 1::2],
    "stepped1d": lambda T: _ar(T, 10)[1::3],
    "expanded_row": lambda T: _ar(T, 4).reshape(1, 4).expand(3, 4),
    "expanded_col": lambda T: _ar(T, 3).reshape(3, 1).expand(3, 4),
    "expanded_new": lambda T: _ar(T, 4).expand(2, 3, 4),
    "scalar": lambda T: T.tensor(5.0),
    "ones_shape": lambda T: _ar(T, 6).reshape(1, 2, 1, 3),
    "ones_shape_t": lambda T: _ar(T, 6).reshape(1, 2, 1, 3).permute(3, 2, 1, 0),
    "one_in_middle": lambda T: _ar(T, 6).reshape(2, 1, 3),
    "single": lambda T: _ar(T, 1).reshape(1, 1),
    "single_slice": lambda T: _ar(T, 10)[3:4],
    "col_slice": lambda T: _ar(T, 12).reshape(3, 4)[:, 1:2],
    "row_slice": lambda T: _ar(T, 12).reshape(3, 4)[1:2, ::2],
    "empty_mid": lambda T: T.zeros(2, 0, 3),
    "empty_lead": lambda T: T.zeros(0, 1, 3),
    "empty_1d": lambda T: T.zeros(0),
    "empty_slice": lambda T: _ar(T, 12).reshape(3, 4)[:, 2:2],
    "channels_last": lambda T: _ar(T, 24).reshape(1, 2, 3, 4).contiguous(
        memory_format=T.channels_last),
    "channels_last2": lambda T: _ar(T, 48).reshape(2, 2, 3, 4).contiguous(
        memory_format=T.channels_last),
    # contiguous, but the size-1 dim's stride is not the canonical one
    "contig_odd1": lambda T: _ar(T, 6).reshape(1, 2, 3).transpose(0, 1),
    "as_strided_odd1": lambda T: _ar(T, 10).as_strided((3, 1, 2), (2, 7, 1)),
    "scalar_of_view": lambda T: _ar(T, 12).reshape(3, 4)[1, 2],
    "expanded_ones": lambda T: _ar(T, 3).reshape(3, 1).expand(3, 1).unsqueeze(0),
}


def _shape(T, name):
    return tuple(BASES[name](T).shape)


# --- ops: per base, a list of (label, fn(t)) -----------------------------------

def _views_of(shape):
    """Shapes of the same numel with 1s inserted or removed, dims merged or split."""
    core = tuple(s for s in shape if s != 1)
    out = {core, core + (1,), (1,) + core}
    for i in range(len(core) + 1):
        out.add(core[:i] + (1,) + core[i:])
        out.add(core[:i] + (1, 1) + core[i:])
    for i in range(len(core) - 1):
        out.add(core[:i] + (core[i] * core[i + 1],) + core[i + 2:])
        out.add(core[:i] + (core[i] * core[i + 1], 1) + core[i + 2:])
    n = 1
    for s in core:
        n *= s
    out.add((n,))
    out.add((-1,))
    out.add((n, 1))
    out.add((1, n))
    for i in range(len(core)):
        if core[i] % 2 == 0 and core[i] > 2:
            out.add(core[:i] + (2, core[i] // 2) + core[i + 1:])
            out.add(core[:i] + (2, 1, core[i] // 2) + core[i + 1:])
    return sorted(out)


def ops_for(shape):
    nd = len(shape)
    ops = []
    add = ops.append
    for d in range(-nd - 1, nd + 1):
        add((f"unsqueeze({d})", lambda t, d=d: t.unsqueeze(d)))
    for d in range(nd + 1):
        for e in range(nd + 2):
            add((f"unsqueeze({d}).unsqueeze({e})", lambda t, d=d, e=e: t.unsqueeze(d).unsqueeze(e)))
    for s in _views_of(shape):
        add((f"view{s}", lambda t, s=s: t.view(s)))
        add((f"reshape{s}", lambda t, s=s: t.reshape(s)))
    add(("flatten()", lambda t: t.flatten()))
    for a in range(nd):
        for b in range(a, nd):
            add((f"flatten({a},{b})", lambda t, a=a, b=b: t.flatten(a, b)))
    for d in range(nd):
        add((f"unflatten({d},(1,-1))", lambda t, d=d: t.unflatten(d, (1, -1))))
        add((f"unflatten({d},(-1,1))", lambda t, d=d: t.unflatten(d, (-1, 1))))
        if shape[d] and shape[d] % 2 == 0:
            add((f"unflatten({d},(2,-1))", lambda t, d=d: t.unflatten(d, (2, -1))))
    add(("squeeze()", lambda t: t.squeeze()))
    for d in range(-nd, nd):
        add((f"squeeze({d})", lambda t, d=d: t.squeeze(d)))
    if nd >= 2:
        add(("squeeze((0,-1))", lambda t: t.squeeze((0, -1))))
    if nd:
        ex = tuple(4 if s == 1 else s for s in shape)
        add((f"expand{ex}", lambda t, ex=ex: t.expand(ex)))
    add(("expand(2,*)", lambda t: t.expand((2,) + tuple(t.shape))))
    add(("expand(1,*)", lambda t: t.expand((1,) + tuple(t.shape))))
    add(("expand(1,2,*)", lambda t: t.expand((1, 2) + tuple(t.shape))))
    if nd <= 4:
        for p in itertools.permutations(range(nd)):
            add((f"permute{p}", lambda t, p=p: t.permute(p)))
    for a in range(nd):
        for b in range(nd):
            add((f"movedim({a},{b})", lambda t, a=a, b=b: t.movedim(a, b)))
    for d in range(nd):
        if shape[d]:
            add((f"narrow({d},0,1)", lambda t, d=d: t.narrow(d, 0, 1)))
            add((f"narrow({d},last)", lambda t, d=d: t.narrow(d, t.shape[d] - 1, 1)))
            add((f"select({d},-1)", lambda t, d=d: t.select(d, -1)))
            add((f"select({d},0).unsqueeze(0)", lambda t, d=d: t.select(d, 0).unsqueeze(0)))
    add(("[None]", lambda t: t[None]))
    add(("[..., None]", lambda t: t[..., None]))
    add(("[None, ..., None]", lambda t: t[None, ..., None]))
    if nd >= 1:
        add(("[:, None]", lambda t: t[:, None]))
        add(("[0, None]", lambda t: t[0, None] if t.shape[0] else t[None]))
        add(("[None, :1]", lambda t: t[None, :1]))
    if nd >= 2:
        add(("[:, None, :, None]", lambda t: t[:, None, :, None]))
        add(("diagonal()", lambda t: t.diagonal()))
        add(("diagonal(0,0,-1)", lambda t: t.diagonal(0, 0, -1)))
        add(("diagonal(1)", lambda t: t.diagonal(1)))
        add(("diagonal().unsqueeze(-1)", lambda t: t.diagonal().unsqueeze(-1)))
        add(("mT", lambda t: t.mT))
        add(("mT.unsqueeze(-1)", lambda t: t.mT.unsqueeze(-1)))
    if nd <= 2:
        add(("t()", lambda t: t.t()))
        add(("t().unsqueeze(-1)", lambda t: t.t().unsqueeze(-1)))
    for d in range(nd):
        if shape[d] >= 2:
            add((f"unfold({d},2,1)", lambda t, d=d: t.unfold(d, 2, 1)))
        add((f"unfold({d},1,1)", lambda t, d=d: t.unfold(d, 1, 1)))
    if nd == 0:
        add(("unfold(0,1,1)", lambda t: t.unfold(0, 1, 1)))
    add(("as_strided(1,1)", lambda t: t.as_strided((2, 1), (1, 1)) if t.numel() >= 2 else t))
    add(("as_strided(...).unsqueeze(1)",
         lambda t: t.as_strided((2, 2), (1, 2)).unsqueeze(1) if t.numel() >= 4 else t))
    # chains
    add(("t-ish.unsqueeze.view", lambda t: t.movedim(0, -1).unsqueeze(1).reshape(
        (1,) + tuple(t.movedim(0, -1).shape) + (1,)) if nd else t.unsqueeze(0).unsqueeze(0)))
    add(("unsqueeze(-1).expand.squeeze", lambda t: t.unsqueeze(-1).expand(
        tuple(t.shape) + (3,)).unsqueeze(0).squeeze(0)))
    add(("squeeze().unsqueeze(0).flatten()", lambda t: t.squeeze().unsqueeze(0).flatten()))
    add(("[None].transpose(0,-1)", lambda t: t[None].transpose(0, -1)))
    add(("unsqueeze(0).contiguous().squeeze()", lambda t: t.unsqueeze(0).contiguous().squeeze()))
    add(("view_as(unsqueeze)", lambda t: t.view_as(t.unsqueeze(-1))))
    add(("reshape_as(unsqueeze(0))", lambda t: t.reshape_as(t.unsqueeze(0))))
    add(("flatten().unflatten", lambda t: t.flatten().unflatten(0, (1, -1, 1))))
    add(("squeeze_()", lambda t: t.clone().squeeze_() if False else t.squeeze()))
    add(("unsqueeze_(0)", lambda t: t.view(t.shape).unsqueeze_(0)))
    add(("unsqueeze_(-1)", lambda t: t.view(t.shape).unsqueeze_(-1)))
    add(("squeeze_(all)", lambda t: t.view(t.shape).squeeze_()))
    return ops


def _grid():
    torch_free = {}
    for name in BASES:
        shape = _shape(ember, name)
        for label, fn in ops_for(shape):
            torch_free[(name, label)] = fn
    return torch_free


GRID = _grid()


def geometry(fn, T, base):
    """(shape, stride, storage_offset, is_contiguous, values) of fn(base), or
    the exception's type name."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = fn(BASES[base](T))
    except Exception as exc:  # noqa: BLE001 - an error is a result here
        return type(exc).__name__
    return (tuple(r.shape), tuple(r.stride()), r.storage_offset(), r.is_contiguous(),
            r.tolist())


@pytest.mark.parametrize("base", sorted(BASES))
def test_view_geometry_matches_torch(base):
    torch = pytest.importorskip("torch")
    bad = []
    for (name, label), fn in GRID.items():
        if name != base:
            continue
        e, t = geometry(fn, ember, name), geometry(fn, torch, name)
        if e != t:
            bad.append(f"{label}: ember {e} != torch {t}")
    assert not bad, "\n".join(bad)


# --- without PyTorch: the strides and offsets PyTorch 2.13 gives ------------

def _a(*shape):
    n = 1
    for s in shape:
        n *= s
    return ember.arange(float(n)).reshape(shape)


@pytest.mark.parametrize("make, stride, offset", [
    (lambda: _a(3, 4).transpose(0, 1).unsqueeze(1), (1, 12, 4), 0),
    # (a new last dim: stride 1, not the stride of the dim before it)
    (lambda: _a(3, 4).transpose(0, 1).unsqueeze(2), (1, 4, 1), 0),
    (lambda: _a(3, 4).unsqueeze(0), (12, 4, 1), 0),
    (lambda: _a(3, 4).unsqueeze(2), (4, 1, 1), 0),
    (lambda: _a(3, 4)[:, ::2].unsqueeze(2), (4, 2, 1), 0),
    (lambda: _a(3, 4)[:, ::2].unsqueeze(1), (4, 4, 2), 0),
    (lambda: _a(3, 4)[:, None], (4, 4, 1), 0),
    (lambda: _a(3, 4).t()[..., None], (1, 4, 1), 0),
    (lambda: _a(3, 4).t().reshape(4, 3, 1), (1, 4, 4), 0),
    (lambda: _a(3, 4).t().reshape(1, 4, 3), (4, 1, 4), 0),
    (lambda: _a(3, 4).t().reshape(4, 1, 3), (1, 12, 4), 0),
    (lambda: _a(2, 1, 3).squeeze(1), (3, 1), 0),
    (lambda: _a(2, 1, 3).permute(2, 1, 0).squeeze(), (1, 3), 0),
    (lambda: _a(2, 1, 3).permute(1, 2, 0).view(3, 2), (1, 3), 0),
    (lambda: _a(4)[1:2].unsqueeze(0), (1, 1), 1),
    (lambda: _a(3, 4)[:, 1:2].view(3), (4,), 1),
    (lambda: _a(3, 4)[:, 1:2].view(1, 3, 1), (12, 4, 1), 1),
    (lambda: ember.tensor(5.0).unsqueeze(0).unsqueeze(0), (1, 1), 0),
    # contiguous, the size-1 dim's stride not the canonical one: kept
    (lambda: _a(1, 2, 3).transpose(0, 1).view(2, 1, 3), (3, 3, 1), 0),
    (lambda: _a(1, 2, 3).transpose(0, 1).unsqueeze(3), (3, 6, 1, 1), 0),
    (lambda: _a(2, 3, 4).permute(2, 0, 1).unsqueeze(-1), (1, 12, 4, 1), 0),
    (lambda: _a(1, 2, 3, 4).contiguous(memory_format=ember.channels_last).view(1, 2, 3, 4),
     (2, 1, 8, 2), 0),
    (lambda: _a(1, 2, 3, 4).contiguous(memory_format=ember.channels_last)[None],
     (24, 24, 1, 8, 2), 0),
    # empty views: placed at their start, strided from the input's strides
    (lambda: _a(3, 4)[:, 4:], (4, 1), 4),
    (lambda: _a(3, 4)[1:1, ::2], (4, 2), 4),
    (lambda: ember.zeros(2, 0, 3).unsqueeze(1), (3, 0, 3, 1), 0),
    (lambda: ember.zeros(2, 0, 3).permute(2, 0, 1), (1, 3, 3), 0),
])
def test_view_strides_without_torch(make, stride, offset):
    t = make()
    assert t.stride() == stride
    assert t.storage_offset() == offset


def test_restrided_views_share_memory_and_write_through():
    """A view laid out anew (its size-1 dims restrided) is still a view: an
    in-place change through it reaches its base, and as_strided reads its
    storage."""
    base = _a(3, 4)
    v = base.t().unsqueeze(-1)
    assert v.stride() == (1, 4, 1)
    v[1, 2, 0] = 100.0
    assert base[2, 1].item() == 100.0
    v.add_(1)
    assert base[2, 1].item() == 101.0 and base[0, 0].item() == 1.0
    w = base[:, 1:2].view(1, 3, 1)
    assert w.as_strided((2,), (1,), 0).tolist() == base.flatten()[:2].tolist()
    e = base[:, 4:]
    assert e.storage_offset() == 4 and e.untyped_storage().data_ptr() == \
        base.untyped_storage().data_ptr()
    g = _a(3, 4).requires_grad_()
    g.t().unsqueeze(-1).sum().backward()
    assert g.grad.tolist() == [[1.0] * 4] * 3
