# Linear regression on sklearn's diabetes data, the "from scratch" way a course teaches it.
import numpy as np
import torch
from torch.autograd import Variable
from sklearn.datasets import load_diabetes

torch.manual_seed(0)
np.random.seed(0)

X, y = load_diabetes(return_X_y=True)
X = (X - X.mean(axis=0)) / X.std(axis=0)
print(X.dtype, X.shape, type(y[0]))
x_t = torch.from_numpy(X).float()
y_t = torch.FloatTensor(y).view(-1, 1)
print(x_t.dtype, y_t.shape, y_t[:3])

# manual gradient descent with .data and Variable (old style)
w = Variable(torch.randn(10, 1), requires_grad=True)
b = Variable(torch.zeros(1), requires_grad=True)
lr = 0.05
for epoch in range(60):
    pred = x_t.mm(w) + b
    loss = ((pred - y_t) ** 2).mean()
    loss.backward()
    w.data -= lr * w.grad.data
    b.data -= lr * b.grad.data
    w.grad.data.zero_()
    b.grad.data.zero_()
    if epoch % 15 == 0:
        print("epoch %d loss %.1f" % (epoch, loss.item()))
print(loss.detach().round(decimals=1))
print(w.grad.shape, b.grad)
print(f"final loss {loss:.1f}", round(loss.item()))

# the same with no_grad and -=
w2 = torch.zeros(10, 1, requires_grad=True)
b2 = torch.tensor(0.0, requires_grad=True)
for step in range(40):
    loss2 = torch.mean((x_t @ w2 + b2 - y_t) ** 2)
    loss2.backward()
    with torch.no_grad():
        w2 -= 0.1 * w2.grad
        b2 -= 0.1 * b2.grad
    w2.grad.zero_()
    b2.grad.zero_()
print("no_grad loss", loss2.item() > 0, f"{loss2.item():.2f}")
print(w2.requires_grad, w2.is_leaf, w2.grad_fn, b2)

# nn.Linear + optim
model = torch.nn.Linear(10, 1)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
crit = torch.nn.MSELoss()
for epoch in range(30):
    opt.zero_grad()
    out = model(x_t)
    loss = crit(out, y_t)
    loss.backward()
    opt.step()
print(model)
print(opt)
print("model loss", f"{loss.item():.1f}")
print(model.weight.shape, model.bias.data.numpy().round(2))
# numpy scalars mixed in
scale = np.float64(0.5)
z = model.bias * scale
print(z.dtype, z)
print(torch.tensor(np.float64(2.5)) * 2, (torch.ones(2) * np.float32(3)).dtype)
print(type(loss.item()), type(y_t.numpy()), y_t.numpy().dtype)
r2 = 1 - ((out - y_t) ** 2).sum() / ((y_t - y_t.mean()) ** 2).sum()
print("R^2: {:.3f}".format(r2.item()))
