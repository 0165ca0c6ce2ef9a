"""Autocast's dispatch: the casts `torch.autocast` makes before an op runs.

PyTorch's CPU autocast (aten/src/ATen/autocast_mode.cpp) sorts ops into
three lists: matrix products and convolutions run in the autocast dtype
(`LOWER`), ops that lose too much precision there (losses, linear algebra,
FFTs, ...) run in float32 (`FP32`), and a few ops taking several tensors
run in the widest of their floating dtypes (`PROMOTE`). An op of a list
casts its floating inputs (float64 excepted) and then runs with autocast
off, as ATen's kernels run below the autocast dispatch key: what the op
calls inside is not cast again.

While autocast is off this costs one test of a thread-local flag: the hot
ops (mm, addmm, matmul, linear, bmm) and F.pad's gather modes test
`STATE.cpu` first thing in their body; the others (registry ops by their
key, nn.functional's losses, pools and attention by their name) are wrapped
(`hooked`) by a function whose first line tests it. The lists name ops as
Ember declares them; which ones are where was read off PyTorch 2.13, by
running every op of tests/op_table*.py under autocast (tests/test_amp.py
checks each result's dtype against PyTorch's).
"""
import threading
import weakref

from .. import _dtype as D

__all__ = ["STATE", "LOWER", "FP32", "PROMOTE", "POLICY", "LISTED", "hooked", "without",
           "hook_all", "dispatch", "clear_cache"]

LOWER, FP32, PROMOTE = "lower_precision_fp", "fp32", "promote"


class _State(threading.local):
    # Class attributes are each new thread's starting values (autocast is
    # thread-local in PyTorch too).
    cpu = False         # autocast on for 'cpu' in this thread: what the ops test
    nesting = 0
    cache_enabled = True

    def __init__(self):
        self.enabled = {}           # device type -> bool (what is_autocast_enabled says)
        self.dtype = {}             # device type -> the autocast dtype
        self.cache = {}             # id(float32 leaf) -> (weakref to it, its cast)


STATE = _State()
DEFAULT_DTYPES = {"cpu": D.bfloat16}   # (other devices: float16)

_CONVS = ("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
          "conv_transpose3d")
# Registry keys (or nn.functional names) -> policy. The hot ones of LOWER
# (mm, bmm, addmm, matmul, linear) test the flag in their own body instead.
POLICY = {name: LOWER for name in _CONVS + (
    "baddbmm", "addbmm", "prelu", "scaled_dot_product_attention", "linalg.vecdot")}
POLICY.update({name: FP32 for name in (
    "avg_pool3d", "binary_cross_entropy", "grid_sampler", "grid_sampler_2d", "grid_sampler_3d",
    "polar", "prod", "quantile", "nanquantile", "stft", "cdist", "trace", "view_as_complex",
    "cholesky", "cholesky_inverse", "cholesky_solve", "inverse", "lu_solve", "orgqr", "ormqr",
    "geqrf", "pinverse", "max_pool3d", "max_unpool2d", "max_unpool3d", "adaptive_avg_pool3d",
    "adaptive_max_pool3d", "fractional_max_pool2d", "fractional_max_pool3d",
    "mse_loss", "cosine_embedding_loss", "nll_loss", "nll_loss2d",
    "hinge_embedding_loss", "poisson_nll_loss", "smooth_l1_loss", "cross_entropy", "l1_loss",
    "huber_loss", "margin_ranking_loss", "soft_margin_loss", "triplet_margin_loss",
    "multi_margin_loss", "ctc_loss", "kl_div", "multilabel_margin_loss",
    "binary_cross_entropy_with_logits", "qr", "svd", "triangular_solve", "lu", "lstsq",
    "fft.fft", "fft.ifft", "fft.fft2", "fft.ifft2", "fft.fftn", "fft.ifftn", "fft.rfft",
    "fft.irfft", "fft.rfft2", "fft.irfft2", "fft.rfftn", "fft.irfftn", "fft.hfft", "fft.ihfft",
    "fft.hfft2", "fft.ihfft2", "fft.hfftn", "fft.ihfftn",
    "linalg.cond", "linalg.matrix_rank", "linalg.solve", "linalg.cholesky", "linalg.svdvals",
    "linalg.eigvals", "linalg.eigvalsh", "linalg.inv", "linalg.householder_product",
    "linalg.tensorinv", "linalg.tensorsolve", "linalg.qr", "linalg.cholesky_ex",
    "linalg.svd", "linalg.eig", "linalg.eigh", "linalg.lstsq", "linalg.inv_ex")})
POLICY.update({name: PROMOTE for name in ("cat", "stack", "index_copy")})
# (reflection_pad1d/2d and replication_pad1d/2d/3d, also float32, are tested
# in ops/padding.py's gather_pad, which makes all of them)


def hooked(function, policy):
    """`function` run under `policy` while autocast is on (else as it is)."""
    def op(*args, **kwargs):
        if STATE.cpu:
            return dispatch(function, policy, args, kwargs)
        return function(*args, **kwargs)
    op.__name__ = op.__qualname__ = getattr(function, "__name__", "op")
    op.__doc__ = function.__doc__
    op.__wrapped__ = function
    return op


# Every op autocast casts for (the in-body ones with the POLICY's)
LISTED = frozenset(POLICY) | {"mm", "bmm", "addmm", "matmul", "linear"}


def without(function):
    """`function` run with autocast off: the in-place variants of listed ops
    (addmm_, baddbmm_), which PyTorch's lists leave out, so they compute in
    their tensor's own dtype."""
    def op(*args, **kwargs):
        if not STATE.cpu:
            return function(*args, **kwargs)
        STATE.cpu = False
        try:
            return function(*args, **kwargs)
        finally:
            STATE.cpu = True
    op.__name__ = op.__qualname__ = getattr(function, "__name__", "op")
    op.__wrapped__ = function
    return op


def hook_all(namespace, names):
    """The functions `names` of a module's `namespace` (its globals) that
    autocast's lists name, replaced by their hooked versions."""
    for name in names:
        if name in POLICY:
            namespace[name] = hooked(namespace[name], POLICY[name])


def dispatch(function, policy, args, kwargs):
    """`function(*args, **kwargs)` with its floating inputs cast as `policy`
    says, run with autocast off."""
    if policy is LOWER:
        target = STATE.dtype.get("cpu", D.bfloat16)
    elif policy is FP32:
        target = D.float32
    else:
        target = _widest(args, kwargs)
    args = tuple(_cast(a, target) for a in args)
    if kwargs:
        kwargs = {k: _cast(v, target) for k, v in kwargs.items()}
    STATE.cpu = False
    try:
        return function(*args, **kwargs)
    finally:
        STATE.cpu = True


def _eligible(t):
    from .._tensor import Tensor
    return isinstance(t, Tensor) and t.dtype.is_floating_point and t.dtype is not D.float64


def _cast(value, target):
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(v, target) for v in value)
    if not _eligible(value) or value.dtype is target:
        return value
    # PyTorch keeps the low-precision copy of a float32 leaf that requires
    # grad (a weight) for the rest of the outermost autocast block.
    cacheable = (STATE.cache_enabled and value.dtype is D.float32
                 and target is STATE.dtype.get("cpu") and value._requires_grad
                 and value._grad_fn is None and value._base is None)
    if cacheable:
        hit = STATE.cache.get(id(value))
        if hit is not None and hit[0]() is value:
            return hit[1]
    cast = value.to(target)
    if cacheable:
        STATE.cache[id(value)] = (weakref.ref(value), cast)
    return cast


def _widest(args, kwargs):
    """PyTorch's `prioritize`: float32 if any eligible input is float32, else
    the one lower dtype they share."""
    found = STATE.dtype.get("cpu", D.bfloat16)
    for v in list(args) + list(kwargs.values()):
        for t in (v if isinstance(v, (list, tuple)) else (v,)):
            if not _eligible(t):
                continue
            if found is D.float32 or t.dtype is D.float32:
                found = D.float32
            elif t.dtype is not found:
                raise RuntimeError("Unexpected floating ScalarType in at::autocast::prioritize")
    return found


def clear_cache():
    STATE.cache.clear()
