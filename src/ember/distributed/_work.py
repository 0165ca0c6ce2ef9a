"""Work: the handle of a collective started with async_op=True.

It holds the MPI requests of a non-blocking call and the steps that finish it
on this side (copy a staged buffer back, divide for AVG), which run once,
when the requests are first seen complete.
"""
import time

__all__ = ["Work", "Future"]


class Work:
    def __init__(self, requests, finish=None, result=None, statuses=None):
        self._requests = list(requests)
        self._statuses = statuses   # MPI.Status objects the requests fill (recv's source)
        self._finish = finish
        self._result = [] if result is None else list(result)
        self._done = not self._requests and finish is None
        self._exception = None

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
        if _mpi().Request.Testall(self._requests, self._statuses):
            self._complete()
        return self._done

    def is_success(self):
        return self.is_completed()

    def wait(self, timeout=None):
        """Block until done; with a timeout (timedelta or seconds), raise past it."""
        if self._done:
            return True
        from ._core import _mpi
        MPI = _mpi()
        if timeout is None:
            MPI.Request.Waitall(self._requests, self._statuses)
        else:
            seconds = getattr(timeout, "total_seconds", lambda: timeout)()
            deadline = time.monotonic() + seconds
            while not MPI.Request.Testall(self._requests, self._statuses):
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
