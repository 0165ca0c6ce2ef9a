"""ember.utils.data beyond the basics: WeightedRandomSampler, StackDataset,
ChainDataset, and the edges of ConcatDataset, Subset, random_split, the
samplers and the collate functions.

Each case runs with PyTorch and Ember and compares what comes out: values,
draws after the same seed, and errors (type and message).
"""
import warnings

import numpy as np
import pytest

import ember
from compare_torch import same_as_torch
from ember.utils.data import (ChainDataset, DataLoader, IterableDataset, StackDataset,
                              WeightedRandomSampler)




def weighted(replacement, seed_generator):
    def draw(lib):
        lib.manual_seed(5)
        g = None
        if seed_generator:
            g = lib.Generator()
            g.manual_seed(9)
        s = lib.utils.data.WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6],
                                                 70 if replacement else 6, replacement,
                                                 generator=g)
        # the second pass draws afresh; the global stream must end where torch's does
        return list(s), list(s), len(s), lib.rand(2).tolist()
    return draw


@pytest.mark.parametrize("replacement", [True, False])
@pytest.mark.parametrize("seed_generator", [True, False])
def test_weighted_random_sampler_draws_as_torch(replacement, seed_generator):
    same_as_torch(weighted(replacement, seed_generator))


def test_weighted_random_sampler_plain():
    s = WeightedRandomSampler([0.0, 1.0, 0.0], 5)
    assert list(s) == [1] * 5 and len(s) == 5
    assert s.weights.dtype == ember.float64 and s.weights.tolist() == [0.0, 1.0, 0.0]
    assert sorted(WeightedRandomSampler([1, 2, 3, 4], 4, replacement=False)) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="num_samples should be a positive integer value, "
                                         "but got num_samples=True"):
        WeightedRandomSampler([1.0], True)


@pytest.mark.parametrize("case", [
    lambda lib: lib.utils.data.WeightedRandomSampler([1.0, 2.0], 0),
    lambda lib: lib.utils.data.WeightedRandomSampler([1.0, 2.0], 2.0),
    lambda lib: lib.utils.data.WeightedRandomSampler([1.0, 2.0], 2, replacement=1),
    lambda lib: lib.utils.data.WeightedRandomSampler([[1.0, 2.0]], 2),
    lambda lib: lib.utils.data.WeightedRandomSampler(lib.tensor(2.0), 2),
    lambda lib: list(lib.utils.data.WeightedRandomSampler([1.0, 2.0], 3, replacement=False)),
    lambda lib: list(lib.utils.data.WeightedRandomSampler([1.0, -2.0], 3)),
    lambda lib: lib.utils.data.WeightedRandomSampler(lib.tensor([1, 2]), 3).weights,
])
def test_weighted_random_sampler_checks_as_torch(case):
    same_as_torch(case)


def test_weighted_random_sampler_in_dataloader_as_torch():
    def batches(lib):
        lib.manual_seed(1)
        ds = lib.utils.data.TensorDataset(lib.arange(12).reshape(6, 2), lib.arange(6))
        sampler = lib.utils.data.WeightedRandomSampler([1, 1, 1, 5, 5, 5], 10)
        dl = lib.utils.data.DataLoader(ds, batch_size=4, sampler=sampler)
        return [[t.tolist() for t in b] for b in dl], len(dl)
    same_as_torch(batches)


class Bad(ember.utils.data.Dataset):
    """__getitems__ returning the wrong number of samples."""

    def __getitem__(self, i):
        return i

    def __len__(self):
        return 4

    def __getitems__(self, indices):
        return [1]


A, B = list(range(4)), list("abcd")


@pytest.mark.parametrize("case", [
    lambda lib: [lib.utils.data.StackDataset(A, B)[i] for i in range(4)],
    lambda lib: lib.utils.data.StackDataset(x=A, y=B)[2],
    lambda lib: lib.utils.data.StackDataset(x=A, y=B).__getitems__([0, 3]),
    lambda lib: lib.utils.data.StackDataset(A, B).__getitems__([3, 1]),
    lambda lib: len(lib.utils.data.StackDataset(A, B)),
    lambda lib: lib.utils.data.StackDataset(A, y=B),
    lambda lib: lib.utils.data.StackDataset(),
    lambda lib: lib.utils.data.StackDataset(A, B[:2]),
    lambda lib: lib.utils.data.StackDataset(x=A, y=B[:2]),
    lambda lib: [[v.tolist() if hasattr(v, "tolist") else v for v in b] for b in
                 lib.utils.data.DataLoader(lib.utils.data.StackDataset(A, B), batch_size=3)],
    lambda lib: [{k: v.tolist() if hasattr(v, "tolist") else v for k, v in b.items()} for b in
                 lib.utils.data.DataLoader(lib.utils.data.StackDataset(x=A, y=B),
                                           batch_size=3)],
])
def test_stack_dataset_as_torch(case):
    same_as_torch(case)


def test_stack_dataset_plain():
    ds = ember.utils.data.TensorDataset(ember.arange(8).reshape(4, 2))
    st = StackDataset(ds, B)
    assert st.__getitems__([1, 2])[1][0][0].tolist() == [4, 5]
    assert st.__getitems__([1, 2])[1][1] == "c"
    with pytest.raises(ValueError, match="Nested dataset's output size mismatch. Expected 2, "
                                         "got 1"):
        StackDataset(A, Bad()).__getitems__([0, 1])
    with pytest.raises(ValueError, match="Nested dataset's output size mismatch"):
        StackDataset(x=A, y=Bad()).__getitems__([0, 1])


class Count(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


def counter(lib, n):
    cls = type("Count", (lib.utils.data.IterableDataset,),
               {"__iter__": lambda self: iter(range(n)), "__len__": lambda self: n})
    return cls()


def test_chain_dataset():
    chain = ChainDataset([Count(2), Count(3)])
    assert list(chain) == [0, 1, 0, 1, 2] and len(chain) == 5
    assert type(Count(2) + Count(1)) is ChainDataset and list(Count(2) + Count(1)) == [0, 1, 0]
    assert [b.tolist() for b in DataLoader(ChainDataset([Count(3), Count(4)]), batch_size=3)] \
        == [[0, 1, 2], [0, 1, 2], [3]]
    with pytest.raises(AssertionError, match="ChainDataset only supports IterableDataset"):
        list(ChainDataset([Count(2), [1]]))
    with pytest.raises(AssertionError, match="ChainDataset only supports IterableDataset"):
        len(ChainDataset([Count(2), [1]]))
    with pytest.raises(TypeError, match="Can't instantiate abstract class IterableDataset"):
        IterableDataset()


class OnlyGetitem(ember.utils.data.Subset):
    def __getitem__(self, i):
        return 0


@pytest.mark.parametrize("case", [
    lambda lib: list(lib.utils.data.ChainDataset([counter(lib, 2), counter(lib, 3)])),
    lambda lib: list(lib.utils.data.ChainDataset([counter(lib, 2), [1]])),
    lambda lib: len(counter(lib, 2) + counter(lib, 3)),
    lambda lib: lib.utils.data.ConcatDataset([counter(lib, 2)]),
    lambda lib: lib.utils.data.ConcatDataset([]),
    lambda lib: [lib.utils.data.ConcatDataset([A, B])[i] for i in (0, 5, -1, -8)],
    lambda lib: lib.utils.data.ConcatDataset([A, B])[-9],
    lambda lib: lib.utils.data.ConcatDataset([A, B])[8],
    lambda lib: lib.utils.data.ConcatDataset([A, B, A]).cumulative_sizes,
    lambda lib: type(lib.utils.data.TensorDataset(lib.arange(2))
                     + lib.utils.data.TensorDataset(lib.arange(3))).__name__,
    lambda lib: type("S", (lib.utils.data.Subset,), {"__getitem__": lambda s, i: 0})(A, [0]),
    lambda lib: lib.utils.data.Subset(A, [3, 1]).__getitems__([1, 0]),
    lambda lib: lib.utils.data.Sampler(3),
    lambda lib: lib.utils.data.Dataset()[0],
    lambda lib: lib.utils.data.get_worker_info(),
])
def test_datasets_as_torch(case):
    same_as_torch(case)


def test_subset_overriding_only_getitem_raises():
    with pytest.raises(NotImplementedError, match="OnlyGetitem overrides __getitem__ but not "
                                                  "__getitems__"):
        OnlyGetitem(A, [0])


def test_concat_dataset_cummulative_sizes_is_deprecated():
    c = ember.utils.data.ConcatDataset([A, B])
    with pytest.warns(FutureWarning, match="`cummulative_sizes` attribute is renamed"):
        assert c.cummulative_sizes == [4, 8]


@pytest.mark.parametrize("lengths", [[0.3, 0.3, 0.4], [0.5, 0.5], [3, 7], [0.25] * 4,
                                     [1.5, -0.5], [3, 3], [0.0, 1.0]])
@pytest.mark.parametrize("seeded", [True, False])
def test_random_split_as_torch(lengths, seeded):
    def split(lib):
        lib.manual_seed(2)
        g = None
        if seeded:
            g = lib.Generator()
            g.manual_seed(4)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            parts = [list(p) for p in lib.utils.data.random_split(range(10), lengths, g)]
        return parts, [str(w.message) for w in caught], lib.rand(1).tolist()
    same_as_torch(split)


@pytest.mark.parametrize("case", [
    lambda lib: list(lib.utils.data.BatchSampler(lib.utils.data.SequentialSampler(range(10)),
                                                 3, False)),
    lambda lib: list(lib.utils.data.BatchSampler(range(10), 3, True)),
    lambda lib: lib.utils.data.BatchSampler(range(10), 3, 1),
    lambda lib: lib.utils.data.BatchSampler(range(10), True, False),
    lambda lib: [len(lib.utils.data.BatchSampler(range(10), 4, d)) for d in (True, False)],
    lambda lib: (lib.manual_seed(3), list(lib.utils.data.SubsetRandomSampler([10, 20, 30, 40])),
                 lib.rand(1).tolist())[1:],
    lambda lib: list(lib.utils.data.SubsetRandomSampler(
        [10, 20, 30, 40, 50], generator=lib.Generator().manual_seed(3))),
])
def test_samplers_as_torch(case):
    same_as_torch(case)


@pytest.mark.parametrize("case", [
    lambda lib: lib.utils.data.default_convert(
        {"a": np.arange(3), "b": (np.float32(1.5), [np.int64(2)]), "s": "x"}),
    lambda lib: lib.utils.data.default_convert(np.array(["a"])),
    lambda lib: lib.utils.data.default_convert(np.int32(3)),
    lambda lib: lib.utils.data.default_convert(np.arange(2).astype(np.float32)),
    lambda lib: lib.utils.data.default_collate([np.array(["a"])]),
    lambda lib: lib.utils.data.default_collate([object()]),
    lambda lib: lib.utils.data.default_collate([[1, 2], [3]]),
    lambda lib: lib.utils.data.default_collate([True, False]),
    lambda lib: lib.utils.data.default_collate([np.bool_(True), np.bool_(False)]),
    lambda lib: lib.utils.data.default_collate([1.5, 2]),
    lambda lib: lib.utils.data.default_collate([np.float16(1.5)]),
    lambda lib: lib.utils.data.default_collate([b"x", b"y"]),
    lambda lib: lib.utils.data.default_collate([]),
    lambda lib: lib.utils.data.default_collate([(1, "a"), (2, "b")]),
])
def test_collate_and_convert_as_torch(case):
    same_as_torch(case)


def test_datasets_and_samplers_are_generic_as_torch():
    class Squares(ember.utils.data.Dataset[int]):
        def __getitem__(self, i):
            return i * i

        def __len__(self):
            return 4

    class Evens(ember.utils.data.Sampler[int]):
        def __iter__(self):
            return iter([0, 2])

        def __len__(self):
            return 2

    assert [b.tolist() for b in DataLoader(Squares(), batch_size=2, sampler=Evens())] == [[0, 4]]
    assert isinstance(Count(1), ember.utils.data.Dataset)
    ember.utils.data.Sampler()      # no arguments, as torch's
