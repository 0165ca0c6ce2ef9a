"""gradcheck against PyTorch's slow mode: the calls it makes (a custom
Function's forward and backward run as often, in the same order, with the
same grad_outputs), and its verdicts: Jacobian mismatch, a backward not
multiplied by grad_output, no differentiable output, non-reentrant backward,
raise_exception=False; complex functions checked by their real and imaginary
parts, as complex Jacobians; its refusals of inputs; gradgradcheck's
arguments. (Fast mode: test_autograd_gradcheck_fast.py.)"""
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


def _complex_calls(T):
    """A complex output is checked by its imaginary part, then its real
    part, each a gradcheck of its own: the Function runs for each."""
    calls = []

    class F(T.autograd.Function):
        @staticmethod
        def forward(ctx, z, x):
            calls.append(("forward", T.view_as_real(z).tolist(), x.tolist()))
            ctx.save_for_backward(z, x)
            return z * x, (z * z.conj()).real

        @staticmethod
        def backward(ctx, g1, g2):
            calls.append(("backward", T.view_as_real(g1).tolist(), g2.tolist()))
            z, x = ctx.saved_tensors
            return g1 * x + 2 * g2 * z, (g1 * z.conj()).real
    z = T.tensor([0.5 - 1j, -1.25 + 0.25j], dtype=T.complex128, requires_grad=True)
    x = T.tensor([2.0, 0.75], dtype=T.float64, requires_grad=True)
    return T.autograd.gradcheck(F.apply, (z, x)), calls


def test_complex_calls_as_torch():
    check(_complex_calls, rtol=1e-12)


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


def same_verdict(fn):
    # (each library raises its own GradcheckError: compared by name and message)
    (e, ee), (t, te) = run(fn, ember), run(fn, torch)
    assert (e, type(ee).__name__, ee and msg(ee)) == (t, type(te).__name__, te and msg(te))
    return t, te


@pytest.mark.parametrize("name", list(VERDICTS))
def test_verdicts_as_torch(name):
    same_verdict(lambda T: VERDICTS[name](
        T, T.tensor([0.5, -1.25], dtype=T.float64, requires_grad=True)))


def _points(T, n, dtype="float64", lo=-1.0):
    t = T.linspace(lo, 1.0, n, dtype=T.float64)
    if dtype == "complex128":
        t = T.complex(t, T.linspace(0.5, -0.7, n, dtype=T.float64))
    return t.requires_grad_()


# Functions with a complex input or output, right and wrong: PyTorch checks
# the imaginary and real parts of complex outputs apart, and shows complex
# Jacobians (conjugate Wirtinger derivatives) for complex inputs.
COMPLEX = {
    "c_to_c": lambda T: (lambda a: a * a.conj() + a.exp(), (_points(T, 3, "complex128"),)),
    "c_to_c_wrong": lambda T: (_function(T, lambda ctx, g: g).apply,
                               (_points(T, 3, "complex128"),)),
    "c_to_r_wrong": lambda T: (type("F", (T.autograd.Function,), {
        "forward": staticmethod(lambda ctx, a: (a * a).real),
        "backward": staticmethod(lambda ctx, g: g.to(T.complex128))}).apply,
        (_points(T, 2, "complex128"),)),
    "r_to_c": lambda T: (lambda a: a * (1 + 2j), (_points(T, 3),)),
    "r_to_c_wrong": lambda T: (type("F", (T.autograd.Function,), {
        "forward": staticmethod(lambda ctx, a: a * (1 + 2j)),
        "backward": staticmethod(lambda ctx, g: g.real * 3)}).apply, (_points(T, 3),)),
    "second_output_real_part_wrong": lambda T: (
        lambda a, b: (a * b, _function(T, lambda ctx, g: g * 3).apply(b) * 1j),
        (_points(T, 2, "complex128"), _points(T, 2))),
    "mixed": lambda T: (lambda a, b: (a * b, (a.abs() * b).sum()),
                        (_points(T, 3, "complex128"), _points(T, 3))),
    "no_differentiable_output": lambda T: (lambda a: (a * 2).detach(),
                                           (_points(T, 2, "complex128"),)),
}


@pytest.mark.parametrize("name", list(COMPLEX))
@pytest.mark.parametrize("quiet", [False, True])
def test_complex_verdicts_as_torch(name, quiet):
    def verdict(T):
        fn, inputs = COMPLEX[name](T)
        return T.autograd.gradcheck(fn, inputs, raise_exception=not quiet)
    same_verdict(verdict)


REFUSALS = {
    # (PyTorch's words: "none of them", not Ember's old "none of the them")
    "no_input_requires_grad": lambda T: T.autograd.gradcheck(
        lambda a: a * 2, (_points(T, 2).detach(),)),
    "stride_0": lambda T: T.autograd.gradcheck(
        lambda a: a * 2, (T.ones(1, dtype=T.float64).expand(3).requires_grad_(),)),
    "shape_changes": lambda T: T.autograd.gradcheck(
        lambda a: a[: int(a[0].item() * 1e6) % 2 + 1] * 1.0, (_points(T, 3),)),
    "neither_mode": lambda T: T.autograd.gradcheck(
        lambda a: a, (_points(T, 2),), check_backward_ad=False),
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_refusals_as_torch(name):
    assert same_verdict(REFUSALS[name])[1] is not None


def test_differentiable_inputs_counted_as_torch():
    # "with respect to input 0": the index among the inputs that require grad
    def verdict(T):
        wrong = _function(T, lambda ctx, g: g * 3).apply
        return T.autograd.gradcheck(lambda a, b: a * wrong(b), (_points(T, 3).detach(),
                                                                _points(T, 3, lo=0.2)))
    assert "with respect to input 0" in msg(same_verdict(verdict)[1])


def test_forward_ad_as_torch():
    """check_forward_ad: its own pass over the Jacobians, after backward's,
    and PyTorch's words for a mismatch ("computed with forward mode")."""
    def run_it(T):
        calls = []
        wrong = type("F", (T.autograd.Function,), {
            "forward": staticmethod(lambda ctx, a: calls.append(a.tolist()) or a * a),
            "backward": staticmethod(lambda ctx, g: g),
            "jvp": staticmethod(lambda ctx, t: t)})
        try:
            T.autograd.gradcheck(wrong.apply, (_points(T, 3),), check_forward_ad=True,
                                 check_backward_ad=False)
        except Exception as e:  # noqa: BLE001 - the message is the result
            return msg(e), calls
    check(run_it, rtol=1e-12)


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
        return ok, len(calls), T.rand(2)
    check(run_it)


class _DoubleBackwardWrong:
    """x * x whose backward is right but not differentiable in x: its
    second derivative is wrong."""

    @staticmethod
    def make(T):
        class F(T.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                ctx.save_for_backward(a)
                return a * a

            @staticmethod
            def backward(ctx, g):
                a, = ctx.saved_tensors
                return g * 2 * a.detach()

            @staticmethod
            def jvp(ctx, t):
                return t * 2
        return F.apply


def _noisy_double_backward(T):
    """x * 2, whose backward is g * 2 with a backward of its own that adds
    noise: the second derivatives differ from one backward to the next."""
    noisy = _function(T, lambda ctx, g: g * (2 + T.rand((), dtype=T.float64) * 1e-9))
    return _function(T, lambda ctx, g: noisy.apply(g)).apply


GRADGRAD = {
    "passes": lambda T, x: T.autograd.gradgradcheck(lambda a: (a * a).sin(), (x,)),
    "wrong": lambda T, x: T.autograd.gradgradcheck(_DoubleBackwardWrong.make(T), (x,)),
    "wrong_quiet": lambda T, x: T.autograd.gradgradcheck(
        _DoubleBackwardWrong.make(T), (x,), raise_exception=False),
    "fwd_over_rev": lambda T, x: T.autograd.gradgradcheck(
        lambda a: (a * a).sin(), (x,), check_fwd_over_rev=True),
    "fwd_over_rev_wrong": lambda T, x: T.autograd.gradgradcheck(
        _DoubleBackwardWrong.make(T), (x,), check_fwd_over_rev=True, check_rev_over_rev=False,
        check_undefined_grad=False),
    # (passed through to gradcheck: a backward of the backward that is not
    # reentrant fails, unless nondet_tol allows it)
    "not_reentrant": lambda T, x: T.autograd.gradgradcheck(_noisy_double_backward(T), (x,)),
    "not_reentrant_tolerated": lambda T, x: T.autograd.gradgradcheck(
        _noisy_double_backward(T), (x,), nondet_tol=1e-6),
    "check_grad_dtypes": lambda T, x: T.autograd.gradgradcheck(
        lambda a: a * a, (x,), check_grad_dtypes=True, check_undefined_grad=False),
    "undefined_needs_rev_over_rev": lambda T, x: T.autograd.gradgradcheck(
        lambda a: a * a, (x,), check_fwd_over_rev=True, check_rev_over_rev=False),
    "neither": lambda T, x: T.autograd.gradgradcheck(
        lambda a: a * a, (x,), check_rev_over_rev=False, check_undefined_grad=False),
    "unknown_keyword": lambda T, x: T.autograd.gradgradcheck(lambda a: a * a, (x,), foo=1),
}


@pytest.mark.parametrize("name", list(GRADGRAD))
def test_gradgradcheck_as_torch(name):
    def verdict(T):
        T.manual_seed(0)
        # (positive points: Ember's forward-over-reverse tangents miss some
        # zeros' signs, which the report prints)
        return GRADGRAD[name](T, _points(T, 3, lo=0.2))
    same_verdict(verdict)
