"""Result dtypes and dtype errors found by sweeping ops over PyTorch's 12
dtypes (tensor, 0-d tensor and Python number operands), against PyTorch:
one parametrised case list per cause fixed, so that a regression shows.

Each case is an expression of `T` (ember or torch) and `t(dtype, values)`,
a tensor of `values` converted to T.<dtype>."""
import pytest

from compare_torch import check

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
          "float64", "complex64", "complex128"]


def _plain(r, T):
    """bfloat16 results as their dtype and float32 values (NumPy has no bfloat16)."""
    if isinstance(r, T.Tensor) and r.dtype == T.bfloat16:
        return r.dtype, r.float()
    if isinstance(r, tuple):
        return tuple(_plain(v, T) for v in r)
    return r


def _run(expr, exact=False):
    def fn(T):
        def t(dtype, values=(1, 2, 3, 4)):
            return T.tensor(values).to(getattr(T, dtype))
        return _plain(eval(expr, {"T": T, "t": t}), T)
    check(fn, exact=exact, rtol=1e-3)


def _cases(template, pairs):
    return [template.format(a=a, b=b) for a, b in pairs]


# lerp: the end's (weight's) dtype is checked before the kernel refuses the input's;
# a non-tensor input or end lists both overloads.
LERP = (_cases("T.lerp(t('{a}'), t('{b}'), 0.5)", [(a, b) for a in ("bool", "int64", "float32")
                                                    for b in ("uint8", "float64", "complex64")])
        + _cases("T.lerp(t('{a}'), t('{b}', 3), t('{b}'))", [("int8", "float32"),
                                                              ("bool", "float16")])
        + ["T.lerp(t('float32'), 2, 0.5)", "T.lerp(2, t('float32'), 0.5)",
           "t('bool').lerp_(t('float32'), 0.5)"])


@pytest.mark.parametrize("expr", LERP)
def test_lerp_dtype_check_first(expr):
    _run(expr)


# In place: a kernel's refusal comes after TensorIterator's cast check of self.
INPLACE = (_cases("t('{a}').{b}", [
    ("bool", "bitwise_and_(t('float16'))"), ("bool", "bitwise_or_(t('bfloat16', 2))"),
    ("int64", "bitwise_xor_(t('float32'))"), ("float32", "bitwise_and_(t('int64'))"),
    ("bool", "atan2_(t('complex64'))"), ("int8", "atan2_(t('complex128', 2))"),
    ("bool", "hypot_(t('uint8'))"), ("int64", "hypot_(t('int32'))"),
    ("bool", "floor_divide_(t('complex64'))"), ("int16", "remainder_(t('complex128'))"),
    ("bool", "clamp_(2)"), ("uint8", "clamp_(2.5)"), ("int64", "clamp_(1j)"),
    ("float32", "clamp_(1j)"), ("bool", "clamp_(True)"), ("float32", "clamp_(0.5, 2)"),
    ("float32", "atan2_(2)"), ("int64", "hypot_(2.5)"), ("float32", "ldexp_(2)")]))


@pytest.mark.parametrize("expr", INPLACE)
def test_inplace_cast_check_first(expr):
    _run(expr)


RESULT_TYPE = (_cases("T.result_type(t('{a}'), {b})", [
    (a, b) for a in DTYPES for b in ("True", "2", "2.5", "1j")])
    + _cases("T.result_type({b}, t('{a}'))", [(a, "1j") for a in DTYPES]))


@pytest.mark.parametrize("expr", RESULT_TYPE)
def test_result_type_with_numbers(expr):
    _run(expr)


# sum/prod with dtype= (NumPy widened small integers and bools to int64)
REDUCTIONS = (_cases("t('{a}').{b}", [(a, b) for a in DTYPES[:6] + ["float32"]
                                      for b in ("sum(dtype=T.int32)", "sum(dtype=T.bool)",
                                                "prod(dtype=T.int8)", "sum(0, dtype=T.int16)",
                                                "mean(dtype=T.int64)")])
              + ["T.sum(t('float32', (0.6, 0.6)), 0, out=T.empty((), dtype=T.int64))",
                 "T.sum(t('int64'), 0, out=T.empty((), dtype=T.bool))",
                 "T.prod(t('float32', (0.5, 3.5)), 0, out=T.empty((), dtype=T.int64))"])


@pytest.mark.parametrize("expr", REDUCTIONS)
def test_reduction_dtype(expr):
    _run(expr, exact=True)


UNARY = (_cases("T.{b}(t('{a}'))", [(a, b) for a in ("bool", "uint8", "bfloat16")
                                     for b in ("abs", "sign", "relu", "argmax", "argmin", "all",
                                               "any", "bitwise_not", "angle", "nanmean",
                                               "frexp")])
         + ["t('bool').abs_()", "t('bool').sign_()", "T.argmax(t('bool'), 0, keepdim=True)",
            "T.all(t('uint8', (1, 0)), 0)", "T.mvlgamma(t('bool'), 1)",
            "T.mvlgamma(t('uint8', (3, 4)), 1)"])


@pytest.mark.parametrize("expr", UNARY)
def test_unary_dtype_rules(expr):
    _run(expr)


# bitwise ops on bfloat16; the newer special functions refuse half types;
# a negative number beside an unsigned tensor keeps its value.
BINARY = (_cases("T.{b}(t('{a}'), t('bfloat16'))", [(a, b) for a in ("bool", "int64", "bfloat16")
                                                     for b in ("bitwise_and", "bitwise_or",
                                                               "bitwise_xor")])
          + ["t('bool') & t('bfloat16', 3)", "t('bfloat16') | True"]
          + _cases("T.special.{b}(t('{a}'), t('{a}'))", [
              (a, b) for a in ("float16", "bfloat16")
              for b in ("zeta", "chebyshev_polynomial_t", "hermite_polynomial_h",
                        "laguerre_polynomial_l", "legendre_polynomial_p", "xlog1py")])
          + _cases("T.special.{b}(t('bfloat16'))", [(None, b) for b in (
              "bessel_j0", "airy_ai", "erfcx", "ndtri", "log_ndtr", "modified_bessel_k1")])
          + _cases("{b}", [(None, b) for b in (
              "T.xlogy(t('uint8'), -1)", "T.xlogy(-1, t('uint8'))", "T.special.zeta(-1, t('uint8'))",
              "T.special.chebyshev_polynomial_t(-1, t('uint8'))", "T.copysign(t('uint8'), -1)",
              "T.special.xlog1py(t('uint8'), -1)", "T.igamma(t('uint8'), t('int8', 3))",
              "T.igamma(t('int8', 3), t('uint8'))", "T.igammac(t('int16'), t('int64', 3))",
              "T.xlogy(t('float16', 3), 2.5)", "T.special.xlog1py(2.5, t('bfloat16', 3))",
              "T.xlogy(t('bool'), 2.5)", "T.xlogy(1j, t('uint8'))",
              "T.special.zeta(t('float16', 3), 2.5)",
              "T.special.chebyshev_polynomial_t(t('bfloat16', 3), 2)")]))


@pytest.mark.parametrize("expr", BINARY)
def test_binary_kernel_dtypes(expr):
    _run(expr)


CLAMP = (_cases("T.clamp(t('{a}'), t('{b}'), t('{b}'))", [
    (a, b) for a in ("bool", "int8", "float32") for b in ("bool", "complex64")])
    + _cases("T.clamp(t('{a}'), min=t('{b}'))", [(a, b) for a in ("bool", "float64")
                                                 for b in ("complex64", "complex128")])
    + _cases("T.clamp(t('{a}'), max=t('{b}', 2))", [("int32", "complex64"), ("float32", "bool")])
    + _cases("T.clamp(t('{a}'), {b})", [(a, b) for a in ("bool", "uint8", "int64", "bfloat16")
                                        for b in ("True", "-1", "1j", "2.5", "1, 3")])
    + ["T.clamp_min(t('bool'), 2)", "T.clamp_max(t('bool'), True)",
       "T.clamp(t('float32'), min=t('complex128', 3))",
       "T.clamp(t('int64'), 1, 2, out=T.empty(4, dtype=T.int32))",
       "T.clamp(t('int64'), t('int64', 1), t('int64', 3), out=T.empty(4, dtype=T.int32))",
       "T.clip(t('float64'), max=2.5, out=T.empty(4))",
       "T.clamp(t('bool'), 1, 2, out=T.empty(4, dtype=T.int64))"])


@pytest.mark.parametrize("expr", CLAMP)
def test_clamp_dtypes(expr):
    _run(expr)


WHERE = (_cases("T.where(t('bool', (1, 0, 1, 0)), t('{a}'), {b})", [
    (a, b) for a in ("bool", "uint8", "float16") for b in ("2", "-1", "2.5", "True")])
    + _cases("T.where(t('bool', (1, 0, 1, 0)), t('{a}'), t('{b}'), out=T.empty(4))",
             [(a, b) for a in ("float32", "int64", "bool") for b in ("float32", "uint8")])
    + ["T.where(t('bool', (1, 0, 1, 0)), t('float32'), 2, out=T.empty(4))"])


@pytest.mark.parametrize("expr", WHERE)
def test_where_dtypes(expr):
    _run(expr)


def _setitem_mask(T, dst, src, shape=()):
    x = T.tensor([1, 2]).to(getattr(T, dst))
    x[T.tensor([True, False])] = T.tensor(5).reshape(shape).to(getattr(T, src))
    return _plain(x, T)


@pytest.mark.parametrize("dst", DTYPES)
@pytest.mark.parametrize("src", ["bool", "uint8", "float64", "complex64"])
def test_setitem_mask_takes_one_value_of_any_dtype(dst, src):
    check(lambda T: _setitem_mask(T, dst, src))
    check(lambda T: _setitem_mask(T, dst, src, (1,)))


def test_setitem_mask_refuses_several_values_of_another_dtype():
    def fn(T):
        x = T.tensor([1, 2])
        x[T.tensor([True, True])] = T.tensor([5.5, 6.5])
    check(fn)

    def fn2(T):
        x = T.tensor([1.0, 2.0])
        x[T.tensor([True, False])] = T.tensor(5 + 1j)
    check(fn2)


OUT = (_cases("T.cat([t('{a}'), t('{a}')], out=T.empty(8, dtype=T.{b}))", [
    (a, b) for a in ("int64", "float32", "complex64") for b in ("bool", "int32", "float64")]))


@pytest.mark.parametrize("expr", OUT)
def test_cat_out_dtype(expr):
    _run(expr)


# A number first: the comparisons have no such overload; complex numbers are
# taken where PyTorch takes numbers.
NUMBER_FIRST = (_cases("T.{b}({a}, t('int64'))", [(a, b) for a in ("2", "2.5", "True")
                                                  for b in ("eq", "ne", "lt", "greater")])
                + ["T.lt(2, t('float32'), out=T.empty(4, dtype=T.bool))", "2 < t('int8')",
                   "T.add(1j, t('int64'))", "T.mul(1j, t('float64'))", "T.sub(1j, t('uint8'))",
                   "T.div(1j, t('int32'))", "T.remainder(1j, t('int64'))",
                   "T.floor_divide(1j, t('int8'))", "1j << t('int16')", "1j % t('int64')"])


@pytest.mark.parametrize("expr", NUMBER_FIRST)
def test_number_first(expr):
    _run(expr)


PAIRS = (_cases("T.dist(t('{a}'), t('{b}'))", [(a, b) for a in ("bool", "int64", "bfloat16")
                                                for b in ("bool", "float32", "bfloat16")])
         + _cases("T.addcdiv({a}, {b}, t('float32'))", [("2", "t('int64')"),
                                                        ("t('int64')", "2")])
         + _cases("T.cross(t('bool', (1, 0, 1)), t('{a}', (1, 2, 3)), dim=0)",
                  [(a, None) for a in ("uint8", "float32")])
         + _cases("T.bmm(t('bool').reshape(1, 2, 2), t('{a}').reshape(1, 2, 2))",
                  [(a, None) for a in ("uint8", "float32")])
         + ["T.dist(2, t('float32'))", "T.cross(t('float32', (1, 2, 3)), t('int64', (1, 2, 3)), 0)"])


@pytest.mark.parametrize("expr", PAIRS)
def test_pair_ops_dtypes(expr):
    _run(expr)


CREATION = (_cases("T.tensor({b}, dtype=T.{a})", [(a, b) for a in DTYPES
                                                   for b in ("[1j, 2]", "[2**70]",
                                                             "[1, 2.5, True]")])
            + _cases("T.randperm(3, dtype=T.{a})", [(a, None) for a in ("complex64", "bool")]))


@pytest.mark.parametrize("expr", CREATION)
def test_creation_dtypes(expr):
    _run(expr)


LOSSES = (_cases("T.nn.functional.mse_loss(t('{a}'), t('{b}'))", [
    (a, b) for a in ("bool", "int64", "float16", "float32") for b in ("bool", "int32",
                                                                        "float64")])
    + _cases("T.nn.functional.{b}(t('float32'), {a})", [(a, b) for a in ("2", "True")
                                                          for b in ("mse_loss", "l1_loss")])
    + _cases("T.nn.functional.{b}(t('{a}'), t('int8', 3))", [
        (a, b) for a in ("uint8", "float16") for b in ("mse_loss", "l1_loss")])
    + _cases("T.nn.functional.cosine_similarity(t('{a}'), {b}, 0)", [
        (a, b) for a in ("bool", "bfloat16", "float16", "int64")
        for b in ("t('bfloat16')", "t('float32', 3)", "t('float64')", "2")]))


@pytest.mark.parametrize("expr", LOSSES)
def test_loss_dtypes(expr):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # (the size-mismatch warning, both libraries)
        _run(expr)


# LAPACK-backed ops refuse float16 and bfloat16, each in its own words.
LINALG = _cases("T.linalg.{b}(t('{a}', ((2, 0), (0, 2))))", [
    (a, b) for a in ("float16", "bfloat16")
    for b in ("inv", "inv_ex", "det", "slogdet", "cholesky", "cholesky_ex", "svd", "svdvals",
              "cond", "eigh", "matrix_rank", "pinv", "lu_factor", "qr", "eigvals")])
LINALG += [
    "T.linalg.solve(t('float16', ((2, 0), (0, 2))), t('float16', ((1, 0), (0, 1))))",
    "T.linalg.lstsq(t('bfloat16', ((2, 0), (0, 2))), t('bfloat16', ((1, 0), (0, 1))))",
    "T.linalg.vander(t('float16'))", "T.det(t('float16', ((2, 0), (0, 2))))",
    "T.inverse(t('bfloat16', ((2, 0), (0, 2))))"]


@pytest.mark.parametrize("expr", LINALG)
def test_linalg_half_refusals(expr):
    _run(expr)


# Counting and searching: histogram's kernel has no half types (histc has);
# searchsorted promotes as PyTorch (a 0-d value ranks lower, bfloat16 too) and
# takes bool and complex numbers; isin names each operand's own dtype.
SEARCH = (_cases("T.{b}(t('{a}'), 3)", [(a, b) for a in ("float16", "bfloat16", "float32")
                                        for b in ("histogram", "histc")])
          + _cases("T.histogramdd(t('{a}').reshape(4, 1), 3)", [(a, None) for a in
                                                                ("float16", "bfloat16")])
          + _cases("T.searchsorted(t('{a}'), {b})", [
              (a, b) for a in ("uint8", "int16", "float64") for b in (
                  "True", "1j", "t('bfloat16')", "t('bfloat16', 3)", "t('complex64')",
                  "t('complex128', 3)")])
          + _cases("T.bucketize({b}, t('{a}'))", [(a, b) for a in ("bool", "int32", "bfloat16")
                                                  for b in ("t('float64')", "2")])
          + _cases("T.isin(t('{a}'), {b})", [(a, b) for a in ("uint8", "bfloat16", "float64")
                                             for b in ("1j", "t('complex64', 3)",
                                                       "t('complex128')", "t('bool')")])
          + _cases("T.histogram(t('float32'), 3, weight={a})", [(a, None) for a in (
              "t('float64')", "t('bfloat16', 3)", "t('complex64')", "t('float32', (1, 2))", "2")])
          + _cases("T.histogramdd(t('float32').reshape(4, 1), 3, weight={a})", [
              (a, None) for a in ("t('float64', (1, 2))", "t('int64')")])
          + _cases("t('{a}').index_copy(0, T.tensor([0, 1]), t('{b}', 3))", [
              ("float32", "int64"), ("int8", "int8"), ("float32", "float32")]))


@pytest.mark.parametrize("expr", SEARCH)
def test_counting_and_searching_dtypes(expr):
    _run(expr)


# Scans, nan-reductions, amax/amin's out=, index dtypes, vector_norm's dtype=
SCANS = (_cases("t('{a}').{b}", [(a, b) for a in ("bool", "int8", "float16", "bfloat16")
                                 for b in ("cumsum(0, dtype=T.bool)", "cumprod(0, dtype=T.bool)",
                                           "cumsum(0, dtype=T.int16)", "nansum(dtype=T.complex64)",
                                           "nanmean(dtype=T.complex128)", "nanmean(dtype=T.int64)")])
         + _cases("T.{b}(t('{a}'), 0, out=T.empty(4, dtype=T.{c}))".replace("{c}", "int64"), [
             (a, b) for a in ("bool", "float16", "float32") for b in ("cumsum", "cumprod")])
         + _cases("T.{b}(t('{a}'), 0, out=T.empty((), dtype=T.uint8))", [
             (a, b) for a in ("bool", "int64", "float32") for b in ("amax", "amin")])
         + _cases("T.nanmean(t('complex64'), dtype=T.{a})", [(a, None) for a in ("bool", "int8")])
         + _cases("T.arange(5)[t('{a}', (1, 2))]", [(a, None) for a in ("int8", "int16", "int32",
                                                                         "uint8", "bfloat16")])
         + _cases("T.linalg.vector_norm(t('{a}'), dtype=T.{b})", [("float16", "bfloat16"),
                                                                  ("bfloat16", "float16"),
                                                                  ("float16", "float32")])
         + _cases("T.mean(t('{a}'), 0, out=T.empty((), dtype=T.{b}))", [
             (a, b) for a in ("float64", "complex64", "int64")
             for b in ("int64", "bool", "float32", "complex128")])
         + ["T.nansum(t('bfloat16', (1, float('nan'))))",
            "T.cummax(t('bfloat16', (1, float('nan'), 2)), 0)"])


@pytest.mark.parametrize("expr", SCANS)
def test_scan_and_reduction_dtypes(expr):
    _run(expr)


# remainder: a zero keeps the dividend's sign (fmod's), as PyTorch's kernel
# (NumPy's takes the divisor's); the signs are compared through signbit.
REMAINDER = (_cases("T.remainder(t('{a}', (4., -1., 5., -5., 7.5)), {b})", [
    (a, b) for a in ("float32", "float64", "bfloat16") for b in ("-1", "2.5", "-2.0")])
    + ["T.remainder(-1, t('float16', (1., 2.)))", "t('float32', (-3., 3.)) % t('float32', (3., -3.))",
       "T.remainder(t('int64', (5, -5)), 3)"])


@pytest.mark.parametrize("expr", REMAINDER)
def test_remainder_signed_zero(expr):
    _run(f"(lambda r: (r, T.signbit(r)))({expr})")


# bfloat16 is a float (NumPy's kind "V" aside): its NaNs, infinities and
# signs in the sorts, selections and tests (ordered as float32, exactly).
NAN = "t('{a}', (3., float('nan'), -float('inf'), 1., -0., 2.))"
BF16_NANS = [b.replace("X", NAN.format(a=a)) for a in ("bfloat16", "float16")
             for b in ("T.sort(X)", "T.argsort(X, descending=True)", "T.topk(X, 2)",
                       "T.topk(X, 2, largest=False)", "T.median(X)", "T.nanmedian(X)",
                       "T.median(X, 0)", "T.msort(X)", "T.kthvalue(X, 2)", "T.mode(X)",
                       "T.unique(X)", "T.cummax(X, 0)", "T.nan_to_num(X)", "T.isposinf(X)",
                       "T.isneginf(X)", "T.signbit(X[2:])", "T.max(X, 0)", "T.nansum(X)",
                       "T.unique(X[2:].reshape(2, 2), dim=1)")]


@pytest.mark.parametrize("expr", BF16_NANS)
def test_bfloat16_nans_and_order(expr):
    _run(expr)


# out= of another dtype: PyTorch's out check comes before a kernel's dispatch
# refusal ('"abs_cpu" not implemented for ...'), not before an op's own words.
OUT_FIRST = (_cases("T.{b}(t('{a}', (1, 2)), out=T.empty(0, dtype=T.{c}))".replace("{c}", "int8"), [
    (a, b) for a in ("bool", "complex64") for b in ("floor", "round", "frac", "sign", "amax",
                                                     "amin", "neg")])
    + ["T.abs(t('bool', (1, 2)), out=T.empty(0, dtype=T.int8))"]
    + _cases("T.{b}(t('bool', (1, 2)).reshape(2, 1), t('bool', (1, 2)).reshape(1, 2), "
             "out=T.empty(0, dtype=T.{a}))", [(a, b) for a in ("int8", "bool")
                                               for b in ("mm", "matmul")]))


@pytest.mark.parametrize("expr", OUT_FIRST)
def test_out_dtype_checked_before_kernel(expr):
    _run(expr)
