# Comparing optimizers and schedulers on wine (softmax regression), as in a course notebook.
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_wine

torch.manual_seed(1)
X, y = load_wine(return_X_y=True)
X = torch.tensor(X, dtype=torch.float32)
y = torch.tensor(y)
X = (X - X.mean(dim=0, keepdim=True)) / X.std(dim=0, keepdim=True)
print(X.shape, y.unique(return_counts=True), X.mean(0).abs().max() < 1e-5)


def make_model():
    torch.manual_seed(2)
    return nn.Linear(13, 3)


optimizers = {
    "SGD": lambda p: torch.optim.SGD(p, lr=0.1),
    "SGD+momentum": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1),
    "RMSprop": lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, centered=True),
    "Adagrad": lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.01),
    "Adadelta": lambda p: torch.optim.Adadelta(p, lr=1.0),
    "Adam(amsgrad)": lambda p: torch.optim.Adam(p, lr=0.01, amsgrad=True),
    "Adamax": lambda p: torch.optim.Adamax(p, lr=0.02),
    "NAdam": lambda p: torch.optim.NAdam(p, lr=0.01),
    "RAdam": lambda p: torch.optim.RAdam(p, lr=0.01),
    "ASGD": lambda p: torch.optim.ASGD(p, lr=0.05),
    "Rprop": lambda p: torch.optim.Rprop(p, lr=0.01),
}
for name, make in optimizers.items():
    model = make_model()
    opt = make(model.parameters())
    for step in range(15):
        opt.zero_grad()
        loss = F.cross_entropy(model(X), y)
        loss.backward()
        opt.step()
    acc = (model(X).argmax(1) == y).float().mean().item()
    state = opt.state[model.weight]
    print(f"{name:14s} loss {loss.item():.3f} acc {acc:.2f}", sorted(state))
print(opt.state_dict()["state"][0]["step"], opt.state_dict()["param_groups"][0]["etas"])
model = make_model()
lbfgs = torch.optim.LBFGS(model.parameters(), lr=1, max_iter=20, history_size=5, line_search_fn="strong_wolfe")
print(lbfgs)


def closure():
    lbfgs.zero_grad()
    loss = F.cross_entropy(model(X), y)
    loss.backward()
    return loss


for i in range(3):
    loss = lbfgs.step(closure)
    print(f"LBFGS step {i} loss {loss.item():.3f}")
print(lbfgs.state[lbfgs._params[0]]["func_evals"] > 0, lbfgs.state[lbfgs._params[0]]["n_iter"])
model = make_model()
opt = torch.optim.SGD([{"params": [model.weight]}], lr=0.1)
opt.add_param_group({"params": [model.bias], "lr": 0.01, "momentum": 0.5})
print(opt)
print([len(g["params"]) for g in opt.param_groups], opt.param_groups[1]["momentum"], opt.defaults)
try:
    opt.add_param_group({"params": [model.bias]})
except ValueError as e:
    print(e)
schedulers = {
    "SequentialLR": lambda o: torch.optim.lr_scheduler.SequentialLR(
        o, [torch.optim.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=3),
            torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9)], milestones=[3]),
    "ChainedScheduler": lambda o: torch.optim.lr_scheduler.ChainedScheduler(
        [torch.optim.lr_scheduler.ConstantLR(o, factor=0.5, total_iters=4),
         torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9)]),
    "WarmRestarts": lambda o: torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001),
    "CyclicLR": lambda o: torch.optim.lr_scheduler.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2, mode="triangular2"),
    "PolynomialLR": lambda o: torch.optim.lr_scheduler.PolynomialLR(o, total_iters=8, power=2.0),
    "MultiplicativeLR": lambda o: torch.optim.lr_scheduler.MultiplicativeLR(o, lambda e: 0.95),
}
for name, make in schedulers.items():
    model = make_model()
    o = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    s = make(o)
    lrs = []
    for epoch in range(10):
        o.step()
        s.step()
        lrs.append(round(s.get_last_lr()[0], 4))
    print(name, lrs)
print(sorted(s.state_dict()))
o = torch.optim.SGD(make_model().parameters(), lr=0.1)
s = torch.optim.lr_scheduler.StepLR(o, 2)
o.step()
s.step()
s2 = torch.optim.lr_scheduler.StepLR(torch.optim.SGD(make_model().parameters(), lr=0.1), 2)
s2.load_state_dict(s.state_dict())
print(s2.last_epoch, s2.get_last_lr(), s2.optimizer.param_groups[0]["lr"])
o = torch.optim.SGD(make_model().parameters(), lr=0.1)
s = torch.optim.lr_scheduler.StepLR(o, 2)
import warnings
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    s.step()
    o.step()
print([str(m.message)[:70] for m in w])
