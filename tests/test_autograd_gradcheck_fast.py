"""gradcheck(fast_mode=True) against PyTorch's fast mode: v^T J u for u and v
drawn from a fresh Generator, its verdicts and its report word for word
(the v^T J u numbers in full, then the pair's whole Jacobians recomputed
in slow mode), the calls it makes, for real and complex functions of several
inputs and outputs, forward mode, raise_exception=False and gradgradcheck."""
import math
import re

import pytest

import ember
from compare_torch import check, msg, run
from cpu_kind import MKL_AVX512
from test_autograd_gradcheck import _DoubleBackwardWrong

torch = pytest.importorskip("torch")


def _points(T, n, dtype="float64", lo=-1.0, hi=1.0):
    t = T.linspace(lo, hi, n, dtype=T.float64)
    if dtype == "complex128":
        t = T.complex(t, T.linspace(0.5, -0.7, n, dtype=T.float64))
    return t.requires_grad_()


def _function(T, forward, backward, jvp=None):
    body = {"forward": staticmethod(lambda ctx, *a: forward(*a)),
            "backward": staticmethod(lambda ctx, *g: backward(*g))}
    if jvp is not None:
        body["jvp"] = staticmethod(lambda ctx, *t: jvp(*t))
    return type("F", (T.autograd.Function,), body).apply


def _square_wrong(T):
    """x * x whose backward forgets the 2x."""
    return _function(T, lambda a: a * a, lambda g: g, lambda t: t)


def _tricky(T):
    """A Jacobian of +-1000 whose backward is off by 5e-4 of each entry, all
    one way: each element is within rtol, v^T J u is not (FAST_FAIL_SLOW_OK)."""
    big = T.tensor([1000.0, -1000.0] * 8, dtype=T.float64)
    return _function(T, lambda a: a * big, lambda g: g * big + g * big.abs() * 5e-4)


# (complex inputs and outputs of three elements or fewer: Ember's complex
# products of longer vectors round unlike PyTorch's vectorized ones, and fast
# mode's numbers show every bit)
CASES = {
    "real_wrong": lambda T: (_square_wrong(T), (_points(T, 5),)),
    "real_wide_wrong": lambda T: (_square_wrong(T), (_points(T, 40),)),
    "real_wider_wrong": lambda T: (_square_wrong(T), (_points(T, 300),)),
    "two_inputs": lambda T: (lambda a, b: (a @ b).sin(),
                             (_points(T, 6).reshape(3, 2), _points(T, 8).reshape(2, 4))),
    "two_outputs": lambda T: (lambda a, b: (a * b, a.exp() - b),
                              (_points(T, 3), _points(T, 3, lo=0.2))),
    "second_output_wrong": lambda T: (lambda a, b: (a * b, _square_wrong(T)(b)),
                                      (_points(T, 3), _points(T, 3, lo=0.2))),
    "second_input_wrong": lambda T: (lambda a, b: a * _square_wrong(T)(b),
                                     (_points(T, 3), _points(T, 3, lo=0.2))),
    "nondifferentiable_first_input": lambda T: (
        lambda a, b: a * _square_wrong(T)(b), (_points(T, 3).detach(), _points(T, 3, lo=0.2))),
    "slow_mode_would_pass": lambda T: (_tricky(T), (_points(T, 16),)),
    "complex": lambda T: (lambda a: a * a.conj() + a.exp(), (_points(T, 3, "complex128"),)),
    "complex_wrong": lambda T: (_square_wrong(T), (_points(T, 3, "complex128"),)),
    "complex_to_real_wrong": lambda T: (
        _function(T, lambda a: (a * a).real, lambda g: g.to(T.complex128)),
        (_points(T, 2, "complex128"),)),
    "real_to_complex": lambda T: (lambda a: a * (1 + 2j), (_points(T, 3),)),
    "real_to_complex_wrong": lambda T: (
        _function(T, lambda a: a * (1 + 2j), lambda g: g.real * 3), (_points(T, 3),)),
    "complex_and_real_inputs_and_outputs": lambda T: (
        lambda a, b: (a * b, (a.abs() * b).sum()), (_points(T, 3, "complex128"), _points(T, 3))),
    "no_differentiable_output": lambda T: (lambda a: (a > 0).double(), (_points(T, 2),)),
    "constant_output": lambda T: (lambda a: a.detach() * 2 + a.round(), (_points(T, 2),)),
    "not_multiplied_by_grad_output": lambda T: (
        _function(T, lambda a: a * 2, lambda g: g * 2 + (g == 0).all()), (_points(T, 3),)),
    "not_reentrant": lambda T: (
        _function(T, lambda a: a * 2, lambda g: g * 2 + T.rand(()) * 1e-9), (_points(T, 3),)),
}


_NUMBER = re.compile(r"(-?(?:\d+\.\d*|\d+)(?:e[-+]?\d+)?)")


def same_text(e, t):
    """The messages word for word; their numbers to the last bit where
    PyTorch's dot products are MKL's AVX-512 ones, which Ember reproduces
    (_gradcheck_rounding), else to 1e-12 relative."""
    if MKL_AVX512:
        assert e == t
        return
    es, ts = _NUMBER.split(e), _NUMBER.split(t)
    assert es[::2] == ts[::2], (e, t)
    for a, b in zip(es[1::2], ts[1::2]):
        assert math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-15), (e, t)


def same_verdict(fn):
    # (each library raises its own GradcheckError: compared by name and message)
    (e, ee), (t, te) = run(fn, ember), run(fn, torch)
    assert (e, type(ee).__name__) == (t, type(te).__name__)
    if te is not None:
        same_text(msg(ee), msg(te))
    return t, te


@pytest.mark.parametrize("name", list(CASES))
def test_fast_mode_as_torch(name):
    def verdict(T):
        T.manual_seed(0)
        fn, inputs = CASES[name](T)
        return T.autograd.gradcheck(fn, inputs, fast_mode=True)
    same_verdict(verdict)


@pytest.mark.parametrize("name", ["real_wrong", "complex_wrong", "two_outputs"])
def test_fast_mode_quiet_as_torch(name):
    def verdict(T):
        fn, inputs = CASES[name](T)
        return T.autograd.gradcheck(fn, inputs, fast_mode=True, raise_exception=False)
    same_verdict(verdict)


def test_fast_mode_reports_numbers_in_full():
    # (the report's v^T J u are every bit PyTorch's; a NumPy sum or dot
    # would differ in the last digits)
    t = same_verdict(lambda T: T.autograd.gradcheck(
        *CASES["real_wide_wrong"](T), fast_mode=True))[1]
    if MKL_AVX512:
        assert "numerical:-0.085464704182068\nanalytical:0.7095639006655425\n" in msg(t)
    t = same_verdict(lambda T: T.autograd.gradcheck(
        *CASES["slow_mode_would_pass"](T), fast_mode=True))[1]
    assert "Fast gradcheck failed but element-wise differences are small" in msg(t)


def _calls(T, dtype):
    """Each Function call, with its inputs and grad_outputs: fast mode's
    perturbations along u and its backward with v."""
    calls = []

    def forward(x, y):
        calls.append(("forward", T.view_as_real(x).tolist() if x.is_complex() else x.tolist()))
        return x * y, x + y

    def backward(g1, g2):
        calls.append(("backward", g1.tolist(), g2.tolist()))
        return g1 * y + g2, (g1 * x).real + g2.real
    x, y = _points(T, 3, dtype), _points(T, 3, lo=0.5)
    if dtype == "complex128":
        return T.autograd.gradcheck(lambda a, b: _function(T, forward, backward)(a, b)[0].real,
                                    (x, y), fast_mode=True, raise_exception=False), calls
    return T.autograd.gradcheck(_function(T, forward, backward), (x, y), fast_mode=True), calls


@pytest.mark.parametrize("dtype", ["float64", "complex128"])
def test_fast_mode_calls_as_torch(dtype):
    check(lambda T: _calls(T, dtype), rtol=1e-12)


def test_fast_mode_leaves_the_random_stream_alone():
    def run_it(T):
        T.manual_seed(5)
        T.autograd.gradcheck(lambda a: a.sin(), (_points(T, 4),), fast_mode=True)
        return T.rand(3)
    check(run_it, exact=True)


FORWARD = {
    "passes": lambda T: T.autograd.gradcheck(
        lambda a, b: (a * b).sin(), (_points(T, 3), _points(T, 3, lo=0.1)),
        check_forward_ad=True, fast_mode=True),
    "wrong": lambda T: T.autograd.gradcheck(
        _square_wrong(T), (_points(T, 3),), check_forward_ad=True, check_backward_ad=False,
        fast_mode=True),
    "complex_passes": lambda T: T.autograd.gradcheck(
        lambda a: a * a.conj() + a.exp(), (_points(T, 3, "complex128"),),
        check_forward_ad=True, fast_mode=True),
}


@pytest.mark.parametrize("name", list(FORWARD))
def test_fast_forward_mode_as_torch(name):
    same_verdict(FORWARD[name])


def test_fast_forward_mode_complex_wrong_as_torch():
    # (compared up to the slow-mode Jacobians: Ember's forward mode gives
    # some of their zeros' signs unlike PyTorch, when a real tangent is made
    # complex)
    def verdict(T):
        return T.autograd.gradcheck(_square_wrong(T), (_points(T, 2, "complex128"),),
                                    check_forward_ad=True, check_backward_ad=False,
                                    fast_mode=True)
    (_, e), (_, t) = run(verdict, ember), run(verdict, torch)
    assert t is not None and type(e).__name__ == type(t).__name__
    same_text(msg(e).split("\nThe above")[0], msg(t).split("\nThe above")[0])


GRADGRAD = {
    "passes": lambda T, x: T.autograd.gradgradcheck(
        lambda a, b: (a * b).sin(), (x, x.detach() * 0.5 + 0.1), fast_mode=True),
    "complex_passes": lambda T, x: T.autograd.gradgradcheck(
        lambda a: a * a.exp(), (T.complex(x, x * 0.5).detach().requires_grad_(),),
        fast_mode=True),
    "wrong": lambda T, x: T.autograd.gradgradcheck(
        _DoubleBackwardWrong.make(T), (x,), fast_mode=True),
    "wrong_quiet": lambda T, x: T.autograd.gradgradcheck(
        _DoubleBackwardWrong.make(T), (x,), fast_mode=True, raise_exception=False),
    "fwd_over_rev_wrong": lambda T, x: T.autograd.gradgradcheck(
        _DoubleBackwardWrong.make(T), (x,), check_fwd_over_rev=True, check_rev_over_rev=False,
        check_undefined_grad=False, fast_mode=True),
}


@pytest.mark.parametrize("name", list(GRADGRAD))
def test_fast_gradgradcheck_as_torch(name):
    def verdict(T):
        T.manual_seed(0)
        return GRADGRAD[name](T, _points(T, 3, lo=0.2))
    same_verdict(verdict)
