"""torch.nn.utils.prune: masking a module's parameter in place.

Pruning `name` of a module moves the parameter to `<name>_orig`, keeps the
mask as the buffer `<name>_mask`, and sets the plain attribute `<name>` to
`mask * orig`; the pruning method itself is the module's forward pre-hook, so
`<name>` is recomputed from the (trained) `<name>_orig` before every call.
Pruning the same tensor again gathers the methods into a PruningContainer,
whose newest method only sees the entries (or, structured, the channels) the
previous masks kept. The random methods draw from Ember's generator exactly
as PyTorch's do from its own (rand_like + topk, rand + kthvalue), and topk's
choice among tied values is PyTorch's (ops/_topk_ties.py), so the same seed and
weights give the same mask.
"""
import numbers
from abc import ABC, abstractmethod
from collections.abc import Iterable

import ember
from ..._public_name import PublicRepr
from ...ops._topk_ties import topk_set

__all__ = ["BasePruningMethod", "PruningContainer", "Identity", "RandomUnstructured",
           "L1Unstructured", "RandomStructured", "LnStructured", "CustomFromMask", "identity",
           "random_unstructured", "l1_unstructured", "random_structured", "ln_structured",
           "global_unstructured", "custom_from_mask", "remove", "is_pruned"]


def _pruning_hooks(module, name):
    """(key, method) of the module's pre-hooks that prune `name`."""
    return [(k, h) for k, h in module._forward_pre_hooks.items()
            if isinstance(h, BasePruningMethod) and h._tensor_name == name]


def _checked_scores(scores, like, what):
    if scores is None:
        return like
    if scores.shape != like.shape:
        raise AssertionError(f"importance_scores should have the same shape as {what}, got "
                             f"{scores.shape} vs {like.shape}")
    return scores


class BasePruningMethod(PublicRepr, ABC):
    """A way of computing a mask, and the forward pre-hook that applies it."""

    _tensor_name: str

    def __call__(self, module, inputs):
        # (a forward pre-hook: the pruned tensor from the current original)
        setattr(module, self._tensor_name, self.apply_mask(module))

    @abstractmethod
    def compute_mask(self, t, default_mask):
        """The mask for `t`, given the mask it already has."""

    def apply_mask(self, module):
        """`<name>_mask * <name>_orig` of `module` (in the original's dtype)."""
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned")
        name = self._tensor_name
        orig = getattr(module, name + "_orig")
        return getattr(module, name + "_mask").to(dtype=orig.dtype) * orig

    @classmethod
    def apply(cls, module, name, *args, importance_scores=None, **kwargs):
        """Prune `name` of `module` with cls(*args, **kwargs), on the fly:
        reparametrises on first use, chains into a container afterwards."""
        found = _pruning_hooks(module, name)
        if len(found) > 1:
            raise AssertionError(f"Avoid adding multiple pruning hooks to the same tensor "
                                 f"{name} of module {module}. Use a PruningContainer.")
        for key, _ in found:
            del module._forward_pre_hooks[key]
        method = cls(*args, **kwargs)
        method._tensor_name = name
        if found:
            previous = found[0][1]
            if not isinstance(previous, PruningContainer):
                previous = PruningContainer(previous)
            previous.add_pruning_method(method)
            method = previous

        orig = getattr(module, name)
        scores = _checked_scores(importance_scores, orig, f"parameter {name} of {module}")
        first = not isinstance(method, PruningContainer)
        if first:
            module.register_parameter(name + "_orig", orig)
            del module._parameters[name]
            default_mask = ember.ones_like(orig)
        else:
            default_mask = getattr(module, name + "_mask").detach().clone(
                memory_format=ember.contiguous_format)
        try:
            module.register_buffer(name + "_mask",
                                   method.compute_mask(scores, default_mask=default_mask))
            setattr(module, name, method.apply_mask(module))
            module.register_forward_pre_hook(method)
        except Exception:
            if first:       # (undo the reparametrisation; a container keeps its state)
                module.register_parameter(name, getattr(module, name + "_orig"))
                del module._parameters[name + "_orig"]
            raise
        return method

    def prune(self, t, default_mask=None, importance_scores=None):
        """`t` times this method's mask for it (no module involved)."""
        scores = _checked_scores(importance_scores, t, "tensor t")
        if default_mask is None:
            default_mask = ember.ones_like(t)
        return t * self.compute_mask(scores, default_mask=default_mask)

    def remove(self, module):
        """Make the pruning permanent: `<name>` becomes a parameter again,
        holding the pruned values; `_orig`, `_mask` (and the hook) go."""
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned before pruning can be "
                                 "removed")
        name = self._tensor_name
        pruned = self.apply_mask(module)
        if hasattr(module, name):
            delattr(module, name)
        param = module._parameters[name + "_orig"]
        param.data = pruned.data
        del module._parameters[name + "_orig"]
        del module._buffers[name + "_mask"]
        setattr(module, name, param)


class PruningContainer(BasePruningMethod):
    """The pruning methods applied to one tensor in turn: each new one works
    on what the masks before it left."""

    def __init__(self, *args):
        self._pruning_methods = ()
        if len(args) == 1:
            self._tensor_name = args[0]._tensor_name
        for method in args:
            self.add_pruning_method(method)

    def add_pruning_method(self, method):
        """Append `method`, which must prune the same tensor."""
        if method is not None and not isinstance(method, BasePruningMethod):
            raise TypeError(f"{type(method)} is not a BasePruningMethod subclass")
        if method is not None and self._tensor_name != method._tensor_name:
            raise ValueError("Can only add pruning methods acting on the parameter named "
                             f"'{self._tensor_name}' to PruningContainer {self}. Found "
                             f"'{method._tensor_name}'")
        self._pruning_methods += (method,)

    def __len__(self):
        return len(self._pruning_methods)

    def __iter__(self):
        return iter(self._pruning_methods)

    def __getitem__(self, idx):
        return self._pruning_methods[idx]

    def compute_mask(self, t, default_mask):
        """The newest method's mask, computed on the part of `t` that
        `default_mask` still keeps and written into a copy of it."""
        method = self._pruning_methods[-1]
        kind = method.PRUNING_TYPE
        full = [slice(None)] * t.dim()
        if kind == "unstructured":
            where = default_mask == 1
        elif kind == "structured":
            if not hasattr(method, "dim"):
                raise AttributeError('Pruning methods of PRUNING_TYPE "structured" need to '
                                     "have the attribute `dim` defined.")
            dim = method.dim + t.dim() if method.dim < 0 else method.dim
            if dim < 0:
                raise IndexError(f"Index is out of bounds for tensor with dimensions {t.dim()}")
            others = [d for d in range(t.dim()) if d != dim]
            full[dim] = default_mask.sum(dim=others) != 0
            where = tuple(full)
        elif kind == "global":
            where = tuple(full)
        else:
            raise ValueError(f"Unrecognized PRUNING_TYPE {kind}")
        mask = default_mask.to(dtype=t.dtype)
        part = method.compute_mask(t[where], default_mask=default_mask[where])
        mask[where] = part.to(dtype=mask.dtype)
        return mask


class Identity(BasePruningMethod):
    """Prunes nothing (a mask of ones)."""

    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t, default_mask):
        return default_mask

    @classmethod
    def apply(cls, module, name):
        return super().apply(module, name)


def _check_amount(amount):
    if not isinstance(amount, numbers.Real):
        raise TypeError(f"Invalid type for amount: {amount}. Must be int or float.")
    if isinstance(amount, numbers.Integral):
        bad = amount < 0
    else:
        bad = not 0.0 <= float(amount) <= 1.0
    if bad:
        raise ValueError(f"amount={amount} should either be a float in the range [0, 1] or a "
                         "non-negative integer")


def _how_many(amount, size):
    """The number of entries (channels) to prune: an int as given, a
    fraction rounded half to even; checked against `size`."""
    if isinstance(amount, numbers.Integral):
        if amount > size:
            raise ValueError(f"amount={amount} should be smaller than the number of "
                             f"parameters to prune={size}")
        return amount
    return round(amount * size)


def _structured_size(t, dim):
    if t.dim() <= 1:
        raise ValueError("Structured pruning can only be applied to multidimensional tensors. "
                         f"Found tensor of shape {t.shape} with {t.dim()} dims")
    if dim >= t.dim():
        raise IndexError(f"Invalid index {dim} for tensor of size {t.shape}")
    return t.shape[dim]


def _topk(values, k, largest):
    """torch.topk(values, k, largest=largest).indices, as a set."""
    picked = topk_set(values.detach().cpu().numpy(), k, largest)
    return ember.from_numpy(picked).to(values.device)


def _channels(t, dim, keep):
    """Zeros like `t`, with ones on the channels `keep` selects along `dim`."""
    mask = ember.zeros_like(t)
    index = [slice(None)] * t.dim()
    index[dim] = keep
    mask[tuple(index)] = 1
    return mask


class _AmountMethod(BasePruningMethod):
    def __init__(self, amount):
        _check_amount(amount)
        self.amount = amount


class _Unstructured(_AmountMethod):
    """Prunes the entries `_drop` picks among those the mask still keeps."""

    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t, default_mask):
        k = _how_many(self.amount, t.nelement())
        mask = default_mask.clone(memory_format=ember.contiguous_format)
        if k != 0:
            mask.view(-1)[self._drop(t, k)] = 0
        return mask


class RandomUnstructured(_Unstructured):
    """Prunes `amount` entries at random."""

    def _drop(self, t, k):
        return _topk(ember.rand_like(t).view(-1), k, True)

    @classmethod
    def apply(cls, module, name, amount):
        return super().apply(module, name, amount=amount)


class L1Unstructured(_Unstructured):
    """Prunes the `amount` entries of least absolute value."""

    def _drop(self, t, k):
        return _topk(ember.abs(t).view(-1), k, False)

    @classmethod
    def apply(cls, module, name, amount, importance_scores=None):
        return super().apply(module, name, amount=amount, importance_scores=importance_scores)


class _Structured(_AmountMethod):
    """Prunes whole channels along `dim`, those `_kept` does not keep."""

    PRUNING_TYPE = "structured"

    def compute_mask(self, t, default_mask):
        size = _structured_size(t, self.dim)
        k = _how_many(self.amount, size)
        keep = self._kept(t, size, k)
        if k == 0:
            return default_mask
        mask = _channels(t, self.dim, keep)
        mask *= default_mask.to(dtype=mask.dtype)
        return mask


class RandomStructured(_Structured):
    """Prunes `amount` channels along `dim` at random."""

    def __init__(self, amount, dim=-1):
        super().__init__(amount)
        self.dim = dim

    def _kept(self, t, size, k):
        if k == 0:          # (nothing drawn: the generator is left as it was)
            return None
        scores = ember.rand(size)
        return scores > ember.kthvalue(scores, k=k).values

    @classmethod
    def apply(cls, module, name, amount, dim=-1):
        return super().apply(module, name, amount=amount, dim=dim)


class LnStructured(_Structured):
    """Prunes the `amount` channels along `dim` of least L`n` norm."""

    def __init__(self, amount, n, dim=-1):
        super().__init__(amount)
        self.n = n
        self.dim = dim

    def _kept(self, t, size, k):
        dims = list(range(t.dim()))
        dims.remove(dims[self.dim] if self.dim < 0 else self.dim)
        norms = ember.norm(t, p=self.n, dim=dims)
        return _topk(norms, size - k, True)

    @classmethod
    def apply(cls, module, name, amount, n, dim, importance_scores=None):
        return super().apply(module, name, amount=amount, n=n, dim=dim,
                             importance_scores=importance_scores)


class CustomFromMask(BasePruningMethod):
    """Prunes where a given mask is 0."""

    PRUNING_TYPE = "global"

    def __init__(self, mask):
        self.mask = mask

    def compute_mask(self, t, default_mask):
        if default_mask.shape != self.mask.shape:
            raise AssertionError(f"default_mask shape {default_mask.shape} must match "
                                 f"self.mask shape {self.mask.shape}")
        return default_mask * self.mask.to(dtype=default_mask.dtype)

    @classmethod
    def apply(cls, module, name, mask):
        return super().apply(module, name, mask=mask)


def identity(module, name):
    """Reparametrise `name` of `module` with a mask of ones."""
    Identity.apply(module, name)
    return module


def random_unstructured(module, name, amount):
    """Prune `amount` (a count or a fraction) random entries of `name`."""
    RandomUnstructured.apply(module, name, amount)
    return module


def l1_unstructured(module, name, amount, importance_scores=None):
    """Prune the `amount` entries of `name` of least |importance_scores|."""
    L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def random_structured(module, name, amount, dim):
    """Prune `amount` random channels of `name` along `dim`."""
    RandomStructured.apply(module, name, amount, dim)
    return module


def ln_structured(module, name, amount, n, dim, importance_scores=None):
    """Prune the `amount` channels of `name` along `dim` of least L`n` norm."""
    LnStructured.apply(module, name, amount, n, dim, importance_scores=importance_scores)
    return module


def custom_from_mask(module, name, mask):
    """Prune `name` of `module` where `mask` is 0."""
    CustomFromMask.apply(module, name, mask)
    return module


def global_unstructured(parameters, pruning_method, importance_scores=None, **kwargs):
    """Prune the (module, name) pairs in `parameters` as one flat tensor with
    pruning_method(**kwargs), then give each its part of the mask."""
    if not isinstance(parameters, Iterable):
        raise TypeError("global_unstructured(): parameters is not an Iterable")
    if importance_scores is None:
        importance_scores = {}
    if not isinstance(importance_scores, dict):
        raise TypeError("global_unstructured(): importance_scores must be of type dict")
    flat = ember.nn.utils.parameters_to_vector
    scores = flat([importance_scores.get((m, n), getattr(m, n)) for m, n in parameters])
    masks = flat([getattr(m, n + "_mask", ember.ones_like(getattr(m, n)))
                  for m, n in parameters])
    container = PruningContainer()
    container._tensor_name = "temp"
    method = pruning_method(**kwargs)
    method._tensor_name = "temp"
    if method.PRUNING_TYPE != "unstructured":
        raise TypeError('Only "unstructured" PRUNING_TYPE supported for the `pruning_method`. '
                        f"Found method {pruning_method} of type {method.PRUNING_TYPE}")
    container.add_pruning_method(method)
    mask = container.compute_mask(scores, masks)
    start = 0
    for module, name in parameters:
        param = getattr(module, name)
        custom_from_mask(module, name, mask=mask[start:start + param.numel()].view_as(param))
        start += param.numel()


def remove(module, name):
    """Make the pruning of `name` permanent and drop its hook."""
    for key, hook in _pruning_hooks(module, name)[:1]:
        hook.remove(module)
        del module._forward_pre_hooks[key]
        return module
    raise ValueError(f"Parameter '{name}' of module {module} has to be pruned before pruning "
                     "can be removed")


def is_pruned(module):
    """Whether `module` or any module inside it has a pruning hook."""
    return any(isinstance(hook, BasePruningMethod) for _, sub in module.named_modules()
               for hook in sub._forward_pre_hooks.values())
