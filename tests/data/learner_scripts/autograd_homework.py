# Autograd homework: higher-order derivatives, jacobian/hessian, custom Functions, gradcheck, hooks.
import math
import warnings
import torch
from torch.autograd import Function, grad, gradcheck, gradgradcheck
from torch.autograd.functional import jacobian, hessian, vjp, jvp, hvp

torch.manual_seed(0)
# 1. derivatives of f(x) = x^3 sin(x) at a few points, up to the third
x = torch.tensor([0.5, 1.0, 2.0], requires_grad=True)
f = x ** 3 * torch.sin(x)
(d1,) = grad(f.sum(), x, create_graph=True)
(d2,) = grad(d1.sum(), x, create_graph=True)
(d3,) = grad(d2.sum(), x)
print(f, d1, d2, d3, sep="\n")
exact = 3 * x ** 2 * torch.sin(x) + x ** 3 * torch.cos(x)
print(torch.allclose(d1, exact), d1.grad_fn is not None, d3.requires_grad)
try:
    grad(f.sum(), x)
    grad(f.sum(), x)
except RuntimeError as e:
    print("twice:", str(e)[:70])
y = torch.tensor(2.0, requires_grad=True)
z = torch.tensor(3.0, requires_grad=True)
out = y * z + y ** 2
gy, gz = grad(out, (y, z))
print(gy, gz)
unused = torch.tensor(1.0, requires_grad=True)
try:
    grad(y * 2, [y, unused])
except RuntimeError as e:
    print("unused:", str(e)[:80])
print(grad(y * 2, [y, unused], allow_unused=True), grad(y * 2, [y, unused], allow_unused=True, materialize_grads=True))
# 2. jacobian / hessian
def fn(v):
    return torch.stack([v[0] * v[1], v[0].exp(), v[1] ** 2 / 2])


v0 = torch.tensor([1.0, 2.0])
print(jacobian(fn, v0))
print(hessian(lambda v: (v ** 3).sum() + v[0] * v[1], v0))
print(jacobian(lambda a, b: a * b, (torch.ones(2), torch.arange(2.0))))
print(vjp(fn, v0, torch.ones(3)), jvp(fn, v0, torch.tensor([1.0, 0.0]))[1])
print(hvp(lambda v: (v ** 2).prod(), v0, torch.ones(2)))
print(jacobian(torch.sin, torch.zeros(3)).shape, torch.func.jacrev(torch.sin)(torch.zeros(2)))
print(torch.func.grad(lambda t: (t ** 2).sum())(torch.tensor([1.0, -2.0])), torch.func.vmap(torch.dot)(torch.ones(2, 3), torch.ones(2, 3)))
# 3. Newton's method for sqrt(2) with autograd
t = torch.tensor(1.0, requires_grad=True)
for it in range(4):
    g = t ** 2 - 2
    (dg,) = grad(g, t)
    with torch.no_grad():
        t -= g / dg
    print(it, f"{t.item():.8f}")
print(abs(t.item() - math.sqrt(2)) < 1e-6)


# 4. a custom Function
class MyReLU(Function):
    @staticmethod
    def forward(ctx, inp):
        ctx.save_for_backward(inp)
        return inp.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        (inp,) = ctx.saved_tensors
        g = grad_output.clone()
        g[inp < 0] = 0
        return g


class Cube(Function):
    @staticmethod
    def forward(ctx, inp, k):
        ctx.save_for_backward(inp)
        ctx.k = k
        return k * inp ** 3

    @staticmethod
    def backward(ctx, grad_output):
        (inp,) = ctx.saved_tensors
        return grad_output * 3 * ctx.k * inp ** 2, None


a = torch.randn(5, requires_grad=True)
r = MyReLU.apply(a)
r.sum().backward()
print(r, r.grad_fn.__class__.__name__, a.grad)
c = Cube.apply(a, 2.0)
print(c.grad_fn.name(), torch.autograd.grad(c.sum(), a)[0])
ad = torch.randn(4, dtype=torch.float64, requires_grad=True)
print(gradcheck(Cube.apply, (ad, 2.0)), gradcheck(torch.sigmoid, (ad,)), gradgradcheck(torch.tanh, (ad,)))


class BadCube(Cube):
    @staticmethod
    def backward(ctx, grad_output):
        (inp,) = ctx.saved_tensors
        return grad_output * ctx.k * inp ** 2, None


try:
    gradcheck(BadCube.apply, (ad, 2.0))
except RuntimeError as e:
    print("gradcheck:", str(e).splitlines()[0])
print(gradcheck(BadCube.apply, (ad, 2.0), raise_exception=False))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    try:
        gradcheck(Cube.apply, (torch.randn(3, requires_grad=True), 2.0))
    except Exception as e:
        print(type(e).__name__, str(e).splitlines()[0])
print([(w.category.__name__, str(w.message)[:60]) for w in caught])
# 5. hooks
h_in = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
seen = []
handle = h_in.register_hook(lambda g: seen.append(g.clone()))
dbl = h_in.register_hook(lambda g: g * 2)
(h_in ** 2).sum().backward()
print(seen, h_in.grad)
handle.remove()
dbl.remove()
h_in.grad = None
(h_in ** 2).sum().backward()
print(len(seen), h_in.grad)
mid = h_in * 3
mid.retain_grad()
mid.register_hook(lambda g: print("hook on mid", g))
(mid * mid).sum().backward()
print(mid.grad, mid.is_leaf, h_in.grad)
lin = torch.nn.Linear(3, 2)
acts = {}
fh = lin.register_forward_hook(lambda m, i, o: acts.update(out=o.detach()))
bh = lin.register_full_backward_hook(lambda m, gi, go: print("backward hook", [g.shape for g in go], gi[0] is None))
pre = lin.register_forward_pre_hook(lambda m, inp: (inp[0] * 0,))
res = lin(torch.ones(4, 3))
res.sum().backward()
print(torch.equal(acts["out"], lin.bias.expand(4, 2)), lin.weight.grad.abs().sum())
for hnd in (fh, bh, pre):
    hnd.remove()
print(len(lin._forward_hooks), len(lin._backward_hooks), type(fh).__name__)
# 6. detect_anomaly and retain_graph
q = torch.tensor([1.0, 0.0], requires_grad=True)
with torch.autograd.set_detect_anomaly(False):
    s = torch.sqrt(q).sum()
    s.backward()
print(q.grad)
p = torch.tensor([2.0], requires_grad=True)
loss = (p * p).sum()
loss.backward(retain_graph=True)
loss.backward()
print(p.grad, torch.autograd.grad((p ** 4).sum(), p, grad_outputs=torch.tensor(0.5)))
