"""`python -m ember.run` as a command: it runs a script, a module (-m), code
(-c), stdin or a directory as `python` does (argv, __file__, sys.path, exit
status, tracebacks, warnings), and refuses bad usage in one line. The runs
go through test_use_as_torch's helpers (one pool, results shared)."""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from test_use_as_torch import PROG, SCRIPTS, _env, _python, assert_ok, ember_run, run_code

pytestmark = [pytest.mark.xdist_group("use_as_torch"), pytest.mark.programs]


# --- running like python script.py ------------------------------------------------

def test_argv_name_file_and_sys_path():
    """Started from another directory, with a relative path: the script sees
    what `python torch_scripts/argv_exit.py ...` shows it, and imports a module
    next to it (sys.path[0] is its directory)."""
    proc = ember_run("torch_scripts/argv_exit.py", "x", "--flag", "a b", cwd=SCRIPTS.parent)
    assert_ok(proc)
    assert proc.stdout.splitlines() == [
        "argv ['x', '--flag', 'a b']",
        "argv0 torch_scripts/argv_exit.py",
        "__name__ __main__",
        "__file__ argv_exit.py",
        "__file__ is cwd + argv0 True",
        "path0 is script dir True",
        "helper 42",
        "main SourceFileLoader ['__annotations__', '__builtins__', '__cached__', '__doc__', "
        "'__file__', '__loader__', '__name__', '__package__', '__spec__']",
    ]
    assert _python("torch_scripts/argv_exit.py", "x", "--flag", "a b",
                   cwd=SCRIPTS.parent).stdout == proc.stdout


@pytest.mark.parametrize("status", [0, 3, 42])
def test_exit_status_propagates(status):
    proc = ember_run("argv_exit.py", "exit", str(status))
    assert proc.returncode == status
    assert "argv ['exit', " in proc.stdout


def test_uncaught_exception_prints_traceback_and_exits_1():
    proc = ember_run("raises.py")
    assert proc.returncode == 1
    assert proc.stdout == "before\n"
    lines = proc.stderr.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert lines[-1] == "ValueError: boom from the script: 3.0"
    # python names the script by its absolute path
    assert lines[1].startswith(f'  File "{SCRIPTS / "raises.py"}", line 10, in <module>')
    assert any('raises.py", line 6, in fail' in line for line in lines)
    # The traceback starts at the script, as python's: no runner frames.
    assert "runpy" not in proc.stderr and "run.py" not in proc.stderr


def test_warnings_name_the_script_by_its_absolute_path():
    """As python: a script started by a relative path is compiled under its
    absolute one, which warnings and tracebacks print."""
    code = "import warnings\nwarnings.warn('careful')\n"
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "warns.py").write_text(code)
        proc = ember_run("warns.py", cwd=tmp)
        assert proc.returncode == 0
        assert proc.stderr.startswith(f"{Path(tmp, 'warns.py')}:2: UserWarning: careful")
        assert _python("warns.py", cwd=tmp).stderr == proc.stderr


def test_anomaly_traceback_starts_at_the_script():
    """Anomaly mode's forward traceback, as PyTorch's under `python script.py`:
    from the script's own frames, no runpy or runner frames."""
    code = ("import torch\n"
            "with torch.autograd.set_detect_anomaly(True):\n"
            "    a = torch.tensor([-1.0], requires_grad=True)\n"
            "    try:\n"
            "        torch.sqrt(a).backward()\n"
            "    except RuntimeError:\n"
            "        pass\n")
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "anomaly.py").write_text(code)
        proc = ember_run("anomaly.py", cwd=tmp)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback of forward call that caused the error:" in proc.stderr
    assert f'File "{Path(tmp, "anomaly.py")}", line 5, in <module>' in proc.stderr
    assert "runpy" not in proc.stderr and "ember/run.py" not in proc.stderr
    assert "(Triggered internally at /__w/pytorch/pytorch/torch/csrc/autograd/" \
        "python_anomaly_mode.cpp:122.)" in proc.stderr


def test_traceback_names_the_script_as_python_does():
    """python names a script by its absolute path (cwd joined, '..' kept) in
    __file__ and tracebacks, though sys.argv[0] stays as typed."""
    path = "torch_scripts/../torch_scripts/raises.py"
    proc = ember_run(path, cwd=SCRIPTS.parent)
    assert f'  File "{SCRIPTS.parent}/{path}", line 10, in <module>' in proc.stderr.splitlines()


# --- -m, -c, - and directories --------------------------------------------------

def test_module_mode_runs_like_python_m():
    proc = ember_run("-m", "mlp_sgd")
    assert_ok(proc)
    assert proc.stdout == ember_run("mlp_sgd.py").stdout
    proc = ember_run("-m", "argv_exit", "exit", "5")
    assert proc.returncode == 5
    assert proc.stdout.splitlines()[:6] == [
        "argv ['exit', '5']", f"argv0 {SCRIPTS / 'argv_exit.py'}", "__name__ __main__",
        "__file__ argv_exit.py", "__file__ is cwd + argv0 True", "path0 is script dir True"]


def test_module_mode_missing_module():
    proc = ember_run("-m", "no_such_module_here")
    assert proc.returncode == 1
    assert proc.stderr == f"{PROG}: No module named no_such_module_here\n"


def test_code_mode():
    code = ("import sys, torch, ember\n"
            "from torch import nn\n"
            "assert nn is ember.nn and torch is ember\n"
            "print(sys.argv, repr(sys.path[0]), __name__, torch.ones(2).sum().item())\n")
    proc = ember_run("-c", code, "a", "b")
    assert_ok(proc)
    assert proc.stdout == "['-c', 'a', 'b'] '' __main__ 2.0\n"
    assert ember_run("-c", "import sys; sys.exit(4)").returncode == 4
    proc = ember_run("-c", "import torch\n1 / 0")
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[1].startswith('  File "<string>", line 2')
    assert proc.stderr.splitlines()[-1] == "ZeroDivisionError: division by zero"
    proc = ember_run("-c", "def (")
    assert proc.returncode == 1
    assert proc.stderr.startswith('  File "<string>", line 1\n')  # no runner frames, as python
    assert proc.stderr.splitlines()[-1].startswith("SyntaxError: ")


def test_stdin_mode():
    proc = ember_run("-", "q", stdin="import sys, torch.nn\nprint(sys.argv, torch.nn.__name__)\n")
    assert_ok(proc)
    assert proc.stdout == "['-', 'q'] ember.nn\n"


def test_directory_with_main():
    proc = ember_run("runnable_dir", "x")
    assert_ok(proc)
    assert proc.stdout == "dir main __main__ nn ['x'] runnable_dir absolute\n"


# --- usage errors -----------------------------------------------------------------

@pytest.mark.parametrize("args,message", [
    ((), f"{PROG}: no script given (try '{PROG} --help')"),
    (("-c",), f"{PROG}: Argument expected for the -c option"),
    (("-m",), f"{PROG}: Argument expected for the -m option"),
    (("-x", "script.py"), f"{PROG}: unknown option '-x' (try '{PROG} --help')"),
    (("no_such_script.py", "arg"),
     f"{PROG}: can't open file '{SCRIPTS / 'no_such_script.py'}': "
     "[Errno 2] No such file or directory"),
])
def test_usage_errors_exit_2_with_one_line(args, message):
    proc = ember_run(*args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == message + "\n"


def test_help():
    proc = ember_run("--help")
    assert_ok(proc)
    assert proc.stdout.startswith(f"usage: {PROG} ")
    assert "-m module" in proc.stdout and "-c code" in proc.stdout


def test_options_after_the_script_are_the_scripts():
    proc = ember_run("argv_exit.py", "--help", "-m", "x")
    assert_ok(proc)
    assert proc.stdout.startswith("argv ['--help', '-m', 'x']\n")


def test_console_script_entry_point():
    """ember-run is `ember.run:main` reading sys.argv, as the console-script
    wrapper calls it: sys.path[0] (the wrapper's bin directory) is replaced."""
    wrapper = ("import sys\nfrom ember.run import main\n"
               "sys.argv[0] = '/venv/bin/ember-run'\nsys.exit(main())\n")
    proc = run_code(wrapper, "argv_exit.py", "exit", "6")
    assert proc.returncode == 6, proc.stderr
    assert "path0 is script dir True\nhelper 42\n" in proc.stdout
    proc = run_code(wrapper, "no_such_script.py")
    assert proc.returncode == 2
    assert proc.stderr.startswith("ember-run: can't open file ")


def test_installed_ember_run():
    """The console script pip made from pyproject's [project.scripts], where
    Ember is installed into this interpreter's environment."""
    script = Path(sys.executable).parent / ("ember-run" + (".exe" if os.name == "nt" else ""))
    if not script.exists():
        pytest.skip("ember-run is not installed next to this interpreter")
    proc = subprocess.run([str(script), "argv_exit.py", "exit", "7"], cwd=SCRIPTS, env=_env(),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 7, proc.stderr
    assert proc.stdout.startswith("argv ['exit', '7']\nargv0 argv_exit.py\n")
    assert "path0 is script dir True\nhelper 42\n" in proc.stdout


def test_main_takes_an_argument_list(capsys):
    from ember.run import main
    assert main(["--help"]) == 0
    assert main([]) == 2
    assert main([str(SCRIPTS / "no_such_script.py")]) == 2
    out, err = capsys.readouterr()
    assert out.startswith("usage: ")
    assert err.count("\n") == 2 and "no script given" in err
