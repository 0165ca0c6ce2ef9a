"""torch.func's autodiff transforms (grad, grad_and_value, vjp, jvp, jacrev,
jacfwd, hessian, linearize) against PyTorch, from the same seed, and
against analytic derivatives."""
import numpy as np
import pytest

import ember
from compare_torch import check


def _x(T, *shape, requires_grad=False):
    T.manual_seed(0)
    return T.randn(*shape, dtype=T.float64, requires_grad=requires_grad)


def _mlp_loss(T):
    def loss(params, x, y):
        h = (x @ params["w1"] + params["b1"]).tanh()
        return T.nn.functional.cross_entropy(h @ params["w2"], y)
    T.manual_seed(1)
    params = {"w1": T.randn(5, 4, dtype=T.float64), "b1": T.randn(4, dtype=T.float64),
              "w2": T.randn(4, 3, dtype=T.float64)}
    return loss, params, T.randn(6, 5, dtype=T.float64), T.tensor([0, 1, 2, 1, 0, 2])


@pytest.mark.parametrize("case", [
    lambda T: T.func.grad(lambda x: (x ** 3).sin().sum())(_x(T, 4)),
    lambda T: T.func.grad(lambda x, y: (x * y).sin().sum(), argnums=(0, 1))(_x(T, 3), _x(T, 3) + 1),
    lambda T: T.func.grad(lambda x, y: (x * y).sum(), argnums=-1)(_x(T, 3), _x(T, 3) * 2),
    lambda T: T.func.grad(lambda d: (d["a"] * d["b"].exp()).sum())({"a": _x(T, 3), "b": _x(T, 3)}),
    lambda T: T.func.grad(lambda x: ((x ** 2).sum(), x.cos()), has_aux=True)(_x(T, 3)),
    lambda T: T.func.grad_and_value(lambda x: (x ** 2).sum())(_x(T, 3)),
    lambda T: T.func.grad_and_value(lambda x: ((x ** 2).sum(), 7), has_aux=True)(_x(T, 3)),
    lambda T: T.func.grad(lambda x: T.ones(1).sum())(_x(T, 3)),
    lambda T: T.func.grad(lambda x: T.func.grad(lambda y: (y ** 3).sum())(x).sin().sum())(_x(T, 3)),
    lambda T: T.func.grad(lambda x: (x ** 3).sum())(_x(T, 3, requires_grad=True)),
    lambda T: (lambda l, p, x, y: T.func.grad(l)(p, x, y))(*_mlp_loss(T)),
    lambda T: T.func.vjp(lambda x: x.sin() * 2, _x(T, 3))[1](T.ones(3, dtype=T.float64)),
    lambda T: T.func.vjp(lambda x, y: (x * y, x + y), _x(T, 3), _x(T, 3))[1](
        (T.ones(3, dtype=T.float64), T.full((3,), 2.0, dtype=T.float64))),
    lambda T: T.func.vjp(lambda x: (x.exp(), x.sum()), _x(T, 3), has_aux=True)[2],
    lambda T: T.func.jvp(lambda x: x.sin(), (_x(T, 3),), (T.ones(3, dtype=T.float64),)),
    lambda T: T.func.jvp(lambda x, y: (x * y).tanh(), (_x(T, 3), _x(T, 3)),
                         (T.ones(3, dtype=T.float64), T.zeros(3, dtype=T.float64))),
    lambda T: T.func.jvp(lambda x: (x.exp(), x.sum()), (_x(T, 3),),
                         (T.ones(3, dtype=T.float64),), has_aux=True),
    lambda T: T.func.linearize(lambda x: x.sin() * x, _x(T, 3))[1](T.ones(3, dtype=T.float64)),
    lambda T: T.func.jacrev(lambda x: x.sin() * x.sum())(_x(T, 3)),
    lambda T: T.func.jacrev(lambda W, x: (W @ x).tanh(), argnums=(0, 1))(_x(T, 4, 3), _x(T, 3)),
    lambda T: T.func.jacrev(lambda x: {"s": x.sin(), "c": x[:2].cos()})(_x(T, 3)),
    lambda T: T.func.jacrev(lambda x: (x.exp(), x * 2), has_aux=True)(_x(T, 3)),
    lambda T: T.func.jacfwd(lambda x: x.sin() * x.sum())(_x(T, 3)),
    lambda T: T.func.jacfwd(lambda W, x: (W @ x).tanh(), argnums=(0, 1))(_x(T, 4, 3), _x(T, 3)),
    lambda T: T.func.hessian(lambda x: (x ** 3).sum() * x.prod())(_x(T, 3)),
    lambda T: T.func.hessian(lambda x: (x.exp() * x.sin()).sum())(_x(T, 2, 2)),
    lambda T: T.func.hessian(lambda x, y: (x * y.exp()).sum(), argnums=(0, 1))(_x(T, 2), _x(T, 2)),
    # (Jacobians are vmaps of vjp/jvp over the unit vectors: several outputs and
    # inputs at once, chunks, ops passed as f, and transforms nested in them)
    lambda T: T.func.jacrev(lambda x, y: (x * y, (x + y).sum()), argnums=(0, 1))(
        _x(T, 2, 3), _x(T, 3)),
    lambda T: T.func.jacrev(lambda x: x.sin().outer(x), chunk_size=2)(_x(T, 3)),
    lambda T: T.func.jacrev(T.sin)(_x(T, 3)),
    lambda T: T.func.jacfwd(T.sin)(_x(T, 3)),
    lambda T: T.func.jacfwd(lambda x, y: (x * y, (x + y).sum()), argnums=(0, 1))(
        _x(T, 2, 3), _x(T, 3)),
    lambda T: T.func.jacfwd(lambda x: (x.exp(), {"a": x * 2}), has_aux=True)(_x(T, 3)),
    lambda T: T.func.jacfwd(T.func.jacfwd(lambda x: x.sin() * x.prod()))(_x(T, 3)),
    lambda T: T.func.jacrev(T.func.jacrev(lambda x: x.sin() * x.prod()))(_x(T, 3)),
    lambda T: T.func.vmap(T.func.hessian(lambda x: (x.sin() * x.sum()).sum()))(_x(T, 4, 3)),
    lambda T: T.func.jacrev(lambda x: x * 2)(_x(T, 0)),
    lambda T: T.func.jacfwd(lambda x: x.sum() * T.ones(2, dtype=T.float64))(_x(T, 0)),
])
def test_matches_torch(case):
    check(case, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("case", [
    lambda T: T.func.grad(lambda x: x * 2)(_x(T, 3)),
    lambda T: T.func.grad(lambda x: (x.sum(), 1))(_x(T, 3)),
    lambda T: T.func.grad(lambda x: x.sum(), has_aux=True)(_x(T, 3)),
    lambda T: T.func.grad(lambda x: x.sum())(1.0),
    lambda T: T.func.grad(lambda x, y: (x * y).sum(), argnums=2)(_x(T, 3), _x(T, 3)),
    lambda T: T.func.grad(lambda x: x.sum(), argnums=1.0)(_x(T, 3)),
    lambda T: T.func.grad(lambda x: x.sum(), argnums=())(_x(T, 3)),
    lambda T: T.func.grad(lambda x, y: x.sum(), argnums=(0, 0))(_x(T, 3), _x(T, 3)),
    lambda T: T.func.jvp(lambda x: x.sin(), _x(T, 3), T.ones(3)),
    lambda T: T.func.jvp(lambda x: x.sin(), (_x(T, 3),), (T.ones(2, dtype=T.float64),)),
    lambda T: T.func.vjp(lambda x: x.sin(), _x(T, 3))[1](T.ones(2, dtype=T.float64)),
    lambda T: T.func.jacfwd(lambda x: x.sin(), randomness="x")(_x(T, 3)),
    lambda T: T.func.jacrev(lambda x: x.sin(), chunk_size=0)(_x(T, 3)),
    # has_aux without (output, aux), named as each transform's message names it
    lambda T: T.func.vjp(lambda x: x.sin(), _x(T, 3), has_aux=True),
    lambda T: T.func.jvp(lambda x: x.sin(), (_x(T, 3),), (_x(T, 3),), has_aux=True),
    lambda T: T.func.jacrev(lambda x: (x, x, x), has_aux=True)(_x(T, 3)),
    lambda T: T.func.jacfwd(lambda x: x.sin(), has_aux=True)(_x(T, 3)),
    lambda T: T.func.jvp(lambda x: (x.sin(), 3), (_x(T, 3),), (_x(T, 3),), has_aux=True),
    # outputs: none, not tensors, not floating point; cotangents of another layout
    lambda T: T.func.vjp(lambda x: None, _x(T, 3)),
    lambda T: T.func.vjp(lambda x: (), _x(T, 3)),
    lambda T: T.func.vjp(lambda x: (x, 3), _x(T, 3)),
    lambda T: T.func.vjp(lambda x: x.argmax(), _x(T, 3)),
    lambda T: T.func.jacrev(lambda x: x.argmax())(_x(T, 3)),
    lambda T: T.func.jacrev(lambda x: None)(_x(T, 3)),
    lambda T: T.func.jvp(lambda x: None, (_x(T, 3),), (_x(T, 3),)),
    lambda T: T.func.vjp(lambda x: [x, x], _x(T, 3))[1]((_x(T, 3), _x(T, 3))),
    lambda T: T.func.vjp(lambda x: [x, x], _x(T, 3))[1]([_x(T, 3)]),
])
def test_errors_as_torch(case):
    check(case)


def test_results_have_no_history_unless_an_input_required_grad():
    x = _x(ember, 3)
    assert ember.func.grad(lambda x: (x ** 3).sum())(x).grad_fn is None
    assert ember.func.hessian(lambda x: (x ** 3).sum())(x).grad_fn is None
    xr = _x(ember, 3, requires_grad=True)
    g = ember.func.grad(lambda x: (x ** 3).sum())(xr)
    g.sum().backward()      # d/dx sum(3x^2) = 6x
    np.testing.assert_allclose(xr.grad.numpy(), 6 * xr.detach().numpy())


def test_jacrev_of_a_random_function_keeps_the_random_stream():
    # f runs on the batch of cotangents again, with the random state of its
    # first run: the values and the state after are PyTorch's
    def run(T):
        x = _x(T, 3)
        T.manual_seed(5)
        jac = T.func.jacrev(lambda x: x * T.randn(3, dtype=T.float64))(x)
        return jac, T.randn(2)
    check(run, exact=True)


def test_jacrev_of_a_function_vmap_cannot_batch():
    # data-dependent control flow and .item(): PyTorch's jacrev runs f once,
    # unbatched, so these work there; Ember's falls back to one pass per row
    def f(T):
        def g(x, y):
            scale = 2.0 if x.sum() > 0 else -1.0
            return x.sin() * scale * y.sum().item() + y[:2]
        return T.func.jacrev(g, argnums=(0, 1))(_x(T, 3), _x(T, 3) + 1)
    check(f)
    check(lambda T: T.func.jacrev(T.func.jacrev(lambda x: x.sin() * float(x[0])))(_x(T, 2)))


def test_hessian_is_analytic():
    x = _x(ember, 4)
    h = ember.func.hessian(lambda x: (x.exp() * x).sum())(x).numpy()
    xs = x.numpy()
    np.testing.assert_allclose(h, np.diag(np.exp(xs) * (xs + 2)), rtol=1e-12)


@pytest.mark.parametrize("dims", [((None, 0), (0, None)), ((0, None), (None, 0)),
                                  ((0, 0), (0, None))])
def test_vjp_and_jvp_inside_nested_vmaps_are_per_sample(dims):
    """A weight shared by the samples of both vmaps, and an input batched at
    only one of them: vjp's gradient is per sample of each level (the NTK
    tutorial's vmap(vmap(get_ntk)) of vjp then jvp)."""
    inner, outer = dims

    def f(T):
        g = T.Generator().manual_seed(0)
        W, X, Y = (T.randn(3, 4, generator=g), T.randn(2, 4, generator=g),
                   T.randn(2, 4, generator=g))
        F = T.func

        def ntk(a, b):
            _, vjp_fn = F.vjp(lambda w: (w @ a).tanh(), W)
            (v,) = vjp_fn(T.ones(3))
            return F.jvp(lambda w: (w @ b).sin(), (W,), (v,))[1]
        return F.vmap(F.vmap(ntk, inner), outer)(X, Y)
    check(f)


def _mutating(a):
    b = a + 1
    c = b.view(-1)
    c.add_(1)
    a.mul_(2)
    return b, a.view(-1)


def test_functionalize_keeps_semantics_and_mutates_inputs_as_pytorch():
    from compare_torch import check, check_error

    def run(T):
        x = T.ones(3)
        out = T.func.functionalize(_mutating)(x)
        out[1][0] = 100.0           # no output aliases the input
        same = T.func.functionalize(lambda a: a)(x) is x
        w = T.ones(2, requires_grad=True) * 1
        mutated = T.func.functionalize(lambda a: a.mul_(3))(w)
        g = T.func.grad(T.func.functionalize(lambda a: (a.clone().add_(1) ** 2).sum()))(T.ones(2))
        v = T.vmap(T.func.functionalize(lambda a: a.clone().mul_(3)))(T.ones(2, 2))
        return out, x, same, w, mutated, g, v, T.func.functionalize(_mutating).__name__
    check(run)
    check_error(lambda T: (T.ones(2, requires_grad=True),),
                lambda T, z: T.func.functionalize(lambda a: a.add_(1))(z))
    check_error(lambda T: (), lambda T: T.func.functionalize(_mutating, remove="views"))
