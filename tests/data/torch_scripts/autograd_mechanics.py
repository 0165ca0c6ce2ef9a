"""PyTorch's docs notes "Autograd mechanics" (saved tensors, locally
disabling gradient computation, inference mode, in-place correctness
checks, tensor and grad_fn hooks with the "backward hooks execution"
examples, saved tensor hooks, save_on_cpu, complex numbers,
multithreading) and "Broadcasting semantics" (its examples, in-place
broadcasting errors, the backward-compatibility note), with small sizes.
Exceptions print their type and message."""
import threading

import torch
import torch.nn as nn


def show(f):
    try:
        r = f()
        print(r)
    except Exception as e:
        print(type(e).__name__ + ':', e)


torch.manual_seed(0)

# --- Saved tensors ---
x = torch.randn(5, requires_grad=True)
y = x.pow(2)
print(x.equal(y.grad_fn._saved_self))  # True
print(x is y.grad_fn._saved_self)  # True
print(y.grad_fn._saved_exponent)

x = torch.randn(5, requires_grad=True)
y = x.exp()
print(y.equal(y.grad_fn._saved_result))  # True
print(y is y.grad_fn._saved_result)  # False

print(type(y.grad_fn._raw_saved_result).__name__)
x = torch.randn(3, requires_grad=True)
y = x.sin()
print(type(y.grad_fn._raw_saved_self).__name__)
print([n for n in dir(y.grad_fn) if n.startswith('_saved')])
a = torch.randn(2, 3, requires_grad=True)
b = torch.randn(3, 4, requires_grad=True)
c = a.mm(b)
print(c.grad_fn._saved_self.shape, c.grad_fn._saved_mat2.shape)
print(c.grad_fn._saved_self_sym_sizes, c.grad_fn._saved_mat2_sym_strides)
s = a.sum(dim=1, keepdim=True)
print(s.grad_fn._saved_dim, s.grad_fn._saved_keepdim, s.grad_fn._saved_self_sym_sizes)

# --- Locally disabling gradient computation ---
x = torch.zeros(1, requires_grad=True)
with torch.no_grad():
    y = x * 2
print(y.requires_grad)

is_train = False
with torch.set_grad_enabled(is_train):
    y = x * 2
print(y.requires_grad)

torch.set_grad_enabled(True)
y = x * 2
print(y.requires_grad)

torch.set_grad_enabled(False)
y = x * 2
print(y.requires_grad)
torch.set_grad_enabled(True)
print(torch.is_grad_enabled())


@torch.no_grad()
def doubler(x):
    return x * 2


z = doubler(x)
print(z.requires_grad)

# setting requires_grad / freezing
model = nn.Linear(3, 2)
for p in model.parameters():
    p.requires_grad_(False)
out = model(torch.randn(1, 3, requires_grad=True))
print(out.requires_grad, out.grad_fn.name())
model.requires_grad_(True)
print([p.requires_grad for p in model.parameters()])

# evaluation mode is not no_grad
d = nn.Dropout(0.5)
d.eval()
t = torch.ones(3, requires_grad=True)
print(d(t))

# --- Inference mode ---
with torch.inference_mode():
    i = torch.ones(2, 2)
    j = i * 2
print(i.is_inference(), j.is_inference(), j.requires_grad)
show(lambda: i.requires_grad_())
show(lambda: i.add_(1))
k = torch.ones(2, requires_grad=True)
with torch.inference_mode():
    print((k * 2).requires_grad, (k * 2).is_inference(), torch.is_inference_mode_enabled())
show(lambda: (torch.ones(2, requires_grad=True) * j[0]).sum().backward())
with torch.inference_mode(mode=False):
    print(torch.is_inference_mode_enabled())


@torch.inference_mode()
def run(x):
    return x + 1


print(run(k).is_inference())

# --- In-place correctness checks ---
a = torch.randn(3, requires_grad=True)
b = a.sigmoid()
b.mul_(2)
show(lambda: b.sum().backward())
a = torch.randn(3, requires_grad=True)
b = a * 1
c = b.exp()
print(c._version)
c.add_(1)
print(c._version)
show(lambda: c.sum().backward())
leaf = torch.randn(3, requires_grad=True)
show(lambda: leaf.add_(1))
with torch.no_grad():
    leaf.add_(1)
print(leaf._version, leaf.grad_fn)
v = torch.randn(4, requires_grad=True).clone()
view = v[:2]
view.mul_(3)
print(v.grad_fn.name(), view.grad_fn.name())

# --- Multithreading-free: the grad of a non-leaf ---
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
y.retain_grad()
z = (y ** 2).sum()
z.backward()
print(y.grad, x.grad, y.retains_grad, x.retains_grad)

# --- Backward hooks execution ---
a = torch.tensor(2., requires_grad=True)
b = a * 3
b.register_hook(lambda grad: print("tensor hook on b", grad) or grad * 2)
b.grad_fn.register_hook(lambda gi, go: print("grad_fn hook", gi, go))
b.grad_fn.register_prehook(lambda go: print("grad_fn prehook", go))
c = b ** 2
c.backward()
print(a.grad)

# Whether a particular hook will be fired
t = torch.tensor(1., requires_grad=True).sin()
t.retain_grad()
t.register_hook(lambda x: x * 2)
t.backward()
print(t.grad)  # retains_grad hook runs last

t = torch.tensor(1., requires_grad=True).sin()
t.register_hook(lambda x: x * 2)
t.retain_grad()
t.backward()
print(t.grad)

# Post-accumulate grad hook on a leaf
p = torch.tensor([1., 2.], requires_grad=True)
p.register_post_accumulate_grad_hook(lambda t: print("post accumulate", t.grad))
(p * p).sum().backward()

# Hooks on grad_fn receive the grads
x = torch.tensor([1., 2., 3.], requires_grad=True)
y = x.exp()
h = y.grad_fn.register_hook(lambda gi, go: (gi[0] * 0,))
y.sum().backward()
print(x.grad)
h.remove()
x.grad = None
y = x.exp()
y.sum().backward()
print(x.grad)

# Modifying the gradient in the prehook
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 2
y.grad_fn.register_prehook(lambda go: (go[0] * 10,))
y.sum().backward()
print(x.grad)

# --- Saved tensor hooks ---
def pack_hook(x):
    print("Packing", x)
    return x


def unpack_hook(x):
    print("Unpacking", x)
    return x


a = torch.ones(5, requires_grad=True)
b = torch.ones(5, requires_grad=True) * 2
with torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook):
    y = a * b
y.sum().backward()

x = torch.randn(5, requires_grad=True)
y = x.pow(2)
y.grad_fn._raw_saved_self.register_hooks(lambda t: t * 0 + 7, lambda t: t)
print(y.grad_fn._saved_self)


class SelfDeletingTempFile():
    def __init__(self):
        self.name = None


storage = {}


def pack_to_dict(tensor):
    temp_file = SelfDeletingTempFile()
    temp_file.name = str(len(storage))
    storage[temp_file.name] = tensor.clone()
    return temp_file


def unpack_from_dict(temp_file):
    return storage[temp_file.name]


x = torch.randn(4, requires_grad=True)
with torch.autograd.graph.saved_tensors_hooks(pack_to_dict, unpack_from_dict):
    y = x.sin().cos()
y.sum().backward()
print(len(storage), torch.allclose(x.grad, -x.cos() * x.sin().sin()))

model = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 1))
inp = torch.randn(3, 4)
with torch.autograd.graph.save_on_cpu(pin_memory=False):
    out = model(inp).sum()
out.backward()
print(model[0].weight.grad)

with torch.autograd.graph.disable_saved_tensors_hooks("saved tensors hooks are disabled here"):
    show(lambda: torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook).__enter__())

# ===== Broadcasting semantics =====
x = torch.empty(5, 7, 3)
y = torch.empty(5, 7, 3)
print((x + y).size())
x = torch.empty((0,))
y = torch.empty(2, 2)
show(lambda: (x + y).size())
x = torch.empty(5, 3, 4, 1)
y = torch.empty(3, 1, 1)
print((x + y).size())
x = torch.empty(5, 2, 4, 1)
y = torch.empty(3, 1, 1)
show(lambda: (x + y).size())
x = torch.empty(5, 1, 4, 1)
y = torch.empty(3, 1, 1)
print((x + y).size())
x = torch.empty(1)
y = torch.empty(3, 1, 7)
print((x + y).size())

# In-place semantics
x = torch.empty(5, 3, 4, 1)
y = torch.empty(3, 1, 1)
print((x.add_(y)).size())
x = torch.empty(1, 3, 1)
y = torch.empty(3, 1, 7)
show(lambda: x.add_(y))

# Backwards compatibility
print(torch.add(torch.ones(4, 1), torch.randn(4)).size())
print(torch.add(torch.ones(4), torch.ones(1, 4)).size())
print(torch.broadcast_shapes((2,), (3, 1), (1, 1, 1)))
show(lambda: torch.broadcast_shapes((2,), (3,)))
print([t.shape for t in torch.broadcast_tensors(torch.ones(2, 1), torch.ones(3))])
print(torch.ones(3, 1).expand(3, 4).stride())
# Gradients of broadcast inputs are reduced back to their shapes
a = torch.ones(3, 1, requires_grad=True)
b = torch.arange(4.0, requires_grad=True)
(a * b).sum().backward()
print(a.grad, b.grad)

# --- Autograd for complex numbers ---
z = torch.tensor([1 + 2j, 3 - 1j], requires_grad=True)
l = (z * z.conj()).real.sum()
l.backward()
print(z.grad)
z = torch.randn(3, dtype=torch.cfloat, requires_grad=True)
y = z.abs().sum()
y.backward()
print(z.grad)
w = torch.randn(2, 2, dtype=torch.cdouble, requires_grad=True)
print(torch.autograd.gradcheck(lambda a: (a @ a).abs(), (w,)))
v = torch.view_as_real(z.detach())
print(v.shape, torch.view_as_complex(v))

# --- torch.autograd.grad and backward's options ---
x = torch.randn(2, 2, requires_grad=True)
print(torch.autograd.grad(x.sum(), x, retain_graph=True, allow_unused=True))
show(lambda: torch.autograd.grad(x.sum(), torch.ones(1, requires_grad=True)))
print(torch.autograd.grad(x.sum(), [x, torch.ones(1, requires_grad=True)], allow_unused=True,
                          materialize_grads=True))
a = torch.ones(2, requires_grad=True)
b = a * 2
b.backward(torch.ones(2), retain_graph=True)
b.backward(torch.ones(2), inputs=[a])
print(a.grad)
show(lambda: (a * 2).backward())

# --- Multithreading (the note's train_fn in threads), graph nodes, multi-grad hooks ---
results = []
def train_fn():
    x = torch.ones(5, 5, requires_grad=True)
    # forward
    y = (x + 3) * (x + 4) * 0.5
    # backward
    y.sum().backward()
    results.append(x.grad.sum().item())
threads = []
for _ in range(3):
    p = threading.Thread(target=train_fn, args=())
    p.start()
    threads.append(p)
for p in threads:
    p.join()
print(results)

a = torch.tensor([1., 2.], requires_grad=True)
b = a * 3
c = b.exp()
print(c.grad_fn.name(), c.grad_fn.next_functions[0][0].name(), c.grad_fn.metadata)
c.grad_fn.metadata['k'] = 1
print(c.grad_fn.metadata)
print(isinstance(c.grad_fn, torch.autograd.graph.Node))
print(issubclass(type(c.grad_fn), torch.autograd.graph.Node))
print(a._version)
torch.autograd.graph.increment_version(a)
print(a._version)
x1 = torch.ones(2, requires_grad=True)
x2 = torch.ones(2, requires_grad=True)
h = torch.autograd.graph.register_multi_grad_hook((x1, x2), lambda grads: print('multi', [g is None for g in grads]))
(x1 * 2).sum().backward()
(x1 * x2).sum().backward()
h.remove()
h = torch.autograd.graph.register_multi_grad_hook((x1, x2), lambda g: print('any', g), mode="any")
(x2 * 5).sum().backward()
with torch.autograd.set_multithreading_enabled(False):
    print(torch.autograd.is_multithreading_enabled())
print(torch.autograd.is_multithreading_enabled())
