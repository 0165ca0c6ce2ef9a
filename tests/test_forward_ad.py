"""Forward-mode AD (ember.autograd.forward_ad) over every op of the catalogue.

For each sample row of tests/op_table*.py, the tangent of the output (J·t,
for random tangents t of every input) must equal central finite differences
in float64, and PyTorch's own forward-mode result where PyTorch has a
forward formula for the op. An op whose output gets no tangent fails here,
unless it is listed in NO_TANGENT with the reason."""
import warnings

import numpy as np
import pytest

import ember
import ember.autograd.forward_ad as fwAD
from compare_torch import check
from op_table import OPS
from test_ops import IDS, inputs_for

# Ops PyTorch has no forward-mode formula for either (their backward kernels
# are not differentiable): both refuse with the same NotImplementedError.
NO_FORWARD = ("ctc_loss", "cdist", "cdist_p1", "cdist_p3", "cdist_inf", "pdist", "pdist_p")


def _tangents(arrays, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(a.shape) for a in arrays]


def _jvp(lib, fwd, f, arrays, tangents, requires_grad=False):
    with fwd.dual_level():
        duals = [fwd.make_dual(lib.tensor(a, requires_grad=requires_grad), lib.tensor(t))
                 for a, t in zip(arrays, tangents)]
        out = f(lib, *duals)
        primal, tangent = fwd.unpack_dual(out)
        return (primal.detach().numpy(),
                None if tangent is None else tangent.detach().numpy())


def _finite_difference(f, arrays, tangents, eps=1e-6):
    def at(s):
        xs = [ember.tensor(a + s * eps * t) for a, t in zip(arrays, tangents)]
        return f(ember, *xs).detach().numpy()
    return (at(1) - at(-1)) / (2 * eps)


@pytest.mark.parametrize("requires_grad", [False, True], ids=["plain", "recorded"])
@pytest.mark.parametrize("row", OPS, ids=IDS)
def test_jvp_matches_finite_differences(row, requires_grad):
    name, f, _, _ = row
    arrays = inputs_for(row)
    tangents = _tangents(arrays)
    if name in NO_FORWARD:
        with pytest.raises(NotImplementedError, match="Trying to use forward AD with _"):
            _jvp(ember, fwAD, f, arrays, tangents, requires_grad)
        return
    value, jvp = _jvp(ember, fwAD, f, arrays, tangents, requires_grad)
    np.testing.assert_allclose(value, f(ember, *[ember.tensor(a) for a in arrays]).numpy())
    assert jvp is not None, f"{name}: the output has no tangent"
    assert jvp.shape == value.shape
    np.testing.assert_allclose(jvp, _finite_difference(f, arrays, tangents),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("row", OPS, ids=IDS)
def test_jvp_matches_torch(row):
    torch = pytest.importorskip("torch")
    import torch.autograd.forward_ad as tfwAD
    f = row[1]
    arrays = inputs_for(row)
    tangents = _tangents(arrays, seed=1)
    try:
        with warnings.catch_warnings():
            # (PyTorch's own decompositions warn about torch.jit.script)
            warnings.simplefilter("ignore", DeprecationWarning)
            _, expected = _jvp(torch, tfwAD, f, arrays, tangents)
    except (NotImplementedError, RuntimeError, TypeError) as e:
        if row[0] in NO_FORWARD:
            with pytest.raises(type(e), match=str(e).split("\n")[0]):
                _jvp(ember, fwAD, f, arrays, tangents)
            return
        pytest.skip(f"PyTorch has no forward formula here: {e}")
    if expected is None:
        pytest.skip("PyTorch gives this output no tangent (scatter_reduce's prod, amax)")
    _, jvp = _jvp(ember, fwAD, f, arrays, tangents)
    if not np.allclose(expected, _finite_difference(f, arrays, tangents), rtol=1e-5, atol=1e-5):
        # (e.g. cholesky_inverse, triangular_solve: PyTorch's formula takes the
        # tangent's ignored triangle into account, finite differences do not)
        pytest.skip("PyTorch's forward formula differs from finite differences here")
    np.testing.assert_allclose(jvp, expected, rtol=1e-5, atol=1e-8)


def _nested_function_tangents(T):
    """A custom Function whose forward applies another one, then computes
    more: forward AD stays paused for the rest of the outer forward (its
    tangent comes from its jvp alone)."""
    fwd, seen = T.autograd.forward_ad, []

    def scaling(fn, k):
        class Scaling(T.autograd.Function):     # (its jvp: the tangent times k)
            forward = staticmethod(fn)
            jvp = staticmethod(lambda ctx, t: t * k)

            @staticmethod
            def setup_context(ctx, inputs, output):
                pass
        return Scaling

    inner = scaling(lambda x: x * 3, 3)

    def outer_forward(x):
        y = inner.apply(x)
        z = x * 2
        seen.append(fwd.unpack_dual(z).tangent is None)
        return y + z

    with fwd.dual_level():
        x = fwd.make_dual(T.tensor([1.0, 2.0]), T.tensor([1.0, -1.0]))
        out = fwd.unpack_dual(scaling(outer_forward, 5).apply(x)).tangent
    return seen[0], out


def test_a_function_applied_inside_another_functions_forward_leaves_forward_ad_paused():
    check(_nested_function_tangents)


_TANGENT_CASES = {
    # an input without a tangent counts as a zero one that still reads the
    # other primals: W (requires grad) @ zero_t records the tangent
    "mv_of_a_dual_matrix": lambda T, x, y, W, t: fw(T).make_dual(W, T.ones(2, 3)) @ x,
    "linear_of_dual_weight": lambda T, x, y, W, t: T.nn.functional.linear(
        x, fw(T).make_dual(W, T.ones(2, 3))),
    "mul": lambda T, x, y, W, t: fw(T).make_dual(x, t) * y,
    "div": lambda T, x, y, W, t: fw(T).make_dual(x, t) / y,
    "mv_of_a_dual_vector": lambda T, x, y, W, t: W @ fw(T).make_dual(x, t),
    # linear in the inputs: no primal read, nothing recorded
    "add": lambda T, x, y, W, t: fw(T).make_dual(x, t) + y,
    "cat": lambda T, x, y, W, t: T.cat([fw(T).make_dual(x, t), y]),
    "sum": lambda T, x, y, W, t: fw(T).make_dual(y, t).sum(),
    "exp_of_a_plain_primal": lambda T, x, y, W, t: fw(T).make_dual(x, t).exp(),
}


def fw(T):
    return T.autograd.forward_ad


@pytest.mark.parametrize("grad_mode", [True, False])
@pytest.mark.parametrize("case", list(_TANGENT_CASES))
def test_tangent_is_recorded_as_pytorchs(case, grad_mode):
    def f(T):
        g = T.Generator().manual_seed(0)
        x, t = T.randn(3, generator=g), T.randn(3, generator=g)
        y = T.randn(3, generator=g).requires_grad_()
        W = T.randn(2, 3, generator=g).requires_grad_()
        with fw(T).dual_level(), T.set_grad_enabled(grad_mode):
            tangent = fw(T).unpack_dual(_TANGENT_CASES[case](T, x, y, W, t)).tangent
            return tangent.detach(), tangent.requires_grad
    check(f)
