"""DistributedDataParallel on 1, 2 and 4 processes, Ember against PyTorch.

    python3 benchmarks/ddp_scaling.py [--rounds N] [--procs 1,2,4] [--only step,overlap,allreduce]

(step)      MLP 784-1024-1024-10 at a global batch of 256 (256/n rows per rank):
            one DDP training step (forward, MSE loss, backward with the gradient
            all-reduce, SGD step, zero_grad), per process count n.
(overlap)   the same model on 2 processes, with bucket_cap_mb=1: the share of the
            all-reduce time hidden behind backward. End to end, 1 - (T_ddp - T_local)
            / T_allreduce, where T_local is a step under no_sync() (no communication),
            T_ddp a synchronised step, and T_allreduce the gradient all-reduce alone
            (the same buckets, blocking); this charges DDP's bucket copies, and on one
            machine the CPU time the all-reduce itself takes from compute (shared
            memory moves data with the same cores), to communication. By wait (Ember
            only), 1 - T_waited / T_allreduce, where T_waited is the time the end of
            backward blocks on unfinished buckets: communication not overlapped.
(allreduce) all_reduce of a 4 MB float32 tensor on 2 processes, against a raw
            mpi4py comm.Allreduce of the same buffer in the same process (Ember)
            or gloo (PyTorch): bandwidth as algorithm bytes / time.

Each round starts every configuration in fresh processes (Ember through its
launcher on mpirun, PyTorch through torchrun on gloo), alternating the two;
BLAS/OpenMP at 1 thread per process. Reported: the median over rounds and the
spread (lowest-highest), and Ember's time over PyTorch's. The machine's cores
bound what more processes can gain: with n processes on c cores, each rank's
compute runs at min(1, c/n) of a core.
"""
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "src")
SIZES = (784, 1024, 1024, 10)
GLOBAL_BATCH = 256
STEPS = 12          # timed per launch, after warm-up
MB4 = 1 << 20       # float32 elements in 4 MB


def _library(name):
    if name == "torch":
        import torch
        import torch.distributed as dist
        torch.set_num_threads(1)
        return torch, dist
    import ember
    import ember.distributed as dist
    return ember, dist


def _model(T, seed=0):
    rng = np.random.default_rng(seed)
    layers = []
    for i, (n_in, n_out) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        layer = T.nn.Linear(n_in, n_out)
        bound = 1 / np.sqrt(n_in)
        with T.no_grad():
            layer.weight.copy_(T.from_numpy(
                rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32)))
            layer.bias.copy_(T.from_numpy(rng.uniform(-bound, bound, n_out).astype(np.float32)))
        layers.append(layer)
        if i < len(SIZES) - 2:
            layers.append(T.nn.ReLU())
    return T.nn.Sequential(*layers)


def _timed(fn, steps, sync):
    for _ in range(3):
        fn()
    sync()
    t = time.perf_counter()
    for _ in range(steps):
        fn()
    sync()
    return (time.perf_counter() - t) / steps


def _worker_step(T, dist, rank, world, measure_overlap):
    rows = GLOBAL_BATCH // world
    rng = np.random.default_rng(100 + rank)
    x = T.from_numpy(rng.standard_normal((rows, SIZES[0])).astype(np.float32))
    y = T.from_numpy(rng.standard_normal((rows, SIZES[-1])).astype(np.float32))
    # the overlap is measured with 1 MB buckets: with the default 25 MB cap,
    # all but the last layer's gradients share one bucket, ready only at the end
    cap_mb = 1 if measure_overlap else None
    ddp = T.nn.parallel.DistributedDataParallel(_model(T), bucket_cap_mb=cap_mb)
    opt = T.optim.SGD(ddp.parameters(), lr=0.001)

    def step():
        loss = T.nn.functional.mse_loss(ddp(x), y)
        loss.backward()
        opt.step()
        opt.zero_grad()

    def local_step():
        with ddp.no_sync():
            step()

    buckets = _buckets(T, list(ddp.parameters()), *((1 << 20, 1 << 20) if cap_mb else ()))

    def allreduce_alone():
        # the gradients' all-reduce by itself, in DDP's buckets, blocking
        for bucket in buckets:
            dist.all_reduce(bucket)
            bucket.div_(world)

    sync = dist.barrier
    res = {"step": _timed(step, STEPS, sync)}
    if measure_overlap:
        res["local"] = _timed(local_step, STEPS, sync)
        res["allreduce"] = _timed(allreduce_alone, STEPS, sync)
        waited = _time_waits(T)
        res["ddp"] = _timed(step, STEPS, sync)
        if waited is not None:      # (warm-up steps included: per step, over all of them)
            res["waited"] = waited[0] / (STEPS + 3)
    return res


def _time_waits(T):
    """Ember only: add up the time DDP's end of backward blocks in its buckets'
    Future.wait, i.e. the all-reduce time not hidden behind backward."""
    if T.__name__ != "ember":
        return None
    from ember.distributed import _work
    total, wait = [0.0], _work.Future.wait

    def timed(self):
        t = time.perf_counter()
        try:
            return wait(self)
        finally:
            total[0] += time.perf_counter() - t
    _work.Future.wait = timed
    return total


def _buckets(T, params, first=1 << 20, cap=25 << 20):
    """Flat tensors the sizes of DDP's default buckets (reverse parameter order)."""
    sizes, current, size, limit = [], 0, 0, first
    for p in reversed(params):
        nbytes = p.numel() * 4
        if current and size + nbytes > limit:
            sizes.append(current)
            current, size, limit = 0, 0, cap
        current += p.numel()
        size += nbytes
    sizes.append(current)
    return [T.zeros(n) for n in sizes]


def _worker_allreduce(T, dist, lib):
    t = T.ones(MB4)
    reps = 30
    out = {"ours": _timed(lambda: dist.all_reduce(t), reps, dist.barrier)}
    if lib == "ember":
        from mpi4py import MPI
        arr = t.numpy()
        comm = MPI.COMM_WORLD
        out["raw"] = _timed(lambda: comm.Allreduce(MPI.IN_PLACE, arr), reps, comm.Barrier)
        out["ours2"] = _timed(lambda: dist.all_reduce(t), reps, dist.barrier)
    return out


def worker(lib, what, out_dir):
    T, dist = _library(lib)
    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    if what == "allreduce":
        res = _worker_allreduce(T, dist, lib)
    else:
        res = _worker_step(T, dist, rank, world, what == "overlap")
    dist.destroy_process_group()
    with open(os.path.join(out_dir, f"{rank}.json"), "w") as f:
        json.dump(res, f)


def _launch(lib, what, n):
    with tempfile.TemporaryDirectory() as out:
        launcher = "ember.distributed.run" if lib == "ember" else "torch.distributed.run"
        env = dict(os.environ, PYTHONPATH=os.path.abspath(SRC))
        cmd = [sys.executable, "-m", launcher, "--nproc-per-node", str(n),
               os.path.abspath(__file__), "--worker", lib, what, out]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
        if proc.returncode:
            raise RuntimeError(f"{lib} {what} on {n}: {proc.stderr[-2000:]}")
        return [json.load(open(os.path.join(out, f"{r}.json"))) for r in range(n)]


def _fmt(seconds):
    return f"{seconds * 1e3:.2f} ms"


def _cell(ts, fmt=_fmt):
    return f"{fmt(statistics.median(ts))} ({fmt(min(ts))}-{fmt(max(ts))})"


def _has(module):
    return subprocess.run([sys.executable, "-c", f"import {module}"],
                          capture_output=True).returncode == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--procs", default="1,2,4")
    ap.add_argument("--only", default="step,overlap,allreduce")
    ap.add_argument("--worker", nargs=3, metavar=("LIB", "WHAT", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    libs = ["ember"] + (["torch"] if _has("torch") else [])
    only = args.only.split(",")
    procs = [int(n) for n in args.procs.split(",")]
    print(f"{os.cpu_count()} cores; BLAS at 1 thread per process; {args.rounds} rounds, fresh "
          "processes per round and configuration; median (lowest-highest)")
    if "step" in only:
        steps = {(lib, n): [] for lib in libs for n in procs}
        for _ in range(args.rounds):
            for n in procs:
                for lib in libs:
                    steps[lib, n].append(_launch(lib, "step", n)[0]["step"])
        print(f"\nstep) MLP {'-'.join(map(str, SIZES))}, global batch {GLOBAL_BATCH}: "
              "time per DDP step (rank 0)")
        for n in procs:
            row = "  ".join(f"{lib} {_cell(steps[lib, n])}" for lib in libs)
            ratio = (f"  ratio {statistics.median(steps['ember', n]) / statistics.median(steps['torch', n]):.2f}x"
                     if "torch" in libs else "")
            speedup = statistics.median(steps["ember", procs[0]]) / statistics.median(
                steps["ember", n])
            print(f"  {n} process{'es' if n > 1 else '  '}: {row}{ratio}  "
                  f"(ember speed-up over {procs[0]}: {speedup:.2f}x)")
    if "overlap" in only:
        keys = ("local", "allreduce", "ddp", "end_to_end", "by_wait")
        parts = {lib: {k: [] for k in keys} for lib in libs}
        for _ in range(args.rounds):
            for lib in libs:
                r = _launch(lib, "overlap", 2)[0]
                for k in ("local", "allreduce", "ddp"):
                    parts[lib][k].append(r[k])
                parts[lib]["end_to_end"].append(1 - (r["ddp"] - r["local"]) / r["allreduce"])
                if "waited" in r:
                    parts[lib]["by_wait"].append(1 - r["waited"] / r["allreduce"])
        print("\noverlap) 2 processes: step without communication (no_sync), all-reduce "
              "alone, synchronised step; share of the all-reduce hidden, end to end and by "
              "the time DDP blocks waiting for its buckets")
        pct = lambda v: f"{v:.0%}"  # noqa: E731
        for lib in libs:
            p = parts[lib]
            by_wait = _cell(p["by_wait"], pct) if p["by_wait"] else "-"
            print(f"  {lib:5s} local {_cell(p['local'])}  all-reduce {_cell(p['allreduce'])}  "
                  f"ddp {_cell(p['ddp'])}  hidden: end to end {_cell(p['end_to_end'], pct)}, "
                  f"by wait {by_wait}")
    if "allreduce" in only:
        got = {lib: [] for lib in libs}
        raw = []
        for _ in range(args.rounds):
            for lib in libs:
                r = _launch(lib, "allreduce", 2)[0]
                if lib == "ember":
                    got[lib].append(min(r["ours"], r["ours2"]))
                    raw.append(r["raw"])
                else:
                    got[lib].append(r["ours"])
        gbps = lambda s: f"{4 * MB4 / s / 1e9:.2f} GB/s"  # noqa: E731
        print("\nallreduce) 4 MB float32, 2 processes: time (bandwidth)")
        print(f"  raw mpi4py Allreduce {_cell(raw)} ({gbps(statistics.median(raw))})")
        for lib in libs:
            print(f"  {lib:5s} all_reduce    {_cell(got[lib])} "
                  f"({gbps(statistics.median(got[lib]))})")
        print(f"  ember's bandwidth / raw mpi4py's: "
              f"{statistics.median(raw) / statistics.median(got['ember']):.0%}")


if __name__ == "__main__":
    main()
