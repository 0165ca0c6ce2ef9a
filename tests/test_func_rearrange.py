"""torch.func.rearrange (einops' rearrange) against PyTorch: the patterns of
its docstring and einops' corner cases (ellipsis, anonymous 1s, stacked
sequences), the result's values, shape, strides and gradient, and PyTorch's
errors for a bad pattern or sizes the shape contradicts."""
import pytest

from compare_torch import check


def _x(T):
    T.manual_seed(0)
    return T.randn(2, 6, 4, 3, dtype=T.float64, requires_grad=True)


def _run(T, pattern, x=None, **lengths):
    x = _x(T) if x is None else x
    y = T.func.rearrange(x, pattern, **lengths)
    if y.requires_grad:
        (y * T.arange(y.numel(), dtype=y.dtype).reshape(y.shape)).sum().backward()
    return y, y.stride(), y._is_view(), getattr(x, "grad", None)


PATTERNS = [
    ("b h w c -> b h w c", {}), ("b h w c -> (b h) w c", {}), ("b h w c -> h (b w) c", {}),
    ("b h w c -> b c h w", {}), ("b h w c -> b (c h w)", {}),
    ("b (h1 h) (w1 w) c -> (b h1 w1) h w c", {"h1": 2, "w1": 2}),
    ("b (h h1) (w w1) c -> b h w (c h1 w1)", {"h1": 2, "w1": 2}),
    ("b h w c -> b 1 h 1 w c", {}), ("b h w c -> b h (w 1) c", {}),
    ("... c -> c ...", {}), ("b ... -> b (...)", {}), ("... -> ...", {}),
    ("b h w 1 -> b h w", {}),      # (PyTorch sums a left "1" away, whatever its size)
    ("b (h1 h2) w c -> b h1 h2 w c", {"h1": 2, "h2": 3}),
]


@pytest.mark.parametrize("pattern, lengths", PATTERNS, ids=[p for p, _ in PATTERNS])
def test_rearrange_vs_torch(pattern, lengths):
    check(lambda T: _run(T, pattern, **lengths))


def test_rearrange_of_a_sequence_and_a_0d_tensor_vs_torch():
    check(lambda T: (T.func.rearrange([T.ones(2), T.zeros(2)], "a b -> b a"),
                     T.func.rearrange((T.ones(2), T.arange(2.0)), "a b -> (b a)")))
    check(lambda T: (lambda t: T.func.rearrange(t, "->") is t)(T.tensor(3.0)))


REFUSED = [
    ("b h w c -> b h w", {}), ("b h w c d -> b h w c d", {}), ("b h w c -> b h w c", {"q": 2}),
    ("b h w c -> b h w 2 c", {}), ("b h w c", {}), ("b h w c -> (b h) (w c", {}),
    ("b h h c -> b h c", {}), ("b h w c -> b h w c", {"h": 2.0}),
    ("b h w c -> b h w c$", {}), ("_b h w c -> _b h w c", {}), ("(b ...) -> b", {}),
    ("b h w c -> ...", {}), ("b h w c -> b h w c ..", {}), ("b ((h) w) c -> b h w c", {}),
    ("b h w c) -> b h w c", {}), ("b h w c d ... -> b h w c d ...", {}),
    ("b h w c -> b h w c", {"w": 5}), ("b (h1 h) w c -> b h1 h w c", {"h1": 4}),
    ("b (h1 h) w c -> b h1 h w c", {"h1": 2, "h": 2}), ("b (h1 h) w c -> b h1 h w c", {}),
    ("... (h1 h) c -> ... h1 h c", {"h1": 3}), ("b (h h1) w c -> b h1 h w c", {"h1": 4}),
]


def _refusal(T, pattern, lengths):
    # (type by name: PyTorch's DimensionBindError is functorch.dim's class)
    try:
        T.func.rearrange(_x(T), pattern, **lengths)
    except Exception as e:  # noqa: BLE001 - the error is the result compared
        return type(e).__name__, str(e)
    return None


@pytest.mark.parametrize("pattern, lengths", REFUSED, ids=[f"{p} {k}" for p, k in REFUSED])
def test_rearrange_refusals_vs_torch(pattern, lengths):
    check(lambda T: _refusal(T, pattern, lengths))
