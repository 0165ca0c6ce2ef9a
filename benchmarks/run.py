"""Ember against PyTorch, side by side: medians, spreads and ratios.

    python3 benchmarks/run.py [--rounds N] [--only a,b,c,d,e,k,x,l,L,o,f,s,m,v,n,B,r,t,g]

(a) the lab's training step: TinyModel (Linear 1000-100, ReLU, Linear 100-10)
    at batch 16, (ideal - pred).pow(2).sum(), backward, SGD.step, zero_grad
(b) per-op overhead: 100 x (sin, *2, +1) on a 25-element tensor that requires
    grad, then sum().backward(); time per op
(c) MLP 784-1024-1024-10, batch 256: one training step
(d) `python -c "import ember"` against `python -c "import torch"`: whole process
(e) tiny MLP 10-16-16-1, batch 8: one SGD step (where per-op overhead rules)
(k) a small classifier (MLP 64-32-10, the digits' sizes) at batch 16: cross_entropy
    on class indices, backward, SGD.step, zero_grad (float32 log_softmax bit for bit)
(x) einsum('bij,bjk->bik') on 64x128x128 float32
(l) linalg.solve of a 256x256 float32 system, one right-hand side; (L) 256 of them
(o) sort of 1M float32; (f) torch.fft.fft of 2^20 complex64 elements
(s) save + load (weights-only) of the lab's TinyModel state dict, in memory
(m) save + load of a 100 MB state dict (25 x 1000x1000 float32) through a file
(v) conv2d: 64 images of 1x28x28, 32 filters of 3x3 (padding 1), forward and backward
(n) LeNet-5 (conv 5x5, pool, conv 5x5, pool, 3 linear) training step at batch 64
(B) BatchNorm2d(32) on 64x32x28x28 in training mode, forward and backward
(r) a 2-layer LSTM, hidden 128, sequence 50, batch 32 (input 64): forward and backward
(t) a TransformerEncoderLayer (d_model 128, 4 heads, the defaults otherwise: feed-forward 2048,
    dropout 0.1, training mode), sequence 64, batch 32: forward and backward

Each round runs each library in its own fresh process (so neither sees the
other's allocator, caches or threads), alternating Ember and PyTorch; a
process warms up, then times a block of calls. Reported: the median over
rounds and the spread (lowest to highest round), and the ratio of medians.
BLAS/OpenMP threads are pinned to 1 for both libraries.
"""
import os

THREADS = "1"
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = THREADS

import argparse  # noqa: E402
import importlib  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "src")
BLOCK_SECONDS = 0.3     # timed per round and library, after warm-up


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


def training_step(T, sizes, batch, seed=0, classes=False):
    """A closure running one SGD step of an MLP of `sizes` on fixed data:
    (ideal - pred).pow(2).sum() as the lab's, or with `classes`,
    cross_entropy on class indices (the loss a learner's first classifier
    prints)."""
    rng = np.random.default_rng(seed + 1)
    x = T.from_numpy(rng.standard_normal((batch, sizes[0])).astype(np.float32))
    if classes:
        y = T.from_numpy(rng.integers(0, sizes[-1], batch))
    else:
        y = T.from_numpy(rng.standard_normal((batch, sizes[-1])).astype(np.float32))
    model = _mlp(T, sizes, seed)
    opt = T.optim.SGD(model.parameters(), lr=0.01 if classes else 0.001)

    def step():
        pred = model(x)
        loss = T.nn.functional.cross_entropy(pred, y) if classes else (y - pred).pow(2).sum()
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


def einsum_bmm(T):
    rng = np.random.default_rng(0)
    a, b = (T.from_numpy(rng.standard_normal((64, 128, 128)).astype(np.float32))
            for _ in range(2))
    return lambda: T.einsum("bij,bjk->bik", a, b)


def solve(T, rhs):
    rng = np.random.default_rng(0)
    A = T.from_numpy((rng.standard_normal((256, 256)) + 16 * np.eye(256)).astype(np.float32))
    B = T.from_numpy(rng.standard_normal(rhs).astype(np.float32))
    return lambda: T.linalg.solve(A, B)


def sort_1m(T):
    x = T.from_numpy(np.random.default_rng(0).standard_normal(1_000_000).astype(np.float32))
    return lambda: T.sort(x)


def fft_1m(T):
    rng = np.random.default_rng(0)
    z = (rng.standard_normal(1 << 20) + 1j * rng.standard_normal(1 << 20)).astype(np.complex64)
    x = T.from_numpy(z)
    return lambda: T.fft.fft(x)


def _filled(T, module, seed):
    """`module` with its parameters drawn from NumPy, so that both libraries
    start from the same numbers."""
    rng = np.random.default_rng(seed)
    with T.no_grad():
        for p in module.parameters():
            p.copy_(T.from_numpy(rng.uniform(-0.2, 0.2, tuple(p.shape)).astype(np.float32)))
    return module


def conv2d(T):
    rng = np.random.default_rng(0)
    x = T.from_numpy(rng.standard_normal((64, 1, 28, 28)).astype(np.float32))
    conv = _filled(T, T.nn.Conv2d(1, 32, 3, padding=1), 1)

    def run():
        conv(x).sum().backward()
        conv.zero_grad()
    return run


def lenet_step(T):
    nn = T.nn
    model = _filled(T, nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)), 1)
    rng = np.random.default_rng(0)
    x = T.from_numpy(rng.standard_normal((64, 1, 28, 28)).astype(np.float32))
    y = T.from_numpy(rng.integers(0, 10, 64))
    opt = T.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    return step


def batchnorm2d(T):
    rng = np.random.default_rng(0)
    x = T.from_numpy(rng.standard_normal((64, 32, 28, 28)).astype(np.float32))
    x.requires_grad_()
    bn = T.nn.BatchNorm2d(32)

    def run():
        bn(x).sum().backward()
        x.grad = None
        bn.zero_grad()
    return run


def lstm(T):
    rnn = _filled(T, T.nn.LSTM(64, 128, num_layers=2), 1)
    x = T.from_numpy(np.random.default_rng(0).standard_normal((50, 32, 64)).astype(np.float32))

    def run():
        out, _ = rnn(x)
        out.sum().backward()
        rnn.zero_grad()
    return run


def transformer_layer(T):
    layer = _filled(T, T.nn.TransformerEncoderLayer(128, 4, batch_first=True), 1)
    x = T.from_numpy(np.random.default_rng(0).standard_normal((32, 64, 128)).astype(np.float32))

    def run():
        layer(x).sum().backward()
        layer.zero_grad()
    return run


def per_sample_grads(T):
    """torch.func: vmap(grad(loss)) over 64 samples of an MLP 784-128-10,
    as PyTorch's per-sample-gradients tutorial computes them."""
    model = _mlp(T, (784, 128, 10), 0)
    params = {k: v.detach() for k, v in model.named_parameters()}
    rng = np.random.default_rng(1)
    x = T.from_numpy(rng.standard_normal((64, 784)).astype(np.float32))
    y = T.from_numpy(rng.integers(0, 10, 64))
    func = importlib.import_module(T.__name__ + ".func")

    def loss(p, xi, yi):
        out = func.functional_call(model, p, (xi.unsqueeze(0),))
        return T.nn.functional.cross_entropy(out, yi.unsqueeze(0))
    per_sample = func.vmap(func.grad(loss), in_dims=(None, 0, 0))

    def run():
        per_sample(params, x, y)
    return run


BENCHES = {
    "a": ("lab training step (TinyModel, batch 16)", lambda T: training_step(T, (1000, 100, 10), 16), 1),
    "b": ("per-op overhead (time per op)", op_chain, 300),
    "c": ("MLP 784-1024-1024-10 step, batch 256", lambda T: training_step(T, (784, 1024, 1024, 10), 256), 1),
    "e": ("tiny MLP 10-16-16-1 step, batch 8", lambda T: training_step(T, (10, 16, 16, 1), 8), 1),
    "k": ("classifier MLP 64-32-10, cross_entropy, batch 16",
          lambda T: training_step(T, (64, 32, 10), 16, classes=True), 1),
    "x": ("einsum('bij,bjk->bik'), 64x128x128", einsum_bmm, 1),
    "l": ("linalg.solve 256x256, one right-hand side", lambda T: solve(T, (256,)), 1),
    "L": ("linalg.solve 256x256, 256 right-hand sides", lambda T: solve(T, (256, 256)), 1),
    "o": ("sort of 1M float32", sort_1m, 1),
    "f": ("fft.fft of 2^20 complex64", fft_1m, 1),
    "s": ("save+load TinyModel state dict (BytesIO)",
          lambda T: save_load(T, [(100, 1000), (100,), (10, 100), (10,)], False), 1),
    "m": ("save+load 100 MB state dict (file)",
          lambda T: save_load(T, [(1000, 1000)] * 25, True), 1),
    "v": ("conv2d 64x1x28x28, 32 3x3 filters, fwd+bwd", conv2d, 1),
    "n": ("LeNet-5 training step, batch 64", lenet_step, 1),
    "B": ("BatchNorm2d 64x32x28x28, fwd+bwd", batchnorm2d, 1),
    "r": ("LSTM 2 layers, hidden 128, seq 50, batch 32", lstm, 1),
    "t": ("TransformerEncoderLayer 128/4 heads, 32x64", transformer_layer, 1),
    "g": ("vmap(grad) per-sample gradients, MLP 784-128-10, 64 samples", per_sample_grads, 1),
}


def _time(fn, inner):
    t = time.perf_counter()
    for _ in range(inner):
        fn()
    return (time.perf_counter() - t) / inner


def worker(lib, key):
    """In a fresh process: one library, one benchmark; prints seconds per call."""
    sys.path.insert(0, SRC)
    T = importlib.import_module(lib)
    if lib == "torch":
        T.set_num_threads(int(THREADS))
    label, make, per = BENCHES[key]
    fn = make(T)
    fn()
    fn()
    inner = max(1, int(0.02 / max(_time(fn, 1), 1e-7)))
    deadline = time.perf_counter() + BLOCK_SECONDS
    runs = []
    while time.perf_counter() < deadline or len(runs) < 3:
        runs.append(_time(fn, inner))
    print(statistics.median(runs) / per)


def _run_worker(lib, key, script=__file__):
    """Seconds per call of `key` in a fresh process (`script`: this file, or
    another checkout's, as ab.py times it), with the threads pinned above."""
    out = subprocess.run([sys.executable, os.path.abspath(script), "--worker", lib, key],
                         check=True, capture_output=True, text=True)
    return float(out.stdout.split()[-1])


def bench(key, rounds, libs):
    times = {lib: [] for lib in libs}
    for _ in range(rounds):
        for lib in libs:
            times[lib].append(_run_worker(lib, key))
    return times


def import_times(rounds, libs):
    # Bytecode is cached for both, as `pip install` leaves it (a clean
    # checkout has none, and PYTHONDONTWRITEBYTECODE would keep it so):
    # one untimed import writes it.
    env = dict(os.environ, PYTHONPATH=SRC)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for lib in libs:
        subprocess.run([sys.executable, "-c", f"import {lib}"], check=True, env=env)
    times = {lib: [] for lib in libs}
    for _ in range(rounds):
        for lib in libs:
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", f"import {lib}"], check=True, env=env)
            times[lib].append(time.perf_counter() - t)
    return times


def _fmt(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def _cell(ts):
    lo, mid, hi = min(ts), statistics.median(ts), max(ts)
    return f"{_fmt(mid)} ({_fmt(lo)}-{_fmt(hi)})"


def _has_torch():
    return subprocess.run([sys.executable, "-c", "import torch"],
                          capture_output=True).returncode == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--only", default="a,b,c,d,e,k,x,l,L,o,f,s,m,v,n,B,r,t,g")
    ap.add_argument("--worker", nargs=2, metavar=("LIB", "KEY"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    libs = ["ember"] + (["torch"] if _has_torch() else [])
    print(f"threads pinned: OMP/OPENBLAS/MKL_NUM_THREADS={THREADS}; torch.set_num_threads"
          f"({THREADS}); numpy {np.__version__}; {args.rounds} rounds, each library in its "
          "own fresh process per round; median (lowest-highest)")
    print(f"{'benchmark':42s} {'ember':>30s} {'torch':>30s} {'ratio':>7s}")
    for key in args.only.split(","):
        if key == "d":
            t = import_times(args.rounds, libs)
            label = "d) import (whole process)"
        else:
            t = bench(key, args.rounds, libs)
            label = f"{key}) {BENCHES[key][0]}"
        med = {lib: statistics.median(ts) for lib, ts in t.items()}
        ratio = f"{med['ember'] / med['torch']:6.2f}x" if "torch" in med else "-"
        torch_s = _cell(t["torch"]) if "torch" in t else "-"
        print(f"{label:42s} {_cell(t['ember']):>30s} {torch_s:>30s} {ratio:>7s}", flush=True)


if __name__ == "__main__":
    main()
