"""Tensor's remaining small attributes: sizes in bytes, the device flags of a
CPU-only build, output_nr, grad_dtype, volatile, and the methods PyTorch
keeps only to point elsewhere (lstsq, solve, eig, symeig, reinforce,
record_stream)."""
import warnings

from . import _dtype as D
from ._tensor import Tensor

# Every device flag but is_cpu is False on a CPU-only build; is_cpu is False
# for a meta tensor, as in PyTorch.
for _name in ("is_mps", "is_xpu", "is_ipu", "is_xla", "is_mtia", "is_maia", "is_vulkan",
              "is_nested", "is_sparse_csr", "is_mkldnn"):
    setattr(Tensor, _name, False)

Tensor.is_cpu = property(lambda self: not self.is_meta)
Tensor.itemsize = property(lambda self: self._data.itemsize)
# (an expanded tensor counts each element it shows, as PyTorch's numel * itemsize)
Tensor.nbytes = property(lambda self: self._data.size * self._data.itemsize)
Tensor.is_distributed = lambda self: False
Tensor._is_view = lambda self: self._base is not None     # (private, yet often called)
# reversed(t) as PyTorch's: a tensor, not an iterator; a 0-d one is itself, which
# then refuses to be iterated
Tensor.__reversed__ = lambda self: self if self._data.ndim == 0 else self.flip(0)


def _output_nr(self):
    # A leaf's output_nr is 0; so is a tensor's from a one-output node.
    return 0 if self._grad_fn is None else self._output_nr


Tensor.output_nr = property(_output_nr)


def _get_volatile(self):
    warnings.warn("volatile was removed (Variable.volatile is always False)", UserWarning,
                  stacklevel=2)
    return False


def _set_volatile(self, value):
    warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` "
                  "instead.", UserWarning, stacklevel=2)


Tensor.volatile = property(_get_volatile, _set_volatile)

_SAME = object()    # grad_dtype not set: the tensor's own dtype


def _get_grad_dtype(self):
    d = self.__dict__.get("_grad_dtype", _SAME)
    return self.dtype if d is _SAME else d


def _set_grad_dtype(self, value):
    if value is not None and not isinstance(value, D.dtype):
        raise RuntimeError("grad_dtype must be a torch.dtype or None, but got "
                           f"{type(value).__name__}")
    if self._grad_fn is not None:
        raise RuntimeError("grad_dtype can only be set on leaf tensors.")
    grad = self._grad
    if value is not None and grad is not None and grad.dtype is not value:
        raise RuntimeError(
            f"Cannot set grad_dtype to '{D.SCALAR_NAMES[value]}' because there is already a "
            f"gradient with dtype '{D.C_NAMES[grad.dtype]}'. Please clear the gradient (.grad "
            "= None) before changing grad_dtype, or ensure the new grad_dtype matches the "
            "existing gradient's dtype.")
    if value is not None and value is not self.dtype:
        # Backward would have to cast the gradient it accumulates; Ember's does not.
        raise NotImplementedError(
            f"Ember supports grad_dtype only as the tensor's own dtype ({self.dtype}) or "
            f"None, not {value}")
    self.__dict__["_grad_dtype"] = value


Tensor.grad_dtype = property(_get_grad_dtype, _set_grad_dtype)


def _record_stream(self, stream):
    # PyTorch's argument parser knows no stream type on a build without CUDA.
    raise RuntimeError("unknown parameter type")


Tensor.record_stream = _record_stream


def _multinomial(self, num_samples, replacement=False, *, generator=None):
    from ._sampling import multinomial
    return multinomial(self, num_samples, replacement, generator=generator)


_multinomial.__name__ = "multinomial"
Tensor.multinomial = _multinomial


def _new_empty_strided(self, size, stride, dtype=None, device=None, requires_grad=False,
                       layout=None, pin_memory=False):
    from ._creation import _like_device, _size_args
    from .ops.statistics_creation import empty_strided
    _size_args((size,), "new_empty_strided", varargs=False)
    return empty_strided(size, stride, dtype=dtype or self.dtype,
                         device=_like_device(self, device), requires_grad=requires_grad,
                         layout=layout, pin_memory=pin_memory)


Tensor.new_empty_strided = _new_empty_strided


def _module_load(self, other, assign=False):
    """How load_state_dict maps `other` onto this parameter or buffer when it
    swaps tensors: a detached copy into self, or other itself detached."""
    if assign:
        return other.detach()
    return self.copy_(other).detach()


Tensor.module_load = _module_load


def _as_subclass(self, cls):
    from ._subclass import check_tensor_class
    check_tensor_class(cls)
    from .ops.shape import alias
    # (an alias, recorded as PyTorch records it: AliasBackward0 when it requires grad)
    view = alias(self)
    out = object.__new__(cls)   # (not __class__ assignment: cls may add slots)
    out._data, out._requires_grad, out._grad_fn = view._data, view._requires_grad, view._grad_fn
    out.__dict__.update(view.__dict__)
    return out


Tensor.as_subclass = _as_subclass

# -- names removed in PyTorch 1.9+, kept to point to their replacements -------------

_REMOVED = "This function was deprecated since version 1.9 and is now removed. "

_LSTSQ = (
    _REMOVED + "`torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`.\n"
    "`torch.linalg.lstsq` has reversed arguments and does not return the QR decomposition in "
    "the returned tuple (although it returns other information about the problem).\n\n"
    "To get the QR decomposition consider using `torch.linalg.qr`.\n\n"
    "The returned solution in `torch.lstsq` stored the residuals of the solution in the last "
    "m - n columns of the returned value whenever m > n. In torch.linalg.lstsq, the residuals "
    "are in the field 'residuals' of the returned named tuple.\n\n"
    "The unpacking of the solution, as in\n"
    "X, _ = torch.lstsq(B, A).solution[:A.size(1)]\n"
    "should be replaced with:\n"
    "X = torch.linalg.lstsq(A, B).solution")

_SOLVE = (
    _REMOVED + "`torch.solve` is deprecated in favor of `torch.linalg.solve`. "
    "`torch.linalg.solve` has its arguments reversed and does not return the LU "
    "factorization.\n\n"
    "To get the LU factorization see `torch.lu`, which can be used with `torch.lu_solve` or "
    "`torch.lu_unpack`.\n"
    "X = torch.solve(B, A).solution should be replaced with:\n"
    "X = torch.linalg.solve(A, B)")

_EIG = (
    _REMOVED + "`torch.linalg.eig` returns complex tensors of dtype `cfloat` or `cdouble` "
    "rather than real tensors mimicking complex tensors.\n\n"
    "L, _ = torch.eig(A) should be replaced with:\n"
    "L_complex = torch.linalg.eigvals(A)\n\n"
    "and\n\n"
    "L, V = torch.eig(A, eigenvectors=True) should be replaced with:\n"
    "L_complex, V_complex = torch.linalg.eig(A)")

_SYMEIG = (
    _REMOVED + "The default behavior has changed from using the upper triangular portion of "
    "the matrix by default to using the lower triangular portion.\n\n"
    "L, _ = torch.symeig(A, upper=upper) should be replaced with:\n"
    "L = torch.linalg.eigvalsh(A, UPLO='U' if upper else 'L')\n\n"
    "and\n\n"
    "L, V = torch.symeig(A, eigenvectors=True) should be replaced with:\n"
    "L, V = torch.linalg.eigh(A, UPLO='U' if upper else 'L')")

_REINFORCE = (
    "reinforce() was removed.\n"
    "Use torch.distributions instead.\n"
    "See https://pytorch.org/docs/main/distributions.html\n\n"
    "Instead of:\n\n"
    "probs = policy_network(state)\n"
    "action = probs.multinomial()\n"
    "next_state, reward = env.step(action)\n"
    "action.reinforce(reward)\n"
    "action.backward()\n\n"
    "Use:\n\n"
    "probs = policy_network(state)\n"
    "# NOTE: categorical is equivalent to what used to be called multinomial\n"
    "m = torch.distributions.Categorical(probs)\n"
    "action = m.sample()\n"
    "next_state, reward = env.step(action)\n"
    "loss = -m.log_prob(action) * reward\n"
    "loss.backward()\n")


def lstsq(self, other):
    raise RuntimeError(_LSTSQ)


def solve(self, other):
    raise RuntimeError(_SOLVE)


def eig(self, eigenvectors=False):
    raise RuntimeError(_EIG)


def symeig(self, eigenvectors=False):
    raise RuntimeError(_SYMEIG)


def reinforce(self, reward):
    raise RuntimeError(_REINFORCE)


for _fn in (lstsq, solve, eig, symeig, reinforce):
    _fn.__qualname__ = "Tensor." + _fn.__name__
    setattr(Tensor, _fn.__name__, _fn)


def _contains(self, element):
    """`element in t`: any element equal to it (a scalar or a broadcastable
    tensor), as PyTorch's Tensor.__contains__; anything else refused."""
    from numbers import Number
    if isinstance(element, (Tensor, Number)):
        return bool((element == self).any().item())
    raise RuntimeError("Tensor.__contains__ only supports Tensor or scalar, but you passed in "
                       f"a {type(element)}.")


Tensor.__contains__ = _contains


# -- hooks' bookkeeping (register_hook stays with Tensor) ----------------------
def _registered_hooks(self):
    """The hooks register_hook put on this tensor, oldest first (the
    values of PyTorch's _backward_hooks)."""
    if self._grad_fn is None:
        return list(self._hooks or ())
    hooks = self._grad_fn._pre_hooks
    if isinstance(hooks, dict):
        hooks = hooks.get(self._output_nr, ())
    from .autograd.graph import _NodePreHook
    return [h for h in hooks or () if not isinstance(h, _NodePreHook)]

def register_post_accumulate_grad_hook(self, hook):
    if not self._requires_grad:
        raise RuntimeError(
            "cannot register a hook on a tensor that doesn't require gradient")
    if self._grad_fn is not None:
        raise RuntimeError(
            "post accumulate grad hooks cannot be registered on non-leaf tensors")
    if self._post_acc_hooks is None:
        self._post_acc_hooks = []
    self._post_acc_hooks.append(hook)
    from ._removable_handle import RemovableHandle
    return RemovableHandle.in_list(self._post_acc_hooks, hook)


for _fn in (_registered_hooks, register_post_accumulate_grad_hook):
    _fn.__qualname__ = f"Tensor.{_fn.__name__}"     # (a method's name in its errors)
    setattr(Tensor, _fn.__name__, _fn)


def _dim_order(self, *, ambiguity_check=False):
    """The dims from outermost to innermost in memory (PyTorch's Python
    recipe: its short cuts for contiguous and channels-last tensors, then
    TensorIterator's insertion sort by stride, _layout.sorted_dims)."""
    from . import _layout as _L
    if not isinstance(ambiguity_check, bool) and not (
            isinstance(ambiguity_check, list)
            and all(isinstance(f, _L.memory_format) for f in ambiguity_check)):
        raise TypeError("The ambiguity_check argument must be a bool or a list of memory formats.")
    shape, strides = tuple(self.shape), self.stride()
    if ambiguity_check is not False:
        formats = ambiguity_check if isinstance(ambiguity_check, list) else []
        ambiguous = (any(a == b for a, b in zip(strides, strides[1:])) or 1 in shape)
        if ambiguous and sum(self.is_contiguous(memory_format=f) for f in formats) != 1:
            raise RuntimeError("The tensor does not have unique dim order, or cannot map to "
                               "exact one of the given memory formats.")
    n = len(shape)
    if n < 2:
        return tuple(range(n))
    contiguous = self.is_contiguous()
    channels_last = self.is_contiguous(memory_format=_L.channels_last)
    if contiguous and not channels_last:
        return tuple(range(n))
    if channels_last and not contiguous:
        return (0, *range(2, n), 1)
    order = _L.sorted_dims(shape, [strides])
    if ambiguity_check:
        inner_first = order[::-1]
        if any(_L.dims_compared(shape, [strides], a, b) != -1
               for a, b in zip(inner_first, inner_first[1:])):
            raise RuntimeError("The tensor does not have unique dim order.")
    return order


Tensor.dim_order = _dim_order


def __array_wrap__(self, array):
    """What a NumPy function of a tensor returns (np.sin(t), np.add(t, 1),
    np.reshape(t, ...)): a tensor of NumPy's result, a bool one as uint8, as
    PyTorch's. (Its signature is PyTorch's too, without NumPy 2's context and
    return_scalar: NumPy 2 warns the same, and a 0-d result stays a tensor.)"""
    if array.dtype == bool:
        array = array.astype("uint8")
    from ._creation import from_numpy
    return from_numpy(array)


Tensor.__array_wrap__ = __array_wrap__
