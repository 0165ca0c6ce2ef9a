"""torch._dynamo's few names that eager code calls.  Ember has no graph
compiler (see ember._compile), so nothing is ever being compiled: markers
return their function and `disable` leaves it to run eagerly, as it would."""
import types as _types

__all__ = ["allow_in_graph", "assume_constant_result", "config", "disable", "disallow_in_graph",
           "graph_break", "is_compiling", "list_backends", "mark_dynamic", "mark_static",
           "maybe_mark_dynamic", "reset", "set_stance"]

_STANCES = ("default", "force_eager", "eager_on_recompile", "fail_on_recompile",
            "eager_then_compile", "aot_eager_then_compile")

# The settings scripts read or set; nothing in Ember consults them.
config = _types.SimpleNamespace(recompile_limit=8, cache_size_limit=8,
                                accumulated_recompile_limit=256, suppress_errors=False,
                                verbose=False, capture_scalar_outputs=False,
                                capture_dynamic_output_shape_ops=False,
                                automatic_dynamic_shapes=True, optimize_ddp=True)


def is_compiling():
    return False


def reset():
    """Nothing is cached, so nothing to clear."""
    return None


def _callable(fn, message):
    if not callable(fn):
        raise AssertionError(message)
    return fn


def disable(fn=None, recursive=True, *, reason=None):
    """`fn` itself (it already runs eagerly); without `fn`, a decorator."""
    if fn is None:
        return lambda f: _callable(f, "fn must be callable")
    return _callable(fn, "fn must be callable")


def allow_in_graph(fn):
    if isinstance(fn, (list, tuple)):
        return [allow_in_graph(x) for x in fn]
    return _callable(fn, "allow_in_graph expects a callable")


def disallow_in_graph(fn):
    if isinstance(fn, (list, tuple)):
        return [disallow_in_graph(x) for x in fn]
    return _callable(fn, "disallow_in_graph expects a callable")


def assume_constant_result(fn):
    fn._dynamo_marked_constant = True
    return fn


def graph_break(msg=""):
    return None


def mark_dynamic(t, index, *, min=None, max=None, specialize_on=None):  # noqa: A002
    return None


def maybe_mark_dynamic(t, index):
    return None


def mark_static(t, index=None):
    return None


def list_backends(exclude_tags=("debug", "experimental")):
    """PyTorch's CPU list; `ember.compile` accepts these and runs eagerly."""
    return ["cudagraphs", "inductor", "openxla", "tvm"]


class set_stance:
    """Function, context manager or decorator, as in PyTorch; every stance runs
    eagerly in Ember, so only the current stance is recorded."""
    _current = ("default", False, None)

    def __init__(self, stance="default", *, skip_guard_eval_unsafe=False, force_backend=None):
        if force_backend is not None and stance != "default":
            raise RuntimeError("non-default stance cannot have force_backend set")
        self.stance = (stance, skip_guard_eval_unsafe, force_backend)
        self.prev = set_stance._swap(self.stance)

    @staticmethod
    def _swap(stance):
        prev, set_stance._current = set_stance._current, stance
        return prev

    def __call__(self, fn):
        set_stance._swap(self.prev)
        import functools

        @functools.wraps(fn)
        def with_stance(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)
        return with_stance

    def __enter__(self):
        set_stance._swap(self.stance)

    def __exit__(self, *exc):
        set_stance._swap(self.prev)
