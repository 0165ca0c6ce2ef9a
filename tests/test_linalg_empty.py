"""torch.linalg on empty matrices and vectors, and the keyword names of the
product methods, as PyTorch: a positive-order norm of nothing is 0, a max,
min or negative-power one is refused in PyTorch's words (NumPy's ValueError
leaked), cond is 0, cholesky the empty factor; the argument checks of
cholesky_ex, inv_ex and eigvals name the op as PyTorch's do."""
import math

import pytest

from compare_torch import check

_SHAPES = [(0, 0), (0, 3), (3, 0), (2, 0, 0)]
_MATRIX = {
    **{f"matrix_norm {o}": (lambda o: lambda T, E: T.linalg.matrix_norm(E, o))(o)
       for o in ["fro", "nuc", 2, -2, 1, -1, math.inf, -math.inf]},
    "cond": lambda T, E: T.linalg.cond(E),
    "cond 1": lambda T, E: T.linalg.cond(E, 1),
    "cond fro": lambda T, E: T.linalg.cond(E, "fro"),
    "cholesky": lambda T, E: T.linalg.cholesky(E),
    "cholesky_ex": lambda T, E: tuple(T.linalg.cholesky_ex(E)),
    "inv": lambda T, E: T.linalg.inv(E),
    "inv_ex": lambda T, E: tuple(T.linalg.inv_ex(E)),
    "det": lambda T, E: T.linalg.det(E),
    "slogdet": lambda T, E: tuple(T.linalg.slogdet(E)),
    "svdvals": lambda T, E: T.linalg.svdvals(E),
    "eigvalsh": lambda T, E: T.linalg.eigvalsh(E),
    "eigvals": lambda T, E: T.linalg.eigvals(E),
    "matrix_rank": lambda T, E: T.linalg.matrix_rank(E),
    "pinv": lambda T, E: T.linalg.pinv(E),
    "matrix_power": lambda T, E: T.linalg.matrix_power(E, 2),
}


@pytest.mark.parametrize("shape", _SHAPES, ids=str)
@pytest.mark.parametrize("op", list(_MATRIX))
def test_empty_matrices(op, shape):
    check(lambda T: _MATRIX[op](T, T.ones(*shape)))


@pytest.mark.parametrize("where", ["all", "dim 1", "dim -1", "dim 0", "dims (1, 0)"])
@pytest.mark.parametrize("ord", [math.inf, -math.inf, 0, 1, 2, -1, 0.5, -0.5, -2])
def test_vector_norm_of_nothing(ord, where):
    dim = {"all": None, "dim 1": 1, "dim -1": -1, "dim 0": 0, "dims (1, 0)": (1, 0)}[where]
    check(lambda T: T.linalg.vector_norm(T.ones(2, 0), ord, dim=dim))


@pytest.mark.parametrize("call", [
    lambda T, x: x.mm(mat2=x), lambda T, x: x[None].bmm(mat2=x[None]),
    lambda T, x: x[0].dot(tensor=x[1]),
    lambda T, x: x.mv(vec=x[0]), lambda T, x: x[0].outer(vec2=x[1]),
    lambda T, x: x.matmul(other=x), lambda T, x: T.mm(input=x, mat2=x),
    lambda T, x: x.mm(x=x)])
def test_product_methods_take_their_operand_by_name(call):
    check(lambda T: call(T, T.arange(4.0).reshape(2, 2)))
