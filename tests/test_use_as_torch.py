"""ember.use_as_torch() and `python -m ember.run`: PyTorch scripts, unchanged, on Ember.

The scripts in tests/data/torch_scripts/ are plain PyTorch. Each runs in a
subprocess with `python -m ember.run script.py` (always), and, where PyTorch is
installed, with `python script.py` on PyTorch: the two outputs must match as
test_lab.compare_output defines (numbers may differ in the last printed digit).

Everything that calls use_as_torch() runs in a subprocess: it changes what
`import torch` means for the whole process, and this one may well have
imported the real PyTorch already (the comparison tests do).
"""
import functools
import importlib.util
import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cpu_kind import blas_rounds_otherwise
from test_lab import compare_output

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
SCRIPTS = HERE / "data" / "torch_scripts"
HAVE_TORCH = importlib.util.find_spec("torch") is not None
HAVE_SKLEARN = importlib.util.find_spec("sklearn") is not None
PROG = "python -m ember.run"

# Scripts that finish normally and print the same under PyTorch and Ember.
COMPARED = ["mlp_sgd.py", "dataloader_train.py", "autograd_forms.py", "pruning_tutorial.py",
            "reprs.py",
            # PyTorch's official tutorials (sklearn's digits for the downloads)
            "examples_tutorial.py", "basics_tutorial.py", "nlp_lstm_ngram.py",
            "char_rnn_classification.py", "fgsm_dcgan.py", "stn_transfer.py",
            "func_ensembling_ntk.py", "parametrizations_tutorial.py", "tensors_blitz.py",
            "nn_really.py", "bilstm_crf.py", "func_autodiff.py", "channels_last.py",
            "seq2seq_translation.py", "transformer_lm.py", "autograd_extending.py",
            "recipes_state_amp.py", "dqn_distill.py", "yt_tensors_models.py",
            "char_rnn_generation.py", "data_utils.py", "custom_ops.py", "leaf_hooks.py",
            "vae_distributions.py",
            # PyTorch's docs notes and more tutorials and recipes
            "modules_note.py", "autograd_mechanics.py", "serialization_note.py",
            "classifier_bow.py", "recipes_shapes_device.py", "extending_note.py",
            "recipes_checkpoints.py", "extending_subclasses.py"]


def _env():
    path = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))
    return dict(os.environ, PYTHONPATH=path)


def _python(*args, cwd=SCRIPTS, stdin=None):
    return subprocess.run([sys.executable, *args], cwd=cwd, env=_env(), input=stdin,
                          capture_output=True, text=True, timeout=300)


# One xdist worker runs this module (--dist loadgroup, as ./tools/test and CI
# give it): _prefetch starts the commands of every selected test, so a second
# worker would run them all again.
pytestmark = [pytest.mark.xdist_group("use_as_torch"), pytest.mark.programs]

# Each command runs once, in a pool: a PyTorch start alone takes seconds, and
# the _prefetch fixture starts the slow ones together before the first test.
_POOL = ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 2))


def _started(args, cwd=SCRIPTS, stdin=None):
    return _submit(tuple(args), cwd, stdin)  # one cache key however it's called


@functools.lru_cache(maxsize=None)
def _submit(args, cwd, stdin):
    return _POOL.submit(_python, *args, cwd=cwd, stdin=stdin)


def ember_run(*args, cwd=SCRIPTS, stdin=None):
    """`python -m ember.run args...` (its result, shared by the tests)."""
    return _started(("-m", "ember.run", *args), cwd, stdin).result()


def torch_run(*args):
    """`python args...` on the real PyTorch; skips the test without it."""
    if not HAVE_TORCH:
        pytest.skip("PyTorch is not installed: nothing to compare with")
    return _started(args).result()


def run_code(code, *args):
    """Python code in a fresh interpreter (not through ember.run)."""
    return _started(("-c", textwrap.dedent(code), *args)).result()


@pytest.fixture(scope="session", autouse=True)
def _pool():
    """The pool ends with the session, not with this module: test_learner_scripts
    runs its scripts through it too, possibly after this module's tests."""
    yield
    _POOL.shutdown(wait=True, cancel_futures=True)


@pytest.fixture(scope="module", autouse=True)
def _prefetch(request):
    """Start the slow commands of the selected tests at once (PyTorch takes
    seconds to import); the tests then collect the results."""
    selected = {getattr(item, "originalname", item.name) for item in request.session.items}
    slow = {"test_script_runs_on_ember": [("-m", "ember.run", s) for s in COMPARED],
            "test_script_prints_what_pytorch_prints": [(s,) for s in COMPARED],
            "test_missing_submodule_errors_as_pytorch_does": [("missing_module.py",)],
            "test_refuses_when_the_real_pytorch_is_imported": [("-c", REFUSAL)],
            "test_undo_removes_the_finder_and_every_alias": [("-c", UNDO)]}
    for test, commands in slow.items():
        if test in selected and (HAVE_TORCH or "ember.run" in commands[0]):
            for args in commands:
                _started(args)


def assert_same_output(expected, actual, what):
    problems = compare_output(expected, actual)
    assert not problems, f"{what} differs from PyTorch's:\n" + "\n".join(problems)


def assert_ok(proc):
    assert proc.returncode == 0, proc.stderr[-5000:]
    assert proc.stderr == ""


# --- the scripts, against PyTorch -------------------------------------------------

def _needs(script):
    """Skips a script whose data comes from a package that is not installed."""
    if "from sklearn" in (SCRIPTS / script).read_text() and not HAVE_SKLEARN:
        pytest.skip("scikit-learn is not installed: the script's data comes from it")


@pytest.mark.parametrize("script", COMPARED)
def test_script_runs_on_ember(script):
    _needs(script)
    proc = ember_run(script)
    assert_ok(proc)
    assert proc.stdout.strip()


# scripts whose printed numbers follow the last bits of PyTorch's matmuls
_ROUNDING_DIFFERS = {"stn_transfer.py": "a CNN's training (oneDNN's convolutions)"}


@pytest.mark.parametrize("script", COMPARED)
def test_script_prints_what_pytorch_prints(script, request):
    _needs(script)
    if script in _ROUNDING_DIFFERS:
        blas_rounds_otherwise(request, _ROUNDING_DIFFERS[script])
    ours = ember_run(script)
    theirs = torch_run(script)
    assert theirs.returncode == 0, theirs.stderr[-5000:]
    assert_ok(ours)
    assert_same_output(theirs.stdout, ours.stdout, f"{script} on Ember")


def test_every_import_form_gives_embers_own_modules():
    """import torch.X as Y, from torch.X import Y, import_module, __import__,
    private modules: all the very module objects of ember.X (identity.py
    asserts `is` for each)."""
    proc = ember_run("identity.py")
    assert_ok(proc)
    assert proc.stdout == "identity ok\n"


def test_missing_submodule_names_what_the_script_wrote():
    proc = ember_run("missing_module.py")
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "import: ModuleNotFoundError No module named 'torch.nonexistent' | name = torch.nonexistent",
        "import_module: ModuleNotFoundError No module named 'torch.nn.nonexistent' "
        "| name = torch.nn.nonexistent",
        "from-import: ImportError",
    ]
    assert proc.stderr.splitlines()[-1] == "ModuleNotFoundError: No module named 'torch.nonexistent'"


def test_missing_submodule_errors_as_pytorch_does():
    ours, theirs = ember_run("missing_module.py"), torch_run("missing_module.py")
    assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout)
    assert ours.stderr.splitlines()[-1] == theirs.stderr.splitlines()[-1]


# --- use_as_torch() itself ----------------------------------------------------------

def test_use_as_torch_is_idempotent_and_keeps_module_identity():
    proc = run_code("""
        import importlib, pickle, sys
        import ember
        from ember._torch_alias import _TorchAliasFinder
        ember.use_as_torch()
        entries = {k: v for k, v in sys.modules.items() if k.startswith("torch")}
        meta_path = list(sys.meta_path)
        ember.use_as_torch()
        assert sys.meta_path == meta_path and isinstance(meta_path[0], _TorchAliasFinder)
        assert {k: v for k, v in sys.modules.items() if k.startswith("torch")} == entries
        for name, module in entries.items():
            assert module is sys.modules["ember" + name[len("torch"):]], name

        import torch, torch.nn.functional as F
        assert torch is ember and F is ember.nn.functional

        # A module Ember imports lazily goes through the finder: still the one
        # object, under its own name and spec (reload and pickle rely on them).
        import torch.autograd._engine as engine
        import ember.autograd._engine
        assert engine is ember.autograd._engine
        assert engine.__spec__.name == "ember.autograd._engine" and engine.__name__ == engine.__spec__.name
        assert importlib.reload(torch.nn.functional) is ember.nn.functional
        t = torch.tensor([1.5, 2.0])
        assert type(pickle.loads(pickle.dumps(t))) is ember.Tensor

        # Names merely starting with "torch" are not torch's.
        try:
            import torchfoo_not_a_package
        except ModuleNotFoundError as exc:
            assert exc.name == "torchfoo_not_a_package", exc
        try:
            import torch._tensor.sub
        except ModuleNotFoundError as exc:
            assert exc.name == "torch._tensor.sub", exc
        print("ok")
        """)
    assert_ok(proc)
    assert proc.stdout == "ok\n"


UNDO = """\
import importlib.util, sys
import ember
from ember._torch_alias import _TorchAliasFinder, _undo_use_as_torch
before = set(sys.modules)
for _ in range(2):  # undo, then again: nothing is left behind either time
    ember.use_as_torch()
    import torch.nn.functional, torch.autograd._engine
    _undo_use_as_torch()
    assert not any(isinstance(f, _TorchAliasFinder) for f in sys.meta_path)
    left = [k for k in sys.modules if k == "torch" or k.startswith("torch.")]
    assert left == [], left
# (besides the standard library's multiprocessing.spawn, hooked for spawned children)
left = {m for m in set(sys.modules) - before if m.split(".")[0] in ("ember", "torch")}
assert left <= {"ember.autograd._engine", "ember.autograd._engine_hooks",
                "ember.autograd._graph_walk", "ember.autograd._accumulate",
                "ember.autograd._node_gradients"}, left
assert ember.nn.functional.relu(ember.tensor([-1.0, 2.0])).tolist() == [0.0, 2.0]
if importlib.util.find_spec("torch") is not None:
    import torch
    assert torch is not ember and torch.__name__ == "torch"
else:
    try:
        import torch
    except ModuleNotFoundError:
        pass
    else:
        raise AssertionError("torch still imports")
print("ok")
"""


def test_undo_removes_the_finder_and_every_alias():
    proc = run_code(UNDO)
    assert_ok(proc)
    assert proc.stdout == "ok\n"


REFUSAL = """\
import sys
import torch
import ember
try:
    ember.use_as_torch()
except RuntimeError as exc:
    print(exc)
else:
    raise AssertionError("no RuntimeError")
assert sys.modules["torch"] is torch and torch is not ember
assert "torch.nn" not in sys.modules or sys.modules["torch.nn"] is not ember.nn
assert not any(type(f).__name__ == "_TorchAliasFinder" for f in sys.meta_path)
sys.argv[0] = "ember-run"
from ember.run import main
sys.exit(main(["-c", "print('ran')"]))
"""


def test_refuses_when_the_real_pytorch_is_imported():
    if not HAVE_TORCH:
        pytest.skip("PyTorch is not installed")
    proc = run_code(REFUSAL)
    assert proc.returncode == 1
    message = proc.stdout.strip()
    assert "real PyTorch is already imported" in message
    assert "before anything imports torch" in message
    assert proc.stderr.startswith("ember-run: use_as_torch(): the real PyTorch is already imported")
    assert "ran" not in proc.stdout.splitlines()


def test_functorch_package_runs_on_ember():
    """PyTorch ships `functorch`, which reads torch._functorch: on Ember it
    gets Ember's, and its deprecated API warns from the script's line."""
    if importlib.util.find_spec("functorch") is None:
        pytest.skip("the functorch package is not installed")
    code = ("import functorch, torch\n"
            "f, p = functorch.make_functional(torch.nn.Linear(2, 1))\n"
            "print(functorch.grad(lambda x: (x * x).sum())(torch.ones(2)), type(f).__name__)\n")
    proc = ember_run("-c", code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "tensor([2., 2.]) FunctionalModule\n"
    assert proc.stderr.count("FutureWarning: We've integrated functorch") == 2
    assert proc.stderr.count('<string>:3: FutureWarning') == 1
