"""Creation from Python data and NumPy arrays, and the warnings it gives or
keeps quiet (PyTorch's: tests fail on any warning)."""
import warnings

import numpy as np

import ember
from compare_torch import check


def _read_only():
    a = np.ones(2)
    a.setflags(write=False)
    return a


def test_ember_leaves_pythons_once_per_line_record_of_warnings():
    """A script's own warning shows once per line (Python's default filter)
    with tensors made from lists and index-assigned in between: Ember enters
    no catch_warnings on those paths (entering one resets that record)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        for _ in range(3):
            warnings.warn("the script's own", UserWarning)
            t = ember.zeros(3)
            t[ember.tensor([0, 1])] = 1.0
            t[[0, 2]] = ember.tensor([2.0, 3.0])
    assert [str(w.message) for w in caught] == ["the script's own"]


def test_copying_a_read_only_array_gives_no_note():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ember.set_warn_always(True)
        try:
            assert ember.tensor(_read_only()).tolist() == [1.0, 1.0]
        finally:
            ember.set_warn_always(False)


def test_python_values_past_the_dtype_range_become_inf_without_a_warning():
    """PyTorch's cast from the parsed doubles is quiet (tests fail on warnings)."""
    check(lambda T: [T.tensor(1e40), T.tensor([1e40, 2.0]), T.tensor([1e40 + 1j]),
                     T.tensor([70000.0], dtype=T.float16), T.tensor([1e300], dtype=T.complex64),
                     T.tensor(1e300, dtype=T.bfloat16).float()], exact=True)
