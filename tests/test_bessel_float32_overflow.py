"""The I Bessel functions in float32 (and the half types, computed in
float32) where PyTorch 2.13's kernels multiply by expf(|x|): infinite where
that overflows (|x| >= 88.7228...), though the value would fit a float32;
NaN at +-inf; float64 finite as far as double goes. Each case states which
values are infinite and runs beside PyTorch where it is installed."""
import math

import numpy as np
import pytest

import ember
from compare_torch import check
from review_checks import HAS_TORCH

XS = [80.0, 88.7, 88.72283935546875, 89.0, 95.0, -89.0, -100.0, 0.5,
      float("inf"), float("-inf"), float("nan")]


@pytest.mark.parametrize("name, odd", [("i0", False), ("i1", True),
                                       ("modified_bessel_i0", False),
                                       ("modified_bessel_i1", True)])
@pytest.mark.parametrize("dtype", ["float32"])
def test_i_bessel_float32_overflow(name, odd, dtype):
    r = getattr(ember.special, name)(ember.tensor(XS, dtype=getattr(ember, dtype)))
    v = r.float().numpy()
    assert np.isfinite(v[[0, 7]]).all()
    if dtype == "float32":
        assert np.isfinite(v[1])
    for i in (2, 3, 4):
        assert v[i] == math.inf
    assert v[5] == (-math.inf if odd else math.inf) and v[6] == v[5]
    assert np.isnan(v[8:]).all()
    if HAS_TORCH:
        check(lambda T: getattr(T.special, name)(T.tensor(XS, dtype=getattr(T, dtype))),
              rtol=1e-5)


def test_i_bessel_float64_stays_finite():
    r = ember.special.i0(ember.tensor([89.0, 700.0], dtype=ember.float64))
    assert np.isfinite(r.numpy()).all()
    if HAS_TORCH:
        check(lambda T: T.special.i0(T.tensor([89.0, 700.0, 713.0], dtype=T.float64)),
              rtol=1e-12)
