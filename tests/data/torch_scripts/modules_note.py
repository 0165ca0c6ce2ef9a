"""PyTorch's docs note "Modules" (notes/modules.rst): a custom module with
Parameters, Sequential, ModuleList/ModuleDict, DynamicNet, the named_*
listings, train()/eval(), buffers (persistent=False), state_dict keys,
to(dtype), apply(), skip_init, the meta device with to_empty, every module
hook kind with what it prints, and torch.nn.init. The note's repr lines are
printed as written; addresses are never printed."""
import torch
from torch import nn
import torch.nn.functional as F

torch.manual_seed(0)


class MyLinear(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_features, out_features))
        self.bias = nn.Parameter(torch.randn(out_features))

    def forward(self, input):
        return (input @ self.weight) + self.bias


m = MyLinear(4, 3)
sample_input = torch.randn(4)
print(m(sample_input))
for parameter in m.named_parameters():
    print(parameter)

net = nn.Sequential(
    MyLinear(4, 3),
    nn.ReLU(),
    MyLinear(3, 1),
)
print(net)
sample_input = torch.randn(4)
print(net(sample_input))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.l0 = MyLinear(4, 3)
        self.l1 = MyLinear(3, 1)

    def forward(self, x):
        x = self.l0(x)
        x = F.relu(x)
        x = self.l1(x)
        return x


net = Net()
for child in net.named_children():
    print(child)


class BigNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = MyLinear(5, 4)
        self.net = Net()

    def forward(self, x):
        return self.net(self.l1(x))


big_net = BigNet()
for module in big_net.named_modules():
    print(module)


class DynamicNet(nn.Module):
    def __init__(self, num_layers):
        super().__init__()
        self.linears = nn.ModuleList(
            [MyLinear(4, 4) for _ in range(num_layers)])
        self.activations = nn.ModuleDict({
            'relu': nn.ReLU(),
            'lrelu': nn.LeakyReLU()
        })
        self.final = MyLinear(4, 1)

    def forward(self, x, act):
        for linear in self.linears:
            x = linear(x)
            x = self.activations[act](x)
        x = self.final(x)
        return x


dynamic_net = DynamicNet(3)
sample_input = torch.randn(4)
output = dynamic_net(sample_input, 'relu')
print(output)
for parameter in dynamic_net.named_parameters():
    print(parameter[0], parameter[1].shape)
print(dynamic_net)

# training loop from the note
net = MyLinear(4, 3)
optimizer = torch.optim.SGD(net.parameters(), lr=1e-4, weight_decay=1e-2, momentum=0.9)
for _ in range(10):
    input = torch.randn(4)
    output = net(input)
    loss = output.abs().mean()
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
print(net.weight)


# train / eval
class ModalModule(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        if self.training:
            # Add a constant only in training mode.
            return x + 1.
        else:
            return x


m = ModalModule()
x = torch.randn(4)
print('training mode output: {}'.format(m(x)))
m.eval()
print('evaluation mode output: {}'.format(m(x)))
print(m.training, m.train().training, m.train(False).training)


# buffers
class RunningMean(nn.Module):
    def __init__(self, num_features, momentum=0.9):
        super().__init__()
        self.momentum = momentum
        self.register_buffer('mean', torch.zeros(num_features))

    def forward(self, x):
        self.mean = self.momentum * self.mean + (1.0 - self.momentum) * x
        return self.mean


m = RunningMean(4)
for _ in range(10):
    input = torch.randn(4)
    m(input)
print(m.state_dict())
m_loaded = RunningMean(4)
m_loaded.load_state_dict(m.state_dict())
print(m_loaded.mean)

m = nn.Module()
m.register_buffer('unserialized_thing', torch.randn(5), persistent=False)
print(list(m.state_dict().keys()), [n for n, _ in m.named_buffers()])

m = nn.BatchNorm1d(4)
print(list(m.state_dict().keys()))
m = MyLinear(4, 3).to(torch.float64)
print(m.weight.dtype, m.weight.requires_grad, type(m.weight).__name__)
bn = nn.BatchNorm1d(4).to(torch.float16)
print([(k, v.dtype) for k, v in bn.state_dict().items()])
bn = nn.BatchNorm1d(4).double()
print(bn.running_mean.dtype, bn.num_batches_tracked.dtype)
print(nn.Linear(5, 3).to(dtype=torch.float64).weight.dtype)


# apply
@torch.no_grad()
def init_weights(m):
    print(m)
    if type(m) == nn.Linear:
        m.weight.fill_(1.0)
        print(m.weight)


net = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
net.apply(init_weights)

# module initialization
m = nn.Linear(5, 3, dtype=torch.float64)
print(m.weight.dtype)
m = nn.Linear(5, 3, device='cpu')
print(m.weight.device)
torch.nn.init.orthogonal_(m.weight)
print(m.weight)
torch.nn.init.xavier_uniform_(m.weight)
print(m.weight)
torch.nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
print(m.weight)
torch.nn.init.zeros_(m.bias)
torch.nn.init.constant_(m.bias, 0.3)
print(m.bias)
torch.nn.init.normal_(m.weight, mean=0.0, std=0.02)
torch.nn.init.uniform_(m.weight, -0.1, 0.1)
torch.nn.init.trunc_normal_(m.weight, std=0.5)
print(m.weight)
print(torch.nn.init.calculate_gain('leaky_relu', 0.2), torch.nn.init.calculate_gain('tanh'))

# skip_init and meta
m = torch.nn.utils.skip_init(nn.Linear, 5, 1)
print(type(m).__name__, m.weight.shape, m.bias.shape)
m = nn.Linear(5, 3, device='meta')
print(m.weight)
print(m.weight.device, m.weight.is_meta)
m = m.to_empty(device='cpu')
print(m.weight.device, m.weight.shape, m.weight.requires_grad)
m.reset_parameters()
print(m.weight.is_meta)

with torch.device('meta'):
    big = nn.Sequential(nn.Linear(1000, 1000), nn.ReLU(), nn.Linear(1000, 10))
print(big)
print(big[0].weight.device, big[0].weight.shape)


# hooks
def forward_pre_hook(m, inputs):
    # Allows for examination and modification of the input before the forward pass.
    # Note that inputs are always wrapped in a tuple.
    input = inputs[0]
    return input + 1.


def forward_hook(m, inputs, output):
    # Allows for examination of inputs / outputs and modification of the outputs
    # after the forward pass. Note that inputs are always wrapped in a tuple while outputs
    # are passed as-is.
    # Residual computation a la ResNet.
    return output + inputs[0]


def backward_hook(m, grad_inputs, grad_outputs):
    # Allows for examination of grad_inputs / grad_outputs and modification of
    # grad_inputs used in the rest of the backwards pass. Note that grad_inputs and
    # grad_outputs are always wrapped in tuples.
    new_grad_inputs = [torch.ones_like(gi) * 42. for gi in grad_inputs]
    return new_grad_inputs


torch.manual_seed(1)
m = nn.Linear(3, 3)
x = torch.randn(2, 3, requires_grad=True)

# Run input through module before and after adding hooks.
print('output with no forward hooks: {}'.format(m(x)))

# Note that the modified input results in a different output.
forward_pre_hook_handle = m.register_forward_pre_hook(forward_pre_hook)
print('output with forward pre hook: {}'.format(m(x)))

# Note the modified output.
forward_hook_handle = m.register_forward_hook(forward_hook)
print('output with both forward hooks: {}'.format(m(x)))

# Remove hooks; note that the output here matches the output before adding hooks.
forward_pre_hook_handle.remove()
forward_hook_handle.remove()
print('output after removing forward hooks: {}'.format(m(x)))

# Run input through module before and after adding hooks.
m(x).sum().backward()
print('x.grad with no backwards hook: {}'.format(x.grad))

# Clear gradients before running backward pass again.
m.zero_grad()
x.grad.zero_()

m.register_full_backward_hook(backward_hook)
m(x).sum().backward()
print('x.grad with backwards hook: {}'.format(x.grad))


def backward_pre_hook(m, grad_output):
    print('backward pre hook', [g.shape for g in grad_output])
    return (grad_output[0] * 2,)


m2 = nn.Linear(3, 2)
m2.register_full_backward_pre_hook(backward_pre_hook)
x2 = torch.randn(2, 3, requires_grad=True)
m2(x2).sum().backward()
print(x2.grad)


def kw_hook(m, args, kwargs, output):
    print('kwargs hook', sorted(kwargs), type(output).__name__)


class Scale(nn.Module):
    def forward(self, x, factor=1.0):
        return x * factor


s = Scale()
s.register_forward_hook(kw_hook, with_kwargs=True)
s.register_forward_pre_hook(lambda m, a, kw: (a, {'factor': 3.0}), with_kwargs=True)
print(s(torch.ones(2), factor=2.0))

g = nn.modules.module.register_module_forward_hook(lambda m, i, o: print('global hook', type(m).__name__))
nn.ReLU()(torch.ones(1))
g.remove()
nn.ReLU()(torch.ones(1))

# parametrizations mention
import torch.nn.utils.parametrize as parametrize


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)


layer = nn.Linear(3, 3)
parametrize.register_parametrization(layer, "weight", Symmetric())
print(torch.allclose(layer.weight, layer.weight.T))
print(layer)
print([n for n, _ in layer.named_parameters()])
print(list(layer.state_dict().keys()))

# more of nn.Module's API
seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
print(seq.get_submodule('0'), seq.get_parameter('0.bias').shape)
print([n for n, _ in seq.named_parameters(prefix='net', recurse=True)])
print([n for n, _ in seq.named_modules(prefix='root')])
seq.register_module('extra', nn.Tanh())
print(seq)
try:
    seq.get_submodule('nope')
except AttributeError as e:
    print('AttributeError:', e)


class E(nn.Module):
    def __init__(self):
        super().__init__()
        self.k = 3

    def extra_repr(self):
        return f'k={self.k}'


print(E(), nn.Sequential(E()))
sd = seq.state_dict(keep_vars=True)
print({k: type(v).__name__ for k, v in sd.items()})
print(seq.half()[0].weight.dtype, seq.float()[0].weight.dtype)
seq.requires_grad_(False)
print(seq[0].weight.requires_grad)
seq.zero_grad(set_to_none=True)
print(seq[0].weight.grad, sum(p.numel() for p in seq.parameters()))
