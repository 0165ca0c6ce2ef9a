"""torch.types: the type aliases annotations use.  Ember has no symbolic
shapes, so the Sym* parts of PyTorch's aliases are left out and
`py_sym_types` is empty (no value is ever one)."""
import os
from builtins import (bool as _bool, bytes as _bytes, complex as _complex,  # noqa: F401
                      float as _float, int as _int, str as _str)
from collections.abc import Sequence
from typing import IO, TypeAlias, Union

from ._device import device as _device
from ._dtype import dtype as _dtype  # noqa: F401
from ._layout import layout as _layout  # noqa: F401
from ._tensor import Size, Tensor

__all__ = ["Number", "Device", "FileLike", "Storage"]

_TensorOrTensors: TypeAlias = Union[Tensor, Sequence[Tensor]]
_TensorOrOptionalTensors: TypeAlias = Union[Tensor, Sequence[Union[Tensor, None]]]
_size: TypeAlias = Union[Size, list[int], tuple[int, ...]]
_symsize: TypeAlias = Union[Size, Sequence[int]]
IntLikeType: TypeAlias = int
FloatLikeType: TypeAlias = float
BoolLikeType: TypeAlias = bool
py_sym_types = ()
Number: TypeAlias = Union[int, float, bool]
_Number = (int, float, bool)
FileLike: TypeAlias = Union[str, os.PathLike, IO[bytes]]
Device: TypeAlias = Union[_device, str, int, None]


class Storage:
    """The storage interface annotations name (PyTorch's is abstract too)."""
