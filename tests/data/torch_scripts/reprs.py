"""What a learner prints most: shapes, dtypes, legacy type names, a custom
Function's node and the in-place error, in PyTorch's words."""
import torch

x = torch.ones(2, 3)
print(x.shape, x.size(), x.dtype, x.type(), torch.float64, torch.Size([4]))
print(x.double().type(), x.type(torch.int64).dtype, x.type("torch.ShortTensor").dtype)


class Twice(torch.autograd.Function):
    @staticmethod
    def forward(ctx, v):
        return v * 2

    @staticmethod
    def backward(ctx, g):
        return g * 2


y = Twice.apply(x.requires_grad_())
print(y.grad_fn)
z = x.sin()
w = z * z
z.add_(1)
try:
    w.sum().backward()
except RuntimeError as e:
    print(e)
print(type(x), type(torch.nn.Parameter(torch.ones(1))), type(x.dtype), type(x.shape),
      type(x.device), torch.Tensor, torch.FloatTensor)
# named tuples of several results, and their classes
m = torch.tensor([[1.0, 3.0], [2.0, 0.0]])
print(m.max(0), torch.sort(m[0]), type(m.min(1)), torch.topk(m[0], 1))
# a module's refusals name the library as the program calls it
mod = torch.nn.Linear(1, 1)
mod.register_buffer("running", torch.zeros(1))
for bad in (lambda: mod.register_buffer("b", 5), lambda: mod.register_parameter("p", x),
            lambda: setattr(mod, "weight", x), lambda: setattr(mod, "running", 3),
            lambda: mod.add_module("m", None) or setattr(mod, "m", 2)):
    try:
        bad()
    except TypeError as e:
        print(e)
# objects printed as they are: object's default repr, the module as imported
data = torch.utils.data.TensorDataset(torch.ones(4, 2), torch.zeros(4))
loader = torch.utils.data.DataLoader(data, batch_size=2, shuffle=True)
sgd = torch.optim.SGD(mod.parameters(), lr=0.1)
print(data, loader, iter(loader), loader.sampler, torch.utils.data.random_split(data, [2, 2])[0])
print(torch.optim.lr_scheduler.StepLR(sgd, 1), torch.amp.GradScaler("cpu"), torch.no_grad())
print(torch.Generator(), torch.Generator().device, mod.register_forward_hook(lambda *a: None))
try:
    torch.nn.Sequential(torch.nn.ReLU()) * 0
except ValueError as e:
    print(e)
