"""Sample rows for the complex-number constructors (ember/ops/complex_parts.py)
on real inputs and outputs, so the real catalogue gradchecks them too; their
complex rows are in tests/test_complex_ops.py."""
from op_table import ANY, POS

OPS = [
    ("view_as_complex", lambda T, x: T.view_as_real(T.view_as_complex(x) * (1.5 - 0.5j)),
     [((3, 2), ANY)], True),
    ("view_as_real", lambda T, x, y: T.view_as_real(T.complex(x, y) ** 2),
     [((4,), ANY), ((4,), ANY)], True),
    ("complex", lambda T, x, y: T.abs(T.complex(x, y) * T.complex(y, x)),
     [((2, 3), ANY), ((3,), ANY)], True),
    ("polar", lambda T, r, a: T.view_as_real(T.polar(r, a)), [((4,), POS), ((4,), ANY)], True),
]
