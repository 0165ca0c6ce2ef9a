"""DataLoader with workers against PyTorch's real worker processes: the
iterator classes, when the sampler is read, each worker's seeding (torch,
random, NumPy), worker_init_fn and get_worker_info, iterable replicas,
persistent workers across epochs, and the main process's generators after.
"""
import multiprocessing
import os
import random
import re
import warnings

import numpy as np
import pytest

import ember


def _torch():
    return pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _many_cpus(monkeypatch):
    # Both libraries warn when there are more workers than CPUs to run them.
    if hasattr(os, "sched_getaffinity"):
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)))


def _seed_all(lib, seed=0):
    lib.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed)


def _generators_after(lib):
    return lib.rand(2).tolist(), random.random(), float(np.random.rand())


def _augmenting(lib):
    class Augmenting(lib.utils.data.Dataset):
        """Each item draws from the three generators, and says who loaded it."""

        def __len__(self):
            return 7

        def __getitem__(self, i):
            info = lib.utils.data.get_worker_info()
            return (lib.rand(1).item(), random.random(), float(np.random.rand()), i,
                    -1 if info is None else info.id)

    return Augmenting()


def _flat(batch):
    return [b.tolist() if hasattr(b, "tolist") else b for b in batch]


@pytest.mark.parametrize("kw", [
    dict(num_workers=1),
    dict(num_workers=2, batch_size=2),
    dict(num_workers=2, batch_size=2, shuffle=True),
    dict(num_workers=2, batch_size=3, shuffle=True, persistent_workers=True),
    dict(num_workers=2, batch_size=2, prefetch_factor=1, persistent_workers=True),
    dict(num_workers=1, batch_size=3, drop_last=True, shuffle=True),
])
def test_workers_draws_and_main_generators_vs_torch(kw):
    torch = _torch()
    results = []
    for lib in (torch, ember):
        _seed_all(lib)
        loader = lib.utils.data.DataLoader(_augmenting(lib), **kw)
        epochs = [[_flat(b) for b in loader] for _ in range(2)]
        results.append((epochs, _generators_after(lib)))
    assert results[0] == results[1]


def test_persistent_workers_load_the_batches_left_in_a_broken_epoch_vs_torch():
    torch = _torch()
    results = []
    for lib in (torch, ember):
        _seed_all(lib)
        loader = lib.utils.data.DataLoader(_augmenting(lib), batch_size=2, num_workers=2,
                                           persistent_workers=True)
        first = _flat(next(iter(loader)))
        results.append((first, [_flat(b) for b in loader], _generators_after(lib)))
    assert results[0] == results[1]


def test_sampler_read_ahead_when_iterator_is_made_vs_torch():
    # With workers, PyTorch reads the (shuffling) sampler as iter() is called.
    torch = _torch()
    results = []
    for lib in (torch, ember):
        lib.manual_seed(0)
        ds = lib.utils.data.TensorDataset(lib.arange(10))
        it = iter(lib.utils.data.DataLoader(ds, batch_size=2, shuffle=True, num_workers=2))
        drawn = lib.rand(2).tolist()
        results.append((drawn, [b[0].tolist() for b in it], type(it).__name__))
    assert results[0] == results[1]
    assert results[1][2] == "_MultiProcessingDataLoaderIter"


def test_iterator_classes_vs_torch():
    torch = _torch()
    for lib in (torch, ember):
        ds = lib.utils.data.TensorDataset(lib.arange(4))
        single = iter(lib.utils.data.DataLoader(ds))
        multi = iter(lib.utils.data.DataLoader(ds, num_workers=1))
        assert type(single).__name__ == "_SingleProcessDataLoaderIter"
        assert type(multi).__name__ == "_MultiProcessingDataLoaderIter"
        assert type(single).__mro__[1].__name__ == "_BaseDataLoaderIter"
        # The removed Python 2 spelling, as old tutorials call it
        with pytest.raises(AttributeError, match="'_SingleProcessDataLoaderIter' object has no "
                                                 "attribute 'next'"):
            single.next()
        persistent = lib.utils.data.DataLoader(ds, num_workers=1, persistent_workers=True)
        first = iter(persistent)
        assert [b[0].tolist() for b in first] == [[0], [1], [2], [3]]
        assert iter(persistent) is first


def test_worker_init_fn_and_worker_info_vs_torch():
    torch = _torch()
    results = []
    for lib in (torch, ember):
        def init_fn(worker_id):
            info = lib.utils.data.get_worker_info()
            assert (info.id, info.num_workers) == (worker_id, 2)
            assert info.seed == lib.initial_seed()
            np.random.seed(100 + worker_id)

        _seed_all(lib)
        loader = lib.utils.data.DataLoader(_augmenting(lib), batch_size=2, num_workers=2,
                                           worker_init_fn=init_fn)
        results.append(([_flat(b) for b in loader], _generators_after(lib),
                        lib.utils.data.get_worker_info()))
    assert results[0] == results[1]
    assert results[1][2] is None


def _counting(lib, n, shard):
    class Counting(lib.utils.data.IterableDataset):
        def __iter__(self):
            info = lib.utils.data.get_worker_info()
            if shard and info is not None:
                return iter(range(info.id, n, info.num_workers))
            return iter(range(n))

        def __len__(self):
            return n

    return Counting()


@pytest.mark.parametrize("kw", [dict(num_workers=2, batch_size=2),
                                dict(num_workers=2, batch_size=2, drop_last=True),
                                dict(num_workers=2, batch_size=None),
                                dict(num_workers=2, batch_size=3, persistent_workers=True)])
@pytest.mark.parametrize("shard", [False, True])
def test_iterable_dataset_replicas_vs_torch(kw, shard):
    # Unsharded, every worker reads the whole dataset, as PyTorch's replicas do
    # (and PyTorch warns once more samples came than len() said).
    torch = _torch()
    results = []
    for lib in (torch, ember):
        loader = lib.utils.data.DataLoader(_counting(lib, 5, shard), **kw)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            size = len(loader)
            epochs = [_flat(loader) for _ in range(2)]
        # (only the length warning: Python 3.12+ also warns of fork() in a
        # process with threads when PyTorch starts its workers)
        results.append((size, epochs, [str(w.message).split(" was reported")[1] for w in caught
                                       if " was reported" in str(w.message)]))
    assert results[0] == results[1]


def test_loader_argument_errors_and_warnings_vs_torch(monkeypatch):
    torch = _torch()
    for lib in (torch, ember):
        ds = lib.utils.data.TensorDataset(lib.arange(4))
        with pytest.raises(ValueError, match="prefetch_factor option could only be specified in "
                                             "multiprocessing.let num_workers > 0"):
            lib.utils.data.DataLoader(ds, prefetch_factor=2)
        with pytest.raises(ValueError, match="prefetch_factor option should be non-negative"):
            lib.utils.data.DataLoader(ds, num_workers=1, prefetch_factor=-1)
        with pytest.raises(ValueError, match=r"multiprocessing_context can only be used with "
                                             r"multi-process loading \(num_workers > 0\), but got "
                                             "num_workers=0"):
            lib.utils.data.DataLoader(ds, multiprocessing_context="fork")
        methods = re.escape(repr(multiprocessing.get_all_start_methods()))
        with pytest.raises(ValueError, match=f"should specify a valid start method in {methods}, "
                                             "but got multiprocessing_context='bogus'"):
            lib.utils.data.DataLoader(ds, num_workers=1, multiprocessing_context="bogus")
        with pytest.raises(TypeError, match="should be a valid context object or a string "
                                            "specifying the start method, but got "
                                            "multiprocessing_context=3"):
            lib.utils.data.DataLoader(ds, num_workers=1, multiprocessing_context=3)
        with pytest.raises(AssertionError, match="_SingleProcessDataLoaderIter requires "
                                                 "timeout == 0"):
            iter(lib.utils.data.DataLoader(ds, timeout=5))
        assert len(list(lib.utils.data.DataLoader(ds, timeout=5, num_workers=1))) == 4
        fork = lib.utils.data.DataLoader(ds, num_workers=1, multiprocessing_context="fork",
                                         in_order=False)
        assert type(fork.multiprocessing_context).__name__ == "ForkContext"
        assert [b[0].tolist() for b in fork] == [[0], [1], [2], [3]]
        with pytest.warns(UserWarning, match="'pin_memory' argument is set as true but no "
                                             "accelerator is found"):
            iter(lib.utils.data.DataLoader(ds, pin_memory=True))
    if hasattr(os, "sched_getaffinity"):
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
        messages = []
        for lib in (torch, ember):
            with pytest.warns(UserWarning) as caught:
                lib.utils.data.DataLoader(lib.utils.data.TensorDataset(lib.arange(4)),
                                          num_workers=3)
            messages.append([str(w.message) for w in caught])
        assert messages[0] == messages[1]
        assert messages[1][0].startswith("This DataLoader will create 3 worker processes in "
                                         "total. Our suggested max number of worker in current "
                                         "system is 1, which is smaller")


def test_worker_errors_reraised_as_torch():
    # PyTorch's main process raises the worker's error type anew, its message
    # naming the worker and carrying the original traceback; loading goes on.
    torch = _torch()
    results = []
    for lib in (torch, ember):
        class Failing(lib.utils.data.Dataset):
            def __len__(self):
                return 4

            def __getitem__(self, i):
                if i == 1:
                    return {}["missing"]
                if i == 2:
                    raise ValueError(f"bad item {i}")
                return i

        it = iter(lib.utils.data.DataLoader(Failing(), num_workers=2))
        seen = []
        for _ in range(4):
            try:
                seen.append(next(it).tolist())
            except (KeyError, ValueError) as e:
                lines = str(e).splitlines()
                seen.append((type(e).__name__, repr(e)[:56], lines[0], lines[1],
                             lines[-1], e.__context__, e.__suppress_context__))
        results.append(seen)
    assert results[0] == results[1]
    assert results[1][1][1:4] == ("KeyError(Caught KeyError in DataLoader worker process 1.",
                                  "Caught KeyError in DataLoader worker process 1.",
                                  "Original Traceback (most recent call last):")


@pytest.mark.parametrize("where", ["iter", "init_fn"])
def test_worker_start_errors_reraised_as_torch(where):
    # An error as a worker starts (an iterable dataset's __iter__, the
    # worker_init_fn) comes back as the answer to that worker's first batch,
    # and its later batches fail on the fetcher it never made.
    torch = _torch()
    results = []
    for lib in (torch, ember):
        class Failing(lib.utils.data.IterableDataset):
            def __iter__(self):
                if where == "iter":
                    raise ValueError("no iterator")
                return iter(range(4))

        def init(worker_id):
            raise KeyError(worker_id)

        it = iter(lib.utils.data.DataLoader(
            Failing(), num_workers=2, worker_init_fn=init if where == "init_fn" else None))
        seen = []
        for _ in range(4):
            try:
                seen.append(next(it).tolist())
            except Exception as e:  # noqa: BLE001 - the errors are what is compared
                lines = str(e).splitlines()
                seen.append((type(e).__name__, lines[0], lines[-1]))
        results.append(seen)
    assert results[0] == results[1]
