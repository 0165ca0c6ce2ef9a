"""The first code each rank runs under the launcher: torchrun's environment, then the script.

`mpirun ... python -m ember.distributed._bootstrap script.py args...`. It maps
Open MPI's (or PMIx's) rank variables to RANK, LOCAL_RANK, WORLD_SIZE,
LOCAL_WORLD_SIZE, GROUP_RANK, ... (torchrun's, TORCHELASTIC_RUN_ID included),
makes `import torch` give Ember (as ember.run does: _TorchIsEmber), then runs
the script as __main__. A script that raises prints its traceback and aborts
the whole MPI job, so the other ranks do not wait forever in a collective.
"""
import importlib.abc
import os
import runpy
import sys
import traceback


def rank_environment(environ=None):
    env = os.environ if environ is None else environ
    get = lambda *names, default=None: next(  # noqa: E731
        (env[n] for n in names if env.get(n) not in (None, "")), default)
    rank = get("OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", default="0")
    size = get("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", default="1")
    local_rank = get("OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", default=rank)
    local_size = get("OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", default=size)
    node = get("OMPI_COMM_WORLD_NODE_RANK", default=None)
    group_rank = str(int(rank) // max(int(local_size), 1)) if node is None else node
    nodes = str(max(int(size) // max(int(local_size), 1), 1))
    # TORCHELASTIC_*: what torchrun sets (is_torchelastic_launched() reads the run id)
    return {"RANK": rank, "WORLD_SIZE": size, "LOCAL_RANK": local_rank,
            "LOCAL_WORLD_SIZE": local_size, "GROUP_RANK": group_rank,
            "GROUP_WORLD_SIZE": nodes, "ROLE_RANK": rank,
            "ROLE_WORLD_SIZE": size, "ROLE_NAME": "default", "TORCHELASTIC_RUN_ID": "none",
            "TORCHELASTIC_RESTART_COUNT": "0", "TORCHELASTIC_MAX_RESTARTS": "0",
            "MASTER_ADDR": env.get("MASTER_ADDR", "127.0.0.1"),
            "MASTER_PORT": env.get("MASTER_PORT", "29500")}


def _abort(code):
    """End the whole job: MPI_Abort where this rank has joined MPI; otherwise a
    non-zero exit, on which mpirun ends the job (Abort would first have to
    initialise MPI, and ranks not yet in MPI are not reached by it at once)."""
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        MPI = sys.modules.get("mpi4py.MPI")
        if MPI is not None and MPI.Is_initialized() and not MPI.Is_finalized():
            MPI.COMM_WORLD.Abort(code)
    finally:
        os._exit(code)


class _TorchIsEmber(importlib.abc.MetaPathFinder):
    """A script written for torchrun imports torch: here that is Ember, as under
    ember.run. use_as_torch() runs at that first `import torch`, so a script
    that imports only ember keeps Ember's own names (ember.float32)."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] != "torch":
            return None
        from .._torch_alias import _TorchAliasFinder, use_as_torch
        sys.meta_path.remove(self)
        use_as_torch()
        return _TorchAliasFinder().find_spec(fullname, path, target)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        sys.exit("usage: python -m ember.distributed._bootstrap script.py [args...]")
    os.environ.update(rank_environment())
    sys.meta_path.insert(0, _TorchIsEmber())
    run_module = argv[0] == "-m"
    target = argv[1] if run_module else argv[0]
    sys.argv = argv[1:] if run_module else argv
    # as `python script.py` puts the script's folder first on the path, `python -m` the cwd
    sys.path.insert(0, os.getcwd() if run_module else os.path.dirname(os.path.abspath(target)))
    try:
        if run_module:
            runpy.run_module(target, run_name="__main__", alter_sys=True)
        else:
            runpy.run_path(target, run_name="__main__")
    except SystemExit as exc:
        code = exc.code
        if code in (None, 0):
            return
        if not isinstance(code, int):
            print(code, file=sys.stderr)
            code = 1
        _abort(code)
    except BaseException:  # noqa: BLE001 - any failure must take the job down
        sys.stderr.write(f"[rank {os.environ['RANK']}] ")
        traceback.print_exc()
        _abort(1)


if __name__ == "__main__":
    main()
