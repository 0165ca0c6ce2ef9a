"""ember.overrides: no Ember op dispatches to __torch_function__, so Ember
tensors never report an override; objects of other types defining the
protocol get PyTorch's handling from library code that asks."""
import pytest

import ember
from ember import nn, overrides

try:
    import torch
except ImportError:  # the comparisons skip; the rest runs without PyTorch
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="compares with PyTorch")


class Duck:
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return ("duck", func.__name__, types, args)


class Declines:
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return NotImplemented


def public_api(x, y=0):
    return "plain"


@needs_torch
def test_names_match_pytorch():
    assert set(overrides.__all__) == set(torch.overrides.__all__)


def test_ember_tensors_have_no_torch_function():
    t = ember.ones(2)
    assert not overrides.has_torch_function((t, t))
    assert not overrides.has_torch_function_unary(t)
    assert not overrides.has_torch_function_variadic(t, 1, nn.Parameter(t))
    with pytest.raises(TypeError, match="expected a sequence"):
        overrides.has_torch_function(3)


@needs_torch
def test_objects_defining_the_protocol_are_handled_like_pytorch():
    for o in (overrides, torch.overrides):
        assert o.has_torch_function([1, Duck()]) and o.has_torch_function_variadic(1, Duck())
        got = o.handle_torch_function(public_api, (Duck(),), Duck(), y=2)
        assert got[:3] == ("duck", "public_api", (Duck,))
        with pytest.raises(TypeError, match="no implementation found for '.*public_api' on"):
            o.handle_torch_function(public_api, (Declines(),), Declines())


def test_wrap_torch_function():
    wrapped = overrides.wrap_torch_function(lambda x, y=0: (x,))(public_api)
    assert wrapped(ember.ones(1)) == "plain"
    assert wrapped(Duck())[:2] == ("duck", "public_api")


@needs_torch
def test_is_tensor_like_and_methods():
    for o, lib in ((overrides, ember), (torch.overrides, torch)):
        assert o.is_tensor_like(lib.ones(1)) and o.is_tensor_like(lib.nn.Parameter(lib.ones(1)))
        assert o.is_tensor_like(Duck()) and not o.is_tensor_like(3)
        assert o.is_tensor_method_or_property(lib.Tensor.add)
        assert not o.is_tensor_method_or_property(lib.add)


@needs_torch
def test_overridable_and_ignored_as_pytorch():
    for o, lib in ((overrides, ember), (torch.overrides, torch)):
        ignored, overridable = o.get_ignored_functions(), o.get_overridable_functions()
        for f in (lib.zeros, lib.tensor, lib.is_tensor):
            assert f in ignored
        assert lib.add not in ignored and lib.add in overridable[lib]
        assert lib.nn.functional.relu in overridable[lib.nn.functional]
        assert lib.Tensor.add in overridable[lib.Tensor]
        assert o.resolve_name(lib.Tensor.add) == f"{lib.__name__}.Tensor.add"
        assert o.resolve_name(lib.zeros) == f"{lib.__name__}.zeros"
    assert overrides.get_testing_overrides() == {}


@needs_torch
def test_ignored_tensor_attributes_as_pytorch():
    # the Tensor attributes PyTorch's list names (as_subclass, new_zeros, stride...)
    def listed(lib, o):
        ignored = o.get_ignored_functions()
        return {n for n in ("as_subclass", "new_zeros", "new_tensor", "stride", "unflatten",
                            "__iter__", "__hash__", "add", "view", "sum", "size")
                if getattr(lib.Tensor, n) in ignored}
    assert listed(ember, overrides) == listed(torch, torch.overrides)
