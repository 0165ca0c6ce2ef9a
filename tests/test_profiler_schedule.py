"""ember.profiler (torch.profiler): schedules, steps, trace handlers,
activities and its errors, against PyTorch's."""
import gzip
import json
import os
import re
import warnings

import pytest

import ember


def _torch():
    return pytest.importorskip("torch")


def _steps_recorded(T, schedule_args, n_steps):
    tp = T.profiler
    cycles = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = tp.schedule(**schedule_args)
        with tp.profile(activities=[tp.ProfilerActivity.CPU], schedule=sched,
                        on_trace_ready=lambda p: cycles.append(sorted(
                            e.name for e in p.events() if e.name.startswith("step")))) as p:
            for i in range(n_steps):
                with tp.record_function(f"step{i}"):
                    T.ones(2) * i
                p.step()
    return cycles, [sched(i) for i in range(n_steps)]


def test_schedule_records_the_active_steps_as_pytorch():
    torch = _torch()
    for args, n in [(dict(wait=1, warmup=1, active=2, repeat=1), 7),
                    (dict(wait=0, warmup=1, active=1, repeat=0), 5),
                    (dict(wait=2, warmup=1, active=3, repeat=2, skip_first=1), 20),
                    (dict(wait=1, warmup=0, active=1), 4)]:
        ours, actions = _steps_recorded(ember, args, n)
        theirs, their_actions = _steps_recorded(torch, args, n)
        assert ours == theirs
        assert [a.name for a in actions] == [a.name for a in their_actions]
    ours, _ = _steps_recorded(ember, dict(wait=1, warmup=1, active=2, repeat=1), 7)
    assert ours == [["step2", "step3"]]


def test_profiler_steps_and_trace_handler(tmp_path):
    tp = ember.profiler
    # PyTorch warns once per process that a second cycle drops the first's
    # events: forget an earlier test's warning, so this one is seen here
    import ember.profiler.profiler as profiler_module
    profiler_module._warned.clear()
    with pytest.warns(UserWarning, match="Profiler clears events at the end of each cycle"):
        with tp.profile(schedule=tp.schedule(wait=0, warmup=1, active=2, repeat=2),
                        on_trace_ready=tp.tensorboard_trace_handler(str(tmp_path), "w1")) as p:
            for i in range(7):
                ember.ones(2) + i
                p.step()
    files = sorted(os.listdir(tmp_path))
    assert len(files) == 2 and all(re.fullmatch(r"w1\.\d+\.pt\.trace\.json", f) for f in files)
    trace = json.loads((tmp_path / files[0]).read_text())
    steps = [e["name"] for e in trace["traceEvents"] if e["name"].startswith("ProfilerStep")]
    assert steps == ["ProfilerStep#1", "ProfilerStep#2"]
    step_row = next(e for e in p.key_averages() if e.key == "ProfilerStep*")
    assert step_row.count == 2
    gz_dir = tmp_path / "gz"
    with tp.profile(schedule=tp.schedule(wait=0, warmup=1, active=1, repeat=1),
                    on_trace_ready=tp.tensorboard_trace_handler(str(gz_dir), use_gzip=True)) as p:
        for _ in range(3):
            p.step()
    (name,) = os.listdir(gz_dir)
    assert name.endswith(".pt.trace.json.gz")
    with gzip.open(gz_dir / name, "rt") as f:
        assert "traceEvents" in json.load(f)


def test_profiler_without_schedule_and_acc_events():
    tp = ember.profiler
    p = tp.profile(record_shapes=True, acc_events=True)
    p.start()
    ember.ones(2) * 2
    p.stop()
    p.start()
    ember.ones(2) - 1
    p.stop()
    assert {e.name for e in p.events()} >= {"aten::mul", "aten::sub"}
    assert "ProfilerStep" not in p.key_averages().table()
    assert p.get_trace_id() and len(p.get_trace_id()) == 32
    q = tp.profile(custom_trace_id_callback=lambda: "trace-7")
    with q:
        pass
    assert q.get_trace_id() == "trace-7"


def test_torch_profiler_errors_as_pytorch():
    torch = _torch()
    for T in (ember, torch):
        tp = T.profiler
        assert tp.supported_activities() == {tp.ProfilerActivity.CPU}
        assert [m for m in tp.ProfilerAction.__members__] == [
            "NONE", "WARMUP", "RECORD", "RECORD_AND_SAVE", "DEVICE_STOPPED"]
        assert str(tp.ProfilerActivity.CUDA) == "ProfilerActivity.CUDA"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(AssertionError, match="^No activities specified for the "
                                                     "profiler$"):
                with tp.profile(activities=[tp.ProfilerActivity.CUDA]):
                    pass
            with tp.profile(activities=[tp.ProfilerActivity.CPU,
                                        tp.ProfilerActivity.CUDA]) as p:
                T.ones(2) * 2
        assert "aten::mul" in {e.name for e in p.events()}
        with pytest.raises(AssertionError, match="^No valid profiler activities found$"):
            tp.profile(activities=[])
        with pytest.raises(ValueError, match="specified more than once"):
            tp.profile(activities=[tp.ProfilerActivity.CPU, tp.ProfilerActivity.CPU])
        with pytest.raises(AssertionError, match="Profiler must be initialized before "
                                                 "getting key averages"):
            tp.profile().key_averages()
        with pytest.raises(AssertionError, match=re.escape(
                "Invalid profiler schedule arguments. Got wait=1 (need >= 0), warmup=1 "
                "(need >= 0), active=0 (need > 0), repeat=0 (need >= 0), skip_first=0 "
                "(need >= 0).")):
            tp.schedule(wait=1, warmup=1, active=0)
        with pytest.warns(UserWarning, match="Profiler won't be using warmup"):
            tp.schedule(wait=1, warmup=0, active=1)
        with pytest.warns(FutureWarning, match="`use_cuda` is deprecated"):
            tp.profile(use_cuda=False)
