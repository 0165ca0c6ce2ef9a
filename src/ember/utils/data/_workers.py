"""DataLoader workers, kept in this process.

PyTorch's worker w is a process that seeds torch and `random` with
base_seed + w and NumPy with a hash of both, runs worker_init_fn(w), then
loads the batches it is handed (batch k of an epoch goes to the next worker
of a cycle that runs on across the epochs of persistent workers). Its draws
never touch the main process's generators.

Here a worker is the random states that process would hold: loading a batch
swaps them in, loads on this thread, and swaps the caller's back. So a
dataset that draws random numbers (augmentation) gives PyTorch's values, and
the main process's generators are left as PyTorch leaves them. An error
in loading comes out as PyTorch's main process re-raises it: the same type,
its message "Caught ... in DataLoader worker process w." and the original
traceback. What differs: the dataset is not copied into each worker, so
changes a dataset makes to itself while loading are seen by the main process
and the other workers.
"""
import random
import traceback
from dataclasses import dataclass

from ..._backend import np
from ..._random import Generator, default_generator

__all__ = ["WorkerInfo", "get_worker_info"]


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    """Information about the current DataLoader worker (see get_worker_info)."""
    id: int
    num_workers: int
    seed: int
    dataset: object
    rng: object = None
    worker_method: str = "multiprocessing"


_worker_info = None


def get_worker_info():
    """The WorkerInfo of the DataLoader worker loading now; None outside one."""
    return _worker_info


_M32 = 0xFFFFFFFF


def _generate_state(base_seed, worker_id):
    """The four 32-bit words PyTorch's worker seeds NumPy with (a SeedSequence-
    style hash of the worker id and the base seed, as in its worker loop)."""
    const = [0x43B0D7E5]

    def hash_(value):
        value = (value ^ const[0]) & _M32
        const[0] = (const[0] * 0x931E8875) & _M32
        value = (value * const[0]) & _M32
        return (value ^ (value >> 16)) & _M32

    def mix(x, y):
        r = ((0xCA01F9DD * x) - (0x4973F715 * y)) & _M32
        return (r ^ (r >> 16)) & _M32

    pool = [hash_(e) for e in (worker_id, base_seed & _M32, base_seed >> 32, 0)]
    for src in range(4):
        for dst in range(4):
            if src != dst:
                pool[dst] = mix(pool[dst], hash_(pool[src]))
    out, const_b = [], 0x8B51F9DD
    for value in pool:
        value = (value ^ const_b) & _M32
        const_b = (const_b * 0x58F38DED) & _M32
        value = (value * const_b) & _M32
        out.append((value ^ (value >> 16)) & _M32)
    return out


def _states():
    # The generator's attributes are its whole state (a new engine when it is
    # seeded); swapping them is ~100 times cheaper than get_state/set_state.
    return (dict(vars(default_generator)), random.getstate(),
            np.random.get_state(legacy=False))


def _set_states(states):
    torch_state, py_state, np_state = states
    vars(default_generator).update(torch_state)
    random.setstate(py_state)
    np.random.set_state(np_state)


def _no_fetcher():
    # the error of PyTorch's worker loop using `fetcher` unassigned, in this
    # Python's own words
    if False:  # noqa: SIM108
        fetcher = None
    return fetcher  # noqa: F821


class _Worker:
    """One worker's random states and, for an iterable dataset, its iterator;
    `with worker:` runs the block as that worker."""

    def __init__(self, worker_id, num_workers, base_seed, dataset, init_fn, iterable):
        seed = base_seed + worker_id
        self.info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        self._iterable = iterable
        generator = Generator()
        generator.manual_seed(seed)
        numpy_rng = np.random.RandomState(_generate_state(base_seed, worker_id))
        self._states = (dict(vars(generator)), random.Random(seed).getstate(),
                        numpy_rng.get_state(legacy=False))
        self.dataset_iter, self.ended, self._start_error = None, False, None
        with self:
            try:
                if init_fn is not None:
                    init_fn(worker_id)
                self.resume()
            except Exception as exc:  # noqa: BLE001 (PyTorch's worker keeps it: see started)
                self._start_error = exc

    def started(self):
        """Raise what worker_init_fn or the iterable dataset's __iter__ raised
        when the worker started: PyTorch's worker sends it as the answer to
        its first batch (wrapped as any worker error), and at its later
        batches fails on the fetcher it never made (an UnboundLocalError)."""
        if self._start_error is not None:
            exc, self._start_error = self._start_error, _no_fetcher
            if exc is _no_fetcher:
                _no_fetcher()
            raise exc

    def resume(self):
        """A new epoch: an iterable dataset's iterator made again, in the worker."""
        self.dataset_iter = iter(self.info.dataset) if self._iterable else None
        self.ended = False

    def __enter__(self):
        global _worker_info
        self._outer = _states(), _worker_info
        _set_states(self._states)
        _worker_info = self.info
        return self

    def __exit__(self, *exc):
        global _worker_info
        self._states = _states()
        outer, _worker_info = self._outer
        _set_states(outer)
        return False



class KeyErrorMessage(str):
    """A str that is its own repr: KeyError shows its argument's repr."""
    __slots__ = ()

    def __repr__(self):
        return self


def worker_error(exc, worker_id):
    """The exception PyTorch raises in the main process for `exc` raised in
    worker `worker_id` (its ExceptionWrapper.reraise)."""
    kind = type(exc)
    msg = (f"Caught {kind.__name__} in DataLoader worker process {worker_id}.\nOriginal "
           + "".join(traceback.format_exception(kind, exc, exc.__traceback__)))
    if kind is KeyError:
        msg = KeyErrorMessage(msg)
    elif getattr(kind, "message", None):
        return kind(message=msg)
    try:
        return kind(msg)
    except Exception:   # noqa: BLE001 (an exception that takes other arguments)
        return RuntimeError(msg)
