"""ember.utils.benchmark: PyTorch's Timer and Measurement for Ember code."""
from .utils.common import (Measurement, TaskSpec, ordered_unique, select_unit,  # noqa: F401
                           trim_sigfig, unit_to_english)
from .utils.timer import Language, Timer, timer  # noqa: F401
from .utils.compare import Compare  # noqa: F401
from .utils.fuzzer import Fuzzer, FuzzedParameter, FuzzedTensor, ParameterAlias  # noqa: F401

__all__ = ["Timer", "Measurement", "TaskSpec", "Compare", "Language", "timer", "select_unit",
           "unit_to_english", "trim_sigfig", "ordered_unique", "Fuzzer", "FuzzedParameter",
           "FuzzedTensor", "ParameterAlias"]
