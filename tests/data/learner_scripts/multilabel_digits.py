# Multi-label classification on digits (is even / is >= 5 / is prime) with BCEWithLogitsLoss.
import torch
import torch.nn as nn
from sklearn.datasets import load_digits

torch.manual_seed(4)
d = load_digits()
X = torch.tensor(d.data, dtype=torch.float32) / 16
t = torch.tensor(d.target)
Y = torch.stack([t % 2 == 0, t >= 5, (t == 2) | (t == 3) | (t == 5) | (t == 7)], dim=1).float()
print(Y[:4], Y.mean(0))
pos = Y.sum(0)
pos_weight = (len(Y) - pos) / pos
print(pos_weight)
model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 3))
crit = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
opt = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(25):
    logits = model(X)
    loss = crit(logits, Y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if epoch % 8 == 7:
        print(epoch + 1, "%.3f" % loss)
with torch.no_grad():
    probs = torch.sigmoid(model(X))
    pred = (probs > 0.5).float()
    print("per-label acc", (pred == Y).float().mean(0).round(decimals=2))
    print("exact match", (pred == Y).all(dim=1).float().mean().item() > 0.5)
    tp = (pred * Y).sum(0)
    f1 = 2 * tp / (pred.sum(0) + Y.sum(0))
    print(f1.shape, f1.dtype)
print(nn.BCEWithLogitsLoss(reduction="none")(torch.tensor([[0.0, 2.0]]), torch.tensor([[1.0, 0.0]])))
try:
    crit(model(X), t)
except Exception as e:
    print(type(e).__name__, e)
try:
    nn.BCELoss()(torch.tensor([0.5, 1.5]), torch.tensor([1.0, 0.0]))
except Exception as e:
    print(type(e).__name__, e)
try:
    nn.BCEWithLogitsLoss()(model(X), Y.long())
except Exception as e:
    print(type(e).__name__, e)
print(nn.MultiLabelSoftMarginLoss()(model(X), Y).item() > 0)
