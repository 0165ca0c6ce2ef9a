"""A 2-layer net, a few SGD steps: import torch / import torch.X as Y."""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(0)
net = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
x = torch.randn(8, 3)
y = torch.randn(8, 1)
opt = optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
for step in range(5):
    opt.zero_grad()
    loss = F.mse_loss(net(x), y)
    loss.backward()
    opt.step()
    print("step", step, "loss", f"{loss.item():.6f}")
print("w0", [round(v, 5) for v in net[0].weight.flatten().tolist()])
print("out", list(net(x).shape), isinstance(net[0], torch.nn.Module))
print(net)
print("__name__", __name__)
