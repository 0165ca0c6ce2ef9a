"""Imports go one way (DESIGN.md, "Layers"): optim never imports nn; ops
imports neither nn nor optim nor names from the package root (only its
modules); utils.hooks sits below everything."""
import ast
import pathlib

import pytest

SRC = pathlib.Path(__file__).parent.parent / "src" / "ember"


def _imports(path):
    """(module the import resolves to, names) for each import in `path`."""
    package = list(path.relative_to(SRC.parent).with_suffix("").parts)[:-1]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            yield module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, []


def _files(sub):
    return sorted((SRC / sub).rglob("*.py")) if (SRC / sub).is_dir() else [SRC / sub]


def _is_module(dotted):
    path = SRC.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


# swa_utils is the one exception: like torch.optim.swa_utils, its AveragedModel is an
# nn.Module and update_bn finds batch-norm modules, so it has to import nn.
@pytest.mark.parametrize("path", [p for p in _files("optim") if p.name != "swa_utils.py"],
                         ids=lambda p: p.name)
def test_optim_does_not_import_nn(path):
    for module, _ in _imports(path):
        assert not module.startswith("ember.nn"), f"{path.name} imports {module}"


@pytest.mark.parametrize("path", _files("ops"), ids=lambda p: p.name)
def test_ops_import_only_lower_layers(path):
    for module, names in _imports(path):
        assert not module.startswith(("ember.nn", "ember.optim")), f"{path.name}: {module}"
        if module == "ember":
            # `from .. import _dtype` names a module; `from .. import tensor` the root.
            for name in names:
                assert _is_module(f"ember.{name}"), f"{path.name} imports ember.{name}"


_ABOVE = ("ember.nn", "ember.optim", "ember.ops", "ember.autograd", "ember._tensor")


def _bottom(path, via=()):
    """`path` reaches none of Ember's layers (nn, optim, ops, autograd, the
    Tensor) through its imports, however deep: only small leaf modules."""
    for module, names in _imports(path):
        if not module.startswith("ember"):
            continue
        targets = [f"{module}.{n}" for n in names if _is_module(f"{module}.{n}")] or [module]
        for target in targets:
            chain = via + (target,)
            assert not target.startswith(_ABOVE), " -> ".join((path.name,) + chain)
            assert len(chain) < 5, " -> ".join((path.name,) + chain)
            _bottom(SRC.parent.joinpath(*target.split(".")).with_suffix(".py"), chain)


def test_hooks_module_is_at_the_bottom():
    _bottom(SRC / "utils" / "hooks.py")


@pytest.mark.parametrize("path", _files("."), ids=lambda p: str(p.relative_to(SRC)))
def test_numpy_comes_from_the_backend_only(path):
    """The array module is imported in one place (ember/_backend.py), so
    another array library with NumPy's API can later be put in there alone."""
    if path.name == "_backend.py":
        return
    for module, _ in _imports(path):
        assert not module.startswith("numpy"), f"{path.relative_to(SRC)} imports {module}"
