"""ember.compiler and ember._dynamo: PyTorch's eager semantics (nothing is
ever compiling; decorators leave functions runnable), checked beside PyTorch."""
import pytest

import ember
from ember import compiler, _dynamo

try:
    import torch
except ImportError:  # the comparisons skip; the rest runs without PyTorch
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="compares with PyTorch")


def f(x):
    return x + 1


@needs_torch
def test_nothing_is_compiling():
    for mine, theirs in ((compiler.is_compiling, torch.compiler.is_compiling),
                         (compiler.is_dynamo_compiling, torch.compiler.is_dynamo_compiling),
                         (compiler.is_exporting, torch.compiler.is_exporting),
                         (_dynamo.is_compiling, torch._dynamo.is_compiling)):
        assert mine() is theirs() is False


@pytest.mark.parametrize("decorate", [
    lambda fn: compiler.disable(fn), lambda fn: compiler.disable()(fn),
    lambda fn: compiler.disable(recursive=False)(fn), lambda fn: compiler.disable(fn, reason="r"),
    lambda fn: _dynamo.disable(fn), compiler.allow_in_graph, compiler.assume_constant_result,
    compiler.nested_compile_region, lambda fn: compiler.nested_compile_region()(fn),
])
def test_decorators_leave_the_function_runnable(decorate):
    assert decorate(f)(ember.tensor(1.0)).item() == 2.0


def test_markers():
    def g():
        return 3
    assert compiler.assume_constant_result(g) is g and g._dynamo_marked_constant
    assert compiler.allow_in_graph([f, g]) == [f, g]
    with pytest.raises(AssertionError, match="allow_in_graph expects a callable"):
        compiler.allow_in_graph(3)
    with pytest.raises(AssertionError, match="fn must be callable"):
        compiler.disable(3)
    with pytest.raises(TypeError, match="substitute_in_graph expects a function"):
        compiler.substitute_in_graph(3)
    assert compiler.substitute_in_graph(f)(lambda x: 0)(1) == 2


@needs_torch
def test_reset_backends_and_default_backend():
    assert compiler.reset() is None and _dynamo.reset() is None
    assert compiler.list_backends() == torch.compiler.list_backends()
    assert compiler.get_default_backend() == torch.compiler.get_default_backend() == "inductor"
    compiler.set_default_backend("eager")
    assert compiler.get_default_backend() == "eager"
    compiler.set_default_backend(None)
    assert compiler.get_default_backend() == "inductor"
    assert compiler.compile is ember.compile


def test_set_stance_as_function_context_and_decorator():
    compiler.set_stance("force_eager")
    assert _dynamo.set_stance._current[0] == "force_eager"
    compiler.set_stance("default")
    with compiler.set_stance("eager_on_recompile"):
        assert _dynamo.set_stance._current[0] == "eager_on_recompile"
    assert _dynamo.set_stance._current[0] == "default"

    @compiler.set_stance("force_eager")
    def h(x):
        return _dynamo.set_stance._current[0], x
    assert _dynamo.set_stance._current[0] == "default"
    assert h(1) == ("force_eager", 1)
    with pytest.raises(RuntimeError, match="non-default stance cannot have force_backend set"):
        compiler.set_stance("force_eager", force_backend="eager")


@needs_torch
def test_wrap_numpy_converts_tensors_like_pytorch():
    def g(a, scale):
        return a * scale, {"s": a.sum()}
    mine = compiler.wrap_numpy(g)(ember.ones(2), 3)
    theirs = torch.compiler.wrap_numpy(g)(torch.ones(2), 3)
    assert isinstance(mine[0], ember.Tensor) and mine[0].tolist() == theirs[0].tolist()
    assert mine[1]["s"].item() == theirs[1]["s"].item() == 2.0
    assert mine[0].dtype == ember.float32 and theirs[0].dtype == torch.float32


@needs_torch
def test_dynamo_config_is_small_but_readable():
    assert _dynamo.config.recompile_limit == torch._dynamo.config.recompile_limit
    assert _dynamo.config.suppress_errors is torch._dynamo.config.suppress_errors


def _compiled_module_seen(T, **compile_kwargs):
    """What a script sees of torch.compile(module): its print, type, keys,
    mode and attributes mirrored on the original, the load_state_dict
    mismatch of its `_orig_mod.` keys."""
    import copy
    T.manual_seed(0)
    model = T.nn.Sequential(T.nn.Linear(3, 4), T.nn.ReLU(), T.nn.Linear(4, 2))
    c = T.compile(model, **compile_kwargs)
    seen = [repr(c), type(c).__name__, isinstance(c, T.nn.Module), isinstance(c, T.nn.Sequential),
            c._orig_mod is model, list(c.state_dict()), [n for n, _ in c.named_modules()],
            len(c), len(list(c.parameters())), c.training]
    x = T.ones(2, 3)
    seen.append(T.equal(c(x), model(x)))
    c.eval()
    seen += [model.training, c.training]
    c.foo = 3
    seen += [model.foo, "foo" in c.__dict__, type(copy.deepcopy(c)).__name__]
    try:
        T.nn.Sequential(T.nn.Linear(3, 4), T.nn.ReLU(), T.nn.Linear(4, 2)).load_state_dict(
            c.state_dict())
    except RuntimeError as e:
        seen.append(str(e))
    seen.append(repr(c.load_state_dict(c.state_dict())))
    return seen


@pytest.mark.filterwarnings("ignore:Guards may run slower on Python 3.13.0:RuntimeWarning")
def test_compile_wraps_a_module_as_pytorch_does():
    seen = _compiled_module_seen(ember)
    assert seen[:2] == ["OptimizedModule(\n  (_orig_mod): Sequential(\n    (0): Linear("
                        "in_features=3, out_features=4, bias=True)\n    (1): ReLU()\n    (2): "
                        "Linear(in_features=4, out_features=2, bias=True)\n  )\n)",
                        "OptimizedModule"]
    assert seen[5][0] == "_orig_mod.0.weight"
    if torch is not None:       # (eager backend: PyTorch wraps alike without compiling)
        assert seen == _compiled_module_seen(torch, backend="eager")
    model = ember.nn.Linear(2, 2)
    assert ember.compile(model, disable=True) is model
    assert type(ember.compile(mode="max-autotune")(model)).__name__ == "OptimizedModule"


@needs_torch
def test_a_first_compile_turns_distribution_validation_off_as_pytorchs():
    """torch._dynamo's TorchPatcher.patch runs once, at the first compile
    that is not disabled, and sets the distributions' default validate_args
    to False (a script compiling a model then building a Normal(0, -1) gets
    no error); a disabled compile does not."""
    import subprocess
    import sys
    code = ("import {m} as T\nD = T.distributions.Distribution\nr = [D._validate_args]\n"
            "T.compile(lambda x: x, disable=True); r.append(D._validate_args)\n"
            "T.compile(backend='eager'); r.append(D._validate_args)\n"
            "T.compile(lambda x: x, backend='eager'); r.append(D._validate_args)\n"
            "D.set_default_validate_args(True); T.compile(lambda x: x, backend='eager')\n"
            "r.append(D._validate_args); print(r)")
    out = [subprocess.run([sys.executable, "-c", code.format(m=m)], capture_output=True,
                          text=True, check=True).stdout for m in ("ember", "torch")]
    assert out[0] == out[1] == "[True, True, True, False, True]\n"
