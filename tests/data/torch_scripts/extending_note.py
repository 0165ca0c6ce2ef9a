"""PyTorch's docs note "Extending PyTorch": custom autograd.Function
(LinearFunction, MulConstant, MyCube with setup_context and a vmap
staticmethod), once_differentiable, mark_dirty, mark_non_differentiable,
set_materialize_grads, gradcheck of them; "Extending torch.nn" (a Linear
module over LinearFunction), a Function with jvp for forward AD and
torch.func, the refusals of Functions torch.func cannot transform and of bad
gradients; the note's ScalarTensor (__torch_function__ with HANDLED_FUNCTIONS
and implements) called as the note calls it, and through torch.overrides'
handle_torch_function and wrap_torch_function. (Its Tensor subclasses and
modes: extending_subclasses.py.)
Printed functions are named by __name__ (their reprs hold addresses)."""
import functools

import torch
import torch.autograd.forward_ad as fwAD
import torch.nn as nn
from torch.autograd import Function
from torch.autograd.function import once_differentiable
from torch.autograd import gradcheck


def show(f):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__ + ':', e)


torch.manual_seed(0)


# Inherit from Function
class LinearFunction(Function):

    # Note that forward, setup_context, and backward are @staticmethods
    @staticmethod
    def forward(input, weight, bias=None):
        output = input.mm(weight.t())
        if bias is not None:
            output += bias.unsqueeze(0).expand_as(output)
        return output

    @staticmethod
    # inputs is a Tuple of all of the inputs passed to forward.
    # output is the output of the forward().
    def setup_context(ctx, inputs, output):
        input, weight, bias = inputs
        ctx.save_for_backward(input, weight, bias)

    # This function has only a single output, so it gets only one gradient
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


linear = LinearFunction.apply

input = (torch.randn(20, 20, dtype=torch.double, requires_grad=True),
         torch.randn(30, 20, dtype=torch.double, requires_grad=True))
test = gradcheck(linear, input, eps=1e-6, atol=1e-4)
print(test)
x, w = torch.randn(4, 3, requires_grad=True), torch.randn(2, 3, requires_grad=True)
b = torch.randn(2, requires_grad=True)
out = linear(x, w, b)
print(out.grad_fn.name(), type(out.grad_fn).__name__)
out.sum().backward()
print(x.grad, w.grad, b.grad)


class MulConstant(Function):
    @staticmethod
    def forward(tensor, constant):
        return tensor * constant

    @staticmethod
    def setup_context(ctx, inputs, output):
        # ctx is a context object that can be used to stash information
        # for backward computation
        tensor, constant = inputs
        ctx.constant = constant

    @staticmethod
    def backward(ctx, grad_output):
        # We return as many input gradients as there were arguments.
        # Gradients of non-Tensor arguments to forward must be None.
        return grad_output * ctx.constant, None


t = torch.randn(3, requires_grad=True)
y = MulConstant.apply(t, 5.0)
y.sum().backward()
print(y, t.grad)
print(gradcheck(lambda a: MulConstant.apply(a, 3.0), (torch.randn(3, dtype=torch.double, requires_grad=True),)))


class MyCube(torch.autograd.Function):
    @staticmethod
    def forward(x):
        # We wish to save dx for backward. In order to do so, it must
        # be returned as an output.
        dx = 3 * x ** 2
        result = x ** 3
        return result, dx

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, = inputs
        result, dx = output
        ctx.save_for_backward(x, dx)

    @staticmethod
    def backward(ctx, grad_output, grad_dx):
        x, dx = ctx.saved_tensors
        # In order for the autograd.Function to work with higher-order
        # gradients, we must add the gradient contribution of `dx`,
        # which is grad_dx * 6 * x.
        result = grad_output * dx + grad_dx * 6 * x
        return result

    @staticmethod
    def vmap(info, in_dims, x):
        x_bdim, = in_dims
        x = x.movedim(x_bdim, 0)
        result, dx = MyCube.apply(x)
        return (result, dx), (0, 0)


# Wrap MyCube in a function so that it is clearer what the output is
def my_cube(x):
    result, dx = MyCube.apply(x)
    return result


x = torch.tensor([1., 2., 3.], requires_grad=True)
y = my_cube(x)
g, = torch.autograd.grad(y.sum(), x, create_graph=True)
print(g)
gg, = torch.autograd.grad(g.sum(), x)
print(gg)
print(torch.func.vmap(my_cube)(torch.randn(3, 2)))
print(torch.func.grad(lambda v: my_cube(v).sum())(torch.tensor([1., 2.])))
print(gradcheck(my_cube, (torch.randn(3, dtype=torch.double, requires_grad=True),)))
print(torch.autograd.gradgradcheck(my_cube, (torch.randn(3, dtype=torch.double, requires_grad=True),)))


class MyCube2(torch.autograd.Function):
    generate_vmap_rule = True

    @staticmethod
    def forward(x):
        return x ** 3

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * 3 * x ** 2


print(torch.func.vmap(MyCube2.apply)(torch.arange(6.).view(3, 2)))


# once_differentiable
class Exp(Function):
    @staticmethod
    def forward(ctx, i):
        result = i.exp()
        ctx.save_for_backward(result)
        return result

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        result, = ctx.saved_tensors
        return grad_output * result


a = torch.tensor([0., 1.], requires_grad=True)
e = Exp.apply(a)
g, = torch.autograd.grad(e.sum(), a, create_graph=True)
print(g, g.requires_grad, g.grad_fn.name() if g.grad_fn is not None else None)
show(lambda: g.sum().backward())


# mark_dirty
class AddOneInplace(Function):
    @staticmethod
    def forward(ctx, x):
        x.add_(1)
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, grad):
        return grad


a = torch.tensor([1., 2.], requires_grad=True)
b = a.clone()
c = AddOneInplace.apply(b)
print(c is b, c, b._version)
c.sum().backward()
print(a.grad)
show(lambda: AddOneInplace.apply(torch.ones(2, requires_grad=True)))


class NotDirty(Function):
    @staticmethod
    def forward(ctx, x):
        x.add_(1)
        return x

    @staticmethod
    def backward(ctx, grad):
        return grad


# mark_non_differentiable
class SortWithIdx(Function):
    @staticmethod
    def forward(ctx, x):
        sorted_x, idx = x.sort()
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(x, idx)
        return sorted_x, idx

    @staticmethod
    def backward(ctx, g1, g2):  # still need to accept g2
        x, idx = ctx.saved_tensors
        grad_input = torch.zeros_like(g1)
        grad_input.index_add_(0, idx, g1)
        return grad_input


x = torch.tensor([3., 1., 2.], requires_grad=True)
s, idx = SortWithIdx.apply(x)
print(s, idx, idx.requires_grad, s.requires_grad)
(s * torch.tensor([1., 10., 100.])).sum().backward()
print(x.grad)


# set_materialize_grads
class SimpleFunc(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        return x.clone(), x.clone()

    @staticmethod
    @once_differentiable
    def backward(ctx, g1, g2):  # g1 and g2 may be None
        print('grads', g1, g2)
        x = torch.zeros(1)
        if g1 is not None:
            x = x + g1
        if g2 is not None:
            x = x + g2
        return x


a = torch.tensor(1., requires_grad=True)
out1, out2 = SimpleFunc.apply(a)
out1.backward()
print(a.grad)


class Materialized(Function):
    @staticmethod
    def forward(ctx, x):
        return x.clone(), x.clone()

    @staticmethod
    def backward(ctx, g1, g2):
        print('grads', g1, g2)
        return g1 + g2


a = torch.tensor(1., requires_grad=True)
out1, out2 = Materialized.apply(a)
out1.backward()
print(a.grad)


# a Function with a non-tensor output and save_for_forward / jvp
class MulTwo(Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2, 'done'

    @staticmethod
    def backward(ctx, g, _):
        return g * 2


o, tag = MulTwo.apply(torch.ones(2, requires_grad=True))
print(o, tag)


# ===== Extending torch.nn =====
class Linear(nn.Module):
    def __init__(self, input_features, output_features, bias=True):
        super().__init__()
        self.input_features = input_features
        self.output_features = output_features
        self.weight = nn.Parameter(torch.empty(output_features, input_features))
        if bias:
            self.bias = nn.Parameter(torch.empty(output_features))
        else:
            self.register_parameter('bias', None)
        nn.init.uniform_(self.weight, -0.1, 0.1)
        if self.bias is not None:
            nn.init.uniform_(self.bias, -0.1, 0.1)

    def forward(self, input):
        return LinearFunction.apply(input, self.weight, self.bias)

    def extra_repr(self):
        return 'input_features={}, output_features={}, bias={}'.format(
            self.input_features, self.output_features, self.bias is not None
        )

lin = Linear(3, 2)
print(lin)
out = lin(torch.randn(4, 3))
print(out, type(out.grad_fn).__name__)
out.sum().backward()
print(lin.weight.grad, lin.bias.grad)
print(Linear(3, 2, bias=False).bias, list(dict(Linear(3, 2, bias=False).named_parameters())))

class MyExp(Function):
    @staticmethod
    def forward(x):
        return x.exp()
    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(output)
        ctx.save_for_forward(output)
    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * y
    @staticmethod
    def jvp(ctx, t):
        y, = ctx.saved_tensors
        return t * y

x = torch.tensor([0., 1.])
with fwAD.dual_level():
    dual = fwAD.make_dual(x, torch.ones(2))
    out = MyExp.apply(dual)
    print(fwAD.unpack_dual(out).tangent)
print(torch.func.jvp(MyExp.apply, (x,), (torch.ones(2),)))
print(torch.func.jacrev(MyExp.apply)(x))
print(torch.autograd.gradcheck(MyExp.apply, (torch.randn(3, dtype=torch.double, requires_grad=True),), check_forward_ad=True))

class NoVmap(Function):
    @staticmethod
    def forward(x):
        return x * 2
    @staticmethod
    def setup_context(ctx, inputs, output):
        pass
    @staticmethod
    def backward(ctx, g):
        return g * 2
show(lambda: torch.func.vmap(NoVmap.apply)(torch.ones(2, 2)))
class OldStyle(Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2
    @staticmethod
    def backward(ctx, g):
        return g * 2
show(lambda: torch.func.grad(lambda v: OldStyle.apply(v).sum())(torch.ones(2)))
show(lambda: OldStyle.apply(torch.ones(2, requires_grad=True)).sum().backward())
class BadGrads(Function):
    @staticmethod
    def forward(ctx, x, y):
        return x * y
    @staticmethod
    def backward(ctx, g):
        return g
show(lambda: BadGrads.apply(torch.ones(2, requires_grad=True), torch.ones(2)).sum().backward())
class WrongShape(Function):
    @staticmethod
    def forward(ctx, x):
        return x.sum()
    @staticmethod
    def backward(ctx, g):
        return torch.ones(3)
show(lambda: WrongShape.apply(torch.ones(2, requires_grad=True)).backward())
show(lambda: OldStyle.forward(None, torch.ones(2)))
f = OldStyle.apply(torch.ones(2, requires_grad=True))
print(type(f.grad_fn).__name__, f.grad_fn.next_functions[0][0].__class__.__name__, f.grad_fn.needs_input_grad if hasattr(f.grad_fn,'needs_input_grad') else None)
print(isinstance(f.grad_fn, torch.autograd.function.BackwardCFunction))


# ===== Extending torch Python API =====
HANDLED_FUNCTIONS = {}


class ScalarTensor(object):
    def __init__(self, N, value):
        self._N = N
        self._value = value

    def __repr__(self):
        return "ScalarTensor(N={}, value={})".format(self._N, self._value)

    def tensor(self):
        return self._value * torch.eye(self._N)

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if kwargs is None:
            kwargs = {}
        if func not in HANDLED_FUNCTIONS or not all(
            issubclass(t, (torch.Tensor, ScalarTensor))
            for t in types
        ):
            return NotImplemented
        return HANDLED_FUNCTIONS[func](*args, **kwargs)


def implements(torch_function):
    """Register a torch function override for ScalarTensor"""
    def decorator(func):
        functools.update_wrapper(func, torch_function)
        HANDLED_FUNCTIONS[torch_function] = func
        return func
    return decorator


@implements(torch.mean)
def mean(input):
    return float(input._value) / input._N


def ensure_tensor(data):
    if isinstance(data, ScalarTensor):
        return data.tensor()
    return torch.as_tensor(data)


@implements(torch.add)
def add(input, other):
    try:
        if input._N == other._N:
            return ScalarTensor(input._N, input._value + other._value)
        else:
            raise ValueError("Shape mismatch!")
    except AttributeError:
        return torch.add(ensure_tensor(input), ensure_tensor(other))


d = ScalarTensor(5, 2)
print(d)
print(d.tensor())
print(torch.mean(d))
s = ScalarTensor(2, 2)
print(torch.add(s, s))
t = torch.tensor([[1, 1, ], [1, 1]])
print(torch.add(s, t))
print(torch.add(t, s))
print(torch.overrides.handle_torch_function(torch.mean, (d,), d))
print(mean.__name__, mean.__doc__ == torch.mean.__doc__)
try:
    torch.sum(d)
except TypeError as e:
    print(type(e).__name__, str(e).splitlines()[0])


@torch.overrides.wrap_torch_function(lambda x, scale=1.0: (x,))
def scaled_trace(x, scale=1.0):
    return torch.trace(x) * scale


@implements(scaled_trace)
def scalar_scaled_trace(x, scale=1.0):
    return x._N * x._value * scale


print(scaled_trace(torch.eye(3), 2.0), scaled_trace(ScalarTensor(3, 4), scale=0.5))
print(scalar_scaled_trace.__name__)

# torch.overrides helpers
import torch.overrides
print(torch.overrides.has_torch_function((d,)), torch.overrides.has_torch_function((t,)),
      torch.overrides.has_torch_function_unary(d), torch.overrides.has_torch_function_variadic(t, d))
print(torch.overrides.is_tensor_like(d), torch.overrides.is_tensor_like(t),
      torch.overrides.is_tensor_like(3.0))
print(torch.overrides.is_tensor_method_or_property(torch.Tensor.add))
print(torch.overrides.is_tensor_method_or_property(torch.add))

