"""Side-by-side comparison of Ember with PyTorch (the oracle).

    check(lambda T: T.ones(3) + 2)        # runs with T=ember and T=torch, compares
    check_error(setup, op)                # same exception type and message; nothing changed

Results are compared recursively: tensors by dtype name, shape, values,
requires_grad, is_leaf and grad_fn name (optionally repr); tuples and lists
element by element; Size by type and value; dtypes by name; devices by repr;
Python scalars by type and value. An exception is a result too: Ember must
raise the same type with the same message (torch -> ember).
"""
import math
import warnings

import numpy as np
import pytest

import ember


def _torch():
    return pytest.importorskip("torch")


def run(fn, T):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(T), None
    except Exception as exc:  # noqa: BLE001 - errors are results here
        return None, exc


def msg(exc):
    """An exception's message with PyTorch's name replaced by Ember's."""
    return str(exc).replace("torch.", "ember.").replace("torch", "ember")


def values(t):
    t = t.detach()
    if str(t.dtype).endswith("bfloat16"):     # (torch's numpy() has no bfloat16)
        t = t.float()
    return t.numpy()


def grad_fn_name(t):
    fn = t.grad_fn
    return None if fn is None else type(fn).__name__


def compare(e, t, exact=False, rtol=1e-6, atol=0.0, reprs=False, path="result"):
    torch = _torch()
    if isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), f"{path}: {type(e)} is not an ember.Tensor"
        tname = str(t.dtype).replace("torch.", "")
        assert e.dtype.name == tname, f"{path}: dtype {e.dtype.name} != torch's {tname}"
        assert tuple(e.shape) == tuple(t.shape), f"{path}: shape {tuple(e.shape)} != {tuple(t.shape)}"
        assert e.requires_grad == t.requires_grad, f"{path}: requires_grad"
        assert e.is_leaf == t.is_leaf, f"{path}: is_leaf {e.is_leaf} != {t.is_leaf}"
        assert grad_fn_name(e) == grad_fn_name(t), f"{path}: grad_fn {grad_fn_name(e)} != {grad_fn_name(t)}"
        ev, tv = values(e), values(t)
        if exact or tv.dtype.kind in "biu":
            np.testing.assert_array_equal(ev, tv, err_msg=path, strict=True)
        else:
            assert ev.dtype == tv.dtype, path
            np.testing.assert_allclose(ev, tv, rtol=rtol, atol=atol, equal_nan=True, err_msg=path)
        if reprs:
            assert repr(e) == repr(t).replace("torch.", "ember."), path
    elif isinstance(t, torch.Size):
        assert type(e) is ember.Size, f"{path}: {type(e)} is not ember.Size"
        assert tuple(e) == tuple(t), path
        assert repr(e) == repr(t).replace("torch.", "ember."), path
    elif isinstance(t, torch.dtype):
        assert isinstance(e, ember.dtype), path
        assert repr(e) == repr(t).replace("torch.", "ember."), path
    elif isinstance(t, torch.device):
        assert repr(e) == repr(t) and str(e) == str(t), path
    elif isinstance(t, (tuple, list)):
        assert type(e) is type(t), f"{path}: {type(e).__name__} != {type(t).__name__}"
        assert len(e) == len(t), f"{path}: len {len(e)} != {len(t)}: {e!r} vs {t!r}"[:2000]
        for i, (a, b) in enumerate(zip(e, t)):
            compare(a, b, exact, rtol, atol, reprs, f"{path}[{i}]")
    elif isinstance(t, dict):
        assert e.keys() == t.keys(), path
        for k in t:
            compare(e[k], t[k], exact, rtol, atol, reprs, f"{path}[{k!r}]")
    elif isinstance(t, np.ndarray):
        assert isinstance(e, np.ndarray), path
        np.testing.assert_array_equal(e, t, err_msg=path, strict=True)
    elif isinstance(t, float):
        assert type(e) is float, f"{path}: {type(e).__name__} is not float"
        assert (math.isnan(e) and math.isnan(t)) or e == t or (
            not exact and math.isclose(e, t, rel_tol=rtol)), f"{path}: {e!r} != {t!r}"
    elif isinstance(t, str):
        assert e == t.replace("torch.", "ember."), f"{path}: {e!r} != {t!r}"
    else:
        assert type(e) is type(t) and e == t, f"{path}: {e!r} != {t!r}"


def check(fn, exact=False, rtol=1e-6, atol=0.0, reprs=False, message=True):
    """Run fn(T) with T=ember and T=torch; results (or errors) must agree.
    message=False compares only an error's type (for PyTorch's long
    "received an invalid combination of arguments" texts)."""
    torch = _torch()
    (e, ee), (t, te) = run(fn, ember), run(fn, torch)
    if isinstance(te, NameError):
        raise te    # a bug in the test, not an error both libraries agree on
    if te is not None:
        assert ee is not None, f"torch raised {type(te).__name__}: {te}; ember returned {e!r}"
        assert type(ee) is type(te), f"ember raised {type(ee).__name__}: {ee}; torch raised {type(te).__name__}: {te}"
        assert not message or msg(ee) == msg(te), f"messages differ:\n  ember: {ee}\n  torch: {te}"
        return ee
    if ee is not None:
        raise AssertionError(f"ember raised {type(ee).__name__}: {ee}; torch returned {t!r}") from ee
    compare(e, t, exact, rtol, atol, reprs)
    return e


def snapshot(tensors):
    """Everything an error must leave alone: values, grads, flags, graph."""
    out = []
    for x in tensors:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            g = x._grad if isinstance(x, ember.Tensor) else x.grad
        out.append((values(x).copy(), tuple(x.shape), x.dtype, x.requires_grad,
                    x.grad_fn, None if g is None else values(g).copy(), x._version))
    return out


def _same_snapshot(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        np.testing.assert_array_equal(x[0], y[0], err_msg=f"tensor {i} values changed")
        assert x[1:5] == y[1:5], f"tensor {i} metadata changed: {x[1:5]} -> {y[1:5]}"
        if x[5] is None or y[5] is None:
            assert x[5] is None and y[5] is None, f"tensor {i} grad changed"
        else:
            np.testing.assert_array_equal(x[5], y[5], err_msg=f"tensor {i} grad changed")
        assert x[6] == y[6], f"tensor {i} version changed"


def torch_raises(run, exc_type=TypeError):
    """Whether run(torch) raises `exc_type` in PyTorch (its warnings
    ignored): a test of refusals skips what PyTorch takes or refuses
    otherwise."""
    torch = _torch()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run(torch)
    except exc_type:
        return True
    except Exception:  # noqa: BLE001 - refused otherwise
        return False
    return False


def check_error(setup, op, exc_type=None, message=None):
    """setup(T) -> tuple of tensors; op(T, *tensors) must raise the same error in
    both libraries, and leave every tensor (values, grad, flags) unchanged."""
    torch = _torch()
    errs = {}
    for T in (torch, ember):   # torch first: if it does not raise, the test is wrong
        ts = setup(T)
        before = snapshot(ts)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = op(T, *ts)
        except Exception as exc:  # noqa: BLE001
            errs[T] = exc
        else:
            raise AssertionError(f"{T.__name__} did not raise; it returned {result!r}")
        if T is ember:
            _same_snapshot(before, snapshot(ts))
    ee, te = errs[ember], errs[torch]
    assert type(ee) is type(te), f"ember raised {type(ee).__name__}: {ee}; torch raised {type(te).__name__}: {te}"
    assert msg(ee) == msg(te), f"messages differ:\n  ember: {ee}\n  torch: {te}"
    if exc_type is not None:
        assert type(te) is exc_type
    if message is not None:
        assert message in msg(te)
    return ee


def chain(t):
    """grad_fn names along the whole graph, breadth first."""
    names, frontier, seen = [], [t.grad_fn], set()
    while frontier:
        nxt = []
        for fn in frontier:
            if fn is None or id(fn) in seen:
                continue
            seen.add(id(fn))
            names.append(type(fn).__name__)
            nxt.extend(f for f, _ in fn.next_functions)
        frontier = nxt
    return names


def outcome(fn, lib):
    """What fn(lib) gives: its repr (torch's name as ember's), or its error."""
    try:
        out = fn(lib)
    except Exception as exc:    # the error itself is what is compared
        return type(exc).__name__, str(exc)
    return repr(out).replace("torch", "ember")


def same_as_torch(fn):
    """fn(ember) and fn(torch) print, or raise, the same."""
    assert outcome(fn, ember) == outcome(fn, _torch())
