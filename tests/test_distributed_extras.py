"""ember.distributed's small parts without MPI processes, against PyTorch's:
backend availability, the debug level, the exception classes, reduce_op,
supports_complex, get_node_local_rank, and the key-value stores (HashStore,
FileStore, PrefixStore), a FileStore also shared by several processes."""
import datetime
import os
import subprocess
import sys
import warnings

import pytest

import ember.distributed as dist

torch = pytest.importorskip("torch")
tdist = pytest.importorskip("torch.distributed")
SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")


def outcome(fn):
    try:
        out = fn()
    except Exception as exc:    # the error itself is what is compared
        return type(exc).__name__, str(exc)
    return repr(out)


def test_availability():
    assert dist.is_mpi_available() is dist.is_gloo_available() is dist.is_available()
    assert not (dist.is_nccl_available() or dist.is_ucc_available() or dist.is_xccl_available())
    if not torch.version.cuda:      # (a CUDA build of PyTorch has NCCL)
        assert tdist.is_nccl_available() is dist.is_nccl_available() is False
        for name in ("nccl", "ucc", "xccl", "undefined", "fake", "foo", "cpu:gloo,cuda:nccl"):
            assert dist.is_backend_available(name) is tdist.is_backend_available(name), name
    for name in ("gloo", "GLOO", "mpi", "cpu:gloo"):
        assert dist.is_backend_available(name) is dist.is_available()


def test_environment_queries(monkeypatch):
    monkeypatch.delenv("LOCAL_RANK", raising=False)
    monkeypatch.delenv("TORCHELASTIC_RUN_ID", raising=False)
    for d in (dist, tdist):
        assert d.is_torchelastic_launched() is False
        assert d.get_node_local_rank(fallback_rank="3") == 3
    assert outcome(dist.get_node_local_rank) == outcome(tdist.get_node_local_rank)
    monkeypatch.setenv("LOCAL_RANK", "2")
    monkeypatch.setenv("TORCHELASTIC_RUN_ID", "x")
    assert dist.get_node_local_rank(fallback_rank=5) == 2
    assert dist.is_torchelastic_launched() is True
    assert dist.get_pg_count() == tdist.get_pg_count() == 0


def test_debug_level(monkeypatch):
    before, torch_before = dist.get_debug_level(), tdist.get_debug_level()
    try:
        L = dist.DebugLevel
        assert list(L.__members__) == list(tdist.DebugLevel.__members__)
        for ours, theirs in zip(L, (tdist.DebugLevel.OFF, tdist.DebugLevel.INFO,
                                    tdist.DebugLevel.DETAIL)):
            assert (repr(ours), str(ours), int(ours)) == (repr(theirs), str(theirs), int(theirs))
        dist.set_debug_level(L.DETAIL)
        assert dist.get_debug_level() is L.DETAIL
        with pytest.raises(TypeError, match=r"set_debug_level\(\): incompatible function"):
            dist.set_debug_level(1)
        for value, want in (("info", L.INFO), ("Off", L.OFF), ("DETAIL", L.DETAIL)):
            monkeypatch.setenv("TORCH_DISTRIBUTED_DEBUG", value)
            dist.set_debug_level_from_env()
            assert dist.get_debug_level() is want
        for value in ("bogus", ""):
            monkeypatch.setenv("TORCH_DISTRIBUTED_DEBUG", value)
            assert outcome(dist.set_debug_level_from_env) == \
                outcome(tdist.set_debug_level_from_env)
        monkeypatch.delenv("TORCH_DISTRIBUTED_DEBUG")
        dist.set_debug_level_from_env()
        assert dist.get_debug_level() is L.OFF
    finally:
        dist.set_debug_level(before)
        tdist.set_debug_level(torch_before)


def test_exception_hierarchy():
    names = ["DistError", "DistBackendError", "DistNetworkError", "DistStoreError",
             "QueueEmptyError"]
    for name in names:
        ours, theirs = getattr(dist, name), getattr(tdist, name)
        assert [c.__name__ for c in ours.__mro__] == [c.__name__ for c in theirs.__mro__]
        assert str(ours("x")) == "x"
    with pytest.raises(RuntimeError):
        raise dist.QueueEmptyError("queue is empty")


def test_reduce_op_is_deprecated_and_supports_complex():
    for d in (dist, tdist):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            members = (d.reduce_op.SUM, d.reduce_op.MAX)
        assert [str(m) for m in members] == ["RedOpType.SUM", "RedOpType.MAX"]
        assert [(w.category, str(w.message)) for w in caught] == [(
            FutureWarning, "`torch.distributed.reduce_op` is deprecated, please use "
            "`torch.distributed.ReduceOp` instead")] * 2
    for name in ("SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR", "PREMUL_SUM"):
        assert dist.supports_complex(getattr(dist.ReduceOp, name)) is \
            tdist.supports_complex(getattr(tdist.ReduceOp, name)), name


def test_p2p_op_needs_a_process_group():
    assert outcome(lambda: dist.P2POp(dist.isend, ember_ones(), 1)) == \
        outcome(lambda: tdist.P2POp(tdist.isend, torch.ones(2), 1))
    assert outcome(lambda: dist.P2POp(dist.send, ember_ones(), 1)) == \
        outcome(lambda: tdist.P2POp(tdist.send, torch.ones(2), 1))


def ember_ones():
    import ember
    return ember.ones(2)


def store_calls(d, kind, path):
    s = d.HashStore() if kind == "hash" else d.FileStore(str(path))
    p = d.PrefixStore("pre", s)
    calls = [
        lambda: s.set("a", "1"), lambda: s.set("b", b"\x00x"), lambda: s.get("a"),
        lambda: s.get("b"), lambda: s.add("c", 5), lambda: s.add("c", -2), lambda: s.get("c"),
        lambda: s.add("a", 1), lambda: s.get("a"), lambda: s.set("s", "x"),
        lambda: s.add("s", 1), lambda: s.delete_key("a"), lambda: s.check(["a"]),
        lambda: s.compare_set("k", "", "v1"), lambda: s.get("k"),
        lambda: s.compare_set("k", "nope", "v2"), lambda: s.compare_set("k", "v1", "v2"),
        lambda: s.compare_set("new", "x", "y"), lambda: s.check(["new"]),
        lambda: s.compare_set("new2", "", "y"), lambda: s.check(["k", "c"]),
        lambda: s.check(["k", "q"]), lambda: s.timeout,
        lambda: s.set_timeout(datetime.timedelta(seconds=0.1)), lambda: s.get("missing"),
        lambda: s.wait(["missing"]), lambda: s.wait(["missing"], datetime.timedelta(0, 0.05)),
        lambda: s.wait(["k"]), lambda: s.append("ap", "x"), lambda: s.append("ap", "y"),
        lambda: s.get("ap"), lambda: s.multi_set(["m1", "m2"], ["1", b"2"]),
        lambda: s.multi_get(["m1", "m2"]), lambda: s.has_extended_api(),
        lambda: s.queue_push("q", "a"), lambda: p.set("z", "1"), lambda: s.get("pre/z"),
        lambda: p.get("z"), lambda: p.underlying_store is s, lambda: p.add("n", 3),
        lambda: p.timeout, lambda: p.compare_set("n", "3", "4"), lambda: p.check(["n", "z"]),
        lambda: p.delete_key("z"), lambda: p.check(["z"]),
        lambda: isinstance(p, d.Store) and isinstance(s, d.Store),
    ]
    if kind == "hash":      # (torch's FileStore counts and deletes keys oddly)
        calls += [
            lambda: s.num_keys(), lambda: s.delete_key("zz"), lambda: sorted(s.list_keys()),
            lambda: p.num_keys(), lambda: sorted(p.list_keys()), lambda: s.queue_push("q", "b"),
            lambda: s.queue_len("q"), lambda: s.queue_pop("q"),
            lambda: s.queue_pop("q", block=False), lambda: s.queue_pop("q", block=False),
            lambda: s.clone() is s,
        ]
    return [outcome(c) for c in calls]


@pytest.mark.parametrize("kind", ["hash", "file"])
def test_stores_as_torch(kind, tmp_path):
    assert store_calls(dist, kind, tmp_path / "ember") == store_calls(tdist, kind,
                                                                     tmp_path / "torch")


_ADDER = """
import sys
import ember.distributed as dist
store = dist.FileStore(sys.argv[1])
store.wait(["go"])
for _ in range(200):
    store.add("count", 1)
store.append("who", sys.argv[2])
"""


def test_file_store_is_shared_by_processes(tmp_path):
    path = str(tmp_path / "store")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")]))
    procs = [subprocess.Popen([sys.executable, "-c", _ADDER, path, str(i)], env=env)
             for i in range(3)]
    store = dist.FileStore(path)
    store.set("go", "1")
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0]
    assert store.get("count") == b"600"
    assert sorted(store.get("who").decode()) == ["0", "1", "2"]


def test_hash_store_wait_wakes_when_another_thread_sets():
    import threading
    s = dist.HashStore()
    s.set_timeout(datetime.timedelta(seconds=30))
    threading.Timer(0.05, lambda: s.set("late", "v")).start()
    assert s.get("late") == b"v"
    with pytest.raises(dist.DistStoreError, match="Wait timeout"):
        s.wait(["never"], datetime.timedelta(seconds=0.01))


@pytest.mark.parametrize("device", ["cpu", "cuda", "mps", "xpu", "meta", "foo"])
def test_default_backend_for_device(device):
    assert outcome(lambda: dist.get_default_backend_for_device(device)) == \
        outcome(lambda: tdist.get_default_backend_for_device(device))


def test_grad_bucket_is_what_comm_hooks_get():
    from ember.nn.parallel.distributed import GradBucket
    assert dist.GradBucket is GradBucket
    methods = {"buffer", "gradients", "index", "is_last", "parameters", "set_buffer"}
    assert methods <= set(dir(dist.GradBucket)) and methods <= set(dir(tdist.GradBucket))
