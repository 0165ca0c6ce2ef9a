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
from op_table import ANY, OPS
from test_half_sweep import _flat, _same_error
from test_ops import inputs_for

torch = pytest.importorskip("torch")

INTS = ["int64", "int32", "uint8", "int8", "bool"]

# (name, dtype) -> why it does not match PyTorch yet (none at present)
KNOWN = {}


def _row(name, f, n=1, shape=(2, 3)):
    return (name, f, [(shape, ANY)] * n, False)


# Rows in op_table's form for what integers meet that the catalogue does not
# sample: integer division and its zero divisor, powers, bit operations,
# wrap-around, reductions' dtypes, sorting and counting, in-place casts,
# conversions to Python numbers, and the ops that refuse some types.
EXTRA = [
    _row("floor_divide", lambda T, x, y: x // y, 2),
    _row("floor_divide_zero", lambda T, x: x // 0),
    _row("remainder_zero", lambda T, x: x % 0),
    _row("true_divide_zero", lambda T, x: x / 0),
    _row("div_trunc", lambda T, x, y: T.div(x, y, rounding_mode="trunc"), 2),
    _row("div_floor", lambda T, x, y: T.div(x, y, rounding_mode="floor"), 2),
    _row("pow_negative", lambda T, x: x ** -1),
    _row("pow_tensor_int", lambda T, x, y: x ** y, 2),
    _row("rpow_int", lambda T, x: 2 ** x),
    _row("bitwise", lambda T, x, y: ((x & y) | (x ^ 3), ~x), 2),
    _row("shifts", lambda T, x, y: (x << 2, x >> 1, x << y), 2),
    _row("wrap_mul", lambda T, x: x * 100),
    _row("wrap_add", lambda T, x: x + 255),
    _row("add_float", lambda T, x: x + 1.5),
    _row("add_bool", lambda T, x: x + True),
    _row("sum_prod_int", lambda T, x: (x.sum(0), x.prod(1), x.cumsum(0), x.cumprod(1))),
    _row("mean_dtype", lambda T, x: (x.mean(dtype=T.float32), x.sum(dtype=T.float64))),
    _row("var_int", lambda T, x: x.var()),
    _row("median_mode", lambda T, x: (x.median(), x.mode(), x.nanmedian())),
    _row("arg_extrema", lambda T, x: (x.argmax(), x.argmin(1), x.aminmax())),
    _row("sort_int", lambda T, x: (x.sort(descending=True, stable=True), x.argsort(1),
                                   x.msort())),
    _row("topk_kthvalue", lambda T, x: (x.topk(2), x.kthvalue(2))),
    _row("unique_counts", lambda T, x: T.unique(x, return_counts=True)),
    _row("bincount", lambda T, x: x.flatten().bincount()),
    _row("clamp_float", lambda T, x: x.clamp(-1.5, 2.5)),
    _row("clamp_inplace", lambda T, x: x.clamp_(0, 3)),
    _row("inplace_float", lambda T, x: x.mul_(2.5)),
    _row("inplace_div", lambda T, x: x.div_(2)),
    _row("inplace_div_floor", lambda T, x: x.div_(2, rounding_mode="floor")),
    _row("inplace_neg_abs", lambda T, x: (x.clone().neg_(), x.abs_())),
    _row("inplace_sqrt", lambda T, x: x.sqrt_()),
    _row("fill_negative", lambda T, x: x.fill_(-1)),
    _row("fill_float", lambda T, x: x.fill_(1.5)),
    _row("nonzero_count", lambda T, x: (x.nonzero(), x.count_nonzero(), x.any(), x.all(1))),
    _row("where_scalar", lambda T, x, y: T.where(x > 1, x, 0.5), 2),
    _row("gcd_lcm", lambda T, x, y: (x.gcd(y), x.lcm(y)), 2),
    _row("integer_float_ops", lambda T, x, y: (x.atan2(y), x.hypot(y), x.copysign(y),
                                               x.float_power(2), x.true_divide(y)), 2),
    _row("matmul_int", lambda T, x, y: (x @ y.t(), T.einsum("ij,kj->ik", x, y)), 2),
    _row("softmax_int", lambda T, x: x.softmax(0)),
    _row("gelu_int", lambda T, x: T.nn.functional.gelu(x)),
    _row("pad_reflect", lambda T, x: T.nn.functional.pad(x, (1, 1), mode="reflect")),
    _row("pad_value", lambda T, x: T.nn.functional.pad(x, (1, 1), value=2.5)),
    _row("pools", lambda T, x: (T.nn.functional.max_pool1d(x[None], 2),
                                T.nn.functional.avg_pool1d(x[None], 2))),
    _row("layer_norm_int", lambda T, x: T.nn.functional.layer_norm(x, (3,))),
    _row("normalize_int", lambda T, x: T.nn.functional.normalize(x)),
    _row("dropout_eval", lambda T, x: T.nn.functional.dropout(x, 0.5, training=False)),
    _row("requires_grad", lambda T, x: x.requires_grad_()),
    _row("python_numbers", lambda T, x: (int(x[0, 0]), float(x[0, 1]), bool(x[1, 0]),
                                         x[1, 1].item(), x.tolist())),
    _row("arange_linspace", lambda T, x: (T.arange(-2, 3, dtype=x.dtype),
                                          T.linspace(0, 10, 5, dtype=x.dtype))),
    _row("cat_mixed", lambda T, x: T.cat([x, x.float()])),
    _row("byte_of_negative", lambda T, x: (x.long() - 300).byte()),
    _row("norms_int", lambda T, x, y: (x.norm(), T.cdist(x, y)), 2),
    _row("hardtanh_int", lambda T, x: (T.nn.functional.hardtanh(x, -0.5, 2.5),
                                       T.nn.functional.hardtanh(x))),
    _row("clamp_min_inplace_float", lambda T, x: x.clamp_min_(1.5)),
    _row("clamp_max_complex", lambda T, x: x.clamp_max(1j)),
    _row("pad_replicate", lambda T, x: T.nn.functional.pad(x[None], (1, 2), mode="replicate")),
]

CASES = [pytest.param(row, dt, id=f"{row[0]}-{dt}", marks=[
    pytest.mark.xfail(strict=True, reason=KNOWN[row[0], dt])] if (row[0], dt) in KNOWN else [])
    for row in OPS + EXTRA for dt in INTS]


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
