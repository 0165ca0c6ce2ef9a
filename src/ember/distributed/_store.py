"""Key-value stores: Store, HashStore, FileStore, PrefixStore (torch.distributed's).

Ember's MPI backend needs no store for its rendezvous; these are for user
code that coordinates through one. Values are bytes (str is stored as
UTF-8); `add` keeps a decimal count, as torch's. A HashStore lives in one
process (threads may share it); a FileStore is shared by every process that
opens the same file, each call holding an exclusive lock on it.
"""
import contextlib
import datetime
import fcntl
import os
import struct
import threading
import time

from ._errors import DistStoreError, QueueEmptyError

__all__ = ["Store", "HashStore", "FileStore", "PrefixStore"]

_DEFAULT_TIMEOUT = datetime.timedelta(seconds=300)


def _key(method, key):
    if isinstance(key, bytes):
        key = key.decode()
    if not isinstance(key, str):
        raise TypeError(f"{method}(): incompatible function arguments: the key must be a str, "
                        f"got {type(key).__name__}")
    return key


def _value(method, value):
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    raise TypeError(f"{method}(): incompatible function arguments: the value must be a str "
                    f"or bytes, got {type(value).__name__}")


def _seconds(timeout):
    return timeout.total_seconds() if isinstance(timeout, datetime.timedelta) else timeout


class Store:
    """The operations every store has, on two primitives of its subclass:
    `_atomic(fn)` runs fn(data) with no other access in between and returns
    its result; `_await(keys, seconds)` blocks until every key is set."""

    def __init__(self):
        self._timeout = _DEFAULT_TIMEOUT

    @property
    def timeout(self):
        return self._timeout

    def set_timeout(self, timeout):
        self._timeout = timeout

    def set(self, key, value):
        key, value = _key("set", key), _value("set", value)
        self._atomic(lambda d: d.__setitem__(key, value))

    def get(self, key):
        key = _key("get", key)
        self._wait_or_raise([key], self._timeout, get=True)
        return self._atomic(lambda d: d.get(key))

    def add(self, key, amount):
        key = _key("add", key)
        if not isinstance(amount, int):
            raise TypeError(f"add(): incompatible function arguments: the amount must be an "
                            f"int, got {type(amount).__name__}")

        def add(d):
            try:
                total = int(d.get(key, b"0")) + amount
            except ValueError:
                raise ValueError("stoll") from None
            d[key] = str(total).encode()
            return total
        return self._atomic(add)

    def append(self, key, value):
        key, value = _key("append", key), _value("append", value)
        self._atomic(lambda d: d.__setitem__(key, d.get(key, b"") + value))

    def compare_set(self, key, expected_value, desired_value):
        """Set `desired_value` where the key holds `expected_value` (or is
        unset and `expected_value` is empty); returns what the key then holds
        (`expected_value` for an unset key that was not set)."""
        key = _key("compare_set", key)
        expected = _value("compare_set", expected_value)
        desired = _value("compare_set", desired_value)

        def swap(d):
            if key not in d:
                if expected:
                    return expected
                d[key] = desired
            elif d[key] == expected:
                d[key] = desired
            return d[key]
        return self._atomic(swap)

    def check(self, keys):
        keys = [_key("check", k) for k in keys]
        return self._atomic(lambda d: all(k in d for k in keys))

    def delete_key(self, key):
        key = _key("delete_key", key)
        return self._atomic(lambda d: d.pop(key, None) is not None)

    def num_keys(self):
        return self._atomic(len)

    def list_keys(self):
        return self._atomic(list)

    def multi_get(self, keys):
        keys = [_key("multi_get", k) for k in keys]
        self._wait_or_raise(keys, self._timeout, get=True)
        return self._atomic(lambda d: [d[k] for k in keys])

    def multi_set(self, keys, values):
        pairs = [(_key("multi_set", k), _value("multi_set", v)) for k, v in zip(keys, values)]
        self._atomic(lambda d: d.update(pairs))

    def wait(self, keys, timeout=None):
        keys = [_key("wait", k) for k in keys]
        self._wait_or_raise(keys, self._timeout if timeout is None else timeout)

    def _wait_or_raise(self, keys, timeout, get=False):
        if not self._await(keys, _seconds(timeout)):
            raise self._timeout_error(keys, timeout, get)

    def _timeout_error(self, keys, timeout, get):
        return DistStoreError("Wait timeout")


class HashStore(Store):
    """A store in this process's memory; threads may share it."""

    def __init__(self):
        super().__init__()
        self._data = {}
        self._queues = {}
        self._cond = threading.Condition()

    def _atomic(self, fn):
        with self._cond:
            out = fn(self._data)
            self._cond.notify_all()
            return out

    def _await(self, keys, seconds):
        with self._cond:
            return self._cond.wait_for(lambda: all(k in self._data for k in keys), seconds)

    def has_extended_api(self):
        return True

    def clone(self):
        return self

    def queue_push(self, key, value):
        key, value = _key("queue_push", key), _value("queue_push", value)
        with self._cond:
            self._queues.setdefault(key, []).append(value)
            self._cond.notify_all()

    def queue_pop(self, key, block=True):
        key = _key("queue_pop", key)
        with self._cond:
            if block and not self._cond.wait_for(lambda: self._queues.get(key),
                                                 _seconds(self._timeout)):
                raise DistStoreError("Wait timeout")
            if not self._queues.get(key):
                raise QueueEmptyError("queue is empty")
            return self._queues[key].pop(0)

    def queue_len(self, key):
        with self._cond:
            return len(self._queues.get(_key("queue_len", key), ()))


class FileStore(Store):
    """A store in a file that every process opening it shares.

    The file holds the whole table as length-prefixed records; each call
    takes an exclusive flock, reads it, and writes it back if it changed.
    """

    _POLL = 0.01

    def __init__(self, file_name, world_size=-1):
        super().__init__()
        self.path = os.fspath(file_name)
        self.world_size = world_size
        try:
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644))
        except OSError as exc:
            raise DistStoreError(exc.strerror) from None

    @contextlib.contextmanager
    def _locked(self):
        with open(self.path, "r+b") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield f
            finally:
                f.flush()       # the write must land before another process reads
                fcntl.flock(f, fcntl.LOCK_UN)

    def _atomic(self, fn):
        with self._locked() as f:
            data = _decode(f.read())
            before = dict(data)
            out = fn(data)
            if data != before:
                f.seek(0)
                f.truncate()
                f.write(_encode(data))
            return out

    def _await(self, keys, seconds):
        deadline = time.monotonic() + seconds
        while not self.check(keys):
            if time.monotonic() >= deadline:
                return False
            time.sleep(self._POLL)
        return True

    def _timeout_error(self, keys, timeout, get):
        if get:
            ms = int(_seconds(timeout) * 1000)
            return RuntimeError(f"Timeout waiting for key: {keys[0]} after {ms} ms")
        return RuntimeError("Wait timeout")

    def has_extended_api(self):
        return False

    def queue_push(self, key, value):
        raise NotImplementedError("queue support is not implemented.")

    queue_pop = queue_len = queue_push


def _encode(data):
    parts = []
    for k, v in data.items():
        kb = k.encode()
        parts += [struct.pack("<II", len(kb), len(v)), kb, v]
    return b"".join(parts)


def _decode(raw):
    data, pos = {}, 0
    while pos < len(raw):
        nk, nv = struct.unpack_from("<II", raw, pos)
        pos += 8
        key = raw[pos:pos + nk].decode()
        data[key] = raw[pos + nk:pos + nk + nv]
        pos += nk + nv
    return data


class PrefixStore(Store):
    """`store` seen through keys that all start with `prefix + "/"`."""

    def __init__(self, prefix, store):
        if not isinstance(store, Store):
            raise TypeError("PrefixStore(): the store must be a Store, got "
                            f"{type(store).__name__}")
        self._prefix = prefix
        self.underlying_store = store

    @property
    def timeout(self):
        return self.underlying_store.timeout

    def set_timeout(self, timeout):
        self.underlying_store.set_timeout(timeout)

    def _full(self, key):
        return f"{self._prefix}/{_key('PrefixStore', key)}"

    def set(self, key, value):
        self.underlying_store.set(self._full(key), value)

    def get(self, key):
        return self.underlying_store.get(self._full(key))

    def add(self, key, amount):
        return self.underlying_store.add(self._full(key), amount)

    def append(self, key, value):
        self.underlying_store.append(self._full(key), value)

    def compare_set(self, key, expected_value, desired_value):
        return self.underlying_store.compare_set(self._full(key), expected_value,
                                                 desired_value)

    def check(self, keys):
        return self.underlying_store.check([self._full(k) for k in keys])

    def delete_key(self, key):
        return self.underlying_store.delete_key(self._full(key))

    def num_keys(self):
        return self.underlying_store.num_keys()

    def list_keys(self):
        start = self._prefix + "/"
        return [k[len(start):] for k in self.underlying_store.list_keys() if k.startswith(start)]

    def multi_get(self, keys):
        return self.underlying_store.multi_get([self._full(k) for k in keys])

    def multi_set(self, keys, values):
        self.underlying_store.multi_set([self._full(k) for k in keys], values)

    def wait(self, keys, timeout=None):
        self.underlying_store.wait([self._full(k) for k in keys], timeout)

    def has_extended_api(self):
        return self.underlying_store.has_extended_api()

    def queue_push(self, key, value):
        self.underlying_store.queue_push(self._full(key), value)

    def queue_pop(self, key, block=True):
        return self.underlying_store.queue_pop(self._full(key), block)

    def queue_len(self, key):
        return self.underlying_store.queue_len(self._full(key))
