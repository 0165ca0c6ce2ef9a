"""Work: the handle of a collective started with async_op=True.

It holds the MPI requests of a non-blocking call and the steps that finish it
on this side (copy a staged buffer back, divide for AVG), which run once, in
the caller's thread, when the requests are first seen complete.

Open MPI moves a non-blocking collective forward only inside MPI calls, so a
request started during backward would sit still until someone waits on it.
A progress thread therefore tests the started requests while the main thread
computes (NumPy's BLAS releases the GIL); this is what lets DDP's all-reduce
overlap backward. It polls every 50 us, and only while requests are pending.
"""
import threading
import time

__all__ = ["Work", "Future"]

_POLL_SECONDS = 50e-6


class _Progress:
    def __init__(self):
        self._pending = []
        self._wake = threading.Condition()
        self._thread = None

    def add(self, work):
        with self._wake:
            self._pending.append(work)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="ember-mpi-progress",
                                                daemon=True)
                self._thread.start()
            self._wake.notify()

    def _run(self):
        from ._core import _mpi
        MPI = _mpi()
        while True:
            with self._wake:
                while not self._pending:
                    self._wake.wait()
                works = list(self._pending)
            for w in works:
                try:
                    w._test(MPI, block=False)
                except Exception as exc:  # noqa: BLE001 - raised to the waiter instead
                    w._exception = exc
            with self._wake:
                self._pending = [w for w in self._pending
                                 if not (w._mpi_done or w._exception)]
            time.sleep(_POLL_SECONDS)


_progress = _Progress()


class Work:
    def __init__(self, requests, finish=None, result=None, statuses=None, progress=False):
        self._requests = list(requests)
        self._statuses = statuses   # MPI.Status objects the requests fill (recv's source)
        self._finish = finish
        self._result = [] if result is None else list(result)
        self._mpi_done = not self._requests
        self._done = self._mpi_done and finish is None
        self._exception = None
        self._lock = threading.Lock()   # one thread at a time tests or waits on the requests
        if progress and not self._mpi_done:
            _progress.add(self)

    def _test(self, MPI, block):
        """Are the requests done? Never blocks on the lock when block=False."""
        if not self._lock.acquire(blocking=block):
            return False
        try:
            if not self._mpi_done:
                if block:
                    MPI.Request.Waitall(self._requests, self._statuses)
                    self._mpi_done = True
                else:
                    self._mpi_done = MPI.Request.Testall(self._requests, self._statuses)
            return self._mpi_done
        finally:
            self._lock.release()

    def _complete(self):
        if not self._done:
            self._done = True
            if self._finish is not None:
                self._finish()
            self._requests = []

    def is_completed(self):
        if self._done:
            return True
        from ._core import _mpi
        if self._test(_mpi(), block=False):
            self._complete()
        return self._done

    def is_success(self):
        return self.is_completed()

    def wait(self, timeout=None):
        """Block until done; with a timeout (timedelta or seconds), raise past it."""
        if self._done:
            return True
        if self._exception is not None:
            raise self._exception
        from ._core import _mpi
        MPI = _mpi()
        if timeout is None:
            self._test(MPI, block=True)
        else:
            seconds = getattr(timeout, "total_seconds", lambda: timeout)()
            deadline = time.monotonic() + seconds
            while not self._test(MPI, block=False):
                if time.monotonic() >= deadline:
                    raise RuntimeError(f"Work timed out after {int(seconds * 1000)} ms")
                time.sleep(0.0005)
        self._complete()
        return True

    def synchronize(self):
        self.wait()

    def result(self):
        self.wait()
        return self._result

    def exception(self):
        return self._exception

    def get_future(self):
        return Future(self)

    def __repr__(self):
        return f"<ember.distributed.Work completed={self._done}>"


class Future:
    """The little of torch.futures.Future a communication hook needs: wait, value, then."""

    def __init__(self, work=None, fn=None, parent=None, value=None):
        self._work, self._fn, self._parent = work, fn, parent
        self._value, self._has_value = value, work is None and parent is None

    def wait(self):
        if not self._has_value:
            if self._work is not None:
                self._value = self._work.result()
            else:
                self._parent.wait()
                self._value = self._fn(self._parent)
            self._has_value = True
        return self._value

    def value(self):
        return self.wait()

    def done(self):
        if self._has_value:
            return True
        if self._work is not None:
            return self._work.is_completed()
        return self._parent.done()

    def then(self, callback):
        return Future(fn=callback, parent=self)

    def set_result(self, value):
        self._value, self._has_value = value, True
