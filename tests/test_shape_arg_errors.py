"""repeat, flip, roll and expand given what PyTorch refuses: its errors
(NumPy's leaked: ValueError 'negative dimensions', 'repeated axis',
AxisError), or its results where it takes the arguments."""
import pytest

from compare_torch import check

_CALLS = {
    **{f"repeat{r}": (lambda r: lambda T, x: x.repeat(*r).shape)(r)
       for r in [(-1, 2), (2, -1), (-1, -1), (0, -3), (-2, 3, 1), (-1, 2, 3), (0, 2)]},
    "repeat 1-d -2": lambda T, x: T.ones(3).repeat(-2),
    "repeat 0-d -1": lambda T, x: T.tensor(1.0).repeat(-1),
    **{f"flip{d}": (lambda d: lambda T, x: x.flip(d))(d)
       for d in [(0, 0), (1, -1), (0, 1, 0), (-2, 0), (1, 0)]},
    "flip 0-d": lambda T, x: T.tensor(1.0).flip(0),
    **{f"roll 0-d dim {d}": (lambda d: lambda T, x: T.tensor(1.0).roll(1, d))(d)
       for d in [0, -1, 1, (0,)]},
    "roll 0-d": lambda T, x: T.tensor(1.0).roll(1),
    "roll 1-d dim 1": lambda T, x: T.ones(2).roll(1, 1),
    **{f"expand{s}": (lambda s: lambda T, x: x.expand(*s).shape)(s)
       for s in [(-1, 2, 3), (2, -1, 3), (-1, -1, 3), (3, -1, -1), (-2, 2, 3), (2, -2),
                 (-2, 3)]},
    "expand 0-d -1": lambda T, x: T.tensor(1.0).expand(-1),
    "expand 0-d (2, -1)": lambda T, x: T.tensor(1.0).expand(2, -1),
    "expand 1-d -2": lambda T, x: T.ones(1).expand(-2),
    "expand 1-d (2, -2)": lambda T, x: T.ones(1).expand(2, -2),
}


@pytest.mark.parametrize("call", _CALLS.values(), ids=list(_CALLS))
def test_as_pytorch(call):
    check(lambda T: call(T, T.arange(6.0).reshape(2, 3)))
