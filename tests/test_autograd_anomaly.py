"""Anomaly detection against PyTorch: the switches, the NaN check's error,
the warning with the forward traceback (naming the user's line), errors of a
node's backward re-raised after that warning, and the in-place hint."""
import importlib
import os
import warnings

import numpy as np

import pytest

import ember

from compare_torch import _torch, check, msg

ENABLE_TEXT = ("Anomaly Detection has been enabled. This mode will increase the runtime and "
               "should only be enabled for debugging.")


def run(T, fn):
    """fn(T) with every warning recorded: (exception or None, [(category, text)])."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            fn(T)
            exc = None
        except Exception as e:  # noqa: BLE001
            exc = e
    return exc, [(x.category, str(x.message)) for x in w]


def both(fn):
    torch = _torch()
    return run(ember, fn), run(torch, fn)


def forward_lines(text):
    """The source lines a warning's traceback names in this file, the user's
    frames (not file paths, which differ; not the frames of the runner
    above the test, which pytest's launcher without xdist shows differently
    to the two libraries on Python 3.10)."""
    lines, keep = [], False
    for line in text.split("\n"):
        if line.startswith("  File "):
            keep = os.path.basename(__file__) in line
        elif line.startswith("    ") and keep:
            lines.append(line.strip())
    return lines


def same_warnings(ew, tw):
    assert len(ew) == len(tw), (ew, tw)
    for (ec, et), (tc, tt) in zip(ew, tw):
        assert ec is tc
        # PyTorch appends " (Triggered internally at <C++ file>)"; the rest is the same
        # but for the file names in the traceback.
        assert et.split("\n")[0] == msg(tt.split("\n")[0].split(" (Triggered internally")[0])
        assert forward_lines(et) == forward_lines(tt)


def _inner(T, x):
    return T.log(x * 0)


def _outer(T, x):
    return _inner(T, x) * 2


def test_switches_as_torch():
    torch = _torch()
    for T in (ember, torch):
        assert not T.is_anomaly_enabled() and T.is_anomaly_check_nan_enabled()
        T.set_anomaly_enabled(True)
        assert T.is_anomaly_enabled() and T.is_anomaly_check_nan_enabled()
        T.set_anomaly_enabled(False)
        r = T.autograd.set_detect_anomaly(True, False)      # a plain call takes effect
        assert T.is_anomaly_enabled() and not T.is_anomaly_check_nan_enabled()
        with r:
            pass                                            # exit restores the state before
        assert not T.is_anomaly_enabled() and T.is_anomaly_check_nan_enabled()
        with T.autograd.set_detect_anomaly(True, check_nan=False):
            assert T.is_anomaly_enabled() and not T.is_anomaly_check_nan_enabled()
            with T.autograd.set_detect_anomaly(False):
                assert not T.is_anomaly_enabled()
            assert T.is_anomaly_enabled()
        assert not T.is_anomaly_enabled()


def test_detect_anomaly_warns_on_creation():
    (ee, ew), (te, tw) = both(lambda T: T.autograd.detect_anomaly().__enter__())
    ember.set_anomaly_enabled(False)
    _torch().set_anomaly_enabled(False)
    assert ee is te is None
    assert ew == tw == [(UserWarning, ENABLE_TEXT)]
    # Not a decorator in PyTorch either.
    (ee, _), (te, _) = both(lambda T: T.autograd.detect_anomaly()(lambda: 0))
    assert type(ee) is type(te) is TypeError


def test_nan_error_names_node_and_user_line():
    def fn(T):
        x = T.tensor([0.0, 1.0], requires_grad=True)
        with T.autograd.detect_anomaly():
            (_outer(T, x) * 0).sum().backward()
    (ee, ew), (te, tw) = both(fn)
    assert type(ee) is type(te) is RuntimeError
    assert str(ee) == str(te) == "Function 'LogBackward0' returned nan values in its 0th output."
    assert ew[0] == (UserWarning, ENABLE_TEXT)
    same_warnings(ew, tw)
    lines = forward_lines(ew[1][1])
    assert lines[-2:] == ["return _inner(T, x) * 2", "return T.log(x * 0)"]
    assert ew[1][1].startswith("Error detected in LogBackward0. Traceback of forward call "
                               "that caused the error:\n  File ")
    assert not ember.is_anomaly_enabled()


@pytest.mark.parametrize("case", ["div_other", "mul_self", "grad_nan_in", "create_graph",
                                  "inputs"])
def test_nan_cases(case):
    def fn(T):
        a = T.tensor([0.0, 1.0], requires_grad=True)
        b = T.tensor([1.0, 1.0], requires_grad=True)
        with T.autograd.set_detect_anomaly(True):
            if case == "div_other":
                T.div(a, b * 0).sum().backward()
            elif case == "mul_self":
                (b * T.log(a * 0) * 0).sum().backward()
            elif case == "grad_nan_in":
                T.sqrt(a * 0).backward(T.tensor([float("nan"), 1.0]))
            elif case == "create_graph":
                T.autograd.grad((T.log(a * 0) * 0).sum(), a, create_graph=True)
            else:
                (T.log(a * 0) * b * 0).sum().backward(inputs=[b])
    (ee, ew), (te, tw) = both(fn)
    assert (ee is None) == (te is None)
    if te is not None:
        assert type(ee) is type(te) and str(ee) == str(te)
    same_warnings(ew, tw)


def test_check_nan_off_gives_nan_gradients():
    def fn(T):
        x = T.tensor([0.0, 1.0], requires_grad=True)
        with T.autograd.set_detect_anomaly(True, check_nan=False):
            (T.log(x * 0) * 0).sum().backward()
        return x.grad
    check(fn)
    out = fn(ember)
    assert np.isnan(out.numpy()).all()


def test_without_forward_information():
    def fn(T):
        x = T.tensor([0.0, 1.0], requires_grad=True)
        y = T.log(x * 0)
        with T.autograd.set_detect_anomaly(True):
            (y * 0).sum().backward()
    (ee, ew), (te, tw) = both(fn)
    assert str(ee) == str(te)
    assert ew[0][1] == ("Error detected in LogBackward0. No forward pass information "
                        "available. Enable detect anomaly during forward pass for more "
                        "information.")
    same_warnings(ew, tw)


def test_error_in_custom_backward_is_reraised_after_the_warning():
    def fn(T):
        class Boom(T.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                return a.clone()

            @staticmethod
            def backward(ctx, g):
                raise ValueError("boom")
        x = T.ones(3, requires_grad=True)
        with T.autograd.set_detect_anomaly(True):
            out = Boom.apply(x)
            out.sum().backward()
    (ee, ew), (te, tw) = both(fn)
    assert type(ee) is type(te) is ValueError and str(ee) == "boom"
    assert ew[0][1].split("\n")[0] == tw[0][1].split("\n")[0] == (
        "Error detected in BoomBackward. Traceback of forward call that caused the error:")
    # (PyTorch's stack also has its own Python frame of Function.apply, which
    # forward_lines leaves out with the other library frames)
    assert forward_lines(ew[0][1]) == forward_lines(tw[0][1])
    assert forward_lines(ew[0][1])[-1] == "out = Boom.apply(x)"


def test_inplace_hint_under_anomaly_mode():
    def fn(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        with T.autograd.set_detect_anomaly(True):
            y = x.exp()
            y.add_(1)
            y.sum().backward()
    (ee, ew), (te, tw) = both(fn)
    assert msg(ee) == msg(te)
    assert "Hint: the backtrace further above shows" in str(ee)
    same_warnings(ew, tw)
    # Without anomaly mode the hint says how to turn it on.
    def plain(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp()
        y.add_(1)
        y.sum().backward()
    check(plain)


def test_metadata_and_parent():
    torch = _torch()
    for T in (ember, torch):
        x = T.tensor([0.5, 1.0], requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with T.autograd.detect_anomaly():
                y = x.exp()
                g, = T.autograd.grad(y.sum(), x, create_graph=True)
        tb = y.grad_fn.metadata["traceback_"]
        assert isinstance(tb, list) and tb[-1].strip().endswith("y = x.exp()")
        assert set(g.grad_fn.metadata) == {"traceback_", "parent_"}
        assert g.grad_fn.metadata["parent_"] is y.grad_fn
        assert x.exp().grad_fn.metadata == {}


def test_parent_traceback_in_double_backward():
    def fn(T):
        x = T.tensor([0.0, 1.0], requires_grad=True)
        with T.autograd.set_detect_anomaly(True):
            y = T.sqrt(x)
            g, = T.autograd.grad(y.sum(), x, create_graph=True)
            (g * 0).sum().backward()
    (ee, ew), (te, tw) = both(fn)
    assert type(ee) is type(te) and str(ee) == str(te)
    assert len(ew) == len(tw) == 2
    # The node the double backward recorded, then its parent (the node whose
    # formula recorded it), as PyTorch prints them.
    assert ew[0][1].split("\n")[0] == tw[0][1].split("\n")[0]
    assert ew[1][1].startswith("\n\nPrevious calculation was induced by SqrtBackward0. "
                               "Traceback of forward call that induced the previous "
                               "calculation:\n")
    same_warnings(ew[1:], tw[1:])
    # PyTorch's stack of a node made in backward goes on into its own Python
    # frames (autograd.grad); the user's lines are the same.
    e_lines, t_lines = forward_lines(ew[0][1]), forward_lines(tw[0][1])
    assert t_lines[:len(e_lines)] == e_lines
    assert e_lines[-1] == "g, = T.autograd.grad(y.sum(), x, create_graph=True)"


def test_off_by_default_no_metadata_cost():
    x = ember.ones(2, requires_grad=True)
    y = x * 2
    assert "_metadata" not in y.grad_fn.__dict__
    assert importlib.import_module("ember.autograd.graph")._extras is False


@pytest.mark.parametrize("where", ["tensor_hook", "node_hook", "leaf_hook"])
def test_errors_in_hooks_warn_too(where):
    def fn(T):
        def bad(*args):
            raise ValueError("hook")
        x = T.ones(2, requires_grad=True)
        with T.autograd.set_detect_anomaly(True):
            if where == "leaf_hook":
                x.register_hook(bad)
            y = x.exp()
            if where == "tensor_hook":
                y.register_hook(bad)
            elif where == "node_hook":
                y.grad_fn.register_hook(bad)
            y.sum().backward()
    (ee, ew), (te, tw) = both(fn)
    assert type(ee) is type(te) is ValueError
    same_warnings(ew, tw)
