# torch.compile'd MLP on iris, then the checkpoint mix-ups learners post about (_orig_mod., devices, modes).
import io
import warnings
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.modules.utils import consume_prefix_in_state_dict_if_present
from sklearn.datasets import load_iris

# (dynamo's note on Python 3.13.0 only, from inside torch's own files)
warnings.filterwarnings("ignore", message="Guards may run slower on Python 3.13.0")
torch.manual_seed(4)
X, y = load_iris(return_X_y=True)
X = torch.tensor(X, dtype=torch.float32)
y = torch.tensor(y)
X = (X - X.mean(0)) / X.std(0)


class MLP(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, hidden), nn.GELU(), nn.LayerNorm(hidden), nn.Linear(hidden, 3))

    def forward(self, x):
        return self.net(x)


model = MLP()
# (backend="eager": the laptop has no C compiler for the default inductor backend)
model = torch.compile(model, backend="eager")
print(model)
print(type(model).__name__, isinstance(model, MLP), type(model._orig_mod).__name__)
opt = torch.optim.Adam(model.parameters(), lr=0.05)
for epoch in range(30):
    opt.zero_grad()
    loss = F.cross_entropy(model(X), y)
    loss.backward()
    opt.step()
    if epoch % 10 == 0:
        print(f"epoch {epoch} loss {loss.item():.3f}")
model.eval()
with torch.no_grad():
    acc = (model(X).argmax(1) == y).float().mean()
print(f"acc {acc:.2f}", model.training, model._orig_mod.training, model.net[0].training)
sd = model.state_dict()
print(list(sd)[:3], len(sd))
buf = io.BytesIO()
torch.save(sd, buf)
buf.seek(0)
fresh = MLP()
try:
    fresh.load_state_dict(torch.load(buf))
except RuntimeError as e:
    print(str(e).replace("\t", "  "))
buf.seek(0)
loaded = torch.load(buf, map_location="cpu")
consume_prefix_in_state_dict_if_present(loaded, "_orig_mod.")
print(list(loaded)[:2], fresh.load_state_dict(loaded))
fresh.eval()
print(torch.equal(fresh(X), model(X)), fresh(X[:2]).argmax(1))
fixed = {k.replace("_orig_mod.", ""): v for k, v in model.state_dict().items()}
print(MLP().load_state_dict(fixed), list(model._orig_mod.state_dict())[0])
print(model.load_state_dict(model.state_dict()), model.net[2])
model.extra = nn.Identity()
print(hasattr(model._orig_mod, "extra"), "extra" in dict(model.named_modules()) or "_orig_mod.extra" in dict(model.named_modules()))
inplace = MLP()
inplace.compile(backend="eager")
print(type(inplace).__name__, list(inplace.state_dict())[0], inplace(X[:1]).shape)


@torch.compile(backend="eager")
def accuracy(logits, target):
    return (logits.argmax(dim=1) == target).float().mean()


print(type(accuracy).__name__, accuracy(fresh(X), y) == acc)
print(torch.compile(MLP(), disable=True).__class__.__name__)
try:
    torch.compile(model, mode="fastest")
except RuntimeError as e:
    print(e)
try:
    torch.compile(model, backend="magic")
except Exception as e:
    print(type(e).__name__, e)
# saving the whole compiled model pickles the wrapper too
buf = io.BytesIO()
torch.save(fresh, buf)
buf.seek(0)
print(type(torch.load(buf, weights_only=False)).__name__)
ln = model.net[2]
print(ln.normalized_shape, ln.weight.shape, ln.eps, ln.elementwise_affine)
print(F.layer_norm(torch.tensor([[1.0, 2.0, 3.0]]), (3,)), F.gelu(torch.tensor([1.0]), approximate="tanh"))
