"""PyTorch's "Understanding requires_grad, retain_grad, Leaf, and Non-leaf
Tensors" and "Visualizing Gradients" tutorials (hooks on tensors and
modules, retain_grad, the non-leaf .grad warning), and the module hooks of
"nn.Module" docs; small sizes."""
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F


# (the non-leaf .grad warning is part of the tutorial: shown on stdout, with its line)
def show(message, category, filename, lineno, file=None, line=None):
    where = f"line {lineno}" if filename == __file__ else "the library"
    print(f"{category.__name__} at {where}: {message}")


warnings.showwarning = show
torch.manual_seed(42)
x = torch.ones(1, 3)
W = torch.ones(3, 2, requires_grad=True)
b = torch.ones(1, 2, requires_grad=True)
y = torch.ones(1, 2)
z = (x @ W) + b
y_pred = F.relu(z)
loss = F.mse_loss(y_pred, y)
tensors = [x, W, b, z, y_pred, loss]
names = ['x', 'W', 'b', 'z', 'y_pred', 'loss']
for t, n in zip(tensors, names):
    print(f"{n} -> leaf: {t.is_leaf}, requires_grad: {t.requires_grad}, grad_fn: {type(t.grad_fn).__name__ if t.grad_fn else None}")
loss.backward()
print(W.grad, b.grad)
print(z.grad)
z = (x @ W) + b
z.retain_grad()
y_pred = F.relu(z)
y_pred.retain_grad()
loss = F.mse_loss(y_pred, y)
loss.retain_grad()
W.grad = None
b.grad = None
loss.backward()
print(z.grad, y_pred.grad, loss.grad, z.retains_grad, W.retains_grad)
print(f"{'tensor':<8}{'is_leaf':>8}{'requires_grad':>15}{'retains_grad':>14}{'grad_fn':>22}{'grad':>30}")
for t, n in zip([x, W, b, z, y_pred, loss], names):
    grad = None if t.grad is None else t.grad.flatten()[:2].tolist()
    print(f"{n:<8}{str(t.is_leaf):>8}{str(t.requires_grad):>15}{str(t.retains_grad):>14}"
          f"{type(t.grad_fn).__name__ if t.grad_fn else 'None':>22}{str(grad):>30}")


# --- Visualizing gradients ---
class FullyConnected(nn.Module):
    def __init__(self, input_size, num_classes, hidden_size, num_layers, batchnorm=False):
        super().__init__()
        self.layers = nn.ModuleList()
        self.layers.append(nn.Linear(input_size, hidden_size))
        if batchnorm:
            self.layers.append(nn.BatchNorm1d(hidden_size))
        self.layers.append(nn.Sigmoid())
        for i in range(num_layers - 1):
            self.layers.append(nn.Linear(hidden_size, hidden_size))
            if batchnorm:
                self.layers.append(nn.BatchNorm1d(hidden_size))
            self.layers.append(nn.Sigmoid())
        self.layers.append(nn.Linear(hidden_size, num_classes))

    def forward(self, x):
        x = torch.flatten(x, 1)
        for layer in self.layers:
            x = layer(x)
        return x


def hook_forward(module_name, grads, hook_backward):
    def hook(module, args, output):
        output.retain_grad()
        grads[module_name] = output
        output.register_hook(hook_backward(module_name, grads))
    return hook


def hook_backward(module_name, grads):
    def hook(grad):
        grads[module_name] = grad
    return hook


def get_all_layers(model, hook_forward, hook_backward):
    layers = dict()
    grads = dict()
    for name, layer in model.named_modules():
        if any(layer.children()) is False:
            layers[name] = layer
            layer.register_forward_hook(hook_forward(name, grads, hook_backward))
    return layers, grads


for batchnorm in (False, True):
    torch.manual_seed(0)
    model = FullyConnected(16, 3, 8, 4, batchnorm=batchnorm)
    layers, grads = get_all_layers(model, hook_forward, hook_backward)
    inputs = torch.randn(5, 1, 4, 4)
    targets = torch.randint(0, 3, (5,))
    loss = nn.CrossEntropyLoss()(model(inputs), targets)
    loss.backward()
    print(batchnorm, list(layers)[:4])
    print([f"{grads[name].abs().mean().item():.3e}" for name in layers if name in grads][:6])

# --- module hooks ---
lin = nn.Linear(3, 2)
calls = []
h1 = lin.register_forward_pre_hook(lambda m, args: calls.append(("pre", args[0].shape)))
h2 = lin.register_forward_hook(lambda m, args, out: calls.append(("fwd", out.shape)))
h3 = lin.register_full_backward_hook(lambda m, gin, gout: calls.append(("bwd", gin[0].shape, gout[0].shape)))
h4 = lin.register_full_backward_pre_hook(lambda m, gout: calls.append(("bwdpre", gout[0].shape)))
h5 = lin.register_forward_hook(lambda m, args, kwargs, out: calls.append(("kw", sorted(kwargs))),
                               with_kwargs=True)
xin = torch.randn(4, 3, requires_grad=True)
lin(xin).sum().backward()
print(calls)
for h in (h1, h2, h3, h4, h5):
    h.remove()
calls.clear()
lin(xin).sum().backward()
print(calls, lin._forward_hooks, lin._backward_hooks)
t = torch.ones(2, requires_grad=True)
h = t.register_hook(lambda g: g * 3)
(t * 2).sum().backward()
print(t.grad)
h.remove()
t.grad = None
(t * 2).sum().backward()
print(t.grad)
p = nn.Parameter(torch.ones(2))
p.register_post_accumulate_grad_hook(lambda param: calls.append(("post", param.grad.tolist())))
(p * 5).sum().backward()
print(calls)
