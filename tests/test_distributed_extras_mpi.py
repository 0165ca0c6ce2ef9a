"""P2POp/batch_isend_irecv, SyncBatchNorm under an initialized group, a
FileStore shared by ranks and get_pg_count, across 2 real MPI processes
(tests/_dist_extras_worker.py), against the same worker under torchrun with
gloo. Skipped without mpi4py or mpirun."""
import json
import os
import subprocess
import sys

import pytest

from _mpi import HERE, mpi_env, require_mpi

# Whole programs in subprocesses (CI's Python 3.10 run leaves them out: .ci/run)
pytestmark = pytest.mark.programs

require_mpi()

WORKER = os.path.join(HERE, "_dist_extras_worker.py")
_RESULTS = {}


def _launch(module, lib, tmp, timeout=120):
    out_dir = tmp / lib
    out_dir.mkdir()
    env = mpi_env(EMBER_WORKER_OUT=str(out_dir))
    proc = subprocess.run([sys.executable, "-m", module, "--nproc-per-node", "2", WORKER, lib,
                           str(tmp / f"{lib}.store")],
                          capture_output=True, text=True, timeout=timeout, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = {int(f.stem): json.loads(f.read_text()) for f in out_dir.iterdir()}
    assert sorted(got) == [0, 1]
    return got


@pytest.fixture(scope="module")
def ranks(tmp_path_factory):
    if "ember" not in _RESULTS:
        _RESULTS["ember"] = _launch("ember.distributed.run", "ember",
                                    tmp_path_factory.mktemp("dist_extras"))
    return _RESULTS["ember"]


def test_batch_isend_irecv_passes_around_the_ring(ranks):
    for rank, res in ranks.items():
        assert res["p2p_got"] == [float(v + 10 * (1 - rank)) for v in range(3)]
        assert res["p2p_works"] == 2
        assert res["p2p_peers"] == [[1 - rank, 1 - rank, 0]] * 2
    assert ranks[0]["p2p_repr"][0] == \
        "P2POp(irecv pg=0, group_src=1, group_dst=0,  ember.Size([3]), ember.float32)"


def test_sync_batch_norm_refuses_training_on_the_cpu_once_initialized(ranks):
    for res in ranks.values():
        assert res["sbn_train"] == ["ValueError", "SyncBatchNorm expected input tensor to be "
                                    "on GPU or XPU or privateuseone"]
        # torch counts the batch before refusing it; Ember leaves the buffer as it was.
        assert res["sbn_tracked"] == 0 and res["sbn_running_mean"] == [0.0] * 3
        assert res["sbn_eval_no_stats"] is True


def test_file_store_is_shared_by_the_ranks(ranks):
    for res in ranks.values():
        assert res["store_others"] == ["0", "7"] and res["store_count"] == "3"
        assert res["store_add"] is True and res["store_prefixed"] == "v"


def test_pg_count_follows_init_new_group_and_destroy(ranks):
    for rank, res in ranks.items():
        assert [res[k] for k in ("pg_count_before", "pg_count_init", "pg_count_new_group",
                                 "pg_count_destroyed")] == [0, 1, 2, 0]
        assert res["sub_is_member"] is (rank == 0)
        assert res["local_rank"] == rank
        assert res["subgroups"] == [1, 2, [rank], 4]
        assert res["subgroups_enum"] == [2, rank, 1]
        assert res["subgroups_enum_overlap"] == [
            "ValueError", "Rank 1 has appeared in both subgroup [0, 1] and [1]"]


def test_same_as_pytorch_under_torchrun(ranks, tmp_path):
    torchrun = os.path.join(os.path.dirname(sys.executable), "torchrun")
    if not os.path.exists(torchrun):
        pytest.skip("torchrun is not installed")
    pytest.importorskip("torch")
    theirs = _launch("torch.distributed.run", "torch", tmp_path)
    for rank in (0, 1):
        ours, want = dict(ranks[rank]), dict(theirs[rank])
        assert (ours.pop("sbn_tracked"), want.pop("sbn_tracked")) == (0, 1)
        assert json.dumps(ours, sort_keys=True).replace("torch", "ember") == \
            json.dumps(want, sort_keys=True).replace("torch", "ember")
