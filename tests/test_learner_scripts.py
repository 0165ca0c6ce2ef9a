"""Scripts as learners write them, run unchanged on Ember and on PyTorch.

tests/data/learner_scripts/ holds plain PyTorch scripts in the style of course
exercises, Stack Overflow answers and notebooks (old idioms such as Variable,
.data and FloatTensor; printed models, optimizers, losses and gradients; the
famous mistakes caught and printed), on data that ships with scikit-learn or
the standard library. Each runs with `python -m ember.run script.py` and with
`python script.py` on PyTorch, and the two outputs must match as
test_lab.compare_output defines (numbers may differ in the last printed digit).
Learners' scripts warn (a scalar taken from a tensor that requires grad, a
loss whose target broadcasts): Ember must print the same warnings, the same
stderr.
The runs go through test_use_as_torch's helpers (one pool, results shared).
"""
from pathlib import Path

import pytest

from cpu_kind import blas_rounds_otherwise
from test_use_as_torch import HAVE_SKLEARN, HAVE_TORCH, _started, assert_same_output

SCRIPTS = Path(__file__).resolve().parent / "data" / "learner_scripts"
LEARNER_SCRIPTS = sorted(p.name for p in SCRIPTS.glob("*.py"))

pytestmark = [pytest.mark.xdist_group("use_as_torch"), pytest.mark.programs]


def _ember(script):
    return _started(("-m", "ember.run", str(SCRIPTS / script)))


def _torch(script):
    return _started((str(SCRIPTS / script),))


@pytest.fixture(scope="module", autouse=True)
def _prefetch():
    """Start every script on both libraries at once (a PyTorch start alone
    takes seconds); the tests collect the results."""
    for script in LEARNER_SCRIPTS:
        if HAVE_SKLEARN or "from sklearn" not in (SCRIPTS / script).read_text():
            _ember(script)
            if HAVE_TORCH:
                _torch(script)


def _needs(script):
    if "from sklearn" in (SCRIPTS / script).read_text() and not HAVE_SKLEARN:
        pytest.skip("scikit-learn is not installed: the script's data comes from it")


def test_there_are_scripts():
    assert len(LEARNER_SCRIPTS) >= 20


# scripts whose printed numbers follow the last bits of PyTorch's matmuls
_ROUNDING_DIFFERS = {"transformer_block.py": "softmax's row sums (an attention row's sum, "
                                             "1 exactly on Intel AVX-512, prints as 1.0000)"}


@pytest.mark.parametrize("script", LEARNER_SCRIPTS)
def test_learner_script_prints_what_pytorch_prints(script, request):
    _needs(script)
    if script in _ROUNDING_DIFFERS:
        blas_rounds_otherwise(request, _ROUNDING_DIFFERS[script])
    ours = _ember(script).result()
    assert ours.returncode == 0, ours.stderr[-5000:]
    assert ours.stdout.strip()
    if not HAVE_TORCH:
        pytest.skip("PyTorch is not installed: nothing to compare with")
    theirs = _torch(script).result()
    assert theirs.returncode == 0, theirs.stderr[-5000:]
    assert_same_output(theirs.stdout, ours.stdout, f"{script} on Ember")
    # (the warnings name the script's lines, and PyTorch's sources as it does)
    assert ours.stderr == theirs.stderr
