"""The elementwise family beyond its op-table rows: dtypes, integer and bool
inputs, NaN/inf rules, keyword arguments, errors and operators, each
compared with PyTorch."""
import math

import pytest

import ember
from compare_torch import check, check_error

pytest.importorskip("torch")

NAN, INF = math.nan, math.inf


def _ints(T):
    return T.tensor([[12, -18, 7], [0, 45, -3]])


def _floats(T):
    return T.tensor([[1.5, -0.25, NAN], [INF, -INF, 0.0]])


# -- dtype promotion of the binary ops --------------------------------------
def _operands(T):
    """Pairs covering PyTorch's promotion: int/int, bool/bool, int/float,
    float/double, uint8/uint8, dimensioned float32 with a 0-d double."""
    return [(T.tensor([1, 2, -3]), T.tensor([3, -2, 2])),
            (T.tensor([True, False, True]), T.tensor([True, True, False])),
            (T.tensor([1, 2, 3]), T.tensor([0.5, -1.5, 2.0])),
            (T.tensor([0.5, -1.5, 2.0]), T.tensor([1.0, 2.0, -0.5], dtype=T.float64)),
            (T.tensor([1, 2, 200], dtype=T.uint8), T.tensor([3, 7, 5], dtype=T.uint8)),
            (T.tensor([0.5, -1.5, 2.0]), T.tensor(2.5, dtype=T.float64)),
            (T.tensor([1, 12, -3], dtype=T.int8), T.tensor([2, 18, 5], dtype=T.int8))]


BINARY = ["atan2", "arctan2", "hypot", "copysign", "fmax", "fmin", "logaddexp", "logaddexp2",
          "heaviside", "ldexp", "nextafter", "gcd", "lcm", "logical_xor", "bitwise_left_shift",
          "bitwise_right_shift"]


@pytest.mark.parametrize("case", range(7))
@pytest.mark.parametrize("name", BINARY)
def test_binary_dtypes_and_values(name, case):
    check(lambda T: getattr(T, name)(*_operands(T)[case]))


@pytest.mark.parametrize("name", BINARY)
def test_binary_method_and_scalar_operand(name):
    check(lambda T: getattr(T.tensor([1.0, -2.0]), name)(T.tensor([0.5, 3.0])))
    if name == "arctan2":
        name = "atan2"      # (an alias's refusal names the op, where PyTorch names the alias)
    # Most take tensors only (copysign and the shifts take numbers too).
    check(lambda T: getattr(T, name)(T.tensor([1, -2]), 2))
    check(lambda T: getattr(T, name)(T.tensor([1.0, -2.0]), 2.5))


@pytest.mark.parametrize("name", BINARY)
def test_binary_broadcast_and_shape_errors(name):
    check(lambda T: getattr(T, name)(T.tensor([[4], [6]]), T.tensor([2, 3, 9])))
    check_error(lambda T: (T.tensor([4, 6]), T.tensor([2, 3, 9])),
                lambda T, a, b: getattr(T, name)(a, b))


def test_float_ops_on_special_values():
    for name in ("atan2", "hypot", "copysign", "logaddexp", "logaddexp2", "nextafter"):
        check(lambda T: getattr(T, name)(_floats(T), _floats(T).flip(1)))
        check(lambda T: getattr(T, name)(_floats(T), T.tensor([-0.0, 1.0, -2.0])))


def test_fmax_fmin_nan_rules():
    # NaN loses unless both are NaN; maximum propagates it instead.
    a = lambda T: T.tensor([NAN, 1.0, NAN, -INF, 2.0])
    b = lambda T: T.tensor([3.0, NAN, NAN, 1.0, 2.0])
    check(lambda T: T.fmax(a(T), b(T)))
    check(lambda T: T.fmin(a(T), b(T)))
    for name in ("fmax", "fmin"):
        def grads(T, name=name):
            x, y = a(T).requires_grad_(), b(T).requires_grad_()
            getattr(T, name)(x, y).backward(T.ones(5))
            return x.grad, y.grad
        check(grads)


def test_copysign_signed_zero_and_gradient():
    check(lambda T: T.copysign(T.tensor([1.0, 2.0, 0.0]), T.tensor([-0.0, 0.0, -1.0])))
    check(lambda T: T.copysign(T.tensor([1, -2, 3]), -1))
    check(lambda T: T.copysign(T.tensor([1.5, -2.0]), True))

    def grads(T):
        x = T.tensor([0.0, -2.0, 3.0], requires_grad=True)
        y = T.tensor([-1.0, -1.0, 1.0], requires_grad=True)
        T.copysign(x, y).backward(T.ones(3))
        return x.grad, y.grad
    check(grads)


def test_heaviside():
    check(lambda T: T.heaviside(T.tensor([-1.5, 0.0, 2.0, NAN]), T.tensor([0.5])))
    check(lambda T: T.heaviside(T.tensor([-1, 0, 2]), T.tensor([7, 8, 9])))
    check_error(lambda T: (T.tensor([1.0]), T.tensor([1])), lambda T, a, b: T.heaviside(a, b))
    check(lambda T: T.heaviside(T.tensor([1.0], requires_grad=True), T.tensor([0.5])))

    def backward(T):
        x = T.tensor([1.0, -1.0], requires_grad=True)
        T.heaviside(x, T.tensor([0.5])).sum().backward()
    check(backward)


def test_ldexp_integer_exponent_gradient_as_torch():
    # PyTorch's derivative takes 2 ** other as an integer power: 0 for a
    # negative integer exponent (the value itself is right).
    def run(T):
        x = T.tensor([1.0, 3.0, -2.0], requires_grad=True)
        y = T.ldexp(x, T.tensor([-2, 1, 0]))
        y.backward(T.ones(3))
        return y, x.grad
    check(run)
    check(lambda T: T.ldexp(T.tensor([1, 2, 3]), T.tensor([3, -1, 0])))


def test_gcd_lcm_integers():
    check(lambda T: T.gcd(_ints(T), T.tensor([8, 12, 0])))
    check(lambda T: T.lcm(_ints(T), T.tensor([8, 12, 0])))
    check(lambda T: T.gcd(T.tensor([0, -4], dtype=T.int16), T.tensor([0, 6], dtype=T.int16)))
    check(lambda T: T.lcm(T.tensor([100, 7], dtype=T.uint8), T.tensor([3, 9], dtype=T.uint8)))
    for name in ("gcd_", "lcm_"):
        def inplace(T, name=name):
            x = _ints(T)
            out = getattr(x, name)(T.tensor([4, 6, 10]))
            return out is x, x
        check(inplace)


def test_logical_xor_kinds():
    check(lambda T: T.logical_xor(T.tensor([0.0, 1.5, NAN, 0.0]), T.tensor([0, 0, 1, 2])))
    check(lambda T: T.tensor([True, False]).logical_xor(T.tensor([True, True])))

    def inplace(T):
        x = T.tensor([0.0, 2.0, 3.0])
        x.logical_xor_(T.tensor([1, 0, 1]))
        return x
    check(inplace)


# -- shifts -------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "int64"])
def test_shifts_wrap_as_torch(dtype):
    vals = [0, 1, 5, 100, -3, -128, 77]
    amounts = [0, 1, 3, 2, 1, 7, 9]

    def run(T):
        x = T.tensor(vals).to(getattr(T, dtype))
        s = T.tensor(amounts).to(getattr(T, dtype))
        return (x << s, x >> s, x << 1, x >> 2, T.bitwise_left_shift(x, s),
                x.bitwise_right_shift(s), T.bitwise_left_shift(x, 70))
    check(run)


def test_shift_operators_and_inplace():
    check(lambda T: (2 << T.tensor([1, 2, 3]), 64 >> T.tensor([1, 2, 3])))
    check(lambda T: T.bitwise_left_shift(3, T.tensor([1, 2])))
    check_error(lambda T: (T.tensor([1, 2]),), lambda T, t: 2.5 << t)
    check(lambda T: (T.tensor([-5, 5]) >> -1, T.tensor([3, 3]) << 64, T.tensor([-7]) >> 70))

    def inplace(T):
        x = T.tensor([1, 2, 3], dtype=T.int16)
        y = x
        x <<= 2
        x >>= T.tensor([1, 0, 1], dtype=T.int16)
        x.bitwise_left_shift_(1)
        x.bitwise_right_shift_(T.tensor([0, 1, 2], dtype=T.int16))
        return y is x, x, x._version if T is ember else 4
    check(inplace)
    check_error(lambda T: (T.tensor([1.0, 2.0]),), lambda T, x: x << 1)
    check_error(lambda T: (T.tensor([True]),), lambda T, x: x >> T.tensor([True]))


def test_shift_of_an_unsupported_operand_is_a_type_error():
    with pytest.raises(TypeError):
        ember.tensor([1]) << "a"
    with pytest.raises(TypeError):
        "a" << ember.tensor([1])


# -- three-tensor ops ---------------------------------------------------------
def test_lerp_values_and_dtype_rules():
    check(lambda T: T.lerp(T.tensor([0.0, 1.0]), T.tensor([10.0, -1.0]), 1))
    check(lambda T: T.lerp(T.tensor([0.0, 1.0]), T.tensor([[10.0], [2.0]]),
                           T.tensor([0.25, 0.75])))
    check(lambda T: T.lerp(T.tensor([0.0, 1.0], dtype=T.float64), T.tensor([3.0, 4.0],
                           dtype=T.float64), 0.6))
    for args in [(lambda T: (T.tensor([1, 2]), T.tensor([3, 4]))),
                 (lambda T: (T.tensor([1.0, 2.0]), T.tensor([3.0, 4.0], dtype=T.float64))),
                 (lambda T: (T.tensor([1.0, 2.0]), T.tensor([3.0, 4.0, 5.0]))),
                 (lambda T: (T.tensor([1.0, 2.0]), T.tensor([1, 2])))]:
        check_error(args, lambda T, a, b: T.lerp(a, b, 0.5))
    check_error(lambda T: (T.tensor([1.0]), T.tensor([2.0]), T.tensor([0.5], dtype=T.float64)),
                lambda T, a, b, w: T.lerp(a, b, w))
    check_error(lambda T: (T.tensor([1, 2]), T.tensor([3, 4]), T.tensor([1, 1])),
                lambda T, a, b, w: T.lerp(a, b, w))
    check_error(lambda T: (T.tensor([1.0]), T.tensor([2.0])), lambda T, a, b: T.lerp(a, b, "w"))


def test_lerp_inplace_and_out():
    def run(T):
        x = T.tensor([1.0, 2.0])
        x.lerp_(T.tensor([3.0, 6.0]), 0.5)
        out = T.empty(2)
        T.lerp(x, T.tensor([0.0, 0.0]), T.tensor([0.5, 1.0]), out=out)
        return x, out
    check(run)


@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
def test_addc_values_dtypes_and_value(name):
    f = lambda T, *a, **k: getattr(T, name)(*a, **k)
    check(lambda T: f(T, T.tensor([1.0, 2.0]), T.tensor([[3.0], [4.0]]), T.tensor([2.0, -4.0]),
                      value=0.5))
    check(lambda T: f(T, T.tensor([1, 2]), T.tensor([3.0, 4.0]), T.tensor([2, 4])))
    check(lambda T: f(T, T.tensor(1.0, dtype=T.float64), T.tensor([3.0, 4.0]),
                      T.tensor([2.0, 4.0])))
    check(lambda T: f(T, T.tensor([1.0]), T.tensor([3.0, 4.0]), T.tensor(2.0, dtype=T.float64)))
    check(lambda T: getattr(T.tensor([1.0, 2.0]), name)(T.tensor([3.0, 4.0]),
                                                        T.tensor([2.0, 4.0]), value=-2))
    check_error(lambda T: (T.tensor([1.0, 2.0]), T.tensor([3.0, 4.0, 5.0]), T.tensor([1.0])),
                lambda T, a, b, c: f(T, a, b, c))


def test_addcmul_integers_and_bool():
    check(lambda T: T.addcmul(T.tensor([1, 2, 3]), T.tensor([1, 2, 3]), T.tensor([1, 2, 3]),
                              value=2))
    check(lambda T: T.addcmul(T.tensor([1, 2, 3]), T.tensor([1, 2, 3]), T.tensor([1, 2, 3]),
                              value=0.5))
    check_error(lambda T: (T.tensor([True]), T.tensor([True]), T.tensor([False])),
                lambda T, a, b, c: T.addcmul(a, b, c))


def test_addcdiv_refuses_integer_division():
    for dt in ("int64", "uint8", "bool"):
        check_error(lambda T: (T.tensor([1.0, 2.0]), T.tensor([1, 2]).to(getattr(T, dt)),
                               T.tensor([1, 1]).to(getattr(T, dt))),
                    lambda T, a, b, c: T.addcdiv(a, b, c))

    def inplace(T):
        x = T.tensor([1.0, 2.0])
        x.addcdiv_(T.tensor([1.0, 3.0]), T.tensor([2.0, 4.0]), value=3)
        x.addcmul_(T.tensor([1.0, 3.0]), T.tensor([2.0, 4.0]), value=-1)
        return x
    check(inplace)


# -- unary ops -----------------------------------------------------------------
UNARY = ["asinh", "acosh", "atanh", "arcsinh", "arccosh", "arctanh", "deg2rad", "rad2deg",
         "sgn", "signbit", "isposinf", "isneginf", "isreal", "nan_to_num", "fix", "positive"]


def _unary_inputs(T):
    return [_floats(T), _ints(T), T.tensor([True, False]), T.tensor([3, 250], dtype=T.uint8),
            T.tensor([0.5, -0.0, 2.0], dtype=T.float64), T.tensor(-0.5), T.ones(0, 2),
            T.tensor([[1.5, 0.5], [-2.0, 3.0]]).t(), T.tensor([-3, 5], dtype=T.int8)]


@pytest.mark.parametrize("case", range(9))
@pytest.mark.parametrize("name", UNARY)
def test_unary_values_and_dtypes(name, case):
    check(lambda T: getattr(T, name)(_unary_inputs(T)[case]))
    check(lambda T: getattr(_unary_inputs(T)[case], name)())


@pytest.mark.parametrize("name", ["asinh", "acosh", "atanh", "deg2rad", "rad2deg", "sgn",
                                  "nan_to_num", "fix"])
def test_unary_inplace(name):
    def run(T):
        x = T.tensor([1.5, 0.25, -0.75])
        y = getattr(x, name + "_")()
        return y is x, x
    check(run)
    check_error(lambda T: (T.tensor([1.0, 2.0], requires_grad=True),),
                lambda T, x: getattr(x, name + "_")())


def test_nan_to_num_arguments():
    check(lambda T: T.nan_to_num(_floats(T)))
    check(lambda T: T.nan_to_num(_floats(T), nan=2.5, posinf=100.0, neginf=-7))
    check(lambda T: T.nan_to_num(_floats(T), posinf=1e40))
    check(lambda T: _floats(T).double().nan_to_num(neginf=-1e300))
    check(lambda T: T.nan_to_num(_ints(T), nan=5.0))
    check(lambda T: T.nan_to_num(_floats(T), 1.0, 2.0, 3.0, out=T.empty(2, 3)))

    def grads(T):
        x = T.tensor([1.0, NAN, INF, -INF, -2.0], requires_grad=True)
        y = T.nan_to_num(x * 2, nan=1.0)
        y.backward(T.ones(5))
        return y, x.grad
    check(grads)


def test_positive_returns_its_input():
    x = ember.tensor([1.0, 2.0])
    assert ember.positive(x) is x and x.positive() is x
    check_error(lambda T: (T.tensor([True]),), lambda T, x: T.positive(x))


def test_signbit_and_infinities():
    check(lambda T: T.signbit(T.tensor([-0.0, 0.0, -NAN, NAN, -INF, 1.0])))
    check(lambda T: (T.isposinf(_floats(T)), T.isneginf(_floats(T)), T.isreal(_floats(T))))
    check(lambda T: T.signbit(_floats(T), out=T.empty(2, 3, dtype=T.bool)))


def test_sgn_gradient_is_zero():
    def run(T):
        x = T.tensor([-1.5, 0.0, 2.0], requires_grad=True)
        y = x.sgn()
        y.backward(T.ones(3))
        return y, x.grad.clone()    # (PyTorch's is a ZeroTensor)
    check(run)


def test_frexp():
    vals = lambda T: T.tensor([0.0, 1.0, -3.0, 0.1, 1024.0, INF, NAN, -0.0, 1e-40])
    check(lambda T: tuple(T.frexp(vals(T))), reprs=True)
    check(lambda T: tuple(vals(T).double().frexp()))
    check(lambda T: T.frexp(T.tensor([2.5, -8.0])).exponent)
    check(lambda T: repr(T.frexp(T.tensor([2.5, 6.0]))))
    check(lambda T: type(T.frexp(T.tensor([2.5]))).__name__)
    check_error(lambda T: (T.tensor([1, 2]),), lambda T, x: T.frexp(x))

    def grads(T):
        x = T.tensor([0.0, 3.0, -10.0], requires_grad=True)
        T.frexp(x).mantissa.backward(T.ones(3))
        return x.grad
    check(grads)


def test_frexp_out():
    def run(T):
        m, e = T.empty(2), T.empty(2, dtype=T.int32)
        r = T.frexp(T.tensor([2.5, 6.0]), out=(m, e))
        return tuple(r), r[0] is m, type(r).__name__
    check(run)


def test_fix_is_trunc():
    check(lambda T: T.fix(T.tensor([-1.5, 2.7, -0.2]), out=T.empty(3)))
    t = ember.tensor([1.0], requires_grad=True)
    assert type(ember.fix(t).grad_fn).__name__ == "TruncBackward0"


# -- reductions ----------------------------------------------------------------
def test_nansum_nanmean():
    x = lambda T: T.tensor([[1.0, NAN, 3.0], [NAN, NAN, NAN], [2.0, 5.0, -1.0]])
    check(lambda T: (T.nansum(x(T)), T.nansum(x(T), 1), T.nansum(x(T), (0, 1), keepdim=True)))
    check(lambda T: (T.nanmean(x(T)), T.nanmean(x(T), 1), x(T).nanmean(0, keepdim=True)))
    check(lambda T: T.nansum(x(T), 0, dtype=T.float64))
    check(lambda T: T.nanmean(x(T), -1, dtype=T.float64))
    check(lambda T: (T.nansum(_ints(T)), T.nansum(T.tensor([True, True])),
                     T.nansum(T.tensor([200, 100], dtype=T.uint8))))
    check(lambda T: T.nansum(x(T), 1, out=T.empty(3)))
    check(lambda T: T.nanmean(x(T), 1, out=T.empty(3)))
    check_error(lambda T: (_ints(T),), lambda T, t: T.nanmean(t))
    check(lambda T: (T.nansum(T.tensor(NAN), 0), T.nanmean(T.tensor(2.0), -1, keepdim=True)))
    check_error(lambda T: (T.tensor(2.0),), lambda T, t: T.nansum(t, 3))
    check_error(lambda T: (x(T),), lambda T, t: T.nanmean(t, 0, dtype=T.int64))

    def grads(T):
        a, b = x(T).requires_grad_(), x(T).requires_grad_()
        (T.nansum(a, 0) * T.nanmean(b, 1)).sum().backward()
        return a.grad, b.grad, T.nanmean(b, 1).grad_fn.next_functions[0][0].name() \
            if T is not ember else "NansumBackward0"
    check(grads)


@pytest.mark.parametrize("name", ["var_mean", "std_mean"])
def test_var_std_mean(name):
    f = lambda T: getattr(T, name)
    x = lambda T: (T.arange(24.0).reshape(2, 3, 4) ** 1.5) / 10
    check(lambda T: f(T)(x(T)))
    check(lambda T: f(T)(x(T), 1))
    check(lambda T: f(T)(x(T), (0, 2), keepdim=True))
    check(lambda T: f(T)(x(T), -1, correction=0))
    check(lambda T: f(T)(x(T), 1, False, True))
    check(lambda T: f(T)(x(T), False))
    check(lambda T: f(T)(x(T), dim=[0, 1], unbiased=True))
    check(lambda T: f(T)(x(T), 1, correction=2.5))
    check(lambda T: f(T)(T.tensor(3.0)))
    check_error(lambda T: (_ints(T),), lambda T, t: f(T)(t))
    assert type(f(ember)(x(ember))) is tuple

    def grads(T):
        a = x(T).requires_grad_()
        s, m = f(T)(a, (0, 2))
        (s * 2 + m * m).sum().backward()
        return s, m, a.grad
    check(grads)

    def only_mean(T):
        a = x(T).requires_grad_()
        f(T)(a, 1)[1].sum().backward()
        return a.grad
    check(only_mean)


def test_var_mean_degrees_of_freedom_warning():
    with pytest.warns(UserWarning, match=r"var_mean\(\): degrees of freedom is <= 0"):
        v, m = ember.var_mean(ember.ones(1))
    assert math.isnan(v.item()) and m.item() == 1.0


def test_isin():
    e = lambda T: T.tensor([[1, 2, 3], [4, 2, 0]])
    check(lambda T: T.isin(e(T), T.tensor([2, 4, 9])))
    check(lambda T: T.isin(e(T), T.tensor([2, 4, 9]), invert=True))
    check(lambda T: T.isin(e(T), T.tensor([0, 2, 4]), assume_unique=True))
    check(lambda T: T.isin(e(T), 2))
    check(lambda T: T.isin(3, T.tensor([1, 3])))
    check(lambda T: T.isin(T.tensor([1, 2, 3]), T.tensor([2.0, 2.5])))
    check(lambda T: T.isin(T.tensor([1.0, 2.0, 3.0]), 2))
    check(lambda T: T.isin(T.tensor([0.1, 0.2]), T.tensor([0.1], dtype=T.float64)))
    check(lambda T: T.isin(T.tensor([NAN, 1.0]), T.tensor([NAN, 1.0])))
    check(lambda T: T.isin(e(T), T.tensor([2]), out=T.empty(2, 3, dtype=T.bool)))
    check_error(lambda T: (T.tensor([True]),), lambda T, t: T.isin(t, t))
    check_error(lambda T: (T.tensor([1]),), lambda T, t: T.isin(t, T.tensor([True])))
    check_error(lambda T: (T.tensor([1]),), lambda T, t: T.isin(t, True))
    check_error(lambda T: (T.tensor([True]),), lambda T, t: T.isin(t, T.tensor([1.0])))
    check_error(lambda T: (T.tensor([1]),), lambda T, t: T.isin(t, "a"))
    check_error(lambda T: (), lambda T: T.isin(1, 2))
    assert not hasattr(ember.Tensor, "isin")


def test_cumsum_dtype():
    check(lambda T: T.cumsum(T.tensor([1, 2, 3], dtype=T.int8), 0, dtype=T.float64))
    check(lambda T: T.cumsum(T.tensor([1, 2, 3], dtype=T.int8), 0))


def test_cumsum_dtype_int32():
    check(lambda T: T.tensor([1.5, 2.5]).cumsum(0, dtype=T.int32))


def test_cumsum_inplace():
    def run(T):
        x = T.tensor([1.0, 2.0, 3.0])
        x.cumsum_(0)
        return x
    check(run)


def _grads(f, *values, dtype=None):
    """f's result and its inputs' gradients, the inputs made from `values`."""
    def run(T):
        xs = [T.tensor(v, requires_grad=True) for v in values]
        y = f(T, *xs)
        y.backward(T.ones(y.shape))
        return (y,) + tuple(x.grad for x in xs)
    return run


@pytest.mark.parametrize("case", [
    (lambda T, a, b: T.atan2(a, b), [0.0, 3.0, -1.0], [0.0, 4.0, 0.0]),
    (lambda T, a, b: T.hypot(a, b), [0.0, 3.0, -1.0], [0.0, 4.0, 0.0]),
    (lambda T, a, b: T.logaddexp(a, b), [-INF, 3.0, INF], [-INF, 1.0, 2.0]),
    (lambda T, a, b: T.logaddexp2(a, b), [-INF, 3.0, 100.0], [-INF, 1.0, -100.0]),
    (lambda T, a, b: T.ldexp(a, b), [1.0, -3.0, 0.0], [0.5, -2.0, 3.0]),
    (lambda T, a, b: T.nextafter(a, b), [1.0, 0.0, -2.0], [2.0, -1.0, -2.0]),
    (lambda T, a, b: T.lerp(a, b, 0.75), [1.0, 0.0, -2.0], [2.0, -1.0, 3.0]),
    (lambda T, a, b, w: T.lerp(a, b, w), [1.0, 0.0, -2.0], [2.0, -1.0, 3.0], [0.2, 0.5, 0.9]),
    (lambda T, a, b, c: T.addcdiv(a, b, c, value=-2), [1.0, 0.0, -2.0], [2.0, -1.0, 3.0],
     [0.5, 4.0, -1.0]),
    (lambda T, a, b, c: T.addcmul(a, b, c, value=3), [1.0, 0.0, -2.0], [2.0, -1.0, 3.0],
     [0.5, 4.0, -1.0]),
    (lambda T, a: T.logsumexp(a, 0), [-INF, -INF]),
    (lambda T, a: T.acosh(a), [1.5, 3.0]),
    (lambda T, a: T.atanh(a), [0.5, -0.25]),
    (lambda T, a: T.asinh(a), [0.5, -3.0]),
], ids=["atan2", "hypot", "logaddexp", "logaddexp2", "ldexp", "nextafter", "lerp", "lerp_w",
        "addcdiv", "addcmul", "logsumexp", "acosh", "atanh", "asinh"])
def test_gradients_at_edges(case):
    f, *values = case
    check(_grads(f, *values))


def test_unsigned_right_shift_past_the_width():
    check(lambda T: T.tensor([200, 255], dtype=T.uint8) >> T.tensor([1, 9], dtype=T.uint8))
    check(lambda T: T.tensor([-200, 255], dtype=T.int16) >> T.tensor([1, 19], dtype=T.int16))


def test_second_derivatives_at_create_graph():
    def run(T):
        x = T.tensor([0.5, -1.0, 2.0], requires_grad=True)
        y = T.tensor([1.5, 0.25, -1.0], requires_grad=True)
        out = (T.atan2(x, y) + T.logaddexp(x, y) + T.hypot(x, y) + T.lerp(x, y, y.sigmoid())
               + T.addcdiv(x, x, y) + T.logsumexp(T.stack([x, y]), 0) + T.asinh(x * y)).sum()
        gx, gy = T.autograd.grad(out, (x, y), create_graph=True)
        (gx * gy).sum().backward()
        return gx, gy, x.grad, y.grad
    check(run, rtol=1e-5)
