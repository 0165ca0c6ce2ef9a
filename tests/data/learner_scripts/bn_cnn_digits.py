# CNN with BatchNorm2d on 8x8 digits: kaiming init, label smoothing, confusion matrix, per-class accuracy.
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(11)
torch.set_printoptions(precision=3)
digits = load_digits()
X = torch.as_tensor(digits.images, dtype=torch.float32)[:, None] / 16.0
y = torch.as_tensor(digits.target)
print(X.shape, y.dtype, torch.bincount(y))
perm = torch.randperm(len(X))
tr, te = perm[:1400], perm[1400:]
Xtr, ytr, Xte, yte = X[tr], y[tr], X[te], y[te]
mean, std = Xtr.mean(), Xtr.std()
Xtr, Xte = (Xtr - mean) / std, (Xte - mean) / std
print(f"mean {mean:.3f} std {std:.3f}", Xtr.shape, Xte.shape)

model = nn.Sequential(
    nn.Conv2d(1, 16, kernel_size=3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(16, 32, kernel_size=3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
    nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10),
)


def init_weights(m):
    if isinstance(m, nn.Conv2d):
        nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
    elif isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.ones_(m.weight)
        nn.init.constant_(m.bias, 0.0)


model.apply(init_weights)
print(model)
print(f"conv1 weight std {model[0].weight.std():.2f}", model[9].bias)
x = Xtr[:4]
for layer in model:
    x = layer(x)
    print(f"{type(layer).__name__:18s} {tuple(x.shape)}")
n_params = sum(p.numel() for p in model.parameters())
n_buffers = sum(b.numel() for b in model.buffers())
print("params", n_params, "buffers", n_buffers)
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
print(criterion, criterion.label_smoothing)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True)
for epoch in range(3):
    model.train()
    idx = torch.randperm(len(Xtr))
    running = 0.0
    for i in range(0, len(idx), 100):
        b = idx[i:i + 100]
        out = model(Xtr[b])
        loss = criterion(out, ytr[b])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        running += loss.item() * len(b)
    print(f"epoch {epoch + 1}: loss {running / len(Xtr):.1f}")
print(model[1].num_batches_tracked, model[1].running_mean.shape)

model.eval()
with torch.no_grad():
    logits = model(Xte)
probs = F.softmax(logits, dim=1)
pred = torch.argmax(probs, dim=1)
print(probs.shape, torch.allclose(probs.sum(1), torch.ones(len(probs))), pred[:10], yte[:10])
acc = (pred == yte).float().mean()
print(f"test accuracy {acc:.1f}")
cm = torch.bincount(yte * 10 + pred, minlength=100).reshape(10, 10)
print(cm.shape, cm.dtype, cm.sum().item() == len(yte), cm.diag().sum() == (pred == yte).sum())
per_class = cm.diag().float() / cm.sum(1).float()
print(per_class.shape, (per_class > 0.5).sum() > 5)
worst = torch.argmin(per_class)
print("worst class", worst.dtype, worst.dim())
conf, guess = probs.max(dim=1)
print(conf.shape, guess.equal(pred), conf.min() > 0.1)
top3 = probs.topk(3, dim=1).indices
print(top3.shape, (top3 == yte[:, None]).any(1).float().mean() >= acc)
plain = nn.CrossEntropyLoss()(logits, yte)
smooth = criterion(logits, yte)
print(plain.shape, smooth.shape, F.cross_entropy(torch.zeros(2, 10), torch.tensor([1, 2]), label_smoothing=0.2))
print(F.cross_entropy(torch.tensor([[2.0, 0.5, -1.0]]), torch.tensor([0]), label_smoothing=0.3))
w = torch.empty(3, 4)
torch.manual_seed(0)
print(nn.init.kaiming_normal_(w), nn.init.kaiming_uniform_(w, a=0.1).abs().max() < 2)
print(nn.init.calculate_gain("relu"), nn.init.calculate_gain("leaky_relu", 0.2), nn.init.calculate_gain("tanh"))
print(nn.init.trunc_normal_(torch.empty(5), std=0.02).abs().max() <= 2, nn.init.orthogonal_(torch.empty(2, 2)))
print(nn.init.eye_(torch.empty(2, 3)), nn.init.normal_(torch.empty(2), 0, 1), nn.init.uniform_(torch.empty(2), -1, 1))
bn = nn.BatchNorm2d(3)
out = bn(torch.arange(24.0).reshape(2, 3, 2, 2))
print(out[0, 0], bn.running_mean, bn.running_var)
bn.eval()
print(bn(torch.ones(1, 3, 1, 1)).flatten())
print(F.max_pool2d(torch.arange(16.0).reshape(1, 1, 4, 4), 2, return_indices=True))
print(nn.AdaptiveAvgPool2d((2, 1))(torch.arange(16.0).reshape(1, 1, 4, 4)))
print(nn.Flatten(0)(torch.ones(2, 3)).shape, nn.Unflatten(1, (2, 2))(torch.ones(3, 4)).shape)
