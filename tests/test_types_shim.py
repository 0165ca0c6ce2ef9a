"""ember.types and ember.nn.common_types: the aliases PyTorch's annotations use."""
import typing

import pytest

import ember
from ember import types
from ember.nn import common_types

torch = pytest.importorskip("torch")
import torch.nn.common_types as their_common  # noqa: E402


def test_types_names():
    assert types.__all__ == torch.types.__all__
    assert set(typing.get_args(types.Number)) == {int, float, bool}
    assert types._Number == torch.types._Number
    assert ember.Size in typing.get_args(types._size)
    assert types._dtype is ember.dtype and types._device is ember.device
    assert types.py_sym_types == ()  # no symbolic values in Ember
    assert None.__class__ in typing.get_args(types.Device)


def test_common_types_have_pytorch_names_and_arity():
    theirs = {n for n in vars(their_common) if n.startswith("_") and n.endswith("_t")}
    mine = {n for n in vars(common_types) if n.startswith("_") and n.endswith("_t")}
    assert mine == theirs
    for name in ("_size_1_t", "_size_2_t", "_size_3_t", "_size_6_t", "_ratio_2_t",
                 "_size_any_t", "_size_2_opt_t", "_ratio_any_t", "_size_3_opt_t"):
        assert typing.get_args(getattr(common_types, name)) == \
            typing.get_args(getattr(their_common, name))
