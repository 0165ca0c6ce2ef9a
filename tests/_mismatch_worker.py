"""One rank of tests/test_distributed_mismatch.py: collectives that differ
between ranks, each answered by an error on every rank, then a matched call.

Run under the launcher (Ember), or torchrun with TORCH_DISTRIBUTED_DEBUG=DETAIL
(EMBER_WORKER_AS_TORCH=1), whose checker gives the messages compared.
"""
import json
import os

if os.environ.get("EMBER_WORKER_AS_TORCH"):
    import torch as ember
    import torch.distributed as dist
    from torch import nn
else:
    import ember
    import ember.distributed as dist
    from ember import nn

# name -> (what rank 0 calls, what the others call); PyTorch's checker sees
# the first five; Ember also the reduce op, the root and a wrong-size recv.
CASES = {
    "size": (lambda: dist.all_reduce(ember.ones(10)), lambda: dist.all_reduce(ember.ones(20))),
    "kind": (lambda: dist.all_reduce(ember.ones(10)), lambda: dist.broadcast(ember.ones(10), 0)),
    "dtype": (lambda: dist.all_reduce(ember.ones(10)),
              lambda: dist.all_reduce(ember.ones(10, dtype=ember.float64))),
    "shape": (lambda: dist.all_reduce(ember.ones(2, 5)), lambda: dist.all_reduce(ember.ones(5, 2))),
    "gather": (lambda: dist.all_gather([ember.zeros(3), ember.zeros(3)], ember.ones(3)),
               lambda: dist.all_reduce(ember.ones(3))),
    "op": (lambda: dist.all_reduce(ember.ones(4)),
           lambda: dist.all_reduce(ember.ones(4), op=dist.ReduceOp.MAX)),
    "root": (lambda: dist.broadcast(ember.ones(4), 0), lambda: dist.broadcast(ember.ones(4), 1)),
    "barrier": (lambda: dist.all_reduce(ember.ones(4)), dist.barrier),
    "object": (lambda: dist.broadcast_object_list([1, 2], 0),
               lambda: dist.all_reduce(ember.ones(4))),
    "recv_short": (lambda: dist.send(ember.ones(3), 1), lambda: dist.recv(ember.ones(5), 0)),
    "recv_long": (lambda: dist.send(ember.ones(7), 1), lambda: dist.recv(ember.ones(5), 0)),
    "ddp_count": (lambda: nn.parallel.DistributedDataParallel(
                      nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))),
                  lambda: nn.parallel.DistributedDataParallel(nn.Linear(3, 2))),
    "ddp_shape": (lambda: nn.parallel.DistributedDataParallel(nn.Linear(3, 4)),
                  lambda: nn.parallel.DistributedDataParallel(nn.Linear(4, 3))),
}


def main():
    dist.init_process_group("gloo")
    rank = dist.get_rank()
    only = os.environ.get("EMBER_WORKER_CASES")
    res = {}
    for name, calls in CASES.items():
        if only and name not in only.split(","):
            continue
        try:
            calls[0 if rank == 0 else 1]()
            res[name] = None
        except Exception as exc:  # noqa: BLE001 - the error is the result checked
            res[name] = {"error": type(exc).__name__, "message": str(exc)}
        t = ember.ones(2) * (rank + 1)  # the group still works after the error
        dist.all_reduce(t)
        res[name + "/after"] = t.tolist()
    dist.destroy_process_group()
    with open(os.path.join(os.environ["EMBER_WORKER_OUT"], f"{rank}.json"), "w") as f:
        json.dump(res, f)


if __name__ == "__main__":
    main()
