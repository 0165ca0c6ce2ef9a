"""Linear regression through a shuffling DataLoader: from torch.X import Y."""
from torch import nn, optim
from torch.nn import functional as F
from torch.optim import SGD
from torch.utils.data import DataLoader, TensorDataset
import torch

torch.manual_seed(0)
X = torch.randn(12, 2)
y = X @ torch.tensor([[2.0], [-1.0]]) + 0.5
loader = DataLoader(TensorDataset(X, y), batch_size=4, shuffle=True)
model = nn.Linear(2, 1)
opt = SGD(model.parameters(), lr=0.1)
for epoch in range(3):
    total = 0.0
    for xb, yb in loader:
        opt.zero_grad()
        loss = F.mse_loss(model(xb), yb)
        loss.backward()
        opt.step()
        total += loss.item()
    print("epoch", epoch, "loss", f"{total:.5f}")
print("is Optimizer", isinstance(opt, optim.Optimizer))
print("weight", model.weight.detach(), "bias", model.bias.detach())
print(torch.tensor([1.5, -2.0]), torch.ones(2, requires_grad=True) * 2)
