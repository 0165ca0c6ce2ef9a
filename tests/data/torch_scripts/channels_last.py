"""PyTorch's "(beta) Channels Last Memory Format in PyTorch" tutorial: the
strides of every conversion, op and module it shows (CPU only)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

N, C, H, W = 10, 3, 32, 32
x = torch.empty(N, C, H, W)
print(x.stride())
x = x.to(memory_format=torch.channels_last)
print(x.shape)
print(x.stride())
print(x.to(memory_format=torch.contiguous_format).stride())
x = x.contiguous(memory_format=torch.contiguous_format)
print(x.stride())
x = x.contiguous(memory_format=torch.channels_last)
print(x.stride())
x = torch.empty(N, C, H, W, memory_format=torch.channels_last)
print(x.stride())
y = x.clone()
print(y.stride())
y = torch.empty_like(x)
print(y.stride())
y = x.to(dtype=torch.float64)
print(y.stride())
print(x.is_contiguous(memory_format=torch.channels_last))
special_x = torch.empty(4, 1, 4, 4)
print(special_x.is_contiguous(memory_format=torch.channels_last))
print(special_x.is_contiguous(memory_format=torch.contiguous_format))
x = torch.empty(N, C, H, W)
y = x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)
print(y.stride(), y.is_contiguous(memory_format=torch.channels_last))

torch.manual_seed(0)
input = torch.randint(1, 10, (2, 8, 4, 4), dtype=torch.float32, requires_grad=True)
model = torch.nn.Conv2d(8, 4, 3)
out = model(input)
print(out.is_contiguous(memory_format=torch.channels_last))
model = model.to(memory_format=torch.channels_last)
out = model(input)
print(out.is_contiguous(memory_format=torch.channels_last))
input = input.detach().to(memory_format=torch.channels_last).requires_grad_()
out = model(input)
print(out.is_contiguous(memory_format=torch.channels_last), out.stride())
out.sum().backward()
print(input.grad.stride(), model.weight.grad.stride(), model.weight.stride())


def contains_cl(args):
    for t in args:
        if isinstance(t, torch.Tensor):
            if t.is_contiguous(memory_format=torch.channels_last) and not t.is_contiguous():
                return True
        elif isinstance(t, list) or isinstance(t, tuple):
            if contains_cl(list(t)):
                return True
    return False


def print_inputs(args, indent=""):
    for t in args:
        if isinstance(t, torch.Tensor):
            print(indent, t.stride(), t.shape, t.device, t.dtype)
        elif isinstance(t, list) or isinstance(t, tuple):
            print(indent, type(t))
            print_inputs(list(t), indent=indent + "    ")
        else:
            print(indent, t)


x = torch.randn(2, 4, 6, 6).to(memory_format=torch.channels_last)
for name, fn in [("relu", F.relu), ("bn", nn.BatchNorm2d(4)), ("maxpool", nn.MaxPool2d(2)),
                 ("avgpool", nn.AvgPool2d(2)), ("adaptive", nn.AdaptiveAvgPool2d(3)),
                 ("upsample", nn.Upsample(scale_factor=2, mode="nearest")),
                 ("bilinear", nn.Upsample(scale_factor=2, mode="bilinear")),
                 ("add", lambda t: t + 1), ("mul_contig", lambda t: t * torch.ones(2, 4, 6, 6)),
                 ("sigmoid", torch.sigmoid), ("dropout", nn.Dropout(0.0)),
                 ("convT", nn.ConvTranspose2d(4, 2, 3)), ("groupnorm", nn.GroupNorm(2, 4)),
                 ("pad", lambda t: F.pad(t, (1, 1, 1, 1))), ("cat", lambda t: torch.cat([t, t], 1)),
                 ("softmax", lambda t: t.softmax(1)), ("flatten", lambda t: t.flatten(1)),
                 ("mean", lambda t: t.mean((2, 3), keepdim=True)),
                 ("instancenorm", nn.InstanceNorm2d(4)), ("layernorm", nn.LayerNorm([6, 6])),
                 ("depthwise", nn.Conv2d(4, 4, 3, groups=4)), ("conv1x1", nn.Conv2d(4, 8, 1)),
                 ("pixel_shuffle", nn.PixelShuffle(2)), ("hardswish", nn.Hardswish()),
                 ("where", lambda t: torch.where(t > 0, t, 0.)), ("clone", torch.clone),
                 ("zeros_like", torch.zeros_like), ("interp_bicubic",
                  lambda t: F.interpolate(t, scale_factor=2, mode="bicubic"))]:
    out = fn(x)
    print(name, out.shape, out.stride(), contains_cl([out]))
