"""The stride-1 input gradient (batch innermost, one box add per kernel offset) against the
general one (col2im by kernel offset), on random geometries."""
import itertools

import numpy as np
import pytest

from ember.ops import convolution_kernels as K


def _general(gy, w, g):
    """input_grad through col2im, as the kernels compute it for any stride."""
    n, o = gy.shape[0], w.shape[0]
    groups, cg, nd = g.groups, w.shape[1], len(g.k_size)
    kp = int(np.prod(g.k_size))
    wk = w.reshape(groups, o // groups, cg, kp).transpose(0, 3, 2, 1).reshape(
        groups, kp * cg, o // groups)
    cols = np.matmul(wk, gy.reshape(n, groups, o // groups, -1))
    cols = np.moveaxis(cols.reshape((n, groups) + tuple(g.k_size) + (cg,) + tuple(g.y_size)),
                       2 + nd, 2)
    x = K.col2im(cols, g.x_size, g.stride, g.padding, g.dilation)
    return x.reshape((n, groups * cg) + tuple(g.x_size))


CASES = list(itertools.product([(7, 9), (5, 6, 4)], [0, 1, 2], [1, 2], [1, 2], [(3, 2), (1, 3)]))


@pytest.mark.parametrize("x_size,padding,dilation,groups,k", CASES)
def test_unit_stride_input_grad_is_col2ims(x_size, padding, dilation, groups, k):
    nd = len(x_size)
    k_size = (k + (2,))[:nd] if nd == 3 else k
    y_size = tuple(s + 2 * padding - dilation * (kk - 1) for s, kk in zip(x_size, k_size))
    if min(y_size) <= 0:
        pytest.skip("kernel larger than the padded input")
    rng = np.random.default_rng(sum(x_size) + padding + 7 * dilation + groups)
    c, o = 2 * groups, 3 * groups
    w = rng.standard_normal((o, c // groups) + tuple(k_size))
    gy = rng.standard_normal((2, o) + y_size)
    g = K.Geometry((1,) * nd, (padding,) * nd, (dilation,) * nd, groups, x_size, y_size, k_size)
    want = _general(gy, w, g)
    got = K.input_grad(gy, w, g)
    assert got.shape == want.shape and got.flags.c_contiguous
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
