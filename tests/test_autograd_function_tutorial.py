"""The examples of PyTorch's note "Extending torch.autograd", in Ember:
compared with PyTorch, gradchecked and gradgradchecked in float64."""
import functools

import ember
from compare_torch import check
from test_autograd_function import fns, leaf


@functools.lru_cache(maxsize=None)
def tutorial(T):
    """The examples of PyTorch's note "Extending torch.autograd"."""
    F = T.autograd.Function

    class LinearFunction(F):
        @staticmethod
        def forward(input, weight, bias):
            output = input.mm(weight.t())
            if bias is not None:
                output += bias.unsqueeze(0).expand_as(output)
            return output

        @staticmethod
        def setup_context(ctx, inputs, output):
            input, weight, bias = inputs
            ctx.save_for_backward(input, weight, bias)

        @staticmethod
        def backward(ctx, grad_output):
            input, weight, bias = ctx.saved_tensors
            grad_input = grad_weight = grad_bias = None
            if ctx.needs_input_grad[0]:
                grad_input = grad_output.mm(weight)
            if ctx.needs_input_grad[1]:
                grad_weight = grad_output.t().mm(input)
            if bias is not None and ctx.needs_input_grad[2]:
                grad_bias = grad_output.sum(0)
            return grad_input, grad_weight, grad_bias

    class MyCube(F):
        # Two outputs, one of them (dx) saved for a backward that supports double backward.
        @staticmethod
        def forward(x):
            result = x ** 3
            dx = 3 * x ** 2
            return result, dx

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, = inputs
            result, dx = output
            ctx.save_for_backward(x, dx)

        @staticmethod
        def backward(ctx, grad_output, grad_dx):
            x, dx = ctx.saved_tensors
            result = grad_output * dx + grad_dx * 6 * x
            return result

    return LinearFunction, MyCube


def test_tutorial_linear_function():
    def f(T):
        Linear, _ = tutorial(T)
        gen = T.Generator().manual_seed(0)
        x = T.randn(5, 3, generator=gen, dtype=T.float64).requires_grad_()
        w = T.randn(4, 3, generator=gen, dtype=T.float64).requires_grad_()
        b = T.randn(4, generator=gen, dtype=T.float64).requires_grad_()
        out = Linear.apply(x, w, b)
        out.pow(2).sum().backward()
        no_bias = Linear.apply(x, w, None)
        return out, no_bias, x.grad, w.grad, b.grad
    check(f, rtol=1e-12)
    Linear, _ = tutorial(ember)
    gen = ember.Generator().manual_seed(1)
    args = tuple(ember.randn(*s, generator=gen, dtype=ember.float64).requires_grad_()
                 for s in ((5, 3), (4, 3), (4,)))
    assert ember.autograd.gradcheck(Linear.apply, args)
    assert ember.autograd.gradgradcheck(Linear.apply, args)


def test_tutorial_cube_with_two_outputs_and_double_backward():
    def f(T):
        _, MyCube = tutorial(T)
        x = leaf(T, [0.5, -1.5, 2.0], T.float64)
        result, dx = MyCube.apply(x)
        (g,) = T.autograd.grad(result.sum() + dx.sum(), x, create_graph=True)
        (gg,) = T.autograd.grad(g.sum(), x)
        return result, dx, g, gg
    check(f, rtol=1e-12)
    _, MyCube = tutorial(ember)
    x = ember.tensor([0.5, -1.5, 2.0], dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(MyCube.apply, (x,))
    assert ember.autograd.gradgradcheck(MyCube.apply, (x,))


def test_node_repr_names_pytorchs_module():
    def f(T):
        x = leaf(T, [1.0])
        p, _, _ = fns(T)["MulAdd"].apply(x, T.tensor([2.0]), 3)
        node = p.grad_fn
        return repr(node).replace(hex(id(node)), "ADDR"), str(node) == repr(node)
    check(f)
