"""torch.hash_tensor (the function, the method, out=) against PyTorch: the
xor of the elements' 64-bit patterns, by dim, for every dtype kind, and its
refusals (complex and wide unsigned inputs, empty inputs, unknown modes)."""
import pytest

from compare_torch import check
from ember import _uint_ops


@pytest.fixture(autouse=True)
def _uint_check_undone():
    # a uint64 result installs the uint16/32/64 check (_uint_ops.py); the
    # tests after these see Ember unwrapped again, as test_uint_dtypes does
    yield
    _uint_ops.uninstall()


def _randn(T):
    T.manual_seed(0)
    return T.randn(2, 4)


CASES = {
    "all": lambda T: T.hash_tensor(_randn(T)),
    "dim 1": lambda T: T.hash_tensor(_randn(T), 1),
    "dims keepdim": lambda T: T.hash_tensor(_randn(T), (0, 1), keepdim=True),
    "dim=0 keepdim": lambda T: T.hash_tensor(_randn(T), dim=0, keepdim=True),
    "dim None / []": lambda T: (T.hash_tensor(_randn(T), None), T.hash_tensor(_randn(T), [])),
    "transposed": lambda T: T.hash_tensor(_randn(T).t(), 0),
    "method": lambda T: (_randn(T).hash_tensor(), _randn(T).hash_tensor(1, keepdim=True)),
    "0-d dim 0": lambda T: T.tensor(2.).hash_tensor(0),
    "bool": lambda T: T.hash_tensor(T.tensor([True, False, True])),
    "int8": lambda T: T.hash_tensor(T.tensor([1, 2, 7], dtype=T.int8)),
    "int32 negative": lambda T: T.hash_tensor(T.tensor([-1, 2], dtype=T.int32)),
    "int64": lambda T: T.hash_tensor(T.tensor([-1, 5])),
    "uint8": lambda T: T.hash_tensor(T.tensor([200, 3], dtype=T.uint8)),
    "float16": lambda T: T.hash_tensor(T.tensor([1.5, -2.25], dtype=T.float16)),
    "float64": lambda T: T.hash_tensor(T.tensor([0.1, -3.0], dtype=T.float64)),
    "-0.0 and nan": lambda T: (T.hash_tensor(T.tensor(-0.0)),
                               T.hash_tensor(T.tensor(float("nan")))),
    "requires_grad": lambda T: T.hash_tensor(T.ones(3, requires_grad=True)),
    "empty along kept dim": lambda T: T.hash_tensor(T.zeros(0, 3), 1),
    "out=": lambda T: T.hash_tensor(T.ones(2, 3), 1, out=T.empty(0, dtype=T.uint64)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_hash_tensor_vs_torch(name):
    check(CASES[name])


def test_hash_tensor_bfloat16_vs_torch():
    check(lambda T: T.hash_tensor(T.tensor([1.5, 3.0], dtype=T.bfloat16)))


REFUSED = {
    "complex": lambda T: T.hash_tensor(T.tensor([1 + 2j])),
    "uint64": lambda T: T.hash_tensor(T.tensor([1, 2], dtype=T.uint64)),
    "mode 1": lambda T: T.hash_tensor(T.ones(2), mode=1),
    "empty, no dim": lambda T: T.hash_tensor(T.zeros(0)),
    "empty dim reduced": lambda T: T.hash_tensor(T.zeros(0, 3), 0),
    "dim out of range": lambda T: T.hash_tensor(T.zeros(2, 3), 5),
    "float out=": lambda T: T.hash_tensor(T.ones(2, 3), 1, out=T.empty(0)),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_hash_tensor_refusals_vs_torch(name):
    check(REFUSED[name])
