"""functorch.make_functional(_with_buffers) and combine_state_for_ensemble:
a module made a function of its parameters (and buffers).

The model is deep-copied and the copy's tensors taken out (meta tensors left
in their slots), so the returned function runs the copy with whatever
tensors it is given; the tensors taken out are returned, one per distinct
tensor (a tied parameter appears once and fills all its slots)."""
import copy

from .. import nn
from .._creation import empty_like
from ..nn.utils._named_member_accessor import NamedMemberAccessor

__all__ = ["make_functional", "make_functional_with_buffers", "combine_state_for_ensemble",
           "FunctionalModule", "FunctionalModuleWithBuffers"]


def _extract(module, named, make):
    """Take the tensors `named` lists out of `module`: (tensors, names,
    {first name: every name it fills})."""
    slots = {}
    for name, t in named(remove_duplicate=False):
        slots.setdefault(t, []).append(name)
    accessor, empties = NamedMemberAccessor(module), {}
    for t, names in slots.items():
        empties[t] = make(empty_like(t, device="meta"))
        for name in names:
            accessor.swap_tensor(name, empties[t])
    names_map = {names[0]: names for names in slots.values()}
    return tuple(slots), tuple(names_map), names_map


def _swap(module, names_map, tensors):
    """Put `tensors` in the slots of `names_map` (in order); the old ones out."""
    accessor, old = NamedMemberAccessor(module), []
    for names, t in zip(names_map.values(), tensors):
        old.append(accessor.swap_tensor(names[0], t))
        for name in names[1:]:
            accessor.swap_tensor(name, t)
    return old


def _stateless_copy(model, disable_autograd_tracking, buffers):
    model_copy = copy.deepcopy(model)
    params, param_names, names_map = _extract(model_copy, model_copy.named_parameters,
                                              nn.Parameter)
    taken = _extract(model_copy, model_copy.named_buffers, lambda t: t) if buffers else None
    if disable_autograd_tracking:
        for p in params:
            p.requires_grad_(False)
    return model_copy, params, param_names, names_map, taken


class FunctionalModule(nn.Module):
    """The function make_functional returns: func(params, *args, **kwargs)."""

    def __init__(self, stateless_model, param_names, names_map):
        super().__init__()
        self.stateless_model = stateless_model
        self.param_names = param_names
        self.names_map = names_map

    def forward(self, params, *args, **kwargs):
        old = _swap(self.stateless_model, self.names_map, params)
        try:
            return self.stateless_model(*args, **kwargs)
        finally:
            _swap(self.stateless_model, self.names_map, old)


class FunctionalModuleWithBuffers(nn.Module):
    """The function make_functional_with_buffers returns:
    func(params, buffers, *args, **kwargs)."""

    def __init__(self, stateless_model, param_names, buffer_names, param_names_map,
                 buffer_names_map):
        super().__init__()
        self.stateless_model = stateless_model
        self.param_names = param_names
        self.buffer_names = buffer_names
        self.all_names_map = {**param_names_map, **buffer_names_map}

    def forward(self, params, buffers, *args, **kwargs):
        old = _swap(self.stateless_model, self.all_names_map, tuple(params) + tuple(buffers))
        try:
            return self.stateless_model(*args, **kwargs)
        finally:
            _swap(self.stateless_model, self.all_names_map, old)


def make_functional(model, disable_autograd_tracking=False):
    """(func, params): func(params, *args) runs a copy of `model` with `params`."""
    if len(list(model.buffers())) > 0:
        raise RuntimeError("make_functional(model): `model` has buffers. Please use "
                           "make_functional_with_buffers(model) instead.")
    model_copy, params, names, names_map, _ = _stateless_copy(
        model, disable_autograd_tracking, buffers=False)
    return FunctionalModule(model_copy, names, names_map), params


def make_functional_with_buffers(model, disable_autograd_tracking=False):
    """(func, params, buffers): func(params, buffers, *args) runs a copy of `model`."""
    model_copy, params, names, names_map, (buffers, buffer_names, buffer_map) = \
        _stateless_copy(model, disable_autograd_tracking, buffers=True)
    return (FunctionalModuleWithBuffers(model_copy, names, buffer_names, names_map,
                                        buffer_map), params, buffers)


def combine_state_for_ensemble(models):
    """(func, params, buffers) for vmap over an ensemble of models of one
    class: each parameter and buffer stacked over the models, detached."""
    from .. import stack
    if len(models) == 0:
        raise RuntimeError("combine_state_for_ensemble: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or all(not m.training for m in models)):
        raise RuntimeError("combine_state_for_ensemble: Expected all models to "
                           "have the same training/eval mode.")
    if not all(type(m) is type(models[0]) for m in models):
        raise RuntimeError(
            "combine_state_for_ensemble: Expected all models to be of the same class.")
    funcs, params, buffers = zip(*[make_functional_with_buffers(m) for m in models])
    stacked = [tuple(stack(shards).detach() for shards in zip(*state))
               for state in (params, buffers)]
    return funcs[0], stacked[0], stacked[1]
