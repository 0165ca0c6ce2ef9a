"""vmap's wrappers of the public ops: installed while a vmap runs, so that
a call with a BatchedTensor among its arguments goes to its batching rule
(_vmap._dispatching); the originals are put back when the outermost vmap
ends. The wrappers are made once, and again when a profiler's wrappers,
or the subclass dispatch's (_subclass_wrappers), have replaced the same
attributes since."""
from .._tensor import Tensor

_installed = [False]    # whether the wrappers of _cache are in place
_wrapped = {}       # op name -> the wrapper (rules call ops through it)
_by_original = {}   # id of an op -> its wrapper (while wrapped)

_cache = []     # (owner, attribute, original, wrapper), made once
_cache_profiled = [False, 0]    # under a profiler's wrappers?; dispatch's swap count then


def _install():
    from ..autograd import _profiler_hooks
    from .. import _subclass_wrappers
    profiled = _profiler_hooks.active
    if not _cache or profiled or _cache_profiled[0] or \
            _cache_profiled[1] != _subclass_wrappers.generation:
        # (a profiler, or dispatch, swaps the same attributes: wrap what is there now)
        _cache[:] = _wrappers()
        _cache_profiled[:] = profiled, _subclass_wrappers.generation
        _modules.clear()
        _by_original.clear()
        for owner, attr, original, w in _cache:
            if not isinstance(original, (staticmethod, classmethod)):
                _by_original[id(original)] = w
            if not isinstance(owner, type):
                _modules.setdefault(owner, ({}, {}))
                _modules[owner][0][attr] = w
                _modules[owner][1][attr] = original
            if owner is not Tensor and not isinstance(owner, type):
                _wrapped.setdefault(attr, w)
    _installed[0] = True
    for owner, (wrappers, _) in _modules.items():
        vars(owner).update(wrappers)
    for owner, attr, original, w in _cache:
        if isinstance(owner, type):
            setattr(owner, attr, w)


_modules = {}   # module -> (its wrappers, its originals), by attribute


def _wrappers():
    from ..autograd import forward_ad
    from ..autograd._profiler_hooks import _DUNDERS, _targets
    from ..optim import Optimizer
    found = []
    from ..autograd.function import Function
    from ._vmap_function import _function_apply
    from ._vmap import _dispatching
    targets = _targets() + [(forward_ad, "make_dual", None), (forward_ad, "unpack_dual", None)]
    found.append((Function, "apply", Function.__dict__["apply"],
                  classmethod(_function_apply(Function.__dict__["apply"].__func__))))
    for owner, attr, _ in targets:
        if isinstance(owner, type) and issubclass(owner, Optimizer):
            continue
        original = owner.__dict__[attr]
        is_static = isinstance(original, staticmethod)
        fn = original.__func__ if is_static else original
        # rules go by the op's name (a module's `_function` is F.relu, ...)
        if owner is Tensor and attr in _DUNDERS:
            name = _DUNDERS[attr]
        elif attr.startswith("__") or not getattr(fn, "__name__", "").isidentifier():
            name = attr
        else:
            name = fn.__name__
        w = _dispatching(fn, name)
        found.append((owner, attr, original, staticmethod(w) if is_static else w))
    return found


def _restore():
    if not _installed[0]:
        return
    _installed[0] = False
    for owner, (_, originals) in _modules.items():
        vars(owner).update(originals)
    for owner, attr, original, _ in reversed(_cache):
        if isinstance(owner, type):
            setattr(owner, attr, original)
