"""torch.profiler: the profiler with activities, a schedule of steps and
trace handlers, over ember.autograd.profiler's recording.

    from ember.profiler import ProfilerActivity, profile, schedule, tensorboard_trace_handler

    with profile(activities=[ProfilerActivity.CPU],
                 schedule=schedule(wait=1, warmup=1, active=2),
                 on_trace_ready=tensorboard_trace_handler("log")) as p:
        for batch in data:
            train_step(batch)
            p.step()
"""
from ..autograd.profiler import (ProfilerActivity, KinetoStepTracker, kineto_available,
                                 record_function)
from ..autograd.profiler_util import DeviceType
from .profiler import (ExecutionTraceObserver, ProfilerAction, _KinetoProfile, profile,
                       schedule, supported_activities, tensorboard_trace_handler)
from . import profiler  # noqa: F401  (torch.profiler.profiler)

__all__ = ["profile", "schedule", "supported_activities", "tensorboard_trace_handler",
           "ProfilerAction", "ProfilerActivity", "record_function", "DeviceType",
           "ExecutionTraceObserver", "KinetoStepTracker", "kineto_available", "_KinetoProfile"]
