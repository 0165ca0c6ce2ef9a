"""torch.futures: a value that another thread (or a callback chain) sets
later, as PyTorch's RPC and jit.fork return.

PyTorch's Future wraps a C++ ivalue::Future; this one is a lock and a
condition in Python, with the same behaviour: `wait()` blocks until
`set_result`/`set_exception`, completing twice is refused, callbacks run in
the thread that completes the future (at once when it is already complete),
`then` returns a new Future holding the callback's result, or its error in
PyTorch's words, and an error in an `add_done_callback` callback is printed,
not raised."""
import sys
import threading
import traceback

__all__ = ["Future", "collect_all", "wait_all"]

_COMPLETED_TWICE = ("Attempting to mark a completed Future as complete again. Note that a "
                    "Future can only be marked completed once.")


class Future:
    """The result of an asynchronous computation (see the module docstring)."""

    def __init__(self, *, devices=None):
        from .._device import device
        for d in devices or ():
            if not isinstance(d, int) and device(d).index is None:
                raise ValueError(f"Expected devices to have indices, got {d}")
        self._cond = threading.Condition()
        self._done, self._value, self._error, self._callbacks = False, None, None, []

    def done(self):
        """Whether the result (or an error) is set."""
        return self._done

    def wait(self):
        """Block until the future completes; its value, or its error raised."""
        with self._cond:
            self._cond.wait_for(lambda: self._done)
        return self.value()

    def value(self):
        """The value of a completed future (its error raised)."""
        if not self._done:
            # (PyTorch's words, an assertion of its C++ code)
            raise RuntimeError('completed() INTERNAL ASSERT FAILED at "/__w/pytorch/pytorch/aten/'
                               'src/ATen/core/ivalue_inl.h":1016, please report a bug to '
                               'PyTorch. ')
        if self._error is not None:
            raise self._error
        return self._value

    def then(self, callback):
        """A new Future completed with `callback(self)` once this one completes
        (with the callback's error, as PyTorch words it, if it raises)."""
        result = Future()

        def run(fut):
            try:
                value = callback(fut)
            except Exception as e:  # noqa: BLE001 - the new future carries it
                result.set_exception(RuntimeError(
                    f"Got the following error when running the callback: "
                    f"{type(e).__name__}: {e}\n\nAt:\n{_frames(e)}"))
            else:
                result.set_result(value)
        self.add_done_callback(run)
        return result

    def add_done_callback(self, callback):
        """Run `callback(self)` when the future completes (now, if it has);
        an error it raises is printed, not raised."""
        with self._cond:
            if not self._done:
                self._callbacks.append(callback)
                return
        _run(callback, self)

    def set_result(self, result):
        """Complete the future with `result`: waiters wake, callbacks run."""
        self._complete(result, None)

    def set_exception(self, result):
        """Complete the future with an error, which wait() and value() raise."""
        if not isinstance(result, Exception):
            raise AssertionError(f"{result} is of type {type(result)}, not an Exception.")
        self._complete(None, result)

    def _complete(self, value, error):
        with self._cond:
            if self._done:
                raise RuntimeError(_COMPLETED_TWICE)
            self._done, self._value, self._error = True, value, error
            callbacks, self._callbacks = self._callbacks, []
            self._cond.notify_all()
        for callback in callbacks:
            _run(callback, self)


Future.__module__ = "torch.jit"     # (where PyTorch's class says it lives)


def _frames(e):
    """PyTorch's "At:" lines: the Python stack where the callback failed,
    innermost first, without this module's plumbing but its set_result."""
    here = __file__
    inner = [f for f in traceback.extract_tb(e.__traceback__) if f.filename != here]
    outer = [f for f in traceback.extract_stack(sys._getframe(2))
             if f.filename != here or f.name in ("set_result", "set_exception")]
    return "".join(f"  {f.filename}({f.lineno}): {f.name}\n"
                   for f in reversed(outer + inner))


def _run(callback, fut):
    try:
        callback(fut)
    except Exception as e:  # noqa: BLE001 - PyTorch logs a callback's error
        print(f"Got the following error when running the callback: {type(e).__name__}: {e}"
              f"\n\nAt:\n{_frames(e)}", file=sys.stderr)


def collect_all(futures):
    """A Future completed with the list of `futures` once all have completed."""
    futures = list(futures)
    result, left = Future(), [len(futures)]
    lock = threading.Lock()

    def one_done(_):
        with lock:
            left[0] -= 1
            last = left[0] == 0
        if last:
            result.set_result(futures)
    if not futures:
        result.set_result([])
    for fut in futures:
        fut.add_done_callback(one_done)
    return result


def wait_all(futures):
    """The values of `futures`, waiting for each (the first error raised)."""
    return [fut.wait() for fut in futures]
