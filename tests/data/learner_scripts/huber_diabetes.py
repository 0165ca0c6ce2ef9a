# Robust regression on diabetes with HuberLoss and the schedulers learners try.
import torch
import torch.nn as nn
from sklearn.datasets import load_diabetes

torch.manual_seed(3)
X, y = load_diabetes(return_X_y=True)
X = torch.tensor(X, dtype=torch.float32)
y = torch.tensor(y, dtype=torch.float32)
y = (y - y.mean()) / y.std()
print(X.shape, y.shape, y[:3])
model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))
crit = nn.HuberLoss(delta=1.0)
print(crit, nn.SmoothL1Loss(beta=0.5), nn.L1Loss())
import warnings
try:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        crit(model(X), y)
except UserWarning as e:
    print(type(e).__name__, e)
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    bad = nn.MSELoss()(model(X), y)
    print(len(w), w[0].category.__name__, str(w[0].message))
print("broadcast loss is wrong:", bad.item() > 0)
for name, make in [
        ("StepLR", lambda o: torch.optim.lr_scheduler.StepLR(o, 3, gamma=0.1)),
        ("CosineAnnealingLR", lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10)),
        ("OneCycleLR", lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=10)),
        ("LambdaLR", lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda e: 0.9 ** e)),
        ("ExponentialLR", lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.8)),
        ("MultiStepLR", lambda o: torch.optim.lr_scheduler.MultiStepLR(o, [2, 5], 0.5))]:
    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    sched = make(opt)
    lrs = []
    for epoch in range(10):
        opt.zero_grad()
        loss = crit(model(X).squeeze(1), y)
        loss.backward()
        opt.step()
        sched.step()
        lrs.append(round(sched.get_last_lr()[0], 6))
    print(name, lrs, "%.3f" % loss.item())
print(sched.state_dict())
print(type(sched).__name__, sched.last_epoch, sched.base_lrs)
o2 = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
s2 = torch.optim.lr_scheduler.StepLR(o2, 2)
for _ in range(3):
    o2.step()
    s2.step()
print(s2.get_last_lr())
a = torch.tensor([0.5, 2.0, -3.0])
b = torch.zeros(3)
print(nn.functional.huber_loss(a, b, reduction="none"), nn.functional.smooth_l1_loss(a, b))
