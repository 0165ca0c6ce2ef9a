"""PyTorch's function-transform tutorials, run on Ember and on PyTorch from
the same seed: "Forward-mode Automatic Differentiation" (dual numbers, a
Module with dual parameters, functional_call, a custom Function's jvp,
gradcheck with check_forward_ad, torch.func.jvp) and "Jacobians, Hessians,
hvp, vhp, and more" (vmap of a vjp, jacrev/jacfwd with argnums, hessian,
jacfwd of jacfwd, batched Jacobians and Hessians with vmap, hvp)."""
import importlib

from compare_torch import check


def forward_ad_tutorial(T):
    fwAD = importlib.import_module(T.__name__ + ".autograd.forward_ad")
    nn, func = T.nn, importlib.import_module(T.__name__ + ".func")
    T.manual_seed(0)
    out = {}
    primal, tangent = T.randn(10, 10), T.randn(10, 10)
    with fwAD.dual_level():
        dual_input = fwAD.make_dual(primal, tangent)
        assert fwAD.unpack_dual(dual_input).tangent is tangent
        dual_output = dual_input ** 2 + T.randn(10, 10) ** 2
        out["basic"] = fwAD.unpack_dual(dual_output).tangent
    assert fwAD.unpack_dual(dual_output).tangent is None
    model = nn.Linear(5, 5)
    x = T.randn(16, 5)
    params = {name: p for name, p in model.named_parameters()}
    tangents = {name: T.rand_like(p) for name, p in params.items()}
    with fwAD.dual_level():
        for name, p in params.items():
            delattr(model, name)
            setattr(model, name, fwAD.make_dual(p, tangents[name]))
        out["module"] = fwAD.unpack_dual(model(x)).tangent.detach()
    model = nn.Linear(5, 5)
    with fwAD.dual_level():
        duals = {name: fwAD.make_dual(p, tangents[name]) for name, p in params.items()}
        out["functional_call"] = fwAD.unpack_dual(
            func.functional_call(model, duals, x)).tangent.detach()

    class Fn(T.autograd.Function):
        @staticmethod
        def forward(ctx, foo):
            result = T.exp(foo)
            ctx.result = result
            return result

        @staticmethod
        def jvp(ctx, gI):
            gO = gI * ctx.result
            del ctx.result
            return gO
    primal = T.randn(4, 4, dtype=T.double, requires_grad=True)
    tangent = T.randn(4, 4, dtype=T.double)
    with fwAD.dual_level():
        out["custom_function"] = fwAD.unpack_dual(Fn.apply(fwAD.make_dual(primal, tangent))).tangent
    assert T.autograd.gradcheck(Fn.apply, (primal,), check_forward_ad=True,
                                check_backward_ad=False, check_undefined_grad=False,
                                check_batched_grad=False)
    x, t = T.randn(5), T.randn(5)
    out["func_jvp"] = func.jvp(lambda x: x.sin().sum() * x, (x,), (t,))
    return out


def jacobians_tutorial(T):
    F, func = T.nn.functional, importlib.import_module(T.__name__ + ".func")
    T.manual_seed(0)
    out = {}

    def predict(weight, bias, x):
        return F.linear(x, weight, bias).tanh()
    D = 16
    weight, bias, x = T.randn(D, D), T.randn(D), T.randn(D)
    xp = x.clone().requires_grad_()
    jacobian = T.stack([T.autograd.grad(predict(weight, bias, xp), xp, vec)[0]
                        for vec in T.eye(D)])
    _, vjp_fn = func.vjp(lambda x: predict(weight, bias, x), x)
    out["vmap_vjp"] = func.vmap(vjp_fn)(T.eye(D))[0]
    assert T.allclose(out["vmap_vjp"], jacobian)
    out["jacrev"] = func.jacrev(predict, argnums=2)(weight, bias, x)
    out["jacrev_wb"] = func.jacrev(predict, argnums=(0, 1))(weight, bias, x)
    out["jacfwd"] = func.jacfwd(predict, argnums=2)(weight, bias, x)
    out["hessian"] = func.hessian(predict, argnums=2)(weight, bias, x)
    out["jacfwd_jacfwd"] = func.jacfwd(func.jacfwd(predict, argnums=2), argnums=2)(weight, bias, x)
    out["jacrev_jacrev"] = func.jacrev(func.jacrev(predict, argnums=2), argnums=2)(weight, bias, x)
    xb = T.randn(8, D)
    out["batch_jacobian"] = func.vmap(func.jacrev(predict, argnums=2),
                                      in_dims=(None, None, 0))(weight, bias, xb)
    out["batch_hessian"] = func.vmap(func.hessian(predict, argnums=2),
                                     in_dims=(None, None, 0))(weight, bias, xb)

    def f(x):
        return x.sin().sum()
    x, tangent = T.randn(64), T.randn(64)
    out["hvp"] = func.jvp(func.grad(f), (x,), (tangent,))[1]
    assert T.allclose(out["hvp"], -x.sin() * tangent, atol=1e-6)
    return out


def test_forward_ad_tutorial():
    check(forward_ad_tutorial, rtol=1e-5, atol=1e-6)


def test_jacobians_and_hessians_tutorial():
    # (float32 Hessian entries near 1e-6 differ in their last digits)
    check(jacobians_tutorial, rtol=1e-4, atol=1e-5)
