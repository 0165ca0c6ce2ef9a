"""torch.autograd.profiler: time each op, backward node and record_function
block run inside `with profile() as prof:`.

    with ember.autograd.profiler.profile() as prof:
        y = x.pow(2)
        y.backward(ember.ones_like(y))
    print(prof.key_averages().table(sort_by="self_cpu_time_total"))

While a profiler records, the public ops are timing wrappers (see
_profiler_hooks.py); when it stops they are the ops again. Events are named
as PyTorch's profiler names them (aten::mul, autograd::engine::evaluate_function:
MulBackward0, ...); Ember's CPU is the only device, as in PyTorch's CPU build.
"""
import enum
from time import perf_counter_ns, time_ns
from warnings import warn

from . import _profiler_hooks as _hooks
from .profiler_util import DeviceType, EventList, FunctionEvent, _chrome_trace
from .profiler_util import MemRecordsAcc, StringTable  # noqa: F401  (PyTorch's module has them)

__all__ = ["profile", "record_function", "emit_nvtx", "emit_itt", "EventList", "FunctionEvent",
           "ProfilerActivity", "DeviceType", "kineto_available", "KinetoStepTracker"]

_VALID_DEVICES = ("cuda", "xpu", "mtia", "hpu")


class ProfilerActivity(enum.Enum):
    """What a profiler can record: only CPU exists in Ember (as in PyTorch's CPU build)."""
    CPU = 0
    XPU = 1
    CUDA = 2
    HPU = 3
    MTIA = 4
    PrivateUse1 = 5

    def __str__(self):
        return f"ProfilerActivity.{self.name}"


def _supported_activities():
    return {ProfilerActivity.CPU}


def kineto_available():
    return True


class _ContextDecorator:
    """A context manager that also decorates: each call runs inside it."""

    def __enter__(self):
        raise NotImplementedError

    def __exit__(self, exc_type, exc_val, exc_tb):
        raise NotImplementedError

    def __call__(self, func):
        import functools

        @functools.wraps(func)
        def wrapped(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return wrapped


class profile:
    """Record the CPU time of every op, backward node and record_function
    block run inside the context. `record_shapes`: the input shapes of each
    op; `profile_memory`: the bytes each op's results allocated; `with_stack`:
    the Python functions run (outside Ember), as events; `with_flops`: FLOPs of matrix products,
    convolutions, mul and add. Results: `key_averages()`, `table()`,
    `function_events`, `export_chrome_trace(path)`."""

    def __init__(self, enabled=True, *, use_cuda=False, use_device=None, record_shapes=False,
                 with_flops=False, profile_memory=False, with_stack=False, with_modules=False,
                 use_kineto=False, use_cpu=True, experimental_config=None, acc_events=False,
                 custom_trace_id_callback=None, post_processing_timeout_s=None,
                 activity_filters=None):
        self.enabled = enabled
        if not self.enabled:
            return
        self.use_cuda = use_cuda
        if use_cuda:
            warn("The attribute `use_cuda` will be deprecated soon, please use "
                 "``use_device = 'cuda'`` instead.", FutureWarning, stacklevel=2)
            use_device = "cuda"
        self.use_device = use_device
        self.record_shapes = record_shapes or with_flops
        self.with_flops = with_flops
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        # (PyTorch records module hierarchy only for TorchScript models: in
        # eager mode, as here, it adds nothing)
        self.with_modules = with_modules
        self.use_cpu = use_cpu
        self.acc_events = acc_events
        if experimental_config is not None:
            raise NotImplementedError(
                "ember's profiler has no Kineto: experimental_config is not supported")
        if activity_filters:
            raise NotImplementedError(
                "ember's profiler records every CPU op: activity_filters is not supported")
        self.experimental_config = None
        self.custom_trace_id_callback = custom_trace_id_callback
        self.post_processing_timeout_s = post_processing_timeout_s
        self.trace_id = ""
        self.entered = False
        self._function_events = None
        self._old_function_events = None
        self._needs_processing = False
        self._raw = []
        self._begin = None
        self.profiling_start_time_ns = self.profiling_end_time_ns = 0
        if not use_cpu and not use_kineto:
            raise AssertionError("Device-only events supported only with Kineto "
                                 "(use_kineto=True)")
        if self.use_device is not None:
            self._check_device()
        if not use_cpu:
            raise AssertionError("No activities specified for the profiler")
        if post_processing_timeout_s is not None and post_processing_timeout_s < 0:
            raise ValueError("post_processing_timeout_s must be non-negative")

    def _check_device(self):
        """No device can be profiled: PyTorch's CPU build warns and goes on."""
        device = self.use_device
        if device not in _VALID_DEVICES:
            warn(f"The {device} is not a valid device option.", stacklevel=3)
        elif device == "mtia":
            raise AssertionError("Legacy MTIA profiling is not supported. Requires "
                                 "use_kineto=True on MTIA devices.")
        else:
            warn(f"{device.upper()} is not available, disabling {device.upper()} profiling",
                 stacklevel=3)
            self.use_cuda = False
        self.use_device = None

    def _options(self):
        return {name for name, on in (("shapes", self.record_shapes),
                                      ("stack", self.with_stack), ("flops", self.with_flops),
                                      ("memory", self.profile_memory)) if on}

    def default_trace_id(self):
        import uuid
        return f"{uuid.uuid4().int:032X}"

    def create_trace_id(self):
        if self.custom_trace_id_callback:
            return self.custom_trace_id_callback()
        return self.default_trace_id()

    def __enter__(self):
        if not self.enabled:
            return None
        if self.entered:
            raise RuntimeError("Profiler context manager is not reentrant")
        self._prepare_trace()
        self._start_trace()
        return self

    def _prepare_trace(self):
        self.entered = True
        self.trace_id = self.create_trace_id()

    def _start_trace(self):
        self.entered = True
        self.profiling_start_time_ns = perf_counter_ns()
        self._start_wall_ns = time_ns()     # (the trace's baseTimeNanoseconds)
        self._begin = _hooks.start(self._options())

    def __exit__(self, exc_type, exc_val, exc_tb):
        if not self.enabled:
            return None
        if self._function_events and self.acc_events:
            self._old_function_events = self._function_events
        self._function_events = None
        self.profiling_end_time_ns = perf_counter_ns()
        self._raw = _hooks.stop(self._begin) if self._begin is not None else []
        self._begin = None
        self._needs_processing = True
        if self.acc_events:
            self._ensure_function_events()
        return False

    def __repr__(self):
        if self._needs_processing:
            self._ensure_function_events()
        if self._function_events is None:
            return "<unfinished ember.autograd.profile>"
        return repr(self._function_events)

    def __str__(self):
        if self._needs_processing:
            self._ensure_function_events()
        if self._function_events is None:
            return "<unfinished ember.autograd.profile>"
        return str(self._function_events)

    def _ensure_function_events(self):
        if self._function_events is not None:
            return
        self._needs_processing = False
        self._function_events = EventList(
            self._parse(self._raw), use_device=self.use_device,
            profile_memory=self.profile_memory, with_flops=self.with_flops)
        self._function_events._build_tree()
        if self.profile_memory:
            # A range holds what its ops allocated (inner ranges first).
            for evt in reversed(self._function_events):
                inner = sum(c.cpu_memory_usage for c in evt.cpu_children)
                evt.cpu_memory_usage = max(evt.cpu_memory_usage, inner)
        if self._old_function_events and self.acc_events:
            self._function_events.extend(self._old_function_events)
            self._old_function_events = None

    def _parse(self, raw):
        """FunctionEvents of the raw events, times in µs from the profiler's
        start (cut short after post_processing_timeout_s, as PyTorch does)."""
        base = self.profiling_start_time_ns
        deadline = (None if self.post_processing_timeout_s is None
                    else perf_counter_ns() + self.post_processing_timeout_s * 1e9)
        events = []
        for i, (name, start, end, info) in enumerate(raw):
            if deadline is not None and i % 1024 == 0 and perf_counter_ns() > deadline:
                warn("Profiler post-processing timed out; returning partial results.")
                break
            info = info or {}
            if info.get("python") and not self.with_stack:
                continue            # (another profiler's with_stack)
            events.append(FunctionEvent(
                id=i, name="ProfilerStep*" if name.startswith("ProfilerStep#") else name,
                trace_name=name, thread=1, start_us=(start - base) / 1000.0,
                end_us=(end - base) / 1000.0,
                input_shapes=info.get("shapes", []) if self.record_shapes else [],
                stack=[], is_python_function=info.get("python", False),
                scope=info.get("scope", 0), use_device=self.use_device,
                cpu_memory_usage=info.get("memory", 0) if self.profile_memory else 0,
                flops=(info.get("flops") or 0) if self.with_flops else 0,
                is_user_annotation=info.get("user", False)))
        events.sort(key=lambda e: (e.time_range.start, -e.time_range.end))
        return events

    @property
    def function_events(self):
        if self._function_events is None or self._needs_processing:
            self._ensure_function_events()
        return self._function_events

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75,
              max_name_column_width=55, max_shapes_column_width=80, header=None,
              top_level_events_only=False):
        self._ensure_function_events()
        return self._function_events.table(
            sort_by=sort_by, row_limit=row_limit, max_src_column_width=max_src_column_width,
            max_name_column_width=max_name_column_width,
            max_shapes_column_width=max_shapes_column_width, header=header,
            top_level_events_only=top_level_events_only)

    table.__doc__ = EventList.table.__doc__

    def export_chrome_trace(self, path, metadata=None, use_python_export=False):
        """Write the events as a Chrome trace JSON ({"traceEvents": [...]},
        complete events with ts and dur in µs) for chrome://tracing or
        Perfetto; gzip-compressed when `path` ends in .gz."""
        import gzip
        import json
        self._ensure_function_events()
        span = (self.profiling_end_time_ns - self.profiling_start_time_ns) / 1000.0
        trace = _chrome_trace(self._function_events, self.trace_id, metadata, str(path),
                              getattr(self, "_start_wall_ns", 0), max(span, 0.0))
        text = json.dumps(trace)
        if str(path).endswith(".gz"):
            with gzip.open(path, "wt") as f:
                f.write(text)
        else:
            with open(path, "w") as f:
                f.write(text)

    def export_stacks(self, path, metric="self_cpu_time_total"):
        self._ensure_function_events()
        if not self.with_stack:
            raise AssertionError("export_stacks() requires with_stack=True")
        return self._function_events.export_stacks(path, metric)

    def toggle_collection_dynamic(self, enabled, activities):
        raise NotImplementedError(
            "ember's profiler cannot pause collection: stop it and start another")

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0,
                     group_by_overload_name=False):
        self._ensure_function_events()
        return self._function_events.key_averages(group_by_input_shape, group_by_stack_n,
                                                  group_by_overload_name)

    key_averages.__doc__ = EventList.key_averages.__doc__

    def total_average(self):
        self._ensure_function_events()
        return self._function_events.total_average()

    total_average.__doc__ = EventList.total_average.__doc__

    @property
    def self_cpu_time_total(self):
        """The sum of every event's self CPU time (µs)."""
        self._ensure_function_events()
        return self._function_events.self_cpu_time_total


class record_function(_ContextDecorator):
    """A named range in the profile (a context manager or a decorator);
    nothing is recorded when no profiler runs."""

    def __init__(self, name, args=None):
        self.name = name
        self.args = args
        self.run_callbacks_on_exit = True
        self.record = None

    def __enter__(self):
        self.record = _hooks.open_range(self.name)
        if self.record is not None and self.args is not None:
            self.record[3]["args"] = self.args
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        if self.run_callbacks_on_exit:
            _hooks.close_range(self.record)


class _Annotations:
    """Ranges for an external profiler (NVTX, ITT): entered once at a time."""
    _kind = ""

    def __init__(self, enabled=True, record_shapes=False):
        self.enabled = enabled
        self.entered = False
        self.record_shapes = record_shapes

    def __enter__(self):
        if not self.enabled:
            return None
        if self.entered:
            raise RuntimeError(f"{self._kind} annotation context manager is not reentrant")
        self._start()
        self.entered = True
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        if self.enabled:
            self.entered = False
        return False


class emit_nvtx(_Annotations):
    """NVTX ranges for NVIDIA's profilers: CUDA only (there is none here)."""
    _kind = "NVTX"

    def _start(self):
        raise AssertionError("Torch not compiled with CUDA enabled")


class emit_itt(_Annotations):
    """ITT ranges for Intel VTune: without VTune attached they go nowhere,
    as PyTorch's do; entering and leaving is all there is."""
    _kind = "ITT"

    def _start(self):
        pass


class KinetoStepTracker:
    """The global step count profilers and optimizers share (by requester)."""
    _current_step = 0
    _step_dict = {}

    @classmethod
    def init_step_count(cls, requester):
        cls._step_dict[requester] = cls._current_step

    @classmethod
    def erase_step_count(cls, requester):
        return cls._step_dict.pop(requester, None) is not None

    @classmethod
    def increment_step(cls, requester):
        if requester not in cls._step_dict:
            cls.init_step_count(requester)
        cls._step_dict[requester] += 1
        new_step = max(cls._step_dict.values())
        if new_step > cls._current_step:
            cls._current_step = new_step
        return cls._current_step

    @classmethod
    def current_step(cls):
        return cls._current_step
