"""The in-place samplers (what nn.init uses): uniform_, normal_, random_,
bernoulli_, exponential_, cauchy_, log_normal_, geometric_. Each fills the
tensor in its memory order, after autograd's checks; on a tensor that
requires grad PyTorch records a node that gives zeros."""
from ._backend import np
from . import _dtype as D
from . import _random as R, _random_libm as RL
from ._meta import is_meta
from ._sampling import _complex_draw, _fmt, _legacy, _warn_inexact_range
from ._tensor import Tensor
from .ops._common import recorded


def _fill(t, draw, node, p=None):
    """t filled in place by draw(shape, contiguous), in t's memory order (see
    R.drawn_like); the checks come first, so a refused call draws nothing.
    On a tensor that requires grad PyTorch records `node`, which gives zeros
    (to `p` too, bernoulli_'s tensor of probabilities)."""
    from .ops._common import tracked
    from .ops.inplace import check_inplace, check_no_internal_overlap, commit_inplace, zero_node
    check_inplace(t)
    check_no_internal_overlap(t._data)
    if is_meta(t._data):
        # (no data to fill; PyTorch's meta kernels leave the generator be)
        t._bump()
        return t
    inputs = (t,) if p is None else (t, p)
    if tracked(*inputs):
        data = np.empty_like(t._data)       # (t's memory order)
        view = data.transpose(R.memory_order(data))
        view[...] = draw(view.shape, t._data.flags.c_contiguous)
        cls = zero_node(node, ("self", "p")[:len(inputs)])
        return commit_inplace(t, recorded(cls, data, inputs))
    view = t._data.transpose(R.memory_order(t._data))
    view[...] = draw(view.shape, t._data.flags.c_contiguous)
    t._bump()
    return t


def uniform_(self, a=0.0, b=1.0, *, generator=None):
    dt = self._data.dtype
    draw = (lambda *args: _complex_draw(R.uniform, *args)) if dt.kind == "c" else R.uniform
    return _fill(self, lambda shape, _: draw(shape, a, b, dt, generator), "UniformBackward0")


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    dt = self._data.dtype
    if dt.kind == "c":
        return _fill(self, lambda shape, contiguous: _complex_draw(
            R.normal, shape, mean, std, dt, generator, contiguous), "NormalBackward0")
    return _fill(self, lambda shape, contiguous: R.normal(shape, mean, std, dt, generator,
                                                          contiguous), "NormalBackward0")


def _autograd_first(t):
    """The in-place samplers' own refusals come after autograd's (PyTorch's
    autograd kernel runs before the sampling kernel)."""
    from .ops.inplace import check_inplace
    check_inplace(t)


def _no_complex(t, kernel):
    if t._data.dtype.kind == "c":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_legacy(t.dtype)}\'')


def exponential_(self, lambd=1.0, *, generator=None):
    _autograd_first(self)
    if not lambd > 0.0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_fmt(lambd)}")
    if not D.is_float_np(self._data.dtype):
        raise RuntimeError("Exponential distribution is a continuous probability distribution. "
                           f"dtype must be a floating point but you specified "
                           f"{_legacy(self.dtype)}")
    return _fill(self, lambda shape, _: RL.exponential(shape, lambd, self._data.dtype, generator),
                 "ExponentialBackward0")


# cauchy_'s refusal names the C++ element type, not the ScalarType
_CPP_TYPE = {"int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
             "uint8": "unsigned char", "bool": "bool", "complex64": "c10::complex<float>",
             "complex128": "c10::complex<double>"}


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    _autograd_first(self)
    if not sigma > 0.0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_fmt(sigma)}")
    if not D.is_float_np(self._data.dtype):
        raise RuntimeError("Cauchy distribution is a continuous probability distribution. "
                           "dtype must be a floating point but you specified "
                           f"{_CPP_TYPE.get(self._data.dtype.name, self._data.dtype.name)}")
    return _fill(self, lambda shape, _: RL.cauchy(shape, median, sigma, self._data.dtype,
                                                generator), "CauchyBackward0")


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    _autograd_first(self)
    if not std > 0.0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_fmt(std)}")
    if not D.is_float_np(self._data.dtype):
        raise NotImplementedError(f'"log_normal_cpu" not implemented for \'{_legacy(self.dtype)}\'')
    return _fill(self, lambda shape, _: RL.log_normal(shape, mean, std, self._data.dtype,
                                                    generator), "LogNormalBackward0")


def geometric_(self, p, *, generator=None):
    _autograd_first(self)
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_fmt(p)}")
    _no_complex(self, "geometric_cpu")
    return _fill(self, lambda shape, _: RL.geometric(shape, p, self._data.dtype, generator),
                 "GeometricBackward0")


# random_() with no bounds draws from [0, top]: the integers the dtype holds
# exactly (2**mantissa for floats, the largest value for integers).
_RANDOM_TOP = {np.dtype(np.float32): 2 ** 24, np.dtype(np.float64): 2 ** 53,
               np.dtype(np.float16): 2 ** 11, np.dtype(np.int64): 2 ** 63 - 1,
               np.dtype(np.int32): 2 ** 31 - 1, np.dtype(np.int16): 2 ** 15 - 1,
               np.dtype(np.int8): 2 ** 7 - 1, np.dtype(np.uint8): 2 ** 8 - 1,
               np.dtype(np.bool_): 1}
D.on_bfloat16(lambda bf16: _RANDOM_TOP.__setitem__(bf16, 2 ** 8))


def random_(self, from_=0, to=None, *, generator=None):
    # (the overloads' nodes: random_.from_ 0, random_.to 1, random_() 2)
    node = "RandomBackward0" if to is not None else "RandomBackward1" if from_ else "RandomBackward2"
    _autograd_first(self)
    if to is None and not from_:
        _no_complex(self, "random_kernel_cpu")
        to = _RANDOM_TOP[self._data.dtype] + 1
    else:
        if self._data.dtype.kind == "c":
            raise RuntimeError("check_random_bounds handles only integral, floating-point and "
                               "boolean types")
        if to is None:
            from_, to = 0, from_
        _warn_inexact_range(from_, to, self.dtype)
    return _fill(self, lambda shape, _: R.randint(from_, to, shape, self._data.dtype, generator),
                 node)


def bernoulli_(self, p=0.5, *, generator=None):
    _autograd_first(self)
    _no_complex(self, "bernoulli_tensor_cpu_self_" if isinstance(p, Tensor) else
                "bernoulli_scalar_cpu_")
    if isinstance(p, Tensor):
        # PyTorch draws a 24- or 53-bit uniform by p's own dtype.
        probs = np.broadcast_to(p._data, self._data.shape).transpose(R.memory_order(self._data))
        return _fill(self, lambda shape, _: R.bernoulli(probs, generator).astype(self._data.dtype),
                     "BernoulliBackward1", p)
    return _fill(self, lambda shape, _: R.bernoulli_scalar(p, shape, self._data.dtype, generator),
                 "BernoulliBackward2")


Tensor.uniform_ = uniform_
Tensor.normal_ = normal_
Tensor.random_ = random_
Tensor.exponential_ = exponential_
Tensor.bernoulli_ = bernoulli_
Tensor.cauchy_ = cauchy_
Tensor.log_normal_ = log_normal_
Tensor.geometric_ = geometric_
