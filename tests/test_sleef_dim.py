"""float32 softmax and log_softmax along a dim that is not the last, forward
and backward, bit for bit with PyTorch's kernels (ops/_sleef_dim.py): Sleef's
exp in whole vectors of lanes, glibc's expf (ops/_glibc.py) in the others,
the lanes cut as each kernel walks them at 1, 2 and 3 threads."""
import numpy as np
import pytest

import ember
from cpu_kind import avx2_rounds_otherwise

_SHAPES = [((64, 10), 0), ((8, 5, 7), 1), ((4, 6, 40), 1), ((3, 50, 33), 1),
           ((2, 17, 1), 1), ((5, 3, 4, 4), 1), ((6, 4), -2), ((3, 4, 5), 0),
           ((200, 30), 0), ((7, 1000), 0), ((2, 3, 16, 16), 1), ((1, 9, 33), 1)]


@avx2_rounds_otherwise("8-lane vectors take other lanes")
@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_matches_pytorchs_bits(name, threads):
    torch = pytest.importorskip("torch")
    old = (torch.get_num_threads(), ember.get_num_threads())
    torch.set_num_threads(threads)
    ember.set_num_threads(threads)
    try:
        rng = np.random.default_rng(threads)
        for shape, d in _SHAPES:
            a = (rng.standard_normal(shape) * 3).astype(np.float32)
            g = rng.standard_normal(shape).astype(np.float32)
            got = []
            for T in (torch, ember):
                x = T.from_numpy(a.copy()).requires_grad_()
                y = getattr(T.nn.functional, name)(x, dim=d)
                y.backward(T.from_numpy(g))
                got.append((y.detach().numpy(), x.grad.numpy(), type(y.grad_fn).__name__))
            (ty, tg, tn), (ey, eg, en) = got
            assert en == tn
            np.testing.assert_array_equal(ey, ty, err_msg=f"{shape} dim={d} forward")
            np.testing.assert_array_equal(eg, tg, err_msg=f"{shape} dim={d} backward")
    finally:
        torch.set_num_threads(old[0])
        ember.set_num_threads(old[1])


@avx2_rounds_otherwise("8-lane vectors take other lanes")
def test_transposed_and_implicit_dim_inputs():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    a = (rng.standard_normal((6, 5, 4)) * 2).astype(np.float32)
    outs = []
    for T in (torch, ember):
        x = T.from_numpy(a.copy()).transpose(0, 2)
        with pytest.warns(UserWarning, match="Implicit dimension choice"):
            implicit = T.nn.functional.softmax(T.from_numpy(a.copy()))     # (dim 0 in 3-D)
        outs.append((T.softmax(x, 1).numpy(), T.log_softmax(x, 0).numpy(), implicit.numpy()))
    for t, e in zip(*outs):
        np.testing.assert_array_equal(e, t)


def test_long_dims_stay_close():
    """Past _FUSED_STEPS_MAX steps down the dim, softmax's backward is
    NumPy's sums: PyTorch's values to float32's precision, not its bits."""
    from ember.ops import activation
    torch = pytest.importorskip("torch")
    n = activation._FUSED_STEPS_MAX + 44
    rng = np.random.default_rng(3)
    a = rng.standard_normal((n, 3)).astype(np.float32)
    g = rng.standard_normal((n, 3)).astype(np.float32)
    grads = []
    for T in (torch, ember):
        x = T.from_numpy(a.copy()).requires_grad_()
        T.softmax(x, 0).backward(T.from_numpy(g))
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-5, atol=1e-7)
