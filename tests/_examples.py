"""What the tests of examples/ share: loading an example as a module, and
putting the thread counts back after it ran (an example's main sets one
thread, as do digits_cnn's and vae_digits'; later tests in the process, such
as test_misc_runtime's comparison of Ember's count with PyTorch's, must see
the counts they started with). A test module takes both with
`from _examples import EXAMPLES, load, thread_counts_restored`."""
import importlib.util
import pathlib

import pytest

import ember

EXAMPLES = pathlib.Path(__file__).parent.parent / "examples"


@pytest.fixture(autouse=True)
def thread_counts_restored():
    try:
        import torch
    except ImportError:
        torch = None
    saved = [(lib, lib.get_num_threads()) for lib in (ember, torch) if lib is not None]
    yield
    for lib, count in saved:
        lib.set_num_threads(count)


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
