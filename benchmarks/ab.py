"""Ember against another checkout of itself, interleaved: the ratio of a change.

    git worktree add --detach /tmp/before REV
    python3 benchmarks/ab.py e /tmp/before [--rounds 11]

On a shared VM, wall times move by tens of percent within minutes, and so do
the ratios to PyTorch that run.py prints. Two versions of Ember timed in
alternating fresh processes (run.py's worker, one BLAS thread) see the same
machine: the median of the per-pair ratios (this checkout / the other) says
what the change did, and its spread how far to trust it.
"""
import argparse
import os
import statistics

import run      # (importing it pins the BLAS threads its workers inherit)

HERE = os.path.dirname(os.path.abspath(__file__))


def _time(checkout, key):
    return run._run_worker("ember", key, os.path.join(checkout, "benchmarks", "run.py"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("key", help="a benchmark of run.py: a, b, e, ...")
    parser.add_argument("other", help="the other checkout's root directory")
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args()
    this = os.path.dirname(HERE)
    mine, theirs, ratios = [], [], []
    for i in range(args.rounds):
        # (which goes first alternates: neither always meets a warmer machine)
        if i % 2:
            b, a = _time(args.other, args.key), _time(this, args.key)
        else:
            a, b = _time(this, args.key), _time(args.other, args.key)
        mine.append(a)
        theirs.append(b)
        ratios.append(a / b)

    def cell(ts):
        return f"{statistics.median(ts) * 1e6:.1f} us ({min(ts) * 1e6:.1f}-{max(ts) * 1e6:.1f})"
    print(f"({args.key}) this checkout {cell(mine)}, the other {cell(theirs)}; ratio of pairs: "
          f"median {statistics.median(ratios):.3f} ({min(ratios):.3f}-{max(ratios):.3f}), "
          f"{args.rounds} pairs")


if __name__ == "__main__":
    main()
