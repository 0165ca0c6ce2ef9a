# Softmax regression on iris: CrossEntropyLoss, argmax accuracy, .type() conversions.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_iris

torch.manual_seed(1)
iris = load_iris()
X = torch.from_numpy(iris.data).type(torch.FloatTensor)
y = torch.from_numpy(iris.target).type(torch.LongTensor)
print(X.type(), y.type(), y.dtype, X[:2])
X = (X - X.mean(0)) / X.std(0)
perm = torch.randperm(150)
X, y = X[perm], y[perm]
Xtr, ytr, Xte, yte = X[:120], y[:120], X[120:], y[120:]

W = torch.randn(4, 3, requires_grad=True)
b = torch.zeros(3, requires_grad=True)
for it in range(120):
    logits = Xtr @ W + b
    loss = F.cross_entropy(logits, ytr)
    loss.backward()
    with torch.no_grad():
        W -= 0.5 * W.grad
        b -= 0.5 * b.grad
        W.grad.zero_()
        b.grad.zero_()
    if it % 50 == 0:
        print(it, "%.4f" % loss)
print(loss, loss.grad_fn)
with torch.no_grad():
    out = Xte @ W + b
    _, predicted = torch.max(out, 1)
    print(predicted)
    print(torch.argmax(out, dim=1).eq(yte).sum().item(), "/", len(yte))
    print((predicted == yte).float().mean())
    probs = F.softmax(out, dim=1)
    print(probs[:3])
    print(torch.allclose(probs.sum(1), torch.ones(len(probs))), probs.max(1))
    print(out.max(dim=1).values[:3], out.max(1)[1][:3])
# confusion matrix with bincount
cm = torch.bincount(yte * 3 + predicted, minlength=9).reshape(3, 3)
print(cm)
cm2 = torch.zeros(3, 3, dtype=torch.long)
cm2.index_put_((yte, predicted), torch.ones(len(yte), dtype=torch.long), accumulate=True)
print(torch.equal(cm, cm2), cm.diag().sum().item() / cm.sum().item())
print(torch.where(predicted == yte, torch.tensor(1), torch.tensor(0)))
print(torch.where(predicted != yte))
# nn version with class-weighted, label smoothing loss
model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
crit = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 1.5]), label_smoothing=0.1)
print(crit, crit.weight)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for ep in range(60):
    opt.zero_grad()
    l = crit(model(Xtr), ytr)
    l.backward()
    opt.step()
print("weighted ls loss", round(l.item(), 4))
# the classic dtype mistake
try:
    crit(model(Xtr), ytr.float())
except Exception as e:
    print(type(e).__name__, e)
try:
    F.cross_entropy(model(Xtr), ytr.int())
except Exception as e:
    print(type(e).__name__, e)
try:
    F.nll_loss(model(Xtr), ytr.view(-1, 1))
except Exception as e:
    print(type(e).__name__, e)
print(F.nll_loss(F.log_softmax(model(Xte), 1), yte).item() > 0)
