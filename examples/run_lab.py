#!/usr/bin/env python3
"""Run Lab 5 (autograd) on Ember, end to end, in a real Jupyter kernel.

    python3 examples/run_lab.py [--out DIR]

Needs only python3 (3.10+). On the first run it creates a virtual environment,
.venv in the repository root (reused afterwards), and installs Ember into it
(editable) with the lab's extras: matplotlib, nbclient, nbformat, ipykernel.
It then re-runs itself with that environment's python, executes
examples/lab05_autograd.ipynb cell by cell in an IPython kernel running that
same python, and writes into DIR (default: out/lab05/ in the repository):

    lab05_autograd.ipynb   the executed notebook, outputs included
    lab05_plot*.png        the notebook's plots

The lab's text output (what the cells print, their results and their errors)
goes to stdout, in order. The one cell that raises on purpose (it indexes a
gradient that zero_grad() has set to None, a TypeError in PyTorch too) is
tagged `raises-exception` and does not stop the run; any other error does, and
makes the exit status 1.

Options: --no-venv uses the current python as is (it must have ember and the
lab's extras). EMBER_LAB_TORCH=1 runs the notebook with `import torch` instead
of `import ember as torch` (torch must be installed in the environment), to
compare with PyTorch.
"""

import argparse
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
EXTRAS = "lab"  # pyproject.toml: lab = matplotlib, nbclient, nbformat, ipykernel
KERNEL_NAME = "ember-lab"
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
              "and installing Ember with matplotlib, nbclient, nbformat, ipykernel "
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

def execute_notebook(nb_path=NOTEBOOK, out_dir=DEFAULT_OUT, *, python=None, env=None,
                     use_torch=False, timeout=600):
    """Execute the notebook in an IPython kernel that runs `python` (default:
    this interpreter), with `env` added to the kernel's environment and the
    kernel's working directory out_dir. Writes the executed notebook and the
    PNG plots into out_dir.

    Returns (nb, pngs, error): the executed notebook node, the PNG paths in
    order, and the CellExecutionError that stopped the run (None if none did).
    """
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(str(nb_path), as_version=4)
    if use_torch:
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.source = re.sub(r"^import ember as torch\b", "import torch", cell.source, flags=re.M)

    # A kernelspec of our own, in a directory of our own: the kernel is this
    # python whatever other kernelspecs (user, system) say.
    with tempfile.TemporaryDirectory(prefix="ember-lab-kernels-") as kernels:
        spec = Path(kernels) / KERNEL_NAME
        spec.mkdir()
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [str(python or sys.executable), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python (Ember lab)",
            "language": "python",
            "env": dict(env or {}),
        }))
        km = AsyncKernelManager(kernel_name=KERNEL_NAME,
                                kernel_spec_manager=KernelSpecManager(kernel_dirs=[kernels]))
        client = NotebookClient(
            nb, km=km, timeout=timeout, startup_timeout=120,
            resources={"metadata": {"path": str(out_dir)}},
            # The kernel listens on localhost only; its start-up warning about
            # unencrypted TCP would be the only thing it logs.
            extra_arguments=["--IPKernelApp.log_level=ERROR"])
        error = None
        try:
            client.execute(cleanup_kc=True)  # cleanup_kc: shut the kernel down afterwards
        except CellExecutionError as e:
            error = e

    pngs = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        for k, output in enumerate(images):
            name = cell.metadata.get("lab05", {}).get("plot") or f"lab05_cell{index:02d}.png"
            if len(images) > 1:
                name = name.replace(".png", f"_{k + 1}.png")
            path = out_dir / name
            path.write_bytes(base64.b64decode(output["data"]["image/png"]))
            pngs.append(path)
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


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run Lab 5 (autograd) on Ember in a Jupyter kernel.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder for the executed notebook and the plots (default: out/lab05/)")
    parser.add_argument("--no-venv", action="store_true",
                        help="use this python as is instead of .venv")
    args = parser.parse_args(argv)

    if not args.no_venv and not in_venv():
        py = ensure_venv()
        # Re-run this script inside .venv (argv as given: --out stays relative to the cwd).
        os.execv(str(py), [str(py), str(Path(__file__).resolve()), *sys.argv[1:]])

    use_torch = os.environ.get("EMBER_LAB_TORCH", "") not in ("", "0")
    out_dir = args.out.resolve()
    nb, pngs, error = execute_notebook(NOTEBOOK, out_dir, use_torch=use_torch)

    sys.stdout.write(lab_text(nb))
    sys.stdout.flush()
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream" and output.name == "stderr":
                sys.stderr.write(output.text)

    def show(p):
        try:
            return os.path.relpath(p)
        except ValueError:
            return str(p)

    status = "stopped at a failing cell" if error is not None else "ran to the end"
    print(f"\nLab 5 on {'PyTorch' if use_torch else 'Ember'} {status}. Files in {show(out_dir)}{os.sep}:")
    print(f"  {show(out_dir / NOTEBOOK.name)}  (the executed notebook)")
    for p in pngs:
        print(f"  {show(p)}")
    if error is not None:
        print("\nrun_lab: a cell failed unexpectedly:\n" + ANSI.sub("", str(error)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
