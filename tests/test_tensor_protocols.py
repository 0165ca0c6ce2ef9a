"""How Python sees a tensor, as in PyTorch: conversions (bool, int, float,
complex, index), the container protocols (len, iter, reversed, in),
rounding and math functions, format, NumPy conversion, copy and pickle,
the metadata properties and methods, the transposes (with their 0-d
deprecations), and operators with Python and NumPy objects on the other
side. Each case runs on tensors of every dtype both libraries hold, of
several shapes and layouts, with and without requires_grad; the outcome
(result type, dtype, values, grad_fn; or the exception's type and whole
message; and the warnings given) is compared as one normalised line."""
import copy
import decimal
import fractions
import math
import operator
import pickle
import re
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16",
          "float32", "float64", "complex64", "complex128"]
KINDS = ["0d", "0dzero", "1", "3", "0", "2x3", "2x0x3", "T", "step", "special", "0dnan"]


def _values(dt, n):
    base = ([1.5, -2.0, 0.0, 3.25, -0.5, 7.0] * 4)[:n]
    if dt == "bool":
        return [bool(i % 2) for i in range(n)]
    if dt == "uint8":
        return [int(abs(v)) for v in base]
    if dt.startswith("int"):
        return [int(v) for v in base]
    if dt.startswith("complex"):
        return [complex(v, -v / 2) for v in base]      # (0 - 0j among them)
    return base


def _floating(dt):
    return dt.startswith(("float", "complex")) or dt == "bfloat16"


def make(T, dt, kind, requires_grad):
    """The tensor of a case, or None where the combination does not exist."""
    dtype = getattr(T, dt)
    if kind in ("special", "0dnan") and not _floating(dt):
        return None
    if requires_grad and not _floating(dt):
        return None
    if kind == "0d":
        t = T.tensor(_values(dt, 1)[0], dtype=dtype)
    elif kind == "0dzero":
        t = T.tensor(_values(dt, 3)[2], dtype=dtype)
    elif kind == "1":
        t = T.tensor(_values(dt, 1), dtype=dtype)
    elif kind == "3":
        t = T.tensor(_values(dt, 3), dtype=dtype)
    elif kind == "0":
        t = T.tensor([], dtype=dtype)
    elif kind == "2x3":
        t = T.tensor(_values(dt, 6), dtype=dtype).reshape(2, 3)
    elif kind == "2x0x3":
        t = T.zeros(2, 0, 3, dtype=dtype)
    elif kind == "T":
        t = T.tensor(_values(dt, 6), dtype=dtype).reshape(2, 3).t()
    elif kind == "step":
        t = T.tensor(_values(dt, 6), dtype=dtype)[::2]
    elif kind == "special":
        inf, nan = math.inf, math.nan
        t = T.tensor([complex(nan, 1), complex(inf, 0), complex(-0.0, -0.0)] if dt.startswith(
            "complex") else [nan, inf, -0.0, -inf], dtype=dtype)
    else:
        t = T.tensor(math.nan, dtype=dtype)
    if requires_grad:
        t = t.detach().clone().requires_grad_(True)
        if kind in ("T", "step"):
            t = t * 1       # (a non-leaf, of the layout made above)
    return t


def _rounded(v):
    """A tensor's values to 6 significant digits (the protocols are compared,
    not the last bit of a kernel, which depends on NumPy's version)."""
    if isinstance(v, list):
        return [_rounded(x) for x in v]
    if isinstance(v, complex):
        return f"{v.real:.6g}{v.imag:+.6g}j"
    return f"{v:.6g}" if isinstance(v, float) else v


def describe(T, x, t=None):
    """One line for a result, the same for both libraries when they agree."""
    if isinstance(x, T.Tensor):
        v = _rounded((x.detach().float() if x.dtype == T.bfloat16 else x.detach()).tolist())
        fn = None if x.grad_fn is None else type(x.grad_fn).__name__
        view = "" if t is None else f" base_is_t={x._base is t}"
        return f"Tensor({x.dtype},{tuple(x.shape)},{v!r},rg={x.requires_grad},gf={fn}{view})"
    if isinstance(x, np.ndarray):
        return f"ndarray({x.dtype},{x.shape},{x.tolist()!r})"
    if isinstance(x, np.generic):
        return f"{type(x).__name__}({x!r})"
    if type(x) in (list, tuple):
        return type(x).__name__ + "[" + ", ".join(describe(T, y, t) for y in x) + "]"
    return f"{type(x).__name__}({x!r})"


# NumPy 2's complaints about PyTorch's own __array__ / __array_wrap__
# signatures (no copy=, no return_scalar): about PyTorch, not about tensors.
_NUMPY_SIGNATURE_NOTES = ("__array__ implementation doesn't accept a copy keyword",
                          "__array_wrap__ must accept context and return_scalar")


def outcome(T, fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            line = describe(T, fn())
        except Exception as exc:  # noqa: BLE001 - the error is what is compared
            line = f"{type(exc).__name__}: {exc}"
    notes = [f"{w.category.__name__}: {w.message}" for w in caught
             if not str(w.message).startswith(_NUMPY_SIGNATURE_NOTES)]
    if notes:
        line += f"  warns {notes}"
    line = re.sub(r"0x[0-9a-f]+", "ADDR", line)
    return line.replace("torch.", "ember.").replace("torch", "ember")


def _copied(T, t, c):
    return describe(T, c), c is t, c.data_ptr() == t.data_ptr(), c.is_leaf


CASES = {
    # conversions
    "bool": lambda T, t: bool(t),
    "int": lambda T, t: int(t),
    "float": lambda T, t: float(t),
    "complex": lambda T, t: complex(t),
    "index": lambda T, t: operator.index(t),
    "and": lambda T, t: t and t,
    # container protocols
    "len": lambda T, t: len(t),
    "iter": lambda T, t: [describe(T, x, t) for x in iter(t)],
    "list": lambda T, t: list(t),
    "reversed": lambda T, t: list(reversed(t)),
    "in_int": lambda T, t: 1 in t,
    "in_float": lambda T, t: 0.0 in t,
    "in_tensor": lambda T, t: T.tensor(1.5) in t,
    "in_str": lambda T, t: "a" in t,
    "in_None": lambda T, t: None in t,
    "hash": lambda T, t: type(hash(t)),
    "eq_None": lambda T, t: t == None,  # noqa: E711 - the operator is what is tested
    "ne_str": lambda T, t: t != "a",
    # rounding, math and unary operators
    "round": lambda T, t: round(t),
    "round2": lambda T, t: round(t, 2),
    "abs": lambda T, t: abs(t),
    "neg": lambda T, t: -t,
    "pos": lambda T, t: +t,
    "invert": lambda T, t: ~t,
    "floor": lambda T, t: math.floor(t),
    "ceil": lambda T, t: math.ceil(t),
    "trunc": lambda T, t: math.trunc(t),
    "divmod": lambda T, t: divmod(t, 2),
    "rdivmod": lambda T, t: divmod(2, t),
    # format
    "format_2f": lambda T, t: format(t, ".2f"),
    "format_empty": lambda T, t: format(t, ""),
    "fstring_width": lambda T, t: f"{t:>10}",
    "fstring_d": lambda T, t: f"{t:d}",
    # NumPy and Python values
    "array": lambda T, t: t.__array__(),
    "array_dtype": lambda T, t: t.__array__(np.float64),
    "asarray": lambda T, t: np.asarray(t),
    "np_array_f32": lambda T, t: np.array(t, dtype=np.float32),
    "numpy": lambda T, t: t.numpy(),
    "numpy_force": lambda T, t: t.numpy(force=True),
    "tolist": lambda T, t: t.tolist(),
    "item": lambda T, t: t.item(),
    # Python's builtins over the items
    "sum": lambda T, t: sum(t),
    "max": lambda T, t: max(t),
    "sorted": lambda T, t: sorted(t),
    "any": lambda T, t: any(t),
    "all": lambda T, t: all(t),
    "set_len": lambda T, t: len(set(t)),
    "items_output_nr": lambda T, t: [(x.output_nr, x._version, x.is_leaf) for x in t],
    # NumPy's functions of a tensor (a ufunc's result comes back as a tensor)
    "np_sin": lambda T, t: np.sin(t),
    "np_add": lambda T, t: np.add(t, 1),
    "np_isnan": lambda T, t: np.isnan(t),
    "np_sum": lambda T, t: np.sum(t),
    "np_mean": lambda T, t: np.mean(t),
    "np_argmax": lambda T, t: np.argmax(t),
    "np_reshape": lambda T, t: np.reshape(t, (-1,)),
    "np_transpose": lambda T, t: np.transpose(t),
    "np_round": lambda T, t: np.round(t, 1),
    "np_clip": lambda T, t: np.clip(t, 0, 1),
    "np_concatenate": lambda T, t: np.concatenate([t, t]),
    "np_stack": lambda T, t: np.stack([t, t]),
    "np_where": lambda T, t: np.where(t),
    "np_shape": lambda T, t: (np.shape(t), np.ndim(t)),
    "np_allclose": lambda T, t: np.allclose(t, t),
    "np_float64_lt": lambda T, t: np.float64(2) < t,
    "np_float64_add": lambda T, t: np.float64(2) + t,
    "memoryview": lambda T, t: bytes(memoryview(t)),
    # copies
    "copy": lambda T, t: _copied(T, t, copy.copy(t)),
    "deepcopy": lambda T, t: _copied(T, t, copy.deepcopy(t)),
    "pickle": lambda T, t: (lambda c: (describe(T, c), c.stride(), c.storage_offset(),
                                       c.is_leaf))(pickle.loads(pickle.dumps(t))),
    # metadata
    "shape": lambda T, t: t.shape,
    "size": lambda T, t: t.size(),
    "size_0": lambda T, t: t.size(0),
    "size_-1": lambda T, t: t.size(-1),
    "dims": lambda T, t: (t.dim(), t.ndim, t.ndimension()),
    "numel": lambda T, t: (t.numel(), t.nelement()),
    "bytes": lambda T, t: (t.element_size(), t.itemsize, t.nbytes),
    "stride": lambda T, t: t.stride(),
    "stride_0": lambda T, t: t.stride(0),
    "stride_5": lambda T, t: t.stride(5),
    "size_float": lambda T, t: t.size(1.0),
    "size_bool": lambda T, t: t.size(True),
    "stride_str": lambda T, t: t.stride("a"),
    "size_np_int": lambda T, t: t.size(np.int64(0)),
    "dim_order": lambda T, t: t.dim_order(),
    "dim_order_checked": lambda T, t: t.dim_order(ambiguity_check=True),
    "dim_order_formats": lambda T, t: t.dim_order(ambiguity_check=[T.contiguous_format]),
    "dim_order_bad": lambda T, t: t.dim_order(ambiguity_check="x"),
    "storage_offset": lambda T, t: t.storage_offset(),
    "contiguous": lambda T, t: t.is_contiguous(),
    "contiguous_cl": lambda T, t: t.is_contiguous(memory_format=T.channels_last),
    "contiguous_pf": lambda T, t: t.is_contiguous(memory_format=T.preserve_format),
    "kind": lambda T, t: (t.is_floating_point(), t.is_complex(), t.is_signed()),
    "flags": lambda T, t: (t.is_leaf, t.is_cuda, t.is_cpu, t.is_sparse, t.is_quantized,
                           t.is_meta, str(t.device), str(t.layout)),
    "T": lambda T, t: t.T,
    "mT": lambda T, t: t.mT,
    "H": lambda T, t: t.H,
    "mH": lambda T, t: t.mH,
    "adjoint": lambda T, t: t.adjoint(),
    "real": lambda T, t: t.real,
    "imag": lambda T, t: t.imag,
    "data": lambda T, t: t.data,
    "grad": lambda T, t: t.grad,
    "names": lambda T, t: t.names,
    "output_nr": lambda T, t: t.output_nr,
    "version": lambda T, t: t._version,
    "base": lambda T, t: t._base is None,
    "dtype_flags": lambda T, t: (t.dtype.is_floating_point, t.dtype.itemsize,
                                 t.dtype.is_signed, t.dtype.is_complex),
    "to_real": lambda T, t: t.dtype.to_real(),
    "to_complex": lambda T, t: t.dtype.to_complex(),
    # operators with Python objects
    "add_list": lambda T, t: t + [1, 2, 3],
    "radd_list": lambda T, t: [1] + t,
    "mul_str": lambda T, t: t * "a",
    "matmul_int": lambda T, t: t @ 2,
    "rmatmul_int": lambda T, t: 2 @ t,
    "rpow": lambda T, t: 2 ** t,
    "pow_self": lambda T, t: t ** t,
    "lt_None": lambda T, t: t < None,
    "eq_list": lambda T, t: t == [1, 2, 3],
    "add_True": lambda T, t: t + True,
    "rsub_True": lambda T, t: True - t,
    "add_decimal": lambda T, t: t + decimal.Decimal("1.5"),
    "add_fraction": lambda T, t: t + fractions.Fraction(1, 2),
    "add_complex": lambda T, t: t + 1j,
    "floordiv": lambda T, t: t // 2,
    "rfloordiv": lambda T, t: 2 // t,
    "mod": lambda T, t: t % 2,
    "rmod": lambda T, t: 5 % t,
    "floordiv_0": lambda T, t: t // 0,
    "mod_0": lambda T, t: t % 0,
    "np_int64_floordiv": lambda T, t: np.int64(7) // t,
    "np_float32_div": lambda T, t: np.float32(2) / t,
    "np_uint8_lshift": lambda T, t: np.uint8(1) << t,
    "eq_np_float64": lambda T, t: t == np.float64(1.5),
    "rshift_float": lambda T, t: t >> 1.0,
    "and_float": lambda T, t: t & 1.5,
    "list_index": lambda T, t: [10, 20, 30][t],
    "format_str_method": lambda T, t: "{:.3}".format(t),
    "format_x": lambda T, t: format(t, "x"),
    "isclose": lambda T, t: math.isclose(t, 1.5),
    "lshift": lambda T, t: t << 1,
    "rlshift": lambda T, t: 1 << t,
    "xor_True": lambda T, t: t ^ True,
    "rand": lambda T, t: 1 & t,
    # a number first in the function forms (PyTorch's wrapped number)
    "add_number_first": lambda T, t: T.add(7, t),
    "sub_number_first": lambda T, t: T.sub(7, t),
    "mul_number_first": lambda T, t: T.mul(7, t),
    "div_floor_number_first": lambda T, t: T.div(7, t, rounding_mode="floor"),
    "div_number_first": lambda T, t: T.div(300, t),
    "div_float_first": lambda T, t: T.div(7.5, t),
    "mul_float_first": lambda T, t: T.mul(0.1, t),
    "floor_divide_number_first": lambda T, t: T.floor_divide(300, t),
    "remainder_number_first": lambda T, t: T.remainder(7.5, t),
    "left_shift_number_first": lambda T, t: T.bitwise_left_shift(1, t),
    # NumPy scalars and arrays
    "np_float32_mul": lambda T, t: np.float32(2) * t,
    "mul_np_float64": lambda T, t: t * np.float64(2),
    "np_int64_add": lambda T, t: np.int64(3) + t,
    "add_np_int32": lambda T, t: t + np.int32(3),
    "np_bool_mul": lambda T, t: np.bool_(True) * t,
    "sub_np_bool": lambda T, t: t - np.bool_(True),
    "add_np_float16": lambda T, t: t + np.float16(1),
    "add_np_complex128": lambda T, t: t + np.complex128(2j),
    "add_np_complex64": lambda T, t: t + np.complex64(1 + 2j),
    "add_np_ones": lambda T, t: t + np.ones(tuple(t.shape)),
    "matmul_np": lambda T, t: t @ np.ones(tuple(t.shape)[-1:] or (1,), bool),
}

# Differences left, each for one reason (not a protocol's):
KNOWN = {
    # ComplexHalf: NumPy has no complex type of two float16 halves
    ("add_complex", "float16"), ("add_np_complex128", "float16"),
    # complex kernels: PyTorch's complex pow gives NaN for 0 ** 0 and keeps a
    # -0 imaginary part of 2 ** -0j; its complex negation turns 0 - 0j into 0 + 0j
    ("pow_self", "complex64"), ("pow_self", "complex128"),
    ("rpow", "complex64"), ("rpow", "complex128"), ("neg", "complex64"),
    ("neg", "complex128"),
    # PyTorch's complex add and sub compute a + alpha * b, alpha = 1 + 0j even
    # when not given: an infinite or NaN part of b spreads to the other part,
    # and a zero imaginary part may change its sign
    ("add_number_first", "complex64"), ("add_number_first", "complex128"),
    ("sum", "complex64"), ("sum", "complex128"),
    ("sub_number_first", "complex64"), ("sub_number_first", "complex128"),
    ("sub_np_bool", "complex64"), ("sub_np_bool", "complex128"),
}
# In PyTorch a tensor + an array is NumPy's to compute (its __array__ refuses
# a tensor that requires grad or is bfloat16): Ember computes it itself, as
# its own derivative formulas mix tensors and arrays (see test_numpy_operands.py).
KNOWN_REQUIRES_GRAD = {"add_np_ones"}
KNOWN.add(("add_np_ones", "bfloat16"))


def _pairs():
    for dt in DTYPES:
        for kind in KINDS:
            for rg in (False, True):
                if make(ember, dt, kind, rg) is not None:
                    yield dt, kind, rg


PAIRS = list(_pairs())


@pytest.fixture
def warn_always():
    # PyTorch gives its deprecation notes once per process: every time here
    ember.set_warn_always(True)
    torch.set_warn_always(True)
    yield
    ember.set_warn_always(False)
    torch.set_warn_always(False)


@pytest.mark.parametrize("case", list(CASES))
def test_python_protocols_as_pytorch(case, warn_always):
    fn = CASES[case]
    bad = []
    for dt, kind, rg in PAIRS:
        if (case, dt) in KNOWN or (rg and case in KNOWN_REQUIRES_GRAD):
            continue
        got = outcome(ember, lambda: fn(ember, make(ember, dt, kind, rg)))
        want = outcome(torch, lambda: fn(torch, make(torch, dt, kind, rg)))
        if got != want:
            bad.append(f"{dt}/{kind}/requires_grad={rg}:\n  ember: {got}\n  torch: {want}")
    assert not bad, f"{len(bad)} differ:\n" + "\n".join(bad[:5])


def _reduced(T):
    t = T.arange(6.0)[::2]
    func, args = t.__reduce_ex__(2)
    return func.__name__, type(args).__name__, len(args), args[1:]


def _shared_after_pickle(T):
    a = T.arange(6.0).reshape(2, 3)
    a2, b2 = pickle.loads(pickle.dumps((a, a.t()[1:])))
    a2[1, 1] = 100.0        # (b2 views a2's memory again)
    return b2, b2.stride(), b2.storage_offset()


class _Sub:
    """A tensor subclass per library, with an attribute of its user's."""
    @staticmethod
    def pickled(T):
        cls = type("Marked", (T.Tensor,), {})
        t = T.ones(2).as_subclass(cls)
        t.note = "kept"
        r = pickle.loads(pickle.dumps(t))
        c = copy.copy(t)
        return type(r).__name__, r.note, type(c).__name__, c.note, r.tolist()


@pytest.mark.parametrize("fn", [_reduced, _shared_after_pickle, _Sub.pickled],
                         ids=["reduce_ex", "shared", "subclass"])
def test_pickle_keeps_storage_views_and_type_as_pytorch(fn):
    assert outcome(ember, lambda: fn(ember)) == outcome(torch, lambda: fn(torch))


def test_remainder_of_a_number_by_a_tensor_has_no_derivative_as_pytorch():
    def backward(T):
        t = T.tensor([1.5, 2.0], requires_grad=True)
        r = T.remainder(7, t)
        out = [type(r.grad_fn).__name__]
        r.sum().backward()
        return out
    assert outcome(ember, lambda: backward(ember)) == outcome(torch, lambda: backward(torch))


@pytest.mark.parametrize("value", [2 ** 63, 2 ** 64 - 1, 2 ** 64, -2 ** 63, -2 ** 63 - 1, 2 ** 70,
                                   -2 ** 70])
@pytest.mark.parametrize("dt", ["float32", "float64", "int64", "int8", "uint8", "bool"])
def test_python_ints_beyond_int64_as_pytorch(dt, value):
    # (an int64 or uint64 number wraps into an integer dtype; beyond, it is refused)
    ops = [operator.add, operator.mul, lambda t, v: t.add(v), lambda t, v: v + t]
    if dt != "bool":
        ops.append(operator.sub)
    for op in ops:
        got = outcome(ember, lambda: op(ember.tensor([1, 2]).to(getattr(ember, dt)), value))
        want = outcome(torch, lambda: op(torch.tensor([1, 2]).to(getattr(torch, dt)), value))
        assert got == want


@pytest.mark.parametrize("layout", [
    lambda T: T.zeros(2, 3, 4, 5),
    lambda T: T.zeros(2, 3, 4, 5).to(memory_format=T.channels_last),
    lambda T: T.zeros(2, 3, 4, 5).permute(3, 1, 0, 2),
    lambda T: T.zeros(1, 3, 1, 5),
    lambda T: T.zeros(3, 1).expand(3, 4),
    lambda T: T.zeros(2, 3, 4)[:, ::2].transpose(0, 2),
], ids=["contiguous", "channels_last", "permuted", "singletons", "expanded", "sliced"])
@pytest.mark.parametrize("check", [False, True, "formats"])
def test_dim_order_as_pytorch(layout, check):
    def order(T):
        fmt = [T.contiguous_format, T.channels_last] if check == "formats" else check
        return layout(T).dim_order(ambiguity_check=fmt)
    assert outcome(ember, lambda: order(ember)) == outcome(torch, lambda: order(torch))


def _deep_copied_views(T):
    a = T.arange(6.0)
    a2, b2 = copy.deepcopy((a, a[::2]))
    a2[0] = 100.0           # (b2 views a2's copy of the storage)
    return b2, b2.stride(), b2._base is None, a2._version


def _deep_copied_layouts(T):
    e, tt = T.ones(2, 3).expand(4, 2, 3), T.ones(2, 3).t()
    return [(c.stride(), c.storage_offset()) for c in copy.deepcopy([e, tt, e[1:, :, 1:]])]


def _deep_copied_state(T):
    t = T.ones(2, requires_grad=True)
    t.grad, t.note = T.full((2,), 3.0), [1]
    c = copy.deepcopy(t)
    return c, c.grad, c.note, c.note is t.note


def _deep_copied_subclass(T):
    cls = type("Plain", (T.Tensor,), {})
    return copy.deepcopy(T.ones(2).as_subclass(cls))


@pytest.mark.parametrize("fn", [_deep_copied_views, _deep_copied_layouts, _deep_copied_state,
                                _deep_copied_subclass], ids=["views", "layouts", "state",
                                                             "subclass"])
def test_deepcopy_keeps_storage_layout_and_state_as_pytorch(fn):
    assert outcome(ember, lambda: fn(ember)) == outcome(torch, lambda: fn(torch))


def _parameter_copies(T):
    p = T.nn.Parameter(T.arange(6.0).reshape(2, 3).t())
    p.grad = T.ones(3, 2)
    func, args = p.__reduce_ex__(2)
    plain = pickle.loads(pickle.dumps(p))
    p.note = 3
    noted = pickle.loads(pickle.dumps(p))
    deep = copy.deepcopy(p)
    return (func.__name__, len(args), type(args[0]).__name__, type(plain).__name__,
            plain.stride(), noted.note, deep.grad, hasattr(deep, "note"), deep.stride())


def test_parameter_pickle_and_deepcopy_as_pytorch():
    assert outcome(ember, lambda: _parameter_copies(ember)) == \
        outcome(torch, lambda: _parameter_copies(torch))
