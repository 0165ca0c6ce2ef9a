# state_dict gymnastics: strict=False, deepcopy for early stopping, freezing, printing.
import copy
import io
import torch
import torch.nn as nn

torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self, n_out=3):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.BatchNorm1d(8))
        self.head = nn.Linear(8, n_out)

    def forward(self, x):
        return self.head(self.features(x))


net = Net()
sd = net.state_dict()
print(list(sd.keys()))
print(type(sd).__name__, sd["features.2.num_batches_tracked"], sd["features.2.running_var"])
for k, v in sd.items():
    print(k, tuple(v.shape), v.dtype, v.requires_grad)
other = Net(n_out=5)
try:
    other.load_state_dict(sd)
except RuntimeError as e:
    print(e)
del sd["head.weight"], sd["head.bias"]
sd["extra.weight"] = torch.zeros(1)
res = other.load_state_dict(sd, strict=False)
print(res)
print(res.missing_keys, res.unexpected_keys)
print(net.load_state_dict(net.state_dict()))
best = copy.deepcopy(net.state_dict())
with torch.no_grad():
    net.head.weight.fill_(0.5)
print(torch.equal(best["head.weight"], net.head.weight), net.state_dict()["head.weight"][0, :2])
net.load_state_dict(best)
print(net.head.weight[0, :3])
shallow = net.state_dict()
with torch.no_grad():
    net.head.bias.add_(1)
print(torch.equal(shallow["head.bias"], net.head.bias))
for p in net.features.parameters():
    p.requires_grad = False
print([n for n, p in net.named_parameters() if p.requires_grad])
opt = torch.optim.SGD(filter(lambda p: p.requires_grad, net.parameters()), lr=0.1)
print(opt)
net.head = nn.Linear(8, 2)
print(net)
buf = io.BytesIO()
torch.save(net.state_dict(), buf)
buf.seek(0)
loaded = torch.load(buf)
print(list(loaded)[-2:], loaded["head.weight"].shape)
print(dict(net.named_children()).keys(), [type(m).__name__ for m in net.modules()])
print(list(net.named_buffers())[0][0], len(list(net.buffers())))
net.apply(lambda m: print("apply", type(m).__name__) if isinstance(m, nn.Linear) else None)
net.eval()
print(net.training, net.features[2].training)
net.requires_grad_(False)
print(all(not p.requires_grad for p in net.parameters()))
print(net.features[0].weight.dtype, net.double().features[0].weight.dtype)
print(sum(p.numel() for p in net.parameters()), net.head.weight.device)
pg = torch.optim.Adam([{"params": net.features.parameters()}, {"params": net.head.parameters(), "lr": 1e-2}], lr=1e-3)
print(pg)
print([g["lr"] for g in pg.param_groups], pg.state_dict()["param_groups"][1]["params"])
