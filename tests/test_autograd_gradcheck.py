"""gradcheck against PyTorch's slow mode: the calls it makes (a custom
Function's forward and backward run as often, in the same order, with the
same grad_outputs), and its verdicts: Jacobian mismatch, a backward not
multiplied by grad_output, no differentiable output, non-reentrant backward,
raise_exception=False."""
import pytest

import ember
from compare_torch import check, msg, run

torch = pytest.importorskip("torch")


def _calls(T):
    calls = []

    class F(T.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            calls.append(("forward", x.tolist()))
            ctx.save_for_backward(x, y)
            return x * y, x + y

        @staticmethod
        def backward(ctx, g1, g2):
            calls.append(("backward", g1.tolist(), g2.tolist()))
            x, y = ctx.saved_tensors
            return g1 * y + g2, g1 * x + g2
    x = T.tensor([0.5, -1.25], dtype=T.float64, requires_grad=True)
    y = T.tensor([2.0, 0.75], dtype=T.float64, requires_grad=True)
    return T.autograd.gradcheck(F.apply, (x, y)), calls


def test_calls_as_torch():
    check(_calls, rtol=1e-12)


def _function(T, backward):
    return type("F", (T.autograd.Function,), {
        "forward": staticmethod(lambda ctx, x: x * 2),
        "backward": staticmethod(backward)})


VERDICTS = {
    "mismatch": lambda T, x: T.autograd.gradcheck(_function(T, lambda ctx, g: g * 3).apply, (x,)),
    "not_multiplied": lambda T, x: T.autograd.gradcheck(
        _function(T, lambda ctx, g: g * 2 + (g == 0).all()).apply, (x,)),
    "not_multiplied_quiet": lambda T, x: T.autograd.gradcheck(
        _function(T, lambda ctx, g: T.ones_like(g) * 2).apply, (x,), raise_exception=False),
    "no_differentiable_output": lambda T, x: T.autograd.gradcheck(lambda t: (t * 2).detach(), (x,)),
    "constant_output": lambda T, x: T.autograd.gradcheck(lambda t: t.detach() * 2, (x,)),
    "not_reentrant": lambda T, x: T.autograd.gradcheck(_function(
        T, lambda ctx, g: g * 2 + T.rand(()) * 1e-9).apply, (x,)),
    "not_reentrant_tolerated": lambda T, x: T.autograd.gradcheck(_function(
        T, lambda ctx, g: g * (2 + T.rand(()) * 1e-9)).apply, (x,), nondet_tol=1e-6),
}


@pytest.mark.parametrize("name", list(VERDICTS))
def test_verdicts_as_torch(name):
    # (each library raises its own GradcheckError: compared by name and message)
    def verdict(T):
        return VERDICTS[name](T, T.tensor([0.5, -1.25], dtype=T.float64, requires_grad=True))
    (e, ee), (t, te) = run(verdict, ember), run(verdict, torch)
    assert (e, type(ee).__name__, ee and msg(ee)) == (t, type(te).__name__, te and msg(te))


@pytest.mark.parametrize("dtype", ["float64", "complex128"])
def test_gradgradcheck_draws_grad_outputs_as_torch(dtype):
    """Its random grad_outputs come from make_tensor on the global generator,
    in [-1, 1) and of the outputs' dtype: the same calls, and the same
    random stream after it, as PyTorch's."""
    def run_it(T):
        calls = []

        def f(x):
            y = (x * x).sum(0)
            calls.append(None)
            return y, y.detach()
        T.manual_seed(3)
        x = T.ones(2, 3, dtype=getattr(T, dtype), requires_grad=True)
        ok = T.autograd.gradgradcheck(f, (x,), gen_non_contig_grad_outputs=True)
        # (complex: PyTorch's slow mode checks the real and imaginary parts in
        # separate passes, calling f more often than Ember's one pass does)
        return ok, len(calls) if dtype == "float64" else None, T.rand(2)
    check(run_it)
