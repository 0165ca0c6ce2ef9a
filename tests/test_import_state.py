"""`import ember` pauses Python's cyclic garbage collector while its modules
load (ember/__init__.py), and leaves it as it found it: on, off, or on again
after an import that failed halfway. It imports no optional package that
only some features use (ml_dtypes: tests/test_bfloat16_lazy.py)."""
import pytest

from _fresh import python_c


def _run(code):
    return python_c(code).split()


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_left_as_it_was(enabled):
    out = _run(f"""
        import gc
        {'gc.enable()' if enabled else 'gc.disable()'}
        import ember
        print(gc.isenabled(), ember.ones(2).sum().item())
    """)
    assert out == [str(enabled), "2.0"]


def test_the_collector_runs_again_after_a_failed_import():
    out = _run("""
        import gc, sys
        sys.modules["ember.distributions"] = None     # (its import fails: ImportError)
        try:
            import ember
        except ImportError as e:
            print("failed", gc.isenabled())
    """)
    assert out == ["failed", "True"]
