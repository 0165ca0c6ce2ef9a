# XOR with a tiny MLP: weight init loops, printing parameters, grads and state_dict.
import torch
import torch.nn as nn

torch.manual_seed(3)
X = torch.Tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
Y = torch.Tensor([0, 1, 1, 0]).view(-1, 1)
print(X, X.dtype, Y.t())


class XOR(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 4)
        self.act = nn.Tanh()
        self.fc2 = nn.Linear(4, 1)

    def forward(self, x):
        return torch.sigmoid(self.fc2(self.act(self.fc1(x))))


net = XOR()
for m in net.modules():
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)
    print(type(m).__name__)
print(list(net.parameters()))
for name, p in net.named_parameters():
    print(name, p.shape, p.requires_grad)
print(sum(p.numel() for p in net.parameters()))
opt = torch.optim.SGD(net.parameters(), lr=0.5, momentum=0.9)
loss_fn = nn.BCELoss()
losses = []
for epoch in range(200):
    opt.zero_grad()
    loss = loss_fn(net(X), Y)
    loss.backward()
    opt.step()
    losses.append(loss.item())
    if epoch % 100 == 0:
        print(epoch, loss)
print("last", "%.4f" % losses[-1], len(losses))
print(net.fc1.weight.grad)
print(net(X).detach().round())
print(net(X).data.squeeze() > 0.5)
print((net(X) > 0.5).int().view(-1).tolist())
print(net.state_dict())
print(opt.state_dict()["state"][0]["momentum_buffer"])
with torch.no_grad():
    print(net(torch.tensor([[1., 1.]])), net(torch.tensor([[0., 1.]])).item())
# gradient clipping
loss = loss_fn(net(X), 1 - Y)
loss.backward()
total = nn.utils.clip_grad_norm_(net.parameters(), max_norm=0.1)
print("norm before clipping", total)
print(torch.nn.utils.clip_grad_value_(net.parameters(), 0.01))
print(net.fc2.weight.grad.abs().max() <= 0.01)
print(repr(net.act), str(net.fc1), net.fc1.in_features, net.fc1.extra_repr())
