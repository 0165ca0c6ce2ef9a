"""One rank of tests/test_distributed_mpi.py: runs every collective, reports its results as JSON.

Run under the launcher (Ember) or torchrun (EMBER_WORKER_AS_TORCH=1: the same
calls on PyTorch's gloo). The test computes the expected values from rank and
world size, and compares Ember's results with PyTorch's.
"""
import datetime
import json
import os
import sys
import time
import warnings


TORCH = bool(os.environ.get("EMBER_WORKER_AS_TORCH"))
if TORCH:   # the same calls under PyTorch (gloo), to compare
    import torch as ember
    import torch.distributed as dist
else:
    import ember
    import ember.distributed as dist

DTYPES = ["float32", "float64", "float16", "int64", "int32", "uint8", "bool"]
try:
    ember.zeros(1, dtype=ember.bfloat16)
    DTYPES.append("bfloat16")
except Exception:  # noqa: BLE001 - bfloat16 needs the optional ml_dtypes
    pass


class Custom:
    """Not something the weights-only loader rebuilds: refused before sending."""
OPS = ["SUM", "AVG", "PRODUCT", "MIN", "MAX"]


def value(rank, dtype, n=5):
    """Rank-dependent data, the same formula the test uses."""
    if dtype == "bool":
        return [(i + rank) % 3 == 0 for i in range(n)]
    return [(i % 3) + rank + 1 + (0.5 if dtype.startswith(("float", "bfloat")) else 0)
            for i in range(n)]


def tensor(rank, dtype, n=5):
    return ember.tensor(value(rank, dtype, n), dtype=getattr(ember, dtype))


def out(t):
    return t.to(ember.float64).tolist() if t.dtype != ember.bool else t.tolist()


def attempt(fn):
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - the error is the result checked
        return {"error": type(exc).__name__, "message": str(exc)}


def main():
    early = {} if TORCH else {
        "err_world_size": attempt(lambda: dist.init_process_group(world_size=99)),
        "err_backend": attempt(lambda: dist.init_process_group("nccl")),
        "before_init": dist.is_initialized()}
    dist.init_process_group(backend=sys.argv[1] if len(sys.argv) > 1 else None)
    rank, size = dist.get_rank(), dist.get_world_size()
    res = {**early, "rank": rank, "size": size, "backend": dist.get_backend(),
           "env": {k: os.environ.get(k) for k in ("RANK", "LOCAL_RANK", "WORLD_SIZE",
                                                   "LOCAL_WORLD_SIZE", "MASTER_ADDR",
                                                   "MASTER_PORT")}}
    for dtype in DTYPES:
        for op in OPS:
            t = tensor(rank, dtype)
            before = t._version
            r = attempt(lambda: dist.all_reduce(t, op=getattr(dist.ReduceOp, op)))
            res[f"all_reduce/{dtype}/{op}"] = r if isinstance(r, dict) else out(t)
            res[f"bumped/{dtype}/{op}"] = t._version > before
        t = tensor(rank, dtype)
        dist.broadcast(t, src=size - 1)
        res[f"broadcast/{dtype}"] = out(t)
        t = tensor(rank, dtype)
        dist.reduce(t, dst=size - 1, op=dist.ReduceOp.MAX)
        res[f"reduce/{dtype}"] = out(t)
        outs = [ember.zeros(5, dtype=getattr(ember, dtype)) for _ in range(size)]
        dist.all_gather(outs, tensor(rank, dtype))
        res[f"all_gather/{dtype}"] = [out(o) for o in outs]
        flat = ember.zeros(size * 5, dtype=getattr(ember, dtype))
        dist.all_gather_single(flat, tensor(rank, dtype))
        res[f"all_gather_single/{dtype}"] = out(flat)
        src = [tensor(j, dtype) for j in range(size)] if rank == 0 else None
        t = ember.zeros(5, dtype=getattr(ember, dtype))
        dist.scatter(t, src, src=0)
        res[f"scatter/{dtype}"] = out(t)
        gl = [ember.zeros(5, dtype=getattr(ember, dtype)) for _ in range(size)] \
            if rank == 1 else None
        dist.gather(tensor(rank, dtype), gl, dst=1)
        res[f"gather/{dtype}"] = [out(o) for o in gl] if gl else None

    for op in OPS:
        o = ember.zeros(5)
        dist.reduce_scatter(o, [tensor(rank + j, "float32") for j in range(size)],
                            op=getattr(dist.ReduceOp, op))
        res[f"reduce_scatter/{op}"] = out(o)
        o = ember.zeros(5, dtype=ember.int64)
        dist.reduce_scatter_single(o, ember.cat([tensor(rank + j, "int64") for j in range(size)]),
                                   op=getattr(dist.ReduceOp, op) if op != "AVG"
                                   else dist.ReduceOp.SUM)
        res[f"reduce_scatter_single/{op}"] = out(o)
    # all_to_all: rank r sends two values 100*r+j to rank j
    outs = [ember.zeros(2, dtype=ember.float64) for _ in range(size)]
    dist.all_to_all(outs, [ember.full((2,), 100.0 * rank + j, dtype=ember.float64)
                           for j in range(size)])
    res["all_to_all"] = [out(o) for o in outs]
    if not TORCH:     # gloo needs equal sizes; MPI does not
        outs = [ember.zeros(rank + 1, dtype=ember.float64) for _ in range(size)]
        dist.all_to_all(outs, [ember.full((j + 1,), 100.0 * rank + j, dtype=ember.float64)
                               for j in range(size)])
        res["all_to_all_uneven"] = [out(o) for o in outs]
    inp = ember.arange(2 * size, dtype=ember.float32).reshape(size, 2) + 100 * rank
    o = ember.zeros(size, 2)
    dist.all_to_all_single(o, inp)
    res["all_to_all_single"] = out(o.reshape(-1))
    # uneven splits: rank r sends j+1 rows to rank j, receives r+1 rows from each
    inp = ember.cat([ember.full((j + 1, 2), 10.0 * rank + j) for j in range(size)])
    o = ember.zeros(size * (rank + 1), 2)
    dist.all_to_all_single(o, inp, output_split_sizes=[rank + 1] * size,
                           input_split_sizes=[j + 1 for j in range(size)])
    res["all_to_all_single_uneven"] = out(o[:, 0])
    # point to point around a ring, blocking and non-blocking
    t = ember.full((3,), float(rank))
    if rank % 2 == 0:
        dist.send(t, (rank + 1) % size)
        got = ember.zeros(3)
        sender = dist.recv(got)
    else:
        got = ember.zeros(3)
        sender = dist.recv(got)
        dist.send(t, (rank + 1) % size)
    res["recv"] = [sender, out(got)]
    got = ember.zeros(3)
    reqs = [dist.isend(ember.full((3,), rank * 2.0), (rank + 1) % size),
            dist.irecv(got, (rank - 1) % size)]
    for w in reqs:
        w.wait()
    res["irecv"] = out(got)
    if not TORCH:
        if rank == 0:   # one receive from anyone per other rank
            bufs = [ember.zeros(3) for _ in range(size - 1)]
            works = [dist.irecv(b) for b in bufs]
            res["irecv_any"] = sorted([w.source_rank(), out(b)] for w, b in zip(works, bufs))
        else:
            dist.isend(ember.full((3,), 7.0 + rank), 0).wait()
        res["err_device"] = attempt(lambda: dist.broadcast_object_list([1], src=0,
                                                                       device="cuda"))
    # async collectives
    t = tensor(rank, "float32")
    w = dist.all_reduce(t, async_op=True)
    res["async_type"] = type(w).__name__
    w.wait()
    res["async_all_reduce"] = [out(t), w.is_completed()]
    t = tensor(rank, "float64")
    w = dist.broadcast(t, src=0, async_op=True)
    w.wait()
    res["async_broadcast"] = out(t)
    # every other collective with async_op=True: started together, waited for in turn
    a = tensor(rank, "float32")
    g_list = [ember.zeros(5) for _ in range(size)]
    gathered = [ember.zeros(5) for _ in range(size)] if rank == 0 else None
    sc = ember.zeros(5)
    rs = ember.zeros(5)
    a2a = ember.zeros(size, 2)
    works = [dist.reduce(a, dst=0, op=dist.ReduceOp.MIN, async_op=True),
             dist.all_gather(g_list, tensor(rank, "float32"), async_op=True),
             dist.gather(tensor(rank, "float32"), gathered, dst=0, async_op=True),
             dist.scatter(sc, [tensor(j, "float32") for j in range(size)] if rank == 0
                          else None, src=0, async_op=True),
             dist.reduce_scatter(rs, [tensor(rank * j, "float32") for j in range(size)],
                                 op=dist.ReduceOp.AVG, async_op=True),
             dist.all_to_all_single(a2a, ember.full((size, 2), float(rank)), async_op=True),
             dist.barrier(async_op=True)]
    res["async_types"] = sorted({type(w).__name__ for w in works})
    for w in works:
        w.wait()
    res["async_all"] = [out(a) if rank == 0 else None, [out(x) for x in g_list],
                        [out(x) for x in gathered] if gathered else None, out(sc), out(rs),
                        out(a2a.reshape(-1))]
    res["async_completed"] = [w.is_completed() for w in works]
    # non-contiguous tensors are staged and written back
    t = (ember.arange(6.0).reshape(2, 3) + rank).t()
    dist.all_reduce(t)
    res["noncontiguous"] = t.tolist()
    # a sub-group of the first and last rank
    g = dist.new_group([0, size - 1])
    t = tensor(rank, "float32")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dist.all_reduce(t, group=g)
        res["subgroup"] = [out(t), dist.get_rank(g), dist.get_world_size(g),
                           [str(c.message) for c in caught]]
    t = tensor(rank, "float32")
    if g is not dist.GroupMember.NON_GROUP_MEMBER:
        dist.broadcast(t, group=g, group_src=1)
    res["subgroup_broadcast"] = out(t)
    # objects
    objs = [{"w": ember.ones(2) * rank, "name": f"r{rank}"}, [rank, 1.5]] if rank == 1 \
        else [None, None]
    dist.broadcast_object_list(objs, src=1)
    res["broadcast_object_list"] = [objs[0]["w"].tolist(), objs[0]["name"], objs[1]]
    gathered = [None] * size
    dist.all_gather_object(gathered, {"rank": rank, "t": ember.tensor([rank])})
    res["all_gather_object"] = [[o["rank"], o["t"].tolist()] for o in gathered]
    gl = [None] * size if rank == 0 else None
    dist.gather_object(("from", rank), gl, dst=0)
    res["gather_object"] = gl
    so = [None]
    dist.scatter_object_list(so, [{"to": j} for j in range(size)] if rank == 0 else None, src=0)
    res["scatter_object_list"] = so[0]
    if rank == 0:
        dist.send_object_list([{"k": ember.arange(3)}], dst=size - 1)
    if rank == size - 1:
        lst = [None]
        s = dist.recv_object_list(lst, src=0)
        res["err_recv_object_list"] = attempt(lambda: dist.recv_object_list(lst))
        res["recv_object_list"] = [s, lst[0]["k"].tolist()]
    if not TORCH:   # PyTorch pickles anything
        res["unsafe_object"] = attempt(lambda: dist.broadcast_object_list([Custom()], src=rank))
    # errors: nothing sent, nothing changed
    t = tensor(rank, "float32")
    res["err_dtype"] = attempt(lambda: dist.all_gather(
        [ember.zeros(5), ember.zeros(5, dtype=ember.float64)] + [ember.zeros(5)] * (size - 2), t))
    res["err_len"] = attempt(lambda: dist.all_gather([ember.zeros(5)], t))
    res["err_size"] = attempt(lambda: dist.all_gather([ember.zeros(4)] * size, t))
    res["err_avg_int"] = attempt(lambda: dist.all_reduce(ember.ones(2, dtype=ember.int64),
                                                         op=dist.ReduceOp.AVG))
    res["err_flat"] = attempt(lambda: dist.all_gather_single(ember.zeros(size * 5 + 1), t))
    res["err_stacked"] = attempt(lambda: dist.all_gather_single(ember.zeros(size, 5), t))
    res["err_flat_dtype"] = attempt(lambda: dist.all_gather_single(
        ember.zeros(size * 5, dtype=ember.float64), t))
    res["err_self_send"] = attempt(lambda: dist.send(t, rank))
    # roots outside the default group: gloo's errors, after the list checks
    res["err_root"] = [attempt(lambda: dist.broadcast(t, src=size + 3)),
                       attempt(lambda: dist.reduce(t, dst=-1)),
                       attempt(lambda: dist.broadcast(t, group_src=size)),
                       attempt(lambda: dist.gather(t, None, dst=size)),
                       attempt(lambda: dist.gather(t, [ember.zeros(5)] * size, dst=size)),
                       attempt(lambda: dist.scatter(t, None, src=size)),
                       attempt(lambda: dist.broadcast_object_list([1], src=size)),
                       attempt(lambda: dist.gather_object(1, None, dst=size)),
                       attempt(lambda: dist.gather_object(1, [None] * size, dst=size)),
                       attempt(lambda: dist.gather_object(1, [], dst=rank))]
    # a group argument that is no group
    res["err_group_arg"] = [attempt(lambda: f(g)) for g in ("world", 3, [0]) for f in (
        dist.get_rank, dist.get_world_size, dist.get_process_group_ranks, dist.get_backend,
        lambda g: dist.barrier(group=g), lambda g: dist.all_reduce(t, group=g))]
    res["err_twice"] = attempt(lambda: dist.init_process_group())
    res["unchanged"] = out(t)
    o = ember.zeros(size * 5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dist.all_gather_into_tensor(o, t)
        w = dist.reduce_scatter_tensor(t, o, async_op=True)
        w.wait()
    res["deprecated"] = [out(o), out(t), [str(c.message) for c in caught]]
    # monitored_barrier: the last rank is late (gloo's pairs die with the timeout: Ember only)
    dist.monitored_barrier(timeout=datetime.timedelta(seconds=10))
    if rank == size - 1:
        time.sleep(1.5)
    elif not TORCH:
        res["monitored"] = attempt(lambda: dist.monitored_barrier(
            timeout=datetime.timedelta(seconds=0.5), wait_all_ranks=rank == 0))
    dist.barrier()
    dist.destroy_process_group()
    res["after_destroy"] = dist.is_initialized()
    out_dir = os.environ.get("EMBER_WORKER_OUT")
    if out_dir:     # one file per rank: ranks' stdout lines can interleave
        with open(os.path.join(out_dir, f"{rank}.json"), "w") as f:
            json.dump(res, f)
    else:
        print("JSON " + json.dumps(res), flush=True)


if __name__ == "__main__":
    main()
