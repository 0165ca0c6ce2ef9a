"""Tensor.apply_, map_ and map2_: a Python function on each element, in
place (slow; CPU only, as in PyTorch). The values the function returns are
converted as PyTorch's C++ converts them: a real number for floating
tensors, an integer (floats truncated) for integral ones."""
import numbers
import operator

from ._backend import np
from ._tensor import Tensor


def _refuse_grad(*tensors, name):
    if any(t._requires_grad for t in tensors):
        raise RuntimeError(f"Can't call {name}() on Variable that requires grad. Use "
                           f"var.detach().{name}() instead.")


def _convert(value, dtype):
    if dtype.is_complex:
        if not isinstance(value, numbers.Complex):
            raise TypeError(f"must be real number, not {type(value).__name__}")
        return complex(value)
    if dtype.is_floating_point:
        if not isinstance(value, numbers.Real):
            raise TypeError(f"must be real number, not {type(value).__name__}")
        return float(value)
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        value = int(value)
    value = operator.index(value)   # "'str' object cannot be interpreted as an integer"
    if not -2**63 <= value < 2**63:
        raise ValueError("Overflow when unpacking long long")
    return value


def _store(self, values):
    # (PyTorch's apply_ and map_ write through the data pointer: no version bump)
    kind = np.int64 if not (self.dtype.is_floating_point or self.dtype.is_complex) else None
    array = np.array(values, dtype=kind).reshape(self._data.shape)
    self._data[...] = array.astype(self._data.dtype) if array.size else array


def _apply_(self, callable):
    """Replaces each element x by callable(x)."""
    _refuse_grad(self, name="apply_")
    values = [_convert(callable(v), self.dtype) for v in self._data.reshape(-1).tolist()]
    _store(self, values)
    return self


def _map_(self, other, callable):
    """Replaces each element x by callable(x, y), y the element of `other`
    (broadcast to this tensor's shape) at the same place."""
    if not isinstance(other, Tensor):
        raise TypeError("map_(): argument 'other' (position 1) must be Tensor, not "
                        f"{type(other).__name__}")
    _refuse_grad(self, other, name="map_")
    if other.dtype is not self.dtype:
        raise TypeError(f"map_: expected {self.type()} for 'other' (got {other.type()})")
    theirs = other.expand(self.shape)._data.reshape(-1).tolist()
    values = [_convert(callable(a, b), self.dtype)
              for a, b in zip(self._data.reshape(-1).tolist(), theirs)]
    _store(self, values)
    return self


def _map2_(self, x, y, callable):
    """Replaces each element s by callable(s, a, b), a and b the elements of
    `x` and `y` (broadcast to this tensor's shape) at the same place."""
    for name, pos, t in (("x", 1, x), ("y", 2, y)):
        if not isinstance(t, Tensor):
            raise TypeError(f"map2_(): argument '{name}' (position {pos}) must be Tensor, not "
                            f"{type(t).__name__}")
    _refuse_grad(self, x, y, name="map2_")
    for name, t in (("x", x), ("y", y)):
        if t.dtype is not self.dtype:
            raise TypeError(f"map2_: expected {self.type()} for argument '{name}' (got "
                            f"{t.type()})")
    xs, ys = (t.expand(self.shape)._data.reshape(-1).tolist() for t in (x, y))
    values = [_convert(callable(s, a, b), self.dtype)
              for s, a, b in zip(self._data.reshape(-1).tolist(), xs, ys)]
    _store(self, values)
    return self


Tensor.apply_ = _apply_
Tensor.map_ = _map_
Tensor.map2_ = _map2_
