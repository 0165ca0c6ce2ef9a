# The famous mistakes, caught and printed.
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
w = torch.randn(3, requires_grad=True)
try:
    w += 1
except RuntimeError as e:
    print("1.", e)
try:
    w.zero_()
except RuntimeError as e:
    print("2.", e)
try:
    w[0] = 5
except RuntimeError as e:
    print("3.", e)
with torch.no_grad():
    w[0] = 5
print(w, w.is_leaf)
loss = (w ** 2).sum()
loss.backward()
try:
    loss.backward()
except RuntimeError as e:
    print("4.", str(e)[:60])
print(w.grad)
loss = (w ** 2).sum()
loss.backward()
print("accumulated", w.grad)
y = w * 2
try:
    y.backward()
except RuntimeError as e:
    print("5.", e)
print(y.grad)
x = torch.ones(2, requires_grad=True)
z = x.exp()
z.add_(1)
print(z.grad_fn)
s = x.sigmoid()
s.mul_(2)
try:
    s.sum().backward()
except RuntimeError as e:
    print("6.", str(e)[:120])
lin = nn.Linear(4, 2)
try:
    lin(torch.ones(3, 5))
except RuntimeError as e:
    print("7.", e)
try:
    lin(torch.ones(3, 4, dtype=torch.float64))
except RuntimeError as e:
    print("8.", e)
try:
    lin(torch.ones(3, 4, dtype=torch.long))
except RuntimeError as e:
    print("9.", e)
try:
    F.cross_entropy(torch.randn(3, 5), torch.tensor([1, 2, 5]))
except IndexError as e:
    print("10.", e)
try:
    F.cross_entropy(torch.randn(3, 5), torch.tensor([[0.2, 0.8, 0, 0, 0]] * 2))
except (RuntimeError, ValueError) as e:
    print("11.", e)
print("soft targets", F.cross_entropy(torch.zeros(2, 3), torch.tensor([[1., 0, 0], [0, 1., 0]])))
try:
    nn.Conv2d(1, 4, 3)(torch.ones(2, 3, 8, 8))
except RuntimeError as e:
    print("12.", e)
try:
    nn.Conv2d(1, 4, 3)(torch.ones(8, 8))
except RuntimeError as e:
    print("13.", e)
try:
    nn.BatchNorm1d(4)(torch.ones(1, 4))
except ValueError as e:
    print("14.", e)
try:
    torch.cat([torch.ones(2, 3), torch.ones(3, 2)])
except RuntimeError as e:
    print("15.", e)
try:
    torch.ones(2, 3).item()
except RuntimeError as e:
    print("16.", e)
try:
    torch.optim.SGD(lin.parameters())
except TypeError as e:
    print("17.", e)
try:
    torch.optim.Adam([], lr=0.1)
except ValueError as e:
    print("18.", e)
try:
    torch.optim.SGD(lin.parameters(), lr=-1)
except ValueError as e:
    print("19.", e)
try:
    nn.Linear(4, 2)(torch.ones(4)).backward()
except RuntimeError as e:
    print("20.", e)
try:
    torch.ones(2).backward()
except RuntimeError as e:
    print("21.", e)
try:
    torch.arange(3).float().requires_grad_().long().sum().backward()
except RuntimeError as e:
    print("22.", e)
try:
    torch.tensor([1, 2, 3], requires_grad=True)
except RuntimeError as e:
    print("23.", e)
try:
    torch.arange(3).mean()
except RuntimeError as e:
    print("24.", e)
try:
    nn.MSELoss()(torch.ones(3), torch.ones(3, dtype=torch.long))
except RuntimeError as e:
    print("25.", e)
try:
    nn.Embedding(5, 2)(torch.tensor([5]))
except IndexError as e:
    print("26.", e)
try:
    nn.LSTM(3, 4)(torch.ones(2, 5))
    nn.LSTM(3, 4)(torch.ones(2, 5, 6))
except RuntimeError as e:
    print("27.", e)
print(torch.ones(2, requires_grad=True).sum().grad_fn, torch.ones(2).requires_grad_(True).is_leaf)
