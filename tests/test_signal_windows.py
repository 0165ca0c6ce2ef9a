"""ember.signal.windows against torch.signal.windows: values, dtypes, graph
and errors.  The sample positions are PyTorch's bit for bit; the windows
built on exp/sin/cos/i0 carry those kernels' last-bit differences (an ulp or
two of the window's peak of 1), the others are equal bit for bit."""
import itertools

import pytest

import ember
import ember.signal.windows as ew

torch = pytest.importorskip("torch")
tw = pytest.importorskip("torch.signal.windows")

EXTRA = {"exponential": [{}, {"tau": 2.5}], "gaussian": [{}, {"std": 0.7}],
         "kaiser": [{}, {"beta": 3.3}, {"beta": 0.0}], "general_cosine": [{"a": [0.5, 0.3, 0.2]}],
         "general_hamming": [{}, {"alpha": 0.6}]}
CASES = [(name, M, sym, dt, kw) for name in tw.__all__
         for M, sym, dt in itertools.product([0, 1, 2, 5, 8, 33], [True, False],
                                             ["float32", "float64"])
         for kw in EXTRA.get(name, [{}])]


@pytest.mark.parametrize("name,M,sym,dt,kw", CASES)
def test_values_match_pytorch(name, M, sym, dt, kw):
    mine = getattr(ew, name)(M, sym=sym, dtype=getattr(ember, dt), **kw)
    theirs = getattr(tw, name)(M, sym=sym, dtype=getattr(torch, dt), **kw)
    assert mine.dtype == getattr(ember, dt) and tuple(mine.shape) == tuple(theirs.shape)
    # i0's own last-bit differences (2 ulps) grow in kaiser's ratio of two of them
    tol = (16 if name == "kaiser" else 4) * ember.finfo(mine.dtype).eps
    for a, b in zip(mine.tolist(), theirs.tolist()):
        assert abs(a - b) <= tol
    if name in ("bartlett",) or M < 2:
        assert mine.numpy().tobytes() == theirs.numpy().tobytes()


def test_periodic_center_and_default_dtype():
    mine = ew.exponential(6, sym=False, center=1.5, tau=2.0)
    theirs = tw.exponential(6, sym=False, center=1.5, tau=2.0)
    assert mine.dtype == ember.float32
    assert mine.tolist() == pytest.approx(theirs.tolist(), abs=1e-7)
    assert ew.hann(4).tolist() == pytest.approx([0.0, 0.75, 0.75, 0.0], abs=1e-7)
    assert ew.hann(4, sym=False).tolist() == pytest.approx([0.0, 0.5, 1.0, 0.5], abs=1e-7)


@pytest.mark.parametrize("name", tw.__all__)
def test_requires_grad_builds_pytorch_graph(name):
    kw = {"a": [0.5, 0.5]} if name == "general_cosine" else {}
    for M in (1, 5):
        mine = getattr(ew, name)(M, requires_grad=True, **kw)
        theirs = getattr(tw, name)(M, requires_grad=True, **kw)
        assert mine.requires_grad and mine.is_leaf == theirs.is_leaf
        assert type(mine.grad_fn).__name__ == type(theirs.grad_fn).__name__


def _message(module, lib, name, M, **kw):
    with pytest.raises((ValueError, TypeError)) as info:
        getattr(module, name)(M, **kw)
    return type(info.value), str(info.value).replace("torch.", "ember.")


@pytest.mark.parametrize("name,M,kw", [
    ("hann", -1, {}), ("cosine", 3, {"dtype": "int64"}), ("kaiser", 3, {"layout": "sparse_coo"}),
    ("exponential", 3, {"tau": 0.0}), ("exponential", 3, {"center": 1.0}),
    ("gaussian", 3, {"std": -1.0}), ("kaiser", 3, {"beta": -1.0}),
    ("general_cosine", 3, {"a": 3}), ("general_cosine", 3, {"a": []}),
    ("blackman", 3, {"dtype": "float16"}),
])
def test_errors_match_pytorch(name, M, kw):
    def resolve(lib):
        return {k: getattr(lib, v) if k in ("dtype", "layout") else v for k, v in kw.items()}
    assert _message(ew, ember, name, M, **resolve(ember)) == \
        _message(tw, torch, name, M, **resolve(torch))
