"""PyTorch's recipes "Tips for Loading an nn.Module from a Checkpoint" (mmap,
the meta device, load_state_dict(assign=True)), "Warmstarting Model Using
Parameters from a Different Model", "Zeroing out Gradients" and "Defining a
Neural Network" (its Dropout2d on a 2-D input warns: the warnings are printed
here, by category and message, where PyTorch's would go to stderr)."""
import io
import os
import tempfile
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

def show(f):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__ + ':', str(e).splitlines()[0] if str(e) else '')

torch.manual_seed(0)
tmp = tempfile.mkdtemp()
# "Tips for loading an nn.Module from a checkpoint"
class SomeModule(torch.nn.Module):
    def __init__(self, size):
        super().__init__()
        self.linears = nn.ModuleList([nn.Linear(size, size) for i in range(10)])
    def forward(self, x):
        return self.linears(x)

m = SomeModule(100)
torch.save(m.state_dict(), os.path.join(tmp, 'checkpoint.pth'))
state_dict = torch.load(os.path.join(tmp, 'checkpoint.pth'), mmap=True, weights_only=True)
with torch.device('meta'):
    meta_m = SomeModule(100)
print(meta_m.linears[0].weight.device)
meta_m.load_state_dict(state_dict, assign=True)
print(meta_m.linears[0].weight.device, meta_m.linears[0].weight.requires_grad, type(meta_m.linears[0].weight).__name__)
print(torch.equal(meta_m.linears[3].bias, m.linears[3].bias))
print(meta_m.linears[0].weight.untyped_storage().data_ptr() == state_dict['linears.0.weight'].untyped_storage().data_ptr())
m2 = SomeModule(100)
m2.load_state_dict(state_dict)
print(m2.linears[0].weight.untyped_storage().data_ptr() == state_dict['linears.0.weight'].untyped_storage().data_ptr())
with torch.device('meta'):
    meta_m2 = SomeModule(100)
show(lambda: meta_m2.load_state_dict(state_dict))
print(meta_m2.linears[0].weight.device)
# "Warmstarting model using parameters from a different model"
class NetA(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.fc1 = nn.Linear(16, 8)
class NetB(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.fc2 = nn.Linear(16, 8)
netA, netB = NetA(), NetB()
buf = io.BytesIO(); torch.save(netA.state_dict(), buf); buf.seek(0)
print(netB.load_state_dict(torch.load(buf, weights_only=True), strict=False))
print(torch.equal(netA.conv1.weight, netB.conv1.weight))
netC = NetA(); netC.fc1 = nn.Linear(16, 4)
show(lambda: netC.load_state_dict(netA.state_dict(), strict=False))
# "Zeroing out gradients"
net = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
opt = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
x = torch.randn(5, 4); y = torch.tensor([0, 1, 1, 0, 1])
for i in range(2):
    opt.zero_grad()
    loss = nn.CrossEntropyLoss()(net(x), y)
    loss.backward()
    opt.step()
print(loss, net[0].weight.grad is not None)
net.zero_grad()
print(net[0].weight.grad)
opt.zero_grad(set_to_none=False)
print(net[2].bias.grad)
# "Defining a Neural Network"
class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout2d(0.25)
        self.dropout2 = nn.Dropout2d(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)
    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output
my_nn = Net()
print(my_nn)
random_data = torch.rand((1, 1, 28, 28))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    result = my_nn(random_data)
print(result)
print([f"{w.category.__name__}: {w.message}" for w in caught])
# state_dict recipe
print(opt.state_dict()['param_groups'])
print(list(my_nn.state_dict().keys())[:4])
