"""torch.autograd.functional (vjp, jvp, jacobian, hessian, vhp, hvp) against PyTorch:
values, tuple structure, whether results carry a graph, strict mode and every
error message, on an MLP loss, a two-input function with tuple outputs and a
function whose output ignores one input."""
import warnings

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


@pytest.mark.parametrize("create_graph", [False, True])
def test_a_tensor_the_function_also_captures_counts_only_as_the_argument(create_graph):
    # (pytorch/pytorch#32576: the argument is a new tensor object)
    def fn(T):
        x = t(T, X3, grad=True)
        return summary(F(T).vjp(lambda a: a * x, x, t(T, [1.0, 2.0, 3.0]),
                                create_graph=create_graph))
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


# -- errors: PyTorch's type and message, and no tensor changed -------------------

def x_only(T):
    return (t(T, X3, grad=True),)


def x_plain(T):
    return (t(T, X3),)


def x_and_y(T):
    return t(T, X3, grad=True), t(T, Y23)


def with_outsider(T):
    """x, y and a leaf that `func` captures (not one of its inputs)."""
    return t(T, X3), t(T, Y23), t(T, Y23 * 2, grad=True)


def constant_gradient(T):
    """A custom op whose backward ignores its grad_output (a wrong backward,
    which only strict mode notices)."""
    class Op(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return T.ones(3, dtype=T.float64)
    return Op.apply


def linear(x):
    return (2 * x).sum()


ERRORS = {
    # arguments that are not tensors or tuples of tensors
    "inputs_list": (x_only, lambda T, x: F(T).vjp(exp_sum, [x])),
    "inputs_entry": (x_only, lambda T, x: F(T).jvp(exp_sum, (x, 3.0), (x, x))),
    "outputs_float": (x_only, lambda T, x: F(T).vjp(lambda x: 1.0, x)),
    "outputs_entry": (x_only, lambda T, x: F(T).jacobian(lambda x: (x, None), x)),
    "v_list": (x_only, lambda T, x: F(T).vjp(lambda x: x * 2, x, [x])),
    "v_entry": (x_and_y, lambda T, x, y: F(T).vhp(ignores_y, (x, y), (x, "y"))),
    "hessian_inputs": (x_only, lambda T, x: F(T).hessian(exp_sum, [x])),
    # v: None only for one element, and shaped like what it multiplies
    "vjp_v_none": (x_only, lambda T, x: F(T).vjp(lambda x: x * 2, x)),
    "jvp_v_none": (x_only, lambda T, x: F(T).jvp(exp_sum, x)),
    "vhp_v_none": (x_only, lambda T, x: F(T).vhp(exp_sum, x)),
    "hvp_v_none": (x_and_y, lambda T, x, y: F(T).hvp(ignores_y, (x[:1], y[:1, :1]))),
    "v_tuple_length": (x_and_y, lambda T, x, y: F(T).vjp(two_in_tuple_out, (x, y), (y,))),
    "v_single": (x_only, lambda T, x: F(T).jvp(lambda x: x * 2, x, (x, x))),
    "v_size": (x_only, lambda T, x: F(T).vjp(lambda x: x * 2, x, x[:2])),
    "v_entry_size": (x_and_y, lambda T, x, y: F(T).hvp(ignores_y, (x, y), (x, y[0]))),
    # strict mode
    "strict_output_constant": (x_only, lambda T, x: F(T).vjp(
        lambda x: T.ones(3, dtype=T.float64), x, x, strict=True)),
    "strict_vjp_unused": (x_and_y, lambda T, x, y: F(T).vjp(ignores_y, (x, y), strict=True)),
    "strict_vjp_linear": (x_only, lambda T, x: F(T).vjp(linear, x, create_graph=True,
                                                         strict=True)),
    "strict_jvp_unused": (x_and_y, lambda T, x, y: F(T).jvp(
        lambda x, y: x * 2, (x, y), (x, y), strict=True)),
    "strict_jvp_outsider": (with_outsider, lambda T, x, y, z: F(T).jvp(
        lambda x, y: (x * y, z * 2), (x, y), (x, y), strict=True)),
    "strict_jvp_constant_gradient": (x_plain, lambda T, x: F(T).jvp(
        constant_gradient(T), x, x, strict=True)),
    "strict_jvp_linear": (x_plain, lambda T, x: F(T).jvp(lambda x: x * 2, x, x,
                                                         create_graph=True, strict=True)),
    "strict_jacobian_unused": (x_and_y, lambda T, x, y: F(T).jacobian(
        lambda x, y: (x.exp(), x * y), (x, y), strict=True)),
    "strict_jacobian_linear": (x_only, lambda T, x: F(T).jacobian(
        lambda x: x * 2, x, create_graph=True, strict=True)),
    "strict_jacobian_vectorize": (x_only, lambda T, x: F(T).jacobian(
        exp_sum, x, strict=True, vectorize=True)),
    "strict_hessian_linear": (x_only, lambda T, x: F(T).hessian(linear, x, strict=True)),
    "strict_hessian_unused": (x_and_y, lambda T, x, y: F(T).hessian(
        ignores_y, (x, y), strict=True)),
    "strict_vhp_linear": (x_only, lambda T, x: F(T).vhp(linear, x, x, strict=True)),
    "strict_vhp_create_graph": (x_plain, lambda T, x: F(T).vhp(
        lambda x: (x * x).sum(), x, x, create_graph=True, strict=True)),
    "strict_hvp_create_graph": (x_plain, lambda T, x: F(T).hvp(
        lambda x: (x * x).sum(), x, x, create_graph=True, strict=True)),
    "strict_vhp_outsider": (with_outsider, lambda T, x, y, z: F(T).vhp(
        lambda x, y: (x ** 2).sum() + (y * z).sum(), (x, y), (x, y), strict=True)),
    "strict_hvp_outsider": (with_outsider, lambda T, x, y, z: F(T).hvp(
        lambda x, y: (x ** 2).sum() + (y * z).sum(), (x, y), (x, y), strict=True)),
    # functions that must return one single-element tensor
    "hessian_tuple": (x_only, lambda T, x: F(T).hessian(lambda x: (x.sum(),), x)),
    "hessian_elements": (x_only, lambda T, x: F(T).hessian(lambda x: x.exp(), x)),
    "vhp_tuple": (x_only, lambda T, x: F(T).vhp(lambda x: (x.sum(),), x, x)),
    "hvp_elements": (x_only, lambda T, x: F(T).hvp(lambda x: x.exp(), x, x)),
    # strategies
    "strategy": (x_only, lambda T, x: F(T).jacobian(exp_sum, x, strategy="forward")),
    "outer_strategy": (x_only, lambda T, x: F(T).hessian(exp_sum, x,
                                                          outer_jacobian_strategy="fwd")),
    "forward_create_graph": (x_only, lambda T, x: F(T).jacobian(
        exp_sum, x, create_graph=True, strategy="forward-mode")),
    "forward_strict": (x_only, lambda T, x: F(T).jacobian(
        exp_sum, x, strict=True, strategy="forward-mode")),
    "forward_inputs": (x_only, lambda T, x: F(T).jacobian(
        exp_sum, [x], vectorize=True, strategy="forward-mode")),
    "forward_not_vectorized": (x_only, lambda T, x: F(T).jacobian(
        exp_sum, x, strategy="forward-mode")),
    "hessian_forward_not_vectorized": (x_only, lambda T, x: F(T).hessian(
        exp_sum, x, outer_jacobian_strategy="forward-mode")),
}


@pytest.mark.parametrize("case", ERRORS)
def test_errors(case):
    check_error(*ERRORS[case])


@pytest.mark.parametrize("call", [
    lambda F, x: F.jacobian(exp_sum, x, vectorize=True, strategy="forward-mode"),
    lambda F, x: F.jacobian(lambda a, b: (a * b.exp(), (a - b).sin()), (x, x * 2),
                            vectorize=True, strategy="forward-mode"),
])
def test_forward_mode_matches_torch(call):
    check(lambda T: call(T.autograd.functional, t(T, X3)))


def test_forward_over_reverse_hessian_matches_torch():
    torch = pytest.importorskip("torch")

    def h(T):
        return T.autograd.functional.hessian(exp_sum, t(T, X3), vectorize=True,
                                              outer_jacobian_strategy="forward-mode")
    with warnings.catch_warnings():
        # (PyTorch's forward-mode decompositions warn about torch.jit.script)
        warnings.simplefilter("ignore", DeprecationWarning)
        r = h(torch)
    e = h(ember)
    # (both keep the inner jacobian's history; the last node's name is an
    # implementation detail of PyTorch's vmap)
    assert e.requires_grad == r.requires_grad
    np.testing.assert_allclose(e.detach().numpy(), r.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(e.detach().numpy(), np.diag(np.exp(X3)), rtol=1e-12)


# -- results with create_graph=True are differentiable, and correctly so -------

def cubic_pair(x, y):
    return (x.sin() * y).sum() * (x ** 2).sum() + (y ** 3).sum()


@pytest.mark.parametrize("name", ["vjp", "jvp", "vhp", "hvp", "jacobian", "hessian"])
def test_create_graph_results_pass_gradcheck(name):
    f = ember.autograd.functional
    v = (t(ember, RNG.standard_normal(3)), t(ember, RNG.standard_normal((2, 3))))
    calls = {
        "vjp": lambda x, y: f.vjp(two_in_tuple_out, (x, y), (v[1], v[0]), create_graph=True)[1],
        "jvp": lambda x, y: f.jvp(two_in_tuple_out, (x, y), v, create_graph=True)[1],
        "vhp": lambda x, y: f.vhp(cubic_pair, (x, y), v, create_graph=True)[1],
        "hvp": lambda x, y: f.hvp(cubic_pair, (x, y), v, create_graph=True)[1],
        "jacobian": lambda x, y: tuple(j for row in f.jacobian(two_in_tuple_out, (x, y),
                                                               create_graph=True) for j in row),
        "hessian": lambda x, y: tuple(h for row in f.hessian(cubic_pair, (x, y),
                                                             create_graph=True) for h in row),
    }
    inputs = (t(ember, X3, grad=True), t(ember, Y23 * 0.5, grad=True))
    assert ember.autograd.gradcheck(calls[name], inputs)


def test_integer_inputs_cannot_require_grad():
    check_error(lambda T: (T.tensor([1, 2, 3]),), lambda T, x: F(T).vjp(lambda x: x * 2, x, x))


@pytest.mark.parametrize("create_graph", [False, True])
def test_strict_mode_lets_well_behaved_functions_through(create_graph):
    kw = dict(create_graph=create_graph, strict=True)
    check(lambda T: summary((
        F(T).vjp(mlp_loss, mlp_inputs(T), **kw),
        F(T).jvp(lambda x: x.exp() * x, t(T, X3), t(T, X3[::-1].copy()), **kw),
        F(T).jacobian(lambda x, y: (x.sin() * y).sum(dim=0), xy(T), **kw),
        F(T).hessian(cubic_pair, xy(T), **kw),
        F(T).vhp(cubic_pair, xy(T), (t(T, X3), t(T, Y23)), **kw),
        F(T).hvp(cubic_pair, xy(T), (t(T, X3), t(T, Y23)), **kw))))


def test_vectorized_jacobian_rows_run_through_every_output():
    # (input b reaches output 1 only through output 0's graph, with a zero
    # grad_output there: -0.0 where a.sum() < 0, printed as PyTorch prints it)
    def run(T):
        a = T.tensor([-1.0, -2.0, 0.5])
        b = T.tensor([3.0, 4.0])
        jac = T.autograd.functional.jacobian(lambda a, b: (a.sum() * b, a * 2), (a, b),
                                             vectorize=True)
        return repr(jac)
    check(run)
