"""Where a training step's time goes, part by part, inside the running loop.

    python3 benchmarks/step_parts.py [e|a] [--alone]

Runs run.py's step ((e) the tiny MLP, (a) the lab's TinyModel) on both
libraries, each in its own fresh process at one thread, and times every
module of the forward, the loss's three ops, backward, opt.step and
zero_grad as they run in the loop, one after the other. With --alone, the
forward is timed in a loop of forwards only.

Why in the loop: a part timed alone, over and over, runs several times
faster than it does between the others. Measured on an AMD EPYC VM (Python
3.11): Ember's forward of (e) takes 32 us in a loop of forwards and 48 us
between backward passes; any other Python code run in between slows it
(a few Ember ops: +7 us; a pure Python loop over a dict: +3 us; NumPy work
alone: nothing), while PyTorch's forward stays at 27-33 us. So the cost of
interpreted code is its bytecode count times the interpreter's speed when
its caches and branch predictors are cold: count bytecodes, not microseconds
of a part timed alone (benchmarks/instructions.py counts instructions).
"""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = {"e": ((10, 16, 16, 1), 8), "a": ((1000, 100, 10), 16)}


def _child(lib, case, alone):
    sys.path.insert(0, HERE)
    import numpy as np
    import run
    T = __import__(lib)
    T.set_num_threads(1)
    sizes, batch = SIZES[case]
    rng = np.random.default_rng(1)
    x = T.from_numpy(rng.standard_normal((batch, sizes[0])).astype(np.float32))
    y = T.from_numpy(rng.standard_normal((batch, sizes[-1])).astype(np.float32))
    model = run._mlp(T, sizes, 0)
    opt = T.optim.SGD(model.parameters(), lr=0.001)
    mods = list(model)
    names = [type(m).__name__ for m in mods] + ["sub", "pow", "sum"]
    if not alone:
        names += ["backward", "step", "zero_grad"]
    spent = [0.0] * len(names)
    clock = time.perf_counter

    def step():
        h, k = x, 0
        for m in mods:
            t = clock()
            h = m(h)
            spent[k] += clock() - t
            k += 1
        t = clock()
        d = y - h
        spent[k] += clock() - t
        t = clock()
        p = d.pow(2)
        spent[k + 1] += clock() - t
        t = clock()
        loss = p.sum()
        spent[k + 2] += clock() - t
        if alone:
            return
        for j, part in enumerate((loss.backward, opt.step, opt.zero_grad)):
            t = clock()
            part()
            spent[k + 3 + j] += clock() - t

    for _ in range(500):
        step()
    spent[:] = [0.0] * len(names)
    n = 10000 if case == "e" else 3000
    for _ in range(n):
        step()
    print(" ".join(f"{name}:{s / n * 1e6:.1f}" for name, s in zip(names, spent)),
          f"total:{sum(spent) / n * 1e6:.1f}")


def main(argv):
    case = next((a for a in argv if a in SIZES), "e")
    alone = "--alone" in argv
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONPATH=os.path.join(HERE, "..", "src"))
    for lib in ("ember", "torch"):
        out = subprocess.run([sys.executable, __file__, "--child", lib, case, str(alone)],
                             env=env, capture_output=True, text=True)
        if out.returncode:
            sys.exit(out.stderr[-2000:])
        print(f"{lib:6s} (us) {out.stdout.strip()}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[2], sys.argv[3], sys.argv[4] == "True")
    else:
        main(sys.argv[1:])
