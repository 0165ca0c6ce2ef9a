# A small CNN on 8x8 digits, with checkpoint save/resume through a temp file.
import os
import tempfile
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import TensorDataset, DataLoader
from sklearn.datasets import load_digits

torch.manual_seed(7)
d = load_digits()
X = torch.tensor(d.images, dtype=torch.float32).unsqueeze(1) / 16.
y = torch.tensor(d.target, dtype=torch.long)
print(X.shape, X.min().item(), X.max().item())
train = TensorDataset(X[:800], y[:800])
test = TensorDataset(X[1400:], y[1400:])
loader = DataLoader(train, batch_size=100, shuffle=True)


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 8, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(16 * 2 * 2, 10)
        self.drop = nn.Dropout2d(0.1)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = F.relu(self.conv2(x))
        x = self.drop(x)
        x = x.view(x.size(0), -1)
        return self.fc(x)


net = Net()
print(net)
print(net.conv1.weight.shape, net.conv2.bias.shape)
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)


def evaluate(model):
    model.eval()
    with torch.no_grad():
        out = model(test.tensors[0])
        return (out.argmax(1) == test.tensors[1]).float().mean().item()


for epoch in range(2):
    net.train()
    for i, (xb, yb) in enumerate(loader):
        opt.zero_grad()
        loss = F.cross_entropy(net(xb), yb)
        loss.backward()
        opt.step()
    sched.step()
    print(f"epoch {epoch} loss {loss.item():.2f} acc {evaluate(net):.2f} lr {sched.get_last_lr()}")

path = os.path.join(tempfile.mkdtemp(), "ckpt.pt")
torch.save({"epoch": 3, "model_state_dict": net.state_dict(),
            "optimizer_state_dict": opt.state_dict(), "loss": loss}, path)
ck = torch.load(path)
print(sorted(ck), ck["epoch"], type(ck["loss"]).__name__)
net2 = Net()
opt2 = torch.optim.SGD(net2.parameters(), lr=0.05, momentum=0.9)
net2.load_state_dict(ck["model_state_dict"])
opt2.load_state_dict(ck["optimizer_state_dict"])
print(opt2.param_groups[0]["lr"], opt2.param_groups[0]["initial_lr"])
print(evaluate(net2) == evaluate(net))
print(torch.equal(net2.fc.weight, net.fc.weight))
whole = os.path.join(os.path.dirname(path), "whole.pt")
torch.save(net, whole)
m = torch.load(whole, weights_only=False)
print(type(m).__name__, m.conv1)
try:
    torch.load(whole)
except Exception as e:
    print(type(e).__name__, str(e).splitlines()[0])
feat = F.relu(net.conv1(X[:2]))
print(feat.shape, F.max_pool2d(feat, 2).shape, F.avg_pool2d(feat, 4).shape)
print(F.adaptive_avg_pool2d(feat, 1).flatten(1).shape)
print(sum(p.numel() for p in net.parameters() if p.requires_grad))
