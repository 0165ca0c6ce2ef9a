"""Every op of the catalogue (tests/op_table.py), a few cases it lacks, and
the modules of module_hook_cases.py, with their floating inputs (and
parameters) in float16 and in bfloat16, against PyTorch: the same exception (type and
message), or the same result dtypes and shapes with values within one unit
in the last place of the half type, and the gradients of a fixed weighting
of the outputs (in float32) likewise.

Values are measured in ulps of the half type under test (of a float32
result too), so a kernel that rounds where PyTorch computes in float32
(opmath), or keeps float32 where PyTorch rounds each step, is seen. The
cases still further apart are listed below with their cause, as strict
xfails: one that starts to match fails here until it leaves the list."""
import warnings

import numpy as np
import pytest

import ember
import module_hook_cases
from compare_torch import msg
from cpu_kind import AVX512, ONEDNN_BFLOAT16, avx2_rounds_otherwise, cpu_has
from op_table import ANY, OPS
from test_ops import inputs_for

ml_dtypes = pytest.importorskip("ml_dtypes")
torch = pytest.importorskip("torch")

HALVES = ["float16", "bfloat16"]
_MANTISSA = {"float16": (10, -14), "bfloat16": (7, -126)}

_COMPLEX32 = "NumPy has no complex32 (chalf): Ember cannot hold PyTorch's half complex"
_STEPWISE = ("PyTorch's kernel or composite rounds to the half type between steps "
             "(Ember computes in float32 and rounds once, or rounds elsewhere)")
_MATRIX_EXP = "PyTorch's matrix_exp runs its degree-18 polynomial in the half type"
_GRID = "grid_sampler's half kernels (bicubic, grid gradient) round per vector op"
_CONV = "convolution gradients: oneDNN's half kernels accumulate in another order"
# (name, dtype) -> why it is not yet within 1 ulp or the same error
KNOWN = {}
for _names, _dtypes, _why in [
    (["complex", "view_as_complex", "view_as_real", "polar", "fft.ifft", "fft.irfft",
      "fft.hfft", "fft.ifftn", "fft.irfftn", "fft.hfftn", "fft.fft2", "fft.irfft2",
      "fft.hfft2", "istft"], ["float16"], _COMPLEX32),
    (["linalg.matrix_exp", "linalg.matrix_exp_batched", "matrix_exp"], HALVES, _MATRIX_EXP),
    (["grid_sampler", "grid_sampler_2d", "grid_sampler_3d"], HALVES, _GRID),
    (["conv1d", "conv2d", "conv2d_unbatched", "conv3d", "convolution", "conv_transpose3d"],
     HALVES, _CONV),
    (["conv_transpose2d"], ["float16"], _CONV),
    (["special.i1", "special.i1e"], HALVES,
     "PyTorch has no half i1_backward/i1e_backward kernel; Ember differentiates"),
    (["binary_cross_entropy_with_logits", "layer_norm", "renorm", "rms_norm",
      "rms_norm_eps", "rsqrt", "special.i0e"], HALVES, _STEPWISE),
    (["add_alpha", "embedding_bag", "embedding_renorm_", "special.ndtr",
      "group_norm_plain", "poisson_nll_loss", "polygamma"], ["float16"], _STEPWISE),
    (["kl_div"], ["bfloat16"], _STEPWISE),
]:
    for _n in _names:
        for _d in _dtypes:
            KNOWN[_n, _d] = _why

_NAN = float("nan")


def _sdpa(**kw):
    # (the forward only: the fused kernel's backward is a known gap, below)
    return lambda T, q, k, v: T.nn.functional.scaled_dot_product_attention(
        q, k, v, **kw).detach()


# Rows in op_table's form for what the catalogue does not sample.
EXTRA = [
    ("sdpa", _sdpa(), [((2, 3, 5, 8), ANY)] * 3, False),
    ("sdpa_causal", _sdpa(is_causal=True), [((1, 2, 6, 4), ANY), ((1, 2, 9, 4), ANY),
                                            ((1, 2, 9, 4), ANY)], False),
    ("sdpa_bool_mask", lambda T, q, k, v: _sdpa(
        attn_mask=T.tensor([[True, False, True], [True, True, False]]))(T, q, k, v),
     [((1, 2, 2, 4), ANY), ((1, 2, 3, 4), ANY), ((1, 2, 3, 4), ANY)], False),
    ("searchsorted_nan", lambda T, x: T.searchsorted(
        T.tensor([0.0, 1.0, 2.0, _NAN]).to(x.dtype), T.cat([x, x.new_tensor([_NAN, -_NAN])])),
     [((5,), ANY)], False),
    ("bucketize_nan", lambda T, x: T.bucketize(
        T.cat([x, x.new_tensor([_NAN])]), T.tensor([-1.0, 0.0, 1.0]).to(x.dtype), right=True),
     [((5,), ANY)], False),
    ("signbit_zeros", lambda T, x: T.signbit(T.cat([x, x.new_tensor([-0.0, 0.0])])),
     [((5,), ANY)], False),
    ("round_decimals_neg", lambda T, x: T.round(x * 300, decimals=-1), [((3, 4), ANY)], False),
    ("logit_eps_big", lambda T, x: T.logit(x / 2.5 + 0.5, eps=0.3), [((3, 4), ANY)], False),
    ("cdist_mm_large", lambda T, x, y: T.cdist(x, y), [((30, 3), ANY), ((4, 3), ANY)], False),
]

# Gradients whose formulas multiply half arrays by Python numbers, which
# NumPy 1 casts by value and NumPy 2 as weak scalars: within 1 ulp under one
# of them only.
_CASTING = {("norm_p3", "bfloat16"), ("dist_p", "float16"), ("pairwise_distance_p", "bfloat16"),
            ("var_mean_all", "bfloat16")}
_NUMPY1 = int(np.__version__.split(".")[0]) < 2


# PyTorch's layer-norm backward sums the weight's gradient in per-thread
# buffers: at one thread (the suite under xdist, OMP_NUM_THREADS=1) Ember has
# its bits, at several they can differ by 2 ulps.
_THREADED = {("native_layer_norm", "float16")}




# float16 convolutions that PyTorch's oneDNN runs in float16 arithmetic on a
# CPU with AVX512-FP16 (Sapphire Rapids: its rounding, not Ember's float32
# sums rounded once) and in float32 elsewhere (Zen 4: Ember's bits).
_FP16_CONV = {("conv2d_unbatched", "float16"), ("conv3d", "float16")}
_FP16_CPU = cpu_has("avx512_fp16")


# bfloat16 convolutions run in ATen's kernels, not oneDNN's, on a CPU
# without AVX-512 (BW, VL, DQ), and its causal attention's float16 kernel
# adds in 8 lanes: not the rounding Ember reproduces
_AVX2_HALF = {("conv_transpose1d", "bfloat16"), ("conv_transpose2d", "bfloat16"),
              ("convolution_transposed", "bfloat16"), ("sdpa_causal", "float16")}


def _marks(key):
    if AVX512 is False and (key in _AVX2_HALF or (key[1] == "bfloat16" and key in KNOWN
                                                   and KNOWN[key] == _CONV)):
        return [avx2_rounds_otherwise(KNOWN.get(key, "half kernels"))]
    if key in _FP16_CONV:
        return [] if _FP16_CPU is False else [
            pytest.mark.xfail(strict=_FP16_CPU is True, reason=_CONV + " (AVX512-FP16)")]
    if key in _THREADED:
        return [pytest.mark.xfail(strict=False, reason="PyTorch's result depends on its "
                                  "thread count (per-thread partial sums)")]
    if _NUMPY1 and key in _CASTING:
        return [pytest.mark.xfail(strict=False, reason=KNOWN.get(key, _STEPWISE) + "; and "
                                  "NumPy 1's value-based casting of Python numbers")]
    return [pytest.mark.xfail(strict=True, reason=KNOWN[key])] if key in KNOWN else []


CASES = [pytest.param(row, dt, id=f"{row[0]}-{dt}", marks=_marks((row[0], dt)))
         for row in OPS + EXTRA for dt in HALVES]

_SDPA_BACKWARD = "the fused attention kernel's backward in the half types (opmath order)"
_ONEDNN_LSTM = ("PyTorch's bfloat16 LSTM runs oneDNN where the CPU has AVX-512 "
                "(MkldnnRnnLayerBackward0); Ember runs the cells")
# module case name -> {dtype: (why, strict)}
KNOWN_MODULES = {
    "Conv2d": {"bfloat16": (_CONV, ONEDNN_BFLOAT16), **({} if _FP16_CPU is False else {
        "float16": (_CONV + " (AVX512-FP16)", _FP16_CPU is True)})},
    "LSTM": {"float16": (_STEPWISE, True), "bfloat16": (_ONEDNN_LSTM, False)},
    "LSTM_hc": {"float16": (_STEPWISE, True), "bfloat16": (_ONEDNN_LSTM, False)},
    "GRU": dict.fromkeys(HALVES, (_STEPWISE, True)),
    "MHA_noweights": dict.fromkeys(HALVES, (_SDPA_BACKWARD, True)),
    "TransformerEncoderLayer": dict.fromkeys(HALVES, (_SDPA_BACKWARD, True)),
}
_MODULE_NAMES = [c[0] for c in module_hook_cases.build(ember)[0]]
MODULE_CASES = [
    pytest.param(name, dt, id=f"{name}-{dt}", marks=[pytest.mark.xfail(
        strict=KNOWN_MODULES[name][dt][1], reason=KNOWN_MODULES[name][dt][0])]
        if dt in KNOWN_MODULES.get(name, {}) else [])
    for name in _MODULE_NAMES for dt in HALVES]


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flat(o)]
    return [out]


def _run(lib, row, dt, arrays):
    """(outputs or the exception, gradients or the exception or None)."""
    xs = [lib.tensor(a).to(getattr(lib, dt)).requires_grad_() for a in arrays]
    return _outputs_and_grads(lib, lambda: row[1](lib, *xs), lambda: xs)


def _half_module_run(lib, name, dt):
    """A module of module_hook_cases built from seed 0, moved to `dt`, on
    its inputs (floating ones in `dt`, requiring grad); the gradients
    reach the floating inputs and the parameters."""
    _, ctor, inputs = dict((c[0], c) for c in module_hook_cases.build(lib)[0])[name]
    d = getattr(lib, dt)

    def half(a):
        if isinstance(a, tuple):
            return tuple(half(v) for v in a)
        if isinstance(a, lib.Tensor) and a.is_floating_point():
            return a.to(d).requires_grad_()
        return a
    lib.manual_seed(0)
    module = ctor().to(d)
    args = tuple(half(a) for a in inputs())
    leaves = [t for t in _flat(args) if isinstance(t, lib.Tensor) and t.requires_grad]
    return _outputs_and_grads(lib, lambda: module(*args),
                              lambda: leaves + list(module.parameters()))


def _outputs_and_grads(lib, call, leaves):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            outs = [o for o in _flat(call()) if o is not None]
        except Exception as exc:  # noqa: BLE001 - an error is a result here
            return exc, None
        xs = leaves()
        diff = [o for o in outs if isinstance(o, lib.Tensor) and o.dtype.is_floating_point
                and o.requires_grad]
        if not diff:
            return outs, None
        total = 0
        for k, o in enumerate(diff):
            w = np.random.default_rng(k).uniform(0.5, 1.5, tuple(o.shape)).astype(np.float32)
            total = total + (o.float() * lib.tensor(w)).sum()
        try:
            return outs, lib.autograd.grad(total, xs, allow_unused=True)
        except Exception as exc:  # noqa: BLE001
            return outs, exc


def _values(t):
    t = t.detach()
    return (t.float() if t.dtype.itemsize == 2 and t.dtype.is_floating_point else t).numpy()


def _half_ulps(e, t, dt):
    """|e - t| in units in the last place of `dt` at t's magnitude."""
    m, emin = _MANTISSA[dt]
    a = np.abs(t.astype(np.float64))
    ex = np.maximum(np.floor(np.log2(np.where(a > 0, a, 1.0))), emin)
    return np.abs(e.astype(np.float64) - t.astype(np.float64)) / np.exp2(ex - m)


def _same(e, t, dt, what):
    if isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), what
        assert e.dtype.name == str(t.dtype).replace("torch.", ""), \
            f"{what}: dtype {e.dtype} vs {t.dtype}"
        assert tuple(e.shape) == tuple(t.shape), what
        ev, tv = _values(e), _values(t)
        if tv.dtype.kind in "biuc":
            np.testing.assert_allclose(ev, tv, rtol=1e-2, err_msg=what) if tv.dtype.kind == "c" \
                else np.testing.assert_array_equal(ev, tv, err_msg=what)
            return
        nan = np.isnan(tv)
        assert (np.isnan(ev) == nan).all(), f"{what}: NaNs differ"
        inf = np.isinf(tv)
        assert (ev[inf] == tv[inf]).all(), f"{what}: infinities differ"
        ulps = _half_ulps(ev[~nan & ~inf], tv[~nan & ~inf], dt)
        assert not ulps.size or ulps.max() <= 1, f"{what}: {ulps.max()} ulps of {dt}"
    elif t is None or e is None:
        assert e is t, f"{what}: {e!r} vs {t!r}"
    else:
        assert e == t, what


def _same_error(e, t, what):
    assert isinstance(e, Exception) and isinstance(t, Exception), \
        f"{what}: ember {e!r:.200} vs torch {t!r:.200}"
    assert (type(e).__name__, msg(e)) == (type(t).__name__, msg(t)), what


@pytest.mark.parametrize("row, dt", CASES)
def test_half(row, dt):
    arrays = inputs_for(row, np.float32)
    _compare(_run(ember, row, dt, arrays), _run(torch, row, dt, arrays), dt)


@pytest.mark.parametrize("name, dt", MODULE_CASES)
def test_half_module(name, dt):
    _compare(_half_module_run(ember, name, dt), _half_module_run(torch, name, dt), dt)


def _compare(ember_run, torch_run, dt):
    (eo, eg), (to, tg) = ember_run, torch_run
    if isinstance(to, Exception) or isinstance(eo, Exception):
        _same_error(eo, to, "forward")
        return
    assert len(eo) == len(to)
    for k, (e, t) in enumerate(zip(eo, to)):
        _same(e, t, dt, f"output {k}")
    assert (eg is None) == (tg is None), "which outputs are differentiable"
    if isinstance(tg, Exception) or isinstance(eg, Exception):
        _same_error(eg, tg, "backward")
    elif tg is not None:
        for k, (e, t) in enumerate(zip(eg, tg)):
            _same(e, t, dt, f"gradient {k}")
