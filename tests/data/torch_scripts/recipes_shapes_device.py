"""PyTorch's recipes: "Reasoning about Shapes in PyTorch" (the meta device
through a conv net, forward hooks printing shapes), torch.utils.benchmark's
Timer ("Timer quick start": what it prints besides times - types, labels,
counts), "Changing default device" (set_default_device, with torch.device),
"Introduction to torch.compile" (outputs as eager's; a compiled module's
outputs are printed detached, as Inductor names their grad_fn
CompiledFunctionBackward where Ember runs the module as it is), "Saving and loading
models for inference" and torch.func.functional_call."""
import io
import timeit
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.utils.benchmark as benchmark
from torch.func import functional_call

torch.manual_seed(0)

# ===== Reasoning about Shapes =====
a = torch.ones(2, 5, 10, device="meta")
b = torch.randn(2, 5, device="meta")
c = torch.randn(2, 5, device="meta")
print(a)
print(a.shape, a.device, a.is_meta)
print(torch.matmul(a.transpose(1, 2), b.unsqueeze(1).expand(2, 5, 5)[:, :1].expand(2, 5, 5)).shape)

t = torch.rand(2, 3, 10, 10, device="meta")
conv = torch.nn.Conv2d(3, 5, 2, device="meta")
out = conv(t)
print(out)
print(out.shape)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)  # flatten all dimensions except batch
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


def fw_hook(module, input, output):
    print(f"Shape of output to {module} is {output.shape}.")


# Any tensor created within this torch.device context manager will be
# on the meta device.
with torch.device("meta"):
    net = Net()
    inp = torch.randn((1024, 3, 32, 32))

for name, layer in net.named_modules():
    layer.register_forward_hook(fw_hook)

out = net(inp)
print(out.shape, out.device)
print(net.fc1.weight.device, sum(p.numel() for p in net.parameters()))

# ===== Timer quick start =====
def batched_dot_mul_sum(a, b):
    '''Computes batched dot by multiplying and summing'''
    return a.mul(b).sum(-1)


def batched_dot_bmm(a, b):
    '''Computes batched dot by reducing to ``bmm``'''
    a = a.reshape(-1, 1, a.shape[-1])
    b = b.reshape(-1, b.shape[-1], 1)
    return torch.bmm(a, b).flatten(-3)


# Input for benchmarking
x = torch.randn(100, 64)

# Ensure that both functions compute the same output
assert batched_dot_mul_sum(x, x).allclose(batched_dot_bmm(x, x))

t0 = timeit.Timer(
    stmt='batched_dot_mul_sum(x, x)',
    setup='from __main__ import batched_dot_mul_sum',
    globals={'x': x})
print(type(t0.timeit(10)).__name__)

t0 = benchmark.Timer(
    stmt='batched_dot_mul_sum(x, x)',
    setup='from __main__ import batched_dot_mul_sum',
    globals={'x': x})

t1 = benchmark.Timer(
    stmt='batched_dot_bmm(x, x)',
    setup='from __main__ import batched_dot_bmm',
    globals={'x': x})

m0 = t0.timeit(10)
m1 = t1.timeit(10)
for m in (m0, m1):
    print(type(m).__name__, m.stmt, m.number_per_run, len(m.times), m.task_spec.num_threads,
          m.label, m.sub_label, m.description, m.env)
    print(m.mean > 0, m.median > 0, isinstance(m.iqr, float), m.title)
print(torch.get_num_threads() >= 1)

m = benchmark.Timer(stmt='x * 2', globals={'x': x}, label='mul', sub_label='[100, 64]',
                    description='x * 2', num_threads=1).blocked_autorange(min_run_time=0.01)
print(type(m).__name__, m.label, m.sub_label, m.description, m.task_spec.num_threads,
      m.number_per_run >= 1, len(m.times) >= 1)
m = t0.adaptive_autorange(min_run_time=0.01, max_run_time=0.05)
print(type(m).__name__, m.has_warnings in (True, False))
compare = benchmark.Compare([m0, m1])
print(type(compare).__name__)

# ===== Changing default device =====
print(torch.get_default_device())
torch.set_default_device('cpu')
print(torch.tensor([1., 2.]).device, torch.get_default_device())
with torch.device('meta'):
    print(torch.randn(2).device, torch.get_default_device())
print(torch.randn(2).device)
mod = torch.nn.Linear(2, 2, device='meta')
print(mod.weight.device)
torch.set_default_device('meta')
print(torch.ones(3).device, torch.get_default_device(), nn.Linear(1, 1).weight.device)
torch.set_default_device(None)
print(torch.ones(3).device, torch.get_default_device())


# ===== Introduction to torch.compile =====
def foo(x, y):
    a = torch.sin(x)
    b = torch.cos(y)
    return a + b


opt_foo1 = torch.compile(foo)
print(opt_foo1(torch.randn(3, 3), torch.randn(3, 3)))


@torch.compile
def opt_foo2(x, y):
    a = torch.sin(x)
    b = torch.cos(y)
    return a + b


print(opt_foo2(torch.randn(3, 3), torch.randn(3, 3)))


class MyModule(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(3, 3)

    def forward(self, x):
        return torch.nn.functional.relu(self.lin(x))


mod = MyModule()
mod.compile()
print(mod(torch.randn(3, 3)).detach())
opt_mod = torch.compile(mod, backend="eager")
print(opt_mod(torch.randn(3, 3)).detach())
print(type(torch.compile(foo, backend="eager", fullgraph=True)(torch.ones(1), torch.ones(1))).__name__)
torch._dynamo.reset()
print(torch.compiler.is_compiling())


def timed(fn):
    out = fn()
    return out, 0.0


inp = torch.randn(16, 3)
model = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 1))
opt = torch.compile(model, mode="reduce-overhead")
print(torch.allclose(timed(lambda: model(inp))[0], timed(lambda: opt(inp))[0]))
optimizer = torch.optim.SGD(opt.parameters(), lr=0.01)
for _ in range(3):
    optimizer.zero_grad(True)
    loss = opt(inp).pow(2).mean()
    loss.backward()
    optimizer.step()
print(loss)

# ===== Saving and loading models for inference =====
class TheModelClass(nn.Module):
    def __init__(self):
        super(TheModelClass, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


model = TheModelClass()
optimizer = torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
print("Model's state_dict:")
for param_tensor in model.state_dict():
    print(param_tensor, "\t", model.state_dict()[param_tensor].size())
x = torch.randn(2, 3, 32, 32)
loss = model(x).sum()
loss.backward()
optimizer.step()
print("Optimizer's state_dict:")
for var_name in optimizer.state_dict():
    # (the tutorial prints the whole state: its momentum buffers' shapes here)
    value = optimizer.state_dict()[var_name]
    if var_name == 'state':
        value = {k: {n: b.shape for n, b in v.items()} for k, v in value.items()}
    print(var_name, "\t", value)

PATH = io.BytesIO()
torch.save(model.state_dict(), PATH)
PATH.seek(0)
model2 = TheModelClass()
model2.load_state_dict(torch.load(PATH, weights_only=True))
model2.eval()
print(torch.equal(model(x), model2(x)))

PATH = io.BytesIO()
torch.save({'epoch': 3, 'model_state_dict': model.state_dict(),
            'optimizer_state_dict': optimizer.state_dict(), 'loss': loss}, PATH)
PATH.seek(0)
model3 = TheModelClass()
optimizer3 = torch.optim.SGD(model3.parameters(), lr=0.5)
checkpoint = torch.load(PATH, weights_only=True)
model3.load_state_dict(checkpoint['model_state_dict'])
optimizer3.load_state_dict(checkpoint['optimizer_state_dict'])
print(checkpoint['epoch'], checkpoint['loss'], optimizer3.param_groups[0]['lr'])
model3.train()
print(optimizer3.state_dict()['state'][1]['momentum_buffer'])

# ===== torch.func.functional_call =====
model = nn.Linear(3, 2)
params = {k: torch.zeros_like(v) for k, v in model.named_parameters()}
print(functional_call(model, params, (torch.ones(1, 3),)))
print(functional_call(model, {'weight': torch.ones(2, 3)}, torch.ones(1, 3)))
print(functional_call(model, ({'weight': torch.ones(2, 3)}, {'bias': torch.full((2,), 5.)}),
                      (torch.ones(1, 3),)))
print(model.weight.sum() != 0)
bn = nn.BatchNorm1d(2)
buffers = {k: v.clone() for k, v in bn.named_buffers()}
functional_call(bn, buffers, (torch.randn(4, 2),))
print(buffers['running_mean'], bn.running_mean, buffers['num_batches_tracked'])
with warnings.catch_warnings(record=True) as caught:   # (shown here, not on stderr)
    warnings.simplefilter("always")
    print(torch.nn.utils.stateless.functional_call(model, params, torch.ones(1, 3)))
print([f"{w.category.__name__}: {w.message}" for w in caught])
grads = torch.func.grad(lambda p, x: functional_call(model, p, (x,)).sum())(
    dict(model.named_parameters()), torch.ones(1, 3))
print(grads)
