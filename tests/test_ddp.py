"""DistributedDataParallel across 2 real MPI processes (tests/_ddp_worker.py),
against one process training on the whole batch, and against PyTorch's DDP
under torchrun with gloo. Skipped without mpi4py or mpirun."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from _mpi import HERE, mpi_env, require_mpi

require_mpi()

import ember  # noqa: E402

# Whole programs in subprocesses (CI's Python 3.10 run leaves them out: .ci/run)
pytestmark = pytest.mark.programs

WORKER = os.path.join(HERE, "_ddp_worker.py")
_RESULTS = {}


def _launch(module, args, out_dir, timeout=120, aborts_allowed=0):
    """Run the worker on 2 ranks under `module`'s launcher; the ranks'
    results. `aborts_allowed`: how many runs may end in a C++ abort and be
    run again (PyTorch's gloo ranks, on a loaded machine, now and then
    end with "terminate called without an active exception")."""
    out_dir.mkdir()
    env = mpi_env(EMBER_WORKER_OUT=str(out_dir))
    for _ in range(aborts_allowed + 1):
        proc = subprocess.run([sys.executable, "-m", module, "--nproc-per-node", "2", WORKER,
                               *args], capture_output=True, text=True, timeout=timeout, env=env)
        if "terminate called without an active exception" not in proc.stderr:
            break
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {int(f.stem): json.loads(f.read_text()) for f in out_dir.iterdir()}


@pytest.fixture(scope="module")
def ranks(tmp_path_factory):
    if "ember" not in _RESULTS:
        _RESULTS["ember"] = _launch("ember.distributed.run", [],
                                    tmp_path_factory.mktemp("ddp") / "ember")
    return _RESULTS["ember"]


def _whole_batch(steps=3, lr=0.1):
    """One process, the whole batch, from rank 0's weights: what DDP must equal."""
    rng = np.random.default_rng(0)
    X = ember.from_numpy(rng.standard_normal((12, 8)).astype(np.float32))
    Y = ember.from_numpy(rng.standard_normal((12, 4)).astype(np.float32))
    ember.manual_seed(0)
    net = ember.nn.Sequential(ember.nn.Linear(8, 16), ember.nn.Tanh(), ember.nn.Linear(16, 4))
    opt = ember.optim.SGD(net.parameters(), lr=lr)
    for _ in range(steps):
        # each rank's mean over its half, averaged: the whole batch's mean
        loss = ((net(X[0::2]) - Y[0::2]) ** 2).mean() / 2 + ((net(X[1::2]) - Y[1::2]) ** 2).mean() / 2
        opt.zero_grad()
        loss.backward()
        opt.step()
    return [p.detach().numpy() for p in net.parameters()]


def test_parameters_start_as_rank_0s_and_train_as_one_process(ranks):
    assert ranks[0]["synced"] == ranks[1]["synced"]
    expected = _whole_batch()
    for r in (0, 1):
        for got, want in zip(ranks[r]["params"], expected):
            np.testing.assert_allclose(np.array(got), want, rtol=1e-5, atol=1e-6)
    assert ranks[0]["keys"][0].startswith("module.")


def test_bucket_views_and_fp16_compression_give_the_same_training(ranks):
    for r in (0, 1):
        for got, want in zip(ranks[r]["as_view"], ranks[r]["params"]):
            np.testing.assert_allclose(np.array(got), np.array(want), rtol=1e-6, atol=1e-7)
        for got, want in zip(ranks[r]["fp16"], ranks[r]["params"]):
            np.testing.assert_allclose(np.array(got), np.array(want), atol=2e-3)


def test_no_sync_accumulates_then_averages(ranks):
    assert ranks[0]["no_sync_grad"] == ranks[1]["no_sync_grad"]


def test_all_reduce_starts_while_backward_runs(ranks):
    events = ranks[0]["events"]
    assert events.index(["launch", 0]) < events.index(["last"])
    assert [e for e in events if e[0] == "launch"] == [["launch", i] for i in range(
        len([e for e in events if e[0] == "launch"]))]
    assert len([e for e in events if e[0] == "launch"]) > 1


def test_buckets_rebuilt_in_the_order_gradients_arrived(ranks):
    """First backward: the buckets follow reversed registration, so none can
    start before the third gradient; after the rebuild each starts at once."""
    first, second, third = ranks[0]["swapped_events"]
    # bucket 0 holds early.bias, third to arrive
    assert [e[0] for e in first] == ["ready"] * 3 + ["launch", "ready"] + ["launch"] * 3
    for events in (second, third):
        assert [e[0] for e in events] == ["ready", "launch"] * 4
        assert [e[1] for e in events if e[0] == "launch"] == [0, 1, 2, 3]
    assert ranks[0]["swapped"] == ranks[1]["swapped"]


def test_unused_parameters(ranks):
    for r in (0, 1):
        assert ranks[r]["unused_grad"] is True
        message = ranks[r]["unfinished"]
        assert message.startswith("Expected to have finished reduction in the prior "
                                  "iteration before starting a new one. ")
        # b.weight and b.bias: the third and fourth parameters
        assert f"\nParameter indices which did not receive grad for rank {r}: 2 3\n In " \
            "addition, you can set the environment variable TORCH_DISTRIBUTED_DEBUG" in message
    assert ranks[0]["used_grad"] == ranks[1]["used_grad"]


def test_join_on_uneven_inputs(ranks):
    """Rank 0 runs out after 2 batches, rank 1 trains on: both end with rank
    1's model (the last joiner's), and the early rank's leaving is reported
    on every rank with throw_on_early_termination."""
    assert len(ranks[0]["join_losses"]) == 1 and len(ranks[1]["join_losses"]) == 3
    assert ranks[0]["join_state"] == ranks[1]["join_state"]
    assert ranks[0]["join_throw"] == "Rank 0 exhausted all inputs."
    assert ranks[1]["join_throw"] == ("Detected at least one rank that exhausted inputs. "
                                      "Throwing across all ranks.")


def test_same_as_pytorch_under_torchrun(ranks, tmp_path):
    torchrun = os.path.join(os.path.dirname(sys.executable), "torchrun")
    if not os.path.exists(torchrun):
        pytest.skip("torchrun is not installed")
    pytest.importorskip("torch")
    theirs = _launch("torch.distributed.run", ["torch"], tmp_path / "torch", aborts_allowed=2)
    for r in (0, 1):
        for key in ("synced", "losses", "params", "as_view", "no_sync_grad", "used_grad",
                    "swapped", "join_losses", "join_state"):
            np.testing.assert_allclose(_flat(ranks[r][key]), _flat(theirs[r][key]),
                                       rtol=1e-5, atol=1e-6, err_msg=key)
        assert [k.replace("ember", "torch") for k in ranks[r]["keys"]] == theirs[r]["keys"]
        assert ranks[r]["unfinished"] == theirs[r]["unfinished"]
        assert ranks[r]["join_throw"] == theirs[r]["join_throw"]
        assert ranks[r]["unused_grad"] == theirs[r]["unused_grad"]


def _flat(x):
    if isinstance(x, list):
        return np.concatenate([np.ravel(_flat(v)) for v in x]) if x else np.zeros(0)
    return np.asarray(x, dtype=np.float64)
