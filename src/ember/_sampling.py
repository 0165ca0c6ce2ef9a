"""Random tensors: rand, randn, randint, randperm, normal, bernoulli (the
in-place samplers, uniform_, normal_, random_, bernoulli_ ...: _sampling_inplace.py).

The bits come from `_random.py`, which reproduces PyTorch's CPU generator:
the same seed gives the same numbers as PyTorch.
"""
import math

from ._layout import factory, laid_out, preserve_format
from ._backend import np

from . import _dtype as D
from . import _random as R, _randint_args, _random_libm as RL, _random_rejection
from ._backend import quiet_call
from ._creation import _check_dtype, _finish, _size_args
from ._python_data import _scalar_to
from ._tensor import Tensor
from ._settings import warn_at_caller
from ._typeinfo import finfo
from .ops._common import recorded, tensor_arg
from .ops._int_args import is_int
from .ops.conditional import _arg_type
from .ops._registry import grad_fn, not_implemented
from .ops.sorting import topk_arrays

__all__ = ["rand", "randn", "randint", "randperm", "normal", "bernoulli", "poisson", "binomial",
           "rand_like", "randn_like", "randint_like", "multinomial"]


def _float_dtype(dtype, fn, numel):
    """The output dtype; an integral one is refused by the kernel PyTorch
    dispatches to (uniform's bounds check runs even on an empty tensor)."""
    dtype = _check_dtype(dtype, fn) or D._default[0]
    if dtype.is_complex and fn in ("randn", "rand"):
        return dtype
    if not dtype.is_floating_point and (fn == "rand" or numel):
        kernel = "check_uniform_bounds" if fn == "rand" else "normal_kernel_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_legacy(dtype)}'")
    return dtype


def _fmt(x):
    # A double through a C++ stream: %g.
    return f"{float(x):g}"


def _bounds(dtype):
    if dtype.is_floating_point:
        info = finfo(dtype)
        return float(info.min), float(info.max)
    if dtype is D.bool_:
        return 0, 1
    info = np.iinfo(dtype._np)
    return int(info.min), int(info.max)


def _warn_inexact_range(low, high, dtype):
    """PyTorch's warning for integers a float dtype cannot all hold: beyond
    2**digits (of its significand) some of the range cannot be drawn."""
    if not dtype.is_floating_point:
        return
    digits = R.DIGITS[dtype._np]
    for name, v in (("from", low), ("to - 1", high - 1)):
        if not -(1 << digits) <= v <= 1 << digits:
            warn_at_caller(
                f"{name} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision "
                f"limitations {D.C_NAMES[dtype]} can support discrete uniform distribution "
                "only within this range. This warning will become an error in version 1.7 "
                "release, please fix the code in advance",
                cpp="aten/src/ATen/native/DistributionTemplates.h:111")


def _legacy(dtype):
    return D.SCALAR_NAMES[dtype]


@factory
def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    shape = _size_args(size, "rand")
    dtype = _float_dtype(dtype, "rand", math.prod(shape))
    if dtype.is_complex:
        data = _complex_draw(R.uniform, shape, 0.0, 1.0, dtype._np, generator)
    else:
        data = R.uniform(shape, 0.0, 1.0, dtype._np, generator)
    return _finish(data, requires_grad)


@factory
def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False):
    shape = _size_args(size, "randn")
    dtype = _float_dtype(dtype, "randn", math.prod(shape))
    if dtype.is_complex:
        data = _complex_draw(R.normal, shape, 0.0, 1.0, dtype._np, generator)
    else:
        data = (R.normal(shape, 0.0, 1.0, dtype._np, generator) if math.prod(shape)
                else np.zeros(shape, dtype._np))   # an empty integral draw is allowed
    return _finish(data, requires_grad)


@_randint_args.parsed
@factory
def randint(*args, low=0, high=None, size=None, generator=None, out=None, dtype=None,
            layout=None, device=None, requires_grad=False, pin_memory=False):
    """randint(high, size) or randint(low, high, size), positional or by keyword."""
    if len(args) == 3:
        low, high, size = args
    elif len(args) == 2:
        if size is None:
            high, size = args
        else:
            low, high = args
    elif len(args) == 1:
        if high is None:
            high = args[0]
        else:
            low = args[0]
    dtype = _check_dtype(dtype, "randint") or D.int64
    shape = _size_args((size,), "randint", varargs=False)
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if dtype.is_complex:
        raise RuntimeError("check_random_bounds handles only integral, floating-point and "
                           "boolean types")
    lo, hi = _bounds(dtype)
    for name, v in (("from", low), ("to - 1", high - 1)):
        if not lo <= v <= hi:
            raise RuntimeError(f"{name} is out of bounds for {D.C_NAMES[dtype]}")
    _warn_inexact_range(low, high, dtype)
    data = R.randint(low, high, shape, dtype._np, generator)
    return _finish(data, requires_grad)


@factory
def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    if not is_int(n):
        raise TypeError(f"randperm(): argument 'n' (position 1) must be int, not {_arg_type(n)}")
    dtype = _check_dtype(dtype, "randperm") or D.int64
    _size_args((n,), "randperm")
    if dtype is D.bool_ or dtype.is_complex:
        raise NotImplementedError(f"\"randperm\" not implemented for '{D.SCALAR_NAMES[dtype]}'")
    if n > 0:
        _scalar_to(n - 1, dtype._np)   # the largest value must fit the dtype
    return _finish(R.randperm(n, dtype._np, generator), requires_grad)


# On inputs that require grad PyTorch records the samplers, with a zero
# gradient (derivatives.yaml: a draw is not reparameterised; rsample in
# torch.distributions does that), or a node whose backward raises.
NormalBackward1 = grad_fn("NormalBackward1", mean=lambda xp, g: g * 0)
NormalBackward2 = grad_fn("NormalBackward2", std=lambda xp, g: g * 0)
NormalBackward3 = grad_fn("NormalBackward3", mean=lambda xp, g: g * 0, std=lambda xp, g: g * 0)
BernoulliBackward0 = grad_fn("BernoulliBackward0", self=lambda xp, g: g * 0)
PoissonBackward0 = grad_fn("PoissonBackward0", self=lambda xp, g: g * 0)
_BernoulliScalar = not_implemented("bernoulli", "self")
_Binomial = not_implemented("binomial", "count", "prob")


@factory
def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, requires_grad=False, pin_memory=False):
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        m = mean._data if isinstance(mean, Tensor) else mean
        s = std._data if isinstance(std, Tensor) else std
        if isinstance(std, Tensor):
            if not (s >= 0).all():    # NaN fails too
                raise RuntimeError("normal expects all elements of std >= 0.0")
        elif not std >= 0.0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        dt = (mean if isinstance(mean, Tensor) else std).dtype
        _float_dtype(dt, "normal", math.prod(shape))
        z = R.normal(shape, 0.0, 1.0, dt._np, generator)
        data = (z * s + m).astype(dt._np)
        if not isinstance(std, Tensor):
            return recorded(NormalBackward1, data, (mean,))
        if not isinstance(mean, Tensor):
            return recorded(NormalBackward2, data, (std,))
        return recorded(NormalBackward3, data, (mean, std))
    shape = _size_args((size,), "normal", varargs=False)
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
    dtype = _float_dtype(dtype, "normal", math.prod(shape))
    data = (R.normal(shape, mean, std, dtype._np, generator) if math.prod(shape)
            else np.zeros(shape, dtype._np))
    return _finish(data, requires_grad)


def bernoulli(input, p=None, *, generator=None, out=None):
    if out is not None:
        from .ops._out import into
        return into(out, "bernoulli", bernoulli, (input, p), {"generator": generator})
    if p is None:
        return recorded(BernoulliBackward0, R.bernoulli(input._data, generator), (input,))
    return recorded(_BernoulliScalar,
                    R.bernoulli_scalar(p, input._data.shape, input._data.dtype, generator),
                    (input,))


def poisson(input, generator=None):
    """Draws of Poisson(input) elementwise: PyTorch's numbers."""
    tensor_arg(input, "poisson")
    if not input.dtype.is_floating_point:   # (float16 and bfloat16 included)
        raise NotImplementedError(f'"poisson_cpu" not implemented for \'{_legacy(input.dtype)}\'')
    draws = _random_rejection.poisson(input._data, generator)
    return recorded(PoissonBackward0, draws.astype(input._data.dtype), (input,))


def binomial(count, prob, generator=None):
    """Draws of Binomial(count, prob) elementwise, in count's dtype: PyTorch's
    numbers (a NaN count draws NaN, where PyTorch's sampler never returns)."""
    tensor_arg(count, "binomial", "count")
    tensor_arg(prob, "binomial", "prob", 2)
    for name, t in (("count", count), ("prob", prob)):
        if not t.dtype.is_floating_point:
            raise ValueError(f"binomial only supports floating-point dtypes for {name}, got: "
                             f"{_legacy(t.dtype)}")
    if count._data.dtype != prob._data.dtype:
        raise RuntimeError(f"Found dtype {_legacy(prob.dtype)} but expected "
                           f"{_legacy(count.dtype)}")
    if count.dtype.itemsize == 2:   # the kernel is built for float and double
        raise NotImplementedError(f'"binomial_cpu" not implemented for '
                                  f"'{_legacy(count.dtype)}'")
    from .ops import broadcast_tensors
    counts, probs = broadcast_tensors(count, prob)
    draws = _random_rejection.binomial(counts._data, probs._data, generator)
    return recorded(_Binomial, draws.astype(count._data.dtype), (count, prob))


def multinomial(input, num_samples, replacement=False, *, generator=None):
    # Without replacement or for one draw: PyTorch's exponential kernel, same numbers;
    # with replacement: the inverse CDF at one 53-bit uniform per draw.
    num_samples = _check_multinomial(input, num_samples, replacement)
    # (renormalising what is left can divide 0 by 0, which PyTorch does silently)
    return quiet_call(_draw_categories, input, num_samples, replacement, generator)


def _draw_categories(input, num_samples, replacement, generator):
    if not replacement or num_samples == 1:
        return _draw_by_exponentials(input, num_samples, generator)
    # with replacement: per row, the inverse CDF at one 53-bit uniform per draw
    probs = input._data.astype(np.float64)
    rows = probs.reshape(-1, probs.shape[-1])
    out = np.empty((rows.shape[0], num_samples), np.int64)
    for r, p in enumerate(rows):
        p = p / p.max()     # first, so that huge weights do not sum to inf
        cdf = np.cumsum(p / p.sum())
        u = R.uniform((num_samples,), 0.0, 1.0, np.float64, generator)
        out[r] = np.minimum(np.searchsorted(cdf, u, side="right"), len(p) - 1)
    return Tensor._wrap(out.reshape(probs.shape[:-1] + (num_samples,)))


def _draw_by_exponentials(input, num_samples, generator):
    """PyTorch's kernel without replacement (and for a single draw): the
    categories with the largest p / q, q ~ Exponential(1) drawn in the input's
    dtype (the Gumbel-max trick with the exp applied)."""
    p = input._data
    ratio = p / RL.exponential(p.shape, 1.0, p.dtype, generator)
    if num_samples == 1:
        out = ratio.argmax(-1)[..., None]
    else:
        # PyTorch takes ratio.topk(num_samples): its choice among equal
        # ratios (zero probabilities) is its topk's.
        out = topk_arrays(ratio, num_samples, ratio.ndim - 1)[0]
    return Tensor._wrap(np.ascontiguousarray(out, dtype=np.int64))


def _check_multinomial(input, num_samples, replacement):
    """PyTorch's checks, in its order; those on the values depend on which
    kernel it runs (the with-replacement one reads each row in turn)."""
    if not hasattr(num_samples, "__index__") or isinstance(num_samples, bool):
        raise TypeError("multinomial(): argument 'num_samples' (position 2) must be int, not "
                        f"{type(num_samples).__name__}")
    n = int(num_samples.__index__())
    x = input._data
    if not 1 <= x.ndim <= 2:
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not D.is_float_np(x.dtype):
        raise RuntimeError("multinomial only supports floating-point dtypes for input, got: "
                           f"{_legacy(input.dtype)}")
    if n <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and n > x.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    if x.shape[-1] > 2 ** 24:
        raise RuntimeError("number of categories cannot exceed 2^24")
    if x.ndim == 2 and x.shape[0] == 0:
        return n
    rows = x.reshape(x.shape[0] if x.ndim == 2 else 1, x.shape[-1])
    if not replacement or n == 1:
        if x.size == 0:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as "
                               "the operation has no identity.")
        if not (x.max() < np.inf and x.min() >= 0):     # NaN fails too
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if not (rows != 0).any(axis=1).all():    # a row summing to 0 (no overflow)
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        return n
    for row in rows:
        for v in row:
            if not v >= 0:
                raise RuntimeError("invalid multinomial distribution (encountering probability "
                                   "entry < 0)")
            if not np.isfinite(v):
                raise RuntimeError("invalid multinomial distribution (encountering probability "
                                   "entry = infinity or NaN)")
        if not (row > 0).any():
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    return n


def _random_like(name, draw, input, dtype, device, requires_grad, memory_format):
    """draw(n, dtype) values, laid out as *_like lays out its result, and
    written in memory order, as PyTorch's kernels fill a tensor."""
    from ._creation import _like_device, _target_device, _tensor_input
    _tensor_input(name, input)
    _target_device(_like_device(input, device))
    flat = draw(input._data.size, dtype=dtype or input.dtype, requires_grad=False)._data
    out = laid_out(np.empty(input._data.shape, flat.dtype), memory_format, input._data)
    in_memory_order = out.transpose(np.argsort([-s for s in out.strides], kind="stable"))
    in_memory_order[...] = flat.reshape(in_memory_order.shape)
    return _finish(out, requires_grad)


@factory
def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=preserve_format, pin_memory=False):
    return _random_like("rand_like", rand, input, dtype, device, requires_grad, memory_format)


@factory
def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=preserve_format, pin_memory=False):
    return _random_like("randn_like", randn, input, dtype, device, requires_grad, memory_format)


@factory
def randint_like(input, low=0, high=None, *, generator=None, dtype=None, layout=None,
                 device=None, requires_grad=False, memory_format=None, pin_memory=False):
    if high is None:
        low, high = 0, low
    if isinstance(high, Tensor):    # (the overload of a 0-d Tensor high: its value, truncated)
        if high.dim() != 0:
            raise RuntimeError("high must be a scalar tensor and on CPU")
        high = int(high.item())

    def draw(n, dtype, requires_grad):
        return randint(low, high, (n,), generator=generator, dtype=dtype)
    return _random_like("randint_like", draw, input, dtype, device, requires_grad,
                        preserve_format if memory_format is None else memory_format)


def _complex_draw(draw, shape, a, b, np_dtype, generator, *contiguous):
    """A complex draw as PyTorch makes it: the real and imaginary parts side
    by side (the tensor's view_as_real), for a normal each of variance 1/2."""
    real = np.dtype(np_dtype).type(0).real.dtype
    if draw is R.normal:
        b = b / math.sqrt(2)
    return draw(tuple(shape) + (2,), a, b, real, generator, *contiguous).view(np_dtype)[..., 0]


# (the in-place samplers, uniform_ ... geometric_: _sampling_inplace.py)
from . import _sampling_inplace  # noqa: E402,F401

Tensor.bernoulli = lambda self, p=None, *, generator=None: bernoulli(self, p, generator=generator)
