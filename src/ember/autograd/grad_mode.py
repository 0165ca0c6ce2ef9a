"""Grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode.

The switch is thread-local, as in PyTorch: a no_grad block in one thread does
not stop recording in another. Each mode works as a context manager and as a
decorator, and restores the previous mode even when the block raises.
"""
import contextlib
import functools
import inspect
import threading

from .._public_name import PublicRepr, public_module

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
           "set_multithreading_enabled", "is_multithreading_enabled",
           "is_grad_enabled", "is_inference_mode_enabled", "enforce_grad_layout_policy"]


# How many threads have grad mode off now (a thread that ends with it off
# stays counted). While none has, every op knows it records without reading
# the thread-local switch, a lookup that costs as much as the rest of the
# op's recording checks: hot paths test `off_threads and not _state.enabled`.
# (one entry per such thread: a list's append and pop are atomic, so the
# count needs no lock, whose taking cost each switch a third of its time)
off_threads = []


class _CountedSwitch:
    """`_State.enabled`: a write keeps `off_threads` counted; a read finds the
    value in the thread's own dict, as for a plain attribute (a descriptor
    with __set__ and no __get__ is read from the instance dict first: the
    reads, many and hot, cost nothing more)."""

    def __set__(self, state, mode):
        mode = bool(mode)
        d = state.__dict__
        if mode is not d.get("enabled", True):
            if mode:
                off_threads.pop()
            else:
                off_threads.append(None)
        d["enabled"] = mode


class _State(threading.local):
    # Class attributes are each new thread's starting values.
    enabled = _CountedSwitch()      # whether ops record (what the rest of the package reads)
    inference = False
    # Inside inference mode nothing records whatever grad mode says (as in
    # PyTorch): enable_grad there sets only this, which is_grad_enabled reports.
    requested = False
    multithreading = True   # set_multithreading_enabled (the engine is single-threaded)
    grad_layout_enforced = True     # enforce_grad_layout_policy (autograd/_accumulate.py)
    # True while Ember's derivative formulas run on tensors (create_graph, a
    # node called, forward mode): they combine the NumPy arrays a forward
    # saved with tensors, which binary ops then take as constant tensors.
    # (A program's `tensor + array` is left to NumPy, as PyTorch leaves it.)
    formulas = False

    def __init__(self):
        # (run in each thread on its first use of the state)
        self.enabled = True


_state = _State()


@contextlib.contextmanager
def formulas_running():
    """Ember's derivative formulas run on tensors here (see _State.formulas)."""
    prev = _state.formulas
    _state.formulas = True
    try:
        yield
    finally:
        _state.formulas = prev


def is_grad_enabled():
    return _state.requested if _state.inference else _state.enabled


def _set_grad(mode):
    """Set grad mode; returns what _restore_grad needs."""
    prev = (_state.enabled, _state.requested)
    if _state.inference:
        _state.requested = mode
    else:
        _state.enabled = mode
    return prev


def _restore_grad(prev):
    _state.enabled, _state.requested = prev


def is_inference_mode_enabled():
    return _state.inference


class _DecoratorContextManager(PublicRepr):
    """Base for modes usable as `with mode():` and as `@mode()`."""

    def __call__(self, func):
        if inspect.isclass(func):
            import warnings
            warnings.warn(
                "Decorating classes is deprecated and will be disabled in future versions. You "
                "should only decorate functions or methods. To preserve the current behavior of "
                "class decoration, you can directly decorate the `__init__` method and nothing "
                "else.", FutureWarning, stacklevel=2)
            cls = func
            func = lambda *args, **kwargs: cls(*args, **kwargs)  # noqa: E731 (PyTorch's)
        if inspect.isgeneratorfunction(func):
            @functools.wraps(func)
            def gen_wrapper(*args, **kwargs):
                gen = func(*args, **kwargs)
                with self.clone():
                    response = gen.send(None)
                while True:
                    try:
                        request = yield response
                    except GeneratorExit:
                        with self.clone():
                            gen.close()
                        raise
                    except BaseException as exc:
                        with self.clone():
                            response = gen.throw(exc)
                    else:
                        try:
                            with self.clone():
                                response = gen.send(request)
                        except StopIteration as e:
                            return e.value
            return gen_wrapper

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class _GradMode(_DecoratorContextManager):
    """Set recording to `_enabled` inside the block, then restore it."""
    _enabled = False

    def __init__(self):
        self.prev = None

    def __enter__(self):
        self.prev = _set_grad(self._enabled)

    def __exit__(self, *exc):
        _restore_grad(self.prev)


class no_grad(_GradMode):
    """Disable gradient recording inside the block."""
    _enabled = False


class enable_grad(_GradMode):
    """Enable gradient recording inside the block (e.g. within no_grad)."""
    _enabled = True


class set_grad_enabled(_DecoratorContextManager):
    """Set grad mode to `mode`; takes effect at once, like PyTorch's."""

    def __init__(self, mode):
        if not isinstance(mode, bool):
            from ..ops.conditional import _arg_type
            raise TypeError("set_grad_enabled(): argument 'enabled' (position 1) must be bool, "
                            f"not {_arg_type(mode)}")
        self.mode = mode
        self.prev = _set_grad(self.mode)

    def __repr__(self):
        cls = type(self)
        return f"{public_module(cls.__module__)}.{cls.__qualname__}(mode={self.mode})"

    __str__ = __repr__

    def __call__(self, func):
        _restore_grad(self.prev)
        return super().__call__(func)

    def __enter__(self):
        _set_grad(self.mode)

    def __exit__(self, *exc):
        _restore_grad(self.prev)

    def clone(self):
        return self.__class__(self.mode)


class inference_mode(_DecoratorContextManager):
    """No recording, and every tensor made inside is an inference tensor
    (`is_inference()`), which autograd may not save and which may not be
    changed in place outside inference mode. `inference_mode(False)` leaves
    inference mode, with grad mode on (as PyTorch's)."""

    def __init__(self, mode=True):
        self.mode = mode
        self.prev = None

    def __new__(cls, mode=True):
        # `@inference_mode` without parentheses decorates directly, as in PyTorch.
        if isinstance(mode, bool):
            return super().__new__(cls)
        return cls()(mode)

    def __enter__(self):
        from .. import _tensor
        self.prev = (_state.enabled, _state.inference, _state.requested)
        if self.mode:
            _tensor._inference_blocks += 1
        _state.enabled, _state.inference = not self.mode, bool(self.mode)
        _state.requested = False

    def __exit__(self, *exc):
        from .. import _tensor
        if self.mode:
            _tensor._inference_blocks -= 1
        _state.enabled, _state.inference, _state.requested = self.prev

    def clone(self):
        return self.__class__(self.mode)


def is_multithreading_enabled():
    """Returns True if multithreading is currently enabled."""
    return _state.multithreading


class set_multithreading_enabled(_DecoratorContextManager):
    """Enable or disable multithreaded backward (thread-local). PyTorch uses
    worker threads only for accelerator devices; Ember's engine always runs
    on the calling thread, so the setting is kept and reported, and the
    backward pass is the same either way."""

    def __init__(self, mode):
        self.prev = _state.multithreading
        _state.multithreading = bool(mode)
        self.mode = mode

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _state.multithreading = self.prev

    def clone(self):
        return self.__class__(self.mode)


class enforce_grad_layout_policy(_DecoratorContextManager):
    """Whether a leaf's first gradient is laid out as the leaf (True, the
    default: the "gradient layout contract") or, where AccumulateGrad takes
    the engine's own buffer over instead of copying it, kept as it came
    (False). A gradient that must be copied is laid out as the leaf either
    way. Thread-local; set when made, as PyTorch's."""

    def __init__(self, enable=True):
        self.prev = _state.grad_layout_enforced
        _state.grad_layout_enforced = bool(enable)
        self.mode = enable

    def __call__(self, func):
        _state.grad_layout_enforced = self.prev
        return super().__call__(func)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _state.grad_layout_enforced = self.prev

    def clone(self):
        return self.__class__(self.mode)
