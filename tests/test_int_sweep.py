"""Every op of the catalogue (tests/op_table.py) with its floating inputs
turned into integers and bools, against PyTorch: the same exception (type
and message), or the same result dtypes, shapes and values (integer and
bool results exactly, floating ones to float32 rounding).

Inputs are small varied integers, round(3 * x) (POS rows stay positive),
converted through int64 so that negative values wrap in uint8 as they do in
PyTorch; bool inputs are x > 0. Integer tensors cannot require grad, so
only forward results are compared. The cases that still differ are listed
below with their cause, as strict xfails: one that starts to match fails
here until it leaves the list."""
import warnings

import numpy as np
import pytest

import ember
from compare_torch import msg
from op_table import OPS
from test_half_sweep import _flat, _same_error
from test_ops import inputs_for

torch = pytest.importorskip("torch")

INTS = ["int64", "int32", "uint8", "int8", "bool"]

# (name, dtype) -> why it does not match PyTorch yet (none at present)
KNOWN = {}

CASES = [pytest.param(row, dt, id=f"{row[0]}-{dt}", marks=[
    pytest.mark.xfail(strict=True, reason=KNOWN[row[0], dt])] if (row[0], dt) in KNOWN else [])
    for row in OPS for dt in INTS]


def int_inputs(arrays, dt):
    if dt == "bool":
        return [a > 0 for a in arrays]
    return [np.round(a * 3).astype(np.int64).astype(dt) for a in arrays]


def _run(lib, row, arrays):
    """(outputs or the exception, the warnings' categories and messages)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = [o for o in _flat(row[1](lib, *[lib.tensor(a) for a in arrays]))
                   if o is not None]
        except Exception as exc:  # noqa: BLE001 - an error is a result here
            out = exc
    return out, sorted({(w.category.__name__, msg(w.message)) for w in caught})


def _values(t):
    t = t.detach()
    return (t.float() if t.dtype.itemsize == 2 and t.dtype.is_floating_point else t).numpy()


def _same(e, t, what):
    if not isinstance(t, torch.Tensor):
        assert e == t, what
        return
    assert isinstance(e, ember.Tensor), what
    assert e.dtype.name == str(t.dtype).replace("torch.", ""), \
        f"{what}: dtype {e.dtype} vs {t.dtype}"
    assert tuple(e.shape) == tuple(t.shape), what
    ev, tv = _values(e), _values(t)
    if tv.dtype.kind in "biu":
        np.testing.assert_array_equal(ev, tv, err_msg=what)
    else:
        # float32 rounding, relative to the result's scale (sums of integers cancel)
        scale = np.abs(tv[np.isfinite(tv)]).max(initial=1.0)
        np.testing.assert_allclose(ev, tv, rtol=2e-5, atol=2e-6 * scale, err_msg=what)


@pytest.mark.parametrize("row, dt", CASES)
def test_int(row, dt):
    arrays = int_inputs(inputs_for(row, np.float32), dt)
    (eo, ew), (to, tw) = _run(ember, row, arrays), _run(torch, row, arrays)
    assert ew == tw, "warnings"
    if isinstance(to, Exception) or isinstance(eo, Exception):
        _same_error(eo, to, "forward")
        return
    assert len(eo) == len(to)
    for k, (e, t) in enumerate(zip(eo, to)):
        _same(e, t, f"output {k}")
