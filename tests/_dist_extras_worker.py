"""One rank of tests/test_distributed_extras_mpi.py: run by Ember's launcher
(argv[1] "ember") or torchrun (argv[1] "torch"), 2 ranks; writes this rank's
results as JSON into $EMBER_WORKER_OUT/<rank>.json. argv[2] is a FileStore
path shared by the ranks."""
import datetime
import importlib
import json
import os
import sys
import warnings

LIB = sys.argv[1]
T = importlib.import_module(LIB)
dist = T.distributed
out = {}


def record(name, fn):
    try:
        value = fn()
    except Exception as exc:    # the error is the result compared
        value = [type(exc).__name__, str(exc)]
    out[name] = value if isinstance(value, (int, float, str, list, bool, type(None))) \
        else repr(value).replace("torch", "ember")


record("pg_count_before", dist.get_pg_count)
dist.init_process_group("gloo")
rank, world = dist.get_rank(), dist.get_world_size()
record("pg_count_init", dist.get_pg_count)
record("local_rank", dist.get_node_local_rank)

# batch_isend_irecv around the ring, receives listed before sends
send = T.arange(3, dtype=T.float32) + 10 * rank
got = T.zeros(3)
ops = [dist.P2POp(dist.irecv, got, (rank - 1) % world), dist.P2POp(dist.isend, send,
                                                                   (rank + 1) % world)]
record("p2p_repr", lambda: [repr(op) for op in ops])
record("p2p_peers", lambda: [(op.peer, op.group_peer, op.tag) for op in ops])
works = dist.batch_isend_irecv(ops)
for w in works:
    w.wait()
record("p2p_got", got.tolist)
record("p2p_works", lambda: len(works))
record("p2p_bad_op", lambda: dist.P2POp(dist.send, send, 1))
record("p2p_bad_tensor", lambda: dist.P2POp(dist.isend, [1], 1))
record("p2p_both_peers", lambda: dist.P2POp(dist.isend, send, 1, group_peer=1))
record("p2p_no_peer", lambda: dist.P2POp(dist.isend, send))
record("p2p_bad_list", lambda: dist.batch_isend_irecv([1]))
record("p2p_bad_tuple", lambda: dist.batch_isend_irecv(tuple(ops)))

# SyncBatchNorm: eval runs; training refuses CPU input once a group exists
T.manual_seed(0)
bn = T.nn.SyncBatchNorm(3)
x = T.randn(4, 3)
record("sbn_train", lambda: bn(x))
record("sbn_tracked", lambda: bn.num_batches_tracked.item())
record("sbn_running_mean", bn.running_mean.tolist)
bn.eval()
record("sbn_eval", lambda: bn(x).tolist())
stateless = T.nn.SyncBatchNorm(3, track_running_stats=False).eval()
record("sbn_eval_no_stats", lambda: stateless(x).sum().item() < 1e-5)

# a FileStore shared by the ranks
store = dist.FileStore(sys.argv[2], world)
store.set_timeout(datetime.timedelta(seconds=30))
store.set(f"rank{rank}", str(rank * 7))
record("store_add", lambda: store.add("count", rank + 1) > 0)
store.wait([f"rank{r}" for r in range(world)])
record("store_others", lambda: [store.get(f"rank{r}").decode() for r in range(world)])
dist.barrier()
record("store_count", lambda: store.get("count").decode())
prefixed = dist.PrefixStore(f"p{rank}", store)
prefixed.set("k", "v")
dist.barrier()
record("store_prefixed", lambda: store.get(f"p{1 - rank}/k").decode())

sub = dist.new_group([0])
record("pg_count_new_group", dist.get_pg_count)
record("sub_is_member", lambda: sub != dist.GroupMember.NON_GROUP_MEMBER)
cur, subs = dist.new_subgroups(1)
record("subgroups", lambda: [dist.get_world_size(cur), len(subs),
                             dist.get_process_group_ranks(cur), dist.get_pg_count()])
cur, subs = dist.new_subgroups_by_enumeration([[1, 0]])
record("subgroups_enum", lambda: [dist.get_world_size(cur), dist.get_rank(cur), len(subs)])
for args in ((None,), (0,), (3,)):
    record(f"subgroups_bad_{args}", lambda: dist.new_subgroups(*args))
record("subgroups_enum_empty", lambda: dist.new_subgroups_by_enumeration([]))
record("subgroups_enum_overlap", lambda: dist.new_subgroups_by_enumeration([[0, 1], [1]]))
dist.barrier()
dist.destroy_process_group()
record("pg_count_destroyed", dist.get_pg_count)
with warnings.catch_warnings(record=True):
    warnings.simplefilter("always")
    record("reduce_op_sum", lambda: str(dist.reduce_op.SUM))

with open(os.path.join(os.environ["EMBER_WORKER_OUT"], f"{rank}.json"), "w") as f:
    json.dump(out, f)
