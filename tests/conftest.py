import compileall
import os
import sys

HERE = os.path.dirname(__file__)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "src"))


def pytest_configure(config):
    # Hundreds of tests start a fresh Python that imports Ember (scripts,
    # examples, several processes). Under PYTHONDONTWRITEBYTECODE, as on some
    # machines, each compiled its ~500 modules again: about 0.4 s of CPU a
    # start (import: 0.75 s without byte code, 0.36 s with).
    # Python reads byte code it did not write itself, so compiling once here
    # (py_compile writes whatever that variable says; a no-op when up to
    # date) makes every start read it. Not in xdist's workers: the
    # controller's configure runs first.
    if not hasattr(config, "workerinput"):
        compileall.compile_dir(os.path.join(HERE, "..", "src", "ember"), quiet=1)
    # pytest-xdist runs a worker per CPU; OpenBLAS would start a thread per CPU
    # in each of them, and its spinning threads, fighting over the CPUs, made
    # small matmuls tens of times slower (an example's training, 10x). The
    # workers start after this hook, with this environment.
    if getattr(config.option, "numprocesses", None) and "OPENBLAS_NUM_THREADS" not in os.environ:
        os.environ["OPENBLAS_NUM_THREADS"] = "1"


def pytest_runtest_teardown(item, nextitem):
    # A test that defines a Tensor subclass turns on __torch_function__
    # dispatch for the process (ember/_subclass.py), as it would for a
    # program; the next tests start from plain functions again, as a program
    # without subclasses has them. (tests/test_torch_function.py checks the
    # dispatching state itself.)
    wrappers = sys.modules.get("ember._subclass_wrappers")
    if wrappers is not None and wrappers._enabled:
        wrappers.disable_functions()
    # A uint16/32/64 tensor installs their ops' check, wrapping Ember's public
    # functions for the process (ember/_uint_ops.py); the next test file
    # starts from Ember unwrapped, as test_uint_dtypes.py leaves it (a file's
    # own tests keep the check: installing it again costs ~10 ms).
    uint_ops = sys.modules.get("ember._uint_ops")
    if uint_ops is not None and uint_ops._ORIGINALS and (
            nextitem is None or nextitem.module is not item.module):
        uint_ops.uninstall()
    # A first torch.compile (either library's) turns the distributions'
    # default argument validation off for the process, as PyTorch's dynamo
    # does; the next tests start with it on, as a program that never compiles.
    for name in ("ember.distributions.distribution", "torch.distributions.distribution"):
        module = sys.modules.get(name)
        if module is not None:
            module.Distribution.set_default_validate_args(True)
