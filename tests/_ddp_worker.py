"""One rank of the DistributedDataParallel checks (tests/test_ddp.py): run by
the launcher (ember) or torchrun (torch, argv[1] == "torch"); writes this
rank's results as JSON into $EMBER_WORKER_OUT/<rank>.json."""
import importlib
import json
import os
import sys

import numpy as np

LIB = sys.argv[1] if len(sys.argv) > 1 else "ember"
T = importlib.import_module(LIB)
importlib.import_module(LIB + ".distributed.algorithms.ddp_comm_hooks.default_hooks")
dist = T.distributed
hooks = dist.algorithms.ddp_comm_hooks.default_hooks
DDP = T.nn.parallel.DistributedDataParallel

dist.init_process_group("gloo")
rank, world = dist.get_rank(), dist.get_world_size()
rng = np.random.default_rng(0)
X = T.from_numpy(rng.standard_normal((12, 8)).astype(np.float32))
Y = T.from_numpy(rng.standard_normal((12, 4)).astype(np.float32))
x, y = X[rank::world], Y[rank::world]


def net(seed):
    T.manual_seed(seed)
    return T.nn.Sequential(T.nn.Linear(8, 16), T.nn.Tanh(), T.nn.Linear(16, 4))


def train(ddp, steps=3, lr=0.1):
    opt = T.optim.SGD(ddp.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        loss = ((ddp(x) - y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, [p.detach().numpy().tolist() for p in ddp.parameters()]


out = {}
# each rank starts from its own weights: DDP takes rank 0's
ddp = DDP(net(rank), bucket_cap_mb=0.0005)
out["synced"] = ddp.module[0].weight.detach().numpy().tolist()
out["losses"], out["params"] = train(ddp)
out["keys"] = list(ddp.state_dict())

out["as_view"] = train(DDP(net(rank), gradient_as_bucket_view=True, bucket_cap_mb=0.0005))[1]
fp16 = DDP(net(rank))
fp16.register_comm_hook(None, hooks.fp16_compress_hook)
out["fp16"] = train(fp16)[1]

# no_sync: two local backwards, then one synced: the sum of the three averaged
acc = DDP(net(rank))
with acc.no_sync():
    ((acc(x) - y) ** 2).mean().backward()
    ((acc(x) - y) ** 2).mean().backward()
((acc(x) - y) ** 2).mean().backward()
out["no_sync_grad"] = acc.module[0].bias.grad.numpy().tolist()

# overlap: the first bucket's all-reduce starts before the last gradient is ready
events = []
lap = DDP(net(rank), bucket_cap_mb=0.0005)


def recording(state, bucket):
    events.append(["launch", bucket.index()])
    return hooks.allreduce_hook(state, bucket)


lap.register_comm_hook(None, recording)
lap.module[0].weight.register_post_accumulate_grad_hook(lambda p: events.append(["last"]))
((lap(x) - y) ** 2).mean().backward()
out["events"] = events


class Swapped(T.nn.Module):
    """Registered in the opposite order to their use: the gradients arrive
    in registration order, not reversed, so DDP rebuilds its buckets."""

    def __init__(self):
        super().__init__()
        T.manual_seed(0)
        self.late, self.early = T.nn.Linear(16, 4), T.nn.Linear(8, 16)

    def forward(self, x):
        return self.late(T.tanh(self.early(x)))


inner = Swapped()
for name, p in inner.named_parameters():    # (hooks run in order: these before DDP's)
    p.register_post_accumulate_grad_hook(lambda p, name=name: events.append(["ready", name]))
swapped = DDP(inner, bucket_cap_mb=0.0001, gradient_as_bucket_view=True)
swapped.register_comm_hook(None, recording)
out["swapped_events"] = []
opt = T.optim.SGD(swapped.parameters(), lr=0.1)
for _ in range(3):
    events = []
    loss = ((swapped(x) - y) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    out["swapped_events"].append(events)
out["swapped"] = [p.detach().numpy().tolist() for p in swapped.parameters()]


class TwoHeads(T.nn.Module):
    def __init__(self):
        super().__init__()
        T.manual_seed(0)
        self.a, self.b = T.nn.Linear(8, 4), T.nn.Linear(8, 4)

    def forward(self, x):
        return self.a(x)     # b is never used


found = DDP(TwoHeads(), find_unused_parameters=True)
for _ in range(2):
    found(x).sum().backward()
out["unused_grad"] = found.module.b.weight.grad is None
out["used_grad"] = found.module.a.bias.grad.numpy().tolist()
strict = DDP(TwoHeads())
strict(x).sum().backward()
try:
    strict(x)
    out["unfinished"] = None
except RuntimeError as e:
    out["unfinished"] = str(e)



def uneven(throw=False, steps=None):
    """Rank r trains on 2 + 2r batches (one of them under no_sync) inside join()."""
    model = DDP(T.nn.Sequential(T.nn.Linear(8, 6), T.nn.BatchNorm1d(6), T.nn.Linear(6, 4)))
    with T.no_grad():       # every rank different: the join's end takes the last joiner's
        for p in model.module.parameters():
            p.add_(0.01 * rank)
    opt = T.optim.SGD(model.parameters(), lr=0.1)
    losses = []
    with model.join(throw_on_early_termination=throw):
        for i in range(2 + 2 * rank if steps is None else steps):
            if i == 1:
                with model.no_sync():
                    ((model(x) - y) ** 2).mean().backward()
                continue
            loss = ((model(x * (i + 1)) - y) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
    state = [v.detach().numpy().tolist() for v in model.state_dict().values()]
    return losses, state


out["join_losses"], out["join_state"] = uneven()
try:
    uneven(throw=True)
    out["join_throw"] = None
except RuntimeError as e:
    out["join_throw"] = str(e)

with open(os.path.join(os.environ["EMBER_WORKER_OUT"], f"{rank}.json"), "w") as f:
    json.dump(out, f)
dist.destroy_process_group()
