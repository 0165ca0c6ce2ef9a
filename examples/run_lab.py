#!/usr/bin/env python3
"""Run Lab 5 (autograd) on Ember, end to end, in a real Jupyter kernel.

    python3 examples/run_lab.py [--out DIR] [--timeout SECONDS] [--no-venv]

Needs only python3 (3.10+). On the first run it creates a virtual environment,
.venv in the repository root (reused afterwards), and installs Ember into it
(editable) with the lab's extras: matplotlib, nbclient, nbformat, ipykernel,
graphviz.
It then re-runs itself with that environment's python, executes
examples/lab05_autograd.ipynb cell by cell in an IPython kernel running that
same python, and writes into DIR (default: out/lab05/ in the repository):

    lab05_autograd.ipynb   the executed notebook, outputs included
    lab05_plot*.png        the notebook's plots

Each code cell's output is printed as soon as the cell has run, under a header
that counts the code cells:

    [cell 3/31]
    tensor([1., 2., 3.], requires_grad=True)
    (figure saved: out/lab05/lab05_plot1_sin.png)

What the cells print, their results and their errors go to stdout, what they
write to stderr goes to stderr. The one cell that raises on purpose (it indexes
a gradient that zero_grad() has set to None, a TypeError in PyTorch too) is
tagged `raises-exception` and does not stop the run; any other error does, and
makes the exit status 1.

Options:
  --out DIR          where the executed notebook and the plots go
  --timeout SECONDS  the longest one cell may run (default 120; 0: no limit).
                     A cell that runs longer stops the run with exit status 1.
  --no-venv          use the current python as is (it must have ember and the
                     lab's extras)

EMBER_LAB_TORCH=1 runs the notebook with `import torch` instead of
`import ember as torch` (torch must be installed in the environment), to
compare with PyTorch.

A kernel that does not start within 20 s, a kernel that dies, and a cell that
runs past --timeout are reported in one line on stderr, with exit status 1.
"""

import argparse
import atexit
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
NOTEBOOK = ROOT / "examples" / "lab05_autograd.ipynb"
DEFAULT_OUT = ROOT / "out" / "lab05"
EXTRAS = "lab"  # pyproject.toml: lab = matplotlib, nbclient, nbformat, ipykernel, graphviz
KERNEL_NAME = "ember-lab"
DEFAULT_TIMEOUT = 120  # seconds a cell may run
STARTUP_TIMEOUT = 20  # seconds for the kernel to answer; well under the 30 s users wait
ANSI = re.compile(r"\x1b\[[0-9;]*m")


# --- the virtual environment ------------------------------------------------

def venv_python(venv=VENV):
    win = venv / "Scripts" / "python.exe"
    return win if win.exists() else venv / "bin" / "python"


def in_venv(venv=VENV):
    try:
        return Path(sys.prefix).resolve() == venv.resolve()
    except OSError:
        return False


def _run_quiet(cmd, what):
    """Run cmd, showing its output only if it fails."""
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout)
        sys.exit(f"run_lab: {what} failed (exit {proc.returncode}): {' '.join(map(str, cmd))}")


def create_venv(venv=VENV):
    """python3 -m venv; where ensurepip is missing (Debian without python3-venv),
    make the venv without pip and let the system's pip install pip into it."""
    cmd = [sys.executable, "-m", "venv", str(venv)]
    if subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
        return
    shutil.rmtree(venv, ignore_errors=True)
    _run_quiet([sys.executable, "-m", "venv", "--without-pip", str(venv)], "creating .venv")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv_python(venv)), "install", "-q", "pip"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout)
        shutil.rmtree(venv, ignore_errors=True)
        sys.exit("run_lab: could not create a virtual environment with pip in it; "
                 "install python3-venv (Debian/Ubuntu) or pip >= 22.3 and retry")


def ensure_venv(venv=VENV):
    """Create .venv if needed and install ember[lab] into it, unless a stamp
    says this pyproject.toml is already installed (by us or by tools/test)."""
    if sys.version_info < (3, 10):
        sys.exit(f"run_lab: Ember needs Python 3.10 or newer, this is {sys.version.split()[0]}")
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamps = [venv / ".ember-installed-lab", venv / ".ember-installed-test,lab"]
    py = venv_python(venv)
    if py.exists() and any(s.exists() and s.read_text().strip() == digest for s in stamps):
        return py
    if not py.exists():
        print(f"run_lab: creating {venv.relative_to(ROOT) if venv.is_relative_to(ROOT) else venv} "
              "and installing Ember with matplotlib, nbclient, nbformat, ipykernel, graphviz "
              "(first run only, about a minute)...", file=sys.stderr, flush=True)
        create_venv(venv)
    else:
        print("run_lab: updating .venv...", file=sys.stderr, flush=True)
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_ROOT_USER_ACTION="ignore")
    cmd = [str(py), "-m", "pip", "install", "-q", "-e", f"{ROOT}[{EXTRAS}]"]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout)
        sys.exit(f"run_lab: installing Ember into .venv failed (exit {proc.returncode})")
    stamps[0].write_text(digest + "\n")
    return py


# --- executing the notebook -------------------------------------------------

class LabError(Exception):
    """A failure that main() reports in one line, without a traceback."""

    def __init__(self, message, status=1):
        super().__init__(message)
        self.status = status  # main()'s exit status


def _import_lab_modules():
    try:
        import nbclient  # noqa: F401
        import nbformat  # noqa: F401
        import jupyter_client  # noqa: F401
    except ImportError as e:
        raise LabError(f"{sys.executable} lacks {e.name or e}, one of the lab's extras; "
                       f"run without --no-venv, or pip install -e '{ROOT}[{EXTRAS}]'") from None


def _last_line(path):
    try:
        lines = Path(path).read_text(errors="replace").splitlines()
    except OSError:
        return ""
    last = next((line.strip() for line in reversed(lines) if line.strip()), "")
    return ANSI.sub("", last)[:200]


def _startup_reason(exc, python, log):
    if isinstance(exc, FileNotFoundError):
        return f"{exc.filename or python}: no such file"
    if isinstance(exc, PermissionError):
        return f"{exc.filename or python}: not executable"
    said = _last_line(log)
    if "died" in str(exc):
        return "it exited at once" + (f": {said}" if said else "")
    return " ".join(str(exc).split()) + (f"; it said: {said}" if said else "")


def _write_pngs(cell, index, out_dir):
    images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
    paths = []
    for k, output in enumerate(images):
        name = cell.metadata.get("lab05", {}).get("plot") or f"lab05_cell{index:02d}.png"
        if len(images) > 1:
            name = name.replace(".png", f"_{k + 1}.png")
        path = out_dir / name
        path.write_bytes(base64.b64decode(output["data"]["image/png"]))
        paths.append(path)
    return paths


def _kill_kernel(km):
    """Kill the kernel process if nbclient's own cleanup left it running:
    nbclient cleans up after a kernel that does not answer, but not after a
    failure inside start_kernel once the process is launched."""
    from nbclient.util import run_sync

    async def kill():
        try:
            if km.has_kernel and await km.is_alive():
                await km.shutdown_kernel(now=True)
        finally:
            await km.cleanup_resources()
    try:
        run_sync(kill)()
    except Exception:  # the kernel is gone already; nothing else to do on the way out
        pass


def execute_notebook(nb_path=NOTEBOOK, out_dir=DEFAULT_OUT, *, python=None, env=None,
                     use_torch=False, timeout=DEFAULT_TIMEOUT, startup_timeout=STARTUP_TIMEOUT,
                     on_cell=None):
    """Execute the notebook in an IPython kernel that runs `python` (default:
    this interpreter), with `env` added to the kernel's environment and the
    kernel's working directory out_dir. Writes the executed notebook and the
    PNG plots into out_dir, each plot as soon as its cell has run.

    on_cell(number, total, cell, pngs), if given, is called after each code
    cell runs: its number among the code cells (1-based), their count, the
    executed cell (outputs included) and the PNG paths written for it.

    Returns (nb, pngs, error): the executed notebook node, the PNG paths in
    order, and the CellExecutionError that stopped the run (None if none did).
    Raises LabError, with a one-line message, when the kernel does not start
    within startup_timeout seconds, when it dies, or when a cell runs longer
    than `timeout` seconds (0 or None: no limit).
    """
    _import_lab_modules()
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    python = str(python or sys.executable)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(str(nb_path), as_version=4)
    if use_torch:
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.source = re.sub(r"^import ember as torch\b", "import torch", cell.source, flags=re.M)

    pngs = []
    state = {"started": False, "running": None}

    # A kernelspec of our own, in a directory of our own: the kernel is this
    # python whatever other kernelspecs (user, system) say.
    with tempfile.TemporaryDirectory(prefix="ember-lab-kernels-") as kernels:
        spec = Path(kernels) / KERNEL_NAME
        spec.mkdir()
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python (Ember lab)",
            "language": "python",
            "env": dict(env or {}),
        }))
        km = AsyncKernelManager(kernel_name=KERNEL_NAME,
                                kernel_spec_manager=KernelSpecManager(kernel_dirs=[kernels]))
        client = NotebookClient(
            nb, km=km, timeout=timeout or None, startup_timeout=startup_timeout,
            resources={"metadata": {"path": str(out_dir)}},
            # The kernel listens on localhost only; its start-up warning about
            # unencrypted TCP would be the only thing it logs.
            extra_arguments=["--IPKernelApp.log_level=ERROR"])
        # nbclient runs these cells, in this order (empty and skip-tagged ones it passes over).
        numbers = {}
        for index, cell in enumerate(nb.cells):
            if (cell.cell_type == "code" and cell.source.strip()
                    and client.skip_cells_with_tag not in cell.metadata.get("tags", [])):
                numbers[index] = len(numbers) + 1

        def notebook_started(**_):
            state["started"] = True

        def cell_running(cell_index, **_):
            state["running"] = cell_index

        def cell_executed(cell, cell_index, **_):
            written = _write_pngs(cell, cell_index, out_dir)
            pngs.extend(written)
            if on_cell is not None:
                on_cell(numbers.get(cell_index, 0), len(numbers), cell, written)

        client.on_notebook_start = notebook_started
        client.on_cell_execute = cell_running
        client.on_cell_executed = cell_executed

        def which():
            return f"cell {numbers.get(state['running'], '?')}/{len(numbers)}"

        error = None
        # The kernel's own stderr (a launch failure, a crash) goes to a file,
        # not to the terminal: it becomes the reason in our one-line message.
        log_path = Path(kernels) / "kernel-stderr.log"
        with open(log_path, "wb") as log:
            try:
                client.execute(cleanup_kc=True, stderr=log)  # cleanup_kc: shut the kernel down afterwards
            except CellExecutionError as e:
                error = e
            except Exception as e:
                # nbclient's SIGINT/SIGTERM handler shuts the kernel down and
                # leaves this future; whatever nbclient raised next is its echo.
                if getattr(client, "_async_cleanup_kernel_future", None) is not None:
                    where = f"at {which()}" if state["started"] else "while the kernel was starting"
                    raise LabError(f"interrupted {where}", status=130) from None
                if isinstance(e, CellTimeoutError):
                    raise LabError(f"{which()} did not finish within {timeout} s; give cells "
                                   "more time with --timeout SECONDS (0: no limit)") from None
                if isinstance(e, DeadKernelError):
                    said = _last_line(log_path)
                    raise LabError(f"the Jupyter kernel died while running {which()}"
                                   + (f" ({said})" if said else "")) from None
                if isinstance(e, (OSError, RuntimeError)) and not state["started"]:
                    raise LabError(
                        f"the Jupyter kernel did not start ({_startup_reason(e, python, log_path)}); "
                        f'check that {python} exists and has ipykernel: {python} -c "import ipykernel"'
                    ) from None
                raise
            finally:
                # A failed start leaves nbclient's exit-time cleanup registered,
                # and it fails (a second traceback) once the kernel is gone.
                atexit.unregister(client._cleanup_kernel)
                _kill_kernel(km)
                if state["started"]:
                    nbformat.write(nb, str(out_dir / Path(nb_path).name))

    return nb, pngs, error


def lab_text(nb):
    """The lab's textual output: stdout, text results and errors of the code
    cells, in order (figures are left out: they are in the PNG files)."""
    parts = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            kind = output.output_type
            if kind == "stream" and output.name == "stdout":
                parts.append(output.text)
            elif kind == "execute_result" and "text/plain" in output.get("data", {}):
                parts.append(output.data["text/plain"] + "\n")
            elif kind == "error":
                parts.append(f"{output.ename}: {output.evalue}\n")
    return "".join(parts)


def _show(path):
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def print_cell(number, total, cell, pngs, out=None, err=None):
    """Print one executed code cell's output under a `[cell N/TOTAL]` header."""
    out, err = out or sys.stdout, err or sys.stderr
    out.write(f"[cell {number}/{total}]\n")
    expected = "raises-exception" in cell.metadata.get("tags", [])
    for output in cell.outputs:
        kind, text = output.output_type, None
        if kind == "stream":
            if output.name == "stderr":
                out.flush()  # keeps the order where both streams share a terminal
                err.write(output.text)
                err.flush()
                continue
            text = output.text
        elif kind == "execute_result" and "text/plain" in output.get("data", {}):
            text = output.data["text/plain"] + "\n"
        elif kind == "error":
            note = " (expected: the cell is tagged raises-exception)" if expected else ""
            text = f"{output.ename}: {output.evalue}{note}\n"
        if text:
            out.write(text if text.endswith("\n") else text + "\n")
    for path in pngs:
        out.write(f"(figure saved: {_show(path)})\n")
    out.flush()


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run Lab 5 (autograd) on Ember in a Jupyter kernel.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder for the executed notebook and the plots (default: out/lab05/)")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"the longest one cell may run (default: {DEFAULT_TIMEOUT}; 0: no limit)")
    parser.add_argument("--no-venv", action="store_true",
                        help="use this python as is instead of .venv")
    # For the tests: another notebook, another python for the kernel.
    parser.add_argument("--notebook", type=Path, default=NOTEBOOK, help=argparse.SUPPRESS)
    parser.add_argument("--kernel-python", help=argparse.SUPPRESS)
    # For the test suite, whose busy machine may start a kernel slowly.
    parser.add_argument("--startup-timeout", type=int, default=STARTUP_TIMEOUT,
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.timeout < 0:
        parser.error("--timeout must be 0 (no limit) or more")

    if not args.no_venv and not in_venv():
        py = ensure_venv()
        # Re-run this script inside .venv (argv as given: --out stays relative to the cwd).
        os.execv(str(py), [str(py), str(Path(__file__).resolve()), *sys.argv[1:]])

    use_torch = os.environ.get("EMBER_LAB_TORCH", "") not in ("", "0")
    out_dir = args.out.resolve()
    last = {"number": 0, "total": 0}

    def on_cell(number, total, cell, pngs):
        last.update(number=number, total=total)
        print_cell(number, total, cell, pngs)

    try:
        _, pngs, error = execute_notebook(args.notebook, out_dir, python=args.kernel_python,
                                          use_torch=use_torch, timeout=args.timeout,
                                          startup_timeout=args.startup_timeout, on_cell=on_cell)
    except LabError as e:
        sys.stdout.flush()
        print(f"run_lab: {e}", file=sys.stderr, flush=True)
        return e.status

    status = "stopped at a failing cell" if error is not None else "ran to the end"
    print(f"\nLab 5 on {'PyTorch' if use_torch else 'Ember'} {status}. Files in {_show(out_dir)}{os.sep}:")
    print(f"  {_show(out_dir / args.notebook.name)}  (the executed notebook)")
    for p in pngs:
        print(f"  {_show(p)}")
    sys.stdout.flush()
    if error is not None:
        print(f"\nrun_lab: cell {last['number']}/{last['total']} failed unexpectedly:\n"
              + ANSI.sub("", str(error)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
