"""ember.distributed across real MPI processes, started by the launcher.

One launch per world size runs every collective (tests/_distributed_worker.py)
and prints each rank's results as JSON; the expected values are computed here
from the rank and world size. Skipped without mpi4py or mpirun.
"""
import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest

from _mpi import HERE, SRC, mpi_env, require_mpi

require_mpi()
from _distributed_worker import OPS, value  # noqa: E402

# Whole programs in subprocesses (CI's Python 3.10 run leaves them out: .ci/run)
pytestmark = pytest.mark.programs


WORKER = os.path.join(HERE, "_distributed_worker.py")


def _launch(args, timeout=60, launcher_module="ember.distributed.run", cwd=None, **extra_env):
    env = mpi_env(**extra_env)
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", launcher_module, *args],
                          capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd)
    return proc, time.monotonic() - start


def _run_worker(n, out_dir, **kwargs):
    """{rank: results} of one launch of the worker with n processes."""
    out_dir.mkdir()
    proc, _ = _launch(["--nproc-per-node", str(n), WORKER, *kwargs.pop("args", [])],
                      EMBER_WORKER_OUT=str(out_dir), **kwargs)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = {int(f.stem): json.loads(f.read_text()) for f in out_dir.iterdir()}
    assert sorted(got) == list(range(n))
    return got


_RESULTS = {}


@pytest.fixture(scope="module", params=[2, 3])
def ranks(request, tmp_path_factory):
    n = request.param
    if n not in _RESULTS:
        _RESULTS[n] = _run_worker(n, tmp_path_factory.mktemp("dist") / f"ember{n}")
    return _RESULTS[n]


def test_same_results_as_pytorch_gloo(ranks, tmp_path):
    """The worker's calls under torchrun + gloo give the same values, errors and versions."""
    torchrun = os.path.join(os.path.dirname(sys.executable), "torchrun")
    if len(ranks) != 2 or not os.path.exists(torchrun):
        pytest.skip("compared once, with 2 processes, where torchrun is installed")
    pytest.importorskip("torch")
    theirs = _run_worker(2, tmp_path / "torch", launcher_module="torch.distributed.run",
                         args=["gloo"], EMBER_WORKER_AS_TORCH="1")
    for r in range(2):
        ours = json.loads(json.dumps(ranks[r]).replace("ember.", "torch."))
        # is_completed after wait: gloo's answer varies by op; Ember's is True for all
        assert ranks[r]["async_completed"] == [True] * 7
        skip = {"backend", "env", "async_completed"}
        if r != 1:
            skip |= {"reduce/" + d for d in _dtypes(ranks)}
        keys = set(theirs[r]) - skip    # (reduce leaves scratch values off the dst rank in gloo)
        assert len(keys) > 100
        assert {k: ours[k] for k in keys} == {k: theirs[r][k] for k in keys}


def _np(rank, dtype, n=5):
    return np.array(value(rank, dtype, n), dtype=np.float64 if dtype != "bool" else bool)


def _reduce(arrays, op, dtype):
    a = np.stack(arrays)
    if dtype == "bool":
        return {"SUM": a.any(0), "PRODUCT": a.all(0), "MIN": a.all(0), "MAX": a.any(0)}[op]
    return {"SUM": a.sum(0), "AVG": a.mean(0), "PRODUCT": a.prod(0), "MIN": a.min(0),
            "MAX": a.max(0)}[op]


def _close(got, want, dtype):
    tol = {"float16": 1e-3, "bfloat16": 1e-2}.get(dtype, 1e-7)
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64),
                               np.asarray(want, dtype=np.float64), rtol=tol)


def _dtypes(ranks):
    return sorted({k.split("/")[1] for k in ranks[0] if k.startswith("all_reduce/")})


def test_setup_and_environment(ranks):
    n = len(ranks)
    for r, res in ranks.items():
        assert (res["rank"], res["size"], res["backend"]) == (r, n, "mpi")
        assert res["env"] == {"RANK": str(r), "LOCAL_RANK": str(r), "WORLD_SIZE": str(n),
                              "LOCAL_WORLD_SIZE": str(n), "MASTER_ADDR": "127.0.0.1",
                              "MASTER_PORT": "29500"}
        assert res["before_init"] is False and res["after_destroy"] is False
        assert res["err_world_size"]["error"] == "ValueError"
        assert "world_size=99 does not match" in res["err_world_size"]["message"]
        assert res["err_backend"] == {"error": "RuntimeError", "message":
                                      "Distributed package doesn't have NCCL built in"}
        assert res["err_twice"] == {"error": "ValueError", "message":
                                    "trying to initialize the default process group twice!"}


def test_all_reduce_every_op_and_dtype(ranks):
    n = len(ranks)
    dtypes = _dtypes(ranks)
    assert {"float32", "float64", "float16", "int64", "int32", "uint8", "bool"} <= set(dtypes)
    for dtype in dtypes:
        for op in OPS:
            want = None if op == "AVG" and dtype in ("int64", "int32", "uint8", "bool") else \
                _reduce([_np(r, dtype) for r in range(n)], op, dtype)
            for r, res in ranks.items():
                got = res[f"all_reduce/{dtype}/{op}"]
                if want is None:    # PyTorch's error, and the tensor untouched
                    name = {"int64": "Long", "int32": "Int", "uint8": "Byte", "bool": "Bool"}
                    assert got == {"error": "RuntimeError", "message": "result type Float can't "
                                   f"be cast to the desired output type {name[dtype]}"}
                    assert res[f"bumped/{dtype}/{op}"] is False
                else:   # only AVG's division is an in-place op, as in PyTorch
                    _close(got, want, dtype)
                    assert res[f"bumped/{dtype}/{op}"] is (op == "AVG")


def test_broadcast_reduce_gather_scatter(ranks):
    n = len(ranks)
    for dtype in _dtypes(ranks):
        rows = [_np(r, dtype) for r in range(n)]
        for r, res in ranks.items():
            _close(res[f"broadcast/{dtype}"], rows[n - 1], dtype)
            _close(res[f"reduce/{dtype}"],
                   _reduce(rows, "MAX", dtype) if r == n - 1 else rows[r], dtype)
            _close(res[f"all_gather/{dtype}"], rows, dtype)
            _close(res[f"all_gather_single/{dtype}"], np.concatenate(rows), dtype)
            _close(res[f"scatter/{dtype}"], rows[r], dtype)
            if r == 1:
                _close(res[f"gather/{dtype}"], rows, dtype)
            else:
                assert res[f"gather/{dtype}"] is None


def test_reduce_scatter(ranks):
    n = len(ranks)
    for op in OPS:
        for r, res in ranks.items():
            # rank q contributes value(q + j) to rank j
            want = _reduce([_np(q + r, "float32") for q in range(n)], op, "float32")
            _close(res[f"reduce_scatter/{op}"], want, "float32")
            int_op = "SUM" if op == "AVG" else op
            want = _reduce([_np(q + r, "int64") for q in range(n)], int_op, "int64")
            _close(res[f"reduce_scatter_single/{op}"], want, "int64")


def test_all_to_all(ranks):
    n = len(ranks)
    for r, res in ranks.items():
        assert res["all_to_all"] == [[100.0 * q + r] * 2 for q in range(n)]
        assert res["all_to_all_uneven"] == [[100.0 * q + r] * (r + 1) for q in range(n)]
        assert res["all_to_all_single"] == sum([[100.0 * q + 2 * r, 100.0 * q + 2 * r + 1]
                                                for q in range(n)], [])
        assert res["all_to_all_single_uneven"] == sum([[10.0 * q + r] * (r + 1)
                                                       for q in range(n)], [])


def test_point_to_point(ranks):
    n = len(ranks)
    for r, res in ranks.items():
        left = (r - 1) % n
        assert res["recv"] == [left, [float(left)] * 3]
        assert res["irecv"] == [left * 2.0] * 3


def test_every_collective_async(ranks):
    n = len(ranks)
    rows = [_np(q, "float32").tolist() for q in range(n)]
    for r, res in ranks.items():
        assert res["async_types"] == ["Work"]
        red, gl, ga, sc, rs, a2a = res["async_all"]
        assert red == (np.min(rows, 0).tolist() if r == 0 else None)
        assert gl == rows and ga == (rows if r == 0 else None) and sc == rows[r]
        np.testing.assert_allclose(rs, np.mean([_np(q * r, "float32") for q in range(n)], 0),
                                   rtol=1e-6)
        assert a2a == sum([[float(q)] * 2 for q in range(n)], [])


def test_irecv_from_any_source(ranks):
    n = len(ranks)
    assert ranks[0]["irecv_any"] == [[q, [7.0 + q] * 3] for q in range(1, n)]
    for r in range(n):
        assert ranks[r]["err_device"] == {"error": "ValueError", "message": "device 'cuda' is "
                                          "not supported: Ember's process groups run on the CPU"}


def test_async_noncontiguous_and_deprecated_names(ranks):
    n = len(ranks)
    total = _reduce([_np(r, "float32") for r in range(n)], "SUM", "float32").tolist()
    base = np.arange(6.0).reshape(2, 3)
    for r, res in ranks.items():
        assert res["async_type"] == "Work"
        assert res["async_all_reduce"] == [total, True]
        assert res["async_broadcast"] == _np(0, "float64").tolist()
        assert res["noncontiguous"] == (sum(base + q for q in range(n))).T.tolist()
        gathered, scattered, warned = res["deprecated"]
        assert gathered == np.concatenate([_np(q, "float32") for q in range(n)]).tolist()
        assert scattered == (n * np.concatenate([_np(q, "float32") for q in range(n)])
                             .reshape(n, 5)[r]).tolist()
        assert warned == ["`torch.distributed.all_gather_into_tensor` is deprecated. Please use "
                          "`torch.distributed.all_gather_single` instead.",
                          "`torch.distributed.reduce_scatter_tensor` is deprecated. Please use "
                          "`torch.distributed.reduce_scatter_single` instead."]


def test_sub_group(ranks):
    n = len(ranks)
    members = [0, n - 1]
    for r, res in ranks.items():
        got, grank, gsize, warned = res["subgroup"]
        if r in members:
            assert got == (_np(0, "float32") + _np(n - 1, "float32")).tolist()
            assert (grank, gsize, warned) == (members.index(r), 2, [])
            assert res["subgroup_broadcast"] == _np(n - 1, "float32").tolist()
        else:   # PyTorch's non-member behaviour: a warning, -1, the tensor untouched
            assert got == _np(r, "float32").tolist() and (grank, gsize) == (-1, -1)
            assert warned == [f"Running all_reduce on global rank {r} which does not belong "
                              "to the given group."]
            assert res["subgroup_broadcast"] == _np(r, "float32").tolist()


def test_objects(ranks):
    n = len(ranks)
    for r, res in ranks.items():
        assert res["broadcast_object_list"] == [[1.0, 1.0], "r1", [1, 1.5]]
        assert res["all_gather_object"] == [[q, [q]] for q in range(n)]
        assert res["gather_object"] == ([["from", q] for q in range(n)] if r == 0 else None)
        assert res["scatter_object_list"] == {"to": r}
        if r == n - 1:
            assert res["recv_object_list"] == [0, [0, 1, 2]]
        err = res["unsafe_object"]
        assert err["error"] == "RuntimeError"
        assert "weights-only format and cannot send Custom" in err["message"]


def test_errors_change_nothing(ranks):
    n = len(ranks)
    for r, res in ranks.items():
        assert res["err_dtype"] == {"error": "ValueError", "message": "Invalid usage of tensors "
                                    "with different dtypesFound ember.float32 and  ember.float64"}
        assert res["err_len"]["message"] == ("ProcessGroupGloo::allgather: invalid output tensor "
                                             f"list at index 0 (expected length {n}, got 1)")
        assert res["err_size"]["message"] == ("ProcessGroupGloo::allgather: invalid tensor size "
                                              "at index 0 (expected (5), got (4))")
        assert res["err_avg_int"]["error"] == "RuntimeError"
        assert res["err_flat"]["message"] == ("ProcessGroupGloo::allgather: invalid tensor size "
                                              "at index 0 (expected (5), got (6))")
        assert res["err_stacked"]["message"] == ("ProcessGroupGloo::allgather: invalid tensor "
                                                 "size at index 0 (expected (5), got (1, 5))")
        assert "invalid tensor type at index 0 (expected TensorOptions(dtype=float, " \
            in res["err_flat_dtype"]["message"]
        assert res["err_self_send"] == {"error": "ValueError", "message": "Invalid destination "
                                        "rank: destination rank should not be the same as the "
                                        "rank of the current process."}
        assert res["unchanged"] == _np(r, "float32").tolist()


def test_monitored_barrier_names_the_late_rank(ranks):
    n = len(ranks)
    # wait_all_ranks=True: the list of every late rank (here the last one)
    assert ranks[0]["monitored"] == {"error": "RuntimeError", "message": f"[Rank 0]: Ranks "
                                     f"{n - 1} failed to pass monitoredBarrier in 500 ms"}
    for r in range(1, n - 1):   # on time, but never released by rank 0
        assert ranks[r]["monitored"]["error"] == "RuntimeError"
        assert f"Rank {r} timed out in monitoredBarrier" in ranks[r]["monitored"]["message"]


FAILING = """
import ember, ember.distributed as dist
dist.init_process_group()
if dist.get_rank() == 1:
    raise ValueError("rank one gives up")
dist.all_reduce(ember.ones(3))     # the others would wait here for ever
"""


def test_a_raising_rank_ends_the_job(tmp_path):
    script = tmp_path / "fail.py"
    script.write_text(FAILING)
    proc, took = _launch(["--nproc-per-node", "3", str(script)], timeout=60)
    assert proc.returncode != 0
    assert took < 30
    assert "ValueError: rank one gives up" in proc.stderr and "[rank 1]" in proc.stderr


DYING = {
    "killed": ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", lambda rc: rc != 0),
    "exit 3": ("import sys; sys.exit(3)", lambda rc: rc == 3),
}


@pytest.mark.parametrize("how", sorted(DYING))
def test_a_dying_rank_ends_the_job(tmp_path, how):
    code, rc_ok = DYING[how]
    script = tmp_path / "die.py"
    script.write_text("import ember, ember.distributed as dist\n"
                      "dist.init_process_group()\n"
                      f"if dist.get_rank() == 2:\n    {code}\n"
                      "dist.all_reduce(ember.ones(3))\n")
    proc, took = _launch(["--nproc-per-node", "3", str(script)], timeout=60)
    assert rc_ok(proc.returncode), (proc.returncode, proc.stderr[-2000:])
    assert took < 30


EARLY = """
import os, sys, time
print("argv", os.environ["RANK"], sys.argv[1:], __name__, flush=True)
if os.environ["RANK"] == "1":
    raise KeyError("before MPI")
time.sleep(40)     # never joins MPI: the job must still end at once
"""


def test_a_rank_raising_before_mpi_ends_the_job_module_mode(tmp_path):
    (tmp_path / "early_mod.py").write_text(EARLY)
    proc, took = _launch(["--nproc-per-node=2", "-m", "early_mod", "--lr", "0.1"],
                         cwd=str(tmp_path))
    assert proc.returncode == 1 and took < 30
    assert "argv 1 ['--lr', '0.1'] __main__" in proc.stdout
    assert "KeyError: 'before MPI'" in proc.stderr


MONITOR_ONE = """
import datetime, time, ember.distributed as dist
dist.init_process_group("gloo")
if dist.get_rank() == 0:
    try:
        dist.monitored_barrier(timeout=datetime.timedelta(seconds=0.5))
    except RuntimeError as exc:
        print("ERR", exc, flush=True)
elif dist.get_rank() == 2:
    time.sleep(1.5)
else:
    try:
        dist.monitored_barrier(timeout=datetime.timedelta(seconds=3))
    except RuntimeError:
        pass
dist.barrier()
"""


def test_monitored_barrier_first_late_rank(tmp_path):
    script = tmp_path / "mb.py"
    script.write_text(MONITOR_ONE)
    proc, _ = _launch(["--nproc_per_node", "3", str(script)])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "ERR [Rank 0]: Rank 2 failed to pass monitoredBarrier in 500 ms" in proc.stdout


SINGLETON = """
import json, ember, ember.distributed as dist
dist.init_process_group("mpi", init_method="env://", world_size=1, rank=0)
t = ember.arange(4.0)
dist.all_reduce(t, op=dist.ReduceOp.AVG)
g = dist.new_group([0])
w = dist.broadcast(t, src=0, group=g, async_op=True)
res = [dist.get_world_size(), dist.get_rank(g), t.tolist(), w.wait(), dist.group.WORLD is not None]
try:
    dist.barrier(device_ids=[0])
except ValueError as exc:
    res.append(str(exc))
dist.destroy_process_group()
print("JSON", json.dumps(res + [dist.is_initialized()]))
"""


def test_single_process_without_mpirun():
    """A plain `python script.py` is an MPI singleton: a world of one."""
    env = dict(os.environ, PYTHONPATH=SRC)
    for name in ("RANK", "WORLD_SIZE"):
        env.pop(name, None)
    proc = subprocess.run([sys.executable, "-c", SINGLETON], capture_output=True, text=True,
                          timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout.split("JSON", 1)[1])
    assert got[:5] == [1, 0, [0.0, 1.0, 2.0, 3.0], True, True]
    assert "device_ids=[0] is not supported" in got[5] and got[6] is False


EMBRUN = """
import os, time, ember, ember.distributed as dist
dist.init_process_group("gloo")
t = ember.ones(1 << 20) * (dist.get_rank() + 1)
w = dist.all_reduce(t, async_op=True)
time.sleep(0.5)         # no MPI call here: the progress thread completes the all-reduce
moved = w._mpi_done
w.wait()
print("RANK", os.environ["RANK"], os.environ["WORLD_SIZE"], moved, t[:2].tolist(), flush=True)
dist.destroy_process_group()
"""


def test_embrun_console_script_and_background_progress(tmp_path):
    """`embrun` (installed with Ember) launches like `python -m ember.distributed.run`;
    an async collective moves on while the caller does something else."""
    embrun = os.path.join(os.path.dirname(sys.executable), "embrun")
    if not os.path.exists(embrun):
        pytest.skip("Ember is not installed in this Python (no embrun script)")
    script = tmp_path / "e.py"
    script.write_text(EMBRUN)
    proc = subprocess.run([embrun, "--nproc-per-node", "2", str(script)], capture_output=True,
                          text=True, timeout=60, env=mpi_env())
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = sorted(line for line in proc.stdout.splitlines() if line.startswith("RANK"))
    assert lines == ["RANK 0 2 True [3.0, 3.0]", "RANK 1 2 True [3.0, 3.0]"]


COMPLEX = """
import ember, ember.distributed as dist
dist.init_process_group("gloo")
r = dist.get_rank()
t = ember.tensor([1 + 2j, 3 - 1j]) * (r + 1)
dist.all_reduce(t, op=dist.ReduceOp.AVG)
b = ember.tensor([1 + 2j], dtype=ember.complex128) * (r + 1)
dist.broadcast(b, 1)
try:
    dist.all_reduce(t, op=dist.ReduceOp.MAX)
except ValueError as exc:
    err = str(exc)
print("RANK", r, t.tolist(), b.tolist(), err, flush=True)
dist.destroy_process_group()
"""


def test_complex_tensors_as_pytorch(tmp_path):
    """Sums and moves of complex tensors; the orderings refused with PyTorch's message."""
    script = tmp_path / "c.py"
    script.write_text(COMPLEX)
    proc, _ = _launch(["--nproc-per-node", "2", str(script)])
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = sorted(line for line in proc.stdout.splitlines() if line.startswith("RANK"))
    for r, line in enumerate(lines):
        assert line == (f"RANK {r} [(1.5+3j), (4.5-1.5j)] [(2+4j)] all_reduce does not "
                        "support RedOpType.MAX on complex tensors")
