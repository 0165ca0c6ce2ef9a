"""torch.from_file against PyTorch: the elements read from a file of raw
values, shared (writes reach the file, which is made or grown to fit) or
private (copy on write), and PyTorch's errors for a missing or short file."""
import os

import numpy as np
import pytest

from compare_torch import check


@pytest.fixture
def folder(tmp_path):
    # each library its own files: one's writes must not meet the other's
    def made(T, values=np.arange(10, dtype=np.float64)):
        path = tmp_path / T.__name__ / "values.bin"
        path.parent.mkdir(exist_ok=True)
        values.tofile(path)
        return str(path)
    return made


CASES = {
    "all": lambda T, f: T.from_file(f, size=10, dtype=T.float64),
    "first elements": lambda T, f: T.from_file(f, False, 4, dtype=T.float64),
    "as float32": lambda T, f: T.from_file(f, size=20, dtype=T.float32),
    "default dtype": lambda T, f: T.from_file(f, size=3),
    "size 0": lambda T, f: T.from_file(f),
    "requires_grad": lambda T, f: T.from_file(f, size=2, dtype=T.float32, requires_grad=True),
    "int requires_grad": lambda T, f: T.from_file(f, size=2, dtype=T.int64, requires_grad=True),
    "too short": lambda T, f: T.from_file(f, size=11, dtype=T.float64),
    "missing": lambda T, f: T.from_file(f + ".missing", size=3),
}


@pytest.mark.parametrize("name", list(CASES))
def test_from_file_vs_torch(folder, name):
    check(lambda T: CASES[name](T, folder(T)))


def test_private_and_shared_writes_vs_torch(folder):
    def writes(T):
        f = folder(T)
        private = T.from_file(f, size=10, dtype=T.float64)
        private[1] = 7
        shared = T.from_file(f, shared=True, size=10, dtype=T.float64)
        shared[0] = 42
        shared.add_(1)
        grown = T.from_file(f + ".new", shared=True, size=3)
        return (private, T.tensor(np.fromfile(f)), grown, os.path.getsize(f + ".new"))
    check(writes)
