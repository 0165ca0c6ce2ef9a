"""PyTorch's recipes: "What is a state_dict", "Saving and loading a general
checkpoint", "Saving and loading multiple models in one file",
"Warmstarting model using parameters from a different model", "Zeroing out
gradients", "Automatic Mixed Precision" (on the CPU, bfloat16) and
stochastic weight averaging (torch.optim.swa_utils); small sizes."""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(0)
tmp = tempfile.mkdtemp()


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
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


net = Net()
optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
print("Model's state_dict:")
for param_tensor in net.state_dict():
    print(param_tensor, "\t", net.state_dict()[param_tensor].size())
print()
print("Optimizer's state_dict:")
for var_name in optimizer.state_dict():
    print(var_name, "\t", optimizer.state_dict()[var_name])

inputs, labels = torch.randn(4, 3, 32, 32), torch.tensor([1, 2, 3, 4])
criterion = nn.CrossEntropyLoss()
for _ in range(2):
    optimizer.zero_grad()
    loss = criterion(net(inputs), labels)
    loss.backward()
    optimizer.step()
EPOCH = 5
PATH = os.path.join(tmp, "model.pt")
LOSS = 0.4
torch.save({
    'epoch': EPOCH,
    'model_state_dict': net.state_dict(),
    'optimizer_state_dict': optimizer.state_dict(),
    'loss': LOSS,
}, PATH)
model = Net()
optimizer = optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
checkpoint = torch.load(PATH, weights_only=True)
model.load_state_dict(checkpoint['model_state_dict'])
optimizer.load_state_dict(checkpoint['optimizer_state_dict'])
epoch = checkpoint['epoch']
loss = checkpoint['loss']
model.train()
print(epoch, loss, optimizer.state_dict()['state'][0]['momentum_buffer'][0, 0, 0])
print(torch.equal(model(inputs), net(inputs)))

netA, netB = Net(), Net()
optimizerA = optim.SGD(netA.parameters(), lr=0.001, momentum=0.9)
optimizerB = optim.SGD(netB.parameters(), lr=0.001, momentum=0.9)
torch.save({
    'modelA_state_dict': netA.state_dict(),
    'modelB_state_dict': netB.state_dict(),
    'optimizerA_state_dict': optimizerA.state_dict(),
    'optimizerB_state_dict': optimizerB.state_dict(),
}, PATH)
checkpoint = torch.load(PATH, weights_only=True)
print(sorted(checkpoint.keys()), netA.load_state_dict(checkpoint['modelA_state_dict']))


class NetB(nn.Module):
    def __init__(self):
        super(NetB, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc_new = nn.Linear(84, 3)

    def forward(self, x):
        return x


netB = NetB()
torch.save(netA.state_dict(), PATH)
print(netB.load_state_dict(torch.load(PATH, weights_only=True), strict=False))
try:
    netB.load_state_dict(torch.load(PATH, weights_only=True))
except RuntimeError as e:
    print("RuntimeError:", e)
sd = torch.load(PATH, weights_only=True)
sd['fc1.weight'] = sd['fc1.weight'][:, :10]
try:
    netB.load_state_dict(sd, strict=False)
except RuntimeError as e:
    print("RuntimeError:", e)

# --- Zeroing out gradients ---
net.zero_grad()
print(net.conv1.bias.grad)
optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
loss = criterion(net(inputs), labels)
loss.backward()
optimizer.zero_grad(set_to_none=False)
print(net.conv1.bias.grad)

# --- Automatic Mixed Precision (CPU, bfloat16) ---
def make_model(in_size, out_size, num_layers):
    layers = []
    for _ in range(num_layers - 1):
        layers.append(torch.nn.Linear(in_size, in_size))
        layers.append(torch.nn.ReLU())
    layers.append(torch.nn.Linear(in_size, out_size))
    return torch.nn.Sequential(*tuple(layers))


batch_size = 16
in_size = 32
out_size = 8
num_layers = 3
num_batches = 4
epochs = 2
device = 'cpu'
data = [torch.randn(batch_size, in_size, device=device) for _ in range(num_batches)]
targets = [torch.randn(batch_size, out_size, device=device) for _ in range(num_batches)]
loss_fn = torch.nn.MSELoss().cpu()
net = make_model(in_size, out_size, num_layers)
opt = torch.optim.SGD(net.parameters(), lr=0.001)
scaler = torch.amp.GradScaler("cpu", enabled=True)
for epoch in range(epochs):
    for input, target in zip(data, targets):
        with torch.autocast(device_type=device, dtype=torch.bfloat16):
            output = net(input)
            assert output.dtype is torch.bfloat16
            loss = loss_fn(output, target)
            assert loss.dtype is torch.float32
        scaler.scale(loss).backward()
        scaler.unscale_(opt)
        torch.nn.utils.clip_grad_norm_(net.parameters(), max_norm=0.1)
        scaler.step(opt)
        scaler.update()
        opt.zero_grad(set_to_none=True)
print(output.dtype, loss.dtype, f"{loss.item():.2f}", scaler.get_scale())
checkpoint = {"model": net.state_dict(), "optimizer": opt.state_dict(), "scaler": scaler.state_dict()}
print(checkpoint["scaler"])
with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
    a = torch.randn(3, 3)
    print((a @ a).dtype, torch.mm(a, a).dtype, a.sum().dtype, F.softmax(a, 0).dtype,
          torch.is_autocast_enabled("cpu"), torch.get_autocast_dtype("cpu"))

# --- Stochastic Weight Averaging ---
from torch.optim.swa_utils import AveragedModel, SWALR, update_bn
from torch.optim.lr_scheduler import CosineAnnealingLR

model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 1))
loader = [(torch.randn(8, 4), torch.randn(8, 1)) for _ in range(3)]
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
swa_model = AveragedModel(model)
scheduler = CosineAnnealingLR(optimizer, T_max=10)
swa_start = 3
swa_scheduler = SWALR(optimizer, swa_lr=0.05)
for epoch in range(6):
    for input, target in loader:
        optimizer.zero_grad()
        F.mse_loss(model(input), target).backward()
        optimizer.step()
    if epoch > swa_start:
        swa_model.update_parameters(model)
        swa_scheduler.step()
    else:
        scheduler.step()
    print(epoch, optimizer.param_groups[0]['lr'])
update_bn(((x, y) for x, y in loader), swa_model)
print(swa_model.n_averaged, swa_model.module[1].running_mean[:3])
preds = swa_model(torch.ones(2, 4))
print(preds)
ema_model = torch.optim.swa_utils.AveragedModel(model, multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(0.999))
ema_model.update_parameters(model)
print(ema_model.module[0].bias[:3])
