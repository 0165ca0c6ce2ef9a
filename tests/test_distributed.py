"""ember.distributed without MPI processes: errors before init, the API's constants,
DistributedSampler against PyTorch's, and the launcher's command line."""
import pytest

import ember
import ember.distributed as dist
from ember.distributed import run as launcher
from ember.utils.data.distributed import DistributedSampler

torch = pytest.importorskip("torch")
tdist = pytest.importorskip("torch.distributed")


def _error(fn):
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - the error is the result compared
        return type(exc).__name__, str(exc)
    return None


@pytest.mark.parametrize("call", [
    lambda d, T: d.get_rank(), lambda d, T: d.get_world_size(), lambda d, T: d.get_backend(),
    lambda d, T: d.barrier(), lambda d, T: d.monitored_barrier(),
    lambda d, T: d.new_group([0]), lambda d, T: d.all_reduce(T.ones(2)),
    lambda d, T: d.broadcast(T.ones(2), 0), lambda d, T: d.reduce(T.ones(2), 0),
    lambda d, T: d.all_gather([T.ones(2)], T.ones(2)),
    lambda d, T: d.all_gather_single(T.ones(2), T.ones(2)),
    lambda d, T: d.gather(T.ones(2), None, 0), lambda d, T: d.scatter(T.ones(2), None, 0),
    lambda d, T: d.reduce_scatter(T.ones(2), [T.ones(2)]),
    lambda d, T: d.reduce_scatter_single(T.ones(2), T.ones(2)),
    lambda d, T: d.all_to_all([T.ones(2)], [T.ones(2)]),
    lambda d, T: d.all_to_all_single(T.ones(2), T.ones(2)),
    lambda d, T: d.send(T.ones(2), 1), lambda d, T: d.recv(T.ones(2), 1),
    lambda d, T: d.isend(T.ones(2), 1), lambda d, T: d.irecv(T.ones(2), 1),
    lambda d, T: d.broadcast_object_list([1], 0), lambda d, T: d.all_gather_object([None], 1),
])
def test_not_initialized_errors_match_torch(call):
    got, want = _error(lambda: call(dist, ember)), _error(lambda: call(tdist, torch))
    assert want is not None and got == want
    assert got[1] == ("Default process group has not been initialized, please make sure to "
                      "call init_process_group.")


@pytest.mark.parametrize("old", ["all_gather_into_tensor", "reduce_scatter_tensor"])
def test_deprecated_names_warn_as_torch(old):
    messages = []
    for d, T in ((dist, ember), (tdist, torch)):
        with pytest.warns(FutureWarning) as caught:
            with pytest.raises(ValueError, match="Default process group has not been"):
                getattr(d, old)(T.ones(2), T.ones(2))
        messages.append([str(w.message) for w in caught])
    assert messages[0] == messages[1] and len(messages[0]) == 1


def test_state_and_constants_before_init():
    assert dist.is_available() in (True, False)
    assert dist.is_initialized() is tdist.is_initialized() is False
    assert dist.group.WORLD is None and dist.GroupMember.WORLD is None
    assert dist.GroupMember.NON_GROUP_MEMBER == tdist.GroupMember.NON_GROUP_MEMBER == -100
    for name in ("SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR"):
        e, t = getattr(dist.ReduceOp, name), getattr(tdist.ReduceOp, name)
        assert (repr(e), str(e)) == (repr(t), str(t))


def test_destroy_before_init_matches_torch():
    got = _error(dist.destroy_process_group)
    assert got == _error(tdist.destroy_process_group) == ("AssertionError",
                                                          "Process group cannot be None")


def test_tensor_type_error_matches_torch():
    # Checked before the group: PyTorch's message, whatever the state.
    got = _error(lambda: dist.all_reduce([1, 2]))
    assert got == ("TypeError", "Invalid function argument. Expected parameter `tensor` of "
                   "type torch.Tensor\n             but got <class 'list'> instead.")


# PyTorch 2.13's (a CPU build) errors, which need a store to reproduce there
@pytest.mark.parametrize("backend, error, message, warned", [
    ("nccl", RuntimeError, "Distributed package doesn't have NCCL built in", "timeout"),
    ("NCCL", RuntimeError, "Distributed package doesn't have NCCL built in", "timeout"),
    ("xccl", RuntimeError, "Distributed package doesn't have XCCL built in", False),
    ("cpu:gloo,cuda:nccl", RuntimeError, "Distributed package doesn't have NCCL built in",
     False),
    ("ucc", AssertionError, "Unknown c10d backend type UCC", False),
    ("cpu:foo", AssertionError, "Unknown c10d backend type FOO", False),
    ("carrier-pigeon", AssertionError, "Unknown backend type carrier-pigeon", True),
])
def test_init_backend_errors_as_torch(backend, error, message, warned):
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(error) as info:
            dist.init_process_group(backend)
    assert str(info.value) == message
    expected = {False: [], True: [
        f"Device capability of {backend} unknown, assuming `cpu` and `cuda`. You can specify "
        "it in `device:backend` format in `init_process_group` call."], "timeout": [
        "Attempted to get default timeout for nccl backend, but NCCL support is not compiled"]}
    assert [str(w.message) for w in caught] == expected[warned]
    assert not dist.is_initialized()


def test_backend_names_as_torch():
    for name in ("gloo", "GLOO", "Nccl", "mpi", "cpu:gloo", "Carrier-Pigeon", "undefined"):
        assert dist.Backend(name) == tdist.Backend(name)
        assert isinstance(dist.Backend(name), str)
    assert _error(lambda: dist.Backend(1)) == _error(lambda: tdist.Backend(1))
    assert dist.Backend.backend_list == tdist.Backend.backend_list


@pytest.mark.parametrize("kwargs, message", [
    (dict(backend="fake"), "backend 'fake' is not supported"),
    (dict(backend="cuda:gloo"), "'cuda:gloo' is not supported"),
    (dict(init_method="tcp://127.0.0.1:1234"), "init_method 'tcp://127.0.0.1:1234'"),
    (dict(store=object()), "store is not supported"),
    (dict(pg_options=object()), "pg_options is not supported"),
    (dict(device_id="cuda:0"), "device_id 'cuda:0' is not supported"),
])
def test_init_refuses_what_mpi_cannot_do(kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
        dist.init_process_group(**kwargs)
    assert not dist.is_initialized()


def test_init_timeout_type_error():
    with pytest.raises(TypeError, match="Expected timeout argument to be of type "
                                        "datetime.timedelta"):
        dist.init_process_group(timeout=5)


@pytest.mark.parametrize("n", [1, 7, 10, 33, 1000])
@pytest.mark.parametrize("replicas", [1, 2, 3, 4])
@pytest.mark.parametrize("shuffle, drop_last, seed", [
    (True, False, 0), (True, True, 7), (False, False, 0), (False, True, 3)])
def test_distributed_sampler_matches_torch(n, replicas, shuffle, drop_last, seed):
    from torch.utils.data.distributed import DistributedSampler as TorchSampler
    for rank in range(replicas):
        ours = DistributedSampler(range(n), replicas, rank, shuffle, seed, drop_last)
        theirs = TorchSampler(range(n), replicas, rank, shuffle, seed, drop_last)
        for epoch in (0, 1, 5):
            ours.set_epoch(epoch)
            theirs.set_epoch(epoch)
            assert list(ours) == list(theirs)
            assert len(ours) == len(theirs) == ours.num_samples
        assert ours.total_size == theirs.total_size


def test_distributed_sampler_partitions_and_shuffles():
    parts = [list(DistributedSampler(range(10), 3, r, seed=1)) for r in range(3)]
    assert [len(p) for p in parts] == [4, 4, 4]    # 10 padded to 12 by repeating
    assert set(sum(parts, [])) == set(range(10))
    s = DistributedSampler(range(50), 2, 0)
    first = list(s)
    s.set_epoch(1)
    assert list(s) != first and sorted(list(s)) != list(s)


def test_distributed_sampler_errors():
    from torch.utils.data.distributed import DistributedSampler as TorchSampler
    for rank in (-1, 3):
        got = _error(lambda: DistributedSampler(range(5), 3, rank))
        assert got == _error(lambda: TorchSampler(range(5), 3, rank)) and got[0] == "ValueError"
    got = _error(lambda: DistributedSampler(range(5)))
    assert got == _error(lambda: TorchSampler(range(5)))


def _command(argv):
    parser = launcher.get_args_parser()
    return launcher.mpirun_command(parser.parse_args(argv), parser)


@pytest.fixture
def fake_mpirun(tmp_path, monkeypatch):
    exe = tmp_path / "mpirun"
    exe.write_text("#!/bin/sh\necho 'mpirun (Open MPI) 5.0'\n")
    exe.chmod(0o755)
    monkeypatch.setenv("EMBER_MPIRUN", str(exe))
    return str(exe)


def test_launcher_command(fake_mpirun):
    import sys
    cmd, env = _command(["--nproc_per_node", "3", "--master-port", "1234", "--standalone",
                         "train.py", "--lr", "0.1"])
    assert cmd[:3] == [fake_mpirun, "-n", "3"]
    assert "--oversubscribe" in cmd and cmd.count("-x") >= 2
    assert cmd[-6:] == [sys.executable, "-m", "ember.distributed._bootstrap", "train.py",
                        "--lr", "0.1"]
    assert env["MASTER_PORT"] == "1234" and env["MASTER_ADDR"] == "127.0.0.1"
    cmd, _ = _command(["--nnodes", "2", "--nproc-per-node", "2", "--hostfile", "hosts",
                       "-m", "pkg.train"])
    assert cmd[:3] == [fake_mpirun, "-n", "4"] and "ppr:2:node" in cmd
    assert cmd[-2:] == ["-m", "pkg.train"]


def test_launcher_sets_one_openmp_thread_as_torchrun(fake_mpirun, monkeypatch, capsys):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    cmd, env = _command(["--nproc-per-node", "2", "t.py"])
    assert env["OMP_NUM_THREADS"] == "1" and cmd[cmd.index("OMP_NUM_THREADS") - 1] == "-x"
    assert "Setting OMP_NUM_THREADS environment variable for each process to be 1" \
        in capsys.readouterr().err
    _, env = _command(["--nproc-per-node", "1", "t.py"])
    assert "OMP_NUM_THREADS" not in env
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    _, env = _command(["--nproc-per-node", "2", "t.py"])
    assert env["OMP_NUM_THREADS"] == "2" and capsys.readouterr().err == ""


@pytest.mark.parametrize("argv", [
    ["--nnodes", "2", "t.py"], ["--nnodes", "2", "--node-rank", "1", "--hostfile", "h", "t.py"],
    ["--nnodes", "1:4", "t.py"], ["--nproc-per-node", "0", "t.py"],
    ["--nproc-per-node", "x", "t.py"]])
def test_launcher_refuses(argv, fake_mpirun, capsys):
    with pytest.raises(SystemExit) as info:
        _command(argv)
    assert info.value.code == 2 and "error:" in capsys.readouterr().err


def test_bootstrap_environment():
    from ember.distributed._bootstrap import rank_environment
    env = rank_environment({"OMPI_COMM_WORLD_RANK": "5", "OMPI_COMM_WORLD_SIZE": "8",
                            "OMPI_COMM_WORLD_LOCAL_RANK": "1", "OMPI_COMM_WORLD_LOCAL_SIZE": "4",
                            "OMPI_COMM_WORLD_NODE_RANK": "1", "MASTER_PORT": "99"})
    assert (env["RANK"], env["WORLD_SIZE"], env["LOCAL_RANK"], env["LOCAL_WORLD_SIZE"],
            env["GROUP_RANK"], env["GROUP_WORLD_SIZE"], env["MASTER_ADDR"],
            env["MASTER_PORT"]) == ("5", "8", "1", "4", "1", "2", "127.0.0.1", "99")
    # torchrun's: its ranks answer is_torchelastic_launched() with True
    assert (env["TORCHELASTIC_RUN_ID"], env["TORCHELASTIC_RESTART_COUNT"],
            env["TORCHELASTIC_MAX_RESTARTS"]) == ("none", "0", "0")


def test_without_mpi4py(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "mpi4py", None)
    monkeypatch.setitem(sys.modules, "mpi4py.MPI", None)
    assert dist.is_available() is False
    with pytest.raises(RuntimeError, match=r"needs mpi4py: pip install 'ember\[distributed\]'"):
        dist.init_process_group()
    assert not dist.is_initialized()
