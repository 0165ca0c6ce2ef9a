"""What the multi-process tests share: skipping without MPI, and the
environment their processes run in."""
import os

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(os.path.dirname(HERE), "src")


def require_mpi():
    """Skip the calling test module without mpi4py or an mpirun."""
    pytest.importorskip("mpi4py")
    from ember.distributed import run as launcher
    try:
        launcher.find_mpirun()
    except RuntimeError:
        pytest.skip("no mpirun", allow_module_level=True)


def mpi_env(**extra):
    """The environment for launched ranks: this checkout's Ember first, the
    tests' helpers importable, BLAS at one thread per process."""
    path = [SRC, HERE] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(path), OMP_NUM_THREADS="1",
                OPENBLAS_NUM_THREADS="1", **extra)
