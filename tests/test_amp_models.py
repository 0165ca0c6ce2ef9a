"""Whole models under autocast, and the bfloat16 kernels they reach
(normalization, pooling, reductions), against PyTorch: forward values,
dtypes and gradients to bfloat16's precision."""
import numpy as np
import pytest

import ember
from compare_torch import check


def _shown(out):
    """(dtype name, float32 copy) for tensors: PyTorch's bfloat16 has no
    NumPy view."""
    if isinstance(out, (tuple, list)):
        return [_shown(o) for o in out]
    if hasattr(out, "dtype") and hasattr(out, "float"):
        return repr(out.dtype).split(".")[-1], out.float()
    return out


def _x(T, shape, dtype="bfloat16"):
    values = np.sin(np.arange(int(np.prod(shape))) * 0.37).reshape(shape) * 2
    return T.tensor(values, dtype=T.float32).to(getattr(T, dtype)).requires_grad_()


_KERNELS = {
    "layer_norm_mixed": lambda T, x: T.nn.functional.layer_norm(
        x, (8,), T.linspace(0.5, 1.5, 8), T.linspace(-1, 1, 8)),
    "layer_norm": lambda T, x: T.nn.functional.layer_norm(x, (8,)),
    "batch_norm_mixed": lambda T, x: T.nn.functional.batch_norm(
        x, T.zeros(4), T.ones(4), T.linspace(0.5, 1.5, 4), T.zeros(4), training=True),
    "batch_norm_eval": lambda T, x: T.nn.functional.batch_norm(
        x, T.linspace(-1, 1, 4), T.linspace(1, 2, 4), training=False),
    "max_pool2d": lambda T, x: T.nn.functional.max_pool2d(x, 2),
    "avg_pool2d": lambda T, x: T.nn.functional.avg_pool2d(x, 3, 2, 1),
    "mean": lambda T, x: x.mean((0, 2)),
    "var": lambda T, x: x.var(1),
    "std": lambda T, x: x.std(),
    "softmax": lambda T, x: T.softmax(x, -1),
    "sum": lambda T, x: x.sum(),
    "sum_dim": lambda T, x: x.sum(1),
    "norm": lambda T, x: x.norm(),
    "vector_norm_1": lambda T, x: T.linalg.vector_norm(x, 1, dim=-1),
    "sdpa": lambda T, x: T.nn.functional.scaled_dot_product_attention(x, x * 0.5, x),
    "python_floats": lambda T, x: ((x + 0.3) * 0.1 - 1.7 / (x * x + 1.0)).clamp(-0.5, 2.5),
    "where_float": lambda T, x: T.where(x > 0, x, 0.25),
}


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("name", list(_KERNELS))
def test_low_precision_kernels(name, dtype):

    def run(T):
        x = _x(T, (2, 4, 6, 8), dtype)
        y = _KERNELS[name](T, x)
        (y.float() * T.linspace(-1, 1, y.numel()).reshape(y.shape)).sum().backward()
        return _shown((y, x.grad))
    check(run, rtol=2e-2, atol=2e-2)


class _Nets:
    """A small CNN and a small transformer-like MLP, built the same way
    in both libraries from the same seed."""

    @staticmethod
    def cnn(T):
        return T.nn.Sequential(T.nn.Conv2d(1, 4, 3, padding=1), T.nn.BatchNorm2d(4),
                               T.nn.ReLU(), T.nn.MaxPool2d(2), T.nn.Flatten(),
                               T.nn.Linear(4 * 4 * 4, 3))

    @staticmethod
    def mlp(T):
        return T.nn.Sequential(T.nn.Linear(6, 16), T.nn.LayerNorm(16), T.nn.GELU(),
                               T.nn.Dropout(0.0), T.nn.Linear(16, 3))


@pytest.mark.parametrize("net,shape", [("cnn", (8, 1, 8, 8)), ("mlp", (8, 6))])
def test_training_steps_under_autocast(net, shape):
    """Five SGD steps with autocast and GradScaler: losses (float32, from the
    float32 cross-entropy), and the weights after, as PyTorch's."""
    def run(T):
        T.manual_seed(0)
        model = getattr(_Nets, net)(T)
        x = _x(T, shape, "float32").detach()
        y = T.tensor([0, 1, 2, 0, 1, 2, 0, 1])
        opt = T.optim.SGD(model.parameters(), lr=0.05)
        scaler = T.amp.GradScaler("cpu")
        losses = []
        for _ in range(5):
            opt.zero_grad()
            with T.autocast("cpu", dtype=T.bfloat16):
                out = model(x)
                loss = T.nn.functional.cross_entropy(out, y)
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
            losses.append(loss.item())
        return out.dtype, loss.dtype, losses, [p.detach() for p in model.parameters()]
    check(run, rtol=3e-2, atol=3e-2)


def test_transformer_layer_under_autocast():
    """TransformerEncoderLayer: attention in bfloat16 (its linear layers and
    scaled_dot_product_attention on the lower-precision list), the residual
    sums and LayerNorm in float32."""
    def run(T):
        T.manual_seed(0)
        layer = T.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
        x = _x(T, (2, 5, 8), "float32")
        with T.autocast("cpu"):
            y = layer(x)
            attn = layer.self_attn(x, x, x)[0]
        (y * T.linspace(-1, 1, y.numel()).reshape(y.shape)).sum().backward()
        return _shown((y, attn, x.grad, layer.linear1.weight.grad))
    check(run, rtol=3e-2, atol=3e-2)
