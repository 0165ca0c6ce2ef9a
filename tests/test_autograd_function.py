"""Custom autograd Functions (torch.autograd.Function), compared with PyTorch:
several outputs, non-tensor arguments, ctx features, the setup_context
style, once_differentiable, double backward, gradcheck/gradgradcheck."""
import functools

import pytest

import ember
from compare_torch import check, check_error, msg, _torch


@functools.lru_cache(maxsize=None)
def fns(T):
    """The same Function classes, written once, for T = ember or torch."""
    F = T.autograd.Function

    class MulAdd(F):
        # Two tensors in, a non-tensor in, three outputs (one of them an int).
        @staticmethod
        def forward(ctx, x, y, k):
            ctx.save_for_backward(x, y)
            ctx.k = k
            return x * y, k, x + k * y

        @staticmethod
        def backward(ctx, g_prod, g_k, g_sum):
            x, y = ctx.saved_tensors
            assert g_k is None
            return g_prod * y + g_sum, g_prod * x + ctx.k * g_sum, None

    class Split(F):
        # Two outputs; backward written with tensor ops, so double backward works.
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.sin(), x * x

        @staticmethod
        def backward(ctx, ga, gb):
            (x,) = ctx.saved_tensors
            return ga * x.cos() + gb * 2 * x

    class Quiet(F):
        # set_materialize_grads(False): an unused output's gradient is None.
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, ga, gb):
            out = None
            if ga is not None:
                out = ga * 2
            if gb is not None:
                out = gb * 3 if out is None else out + gb * 3
            return out

    class SortIdx(F):
        # mark_non_differentiable: the indices output.
        @staticmethod
        def forward(ctx, x):
            values, idx = x.sort()
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(idx)
            return values, idx

        @staticmethod
        def backward(ctx, g, g_idx):
            (idx,) = ctx.saved_tensors
            assert float(g_idx.abs().sum()) == 0.0    # materialized as zeros
            out = g.new_zeros(g.shape)
            out[idx] = g
            return out

    class AddOne_(F):
        # mark_dirty: forward changes its input in place and returns it.
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 1

    class Exp(F):
        # The new style: forward without ctx, setup_context saves the output.
        @staticmethod
        def forward(x, scale=1.0):
            return (x * scale).exp()

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(output)
            ctx.scale = inputs[1]

        @staticmethod
        def vjp(ctx, g):
            (out,) = ctx.saved_tensors
            return g * out * ctx.scale, None

        @staticmethod
        def jvp(ctx, gx, gscale):
            return gx

        @staticmethod
        def vmap(info, in_dims, x, scale):
            return Exp.apply(x, scale), in_dims[0]

    class Once(F):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        @T.autograd.function.once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x ** 2

    class Ident(F):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    class Needs(F):
        @staticmethod
        def forward(ctx, x, y, n):
            ctx.seen = ctx.needs_input_grad
            return x + y

        @staticmethod
        def backward(ctx, g):
            return g, g, None

    return dict(MulAdd=MulAdd, Split=Split, Quiet=Quiet, SortIdx=SortIdx, AddOne_=AddOne_,
                Exp=Exp, Once=Once, Ident=Ident, Needs=Needs)


def leaf(T, values, dtype=None):
    return T.tensor(values, dtype=dtype or T.float32, requires_grad=True)


def _fn(T, forward, backward=lambda ctx, *g: g[0]):
    return type("Q", (T.autograd.Function,), {"forward": staticmethod(forward),
                                              "backward": staticmethod(backward)})


def test_three_outputs_with_a_non_tensor():
    def f(T):
        x, y = leaf(T, [1.0, -2.0, 0.5]), leaf(T, [3.0, 0.25, -1.5])
        p, k, s = fns(T)["MulAdd"].apply(x, y, 4)
        (p * 2 + s).sum().backward()
        return p, k, s, x.grad, y.grad, p.grad_fn is s.grad_fn, p.grad_fn.name()
    check(f)


def test_unused_outputs_get_zeros_or_none():
    def f(T):
        x = leaf(T, [1.0, 2.0, 3.0])
        a, b = fns(T)["Split"].apply(x)
        a.sum().backward()
        gx = x.grad
        x.grad = None
        c, d = fns(T)["Quiet"].apply(x)
        d.sum().backward()
        return a, b, gx, x.grad
    check(f)


def test_next_functions_only_of_tensor_inputs():
    def f(T):
        x, y = leaf(T, [1.0]), T.tensor([2.0])
        p, _, _ = fns(T)["MulAdd"].apply(x, y, 3)
        return [type(n).__name__ if n is not None else None for n, _ in p.grad_fn.next_functions]
    check(f)


def test_needs_input_grad():
    def f(T):
        x, y = leaf(T, [1.0]), T.tensor([2.0])
        out = fns(T)["Needs"].apply(x, y, 3)
        with T.no_grad():
            plain = fns(T)["Needs"].apply(x, y, 3)
        return out.grad_fn.seen, plain.requires_grad, plain.grad_fn
    check(f)


def test_mark_non_differentiable():
    def f(T):
        x = leaf(T, [3.0, -1.0, 2.0, 0.5])
        v, i = fns(T)["SortIdx"].apply(x)
        (v * T.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
        return v, i, i.requires_grad, x.grad
    check(f)


def test_mark_dirty_on_a_non_leaf():
    def f(T):
        x = leaf(T, [1.0, 2.0])
        y = x * 2
        z = fns(T)["AddOne_"].apply(y)
        (z * z).sum().backward()
        return z is y, y, y._version, x.grad
    check(f)


def test_mark_dirty_on_a_view():
    def f(T):
        x = leaf(T, [1.0, 2.0, 3.0])
        b = x * 1
        v = b[1:]
        r = fns(T)["AddOne_"].apply(v)
        (b * b).sum().backward()
        return r is v, b, v, x.grad, type(b.grad_fn).__name__
    check(f)


def test_mark_dirty_on_a_leaf_that_requires_grad():
    torch = _torch()
    errs = []
    for T in (torch, ember):
        x = leaf(T, [1.0, 2.0])
        with pytest.raises(RuntimeError) as info:
            fns(T)["AddOne_"].apply(x)
        errs.append(msg(info.value))
        # As in PyTorch, forward already ran: the values changed, the history did not.
        assert x.tolist() == [2.0, 3.0] and x.grad_fn is None and x.grad is None
    assert errs[0] == errs[1]


def test_mark_dirty_of_a_tensor_not_returned():
    def setup(T):
        return (leaf(T, [1.0, 2.0]) * 1,)

    def op(T, y):
        class Bad(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.mark_dirty(x)
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g
        return Bad.apply(y)
    check_error(setup, op, RuntimeError)


def test_input_returned_as_is_is_a_view_that_refuses_inplace():
    def f(T):
        x = leaf(T, [1.0, 2.0])
        r = fns(T)["Ident"].apply(x)
        return r is x, r._base is x, r.grad_fn.name()
    check(f)
    check_error(lambda T: (leaf(T, [1.0, 2.0]),),
                lambda T, x: fns(T)["Ident"].apply(x).add_(1), RuntimeError)


def test_setup_context_style_vjp_and_defaults():
    def f(T):
        x = leaf(T, [0.1, -0.7, 1.3])
        a = fns(T)["Exp"].apply(x)
        b = fns(T)["Exp"].apply(x, scale=2.0)
        (a + b).sum().backward()
        return a, b, x.grad
    check(f)
    E = fns(ember)["Exp"]
    assert E.generate_vmap_rule is False and callable(E.jvp) and callable(E.vmap)


def test_once_differentiable():
    def f(T):
        x = leaf(T, [1.0, -2.0])
        y = fns(T)["Once"].apply(x)
        (g,) = T.autograd.grad((y * y).sum(), x, create_graph=True)
        return g, type(g.grad_fn).__name__, g.grad_fn.name().split("::")[1:]
    check(f)
    check_error(lambda T: (leaf(T, [1.0, -2.0]),),
                lambda T, x: T.autograd.grad((fns(T)["Once"].apply(x) ** 2).sum(), x,
                                             create_graph=True)[0].sum().backward(),
                RuntimeError, "once_differentiable")


def test_double_backward_through_a_custom_function():
    def f(T):
        x = leaf(T, [0.3, -1.1, 2.0])
        a, b = fns(T)["Split"].apply(x)
        (g,) = T.autograd.grad((a + b).sum(), x, create_graph=True)
        g.sum().backward()
        return g, x.grad
    check(f, rtol=1e-5)


@pytest.mark.parametrize("name,extra", [("MulAdd", ()), ("Split", ()), ("Exp", (0.5,))])
def test_gradcheck_and_gradgradcheck(name, extra):
    fn = fns(ember)[name]
    x = ember.tensor([0.3, -1.2, 0.8], dtype=ember.float64, requires_grad=True)
    y = ember.tensor([1.1, 0.4, -0.6], dtype=ember.float64, requires_grad=True)
    if name == "MulAdd":
        def f(x, y):
            return tuple(o for o in fn.apply(x, y, 3) if isinstance(o, ember.Tensor))
        args = (x, y)
    else:
        f = lambda x: fn.apply(x, *extra)  # noqa: E731
        args = (x,)
    assert ember.autograd.gradcheck(f, args)
    assert ember.autograd.gradgradcheck(f, args)


@pytest.mark.parametrize("forward", [
    lambda ctx, x: (5, x * 2),            # a non-tensor first
    lambda ctx, x: 5,                     # no tensor at all
    lambda ctx, x: [x * 2, x],            # a list is one non-tensor output
    lambda ctx, x: (x, x),                # an input returned twice: two views
    lambda ctx, x: (x * 2).long(),        # an integer output is not differentiable
])
def test_outputs_of_every_kind(forward):
    check(lambda T: _fn(T, forward).apply(leaf(T, [1.0, 2.0])))


def test_an_input_returned_twice_gets_both_gradients():
    def f(T):
        x = leaf(T, [1.0, 2.0])
        a, b = _fn(T, lambda ctx, x: (x, x), lambda ctx, ga, gb: ga + gb * 10).apply(x)
        (a + b * 2).sum().backward()
        return a is b, x.grad
    check(f)


@pytest.mark.parametrize("call", [
    lambda Q, x: Q.apply(x=x),
    lambda Q, x: Q.apply(x, y=x),
    lambda Q, x: Q.apply(x, 2.0, z=x),
])
def test_keywords_join_the_inputs(call):
    def f(T):
        class Q(T.autograd.Function):
            @staticmethod
            def forward(ctx, x, y=3.0, z=4.0):
                ctx.seen = ctx.needs_input_grad
                return x * y * z

            @staticmethod
            def backward(ctx, g):
                return g, g, g

        x = leaf(T, [1.0, 2.0])
        out = call(Q, x)
        out.sum().backward()
        return out, out.grad_fn.seen, x.grad
    check(f)


def test_kwargs_reach_forward():
    def f(T):
        x = leaf(T, [1.0, 2.0])
        y = _fn(T, lambda ctx, x, k=2: x * k, lambda ctx, g: (g * 3, None)).apply(x, k=3)
        y.sum().backward()
        return y, x.grad
    check(f)


def test_saving_an_intermediate_that_requires_grad():
    def f(T):
        def forward(ctx, x):
            with T.enable_grad():
                t = x * 2
            ctx.save_for_backward(t)
            return x * 3

        x = leaf(T, [1.0, 2.0])
        _fn(T, forward, lambda ctx, g: g * ctx.saved_tensors[0]).apply(x).sum().backward()
        return x.grad
    check(f)


def test_mark_dirty_without_grad_bumps_the_version_as_pytorch():
    def f(T):
        y = T.ones(2)
        out = fns(T)["AddOne_"].apply(y)
        with T.no_grad():
            z = leaf(T, [1.0, 2.0])
            out2 = fns(T)["AddOne_"].apply(z)
        return out is y, y, y._version, out2 is z, z._version
    check(f)


def test_outputs_that_carry_no_history():
    def f(T):
        res = []
        with T.no_grad():
            z = leaf(T, [1.0, 2.0])
            for name in ("Ident", "AddOne_"):
                o = fns(T)[name].apply(z)
                res += [o is z, o._base is z, o.requires_grad, o.grad_fn, o._version]
        z = T.ones(2)
        o = fns(T)["Ident"].apply(z)
        res += [o is z, o._base is z, o.requires_grad]
        v, i = fns(T)["SortIdx"].apply(leaf(T, [2.0, 1.0]))
        res += [i.requires_grad, i.is_leaf]
        return res
    check(f)


def test_backward_twice_when_nothing_was_saved_and_retain_grad():
    def f(T):
        x = leaf(T, [1.0, 2.0])
        o = fns(T)["Quiet"].apply(x)[0]
        o.sum().backward()
        o.sum().backward()
        a, b = fns(T)["Quiet"].apply(x)
        b.retain_grad()
        (b * b).sum().backward()
        return x.grad, b.grad
    check(f)


def _dirty_view_with_another_input(T, view_first):
    class AddInto_(T.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            target, other = (a, b) if view_first else (b, a)
            target.mul_(other)
            ctx.mark_dirty(target)
            ctx.save_for_backward(other)
            ctx.view_first = view_first
            return target

        @staticmethod
        def backward(ctx, g):
            (other,) = ctx.saved_tensors
            return (g * other, g * 2) if ctx.view_first else (g * 2, g * other)

    x, w = leaf(T, [1.0, 2.0, 3.0]), leaf(T, [4.0, 5.0])
    b = x * 1
    v = b[1:]
    other = w * 1
    r = AddInto_.apply(v, other) if view_first else AddInto_.apply(other, v)
    (b * T.tensor([1.0, 2.0, 3.0])).sum().backward()
    return r is v, b, x.grad, w.grad, type(b.grad_fn).__name__


def test_mark_dirty_on_a_view_with_another_input():
    check(lambda T: _dirty_view_with_another_input(T, True))


def test_mark_dirty_on_a_view_that_is_not_the_first_input():
    # PyTorch 2.13's CopySlices takes the Function's first input for the
    # view, so it sends the other input's gradient into the base (x.grad
    # [1, 12, 21], w.grad None). Ember gives the true gradients.
    r, b, xg, wg, name = _dirty_view_with_another_input(ember, False)
    assert r and b.tolist() == [1.0, 8.0, 15.0] and name == "CopySlices"
    assert xg.tolist() == [1.0, 8.0, 15.0] and wg.tolist() == [4.0, 6.0]


def test_no_reference_cycle_with_a_saved_output():
    import gc
    import weakref
    gc.disable()
    try:
        x = leaf(ember, [1.0, 2.0])
        y = fns(ember)["Exp"].apply(x)
        ref = weakref.ref(y.grad_fn)
        del y
        assert ref() is None
    finally:
        gc.enable()


def test_gradcheck_perturbs_a_non_contiguous_input():
    """Each element of a transposed input is perturbed where it lies (the
    numerical Jacobian is not zeros), and a wrong formula is still caught."""
    x = ember.randn(3, 4, dtype=ember.float64).t().requires_grad_()
    assert not x.is_contiguous()
    assert ember.autograd.gradcheck(lambda t: (t * 2).sin(), (x,))

    class Wrong(ember.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            return t * 2

        @staticmethod
        def backward(ctx, g):
            return g * 3
    from ember.autograd.gradcheck import GradcheckError     # (as PyTorch's is reached)
    with pytest.raises(GradcheckError):
        ember.autograd.gradcheck(Wrong.apply, (x,))
