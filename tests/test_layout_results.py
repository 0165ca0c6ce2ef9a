"""The memory layout of results (`stride()`, `is_contiguous()`) compared with
PyTorch, over inputs laid out contiguous (C), transposed (T), channels-last
(P), reversed (R), sliced with a step (S) and expanded (E).

Each group of cases stands for one rule of PyTorch's that Ember follows in
one place: TensorIterator's layout for elementwise results, empty_like's for
results shaped as their input, contiguous results of reductions and scans,
LAPACK's column-major matrices, the input's suggested memory format for
pooling and normalization kernels."""
import numpy as np
import pytest

import ember
from compare_torch import check

KINDS = "CTPRSE"


def laid(T, kind, shape=(2, 3, 4, 5)):
    """A float32 tensor of `shape` (distinct values) laid out as `kind` says."""
    n = int(np.prod(shape))
    base = T.arange(n, dtype=T.float32).reshape(shape) / n + 0.5
    last = len(shape) - 1
    if kind == "T":
        return base.transpose(-1, -2).contiguous().transpose(-1, -2)
    if kind == "P":     # channels last (4-D), transposed otherwise
        order = (0, 2, 3, 1) if len(shape) == 4 else tuple(range(last - 1)) + (last, last - 1)
        inverse = tuple(int(i) for i in np.argsort(order))
        return base.permute(*order).contiguous().permute(*inverse)
    if kind == "R":
        rev = tuple(range(last, -1, -1))
        return base.permute(*rev).contiguous().permute(*rev)
    if kind == "S":
        return T.cat([base, base], -1)[..., ::2]
    if kind == "E":
        return base[:1].expand(shape)
    return base


def strides(out):
    outs = out if isinstance(out, (tuple, list)) else [out]
    return [(tuple(o.shape), o.stride(), o.is_contiguous()) for o in outs]


def run_case(fn, kind, shape=(2, 3, 4, 5)):
    check(lambda T: strides(fn(T, laid(T, kind, shape))))


# Results shaped as their input: empty_like's layout (a broadcast dim keeps its
# place, where NumPy's order "K" puts it innermost), sort's, flip's.
LIKE = {
    "clone": lambda T, x: x.clone(),
    "empty_like": lambda T, x: T.empty_like(x).zero_(),
    "zeros_like": lambda T, x: T.zeros_like(x),
    "rand_like": lambda T, x: T.rand_like(x),
    "to_double": lambda T, x: x.double(),
    "to_int": lambda T, x: x.to(T.int32),
    "sort": lambda T, x: x.sort(-1),
    "sort0": lambda T, x: x.sort(0),
    "argsort": lambda T, x: x.argsort(-1),
    "flip": lambda T, x: x.flip(0),
    "rot90": lambda T, x: x.rot90(1, (0, 1)),
    "rot90_k2": lambda T, x: x.rot90(2, (1, 2)),
    "fill": lambda T, x: T.fill(x, 2.0),
    "isreal": lambda T, x: T.isreal(x),
    "slice_scatter": lambda T, x: T.slice_scatter(x, T.zeros(2, 3, 4, 2), -1, 0, 2),
    "select_scatter": lambda T, x: T.select_scatter(x, T.zeros(3, 4, 5), 0, 0),
    "native_dropout_eval": lambda T, x: T.native_dropout(x, 0.5, False),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", LIKE)
def test_results_laid_out_like_the_input(name, kind):
    run_case(LIKE[name], kind)


# Elementwise ops: TensorIterator's layout, the first operand deciding where
# the operands' layouts differ (NumPy picks C order there).
ELEMENTWISE = {
    "add_c": lambda T, x: x + T.ones(x.shape),
    "c_add": lambda T, x: T.ones(x.shape) + x,
    "add_row": lambda T, x: x + T.ones(x.shape[-1]),
    "mul_mixed_dtype": lambda T, x: x * T.ones(x.shape[-1], dtype=T.float64),
    "atan2": lambda T, x: T.atan2(x, T.ones(x.shape)),
    "maximum": lambda T, x: T.maximum(x, T.ones(x.shape)),
    "where": lambda T, x: T.where(x > 0.7, x, T.zeros(x.shape)),
    "lerp": lambda T, x: T.lerp(x, T.ones(x.shape), 0.5),
    "addcmul": lambda T, x: T.addcmul(x, T.ones(x.shape), x),
    "erf": lambda T, x: T.erf(x),
    "lgamma": lambda T, x: T.lgamma(x),
    "bessel_j0": lambda T, x: T.special.bessel_j0(x),
    "hermite": lambda T, x: T.special.hermite_polynomial_h(x, 3),
    "xlogy": lambda T, x: T.xlogy(x, 2.0),
    "igamma": lambda T, x: T.igamma(x, T.ones(x.shape)),
    "complex": lambda T, x: T.complex(x, T.ones(x.shape)),
    "rpow": lambda T, x: 2 ** x,
    "addr": lambda T, x: T.addr(x[0, 0], T.ones(4), T.ones(5)),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_results_follow_tensoriterator(name, kind):
    run_case(ELEMENTWISE[name], kind)


# Contiguous whatever the input's layout: reductions (keepdim's size-1 dims
# too), scans, softmax, cat, copies, layer_norm.
CONTIGUOUS = {
    "sum0": lambda T, x: x.sum(0),
    "sum_keepdim": lambda T, x: x.sum(-1, keepdim=True),
    "prod": lambda T, x: x.prod(1, keepdim=True),
    "amax": lambda T, x: x.amax(0),
    "var": lambda T, x: x.var(-1, keepdim=True),
    "vector_norm": lambda T, x: T.linalg.vector_norm(x, dim=0),
    "count_nonzero": lambda T, x: T.count_nonzero(x, 0),
    "aminmax": lambda T, x: T.aminmax(x, dim=-1, keepdim=True),
    "median": lambda T, x: x.median(0),
    "topk": lambda T, x: x.topk(2, -1),
    "cummax": lambda T, x: x.cummax(0),
    "cumsum": lambda T, x: x.cumsum(0),
    "cumprod": lambda T, x: x.cumprod(-1),
    "logcumsumexp": lambda T, x: x.logcumsumexp(1),
    "softmax": lambda T, x: x.softmax(-1),
    "log_softmax": lambda T, x: x.log_softmax(0),
    "cat": lambda T, x: T.cat([x, x], 1),
    "stack": lambda T, x: T.stack([x, x], 1),
    "roll": lambda T, x: x.roll(1, 0),
    "roll_flat": lambda T, x: x.roll(1),
    "permute_copy": lambda T, x: T.permute_copy(x, (3, 2, 1, 0)),
    "expand_copy": lambda T, x: T.expand_copy(x[:, :1], (2, 3, 4, 5)),
    "layer_norm": lambda T, x: T.nn.functional.layer_norm(x, (5,)),
    "rms_norm": lambda T, x: T.nn.functional.rms_norm(x, (5,)),
    "renorm": lambda T, x: x.renorm(2, 0, 1.0),
    "mvlgamma": lambda T, x: T.mvlgamma(x + 2, 2),
    "tril": lambda T, x: x.tril(),
    "triu": lambda T, x: x[0, 0].triu(1),
    "cross": lambda T, x: T.linalg.cross(x[:, :, :3], x[:, :, :3], dim=2),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", CONTIGUOUS)
def test_contiguous_results(name, kind):
    run_case(CONTIGUOUS[name], kind)


# The input's suggested memory format: channels-last in, channels-last out.
F_FORMAT = {
    "max_pool2d": lambda T, x: T.nn.functional.max_pool2d(x, 2, return_indices=True),
    "avg_pool2d": lambda T, x: T.nn.functional.avg_pool2d(x, 2),
    "adaptive_avg_pool2d": lambda T, x: T.nn.functional.adaptive_avg_pool2d(x, 3),
    "adaptive_avg_pool2d_1": lambda T, x: T.nn.functional.adaptive_avg_pool2d(x, 1),
    "adaptive_max_pool2d": lambda T, x: T.nn.functional.adaptive_max_pool2d(x, 2, True),
    "interpolate": lambda T, x: T.nn.functional.interpolate(x, scale_factor=2),
    "bilinear": lambda T, x: T.nn.functional.interpolate(x, scale_factor=2, mode="bilinear"),
    "pad": lambda T, x: T.nn.functional.pad(x, (1, 1)),
    "group_norm": lambda T, x: T.nn.functional.group_norm(x, 1),
    "batch_norm": lambda T, x: T.nn.functional.batch_norm(x, None, None, training=True),
    "max_pool1d": lambda T, x: T.nn.functional.max_pool1d(x[:, :, 0], 2),
    "conv1d_weight": lambda T, x: T.nn.functional.conv1d(
        x[:, :, 0].contiguous(), T.ones(4, 5, 3).transpose(1, 2).contiguous().transpose(1, 2)),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", F_FORMAT)
def test_kernels_keep_the_suggested_memory_format(name, kind):
    run_case(F_FORMAT[name], kind, (2, 3, 4, 6))


# The shuffles too (their kernels allocate in the suggested format), and
# their gradients; a new tensor even where the shuffle is the identity.
SHUFFLES = {
    "pixel_shuffle": lambda T, x: T.nn.functional.pixel_shuffle(x, 2),
    "pixel_unshuffle": lambda T, x: T.nn.functional.pixel_unshuffle(x, 2),
    "pixel_unshuffle_to_1x1": lambda T, x: T.nn.functional.pixel_unshuffle(x[..., :4], 4),
    "channel_shuffle": lambda T, x: T.nn.functional.channel_shuffle(x, 2),
    "pixel_shuffle_1": lambda T, x: T.nn.functional.pixel_shuffle(x, 1),
    "channel_shuffle_1": lambda T, x: T.nn.functional.channel_shuffle(x, 1),
}


def _shuffled_with_grad(fn):
    def run(T, x):
        x = x.detach().requires_grad_()
        y = fn(T, x)
        y.backward(T.ones_like(y))
        aliased = y.data_ptr() == x.data_ptr()
        return (y, x.grad, aliased, y.add_(1) is not None and x.min() > 0.9)
    return run


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", SHUFFLES)
def test_shuffles_keep_the_suggested_memory_format(name, kind):
    fn = _shuffled_with_grad(SHUFFLES[name])
    check(lambda T: [strides(r) if isinstance(r, T.Tensor) else r
                     for r in fn(T, laid(T, kind, (2, 4, 4, 6)))])


def test_shuffles_refuse_a_channels_last_3d_input():
    for fn in (lambda T, x: T.pixel_shuffle(x, 2), lambda T, x: T.pixel_unshuffle(x, 1),
               lambda T, x: T.channel_shuffle(x, 2)):
        check(lambda T: strides(fn(T, T.ones(2, 4, 2, 2, 2).contiguous(
            memory_format=T.channels_last_3d))))


def _spd(T, x):
    a = x[0, 0, :4, :4]
    return a @ a.mT + 4 * T.eye(4)


# LAPACK's results: each matrix stored by columns, whatever the input's layout.
LAPACK = {
    "inv": lambda T, x: T.linalg.inv(_spd(T, x)),
    "cholesky": lambda T, x: T.linalg.cholesky(_spd(T, x)),
    "solve": lambda T, x: T.linalg.solve(_spd(T, x), x[0, 0, :4, :3]),
    "solve_vector": lambda T, x: T.linalg.solve(T.stack([_spd(T, x)] * 2), x[0, :2, :4, 0]),
    "solve_right": lambda T, x: T.linalg.solve(_spd(T, x), x[0, 0, :3, :4], left=False),
    "solve_triangular": lambda T, x: T.linalg.solve_triangular(
        T.linalg.cholesky(_spd(T, x)), x[0, 0, :4, :2], upper=False, left=True),
    "qr": lambda T, x: T.linalg.qr(x[0]),
    "eigh": lambda T, x: T.linalg.eigh(_spd(T, x)),
    "svd": lambda T, x: T.linalg.svd(x[0], full_matrices=False),
    "lu_factor": lambda T, x: T.linalg.lu_factor(_spd(T, x)),
    "lu": lambda T, x: T.linalg.lu(_spd(T, x)),
    "cholesky_inverse": lambda T, x: T.cholesky_inverse(T.linalg.cholesky(_spd(T, x))),
    "geqrf": lambda T, x: T.geqrf(x[0]),
    "lstsq": lambda T, x: T.linalg.lstsq(x[0, 0], x[0, 1, :, :2]).solution,
    "diagonal_view": lambda T, x: T.linalg.diagonal(x, offset=1),
}


# The FFTs: batch dims outermost, then the transformed dims, each group by the
# input's strides (PyTorch's _exec_fft; r2c keeps its halved dim last).
FFT = {
    "fft": lambda T, x: T.fft.fft(x, dim=1),
    "ifft_dim0": lambda T, x: T.fft.ifft(x, dim=0),
    "fftn_pair": lambda T, x: T.fft.fftn(x, dim=(0, 2)),
    "fft2": lambda T, x: T.fft.fft2(x),
    "rfft": lambda T, x: T.fft.rfft(x, dim=1),
    "rfftn": lambda T, x: T.fft.rfftn(x, dim=(-1, 0)),
    "ihfft": lambda T, x: T.fft.ihfft(x, dim=0),
    "stft": lambda T, x: T.stft(x[0, 0].reshape(-1), 8, hop_length=3, center=False,
                                window=T.hann_window(8), return_complex=True),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", FFT)
def test_fft_layouts(name, kind):
    run_case(FFT[name], kind)


@pytest.mark.parametrize("kind", "CTSE")
@pytest.mark.parametrize("name", LAPACK)
def test_lapack_results_by_columns(name, kind):
    run_case(LAPACK[name], kind)


def test_expand_keeps_size_one_strides():
    check(lambda T: [T.ones(1, 4).expand(s).stride()
                     for s in ((1, 4), (2, 1, 4), (1, 1, 4), (3, 4))]
          + [T.ones(3, 1).expand(s).stride() for s in ((3, 1), (2, 3, 1), (1, 3, 5))]
          + [T.tensor(1.0).expand(1, 2).stride()])


# Written to in place: a view that repeats nothing writes through to its base;
# a broadcast is refused; a result is memory of its own.
WRITES = {
    "expand_same": lambda T, x: x.expand(2, 3, 4, 5),
    "expand_as_self": lambda T, x: x.expand_as(x),
    "expand_size_one": lambda T, x: x[:, :1].expand(1, 2, 1, 4, 5),
    "broadcast_to_same": lambda T, x: x.broadcast_to(x.shape),
    "broadcast_tensors_same": lambda T, x: T.broadcast_tensors(x, T.ones(4, 5))[0],
    "expand_repeating": lambda T, x: x[:1].expand(2, 3, 4, 5),
    "cdist_same_batch": lambda T, x: T.cdist(x[0, 0], x[0, 1]),
    "cdist_batched": lambda T, x: T.cdist(x[0], x[1]),
    "repeat_ones_of_broadcast": lambda T, x: x[:1].expand(2, 3, 4, 5).repeat(1, 1, 1, 1),
    "repeat_ones": lambda T, x: x.transpose(0, 3).repeat(1, 1, 1, 1),
    "tile_ones": lambda T, x: x[:1].expand(2, 3, 4, 5).tile((1,)),
}


@pytest.mark.parametrize("name", WRITES)
def test_in_place_writes_to_views_and_results(name):
    def run(T):
        base = laid(T, "C")
        y = WRITES[name](T, base)
        laid_out = strides(y)
        return laid_out, y.mul_(2), base
    check(run)


def test_empty_tensors_have_contiguous_strides():
    check(lambda T: [T.zeros(0).stride(), T.zeros(0, 2).stride(), T.empty(2, 0, 3).stride(),
                     T.tensor([]).stride()])


def test_linalg_diagonal_is_a_view():
    for T in (ember,):
        a = T.ones(3, 3)
        T.linalg.diagonal(a).mul_(0)
        assert a.tolist() == [[0, 1, 1], [1, 0, 1], [1, 1, 0]]


def test_native_dropout_draws_in_memory_order():
    def run(T):
        T.manual_seed(0)
        out, mask = T.native_dropout(T.ones(5, 4).t(), 0.5, True)
        return out, mask, out.stride()
    check(run)


@pytest.mark.parametrize("use", ["flip", "cumsum", "rot90"])
def test_autograd_grad_has_no_negative_strides(use):
    f = {"flip": lambda x: x.flip(0), "cumsum": lambda x: x.reshape(-1).cumsum(0),
         "rot90": lambda x: x.rot90()}[use]

    def run(T):
        x = laid(T, "C", (3, 4)).requires_grad_()
        w = T.arange(12, dtype=T.float32)
        g, = T.autograd.grad((f(x).reshape(-1) * w).sum(), x)
        return g, g.stride()
    check(run)


@pytest.mark.parametrize("kind", KINDS)
def test_view_copy_of_any_layout(kind):
    def run(T):
        x = laid(T, kind, (3, 4)).requires_grad_()
        y = T.view_copy(x, (2, 6))
        y.backward(T.arange(12.0).reshape(2, 6))
        return y, y.stride(), x.grad
    check(run)


@pytest.mark.parametrize("kind", KINDS)
def test_native_group_norm_reads_its_input_as_laid_out(kind):
    # (PyTorch's kernel refuses an input not contiguous in its suggested format)
    check(lambda T: T.native_group_norm(laid(T, kind), T.ones(3), T.zeros(3), 2, 3, 20, 3,
                                        1e-5)[0].stride())


@pytest.mark.parametrize("shapes", [((1, 2), (1, 2)), ((2, 1, 3), (2, 1, 3)), ((3, 2), (1, 2))])
def test_cdist_of_single_rows_is_a_fresh_tensor(shapes):
    # (a 1x1 distance was a read-only broadcast: strides 0, in-place refused)
    def run(T):
        a, b = (T.arange(float(np.prod(s))).reshape(s) for s in shapes)
        d = T.cdist(a, b)
        return d.stride(), d.add_(1)
    check(run)


# A 0-d tensor's dims 0 and -1 name its one element (NumPy has no axis there).
ZERO_D = {
    "sum": lambda T, x: x.sum(0), "sum_keepdim": lambda T, x: x.sum(-1, keepdim=True),
    "mean": lambda T, x: x.mean(-1), "mean_keepdim": lambda T, x: x.mean(0, keepdim=True),
    "prod": lambda T, x: x.prod(0), "all": lambda T, x: x.all(0), "any": lambda T, x: x.any(-1),
    "flip": lambda T, x: x.flip(0), "transpose": lambda T, x: x.transpose(0, -1),
    "transpose_copy": lambda T, x: T.transpose_copy(x, 0, -1),
    "norm": lambda T, x: x.norm(p=3, dim=0),
    "vector_norm": lambda T, x: T.linalg.vector_norm(x, float("inf"), dim=-1),
    "vecdot": lambda T, x: T.linalg.vecdot(x, x, dim=0),
    "cosine_similarity": lambda T, x: T.nn.functional.cosine_similarity(x, x, dim=0),
}


@pytest.mark.parametrize("name", ZERO_D)
def test_zero_dim_tensors_take_dim_zero(name):
    def run(T):
        x = T.tensor(1.5, requires_grad=True)
        y = ZERO_D[name](T, x)
        if y.requires_grad:
            y.backward()
        return y, x.grad
    check(run)


@pytest.mark.parametrize("case", [((), 1), ((), -2), ((2, 3), 2), ((2, 3), -3), ((2, 3), (0, 2))])
@pytest.mark.parametrize("op", ["all", "any"])
def test_all_any_refuse_a_dim_out_of_range(op, case):
    # (a dim past the tensor's was taken modulo its rank: x.any(2) reduced dim 0)
    shape, dim = case
    check(lambda T: getattr(T.ones(shape), op)(dim))
