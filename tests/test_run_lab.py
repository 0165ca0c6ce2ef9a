"""examples/run_lab.py as a user meets it: output streamed cell by cell under a
counter, and one-line errors when the kernel cannot start or a cell runs too long.

Each test runs run_lab.py in a subprocess (--no-venv: this python, which has
the lab's extras) on a small notebook built here, through its internal
--notebook and --kernel-python options, so that a test takes seconds rather
than the whole lab's run; tests/test_lab.py runs the lab itself.
"""

import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

# Whole programs in subprocesses (CI's Python 3.10 run leaves them out: .ci/run)
pytestmark = pytest.mark.programs

nbformat = pytest.importorskip("nbformat")
for _module in ("nbclient", "ipykernel"):
    pytest.importorskip(_module)

ROOT = Path(__file__).resolve().parent.parent
RUN_LAB = ROOT / "examples" / "run_lab.py"
HEADER = re.compile(r"^\[cell (\d+)/(\d+)\]$")
STARTUP_LIMIT = 30  # seconds: the longest a user waits to hear that the kernel did not start

posix_only = pytest.mark.skipif(os.name != "posix", reason="the fake kernels are shell scripts")


def make_notebook(path, *cells):
    """Write a notebook; each cell is code source, ("md", text) or (source, [tags])."""
    nb = nbformat.v4.new_notebook()
    for cell in cells:
        if isinstance(cell, tuple) and cell[0] == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(cell[1]))
        elif isinstance(cell, tuple):
            nb.cells.append(nbformat.v4.new_code_cell(cell[0], metadata={"tags": cell[1]}))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(cell))
    nbformat.write(nb, str(path))
    return path


def run_lab_cmd(tmp_path, notebook, *args):
    # A real kernel may take long to start while the suite's other workers
    # run (CI saw more than 20 s); the startup tests give their own kernels.
    patience = () if "--kernel-python" in args else ("--startup-timeout", "120")
    return [sys.executable, str(RUN_LAB), "--no-venv", "--out", str(tmp_path / "out"),
            "--notebook", str(notebook), *patience, *args]


def child_env():
    # Unbuffered output would hide a missing flush: the script must flush itself.
    env = dict(os.environ)
    env.pop("PYTHONUNBUFFERED", None)
    return env


def run_lab(tmp_path, notebook, *args, timeout=300):
    start = time.monotonic()
    proc = subprocess.run(run_lab_cmd(tmp_path, notebook, *args), cwd=tmp_path, env=child_env(),
                          capture_output=True, text=True, timeout=timeout)
    return proc, time.monotonic() - start


def process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie nobody has reaped yet is dead for our purposes
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def fake_kernel(tmp_path, body):
    """A shell script to use as the kernel's python."""
    script = tmp_path / "fake-python"
    script.write_text("#!/bin/sh\n" + textwrap.dedent(body))
    script.chmod(0o755)
    return script


def assert_one_line_error(proc, *fragments):
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{proc.stderr}"
    assert lines[0].startswith("run_lab: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.returncode == 1, (proc.returncode, proc.stderr)


# --- streaming and the counter ------------------------------------------------

def test_each_cell_is_printed_as_soon_as_it_has_run(tmp_path):
    nb = make_notebook(tmp_path / "slow.ipynb",
                       "print('first')",
                       "import time\ntime.sleep(2)\nprint('second')",
                       "print('third')")
    proc = subprocess.Popen(run_lab_cmd(tmp_path, nb), cwd=tmp_path, env=child_env(), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    seen = {}
    try:
        for line in proc.stdout:
            seen.setdefault(line.strip(), time.monotonic())
        proc.wait(timeout=60)
    finally:
        proc.kill()
        proc.stdout.close()
    exited = time.monotonic()
    assert proc.returncode == 0
    assert {"first", "second", "third"} <= seen.keys(), seen
    # Cell 2 sleeps 2 s: cell 1's output must be out before then, not at the end.
    assert seen["second"] - seen["first"] > 1.0, seen
    assert exited - seen["first"] > 1.0, seen


def test_cells_are_counted_and_their_outputs_follow_their_headers(tmp_path):
    nb = make_notebook(tmp_path / "count.ipynb",
                       ("md", "# Not counted"),
                       "x = 41",                                   # runs, prints nothing
                       "   \n",                                    # empty: nbclient skips it
                       "import sys\nprint('to stdout')\nprint('to stderr', file=sys.stderr)",
                       ("md", "Still not counted"),
                       "x + 1")
    proc, _ = run_lab(tmp_path, nb)
    assert proc.returncode == 0, proc.stderr
    body = proc.stdout.split("\nLab 5 on ")[0]
    assert body.splitlines() == ["[cell 1/3]", "[cell 2/3]", "to stdout", "[cell 3/3]", "42"]
    assert proc.stderr == "to stderr\n"
    assert (tmp_path / "out" / "count.ipynb").exists()


def test_expected_error_goes_on_and_an_unexpected_one_stops(tmp_path):
    nb = make_notebook(tmp_path / "errors.ipynb",
                       "print('before')",
                       ("1 / 0", ["raises-exception"]),
                       "print('after the expected error')",
                       "[][0]",
                       "print('never')")
    proc, _ = run_lab(tmp_path, nb)
    assert proc.returncode == 1
    out = proc.stdout
    assert "ZeroDivisionError: division by zero (expected" in out
    assert "after the expected error" in out
    assert "[cell 4/5]\nIndexError: list index out of range\n" in out
    assert "never" not in out and "[cell 5/5]" not in out
    assert "run_lab: cell 4/5 failed unexpectedly" in proc.stderr


def test_plots_are_saved_and_noted_under_their_cell(tmp_path):
    pytest.importorskip("matplotlib")
    nb = make_notebook(tmp_path / "plot.ipynb",
                       "%matplotlib inline\nimport matplotlib.pyplot as plt",
                       "plt.plot([1, 2, 3]);\nplt.show()")
    proc, _ = run_lab(tmp_path, nb)
    assert proc.returncode == 0, proc.stderr
    png = tmp_path / "out" / "lab05_cell01.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert re.search(r"^\[cell 2/2\]\n\(figure saved: .*lab05_cell01\.png\)$", proc.stdout, re.M), proc.stdout


# --- a kernel that does not start ---------------------------------------------

def _assert_startup_error(proc, elapsed, *fragments):
    assert elapsed < STARTUP_LIMIT, f"took {elapsed:.1f} s"
    assert_one_line_error(proc, "the Jupyter kernel did not start", "ipykernel", *fragments)
    assert "[cell" not in proc.stdout


def test_kernel_python_that_does_not_exist(tmp_path):
    nb = make_notebook(tmp_path / "nb.ipynb", "print('hi')")
    missing = tmp_path / "no-such-python"
    proc, elapsed = run_lab(tmp_path, nb, "--kernel-python", str(missing), timeout=STARTUP_LIMIT + 30)
    _assert_startup_error(proc, elapsed, str(missing), "no such file")


@posix_only
def test_kernel_that_exits_at_once(tmp_path):
    # What a python without ipykernel does.
    python = fake_kernel(tmp_path, """\
        echo "$0: No module named ipykernel_launcher" >&2
        exit 1
    """)
    nb = make_notebook(tmp_path / "nb.ipynb", "print('hi')")
    proc, elapsed = run_lab(tmp_path, nb, "--kernel-python", str(python), timeout=STARTUP_LIMIT + 30)
    _assert_startup_error(proc, elapsed, "exited at once", "No module named ipykernel_launcher")


@posix_only
def test_kernel_that_never_answers_is_given_up_and_killed(tmp_path):
    pid_file = tmp_path / "kernel.pid"
    python = fake_kernel(tmp_path, f"""\
        echo $$ > '{pid_file}'
        exec sleep 300
    """)
    nb = make_notebook(tmp_path / "nb.ipynb", "print('hi')")
    # Through the function: the command line's start-up limit is 20 s, too long to wait here.
    code = textwrap.dedent(f"""\
        import importlib.util, sys
        spec = importlib.util.spec_from_file_location("run_lab", {str(RUN_LAB)!r})
        run_lab = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(run_lab)
        try:
            run_lab.execute_notebook({str(nb)!r}, {str(tmp_path / "out")!r},
                                     python={str(python)!r}, startup_timeout=2)
        except run_lab.LabError as e:
            print(e)
    """)
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - start
    pid = int(pid_file.read_text())
    try:
        assert proc.stderr == "", proc.stderr
        assert "the Jupyter kernel did not start (Kernel didn't respond in 2 seconds)" in proc.stdout
        assert elapsed < STARTUP_LIMIT, f"took {elapsed:.1f} s"
        assert not process_alive(pid), "the kernel process was left running"
    finally:
        if process_alive(pid):
            os.kill(pid, 9)


# --- --timeout ----------------------------------------------------------------

def test_a_cell_over_the_timeout_stops_the_run_in_one_line(tmp_path):
    nb = make_notebook(tmp_path / "sleepy.ipynb",
                       "import os\nprint('kernel', os.getpid())",
                       "import time\ntime.sleep(30)",
                       "print('never')")
    proc, elapsed = run_lab(tmp_path, nb, "--timeout", "1", timeout=90)
    assert_one_line_error(proc, "cell 2/3", "did not finish within 1 s", "--timeout")
    assert elapsed < 20, f"took {elapsed:.1f} s: the sleeping cell was not cut short"
    assert proc.stdout.startswith("[cell 1/3]\nkernel ")
    assert "[cell 2/3]" not in proc.stdout and "never" not in proc.stdout
    pid = int(re.search(r"^kernel (\d+)$", proc.stdout, re.M).group(1))
    if os.name == "posix":
        assert not process_alive(pid), "the kernel process was left running"


def test_timeout_option_is_checked(tmp_path):
    nb = make_notebook(tmp_path / "nb.ipynb", "print('hi')")
    proc, _ = run_lab(tmp_path, nb, "--timeout", "-1")
    assert proc.returncode == 2 and "--timeout" in proc.stderr
    proc, _ = run_lab(tmp_path, nb, "--timeout", "0")  # no limit
    assert proc.returncode == 0, proc.stderr
    assert "[cell 1/1]\nhi\n" in proc.stdout
