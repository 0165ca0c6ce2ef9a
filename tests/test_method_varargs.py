"""Tensor methods whose one argument is a list of ints take the ints
unpacked too, as PyTorch's methods do (`x.flip(0, 1)`, `x.tile(2, 2)`);
the torch functions keep their own signatures (`torch.tile(x, 2)` raises)."""
import pytest

from compare_torch import check, check_error

CALLS = [
    ("broadcast_to", lambda x, y: y.broadcast_to(2, 3, 4)),
    ("count_nonzero", lambda x, y: x.count_nonzero(0, 1)),
    ("dsplit", lambda x, y: x.dsplit(1, 3)), ("hsplit", lambda x, y: x.hsplit(1, 2)),
    ("vsplit", lambda x, y: x.vsplit(1)), ("hsplit_sections", lambda x, y: x.hsplit(3)),
    ("flip", lambda x, y: x.flip(0, 1)), ("flip_one", lambda x, y: x.flip(2)),
    ("squeeze", lambda x, y: y.squeeze(0, 1)), ("squeeze_", lambda x, y: y.clone().squeeze_(0, 1)),
    ("tile", lambda x, y: x.tile(2, 1)), ("tile_one", lambda x, y: x.tile(2)),
    ("tile_keyword", lambda x, y: x.tile(dims=(1, 2))), ("flip_tuple", lambda x, y: x.flip((0, 1))),
    ("sum_to_size", lambda x, y: x.sum_to_size(1, 3, 1)),
    ("flip_bools", lambda x, y: x.flip(0, True)),
]


def operands(T):
    x = (T.arange(24.0).reshape(2, 3, 4) - 5).requires_grad_()
    return x, T.arange(4.0).reshape(1, 1, 4)


@pytest.mark.parametrize("call", [c for _, c in CALLS], ids=[n for n, _ in CALLS])
def test_method_takes_ints_unpacked(call):
    check(lambda T: call(*operands(T)), exact=True)


@pytest.mark.parametrize("call", [
    lambda T, x: T.tile(x, 2), lambda T, x: T.flip(x, 0, 1), lambda T, x: x.tile(2, "a"),
    lambda T, x: x.flip(0, "a"), lambda T, x: x.squeeze(0, 1.5), lambda T, x: x.hsplit(1, "b")],
    ids=["torch.tile_int", "torch.flip_varargs", "tile_not_ints", "flip_not_ints",
         "squeeze_float", "hsplit_str"])
def test_functions_keep_their_signatures(call):
    check_error(lambda T: (operands(T)[0],), call)
