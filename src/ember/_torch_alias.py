"""`torch` as another name for Ember, for running PyTorch scripts unchanged.

    import ember
    ember.use_as_torch()
    from torch import nn                  # ember.nn itself
    import torch.nn.functional as F       # ember.nn.functional itself

`import ember as torch` renames one name; `from torch.utils.data import
DataLoader` still looks for a package called torch. use_as_torch() makes every
`torch` and `torch.X.Y` import give Ember's module of the same dotted name:

* sys.modules['torch'] = ember, and each ember.* module already imported is
  entered as torch.*, so most imports are plain sys.modules hits;
* a finder at the front of sys.meta_path answers the rest (an Ember module
  not imported yet, or a name Ember doesn't have), before the path finders
  could find the real PyTorch, or load an Ember file a second time as a copy.

The aliases are the modules themselves, not copies: `torch.nn is ember.nn`,
so classes, isinstance checks and module state are shared.

_undo_use_as_torch() takes it all back (for tests).
"""
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys

from . import _public_name

__all__ = ["use_as_torch"]

_ALIAS = "torch"
_TARGET = "ember"


def _target_name(fullname):
    """'torch.nn.functional' -> 'ember.nn.functional'; None for names that
    aren't torch's ('torchvision' isn't 'torch.vision')."""
    if fullname == _ALIAS or fullname.startswith(_ALIAS + "."):
        return _TARGET + fullname[len(_ALIAS):]
    return None


def _alias_name(ember_name):
    """'ember.nn' -> 'torch.nn'; None for names outside Ember."""
    if ember_name == _TARGET or ember_name.startswith(_TARGET + "."):
        return _ALIAS + ember_name[len(_TARGET):]
    return None


def _not_found(fullname):
    # The name the user wrote, not Ember's: the message is about their import.
    return ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)


class _TorchAliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds torch.X as ember.X and loads it as the ember.X module object."""

    def find_spec(self, fullname, path=None, target=None):
        ember_name = _target_name(fullname)
        if ember_name is None:
            return None
        module = sys.modules.get(ember_name)
        if module is not None:
            ember_spec = getattr(module, "__spec__", None)
        else:
            # Only look, don't import: the import system holds its global lock
            # while finders run; the import proper happens in create_module,
            # under this module's own lock, like any other import.
            try:
                ember_spec = importlib.util.find_spec(ember_name)
            except ModuleNotFoundError as exc:
                if _alias_name(exc.name or "") is None:
                    raise  # something outside Ember is missing: say that
                raise _not_found(fullname) from None
            if ember_spec is None:
                # Raised, not None: the path finders after us would search
                # ember's __path__ and load ember/X.py again, as a copy.
                raise _not_found(fullname)
        locations = getattr(ember_spec, "submodule_search_locations", None)
        spec = importlib.machinery.ModuleSpec(
            fullname, self, origin=getattr(ember_spec, "origin", None),
            is_package=locations is not None)
        if locations is not None:
            spec.submodule_search_locations = list(locations)
        spec.loader_state = {"ember_name": ember_name, "ember_spec": None}
        return spec

    def create_module(self, spec):
        module = importlib.import_module(spec.loader_state["ember_name"])
        spec.loader_state["ember_spec"] = getattr(module, "__spec__", None)
        # What that import brought in is torch.* at once: a later import of one of
        # them is then a sys.modules hit, which leaves its parent's attributes
        # alone (a first load would set torch.multiprocessing.spawn, the function,
        # to the module of the same name).
        _alias_imported()
        return module

    def exec_module(self, module):
        # Nothing to run: the module already ran as ember.X. But module_from_spec
        # set its __spec__ (unconditionally) to the torch.X spec; give ember.X
        # its own back, or importlib.reload() and runpy would take it for a
        # module named torch.X.
        own = module.__spec__.loader_state["ember_spec"]
        if own is not None:
            module.__spec__ = own


def _installed_finders():
    return [f for f in sys.meta_path if isinstance(f, _TorchAliasFinder)]


def _ember_module():
    return sys.modules[_TARGET]


def use_as_torch():
    """Make `import torch` (and torch.nn, torch.optim, torch.utils.data, ...)
    give Ember in this process, for scripts written against PyTorch.

    `torch.X` is Ember's module `ember.X` itself. A torch.X that Ember lacks
    raises ModuleNotFoundError("No module named 'torch.X'"). Calling it again
    changes nothing. Raises RuntimeError if the real PyTorch is already
    imported: modules that hold references to it can't be redirected, so call
    this before anything imports torch.
    """
    ember = _ember_module()
    current = sys.modules.get(_ALIAS)
    if current is not None and current is not ember:
        where = getattr(current, "__file__", None) or repr(current)
        raise RuntimeError(
            "use_as_torch(): the real PyTorch is already imported in this process "
            f"({where}), so 'torch' cannot be made to mean Ember. Call "
            "ember.use_as_torch() before anything imports torch (in a notebook, "
            "restart the kernel and call it first).")
    if current is ember and _installed_finders():
        return
    # the program calls us torch now: reprs say torch.Size, torch.float32
    _public_name.set_name("torch")
    if not _installed_finders():
        sys.meta_path.insert(0, _TorchAliasFinder())
    _spawned_children_follow()
    _alias_imported()


def _alias_imported():
    for name, module in list(sys.modules.items()):
        alias = _alias_name(name)
        if alias is not None and module is not None:
            sys.modules.setdefault(alias, module)


class _UseAsTorchWhenUnpickled:
    """Unpickled, calls use_as_torch(): sent to spawned processes first."""

    def __reduce__(self):
        return use_as_torch, ()


def _spawned_children_follow():
    """A process that multiprocessing starts with "spawn" (torch.multiprocessing.spawn,
    DataLoader workers under that context) runs the program's main module
    again, whose `import torch` would find the real PyTorch there. Multiprocessing
    unpickles its preparation data in the child before re-running main, so an
    entry that calls use_as_torch() when unpickled makes the child follow."""
    import functools
    import multiprocessing.spawn as mp_spawn
    original = mp_spawn.get_preparation_data
    if hasattr(original, "__wrapped__"):
        return

    @functools.wraps(original)
    def get_preparation_data(name):
        data = original(name)
        data["ember_use_as_torch"] = _UseAsTorchWhenUnpickled()
        return data

    mp_spawn.get_preparation_data = get_preparation_data


def _undo_use_as_torch():
    """Take back use_as_torch(): remove the finder and every torch / torch.*
    entry of sys.modules that names an Ember module (whether use_as_torch
    entered it or the finder loaded it). Ember's own modules stay imported.
    For tests; modules that already did `import torch` keep their reference."""
    for finder in _installed_finders():
        sys.meta_path.remove(finder)
    _public_name.set_name("ember")
    import multiprocessing.spawn as mp_spawn
    mp_spawn.get_preparation_data = getattr(mp_spawn.get_preparation_data, "__wrapped__",
                                            mp_spawn.get_preparation_data)
    for name, module in list(sys.modules.items()):
        ember_name = _target_name(name)
        if ember_name is not None and getattr(module, "__name__", None) == ember_name:
            del sys.modules[name]
