"""In-place ops (`add_`, `+=`, `zero_`, `t[k] = v`, ...).

An in-place op computes the out-of-place result and writes it into the
tensor's own array, so views of it see the change; its version counter is
bumped, so a saved value that was overwritten is caught at backward. When
the op is recorded, its formulas see a snapshot of the old value (as
PyTorch's in-place derivatives do) and the tensor takes the new grad_fn.
"""
from ._common import D, Tensor, _state, np

LEAF_MESSAGE = "a leaf Variable that requires grad is being used in an in-place operation."

_NAMES = {D.float32: "Float", D.float64: "Double", D.float16: "Half", D.int64: "Long",
          D.int32: "Int", D.int16: "Short", D.int8: "Char", D.uint8: "Byte", D.bool_: "Bool"}


def check_inplace(t):
    if t._requires_grad and t._grad_fn is None and _state.enabled:
        raise RuntimeError(LEAF_MESSAGE)


def _write(t, data):
    dst = t._data
    if data.dtype != dst.dtype and not _castable(data.dtype, dst.dtype):
        raise RuntimeError(
            f"result type {_NAMES[D._BY_NP[data.dtype]]} can't be cast to the desired output "
            f"type {_NAMES[D._BY_NP[dst.dtype]]}")
    if data.shape != dst.shape:
        try:
            np.broadcast_to(data, dst.shape)
        except ValueError:
            raise RuntimeError(
                f"output with shape {list(dst.shape)} doesn't match the broadcast shape "
                f"{list(np.broadcast_shapes(data.shape, dst.shape))}") from None
    dst[...] = data


def _castable(src, dst):
    # PyTorch allows an in-place result to go down within a category, not up one.
    order = "biuf"
    return order.index(src.kind if src.kind != "u" else "i") <= order.index(
        dst.kind if dst.kind != "u" else "i")


def commit_inplace(t, result):
    """Make `t` hold `result` in place: same array, new value and history."""
    _write(t, result._data)
    if result._grad_fn is not None:
        t._grad_fn = result._grad_fn
        t._requires_grad = True
    t._bump()
    return t


def _snapshot(t):
    old = Tensor._wrap(t._data.copy(), t._requires_grad)
    old._grad_fn = t._grad_fn
    return old


def make_inplace(op):
    """`t.op_(...)`: the out-of-place `op`, written back into `t`."""

    def method(self, *args, **kwargs):
        check_inplace(self)
        tracked = _state.enabled and (self._requires_grad or any(
            isinstance(a, Tensor) and a._requires_grad for a in args))
        result = op(_snapshot(self) if tracked else self, *args, **kwargs)
        return commit_inplace(self, result)

    method.__name__ = op.__name__ + "_"
    return method


def zero_(self):
    check_inplace(self)
    self._data[...] = 0
    self._bump()
    return self


def fill_(self, value):
    check_inplace(self)
    self._data[...] = value._data if isinstance(value, Tensor) else value
    self._bump()
    return self


def copy_(self, src, non_blocking=False):
    from .shape import to_dtype
    check_inplace(self)
    if _state.enabled and (self._requires_grad or src._requires_grad):
        result = to_dtype(src, self.dtype) * 1 if src.dtype is not self.dtype else src + 0
        return commit_inplace(self, result)
    _write(self, src._data.astype(self._data.dtype, copy=False))
    self._bump()
    return self
