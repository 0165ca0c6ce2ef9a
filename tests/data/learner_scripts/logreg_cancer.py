# Logistic regression on breast cancer, with a train/test split and an eval loop.
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer

torch.manual_seed(42)
np.random.seed(42)
data = load_breast_cancer()
X = data.data.astype(np.float32)
y = data.target.astype(np.float32)
idx = np.random.permutation(len(X))
tr, te = idx[:400], idx[400:]
mean, std = X[tr].mean(0), X[tr].std(0)
X = (X - mean) / std
Xtr, ytr = torch.from_numpy(X[tr]), torch.from_numpy(y[tr]).unsqueeze(1)
Xte, yte = torch.tensor(X[te]), torch.tensor(y[te]).reshape(-1, 1)
print(Xtr.shape, ytr.dtype, Xte.type())


class LogReg(nn.Module):
    def __init__(self, n):
        super(LogReg, self).__init__()
        self.linear = nn.Linear(n, 1)

    def forward(self, x):
        return torch.sigmoid(self.linear(x))


model = LogReg(30)
print(model)
criterion = nn.BCELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
print(optimizer)
for epoch in range(1, 61):
    model.train()
    optimizer.zero_grad()
    out = model(Xtr)
    loss = criterion(out, ytr)
    loss.backward()
    optimizer.step()
    if epoch % 20 == 0:
        print(f"Epoch [{epoch}/60], Loss: {loss.item():.4f}")

model.eval()
with torch.no_grad():
    probs = model(Xte)
    preds = (probs > 0.5).float()
    acc = (preds == yte).sum().item() / yte.size(0)
    print("accuracy:", round(acc, 4))
    print(preds[:5].t(), probs.dtype, preds.requires_grad)
    tp = ((preds == 1) & (yte == 1)).sum()
    fp = ((preds == 1) & (yte == 0)).sum()
    print("precision", tp.item() / (tp + fp).item(), tp, type(tp.item()))
    print(probs.round(decimals=3)[:4].view(-1))
sd = optimizer.state_dict()
print(sd["param_groups"])
print(sorted(sd["state"].keys()), sd["state"][0]["step"], sd["state"][0]["exp_avg"].shape)
print(list(model.parameters())[1])
print(model.state_dict().keys())
print(model.linear.weight.grad.norm().item() > 0)
# forgetting zero_grad doubles the gradients
model.zero_grad()
l1 = criterion(model(Xtr), ytr)
l1.backward()
g1 = model.linear.bias.grad.clone()
criterion(model(Xtr), ytr).backward()
print(torch.allclose(model.linear.bias.grad, 2 * g1))
# BCE with logits == sigmoid + BCE
logits = model.linear(Xte)
a = nn.BCEWithLogitsLoss()(logits, yte)
b = criterion(torch.sigmoid(logits), yte)
print(f"{a.item():.5f} {b.item():.5f}", a.grad_fn, b.grad_fn.name())
