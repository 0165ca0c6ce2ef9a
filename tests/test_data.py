"""ember.utils.data: datasets, samplers, DataLoader, default_collate.

Shuffling is compared with PyTorch seed for seed: the same batches, and the
global generator left in the same state afterwards.
"""
from collections import OrderedDict, namedtuple

import numpy as np
import pytest

import ember
from ember.utils.data import (BatchSampler, DataLoader, Dataset, IterableDataset,
                              RandomSampler, SequentialSampler, Subset, TensorDataset,
                              default_collate, random_split)


def _torch():
    return pytest.importorskip("torch")


def batches(lib, seed, n=10, **kw):
    lib.manual_seed(seed)
    ds = lib.utils.data.TensorDataset(lib.arange(2 * n).reshape(n, 2).float(), lib.arange(n))
    out = [[b[0].tolist(), b[1].tolist()] for b in lib.utils.data.DataLoader(ds, **kw)]
    return out, lib.rand(3).tolist()


@pytest.mark.parametrize("kw", [dict(batch_size=3), dict(batch_size=3, shuffle=True),
                                dict(batch_size=4, shuffle=True, drop_last=True),
                                dict(batch_size=1, shuffle=True), dict(batch_size=20),
                                dict(batch_size=None, shuffle=True)])
@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 99])
def test_dataloader_vs_torch(kw, seed):
    torch = _torch()
    assert batches(ember, seed, **kw) == batches(torch, seed, **kw)


def test_dataloader_with_generator_and_epochs_vs_torch():
    torch = _torch()
    results = []
    for lib in (torch, ember):
        lib.manual_seed(0)
        g = lib.Generator()
        g.manual_seed(7)
        dl = lib.utils.data.DataLoader(lib.utils.data.TensorDataset(lib.arange(9)),
                                       batch_size=4, shuffle=True, generator=g)
        epochs = [[b[0].tolist() for b in dl] for _ in range(3)]
        sampler = lib.utils.data.RandomSampler(range(5), replacement=True, num_samples=40)
        split = [list(s) for s in lib.utils.data.random_split(range(10), [0.3, 0.7])]
        results.append((epochs, list(sampler), split, len(dl), lib.rand(2).tolist()))
    assert results[0] == results[1]


def test_collate_vs_torch():
    torch = _torch()
    Point = namedtuple("Point", "x y")

    def sample(lib, i):
        return {"i": i, "f": float(i), "np32": np.float32(i), "arr": np.arange(2) + i,
                "s": str(i), "t": (lib.tensor([i, i + 1]), [i, -i]), "p": Point(i, 2.0 * i)}

    outs = []
    for lib in (torch, ember):
        b = lib.utils.data.default_collate([sample(lib, i) for i in range(3)])
        outs.append(repr(b).replace("torch.", "ember."))
        for bad in ([object()], ):
            with pytest.raises(TypeError) as ei:
                lib.utils.data.default_collate(bad)
            outs.append(str(ei.value))
        outs.append(repr(lib.utils.data.default_collate([True, False])))
    assert outs[:3] == outs[3:]


def test_default_collate_plain():
    b = default_collate([(ember.tensor([1.0, 2.0]), 3), (ember.tensor([3.0, 4.0]), 5)])
    assert isinstance(b, list) and b[0].tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert b[1].tolist() == [3, 5] and b[1].dtype == ember.int64
    assert default_collate([1.5, 2.5]).dtype == ember.float64
    assert default_collate(["a", "b"]) == ["a", "b"]
    d = default_collate([OrderedDict(a=1), OrderedDict(a=2)])
    assert isinstance(d, OrderedDict) and d["a"].tolist() == [1, 2]
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal"):
        default_collate([[1, 2], [3]])


def test_tensor_dataset_and_loader_plain():
    x, y = ember.arange(10).reshape(5, 2), ember.arange(5)
    ds = TensorDataset(x, y)
    assert len(ds) == 5 and [t.tolist() for t in ds[1]] == [[2, 3], 1]
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(x, ember.arange(4))
    dl = DataLoader(ds, batch_size=2)
    assert len(dl) == 3
    got = [(a.tolist(), b.tolist()) for a, b in dl]
    assert got == [([[0, 1], [2, 3]], [0, 1]), ([[4, 5], [6, 7]], [2, 3]), ([[8, 9]], [4])]
    assert len(DataLoader(ds, batch_size=2, drop_last=True)) == 2
    shuffled = sorted(i for _, b in DataLoader(ds, batch_size=2, shuffle=True)
                      for i in b.tolist())
    assert shuffled == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="batch_size attribute should not be set"):
        dl.batch_size = 3


def test_samplers_and_subsets():
    assert list(SequentialSampler(range(3))) == [0, 1, 2]
    bs = BatchSampler(SequentialSampler(range(7)), 3, drop_last=False)
    assert list(bs) == [[0, 1, 2], [3, 4, 5], [6]] and len(bs) == 3
    assert list(BatchSampler(range(7), 3, drop_last=True)) == [[0, 1, 2], [3, 4, 5]]
    with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
        BatchSampler(range(3), 0, False)
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        RandomSampler([])
    sub = Subset(list("abcdef"), [5, 0, 2])
    assert len(sub) == 3 and sub[0] == "f"
    parts = random_split(range(10), [3, 7])
    assert sorted(list(parts[0]) + list(parts[1])) == list(range(10))
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        random_split(range(10), [3, 3])
    assert len(Dataset.__add__(TensorDataset(ember.arange(2)), TensorDataset(ember.arange(3)))) == 5


def test_custom_and_iterable_datasets():
    class Squares(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return {"x": ember.tensor([float(i)]), "y": i * i}

    b = next(iter(DataLoader(Squares(), batch_size=5)))
    assert b["x"].shape == (5, 1) and b["y"].tolist() == [0, 1, 4, 9, 16]
    assert next(iter(DataLoader(Squares(), batch_size=None)))["y"] == 0

    class Stream(IterableDataset):
        def __iter__(self):
            return iter(range(7))

    assert [t.tolist() for t in DataLoader(Stream(), batch_size=3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [t.tolist() for t in DataLoader(Stream(), batch_size=3, drop_last=True)] == \
        [[0, 1, 2], [3, 4, 5]]
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        DataLoader(Stream(), shuffle=True)


def test_training_with_loader():
    ember.manual_seed(0)
    x = ember.randn(64, 3)
    y = x @ ember.tensor([[1.0], [-2.0], [0.5]]) + 0.3
    model = ember.nn.Linear(3, 1)
    opt = ember.optim.SGD(model.parameters(), lr=0.1)
    loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True)
    for _ in range(60):
        for xb, yb in loader:
            opt.zero_grad()
            ember.nn.functional.mse_loss(model(xb), yb).backward()
            opt.step()
    np.testing.assert_allclose(model.weight.detach().numpy(), [[1.0, -2.0, 0.5]], atol=1e-3)
    np.testing.assert_allclose(model.bias.detach().numpy(), [0.3], atol=1e-3)
