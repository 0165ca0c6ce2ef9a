"""torch.linalg's functions take their arguments by PyTorch 2.13's names for
them, which differ from function to function (inv(A), cholesky(input),
lstsq(input, b), solve(A, B), vecdot(x, y)), NumPy's only for `input`,
`other`, `dim` and `keepdim`; a call the parser refuses for its arguments'
names or count has the parser's TypeError (linalg/_signatures.py). Each
case states what it expects and runs beside PyTorch where it is installed."""
import numpy as np
import pytest

import ember
from compare_torch import check
from review_checks import HAS_TORCH


def _spd(T):
    a = T.tensor([[4.0, 1.0, 0.5], [1.0, 3.0, 0.25], [0.5, 0.25, 2.0]], dtype=T.float64)
    return a


def _b(T):
    return T.ones(3, 2, dtype=T.float64)


def _v(T):
    return T.tensor([1.0, 2.0, 3.0], dtype=T.float64)


# (call, what ember returns: a shape, or the error's message)
TAKEN = [
    (lambda T: T.linalg.inv(A=_spd(T)), (3, 3)),
    (lambda T: T.linalg.det(A=_spd(T)), ()),
    (lambda T: T.linalg.cholesky(input=_spd(T)), (3, 3)),
    (lambda T: T.linalg.cholesky(x=_spd(T), upper=True), (3, 3)),
    (lambda T: T.linalg.solve(A=_spd(T), B=_b(T)), (3, 2)),
    (lambda T: T.linalg.lstsq(input=_spd(T), b=_b(T)).solution, (3, 2)),
    (lambda T: T.linalg.tensorsolve(input=_spd(T), other=_v(T)), (3,)),
    (lambda T: T.linalg.tensorsolve(_spd(T), x2=_v(T)), (3,)),
    (lambda T: T.linalg.vecdot(x=_v(T), y=_v(T), dim=0), ()),
    (lambda T: T.linalg.cross(input=_v(T), other=_v(T), axis=0), (3,)),
    (lambda T: T.linalg.matrix_power(input=_spd(T), n=2), (3, 3)),
    (lambda T: T.linalg.cond(input=_spd(T), p="fro"), ()),
    (lambda T: T.linalg.matrix_rank(input=_spd(T), tol=1e-3), ()),
    (lambda T: T.linalg.pinv(_spd(T), rcond=1e-3), (3, 3)),
    (lambda T: T.linalg.matrix_norm(_spd(T), ord="nuc", keepdims=True), (1, 1)),
    (lambda T: T.linalg.vector_norm(x=_v(T), axis=0, keepdims=True), (1,)),
    (lambda T: T.linalg.eigh(input=_spd(T), UPLO="U").eigenvalues, (3,)),
    (lambda T: T.linalg.qr(A=_spd(T), mode="r").R, (3, 3)),
    (lambda T: T.linalg.svdvals(A=_spd(T)), (3,)),
    (lambda T: T.linalg.vander(x=_v(T), N=2), (3, 2)),
    (lambda T: T.linalg.multi_dot(tensors=[_spd(T), _spd(T)]), (3, 3)),
    (lambda T: T.linalg.householder_product(input=_spd(T)[:, :2], tau=_v(T)[:2]), (3, 2)),
]


@pytest.mark.parametrize("call, shape", TAKEN)
def test_linalg_takes_pytorchs_keywords(call, shape):
    assert tuple(call(ember).shape) == shape
    if HAS_TORCH:
        check(call, rtol=1e-9, atol=1e-12)


def test_linalg_keyword_values_are_the_positional_ones():
    a, b = _spd(ember), _b(ember)
    np.testing.assert_allclose(ember.linalg.solve(A=a, B=b).numpy(),
                               ember.linalg.solve(a, b).numpy())
    np.testing.assert_allclose(ember.linalg.cholesky(input=a).numpy(),
                               np.linalg.cholesky(a.numpy()))


REFUSED = [
    (lambda T: T.linalg.inv(input=_spd(T)),
     'linalg_inv() missing 1 required positional arguments: "A"'),
    (lambda T: T.linalg.det(input=_spd(T)),
     'linalg_det() missing 1 required positional arguments: "A"'),
    (lambda T: T.linalg.det(x=_spd(T)),
     'linalg_det() missing 1 required positional arguments: "A"'),
    (lambda T: T.linalg.inv(_spd(T), foo=1), "linalg_inv() got an unexpected keyword argument 'foo'"),
    (lambda T: T.linalg.cholesky(A=_spd(T)),
     'linalg_cholesky() missing 1 required positional arguments: "input"'),
    (lambda T: T.linalg.solve(input=_spd(T), B=_b(T)),
     'linalg_solve() missing 2 required positional argument: "A", "B"'),
    (lambda T: T.linalg.solve(_spd(T), b=_b(T)),
     'linalg_solve() missing 1 required positional arguments: "B"'),
    (lambda T: T.linalg.solve(_spd(T), _b(T), A=_spd(T)),
     "linalg_solve() got multiple values for argument 'A'"),
    (lambda T: T.linalg.lstsq(A=_spd(T), B=_b(T)),
     'linalg_lstsq() missing 2 required positional argument: "input", "b"'),
    (lambda T: T.linalg.tensorinv(_spd(T), x=1), "linalg_tensorinv() got an unexpected keyword "
     "argument 'x'"),
    (lambda T: T.linalg.vecdot(_v(T), other=_v(T)),
     'linalg_vecdot() missing 1 required positional arguments: "y"'),
    (lambda T: T.linalg.solve_triangular(_spd(T), _b(T), True),
     "linalg_solve_triangular() takes from 3 to 2 positional arguments but 3 were given"),
    (lambda T: T.linalg.matrix_exp(_spd(T), out=None),
     "linalg_matrix_exp() got an unexpected keyword argument 'out'"),
    (lambda T: T.linalg.det(A=5), "linalg_det(): argument 'A' must be Tensor, not int"),
    (lambda T: T.linalg.solve(_spd(T), 5),
     "linalg_solve(): argument 'B' (position 2) must be Tensor, not int"),
    (lambda T: T.linalg.inv(None),
     "linalg_inv(): argument 'A' (position 1) must be Tensor, not NoneType"),
    (lambda T: T.linalg.cond(A=_spd(T)),
     'linalg_cond() missing 1 required positional arguments: "input"'),
]


@pytest.mark.parametrize("call, message", REFUSED)
def test_linalg_refuses_what_pytorchs_parser_refuses(call, message):
    with pytest.raises(TypeError) as info:
        call(ember)
    assert str(info.value) == message
    if HAS_TORCH:
        check(call)


PINV = (" * (Tensor input, *, Tensor atol = None, Tensor rtol = None, bool hermitian = False, "
        "Tensor out = None)\n"
        " * (Tensor input, *, float atol = None, float rtol = None, bool hermitian = False, "
        "Tensor out = None)\n"
        " * (Tensor input, Tensor rcond, bool hermitian = False, *, Tensor out = None)\n"
        " * (Tensor input, float rcond, bool hermitian = False, *, Tensor out = None)\n")


@pytest.mark.parametrize("call, got, listed", [
    (lambda T: T.linalg.pinv(_spd(T), None), "Tensor, NoneType", PINV),
    (lambda T: T.linalg.pinv(_spd(T), rcond=None), "Tensor, rcond=NoneType", PINV),
    (lambda T: T.linalg.pinv(_spd(T), A=_spd(T)), "Tensor, A=Tensor", PINV),
    (lambda T: T.linalg.cond(_spd(T), "nuc", foo=1), "Tensor, str, foo=int",
     " * (Tensor input, Number p = None, *, Tensor out = None)\n"
     " * (Tensor input, str p, *, Tensor out = None)\n"),
])
def test_linalg_overloads_listed(call, got, listed):
    with pytest.raises(TypeError) as info:
        call(ember)
    name = str(info.value).split("(")[0]
    assert name in ("linalg_pinv", "linalg_cond")
    assert str(info.value) == (f"{name}() received an invalid combination of arguments - got "
                               f"({got}), but expected one of:\n{listed}")
    if HAS_TORCH:
        check(call)


def test_linalg_publics_look_through_to_the_registry():
    from ember.ops._registry import REGISTRY
    f = ember.linalg.inv
    while getattr(f, "_stands_in", False):
        f = f.__wrapped__
    assert f is REGISTRY["linalg.inv"].public
