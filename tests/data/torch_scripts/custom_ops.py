"""PyTorch's "Custom Python Operators" tutorial (torch.library.custom_op,
register_fake, register_autograd, mutable operators), with a NumPy kernel
in place of PIL's crop."""
import numpy as np
import torch
from torch import Tensor

torch.manual_seed(0)


@torch.library.custom_op("mylib::crop", mutates_args=())
def crop(pic: Tensor, box: list[int]) -> Tensor:
    x0, y0, x1, y1 = box
    return torch.from_numpy(pic.numpy()[..., y0:y1, x0:x1].copy())


@crop.register_fake
def _(pic, box):
    channels = pic.shape[0]
    x0, y0, x1, y1 = box
    result = pic.new_empty(channels, y1 - y0, x1 - x0)
    return result


img = torch.arange(48.).reshape(3, 4, 4)
print(crop(img, [1, 1, 3, 4]))
print(torch.ops.mylib.crop(img, [0, 0, 2, 2]).shape)


def setup_context(ctx, inputs, output):
    ctx.pic_shape = inputs[0].shape
    ctx.box = inputs[1]


def backward(ctx, grad_output):
    result = grad_output.new_zeros(ctx.pic_shape)
    x0, y0, x1, y1 = ctx.box
    result[..., y0:y1, x0:x1] = grad_output
    return result, None


crop.register_autograd(backward, setup_context=setup_context)
img = torch.rand(3, 4, 4, requires_grad=True)
result = crop(img, [1, 1, 3, 3])
print(result.grad_fn is not None, result.requires_grad)
result.sum().backward()
print(img.grad[0])


@torch.library.custom_op("mylib::numpy_sin", mutates_args={"output"}, device_types="cpu")
def numpy_sin(input: Tensor, output: Tensor) -> None:
    assert input.device == output.device
    assert input.device.type == "cpu"
    input_np = input.numpy()
    output_np = output.numpy()
    np.sin(input_np, out=output_np)


@torch.compile(fullgraph=True)
def f(x):
    out = torch.empty(3)
    numpy_sin(x, out)
    return out


x = torch.randn(3)
y = f(x)
print(torch.allclose(y, x.sin()))
out = torch.empty(3)
print(numpy_sin(x, out), torch.allclose(out, x.sin()))


@torch.library.custom_op("mylib::mymuladd", mutates_args=())
def mymuladd(a: Tensor, b: Tensor, c: float) -> Tensor:
    return a * b + c


@mymuladd.register_fake
def _(a, b, c):
    torch._check(a.shape == b.shape)
    return torch.empty_like(a)


def _backward(ctx, grad):
    a, b = ctx.saved_tensors
    grad_a, grad_b = None, None
    if ctx.needs_input_grad[0]:
        grad_a = grad * b
    if ctx.needs_input_grad[1]:
        grad_b = grad * a
    return grad_a, grad_b, None


def _setup_context(ctx, inputs, output):
    a, b, c = inputs
    saved_a, saved_b = None, None
    if ctx.needs_input_grad[0]:
        saved_b = b
    if ctx.needs_input_grad[1]:
        saved_a = a
    ctx.save_for_backward(saved_a, saved_b)


mymuladd.register_autograd(_backward, setup_context=_setup_context)
a = torch.randn(3, requires_grad=True)
b = torch.randn(3)
out = mymuladd(a, b, 2.0)
out.sum().backward()
print(out, a.grad, torch.allclose(a.grad, b))
print(torch.library.opcheck(mymuladd, (torch.randn(3), torch.randn(3), 1.5)))
