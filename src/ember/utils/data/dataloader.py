"""DataLoader and default_collate (torch.utils.data.dataloader).

Loading runs in this process whatever `num_workers` says. The random draws
happen where torch makes them: each `iter(loader)` draws a base seed from
the loader's generator, then a shuffling sampler draws its own seed when the
first batch is fetched; so a seeded shuffle gives torch's batches, and the
generator is left in torch's state. With workers, PyTorch feeds them indices
`prefetch_factor * num_workers` batches ahead from the moment the iterator is
made, and a persistent workers' iterator is made once and reset each epoch
(no new base seed): _MultiProcessingDataLoaderIter pulls its indices so, and
loads each batch as the worker PyTorch hands it to (_workers.py).
"""
import collections
import collections.abc
import copy
import itertools
import multiprocessing
import os
import re
import warnings

from ..._backend import np

from ... import _creation
from ... import _dtype as D
from ..._tensor import Tensor
from ...ops.shape import stack
from ._workers import _Worker, get_worker_info, worker_error
from .dataset import IterableDataset, TensorDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, _int64_seed
from ..._public_name import PublicRepr

__all__ = ["DataLoader", "default_collate", "default_convert", "get_worker_info"]

_np_str_obj_array_pattern = re.compile(r"[SaUO]")
_collate_err = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or "
                "lists; found {}")


def default_convert(data):
    if isinstance(data, Tensor):
        return data
    elem_type = type(data)
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_"):
        if elem_type.__name__ == "ndarray" and \
                _np_str_obj_array_pattern.search(data.dtype.str) is not None:
            return data
        return _creation.as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return {key: default_convert(data[key]) for key in data} \
            if not isinstance(data, collections.abc.MutableMapping) else \
            _updated(copy.copy(data), {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return [default_convert(d) for d in data]
    return data


def _updated(d, new):
    d.update(new)
    return d


def default_collate(batch):
    """Stack tensors, arrays and numbers along a new first dim; recurse into
    dicts, named tuples and sequences; leave strings as lists."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(list(batch), 0)
    elem_type = type(elem)
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_"):
        if isinstance(elem, np.ndarray):
            if _np_str_obj_array_pattern.search(elem.dtype.str) is not None:
                raise TypeError(_collate_err.format(elem.dtype))
            return default_collate([_creation.as_tensor(b) for b in batch])
        return _creation.as_tensor(np.asarray(batch))
    if isinstance(elem, float):
        return _creation.tensor(batch, dtype=D.float64)
    if isinstance(elem, int):
        return _creation.tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        out = {key: default_collate([d[key] for d in batch]) for key in elem}
        if isinstance(elem, collections.abc.MutableMapping):
            return _updated(copy.copy(elem), out)
        try:
            return elem_type(out)
        except TypeError:
            return out
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return elem_type(*(default_collate(samples) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        it = iter(batch)
        elem_size = len(next(it))
        if not all(len(e) == elem_size for e in it):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [default_collate(samples) for samples in transposed]
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                clone = copy.copy(elem)
                for i, samples in enumerate(transposed):
                    clone[i] = default_collate(samples)
                return clone
            return elem_type([default_collate(samples) for samples in transposed])
        except TypeError:
            return [default_collate(samples) for samples in transposed]
    raise TypeError(_collate_err.format(elem_type))


class _InfiniteConstantSampler(Sampler):
    def __iter__(self):
        while True:
            yield None


class DataLoader(PublicRepr):
    __initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to "
                             "disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing."
                             "let num_workers > 0 to enable multiprocessing, otherwise set "
                             "prefetch_factor to None.")
        elif num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in {False, None}:
                raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle "
                                 f"option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler "
                                 f"option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 f"batch_sampler option, but got batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if sampler is None:
            if self._iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self.pin_memory_device = pin_memory_device
        # Checked and kept as PyTorch does; the loading stays in this process.
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order
        self.__initialized = True
        self._IterableDataset_len_called = None
        self._iterator = None
        self.check_worker_number_rationality()

    def __setattr__(self, attr, val):
        if self.__initialized and attr in ("batch_size", "batch_sampler", "sampler",
                                           "drop_last", "dataset", "persistent_workers"):
            raise ValueError(f"{attr} attribute should not be set after "
                             f"{self.__class__.__name__} is initialized")
        super().__setattr__(attr, val)

    @property
    def multiprocessing_context(self):
        return self.__multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, context):
        if context is not None:
            if self.num_workers <= 0:
                raise ValueError("multiprocessing_context can only be used with multi-process "
                                 f"loading (num_workers > 0), but got num_workers="
                                 f"{self.num_workers}")
            if isinstance(context, str):
                methods = multiprocessing.get_all_start_methods()
                if context not in methods:
                    raise ValueError("multiprocessing_context option should specify a valid "
                                     f"start method in {methods!r}, but got "
                                     f"multiprocessing_context={context!r}")
                context = multiprocessing.get_context(context)
            if not isinstance(context, multiprocessing.context.BaseContext):
                raise TypeError("multiprocessing_context option should be a valid context object "
                                "or a string specifying the start method, but got "
                                f"multiprocessing_context={context}")
        self.__multiprocessing_context = context

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def _get_iterator(self):
        if self.num_workers == 0:
            return _SingleProcessDataLoaderIter(self)
        self.check_worker_number_rationality()
        return _MultiProcessingDataLoaderIter(self)

    def __iter__(self):
        # Persistent workers live as long as the loader: one iterator, reset
        # each epoch (its base seed drawn once).
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None:
                self._iterator = self._get_iterator()
            else:
                self._iterator._reset(self)
            return self._iterator
        return self._get_iterator()

    def check_worker_number_rationality(self):
        """PyTorch's warning for more workers than the CPUs this process may use."""
        if not self.num_workers:
            return
        cpuset_checked = hasattr(os, "sched_getaffinity")
        suggest = len(os.sched_getaffinity(0)) if cpuset_checked else os.cpu_count()
        if suggest is not None and self.num_workers <= suggest:
            return
        if suggest is None:
            suggested = ("DataLoader is not able to compute a suggested max number of worker "
                         "in current system.")
        else:
            suggested = (f"Our suggested max number of worker in current system is {suggest}"
                         f"{'' if cpuset_checked else ' (`cpuset` is not taken into account)'}"
                         ", which is smaller than what this DataLoader is going to create.")
        warnings.warn(f"This DataLoader will create {self.num_workers} worker processes in "
                      f"total. {suggested} Please be aware that excessive worker creation might "
                      "get DataLoader running slow or even freeze, lower the worker number to "
                      "avoid potential slowness/freeze if necessary.", stacklevel=2)

    def __len__(self):
        if self._iterable:
            length = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else \
                    -(-length // self.batch_size)
            return length
        return len(self._index_sampler)


class _BaseDataLoaderIter(PublicRepr):
    def __init__(self, loader):
        self._dataset = loader.dataset
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._collate_fn = loader.collate_fn
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers
        self._iterable = loader._iterable
        if loader.pin_memory and loader.pin_memory_device:
            warnings.warn("pin_memory_device is deprecated, the current accelerator will be used "
                          f"as the device,ignore pin_memory_device='{loader.pin_memory_device}'.",
                          stacklevel=2)
        if loader.pin_memory:   # no accelerator here
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, "
                          "then device pinned memory won't be used.", stacklevel=2)
        self._sampler_iter = iter(self._index_sampler)
        self._base_seed = _int64_seed(loader.generator)
        self._persistent_workers = loader.persistent_workers
        self._num_yielded = 0
        self._IterableDataset_len_called = loader._IterableDataset_len_called
        # Rows of a TensorDataset are gathered with one indexing per tensor
        # instead of one per sample: same values as stacking the samples.
        self._fast = (self._auto_collation and self._collate_fn is default_collate
                      and type(self._dataset) is TensorDataset
                      and not any(t._requires_grad for t in self._dataset.tensors))

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._index_sampler)

    def __getstate__(self):
        raise NotImplementedError("{} cannot be pickled", self.__class__.__name__)

    def _reset(self, loader, first_iter=False):
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0
        self._IterableDataset_len_called = loader._IterableDataset_len_called

    def _next_index(self):
        return next(self._sampler_iter)

    def __next__(self):
        data = self._next_data()
        self._num_yielded += 1
        if (self._iterable and self._IterableDataset_len_called is not None
                and self._num_yielded > self._IterableDataset_len_called):
            msg = (f"Length of IterableDataset {self._dataset} was reported to be "
                   f"{self._IterableDataset_len_called}(when accessing len(dataloader)), but "
                   f"{self._num_yielded} samples have been fetched. ")
            if self._num_workers > 0:
                msg += ("For multiprocessing data-loading, this could be caused by not properly "
                        "configuring the IterableDataset replica at each worker. Please see "
                        "https://pytorch.org/docs/stable/data.html#torch.utils.data."
                        "IterableDataset for examples.")
            warnings.warn(msg, stacklevel=2)
        return data

    def _next_data(self):
        return self._fetch(self._next_index(), self)

    def _fetch(self, index, source):
        """The batch at `index`; an iterable dataset's is read from
        source.dataset_iter (this iterator's, or a worker's)."""
        if self._iterable:
            return self._fetch_iterable(index, source)
        if self._fast:
            idx = np.asarray(index, dtype=np.int64)
            return [Tensor._wrap(t._data[idx]) for t in self._dataset.tensors]
        if self._auto_collation:
            getitems = getattr(self._dataset, "__getitems__", None)
            data = getitems(index) if getitems else [self._dataset[i] for i in index]
        else:
            data = self._dataset[index]
        return self._collate_fn(data)

    def _fetch_iterable(self, index, source):
        if source.ended:
            raise StopIteration
        if not self._auto_collation:
            return self._collate_fn(next(source.dataset_iter))
        data = []
        for _ in index:
            try:
                data.append(next(source.dataset_iter))
            except StopIteration:
                source.ended = True
                break
        if len(data) == 0 or (self._drop_last and len(data) < len(index)):
            raise StopIteration
        return self._collate_fn(data)


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter):
    def __init__(self, loader):
        super().__init__(loader)
        if loader.timeout != 0:
            raise AssertionError("_SingleProcessDataLoaderIter requires timeout == 0")
        self.dataset_iter = iter(self._dataset) if self._iterable else None
        self.ended = False


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    """PyTorch's order of work without processes: the sampler is read
    prefetch_factor * num_workers batches ahead as the iterator is made (or
    reset), then one more per batch returned; each batch goes to the next
    active worker of a cycle (from worker 0 each epoch) and is loaded as
    that worker (_workers.py). An iterable dataset is read by every worker
    (its replica, as in PyTorch), and a worker it runs out on takes no more
    batches."""

    def __init__(self, loader):
        super().__init__(loader)
        self._prefetch_factor = loader.prefetch_factor
        self._workers = [_Worker(i, self._num_workers, self._base_seed, self._dataset,
                                 loader.worker_init_fn, self._iterable)
                         for i in range(self._num_workers)]
        self._reset(loader, first_iter=True)

    def _reset(self, loader, first_iter=False):
        if not first_iter:
            self._drain()
        super()._reset(loader, first_iter)
        if not first_iter and self._iterable:
            for worker in self._workers:
                with worker:
                    worker.resume()
        self._active = [True] * self._num_workers
        self._worker_cycle = itertools.cycle(range(self._num_workers))   # each epoch from 0
        self._tasks = collections.deque()
        for _ in range(self._prefetch_factor * self._num_workers):
            self._put_index()

    def _drain(self):
        """The batches handed out last epoch and never taken: PyTorch's
        persistent workers load them before they resume (their random draws
        count), and what they give, errors too, is dropped."""
        for w, index in self._tasks:
            if self._active[w]:
                try:
                    with self._workers[w] as worker:
                        self._fetch(index, worker)
                except StopIteration:
                    self._active[w] = False
                except Exception:   # noqa: BLE001 (dropped, as PyTorch drops it)
                    pass
        self._tasks.clear()

    def _put_index(self):
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):
            w = next(self._worker_cycle)
            if self._active[w]:
                self._tasks.append((w, index))
                return

    def _next_data(self):
        while self._tasks:
            w, index = self._tasks.popleft()
            if not self._active[w]:
                continue
            error = None
            try:
                with self._workers[w] as worker:
                    worker.started()
                    data = self._fetch(index, worker)
            except StopIteration:
                self._active[w] = False
                self._put_index()
                continue
            except Exception as exc:   # noqa: BLE001 (re-raised as PyTorch's main process does)
                error = worker_error(exc, w)
            self._put_index()
            if error is not None:
                raise error   # (outside the handler: no context, as PyTorch's)
            return data
        raise StopIteration
