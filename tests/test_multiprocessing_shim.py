"""ember.multiprocessing: Python's multiprocessing re-exported, the sharing
strategy, and spawn/start_processes with PyTorch's failure reporting."""
import sys

import pytest

import ember
import ember.multiprocessing as emp

# Whole programs in subprocesses (CI's Python 3.10 run leaves them out: .ci/run)
pytestmark = pytest.mark.programs

try:
    import torch
except ImportError:  # the comparisons skip; the rest runs without PyTorch
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="compares with PyTorch")


def _write_sum(i, path, value):
    import ember
    ember.save(ember.full((2,), float(value + i)), f"{path}/{i}.pt")


def _fails_on_one(i):
    if i == 1:
        raise ValueError(f"worker {i} failed")


def _exits(i, code):
    sys.exit(code)


@needs_torch
def test_names_and_reexports():
    import multiprocessing
    assert set(torch.multiprocessing.__all__) <= set(emp.__all__) | {"spawn"}
    assert emp.Queue is multiprocessing.Queue and emp.get_context is multiprocessing.get_context
    assert emp.get_all_sharing_strategies() == torch.multiprocessing.get_all_sharing_strategies()
    assert emp.get_sharing_strategy() == torch.multiprocessing.get_sharing_strategy()


def test_sharing_strategy():
    before = emp.get_sharing_strategy()
    try:
        emp.set_sharing_strategy("file_system")
        assert emp.get_sharing_strategy() == "file_system"
    finally:
        emp.set_sharing_strategy(before)
    with pytest.raises(AssertionError, match="invalid sharing strategy 'shm', expected one of"):
        emp.set_sharing_strategy("shm")


def test_start_processes_runs_fn_with_its_index(tmp_path):
    assert emp.start_processes(_write_sum, (str(tmp_path), 10), nprocs=2,
                               start_method="fork") is None
    assert [ember.load(tmp_path / f"{i}.pt").tolist() for i in range(2)] == [[10.0, 10.0],
                                                                             [11.0, 11.0]]


def test_spawn_reports_the_failing_process():
    with pytest.raises(emp.ProcessRaisedException) as info:
        emp.spawn(_fails_on_one, nprocs=2)
    assert info.value.error_index == 1
    assert "-- Process 1 terminated with the following error:" in str(info.value)
    assert "ValueError: worker 1 failed" in str(info.value)


def test_exit_code_and_join_false():
    context = emp.start_processes(_exits, (3,), nprocs=1, join=False, start_method="fork")
    assert isinstance(context, emp.ProcessContext) and len(context.pids()) == 1
    with pytest.raises(emp.ProcessExitedException,
                       match="process 0 terminated with exit code 3") as info:
        while not context.join():
            pass
    assert info.value.exit_code == 3


def test_spawn_only_spawns():
    with pytest.warns(FutureWarning, match="only supports start_method=spawn"):
        emp.spawn(_exits, (0,), nprocs=1, start_method="fork")


@needs_torch
def test_spawn_module_and_function_as_torch():
    """torch.multiprocessing.spawn is the function; the module of the same name
    holds the exception classes (ProcessException only there)."""
    import importlib
    import torch.multiprocessing as tmp
    ours, theirs = (importlib.import_module(m.__name__ + ".spawn") for m in (emp, tmp))
    assert callable(emp.spawn) and emp.spawn is ours.spawn
    for name in ("ProcessException", "ProcessRaisedException", "ProcessExitedException",
                 "ProcessContext", "start_processes"):
        assert hasattr(ours, name) and hasattr(theirs, name), name
    assert hasattr(emp, "ProcessException") is hasattr(tmp, "ProcessException") is False
    assert issubclass(ours.ProcessRaisedException, ours.ProcessException)
