"""Tensor: a NumPy array plus autograd metadata.

The hot attributes live in slots; rare ones (`_grad`, `_hooks`, `_acc`,
`_vc`, `_base`) fall back to class-level defaults and only land in the
instance's __dict__ when set, so creating a tensor costs three stores.
Math methods and operators are attached by `ember.ops`, which holds every op
and its derivative.
"""
import warnings

from . import _dtype as D, _layout as _L, _public_name
from ._meta import _ONE as _META_MEMORY, kept_meta
from ._removable_handle import RemovableHandle
from ._size import Size, _dim_arg, _wrap_dim  # noqa: F401 - ops import _wrap_dim from here
from .autograd.grad_mode import _state
from . import autograd as _autograd
from .autograd._retain import attach as _attach_retain, read as _read_retain
from ._inference import INFERENCE_VC
from ._settings import triggered, warn_at_caller

__all__ = ["Tensor"]

_new = object.__new__

# inference_mode(True) blocks open, in all threads (grad_mode.py keeps it):
# while none is, making a tensor pays this one check.
_inference_blocks = 0


class Tensor(metaclass=_public_name.PublicClass):
    __slots__ = ("_data", "_requires_grad", "_grad_fn", "__dict__", "__weakref__")

    _grad = None    # the accumulated gradient (a Tensor)
    _hooks = None   # hooks of a leaf, run by AccumulateGrad
    _post_acc_hooks = None  # hooks of a leaf, run after its .grad was accumulated
    _acc = None     # weakref to the leaf's AccumulateGrad node
    _vc = None      # version counter [n], shared with views; None means 0
    _base = None    # the tensor this one is a view of
    _is_param = False
    _output_nr = 0  # which output of its grad_fn this tensor is (unbind, split)

    __array_priority__ = 1000   # NumPy defers to our reflected operators

    # -- construction ------------------------------------------------------
    def __new__(cls, *args, **kwargs):
        # `Tensor(data)` / `Tensor(2, 3)` as torch.Tensor: default dtype; a
        # subclass's own __new__ calls it as super().__new__(cls, data), and
        # its __init__ takes arguments of its own (Tensor's does nothing).
        from ._creation import _legacy_tensor_data
        self = _new(cls)
        self._data, self._requires_grad, self._grad_fn = _legacy_tensor_data(args, kwargs), \
            False, None
        if _inference_blocks and _state.inference:
            self._vc = INFERENCE_VC
        return self

    def __init__(self, *args, **kwargs):
        pass

    @staticmethod
    def _wrap(data, requires_grad=False):
        t = _new(Tensor)
        if _META_MEMORY:
            data = kept_meta(data)
        t._data = data
        t._requires_grad = requires_grad
        t._grad_fn = None
        if _inference_blocks and _state.inference:
            t._vc = INFERENCE_VC
        return t

    @staticmethod
    def _from_node(data, node):
        t = _new(Tensor)
        if _META_MEMORY:
            data = kept_meta(data)
        t._data = data
        t._requires_grad = True
        t._grad_fn = node
        return t

    def _bump(self):
        """Record an in-place change (shared with every view of the storage)."""
        vc = self._vc
        if vc is None:
            self._vc = [1]
        else:
            vc[0] += 1
            if vc.__class__ is list and len(vc) > 1:
                # views of a base that requires grad take its new history
                from .ops._view_history import regenerate
                regenerate(vc[1])

    # -- metadata ----------------------------------------------------------
    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        if dim.__class__ is not int:
            dim = _dim_arg("size", dim)
        if self._data.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        return self._data.shape[_wrap_dim(dim, self._data.ndim)]

    def dim(self):
        return self._data.ndim

    ndim = property(dim)

    def ndimension(self):
        return self._data.ndim

    def numel(self):
        return self._data.size

    nelement = numel

    @property
    def dtype(self):
        return D._BY_NP[self._data.dtype]

    @property
    def device(self):
        from ._creation import device
        return device("meta" if self._data.__class__ is not type(self._data) else "cpu")

    @property
    def is_meta(self):
        # (a MetaArray names np.ndarray as its __class__: see ember._meta)
        return self._data.__class__ is not type(self._data)

    is_cuda = False
    is_sparse = False
    is_quantized = False
    layout = _L.strided

    def is_floating_point(self):
        return D.is_float_np(self._data.dtype)

    def is_complex(self):
        return self._data.dtype.kind == "c"

    def element_size(self):
        return self._data.itemsize

    def stride(self, dim=None):
        data = self._data
        if dim is not None and dim.__class__ is not int:
            dim = _dim_arg("stride", dim)
        if dim is not None and not data.ndim:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        st = None if self.is_meta else tuple(s // data.itemsize for s in data.strides)
        # No memory, or NumPy's all-zero strides of an empty array: the strides
        # of a contiguous tensor, as PyTorch's.
        if st is None or (not data.size and not any(st)):
            st = _L.contiguous_strides(data.shape)
        return st if dim is None else st[_wrap_dim(dim, data.ndim)]

    def is_contiguous(self, memory_format=None):
        if memory_format is None:
            # (a meta tensor is contiguous, as stride() says)
            return self._data.flags.c_contiguous or self.is_meta
        _L.check_memory_format("is_contiguous", memory_format)
        return _L.is_laid_out(self._data, memory_format)

    def data_ptr(self):
        # (a tensor of no elements points nowhere in PyTorch, a view's included)
        data = self._data
        return data.__array_interface__["data"][0] if data.size else 0

    @property
    def _version(self):
        vc = self._vc
        if vc is INFERENCE_VC:
            raise RuntimeError("Inference tensors do not track version counter.")
        return 0 if vc is None else int(vc[0])     # (int: see _tensor_detach.py)

    def is_inference(self):
        return self._vc is INFERENCE_VC

    def type(self, dtype=None, non_blocking=False):
        if dtype is None:
            name = D.legacy_tensor_name(self.dtype)
            # (a meta tensor's type names its device: ember.meta.FloatTensor)
            return name.replace(".", ".meta.", 1) if self.is_meta else name
        if isinstance(dtype, type):
            if not isinstance(getattr(dtype, "dtype", None), D.dtype):
                # (PyTorch reads another class by its name: `float` is no tensor type)
                from .cuda import refuse_tensor_type
                refuse_tensor_type(f"{dtype.__module__}.{dtype.__name__}")
                raise ValueError(f"invalid type: '{dtype.__name__}'")
            dtype = dtype.dtype      # a legacy type: ember.LongTensor
        elif isinstance(dtype, str):
            by_name = {f"{lib}.{v}": k for k, v in D.LEGACY_TENSOR_NAMES.items()
                       for lib in ("torch", "ember")}
            if dtype not in by_name:
                from .cuda import refuse_tensor_type
                refuse_tensor_type(dtype)
                raise ValueError(f"invalid type: '{dtype}'")
            dtype = by_name[dtype]
        elif not isinstance(dtype, D.dtype):
            raise TypeError("dtype must be a type, str, or dtype object")
        else:
            return self.to(dtype)
        # (a legacy type is a CPU one: a meta tensor is copied out, which fails)
        return self.to("cpu", dtype) if self.is_meta else self.to(dtype)

    # -- autograd metadata ---------------------------------------------------
    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        if type(flag) is not bool:
            raise RuntimeError("requires_grad must be a bool")
        if self._grad_fn is not None:
            if flag:
                raise RuntimeError("you can only change requires_grad flags of leaf variables.")
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to "
                "use a computed variable in a subgraph that doesn't require differentiation "
                "use var_no_grad = var.detach().")
        if flag and not D.can_require_grad(self._data.dtype):
            raise RuntimeError(
                "only Tensors of floating point and complex dtype can require gradients")
        if flag and self._vc is INFERENCE_VC and not _state.inference:
            raise RuntimeError("Setting requires_grad=True on inference tensor outside "
                               "InferenceMode is not allowed.")
        self._requires_grad = bool(flag)

    def requires_grad_(self, requires_grad=True):
        if type(requires_grad) is not bool:
            from ._python_data import _tname
            raise TypeError("requires_grad_(): argument 'requires_grad' (position 1) must be "
                            f"bool, not {_tname(requires_grad)}")
        from .autograd.function import refuse_in_func_transform
        refuse_in_func_transform()
        return self._requiring_grad(requires_grad)

    def _requiring_grad(self, requires_grad):
        """requires_grad_() as PyTorch's C++ reaches it (factories'
        requires_grad=, Parameter, autograd's own tensors): allowed inside
        torch.func transforms."""
        if self._grad_fn is not None and requires_grad:
            return self     # a non-leaf already requires grad: nothing to do
        if requires_grad and not D.can_require_grad(self._data.dtype):
            # (PyTorch words this one differently from the setter's.)
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self.requires_grad = requires_grad
        return self

    @property
    def grad_fn(self):
        fn = self._grad_fn
        if fn.__class__ is _RefusedView:
            raise RuntimeError(fn._ctx[0])
        if fn is not None and fn._deferred:
            fn._complete()      # (as PyTorch's graph has it: autograd/graph.py)
        if "_retain_at" in self.__dict__:
            _read_retain(self)    # (a read moves a view's retain: autograd/_retain.py)
        return fn

    @property
    def is_leaf(self):
        return self._grad_fn is None

    @property
    def grad(self):
        if self._grad_fn is not None and self._grad is None and not self.__dict__.get("_retains"):
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. "
                "Its .grad attribute won't be populated during autograd.backward(). If you "
                "indeed want the .grad field to be populated for a non-leaf Tensor, use "
                ".retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by "
                "mistake, make sure you access the leaf Tensor instead. See "
                "github.com/pytorch/pytorch/pull/30531 for more information."
                + triggered("build/aten/src/ATen/core/TensorBody.h:493"), UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type "
                    f"{type(value).__name__}")
            if value is self:
                raise RuntimeError("can't assign Variable as its own grad")
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value._data.shape)}' to a "
                    f"tensor of size '{list(self._data.shape)}'. Please ensure that the gradient "
                    "and the tensor are the same size")
            if (value._data.dtype != self._data.dtype
                    and self.__dict__.get("_grad_dtype", 0) is not None):   # None: any dtype
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{D.C_NAMES[value.dtype]}' to a "
                    f"tensor with grad_dtype '{D.SCALAR_NAMES[self.dtype]}'. The gradient "
                    "must match the tensor's grad_dtype (defaults to the tensor's dtype). You can "
                    "set the tensor's grad_dtype attribute with a specific dtype, or None to allow "
                    "any dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and "
                    "its gradient may break downstream systems that assume they match.")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def retains_grad(self):
        return bool(self.__dict__.get("_retains"))

    def retain_grad(self):
        if self._grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if self.__dict__.get("_retains"):
            return
        self._retains = True
        _autograd.graph.node_hooks = True
        # (it follows the tensor to the grad_fn of an in-place op: autograd/_retain.py)
        _attach_retain(self, self._grad_fn, self._output_nr)

    def register_hook(self, hook):
        if not self._requires_grad:
            raise RuntimeError(
                "cannot register a hook on a tensor that doesn't require gradient")
        if "_retain_at" in self.__dict__:
            _read_retain(self)    # (PyTorch reads grad_fn here: autograd/_retain.py)
        if self._grad_fn is not None:
            node = self._grad_fn
            _autograd.graph.node_hooks = True
            if node._multi:
                # One list per output of unbind/split: {output_nr: [hooks]}.
                if node._pre_hooks is None:
                    node._pre_hooks = {}
                hooks = node._pre_hooks.setdefault(self._output_nr, [])
            else:
                if node._pre_hooks is None:
                    node._pre_hooks = []
                hooks = node._pre_hooks
        else:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
        hooks.append(hook)
        return RemovableHandle.in_list(hooks, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        _autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self):
        t = Tensor._wrap(self._data)
        t._vc = self._share_vc()
        if "_is_conj" in self.__dict__:
            t._is_conj = self._is_conj     # (see ops/complex_parts.py)
        return t

    def _share_vc(self):
        vc = self._vc
        if vc is None:
            vc = self._vc = [0]
        return vc

    # -- conversion to Python and NumPy ---------------------------------------
    def item(self):
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        if self.is_meta:
            raise RuntimeError("Tensor.item() cannot be called on meta tensors")
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self, *, force=False):
        if self.is_meta:
            raise TypeError("can't convert meta device type tensor to numpy. Use Tensor.cpu() "
                            "to copy the tensor to host memory first.")
        if self._requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead.")
        if self.__dict__.get("_is_conj") and not force:     # (see ops/complex_parts.py)
            raise RuntimeError("Can't call numpy() on Tensor that has conjugate bit set. Use "
                               "tensor.resolve_conj().numpy() instead.")
        if self._data.dtype == D._BF16_NP:
            # (NumPy itself has no bfloat16: PyTorch refuses, though Ember holds one)
            raise TypeError("Got unsupported ScalarType BFloat16")
        # (a new array object on the same memory each call, as PyTorch's: not
        # the very array from_numpy was given, so `t.numpy() is x` is False)
        return self._data.view()

    def __array__(self, dtype=None, copy=None):
        data = self.numpy()
        return data if dtype is None else data.astype(dtype, copy=False)

    def __float__(self):
        return float(self._scalar("double"))

    def __int__(self):
        v = int(self._scalar("int64_t", warn=False))  # PyTorch warns for float and complex
        if v >= 2 ** 63 and self._data.dtype.kind == "u":    # (a uint64's, read as int64_t)
            raise RuntimeError("value cannot be converted to type int64_t without overflow")
        return v

    def __complex__(self):
        return complex(self._scalar(None))

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError(
                "only integer tensors of a single element can be converted to an index")
        return int(self._data.item())       # (a meta array's item() refuses)

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with "
                               f"{'more than one value' if self._data.size else 'no values'} "
                               "is ambiguous")
        if self.is_meta:
            raise RuntimeError("Tensor.item() cannot be called on meta tensors")
        return bool(self._data)

    def _scalar(self, c_type, warn=True):
        """The one element, for a C type `c_type` (a real one takes a complex
        number without an imaginary part only)."""
        if warn and self._requires_grad:    # (before the size check, as PyTorch's)
            warn_at_caller("Converting a tensor with requires_grad=True to a scalar may lead to "
                           "unexpected behavior.\nConsider using tensor.detach() first.",
                           once=True,
                           cpp="torch/csrc/autograd/generated/python_variable_methods.cpp:822")
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        v = self._data.reshape(()).item()
        if c_type and isinstance(v, complex):
            # (an integer takes only a real part within its range: not NaN)
            if v.imag or (c_type == "int64_t" and not -2.0 ** 63 <= v.real <= 2.0 ** 63):
                raise RuntimeError(f"value cannot be converted to type {c_type} without overflow")
            v = v.real
        return v

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self):
        return id(self)

    def __reduce_ex__(self, proto):
        from ._utils import reduce_ex
        return reduce_ex(self, proto)

    def __deepcopy__(self, memo):
        from ._utils import deepcopy
        return deepcopy(self, memo)

    # -- printing ----------------------------------------------------------
    def __repr__(self, *, tensor_contents=None):
        from ._printing import tensor_repr
        return tensor_repr(self)

    __str__ = __repr__

    def __format__(self, spec):
        # (a 0-d plain tensor's number; anything else, a Parameter too, as object's)
        if self._data.ndim == 0 and type(self) is Tensor and not self.is_meta:
            return self._data.item().__format__(spec)
        return object.__format__(self, spec)

    def cpu(self):
        if self.is_meta:
            raise NotImplementedError("Cannot copy out of meta tensor; no data!")
        return self


# (ops/_view_history.py's node for a view that may not take its base's new history)
_RefusedView = None

# The public names, as PyTorch's classes print (`<class 'torch.Tensor'>`).
Tensor.__module__ = Size.__module__ = "ember"


def _rebuild(data, requires_grad):
    return Tensor._wrap(data, requires_grad)


from . import _tensor_detach  # noqa: E402,F401  (.data and detach_, built on Tensor)
