# MLP on sklearn digits with a custom Dataset, DataLoader, random_split, Dropout/BatchNorm.
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader, random_split
from sklearn.datasets import load_digits

torch.manual_seed(0)
np.random.seed(0)


class Digits(Dataset):
    def __init__(self):
        d = load_digits()
        self.x = torch.tensor(d.data / 16.0, dtype=torch.float32)
        self.y = torch.tensor(d.target)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


ds = Digits()
print(len(ds), ds[0][0].shape, ds[0][1], ds.y.dtype)
train_ds, val_ds = random_split(ds, [1500, 297], generator=torch.Generator().manual_seed(42))
print(len(train_ds), len(val_ds), val_ds.indices[:5])
train_dl = DataLoader(train_ds, batch_size=64, shuffle=True, drop_last=True, num_workers=0)
val_dl = DataLoader(val_ds, batch_size=100)
print(len(train_dl), len(val_dl))
xb, yb = next(iter(train_dl))
print(xb.shape, yb[:10])

model = nn.Sequential(
    nn.Linear(64, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Dropout(0.3),
    nn.Linear(128, 10))
print(model)
opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
crit = nn.CrossEntropyLoss()
for epoch in range(2):
    model.train()
    running = 0.0
    for xb, yb in train_dl:
        opt.zero_grad()
        loss = crit(model(xb), yb)
        loss.backward()
        opt.step()
        running += loss.item() * xb.size(0)
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for xb, yb in val_dl:
            out = model(xb)
            correct += (out.argmax(1) == yb).sum().item()
            total += yb.size(0)
    print(f"epoch {epoch}: train loss {running / (len(train_dl) * 64):.4f} "
          f"val acc {100 * correct / total:.2f}%")
print(model[1].running_mean[:4], model[1].num_batches_tracked)
print(model.training, model[3].training, model[3])
model.train()
x = val_ds[0][0].unsqueeze(0).repeat(2, 1)
print(model(x)[0, :3].detach())
model.eval()
print(model(x)[0, :3].detach().round(decimals=2), model(x).shape)
preds = torch.cat([model(xb).argmax(dim=1) for xb, _ in val_dl])
labels = torch.cat([yb for _, yb in val_dl])
print(preds.shape, preds[:20])
cm = torch.zeros(10, 10, dtype=torch.int64)
for t, p in zip(labels, preds):
    cm[t, p] += 1
print(cm)
print(cm.diag() / cm.sum(1))
