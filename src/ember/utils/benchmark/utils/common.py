"""What a benchmark measured: TaskSpec (what ran) and Measurement (the
times, their statistics and PyTorch's summary)."""
import collections
import dataclasses
import math
import textwrap

from ...._backend import np
from ...._public_name import public_module

__all__ = ["TaskSpec", "Measurement", "select_unit", "unit_to_english", "trim_sigfig",
           "ordered_unique"]

_MAX_SIGNIFICANT_FIGURES = 4
_MIN_CONFIDENCE_INTERVAL = 25e-9    # seconds
_IQR_WARN_THRESHOLD = 0.1
_IQR_GROSS_WARN_THRESHOLD = 0.25


@dataclasses.dataclass(init=True, repr=False, eq=True, frozen=True)
class TaskSpec:
    """What a Timer runs, and the names its results are shown under."""
    stmt: str
    setup: str
    global_setup: str = ""
    label: str = None
    sub_label: str = None
    description: str = None
    env: str = None
    num_threads: int = 1

    @property
    def title(self):
        sub = f": {self.sub_label}" if self.sub_label else ""
        if self.label is not None:
            return self.label + sub
        if "\n" not in self.stmt:
            return self.stmt + sub
        return (f"stmt:{f' ({self.sub_label})' if self.sub_label else ''}\n"
                + textwrap.indent(self.stmt, "  "))

    def setup_str(self):
        if self.setup in ("pass", ""):
            return ""
        if "\n" in self.setup:
            return "setup:\n" + textwrap.indent(self.setup, "  ")
        return f"setup: {self.setup}"

    def summarize(self):
        sections = [s for s in (self.title, self.description or "", self.setup_str()) if s]
        return "\n".join(s + "\n" if "\n" in s else s for s in sections)


_TASKSPEC_FIELDS = tuple(f.name for f in dataclasses.fields(TaskSpec))


@dataclasses.dataclass(init=True, repr=False)
class Measurement:
    """Times of `number_per_run` runs each (`raw_times`, seconds) of a task."""
    number_per_run: int
    raw_times: list
    task_spec: TaskSpec
    metadata: dict = None

    def __post_init__(self):
        self._stats = None

    def __getattr__(self, name):
        if name in _TASKSPEC_FIELDS:     # m.stmt, m.label, m.num_threads...
            return getattr(self.task_spec, name)
        raise AttributeError(f"'Measurement' object has no attribute '{name}'")

    @property
    def times(self):
        """Seconds per run of each measurement."""
        return [t / self.number_per_run for t in self.raw_times]

    def _lazy_init(self):
        if self._stats is None and self.raw_times:
            ts = np.sort(np.array(self.times, dtype=np.float64))
            p25, median, p75 = np.quantile(ts, [0.25, 0.5, 0.75])
            self._stats = dict(sorted=tuple(ts.tolist()), median=float(median),
                               mean=float(ts.mean()), p25=float(p25), p75=float(p75))
            self._stats["warnings"] = self._warnings()
        return self._stats

    def _warnings(self):
        for threshold, msg in ((_IQR_GROSS_WARN_THRESHOLD,
                                "This suggests significant environmental influence."),
                               (_IQR_WARN_THRESHOLD, "This could indicate system fluctuation.")):
            if not self.meets_confidence(threshold):
                rel_iqr = self.iqr / self.median * 100
                return (f"  WARNING: Interquartile range is {rel_iqr:.1f}% of the median "
                        f"measurement.\n           {msg}",)
        return ()

    def _stat(self, name):
        stats = self._lazy_init()
        return -1.0 if stats is None else stats[name]

    @property
    def median(self):
        return self._stat("median")

    @property
    def mean(self):
        return self._stat("mean")

    @property
    def iqr(self):
        return self._stat("p75") - self._stat("p25")

    @property
    def has_warnings(self):
        stats = self._lazy_init()
        return bool(stats and stats["warnings"])

    def meets_confidence(self, threshold=_IQR_WARN_THRESHOLD):
        return self.iqr / self.median < threshold

    @property
    def significant_figures(self):
        """Digits the interquartile spread of the times supports (1 to 4)."""
        ts = self._stat("sorted")
        n = len(ts)
        # (in float32, as PyTorch computes it, so that tables print alike)
        middle = np.array(ts[n // 4:math.ceil(3 * n / 4)], dtype=np.float32)
        sqrt_n = float(np.sqrt(np.float32(len(middle))))
        ci = max(1.645 * float(middle.std()) / sqrt_n, _MIN_CONFIDENCE_INTERVAL)
        figures = int(np.floor(np.float32(float(np.log10(np.float32(self.median / ci))))))
        return min(max(figures, 1), _MAX_SIGNIFICANT_FIGURES)

    @property
    def title(self):
        return self.task_spec.title

    @property
    def env(self):
        # (PyTorch's property means "Unspecified env" for None, but a typo in
        # it makes it answer the task's env as is; Compare relies on that.)
        return self.task_spec.env

    @property
    def as_row_name(self):
        return self.sub_label or self.stmt or "[Unknown]"

    def __repr__(self):
        stats = self._lazy_init()
        n = len(stats["sorted"])
        unit, scale = select_unit(stats["median"])
        # (object's repr, with the module as the program imported it: torch.utils...)
        own = f"<{public_module(type(self).__module__)}.{type(self).__qualname__} object at " \
              f"{hex(id(self))}>"
        lines = [own, self.task_spec.summarize(),
                 f"  {'Median: ' if n > 1 else ''}{stats['median'] / scale:.2f} {unit}"]
        if n >= 4:
            lines.append(f"  IQR:    {self.iqr / scale:.2f} {unit} ({stats['p25'] / scale:.2f} "
                         f"to {stats['p75'] / scale:.2f})")
        threads = self.task_spec.num_threads
        lines.append(f"  {n} measurement{'s' if n > 1 else ''}, {self.number_per_run} runs "
                     f"{'per measurement,' if n > 1 else ','} {threads} "
                     f"thread{'s' if threads > 1 else ''}")
        lines.extend(stats["warnings"])
        return "\n".join(lines).strip()

    @staticmethod
    def merge(measurements):
        """One Measurement per task: the replicates' times, as single runs."""
        grouped = collections.defaultdict(list)
        for m in measurements:
            grouped[m.task_spec].extend(m.times)
        return [Measurement(1, times, spec) for spec, times in grouped.items()]


def select_unit(t):
    """The unit that shows `t` seconds with a magnitude of one to a thousand."""
    unit = {-3: "ns", -2: "us", -1: "ms"}.get(int(float(_log10_32(t)) // 3), "s")
    return unit, {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1}[unit]


def unit_to_english(u):
    return {"ns": "nanosecond", "us": "microsecond", "ms": "millisecond", "s": "second"}[u]


def trim_sigfig(x, n):
    """`x` rounded to `n` significant figures."""
    if n != int(n):
        raise AssertionError("Number of significant figures must be an integer")
    scale = 10 ** (int(np.ceil(_log10_32(abs(x)))) - n)
    return float(np.round(np.float32(x / scale)) * np.float32(scale))


def _log10_32(x):
    """log10 in float32: PyTorch's benchmark utilities compute it on tensors."""
    with np.errstate(divide="ignore"):
        return np.log10(np.float32(x))


def ordered_unique(elements):
    return list(dict.fromkeys(elements))
