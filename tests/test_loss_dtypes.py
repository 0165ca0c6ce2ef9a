"""Every loss of tests/loss_cases.py on inputs of the dtypes a learner passes
by mistake or on purpose (integers, bool, the half types, complex, and a
float32 input beside float64 others), against PyTorch: the value, dtype and
gradients where a loss computes, or PyTorch's exception type and message
(its kernels name themselves refusing a dtype)."""
import pytest

from compare_torch import check
from loss_cases import CASES

DTYPES = ["int64", "int32", "uint8", "bool", "float16", "bfloat16", "complex64", "mixed"]
ROWS = [c for c in CASES if not c[0].endswith(("-sum",))]


def _tensors(T, specs, dtype):
    """The case's floating arrays as `dtype` ("mixed": the first float32, the
    others float64); integer arrays (class indices) as they are."""
    out, first = [], True
    for make, grad in specs:
        a = make()
        if a.dtype.kind != "f":
            out.append(T.tensor(a))
            continue
        name = ("float32" if first else "float64") if dtype == "mixed" else dtype
        first = False
        d = getattr(T, name)
        floating = name.startswith(("float", "bfloat", "complex"))
        out.append(T.tensor(a, dtype=d, requires_grad=grad and floating))
    return out


def _run(T, fn, specs, dtype):
    xs = _tensors(T, specs, dtype)
    out = fn(T, *xs)
    if not out.requires_grad:
        return out
    out.backward(T.ones_like(out))
    return out, tuple(x.grad for x in xs if x.requires_grad)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("row", ROWS, ids=[c[0] for c in ROWS])
def test_loss_dtype(row, dtype):
    _, fn, specs, _ = row
    tol = dict(rtol=2e-2, atol=2e-2) if dtype in ("float16", "bfloat16") else \
        dict(rtol=2e-5, atol=2e-6)
    check(lambda T: _run(T, fn, specs, dtype), **tol)


def _ints(T, *values):
    return [T.tensor(v) for v in values]


# Calls whose numbers and dtypes the rows above do not reach: a margin left at
# its default (an int, which ATen reads as a double), soft targets with an
# ignore_index, the kernels' own refusals.
EXTRA = {
    "margin_ranking-int-default-margin": lambda T: T.nn.functional.margin_ranking_loss(
        *_ints(T, [3, 1, 2], [1, 2, 2], [1, -1, 1])),
    "hinge-int-sum": lambda T: T.nn.functional.hinge_embedding_loss(
        *_ints(T, [3, 0, 2], [1, -1, -1]), reduction="sum"),
    "hinge-int-margin": lambda T: T.hinge_embedding_loss(*_ints(T, [3, 0, 2], [1, -1, -1]), 2, 0),
    "cross_entropy-probs-ignore_index": lambda T: T.nn.functional.cross_entropy(
        T.ones(2, 3), T.full((2, 3), 1 / 3), ignore_index=1),
    "cross_entropy-int-probs-first": lambda T: T.nn.functional.cross_entropy(
        T.ones(2, 3, dtype=T.long), T.ones(2, 3, dtype=T.long)),
    "logsigmoid-int": lambda T: T.nn.functional.logsigmoid(T.ones(3, dtype=T.long)),
    "soft_margin-int-float-target": lambda T: T.nn.functional.soft_margin_loss(
        T.ones(3, dtype=T.long), T.ones(3)),
    "huber-int-float-target": lambda T: T.nn.functional.huber_loss(
        T.ones(3, dtype=T.long), T.ones(3)),
    "huber-float-int-target": lambda T: T.nn.functional.huber_loss(
        T.ones(3), T.zeros(3, dtype=T.long)),
    "smooth_l1-int-float-target": lambda T: T.nn.functional.smooth_l1_loss(
        T.ones(3, dtype=T.long), T.zeros(3)),
    "huber-backward-target-only": lambda T: T.nn.functional.huber_loss(
        T.ones(3), T.zeros(3, dtype=T.float64, requires_grad=True)).backward(),
    "scalar_sub-int": lambda T: T.nn.functional.hinge_embedding_loss(
        T.tensor([True, False]), T.tensor([1, -1])),
}


@pytest.mark.parametrize("name", EXTRA)
def test_loss_dtype_extra(name):
    check(EXTRA[name])
