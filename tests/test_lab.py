"""Lab 5 (autograd) end to end: the script's output against PyTorch's, and the notebook.

examples/lab05_autograd.py runs in a subprocess with Ember (from src/, no
installation needed) and its stdout must match tests/data/lab05_autograd.torch-2.13.out,
the same script's output under PyTorch 2.13, as compare_output() defines:

* same number of lines; each line is split into tokens (whitespace only
  separates them, so the amount of padding is not compared);
* memory addresses (0x7f...) match any address;
* names and punctuation match exactly (grad_fn=<SinBackward0> is four tokens:
  `grad_fn`, `=`, `<`, `SinBackward0`, `>`...);
* integers match exactly;
* numbers printed with a fixed precision (tensor elements, 1.0000e+00, 25.)
  must have the same format (digits after the point, exponent or not) and may
  differ by one unit in the last printed digit: 0.0317 vs 0.0318 passes, 0.0319
  fails; -8.7423e-08 vs -8.7424e-08 passes;
* a Python float printed in full (9 or more significant digits, such as
  -0.012553811073303223) may differ by a relative 1e-6: float32 sums in another
  order round differently.
"""

import importlib.util
import os
import re
import shutil
import struct
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

# Whole programs in subprocesses (CI's Python 3.10 run leaves them out: .ci/run)
pytestmark = pytest.mark.programs

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
LAB_SCRIPT = ROOT / "examples" / "lab05_autograd.py"
LAB_NOTEBOOK = ROOT / "examples" / "lab05_autograd.ipynb"
REFERENCE = Path(__file__).resolve().parent / "data" / "lab05_autograd.torch-2.13.out"
PLOTS = ["lab05_plot1_sin.png", "lab05_plot2_grad.png", "lab05_plot3_exercise.png"]


# --- the comparison -----------------------------------------------------------

_TOKEN = re.compile(r"""
      (?P<addr>0x[0-9a-fA-F]+)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<num>[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)
    | (?P<other>\S)
""", re.VERBOSE)

FULL_FLOAT_DIGITS = 9      # this many significant digits or more: a float printed in full
FULL_FLOAT_RTOL = Decimal("1e-6")


def tokenize(line):
    """[(kind, text)] for one line; kind is addr, word, num or other."""
    return [(m.lastgroup, m.group()) for m in _TOKEN.finditer(line)]


def _significant_digits(num):
    mantissa = re.split(r"[eE]", num)[0]
    return len(re.sub(r"\D", "", mantissa).lstrip("0"))


def _fixed_format(num):
    mantissa, _, exponent = num.lower().partition("e")
    _, point, decimals = mantissa.partition(".")
    return bool(point), len(decimals), bool(exponent)


def compare_number(expected, actual):
    """None if the numbers match (see the module's docstring), else why not."""
    e, a = Decimal(expected), Decimal(actual)
    if not re.search(r"[.eE]", expected) or not re.search(r"[.eE]", actual):
        return None if (expected.lstrip("+") == actual.lstrip("+")) else "integers differ"
    if max(_significant_digits(expected), _significant_digits(actual)) >= FULL_FLOAT_DIGITS:
        if abs(a - e) <= FULL_FLOAT_RTOL * abs(e):
            return None
        return f"differs by more than {FULL_FLOAT_RTOL} relative"
    if _fixed_format(expected) != _fixed_format(actual):
        return "printed in another format"
    unit = Decimal(1).scaleb(e.as_tuple().exponent)
    if abs(a - e) <= unit:
        return None
    return f"differs by more than {unit} (one unit in the last digit)"


def compare_line(expected, actual):
    """None if the lines match, else a short reason."""
    exp, act = tokenize(expected), tokenize(actual)
    for (ek, et), (ak, at) in zip(exp, act):
        if ek == "addr" and ak == "addr":
            continue
        if ek == "num" and ak == "num":
            why = compare_number(et, at)
            if why:
                return f"{at} vs {et}: {why}"
            continue
        if (ek, et) != (ak, at):
            return f"{at!r} where {et!r} was expected"
    if len(exp) != len(act):
        extra = act[len(exp):] or exp[len(act):]
        which = "extra" if len(act) > len(exp) else "missing"
        return f"{which} tokens from {extra[0][1]!r} on"
    return None


def compare_output(expected, actual, limit=20):
    """Compare two program outputs line by line.

    Returns a list of human-readable mismatches, empty when they match. At
    most `limit` line mismatches are listed (plus a count of the rest).
    """
    exp, act = expected.splitlines(), actual.splitlines()
    problems = []
    for i, (e, a) in enumerate(zip(exp, act), start=1):
        why = compare_line(e, a)
        if why:
            problems.append(f"line {i}: {why}\n  expected: {e}\n  actual:   {a}")
    shown = problems[:limit]
    if len(problems) > limit:
        shown.append(f"... and {len(problems) - limit} more mismatching lines")
    if len(exp) != len(act):
        shown.append(f"{len(act)} lines, expected {len(exp)}"
                     + (f"; first missing: {exp[len(act)]!r}" if len(act) < len(exp)
                        else f"; first extra: {act[len(exp)]!r}"))
    return shown


def assert_output_matches(expected, actual, what="output"):
    problems = compare_output(expected, actual)
    assert not problems, f"{what} differs from the reference:\n" + "\n".join(problems)


# --- unit tests of the comparison ---------------------------------------------

GOOD = """\
tensor([ 0.0317,  0.0891, -8.7423e-08], grad_fn=<SinBackward0>)
<AddBackward0 object at 0x7f18597b7550>
((<MulBackward0 object at 0x7f18597b7400>, 0), (None, 0))
Layer2 sample bias = -0.012553811073303223
tensor(25., grad_fn=<SumBackward0>)
"""


def _swap(old, new, text=GOOD):
    assert old in text
    return text.replace(old, new, 1)


def test_compare_identical():
    assert compare_output(GOOD, GOOD) == []


def test_compare_ignores_addresses_and_padding():
    other = GOOD.replace("0x7f18597b7550", "0x7fa000000010").replace("0x7f18597b7400", "0x1234")
    assert compare_output(GOOD, other) == []
    assert compare_output(GOOD, _swap("tensor([ 0.0317,  0.0891,", "tensor([0.0317, 0.0891,")) == []


@pytest.mark.parametrize("old,new", [
    ("0.0317", "0.0318"), ("0.0317", "0.0316"), ("-8.7423e-08", "-8.7424e-08"),
    ("-8.7423e-08", "-8.7422e-08"), ("25.", "26."),
    ("-0.012553811073303223", "-0.012553820000000000"),  # 7e-7 relative
    ("-0.012553811073303223", "-0.01255381"),             # shorter repr of a nearby float
])
def test_compare_tolerates_last_digit(old, new):
    assert compare_output(GOOD, _swap(old, new)) == []


@pytest.mark.parametrize("old,new", [
    ("0.0317", "0.0319"),                      # two units in the last digit
    ("0.0891", "0.0871"),                      # a wrong digit
    ("-8.7423e-08", "-8.7425e-08"),
    ("-8.7423e-08", "8.7423e-08"),             # sign
    ("-8.7423e-08", "-8.7423e-07"),            # exponent
    ("0.0317", "0.03170"),                     # precision (format)
    ("-8.7423e-08", "-0.0000"),                # format
    ("25.", "25"),
    ("(None, 0))", "(None, 1))"),              # integers are exact
    ("-0.012553811073303223", "-0.012553831073303223"),  # 1.6e-6 relative
    ("SinBackward0", "CosBackward0"),          # a wrong name
    ("SinBackward0", "SinBackward"),
    ("MulBackward0 object", "MulBackward0 thing"),
    ("None", "0"),
    ("Layer2 sample bias", "Layer2 sample bias:"),
    (", grad_fn=<SinBackward0>", ""),          # missing tokens
    ("tensor(25., grad_fn=<SumBackward0>)", "tensor(25., grad_fn=<SumBackward0>))"),
])
def test_compare_rejects(old, new):
    assert compare_output(GOOD, _swap(old, new)) != []


def test_compare_rejects_missing_and_extra_lines():
    lines = GOOD.splitlines(keepends=True)
    missing = "".join(lines[:2] + lines[3:])
    problems = compare_output(GOOD, missing)
    assert problems and "lines, expected" in problems[-1]
    assert compare_output(GOOD, "".join(lines[:-1])) != []  # last line missing
    assert compare_output(GOOD, GOOD + "tensor(1.)\n") != []
    assert compare_output(GOOD, GOOD + "\n") != []
    assert compare_output(GOOD, "") != []


def test_compare_reference_against_itself_and_a_mutation():
    ref = REFERENCE.read_text()
    assert compare_output(ref, ref) == []
    assert compare_output(ref, ref.replace("157.5293", "157.5295")) != []
    assert compare_output(ref, ref.replace("157.5293", "157.5294")) == []
    assert compare_output(ref, ref.replace("<SliceBackward0>", "<SelectBackward0>")) != []
    assert compare_output(ref, ref.replace("22.038818359375", "22.04")) != []
    assert compare_output(ref, ref.replace("22.038818359375", "22.03881835")) == []


# --- PNG check ----------------------------------------------------------------

def png_size(path):
    """(width, height) of a well-formed PNG file, else AssertionError."""
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR", f"{path}: no IHDR chunk"
    width, height = struct.unpack(">II", data[16:24])
    assert width > 0 and height > 0, f"{path}: empty image"
    assert data[-8:-4] == b"IEND", f"{path}: truncated (no IEND chunk)"
    return width, height


def test_png_size_rejects_non_png(tmp_path):
    bad = tmp_path / "x.png"
    bad.write_bytes(b"GIF89a")
    with pytest.raises(AssertionError):
        png_size(bad)


# --- the lab script -----------------------------------------------------------

def _run_script(script, tmp_path):
    plots = tmp_path / "plots"
    plots.mkdir()
    env = dict(os.environ, LAB05_PLOT_DIR=str(plots), MPLBACKEND="Agg",
               PYTHONPATH=os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])))
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    return proc, plots


# The tests that share lab_run's one run of the script go to one xdist worker
# (--dist loadgroup, as ./tools/test and CI give it): each worker would run it.
_ONE_LAB_RUN = pytest.mark.xdist_group("lab05_script")


@pytest.fixture(scope="module")
def lab_run(tmp_path_factory):
    pytest.importorskip("matplotlib")
    return _run_script(LAB_SCRIPT, tmp_path_factory.mktemp("lab05"))


@_ONE_LAB_RUN
def test_lab_script_runs(lab_run):
    proc, _ = lab_run
    assert proc.returncode == 0, f"lab05_autograd.py failed:\n{proc.stderr[-5000:]}"


@_ONE_LAB_RUN
def test_lab_script_output_matches_pytorch(lab_run):
    proc, _ = lab_run
    assert_output_matches(REFERENCE.read_text(), proc.stdout, "lab05_autograd.py's output")
    assert proc.returncode == 0, proc.stderr[-5000:]


@_ONE_LAB_RUN
def test_lab_script_writes_plots(lab_run):
    _, plots = lab_run
    for name in PLOTS:
        assert (plots / name).exists(), f"{name} was not written"
        png_size(plots / name)


def test_reference_output_is_pytorchs(tmp_path):
    """The reference is what PyTorch 2.13 prints for the same script (checks
    the reference, the script copy and compare_output against each other)."""
    pytest.importorskip("matplotlib")
    torch = pytest.importorskip("torch")
    if not torch.__version__.startswith("2.13."):
        pytest.skip(f"the reference is PyTorch 2.13's output, this is {torch.__version__}")
    source = LAB_SCRIPT.read_text()
    assert source.count("\nimport ember as torch\n") == 1
    script = tmp_path / "lab05_torch.py"
    script.write_text(source.replace("\nimport ember as torch\n", "\nimport torch\n"))
    proc, plots = _run_script(script, tmp_path)
    assert proc.returncode == 0, proc.stderr[-5000:]
    assert_output_matches(REFERENCE.read_text(), proc.stdout, "PyTorch's output")
    for name in PLOTS:
        png_size(plots / name)


# --- the notebook -------------------------------------------------------------

def _load_example(name):
    spec = importlib.util.spec_from_file_location(f"_ember_example_{name}", ROOT / "examples" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_notebook_is_generated_from_the_lab_text():
    build = _load_example("_build_notebook")
    expected = build.build((ROOT / "examples" / "lab05_autograd.txt").read_text(encoding="utf-8"))
    assert LAB_NOTEBOOK.read_text(encoding="utf-8") == expected, \
        "examples/lab05_autograd.ipynb is stale: run python3 examples/_build_notebook.py"


def test_notebook_runs_in_a_kernel(tmp_path):
    for module in ("nbclient", "nbformat", "ipykernel", "matplotlib", "graphviz"):
        pytest.importorskip(module)
    run_lab = _load_example("run_lab")
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))}
    nb, pngs, error = run_lab.execute_notebook(LAB_NOTEBOOK, tmp_path, python=sys.executable, env=env)
    if error is not None:
        pytest.fail("a notebook cell failed:\n" + re.sub(r"\x1b\[[0-9;]*m", "", str(error)))

    errors = [(cell.metadata.get("tags", []), o) for cell in nb.cells if cell.cell_type == "code"
              for o in cell.outputs if o.output_type == "error"]
    # The one expected error: indexing a gradient that zero_grad() set to None.
    assert [(tags, o.ename) for tags, o in errors] == [(["raises-exception"], "TypeError")], \
        [(o.ename, o.evalue) for _, o in errors]

    images = [o for cell in nb.cells if cell.cell_type == "code"
              for o in cell.outputs if "image/png" in o.get("data", {})]
    assert len(images) == 3
    assert [p.name for p in pngs] == PLOTS
    for p in pngs:
        png_size(p)
    assert (tmp_path / LAB_NOTEBOOK.name).exists()
    assert "tensor(" in run_lab.lab_text(nb)

    # The notebook-only cell draws the TinyModel's loss graph: SVG for Jupyter
    # (DOT text with an install hint where Graphviz's `dot` is missing).
    graph = next(cell for cell in nb.cells if cell.get("id") == "lab05-graph")
    [shown] = [o.data for o in graph.outputs if o.output_type == "execute_result"]
    drawing = shown["image/svg+xml"] if shutil.which("dot") else shown["text/plain"]
    for name in ("layer1.weight", "layer2.bias", "AddmmBackward0", "ReluBackward0",
                 "PowBackward0", "SumBackward0"):
        assert name in drawing, name
