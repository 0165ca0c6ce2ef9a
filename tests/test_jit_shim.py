"""ember.jit: TorchScript's eager face, checked against PyTorch with the JIT on
(markers, annotate, isinstance) and against its PYTORCH_JIT=0 behaviour
(script and trace give their input back)."""
from typing import Dict, List, Optional, Tuple

import pytest

import ember
from ember import jit, nn

try:
    import torch
except ImportError:  # the comparisons skip; the rest runs without PyTorch
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="compares with PyTorch")
MODS = jit._markers.FunctionModifiers


@needs_torch
def test_is_scripting_and_tracing_are_false():
    assert jit.is_scripting() is False and jit.is_tracing() is False
    assert torch.jit.is_scripting() is False and torch.jit.is_tracing() is False


@needs_torch
@pytest.mark.parametrize("name", ["export", "unused", "ignore", "_drop"])
def test_markers_return_the_function_with_pytorch_modifier(name):
    def f(x):
        return x + 1

    def g(x):
        return x + 1
    assert getattr(jit._markers, name)(f) is f
    getattr(torch._jit_internal, name)(g)
    assert f._torchscript_modifier == g._torchscript_modifier
    assert f(1) == 2


def test_ignore_arguments():
    def f():
        return 1
    with pytest.warns(FutureWarning, match=r"ignore\(True\) has been deprecated"):
        assert jit.ignore(True)(f) is f
    assert f._torchscript_modifier == MODS.UNUSED
    assert jit.ignore(False)(f)._torchscript_modifier == MODS.IGNORE
    with pytest.raises(RuntimeError, match="must be a bool or a function but got 3"):
        jit.ignore(3)


def test_unused_on_a_property_marks_getter_and_setter():
    prop = property(lambda self: 1, lambda self, v: None)
    assert jit.unused(prop) is prop
    assert prop.fget._torchscript_modifier == MODS.UNUSED
    assert prop.fset._torchscript_modifier == MODS.UNUSED


@needs_torch
def test_annotate_attribute_final_overloads():
    d = {}
    assert jit.annotate(Dict[str, int], d) is d
    assert jit.Attribute(0.5, float) == 0.5
    assert jit.Final is torch.jit.Final
    f = lambda x: x  # noqa: E731
    assert jit._overload_method(f) is f and jit._overload(f) is f


@needs_torch
@pytest.mark.parametrize("obj,kind", [
    ([1, 2], List[int]), ([1, "a"], List[int]), ({"a": [1]}, Dict[str, List[int]]),
    ({"a": 1.0}, Dict[str, int]), (None, Optional[List[int]]), ([1], Optional[List[int]]),
    ((1, "a"), Tuple[int, str]), ((1, 2), Tuple[int]), (3, (str, int)), (3, float),
])
def test_isinstance_matches_pytorch(obj, kind):
    assert jit.isinstance(obj, kind) is torch.jit.isinstance(obj, kind)


@needs_torch
@pytest.mark.parametrize("kind", [List, dict, Tuple, Optional])
def test_isinstance_bare_container_errors_match_pytorch(kind):
    with pytest.raises(RuntimeError) as theirs:
        torch.jit.isinstance([1], kind)
    with pytest.raises(RuntimeError, match=str(theirs.value).replace("[", r"\[")):
        jit.isinstance([1], kind)


def test_isinstance_empty_container_warns_like_pytorch():
    with pytest.warns(UserWarning, match="inner type of a container is lost"):
        assert jit.isinstance([], List[int])
    with pytest.raises(RuntimeError, match="must be a type or a tuple of types"):
        jit.isinstance(1, [int])


@needs_torch
def test_script_and_trace_return_their_input_with_the_deprecation_warning():
    m = nn.Linear(2, 3)
    with pytest.warns(DeprecationWarning, match="`torch.jit.script` is deprecated"):
        assert jit.script(m) is m
    f = lambda x: x * 2  # noqa: E731
    with pytest.warns(DeprecationWarning, match="`torch.jit.trace` is deprecated"):
        assert jit.trace(f, (ember.ones(2),)) is f
    with pytest.warns(DeprecationWarning, match="`torch.jit.trace_method` is deprecated"):
        assert jit.trace_module(m, {"forward": ember.ones(2)}) is m
    assert jit.script_if_tracing(f) is f


@needs_torch
def test_freeze_needs_a_module_in_eval_mode():
    m = nn.Linear(2, 2)
    with pytest.warns(DeprecationWarning), pytest.raises(RuntimeError, match="eval mode"):
        jit.freeze(m)
    with pytest.warns(DeprecationWarning, match="`torch.jit.freeze` is deprecated"):
        assert jit.freeze(m.eval()) is m
    with pytest.warns(DeprecationWarning), pytest.raises(RuntimeError, match="expects a Script"):
        jit.freeze(lambda x: x)
    m.train()
    with pytest.warns(DeprecationWarning, match="optimize_for_inference` is deprecated"):
        assert jit.optimize_for_inference(m) is m
    assert not m.training


def test_no_torchscript_archives_or_objects():
    with pytest.raises(NotImplementedError, match="Ember has no TorchScript"):
        jit.save(nn.Linear(1, 1), "x.pt")
    with pytest.raises(NotImplementedError, match="Ember has no TorchScript"):
        jit.load("x.pt")
    with pytest.raises(NotImplementedError, match="ScriptModule cannot be created"):
        jit.ScriptModule()
    assert not isinstance(nn.Linear(1, 1), jit.ScriptModule)
    assert not isinstance(len, jit.ScriptFunction)


def test_fork_wait_and_fusion_settings():
    with pytest.warns(DeprecationWarning, match="`torch.jit.fork` is deprecated"):
        fut = jit.fork(lambda a, b: a + b, 2, b=3)
    with pytest.warns(DeprecationWarning, match="`torch.jit.wait` is deprecated"):
        assert jit.wait(fut) == 5 and fut.done()
    with pytest.warns(DeprecationWarning, match="`torch.jit.set_fusion_strategy` is deprecated"):
        assert jit.set_fusion_strategy([("STATIC", 3)]) == [("STATIC", 2), ("DYNAMIC", 10)]
        assert jit.set_fusion_strategy([("STATIC", 2), ("DYNAMIC", 10)]) == [("STATIC", 3)]
        with pytest.raises(ValueError, match="only supported 'STATIC' or 'DYNAMIC', got: FOO"):
            jit.set_fusion_strategy([("FOO", 2)])
        with pytest.raises(TypeError, match="incompatible function arguments"):
            jit.set_fusion_strategy("x")
    with jit.optimized_execution(False), jit.fuser("fuser0"), jit.strict_fusion():
        pass


@needs_torch
def test_interface_and_all():
    class I:
        pass
    assert jit.interface(I) is I
    with pytest.raises(RuntimeError, match="interface must be applied to a class"):
        jit.interface(lambda: 1)
    assert set(jit.__all__) == set(torch.jit.__all__)


def _deprecation(lib, call):
    """The first torch.jit warning `call(lib)` gives: its text, and whether it
    is attributed to this file (where default filters would show it)."""
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call(lib)
    # (a real trace in PyTorch warns again from deeper inside)
    w = next(w for w in caught if str(w.message).startswith("`torch.jit."))
    return str(w.message), w.filename == __file__


@needs_torch
@pytest.mark.parametrize("call", [
    lambda lib: lib.jit.trace(lambda x: x * 2, (lib.ones(2),)),
    lambda lib: lib.jit.trace_module(lib.nn.Linear(2, 1), {"forward": lib.ones(2)}),
    lambda lib: lib.jit.wait(lib.jit.fork(len, [1])),
    lambda lib: lib.jit.set_fusion_strategy([("STATIC", 2), ("DYNAMIC", 10)]),
], ids=["trace", "trace_module", "fork", "set_fusion_strategy"])
def test_deprecation_warnings_read_and_point_as_pytorch(call):
    # PyTorch warns from inside torch.jit, so a script run with Python's
    # default filters does not see the DeprecationWarning; nor may Ember's.
    got, want = _deprecation(ember, call), _deprecation(torch, call)
    assert got == want and want[1] is False


@needs_torch
def test_freeze_deprecation_reads_as_pytorch():
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(RuntimeError):
            torch.jit.freeze(torch.nn.Linear(1, 1).eval())
        jit.freeze(nn.Linear(1, 1).eval())
        with pytest.raises(RuntimeError):
            torch.jit.optimize_for_inference(torch.nn.Linear(1, 1))
        jit.optimize_for_inference(nn.Linear(1, 1))
    texts = [(str(w.message), w.filename == __file__) for w in caught]
    assert texts[0] == texts[1] == ("`torch.jit.freeze` is deprecated. Please use "
                                    "`torch.compile` instead.", False)
    assert texts[2] == texts[3] == ("`torch.jit.optimize_for_inference` is deprecated. "
                                    "Please use `torch.compile` instead.", False)


@needs_torch
def test_jit_autocast_switch_as_pytorch():
    # torch._C._jit_set_autocast_mode: the previous state back; pybind11's
    # bool conversion (None is False, a number converts, a str is refused)
    def run(lib):
        f = lib._C._jit_set_autocast_mode
        seen = [f(v) for v in (False, True, 0, None, 1.5, lib.tensor(False), True)]
        for bad_args, bad_kwargs in (((), {}), (("x",), {}), (([],), {}), ((True, 1), {}),
                                     ((), {"enabled": True}), ((True,), {"x": 1})):
            with pytest.raises(TypeError) as info:
                f(*bad_args, **bad_kwargs)
            seen.append(str(info.value))
        return seen
    assert run(ember) == run(torch)
    assert ember._C._get_tracing_state() is None is torch._C._get_tracing_state()
    with pytest.raises(AttributeError):
        ember._C._not_a_binding
