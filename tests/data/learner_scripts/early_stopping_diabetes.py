# Regression pipeline: random_split, seeded loaders, BatchNorm/Dropout, AdamW, plateau and early stopping.
import copy
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader, random_split
from sklearn.datasets import load_diabetes

torch.manual_seed(42)
X, y = load_diabetes(return_X_y=True)
X = torch.from_numpy(X).float()
y = torch.from_numpy(y).float().unsqueeze(1)
print(X.dtype, y.shape, X.mean(0)[:3], X.std(0)[:3])
mu, sigma = y.mean(), y.std()
y = (y - mu) / sigma
ds = TensorDataset(X, y)
g = torch.Generator().manual_seed(0)
train_ds, val_ds, test_ds = random_split(ds, [300, 70, 72], generator=g)
print(len(train_ds), len(val_ds), len(test_ds), train_ds.indices[:5])
train_dl = DataLoader(train_ds, batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(1))
val_dl = DataLoader(val_ds, batch_size=64)
print(len(train_dl), len(val_dl))

model = nn.Sequential(
    nn.Linear(10, 64, bias=False), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.2),
    nn.Linear(64, 32, bias=False), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.2),
    nn.Linear(32, 1),
)
print(model)
print(model[1].running_mean[:3], model[1].momentum, model[1].eps)
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
print(opt)
sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2)
loss_fn = nn.MSELoss()


def evaluate(dl):
    model.eval()
    total, n = 0.0, 0
    with torch.inference_mode():
        for xb, yb in dl:
            total += loss_fn(model(xb), yb).item() * len(xb)
            n += len(xb)
    return total / n


best_loss, best_state, bad_epochs = float("inf"), None, 0
for epoch in range(25):
    model.train()
    norms = []
    for xb, yb in train_dl:
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        norms.append(nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0))
        opt.step()
    val = evaluate(val_dl)
    sched.step(val)
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d} train {loss.item():.2f} val {val:.2f} "
              f"lr {sched.get_last_lr()[0]:.5f} norm {type(norms[0]).__name__} {norms[0].dim()}")
    if val < best_loss - 1e-3:
        best_loss, best_state, bad_epochs = val, copy.deepcopy(model.state_dict()), 0
    else:
        bad_epochs += 1
        if bad_epochs >= 6:
            print("early stop at epoch", epoch)
            break
print(f"best val {best_loss:.2f}", sorted(best_state)[:4], best_state["1.num_batches_tracked"] > 0)
model.load_state_dict(best_state)
print(model[1].running_mean.shape, model.training)
model.eval()
with torch.inference_mode():
    Xt = torch.stack([test_ds[i][0] for i in range(len(test_ds))])
    yt = torch.stack([test_ds[i][1] for i in range(len(test_ds))])
    pred = model(Xt)
    print(pred.requires_grad, pred.is_inference(), pred.shape)
    mse = loss_fn(pred, yt)
    r2 = 1 - ((pred - yt) ** 2).sum() / ((yt - yt.mean()) ** 2).sum()
    print(f"test mse {mse.item():.1f} r2 {r2.item():.1f}")
    print("first predictions", (pred[:3] * sigma + mu).squeeze(1).round())
try:
    pred.requires_grad_()
except RuntimeError as e:
    print(e)
print(sched.state_dict()["best"] > 0, sched.num_bad_epochs >= 0, opt.param_groups[0]["weight_decay"])
p = nn.Parameter(torch.ones(3))
p.grad = torch.tensor([3.0, 4.0, 0.0])
print(nn.utils.clip_grad_norm_([p], 1.0), p.grad)
p.grad = torch.tensor([3.0, -4.0, 0.5])
nn.utils.clip_grad_value_([p], 1.0)
print(p.grad, nn.utils.clip_grad_norm_([p], 1.0, norm_type=float("inf")))
sched2 = torch.optim.lr_scheduler.OneCycleLR(torch.optim.AdamW([p], lr=0.1), max_lr=0.1, total_steps=6)
lrs = []
for _ in range(5):
    sched2.optimizer.step()
    sched2.step()
    lrs.append(round(sched2.get_last_lr()[0], 5))
print(lrs, sched2.optimizer.param_groups[0]["betas"])
