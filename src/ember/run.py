"""Run a PyTorch script on Ember, unchanged.

    python -m ember.run train.py --epochs 3     (or: ember-run train.py ...)
    python -m ember.run -m package.module args...
    python -m ember.run -c "import torch; print(torch.ones(2))"

Calls ember.use_as_torch(), so the script's `import torch`, `from torch import
nn`, `from torch.utils.data import DataLoader`, ... get Ember, then runs the
script as `python train.py --epochs 3` would: sys.argv is the script and its
arguments, __name__ is "__main__", sys.path[0] is the script's directory, its
exit status is the process's, and an uncaught exception prints its traceback
and exits 1.
"""
import builtins
import importlib.machinery
import os
import runpy
import sys
import types
import zipfile

USAGE = """\
usage: {prog} [-h] (script.py | -m module | -c code | -) [args ...]

Run a PyTorch program on Ember: `import torch` and every torch.* import
(torch.nn, torch.nn.functional, torch.optim, torch.utils.data, ...) give
Ember's module of the same name. Otherwise the program runs as with python.

  script.py   run this file (or a directory / zip file with __main__.py)
  -m module   run a library module as a script, like python -m
  -c code     run this code, like python -c
  -           read the program from standard input
  -h, --help  show this message and exit
Arguments after the program go to it, in sys.argv[1:].
"""


class _UsageError(Exception):
    """A program that can't start: one line to stderr, then exit with
    `status` (python's: 2 for a bad command line, 1 for a module not found)."""

    def __init__(self, message, status=2):
        super().__init__(message)
        self.status = status


def _prog():
    # Python's messages start with the interpreter's name; ours with the way
    # the user started us.
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    if name in ("", "run.py", "-m", "-c", "__main__.py"):
        return "python -m ember.run"
    return name


def _parse(args, prog):
    """(mode, target, program arguments) from the command line, where mode is
    'file', 'module', 'code' or 'help'; options end at the program, as with
    python, so the program's own options pass through untouched."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-h", "--help"):
            return "help", None, []
        if arg == "--":
            i += 1
            break
        if arg in ("-m", "-c"):
            if i + 1 >= len(args):
                raise _UsageError(f"Argument expected for the {arg} option")
            mode = "module" if arg == "-m" else "code"
            return mode, args[i + 1], args[i + 2:]
        if arg.startswith(("-m", "-c")):
            # -mpkg.mod / -c'code', as python accepts them
            mode = "module" if arg[1] == "m" else "code"
            return mode, arg[2:], args[i + 1:]
        if arg.startswith("-") and arg != "-":
            raise _UsageError(f"unknown option {arg!r} (try '{prog} --help')")
        break
    if i >= len(args):
        raise _UsageError(f"no script given (try '{prog} --help')")
    return "file", args[i], args[i + 1:]


def _check_file(path):
    """Fail the way python does when `python path` can't start."""
    full = os.path.abspath(path)
    if os.path.isdir(path):
        if not any(os.path.exists(os.path.join(path, "__main__" + ext))
                   for ext in (".py", ".pyc")):
            raise _UsageError(f"can't find '__main__' module in {full!r}")
        return
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise _UsageError(f"can't open file {full!r}: [Errno {exc.errno}] {exc.strerror}") from None


def _set_path0(entry):
    """sys.path[0] as python sets it; ours (the directory we were started
    from: the cwd for -m, the bin directory for ember-run) is not the
    program's and goes."""
    if sys.path:
        sys.path[0] = entry
    else:
        sys.path.insert(0, entry)


def _run_file(path, args):
    sys.argv[:] = [path, *args]
    # python makes the program's path absolute (its __file__, sys.path[0],
    # tracebacks and warnings show it so); argv[0] stays as typed.
    # (cwd joined, not normalised: `a/../b.py` stays so, as python keeps it)
    full = path if os.path.isabs(path) else os.path.join(os.getcwd(), path)
    if os.path.isdir(path) or _is_zip(path):
        # What python itself does here: the directory or zip file first on
        # sys.path, and its __main__ module run (runpy.run_path would put
        # the path in argv[0]).
        _set_path0(full)
        runpy._run_module_as_main("__main__", alter_argv=False)
        return
    _set_path0(os.path.dirname(os.path.realpath(path)))
    from pkgutil import read_code
    with open(full, "rb") as f:
        code = read_code(f)         # (a .pyc file runs too, as with python)
        if code is None:
            f.seek(0)
            code = compile(f.read(), full, "exec")
    _exec_main(code, full)


def _is_zip(path):
    return zipfile.is_zipfile(path)


def _run_module(name, args):
    import importlib.util
    _set_path0(os.getcwd())
    # Checked first, for python's one-line answer instead of runpy's traceback.
    try:
        found = importlib.util.find_spec(name)
    except (ImportError, AttributeError, TypeError, ValueError) as exc:
        raise _UsageError(f"Error while finding module specification for {name!r} "
                          f"({type(exc).__name__}: {exc})", status=1) from None
    if found is None:
        raise _UsageError(f"No module named {name}", status=1)
    sys.argv[:] = [name, *args]  # run_module replaces [0] with the file's path
    runpy.run_module(name, run_name="__main__", alter_sys=True)


def _run_source(source, filename, argv0, args):
    """Run code as python's -c and stdin modes do: in a fresh __main__, with
    sys.path[0] = '' (the current directory)."""
    sys.argv[:] = [argv0, *args]
    _set_path0("")
    _exec_main(compile(source, filename, "exec"))


def _exec_main(code, file=None):
    """Run `code` as the program: in a fresh __main__ module."""
    main = types.ModuleType("__main__")
    main.__builtins__ = builtins
    if file is not None:
        # what python gives a script's __main__
        main.__file__, main.__cached__ = file, None
        main.__loader__ = importlib.machinery.SourceFileLoader("__main__", file)
        main.__annotations__ = {}
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = main  # so pickle finds the classes it defines
    try:
        exec(code, main.__dict__)
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


def _program_traceback(tb):
    """The traceback from the program's first frame: ours and runpy's are
    plumbing that `python script.py` wouldn't show."""
    plumbing = {main.__code__.co_filename, runpy._run_code.__code__.co_filename}
    while tb is not None and tb.tb_frame.f_code.co_filename in plumbing:
        tb = tb.tb_next
    return tb


def main(argv=None):
    """The command line: `ember-run ...` and `python -m ember.run ...`.
    Returns the exit status; the program's own sys.exit() passes through."""
    args = sys.argv[1:] if argv is None else list(argv)
    prog = _prog()
    try:
        mode, target, rest = _parse(args, prog)
        if mode == "help":
            print(USAGE.format(prog=prog), end="")
            return 0
        if mode == "file" and target != "-":
            _check_file(target)
    except _UsageError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return exc.status

    from ._torch_alias import use_as_torch
    try:
        use_as_torch()
    except RuntimeError as exc:  # the real PyTorch came first (sitecustomize, ...)
        print(f"{prog}: {exc}", file=sys.stderr)
        return 1

    try:
        if mode == "file" and target == "-":
            _run_source(sys.stdin.read(), "<stdin>", "-", rest)
        elif mode == "file":
            _run_file(target, rest)
        elif mode == "module":
            _run_module(target, rest)
        else:
            _run_source(target, "<string>", "-c", rest)
    except _UsageError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return exc.status
    except Exception as exc:  # noqa: BLE001 - the program's uncaught error
        tb = _program_traceback(exc.__traceback__)
        # The hook prints the exception's own __traceback__, not its argument.
        sys.excepthook(type(exc), exc.with_traceback(tb), tb)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
