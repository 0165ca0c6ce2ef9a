"""Writes src/ember/ops/_sleef_log_table.npz: where float32(log(double(x)))
is not Sleef's logf, for every float32 x in [1, 32768] (the row sums that
PyTorch's float32 log_softmax takes the log of: exp(0) = 1 is one of the
terms, and a row has at most 32768 of them, ember.ops.activation._SLEEF_MAX).

    .venv/bin/python tools/make_sleef_log_table.py     (some 10 s)

Sleef's xlogf_u1 misses the correctly rounded logarithm by one unit for 0.2%
of these inputs; `ember.ops._sleef._logf` looks them up rather than running
its 80-step emulation (`_logf_sleef`), which is what this scan runs over the
whole range. Inputs whose double logarithm lies within 128 double units of a
float32 midpoint are kept with their value too, so that a libm whose log
differs from this machine's in the last double bits still rounds the rest
alike. tests/test_sleef_exact.py checks the table against the emulation at
every one of the 126 million inputs."""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))
from ember.ops import _sleef  # noqa: E402

OUT = os.path.join(HERE, "..", "src", "ember", "ops", "_sleef_log_table.npz")


def main():
    up, down, near_keys, near_vals = _sleef.scan_log_table()
    # (sorted keys, stored as gaps: they compress to a third)
    np.savez_compressed(OUT, up=np.diff(up, prepend=np.uint32(0)),
                        down=np.diff(down, prepend=np.uint32(0)),
                        near_keys=near_keys, near_vals=near_vals)
    print(f"{OUT}: {up.size} up, {down.size} down, {near_keys.size} near a midpoint, "
          f"{os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
