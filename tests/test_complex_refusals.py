"""Ops PyTorch refuses on complex tensors, or refuses only under autograd:
the same error type and message as PyTorch's, raised at the same moment
(the forward, before anything is recorded), every tensor left unchanged;
and the forward values of those that compute without a gradient."""
import warnings

import numpy as np
import pytest

import ember
from compare_torch import check, check_error

F_ = lambda T: T.nn.functional    # noqa: E731


def _z(T, grad=False):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 3, 4)) + 1j * rng.standard_normal((2, 3, 4))
    return (T.tensor(a, requires_grad=grad),)


def _zg(T):
    return _z(T, True)


# (name, op): refused under autograd only
AUTOGRAD = [
    ("silu", lambda T, x: F_(T).silu(x)),
    ("nan_to_num", lambda T, x: T.nan_to_num(x)),
    ("embedding", lambda T, x: F_(T).embedding(T.tensor([0, 2]), x[0])),
    ("scatter_reduce_sum", lambda T, x: x[0].scatter_reduce(0, T.tensor([[0, 1, 2, 0]]), x[1],
                                                            "sum")),
    ("index_reduce_prod", lambda T, x: x[0].index_reduce(0, T.tensor([0, 2]), x[1, :2], "prod")),
    ("select_copy", lambda T, x: T.select_copy(x, 0, 1)),
    ("slice_copy", lambda T, x: T.slice_copy(x, 1, 0, 2)),
    ("bilinear", lambda T, x: F_(T).bilinear(x[0], x[1], T.ones(2, 4, 4, dtype=x.dtype))),
    ("affine_grid", lambda T, x: F_(T).affine_grid(x[:1, :2, :3], (1, 1, 2, 2),
                                                   align_corners=False)),
    ("bce_with_logits_complex_target", lambda T, x: F_(T).binary_cross_entropy_with_logits(
        x.real.detach(), x)),
    ("soft_margin_loss", lambda T, x: F_(T).soft_margin_loss(x, T.ones(2, 3, 4))),
]


@pytest.mark.parametrize("name,op", AUTOGRAD, ids=[r[0] for r in AUTOGRAD])
def test_refused_under_autograd_as_pytorch(name, op):
    check_error(_zg, op)


@pytest.mark.parametrize("name,op", AUTOGRAD, ids=[r[0] for r in AUTOGRAD])
def test_computed_without_autograd_as_pytorch(name, op):
    def f(T):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return op(T, *_z(T))
    check(f, rtol=1e-10, atol=1e-12)


REFUSED = [
    ("cosine_similarity", lambda T, x: F_(T).cosine_similarity(x, x)),
    ("logaddexp2", lambda T, x: T.logaddexp2(x, x)),
    ("dropout", lambda T, x: F_(T).dropout(x, 0.5)),
    ("alpha_dropout", lambda T, x: F_(T).alpha_dropout(x, 0.5, training=True)),
    ("dropout2d", lambda T, x: F_(T).dropout2d(x[None], 0.5)),
    ("bce_with_logits", lambda T, x: F_(T).binary_cross_entropy_with_logits(x, x)),
    ("bce", lambda T, x: F_(T).binary_cross_entropy(x, x)),
    ("kl_div", lambda T, x: F_(T).kl_div(x.real, x, reduction="sum")),
    ("nll_loss", lambda T, x: F_(T).nll_loss(x[0], T.tensor([0, 1, 2]))),
    ("nll_loss2d", lambda T, x: F_(T).nll_loss(x[None], T.tensor([[[0, 1, 2, 0]] * 3]))),
    ("smooth_l1", lambda T, x: F_(T).smooth_l1_loss(x, x)),
    ("huber", lambda T, x: F_(T).huber_loss(x, x)),
    ("multi_margin", lambda T, x: F_(T).multi_margin_loss(x[0], T.tensor([0, 1, 2]))),
    ("clamp_min_tensor", lambda T, x: T.clamp_min(x, x.real)),
    ("clamp_max_tensor", lambda T, x: T.clamp_max(x, x.real)),
    ("max_pool2d", lambda T, x: F_(T).max_pool2d(x, 2)),
    ("max_pool1d_indices", lambda T, x: F_(T).max_pool1d(x, 2, return_indices=True)),
    ("max_unpool2d", lambda T, x: F_(T).max_unpool2d(x[None], T.zeros(1, 2, 3, 4,
                                                                      dtype=T.int64), 2)),
    ("local_response_norm", lambda T, x: F_(T).local_response_norm(x, 2)),
    ("sdpa", lambda T, x: F_(T).scaled_dot_product_attention(x, x, x)),
    ("convolution", lambda T, x: T.convolution(x, x[:, :, :2], None, [1], [0], [1], False,
                                                [0], 1)),
    ("convolution_dilated", lambda T, x: T.convolution(x, x[:, :, :2], None, [1], [0], [2],
                                                        False, [0], 1)),
    ("convolution_transposed", lambda T, x: T.convolution(x, x[:3, :, :2], None, [1], [0],
                                                           [1], True, [0], 1)),
    ("conv1d_real_weight", lambda T, x: F_(T).conv1d(x, x.real[:, :, :2])),
    ("conv1d_complex_weight", lambda T, x: F_(T).conv1d(x.real, x[:, :, :2])),
    ("conv1d_real_bias", lambda T, x: F_(T).conv1d(x, x[:, :, :2], T.ones(2))),
    ("scatter_reduce_amax", lambda T, x: x[0].scatter_reduce(0, T.tensor([[0, 1, 2, 0]]), x[1],
                                                             "amax")),
    ("index_reduce_amin", lambda T, x: x[0].index_reduce(0, T.tensor([0, 2]), x[1, :2],
                                                         "amin")),
    ("index_reduce_noself", lambda T, x: x[0].index_reduce(0, T.tensor([0, 2]), x[1, :2],
                                                           "mean", include_self=False)),
    ("polygamma_1", lambda T, x: T.polygamma(1, x)),
    ("mvlgamma", lambda T, x: T.mvlgamma(x, 2)),
    ("ndtr", lambda T, x: T.special.ndtr(x)),
    ("zeta", lambda T, x: T.special.zeta(x, 2.0)),
    ("gammainc", lambda T, x: T.special.gammainc(x, x)),
    ("chebyshev", lambda T, x: T.special.chebyshev_polynomial_t(x, 2)),
    ("grid_sampler_3d", lambda T, x: F_(T).grid_sample(x[None, None], x[None, ..., :3],
                                                       align_corners=False)),
]


@pytest.mark.parametrize("name,op", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_as_pytorch(name, op):
    check_error(_z, op)


def test_dropout_without_noise_keeps_complex_values():
    check(lambda T: (F_(T).dropout(_z(T)[0], 0.0), F_(T).dropout(_z(T)[0], 0.5, training=False),
                     F_(T).dropout(_z(T)[0], 1.0)))


def test_scatter_and_index_reduce_mean_of_complex():
    def f(T):
        x = _z(T)[0]
        return (x[0].scatter_reduce(0, T.tensor([[0, 1, 2, 0]]), x[1], "mean"),
                x[0].scatter_reduce(0, T.tensor([[0, 1, 2, 0]]), x[1], "mean",
                                    include_self=False),
                x[0].index_reduce(0, T.tensor([0, 2]), x[1, :2], "mean"),
                T.is_signed(x))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(f, rtol=1e-12)


def _ones(T, *shape, dtype=None):
    return T.ones(*shape, dtype=dtype or T.float32)


SCALAR_REFUSALS = [
    ("addmm_double", lambda T: T.addmm(*(_ones(T, 2, 2, dtype=T.float64),) * 3, alpha=1j)),
    ("addmm_long", lambda T: T.addmm(*(_ones(T, 2, 2, dtype=T.int64),) * 3, alpha=1j)),
    ("addmm_overflow", lambda T: T.addmm(*(_ones(T, 2, 2),) * 3, alpha=1e40)),
    ("addmv", lambda T: T.addmv(_ones(T, 2), _ones(T, 2, 2), _ones(T, 2), beta=2j)),
    ("addr", lambda T: T.addr(_ones(T, 2, 2), _ones(T, 2), _ones(T, 2), alpha=1j)),
    ("addbmm", lambda T: T.addbmm(_ones(T, 2, 2), _ones(T, 1, 2, 2), _ones(T, 1, 2, 2),
                                  alpha=1j)),
    ("baddbmm", lambda T: T.baddbmm(*(_ones(T, 1, 2, 2),) * 3, beta=1j)),
    ("add_alpha", lambda T: T.add(_ones(T, 2), _ones(T, 2), alpha=1j)),
    ("sub_alpha", lambda T: T.sub(_ones(T, 2), _ones(T, 2), alpha=1j)),
    ("addcmul_value", lambda T: T.addcmul(*(_ones(T, 2),) * 3, value=1j)),
]


@pytest.mark.parametrize("name,op", SCALAR_REFUSALS, ids=[r[0] for r in SCALAR_REFUSALS])
def test_complex_scalars_refused_by_real_kernels_as_pytorch(name, op):
    check_error(lambda T: (), lambda T: op(T))


ADD_FAMILY = [
    ("addmm", lambda T, a, b, m: T.addmm(a, b, m, beta=0.5j, alpha=1 + 2j)),
    ("addmm_bias", lambda T, a, b, m: T.addmm(a[0], b, m, beta=2 - 1j, alpha=3j)),
    ("addmv", lambda T, a, b, m: T.addmv(a[:, 0], b, m[:, 0], beta=0.5j, alpha=1 + 2j)),
    ("addr", lambda T, a, b, m: T.addr(a, b[:, 0], m[0], beta=0.5j, alpha=1 - 2j)),
    ("baddbmm", lambda T, a, b, m: T.baddbmm(a[None], b[None], m[None], beta=0.5j,
                                             alpha=1 + 2j)),
    ("addbmm", lambda T, a, b, m: T.addbmm(a, b[None], m[None], beta=0.5j, alpha=1 + 2j)),
    ("add_alpha", lambda T, a, b, m: T.add(a, b, alpha=1 - 1j)),
    ("addcmul_value", lambda T, a, b, m: T.addcmul(a, b, m, value=2 + 1j)),
]


@pytest.mark.parametrize("name,op", ADD_FAMILY, ids=[r[0] for r in ADD_FAMILY])
def test_complex_alpha_beta_gradients_conjugated_as_pytorch(name, op):
    """derivatives.yaml: the gradients carry conj(alpha), conj(beta)."""
    def f(T):
        rng = np.random.default_rng(1)
        xs = [T.tensor(rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3)),
                       requires_grad=True) for _ in range(3)]
        y = op(T, *xs)
        (y.real.sum() + 2 * y.imag.sum()).backward()
        return (y,) + tuple(x.grad for x in xs)
    check(f, rtol=1e-12, atol=1e-12)
    assert ember.autograd.gradcheck(lambda *a: op(ember, *a), [
        ember.tensor(np.random.default_rng(2).standard_normal((3, 3)) + 0.5j,
                     requires_grad=True) for _ in range(3)])


_FFT_OUT = ["fft", "ifft", "fft2", "ifftn", "rfft", "rfftn", "ihfft", "ihfft2", "irfft", "irfft2",
            "hfft", "hfftn"]


@pytest.mark.parametrize("name", _FFT_OUT)
@pytest.mark.parametrize("kind", ["real", "complex"])
def test_fft_out_under_autograd_names_pytorchs_kernel(name, kind):
    """out= of a transform: the out dtype checked first, then the input, then
    the r2c/c2c/c2r kernel PyTorch runs refuses autograd (none for ifft and
    ihfft of a real input, which PyTorch writes)."""
    def f(T):
        x = T.ones(4, 4, dtype=T.complex64 if kind == "complex" else T.float32,
                   requires_grad=True)
        real_out = name.startswith(("irfft", "hfft"))
        out = T.empty(0, dtype=T.float32 if real_out else T.complex64)
        getattr(T.fft, name)(x, out=out)
        return out.detach()
    check(f, rtol=1e-6)


MIXED = [
    ("matmul", lambda T, a, b: a @ b), ("mm", lambda T, a, b: T.mm(a, b)),
    ("bmm", lambda T, a, b: T.bmm(a[None], b[None])),
    ("bmm_reversed", lambda T, a, b: T.bmm(b.mT[None], a.mT[None])),
    ("mv", lambda T, a, b: T.mv(a, b[:, 0])), ("mv_reversed", lambda T, a, b: T.mv(b, a[0, :2])),
    ("matmul_mv", lambda T, a, b: T.matmul(a, b[:, 0])),
    ("matmul_batched", lambda T, a, b: T.matmul(a[None], b[None])),
    ("dot", lambda T, a, b: T.dot(a[0], b[:, 0])), ("vdot", lambda T, a, b: T.vdot(a[0], b[:, 0])),
    ("einsum", lambda T, a, b: T.einsum("ij,jk", a, b)),
    ("einsum_mv", lambda T, a, b: T.einsum("ij,j", a, b[:, 0])),
    ("linear", lambda T, a, b: T.nn.functional.linear(a, b.mT)),
    ("addmv", lambda T, a, b: T.addmv(T.ones(2), a, b[:, 0])),
    ("multi_dot", lambda T, a, b: T.linalg.multi_dot([a, b])),
]


@pytest.mark.parametrize("name,op", MIXED, ids=[r[0] for r in MIXED])
def test_real_times_complex_products_refused_as_pytorch(name, op):
    check_error(lambda T: (T.ones(2, 3), T.ones(3, 2, dtype=T.complex64)), op)


NUMBERS = [
    ("bitwise_and", lambda T, z, x: T.bitwise_and(z, z)), ("bitwise_or", lambda T, z, x: z | 1),
    ("bitwise_not", lambda T, z, x: ~z), ("isin", lambda T, z, x: T.isin(x, z)),
    ("histc", lambda T, z, x: T.histc(z)),
    ("index_fill_real", lambda T, z, x: x.index_fill(0, T.tensor([5]), 1j)),
    ("scatter_real", lambda T, z, x: x.scatter(0, T.tensor([[0]]), 1j)),
]


@pytest.mark.parametrize("name,op", NUMBERS, ids=[r[0] for r in NUMBERS])
def test_integer_ops_and_complex_numbers_refused_as_pytorch(name, op):
    check_error(lambda T: (T.ones(2, 2, dtype=T.complex64), T.ones(2, 2)), op)


def test_complex_numbers_filled_into_complex_tensors():
    def f(T):
        z = T.ones(2, 2, dtype=T.complex64)
        return (z.index_fill(0, T.tensor([0]), 1j), z.scatter(0, T.tensor([[0]]), 2 - 1j),
                z.masked_fill(z.real > 0, 1j), T.full_like(z, 3j))
    check(f)


def test_unique_consecutive_and_randint_refuse_complex_as_pytorch():
    check_error(lambda T: (T.ones(3, dtype=T.complex64),), lambda T, z: T.unique_consecutive(z))
    check_error(lambda T: (), lambda T: T.randint(0, 3, (2,), dtype=T.complex64))


def test_logspace_of_complex_bounds():
    check(lambda T: (T.logspace(0, 1j, 4, base=2), T.logspace(1j, 2, 1),
                     T.logspace(0, 2, 3, dtype=T.complex128)), rtol=1e-6)
