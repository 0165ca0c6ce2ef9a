"""torch.autograd.functional (vjp, jvp, jacobian, hessian, vhp, hvp) against PyTorch:
values, tuple structure, whether results carry a graph, strict mode and every
error message, on an MLP loss, a two-input function with tuple outputs and a
function whose output ignores one input."""
import numpy as np
import pytest

import ember
from compare_torch import check, check_error

RNG = np.random.default_rng(7)
X3 = RNG.standard_normal(3)
Y23 = RNG.standard_normal((2, 3))
W1 = RNG.standard_normal((4, 3)) * 0.5
B1 = RNG.standard_normal(4) * 0.1
W2 = RNG.standard_normal((1, 4)) * 0.5
DATA = RNG.standard_normal((5, 3))
TARGET = RNG.standard_normal((5, 1))


def t(T, a, grad=False):
    return T.tensor(a, dtype=T.float64, requires_grad=grad)


def F(T):
    return T.autograd.functional


def summary(r):
    """A result with its graph reduced to what both libraries must agree on:
    values, requires_grad and whether a grad_fn exists (which node ends a
    gradient formula is the op table's business, not this module's)."""
    if isinstance(r, tuple):
        return tuple(summary(x) for x in r)
    return (r.detach(), r.requires_grad, r.grad_fn is not None)


# -- the functions ------------------------------------------------------------

def mlp_loss(w1, b1, w2):
    T = ember if isinstance(w1, ember.Tensor) else __import__("torch")
    x, y = t(T, DATA), t(T, TARGET)
    h = T.tanh(x @ w1.T + b1)
    return ((h @ w2.T - y) ** 2).mean()


def two_in_tuple_out(x, y):
    return y * x.sin(), (x ** 3).sum() + y.tanh().sum(dim=0)


def ignores_y(x, y):
    return (x.exp() * 2).sum()


def exp_sum(x):
    return x.exp().sum()


def mlp_inputs(T):
    return t(T, W1), t(T, B1), t(T, W2)


def xy(T):
    return t(T, X3), t(T, Y23)


# -- vjp ----------------------------------------------------------------------

@pytest.mark.parametrize("create_graph", [False, True])
def test_vjp_of_a_single_tensor_function(create_graph):
    check(lambda T: summary(F(T).vjp(lambda x: x.exp() * x, t(T, X3), t(T, [1.0, -2.0, 0.5]),
                                     create_graph=create_graph)))


@pytest.mark.parametrize("create_graph", [False, True])
def test_vjp_with_tuple_inputs_and_outputs(create_graph):
    check(lambda T: summary(F(T).vjp(two_in_tuple_out, xy(T),
                                     (t(T, Y23[::-1].copy()), t(T, [0.3, -1.0, 2.0])),
                                     create_graph=create_graph)))


def test_vjp_of_a_scalar_loss_needs_no_v_and_fills_unused_inputs_with_zeros():
    check(lambda T: summary(F(T).vjp(mlp_loss, mlp_inputs(T))))
    check(lambda T: summary(F(T).vjp(ignores_y, xy(T))))


def test_vjp_with_create_graph_stays_connected_to_inputs_that_require_grad():
    def fn(T):
        x = t(T, X3, grad=True)
        out, g = F(T).vjp(exp_sum, x, create_graph=True)
        (g * g).sum().backward()
        return summary((out, g)), x.grad
    check(fn)


@pytest.mark.parametrize("grad_enabled", [False, True])
@pytest.mark.parametrize("create_graph", [False, True])
def test_results_follow_grad_mode_and_create_graph(grad_enabled, create_graph):
    def fn(T):
        x = t(T, X3, grad=True)
        with T.set_grad_enabled(grad_enabled):
            return tuple(summary(getattr(F(T), name)(exp_sum, x, *v, create_graph=create_graph))
                         for name, v in (("vjp", ()), ("vhp", (t(T, X3),)),
                                         ("hvp", (t(T, X3),))))
    check(fn)


# -- jvp ----------------------------------------------------------------------

@pytest.mark.parametrize("create_graph", [False, True])
def test_jvp_by_the_double_backward_trick(create_graph):
    check(lambda T: summary(F(T).jvp(lambda x: x.exp() * x, t(T, X3), t(T, [1.0, -2.0, 0.5]),
                                     create_graph=create_graph)))
    check(lambda T: summary(F(T).jvp(two_in_tuple_out, xy(T),
                                     (t(T, [0.3, -1.0, 2.0]), t(T, Y23[::-1].copy())),
                                     create_graph=create_graph)))


def test_jvp_of_a_one_element_input_needs_no_v_and_gives_zeros_for_unused_outputs():
    check(lambda T: summary(F(T).jvp(lambda x: (x * 3).sin(), t(T, [0.7]))))
    check(lambda T: summary(F(T).jvp(lambda x, y: (x * 2, y.detach() * 2), xy(T),
                                     (t(T, X3), t(T, Y23)))))


def test_jvp_equals_the_jacobian_times_v():
    v = RNG.standard_normal(3)
    _, jv = ember.autograd.functional.jvp(lambda x: x.exp() * x.sum(), t(ember, X3), t(ember, v))
    jac = ember.autograd.functional.jacobian(lambda x: x.exp() * x.sum(), t(ember, X3))
    np.testing.assert_allclose(jv.numpy(), jac.numpy() @ v, rtol=1e-12)


# -- jacobian -----------------------------------------------------------------

@pytest.mark.parametrize("vectorize", [False, True])
@pytest.mark.parametrize("create_graph", [False, True])
def test_jacobian_nested_tuples(create_graph, vectorize):
    kw = dict(create_graph=create_graph, vectorize=vectorize)
    check(lambda T: summary(F(T).jacobian(two_in_tuple_out, xy(T), **kw)))
    check(lambda T: summary(F(T).jacobian(lambda x: (x.exp(), x.sum()), t(T, X3), **kw)))
    check(lambda T: summary(F(T).jacobian(mlp_loss, mlp_inputs(T), **kw)))
    check(lambda T: summary(F(T).jacobian(lambda x: x.exp().reshape(3, 1) * x, t(T, X3), **kw)))
    check(lambda T: summary(F(T).jacobian(ignores_y, xy(T), **kw)))


def test_jacobian_with_create_graph_is_a_view_and_differentiable():
    def fn(T):
        x = t(T, X3, grad=True)
        jac = F(T).jacobian(lambda x: x.exp() * x, x, create_graph=True)
        jac.trace().backward()
        return type(jac.grad_fn).__name__, x.grad
    check(fn)


def test_jacobian_of_an_output_that_does_not_require_grad_is_zero():
    check(lambda T: summary(F(T).jacobian(lambda x: T.ones(2, dtype=T.float64), t(T, X3))))


# -- hessian ------------------------------------------------------------------

def test_hessian_of_exp_sum_is_the_diagonal_of_exp():
    h = ember.autograd.functional.hessian(exp_sum, t(ember, X3))
    np.testing.assert_allclose(h.numpy(), np.diag(np.exp(X3)), rtol=1e-12)
    check(lambda T: summary(F(T).hessian(exp_sum, t(T, X3))))


@pytest.mark.parametrize("vectorize", [False, True])
@pytest.mark.parametrize("create_graph", [False, True])
def test_hessian_of_several_inputs(create_graph, vectorize):
    kw = dict(create_graph=create_graph, vectorize=vectorize)
    check(lambda T: summary(F(T).hessian(mlp_loss, mlp_inputs(T), **kw)))
    check(lambda T: summary(F(T).hessian(ignores_y, xy(T), **kw)))
    check(lambda T: summary(F(T).hessian(lambda x: (x ** 4).sum().reshape(1, 1), t(T, X3), **kw)))


def test_hessian_with_create_graph_differentiates_once_more():
    def fn(T):
        x = t(T, X3, grad=True)
        h = F(T).hessian(lambda x: (x ** 4).sum() + x.prod(), x, create_graph=True)
        (h * h).sum().backward()
        return summary(h), x.grad
    check(fn)


# -- vhp and hvp --------------------------------------------------------------

@pytest.mark.parametrize("name", ["vhp", "hvp"])
@pytest.mark.parametrize("create_graph", [False, True])
def test_hessian_vector_products(name, create_graph):
    def fn(T, func, inputs, v):
        return summary(getattr(F(T), name)(func, inputs, v, create_graph=create_graph))
    check(lambda T: fn(T, mlp_loss, mlp_inputs(T), (t(T, W1[::-1].copy()), t(T, B1),
                                                      t(T, -W2))))
    check(lambda T: fn(T, ignores_y, xy(T), (t(T, X3), t(T, Y23))))
    check(lambda T: fn(T, lambda x: (x ** 3).sum(), t(T, X3), t(T, [1.0, 0.0, -2.0])))
    check(lambda T: fn(T, lambda x: x.exp().sum() * 2, t(T, [0.3]), None))


def test_vhp_and_hvp_match_the_hessian():
    v = RNG.standard_normal(3)
    f = ember.autograd.functional
    h = f.hessian(lambda x: (x.exp() * x.sum()).sum(), t(ember, X3)).numpy()
    for name in ("vhp", "hvp"):
        _, hv = getattr(f, name)(lambda x: (x.exp() * x.sum()).sum(), t(ember, X3), t(ember, v))
        np.testing.assert_allclose(hv.numpy(), h @ v, rtol=1e-12)
