"""Ember against PyTorch, side by side in one run: medians and ratios.

    python3 benchmarks/run.py [--rounds N] [--only a,b,c,d]

(a) the lab's training step: TinyModel forward, (ideal - pred).pow(2).sum(),
    backward, SGD.step, zero_grad
(b) per-op overhead: 100 x (sin, *2, +1) on a 25-element tensor that requires
    grad, then sum().backward(); time per op
(c) MLP 784-1024-1024-10, batch 256: one training step
(d) `python -c "import ember"` against `python -c "import torch"`: whole process
(s) save + load (weights-only) of the lab's TinyModel state dict, in memory
(m) save + load of a 100 MB state dict (25 x 1000x1000 float32) through a file

BLAS/OpenMP threads are pinned to 1 for both libraries in (a)-(c), so the
comparison is fair on a busy machine. The two libraries are timed in
alternating rounds and each figure is the median over rounds.
"""
import os

THREADS = "1"
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = THREADS

import argparse  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))
import ember  # noqa: E402

try:
    import torch
    torch.set_num_threads(int(THREADS))
except ImportError:       # Ember's figures alone, no ratios
    torch = None


def _linear_from(T, w, b):
    layer = T.nn.Linear(w.shape[1], w.shape[0])
    with T.no_grad():
        layer.weight.copy_(T.from_numpy(w.copy()))
        layer.bias.copy_(T.from_numpy(b.copy()))
    return layer


def _mlp(T, sizes, seed):
    rng = np.random.default_rng(seed)
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        bound = 1 / np.sqrt(n_in)
        w = rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32)
        b = rng.uniform(-bound, bound, n_out).astype(np.float32)
        layers.append(_linear_from(T, w, b))
        if i < len(sizes) - 2:
            layers.append(T.nn.ReLU())
    return T.nn.Sequential(*layers)


def training_step(T, sizes, batch, seed=0):
    """A closure running one SGD step of an MLP of `sizes` on fixed data."""
    rng = np.random.default_rng(seed + 1)
    x = T.from_numpy(rng.standard_normal((batch, sizes[0])).astype(np.float32))
    y = T.from_numpy(rng.standard_normal((batch, sizes[-1])).astype(np.float32))
    model = _mlp(T, sizes, seed)
    opt = T.optim.SGD(model.parameters(), lr=0.001)

    def step():
        pred = model(x)
        loss = (y - pred).pow(2).sum()
        loss.backward()
        opt.step()
        opt.zero_grad()
    return step


def op_chain(T):
    def run():
        x = T.rand(25, requires_grad=True)
        y = x
        for _ in range(100):
            y = T.sin(y)
            y = y * 2
            y = y + 1
        y.sum().backward()
    return run


def save_load(T, shapes, to_file):
    """A closure saving a state dict of these shapes and loading it back."""
    import io
    import tempfile
    rng = np.random.default_rng(0)
    sd = {f"w{i}": T.from_numpy(rng.standard_normal(s).astype(np.float32))
          for i, s in enumerate(shapes)}
    path = os.path.join(tempfile.mkdtemp(), "ckpt.pt")

    def run():
        f = path if to_file else io.BytesIO()
        T.save(sd, f)
        if not to_file:
            f.seek(0)
        T.load(f)
    return run


BENCHES = {
    "a": ("lab training step (TinyModel, batch 16)", lambda T: training_step(T, (1000, 100, 10), 16), 1),
    "b": ("per-op overhead (time per op)", op_chain, 300),
    "c": ("MLP 784-1024-1024-10 step, batch 256", lambda T: training_step(T, (784, 1024, 1024, 10), 256), 1),
    "s": ("save+load TinyModel state dict (BytesIO)",
          lambda T: save_load(T, [(100, 1000), (100,), (10, 100), (10,)], False), 1),
    "m": ("save+load 100 MB state dict (file)",
          lambda T: save_load(T, [(1000, 1000)] * 25, True), 1),
}


def _time(fn, inner):
    t = time.perf_counter()
    for _ in range(inner):
        fn()
    return (time.perf_counter() - t) / inner


def bench(key, rounds):
    label, make, per = BENCHES[key]
    libs = [("ember", ember)] + ([("torch", torch)] if torch else [])
    fns = {name: make(T) for name, T in libs}
    for fn in fns.values():          # warm up
        fn()
        fn()
    inner = max(1, int(0.05 / max(_time(fns["ember"], 1), 1e-6)))
    times = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            times[name].append(_time(fn, inner) / per)
    return label, {name: statistics.median(ts) for name, ts in times.items()}


def import_times(rounds):
    env = dict(os.environ, PYTHONPATH=os.path.join(HERE, "..", "src"))
    times = {"ember": [], "torch": []}
    for _ in range(rounds):
        for name in times:
            if name == "torch" and torch is None:
                continue
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", f"import {name}"], check=True, env=env)
            times[name].append(time.perf_counter() - t)
    return {k: statistics.median(v) for k, v in times.items() if v}


def _fmt(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:9.2f} us"
    return f"{seconds * 1e3:9.3f} ms"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--only", default="a,b,c,d,s,m")
    args = ap.parse_args()
    print(f"threads pinned: OMP/OPENBLAS/MKL_NUM_THREADS={THREADS}"
          + (f", torch.set_num_threads({THREADS})" if torch else "; torch not installed"))
    print(f"numpy {np.__version__}" + (f", torch {torch.__version__}" if torch else ""))
    print(f"{'benchmark':44s} {'ember':>12s} {'torch':>12s} {'ember/torch':>12s}")
    for key in args.only.split(","):
        if key == "d":
            t = import_times(max(5, args.rounds // 2))
            label = "d) import (whole process)"
        else:
            label, t = bench(key, args.rounds)
            label = f"{key}) {label}"
        ratio = f"{t['ember'] / t['torch']:11.2f}x" if "torch" in t else "-"
        torch_s = _fmt(t["torch"]) if "torch" in t else "-"
        print(f"{label:44s} {_fmt(t['ember']):>12s} {torch_s:>12s} {ratio:>12s}", flush=True)


if __name__ == "__main__":
    main()
