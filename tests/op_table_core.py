"""Sample rows for ops of the first catalogue declared in the registry later:
comparisons and logic (no gradient of their own, so each row selects
between differentiable inputs), reductions and powers."""
from op_table import ANY, POS

OPS = [
    ("eq", lambda T, x, y: T.where(T.eq(x, x * (y > 0)), x, y), [((3, 4), ANY), ((4,), ANY)], True),
    ("ne", lambda T, x, y: T.where(x.ne(y), x, y), [((3, 4), ANY), ((4,), ANY)], True),
    ("lt", lambda T, x, y: T.where(x < y, x, y), [((3, 4), ANY), ((4,), ANY)], True),
    ("le", lambda T, x, y: T.where(T.le(x, y), x, y), [((3, 4), ANY), ((3, 4), ANY)], True),
    ("gt", lambda T, x, y: T.where(T.greater(x, y), x, y), [((3, 4), ANY), ((4,), ANY)], True),
    ("ge", lambda T, x, y: T.where(x.ge(0.5), x, y), [((3, 4), ANY), ((3, 4), ANY)], True),
    ("logical_not", lambda T, x: T.where(T.logical_not(x), x, 2 * x), [((3, 4), ANY)], True),
    ("logical_and", lambda T, x, y: T.where(T.logical_and(x > 0, y > 0), x, y),
     [((3, 4), ANY), ((3, 4), ANY)], True),
    ("logical_or", lambda T, x, y: T.where(x.logical_or(y > 0), x, y),
     [((3, 4), ANY), ((3, 4), ANY)], True),
    ("isnan", lambda T, x: T.where(T.isnan(x.log()), x, x * x), [((3, 4), ANY)], True),
    ("isinf", lambda T, x: T.where(T.isinf(1 / (x - x.detach())), x, 2 * x), [((3, 4), ANY)],
     True),
    ("isfinite", lambda T, x: T.where(x.isfinite(), x * x, x), [((3, 4), ANY)], True),
    ("equal", lambda T, x: x * float(T.equal(x, x.detach())), [((3, 4), ANY)], True),
    ("allclose", lambda T, x, y: x * float(T.allclose(x, y)) + y, [((3,), ANY), ((3,), ANY)], True),
    ("isclose", lambda T, x, y: T.where(T.isclose(x, y, rtol=0.5), x, y),
     [((3, 4), ANY), ((3, 4), ANY)], True),
    ("all", lambda T, x: x * T.all(x > 0, 1, keepdim=True), [((3, 4), ANY)], True),
    ("any", lambda T, x: x * x.any(), [((3, 4), ANY)], True),
]

# Reductions and powers declared in the registry since their first rows
# (tests/op_table.py) were written: rows under the registered names.
OPS += [
    ("std", lambda T, x: x.std(), [((3, 4), ANY)], True),
    ("argmax", lambda T, x: T.gather(x, 1, T.argmax(x, 1, keepdim=True)), [((3, 4), ANY)], True),
    ("argmin", lambda T, x: x.flatten()[x.argmin()], [((3, 4), ANY)], True),
    ("pow", lambda T, x, y: T.pow(x, y), [((3, 4), POS), ((4,), ANY)], True),
    ("float_power", lambda T, x, y: T.float_power(x, y), [((3, 4), POS), ((3, 4), ANY)], True),
    ("floor_divide", lambda T, x, y: x * T.floor_divide(y.detach(), x.detach()) + y, [((3, 4), POS), ((3, 4), ANY)], True),
]

# Shape and selection ops, and bitwise logic (on integers made from the input).
OPS += [
    ("unflatten", lambda T, x: x.unflatten(1, (2, 2)), [((3, 4), ANY)], True),
    ("expand_as", lambda T, x, y: x.expand_as(y) * y, [((3, 1), ANY), ((3, 4), ANY)], True),
    ("narrow", lambda T, x: T.narrow(x, 1, 1, 2), [((3, 4), ANY)], True),
    ("bitwise_not", lambda T, x: x * T.bitwise_not((x * 4).long()), [((3, 4), ANY)], True),
    ("bitwise_and", lambda T, x: x * ((x * 4).long() & 3), [((3, 4), ANY)], True),
    ("bitwise_or", lambda T, x: x * T.bitwise_or((x * 4).long(), 1), [((3, 4), ANY)], True),
    ("bitwise_xor", lambda T, x: x * (x * 4).long().bitwise_xor(5), [((3, 4), ANY)], True),
]
