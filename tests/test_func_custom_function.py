"""autograd.Function under torch.func transforms, against PyTorch: a
Function without setup_context is refused inside any transform (even on
inputs the transform does not touch), autograd.functional is no transform,
and a vmap staticmethod's (output, out_dims) is checked as PyTorch checks it."""
import pytest

from compare_torch import check

torch = pytest.importorskip("torch")


def _old_style(T):
    class Old(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2
    return Old


TRANSFORMS = {
    "jacfwd": lambda T, F, x: T.func.jacfwd(F.apply)(x),
    "grad": lambda T, F, x: T.func.grad(lambda v: F.apply(v).sum())(x),
    "jvp": lambda T, F, x: T.func.jvp(F.apply, (x,), (x,)),
    "vjp": lambda T, F, x: T.func.vjp(F.apply, x)[0],
    "jacrev": lambda T, F, x: T.func.jacrev(F.apply)(x),
    "grad_untouched_input": lambda T, F, x: T.func.grad(
        lambda v: F.apply(x).sum() + v.sum())(x),
    "vmap_untouched_input": lambda T, F, x: T.func.vmap(lambda v: F.apply(x) + v)(x),
    "autograd_functional": lambda T, F, x: T.autograd.functional.jacobian(F.apply, x),
}


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_setup_context_required_inside_transforms(name):
    check(lambda T: TRANSFORMS[name](T, _old_style(T), T.arange(3.0)))


def _with_rule(T, rule, generate=False):
    class F(T.autograd.Function):
        generate_vmap_rule = generate

        @staticmethod
        def forward(x, y):
            return x * 2, y

        @staticmethod
        def setup_context(ctx, inputs, output):
            pass

        @staticmethod
        def backward(ctx, g, h):
            return g * 2, h
        vmap = staticmethod(rule)
    return F


RULES = {
    "both_rules": (lambda info, d, x, y: ((x * 2, y), (0, None)), True),
    "three_returns": (lambda info, d, x, y: ((x * 2, y), (0, None), 1), False),
    "one_return": (lambda info, d, x, y: x * 2, False),
    "out_dims_too_long": (lambda info, d, x, y: ((x * 2, y), (0, None, 1)), False),
    "out_dims_list_for_tuple": (lambda info, d, x, y: ((x * 2, y), [0, None]), False),
    "out_dims_int": (lambda info, d, x, y: ((x * 2, y), 0), False),
    "list_output": (lambda info, d, x, y: ([x * 2, y], [0, None]), False),
    "input_returned": (lambda info, d, x, y: ((x, y), (0, None)), False),
}


@pytest.mark.parametrize("name", list(RULES))
def test_vmap_staticmethod_results(name):
    def run(T):
        x, y = T.arange(6.0).reshape(2, 3), T.arange(3.0)
        out = T.func.vmap(_with_rule(T, *RULES[name]).apply, in_dims=(0, None))(x, y)
        return out, out[1] is y
    check(run)


def _numpy_double(T, seen):
    """The "Extending torch.func" tutorial's pattern: forward leaves the
    tensor world (.numpy()), setup_context saves what backward needs."""
    class NumpyDouble(T.autograd.Function):
        @staticmethod
        def forward(x, scale):
            seen.append(x.requires_grad)
            return T.tensor(x.numpy() * 2 * scale), x

        @staticmethod
        def setup_context(ctx, inputs, output):
            seen.append(inputs[0].requires_grad)
            ctx.scale = inputs[1]
            ctx.mark_non_differentiable(output[1])

        @staticmethod
        def backward(ctx, g, _):
            return g * 2 * ctx.scale, None
    return NumpyDouble


FORWARD_INPUTS = {
    "grad": lambda T, F, x: T.func.grad(lambda v: F.apply(v, 3.0)[0].sum())(x),
    "grad_and_value": lambda T, F, x: T.func.grad_and_value(lambda v: F.apply(v, 3.0)[0].sum())(x),
    "vjp": lambda T, F, x: T.func.vjp(lambda v: F.apply(v, 3.0)[0], x)[1](T.ones(3)),
    "jacrev": lambda T, F, x: T.func.jacrev(lambda v: F.apply(v, 3.0)[0])(x),
    "returned_input": lambda T, F, x: T.func.grad(
        lambda v: (F.apply(v, 1.0)[1] is v, F.apply(v, 1.0)[0].sum())[1])(x),
}


@pytest.mark.parametrize("name", list(FORWARD_INPUTS))
def test_forward_sees_inputs_unwrapped_from_the_transform(name):
    def run(T):
        seen = []
        return FORWARD_INPUTS[name](T, _numpy_double(T, seen), T.arange(3.0)), seen
    check(run)
