"""Gradients, through import torch.autograd, from torch.autograd import grad,
importlib.import_module("torch.nn.functional") and __import__("torch.nn")."""
import importlib

import torch
import torch.autograd
from torch.autograd import grad

F = importlib.import_module("torch.nn.functional")
top = __import__("torch.nn")      # the top package, as `import torch.nn` binds it
nn = top.nn

x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
f = (torch.sin(x) * x ** 2).sum()
(g,) = grad(f, x, create_graph=True)
(gg,) = torch.autograd.grad(g.sum(), x)
print("f", f"{f.item():.6f}")
print("df/dx", [f"{v:.6f}" for v in g.tolist()])
print("d2f/dx2", [f"{v:.6f}" for v in gg.tolist()])

layer = nn.Linear(2, 2)
torch.nn.init.constant_(layer.weight, 0.5)
torch.nn.init.zeros_(layer.bias)
out = F.relu(layer(torch.tensor([[1.0, 3.0]])) - 1.0)
out.sum().backward()
print("relu out", out.tolist(), "grad", layer.weight.grad.tolist())
print("top is torch", top is torch)
