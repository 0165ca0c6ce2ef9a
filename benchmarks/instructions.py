"""Instructions per call of run.py's small workloads, counted by callgrind.

    python3 benchmarks/instructions.py [--calls N] [a] [b] [e] ...

Wall time on a shared or busy machine moves by tens of percent from run to
run; the number of instructions a call executes does not. This runs each
workload (run.py's closures: (a) the lab step, (b) the op chain, (e) the tiny
MLP step) a few times to warm up, then N times with callgrind's
instrumentation switched on around them only, and prints instructions per
call. It measures Ember alone (the src/ next to this file), at one BLAS
thread; it needs valgrind (callgrind_control comes with it).
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CALLS = {"a": 50, "b": 20, "e": 200}


def _child(case, calls):
    sys.path.insert(0, HERE)
    import ember
    import run
    f = {"a": lambda: run.training_step(ember, (1000, 100, 10), 16),
         "b": lambda: run.op_chain(ember),
         "e": lambda: run.training_step(ember, (10, 16, 16, 1), 8)}[case]()
    for _ in range(3):
        f()
    toggle = ["callgrind_control", "-i"]
    subprocess.run(toggle + ["on", str(os.getpid())], stdout=subprocess.DEVNULL, check=True)
    for _ in range(calls):
        f()
    subprocess.run(toggle + ["off", str(os.getpid())], stdout=subprocess.DEVNULL, check=True)


def main(argv):
    calls = None
    if "--calls" in argv:
        i = argv.index("--calls")
        calls = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONPATH=os.path.join(HERE, "..", "src"))
    for case in argv or sorted(CALLS):
        n = calls or CALLS[case]
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=/dev/null",
             sys.executable, __file__, "--child", case, str(n)],
            env=env, capture_output=True, text=True)
        found = re.search(r"Collected : (\d+)", out.stderr)
        if out.returncode or not found:
            sys.exit(f"({case}) failed:\n{out.stderr[-2000:]}")
        print(f"({case}) {int(found.group(1)) / n / 1e6:.3f}M instructions per call ({n} calls)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[2], int(sys.argv[3]))
    else:
        main(sys.argv[1:])
