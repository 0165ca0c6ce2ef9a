"""PyTorch's reshape as its composite ops record it: a view of a contiguous
tensor (ViewBackward0), an alias with new strides when one exists
(ReshapeAliasBackward0), else a copy then a view (CloneBackward0,
UnsafeViewBackward0). (shape.reshape records every view as ViewBackward0.)"""
from .._meta import is_meta
from ._common import np
from .shape import ReshapeAliasBackward0


def reshape_as_torch(t, shape):
    from .shape import _unsafe_view, _view_of, clone, view
    x = t._data
    shape = tuple(shape)
    if x.flags.c_contiguous or is_meta(x):     # (a meta tensor is contiguous: shape.reshape)
        return view(t, shape)
    data = x.reshape(shape)
    if np.shares_memory(data, x):
        return _view_of(data, t, ReshapeAliasBackward0, (x.shape,))
    return _unsafe_view(clone(t), shape)
