"""Processes a PyTorch script starts get Ember too: torch.multiprocessing.spawn's
children under `python -m ember.run`, and every rank under
`python -m ember.distributed.run` (torchrun's launcher's place)."""
import os
import subprocess
import sys
import textwrap

import pytest

# Whole programs in subprocesses (CI's Python 3.10 run leaves them out: .ci/run)
pytestmark = pytest.mark.programs

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(os.path.dirname(HERE), "src")


def _env():
    path = os.pathsep.join(filter(None, [SRC, HERE, os.environ.get("PYTHONPATH")]))
    return dict(os.environ, PYTHONPATH=path, OMP_NUM_THREADS="1")


def _run(args, tmp_path, source):
    script = tmp_path / "s.py"
    script.write_text(textwrap.dedent(source))
    return subprocess.run([sys.executable, "-m", *args, str(script)], cwd=tmp_path,
                          env=_env(), capture_output=True, text=True, timeout=120)


SPAWN = """
    import torch
    import torch.multiprocessing as mp

    def work(i, q):
        q.put((i, torch.__name__, torch.__spec__.origin, repr(torch.ones(2) * i)))

    if __name__ == "__main__":
        ctx = mp.get_context("spawn")
        q = ctx.SimpleQueue()
        mp.spawn(work, args=(q,), nprocs=2)
        for item in sorted(q.get() for _ in range(2)):
            print(*item)
"""


def test_spawned_children_run_on_ember(tmp_path):
    proc = _run(["ember.run"], tmp_path, SPAWN)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 2
    for i, line in enumerate(lines):
        index, name, origin, value = line.split(" ", 3)
        assert (index, name) == (str(i), "ember")    # torch is the ember module itself
        assert origin == os.path.join(SRC, "ember", "__init__.py")
        assert value == f"tensor([{i}., {i}.])"


def test_spawned_children_of_a_plain_process_are_left_alone(tmp_path):
    """Only use_as_torch() hooks the children: a process that never called it
    sends nothing extra."""
    import multiprocessing.spawn as mp_spawn
    assert "ember_use_as_torch" not in mp_spawn.get_preparation_data("x")


def test_launched_ranks_run_on_ember(tmp_path):
    pytest.importorskip("mpi4py")
    from _mpi import require_mpi
    require_mpi()
    proc = _run(["ember.distributed.run", "--nproc-per-node", "2"], tmp_path, """
        import torch
        import torch.distributed as dist
        dist.init_process_group("gloo")
        t = torch.tensor([dist.get_rank() + 1.0])
        dist.all_reduce(t)
        print(dist.get_rank(), torch.__spec__.origin, t)
        dist.destroy_process_group()
    """)
    assert proc.returncode == 0, proc.stderr
    origin = os.path.join(SRC, "ember", "__init__.py")
    assert sorted(proc.stdout.splitlines()) == [f"{r} {origin} tensor([3.])" for r in (0, 1)]


def test_spawned_process_cannot_join_an_mpi_world():
    """A process MPI did not start is a world of one: init_process_group says
    so and names the launcher that works."""
    pytest.importorskip("mpi4py")
    code = ("import ember.distributed as d\n"
            "try:\n    d.init_process_group('gloo', rank=0, world_size=2)\n"
            "except ValueError as e:\n    print(e)\n")
    env = {k: v for k, v in _env().items() if not k.startswith(("OMPI_", "PMIX_"))}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("init_process_group: world_size=2 does not match the MPI "
                                  "communicator, where world_size is 1. This process was not "
                                  "started by MPI")
    assert "python -m ember.distributed.run --nproc-per-node 2 script.py" in proc.stdout


def test_launched_ember_script_keeps_embers_names(tmp_path):
    """The launcher makes torch mean Ember at the first `import torch`: a script
    that imports only ember prints ember.float32, not torch.float32."""
    pytest.importorskip("mpi4py")
    from _mpi import require_mpi
    require_mpi()
    proc = _run(["ember.distributed.run", "--nproc-per-node", "1"], tmp_path, """
        import sys
        import ember
        print(ember.float32, "torch" in sys.modules)
    """)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "ember.float32 False\n"


def test_submodule_import_keeps_the_function_of_the_same_name(tmp_path):
    """torch.multiprocessing.spawn is a function and a module; importing the
    module leaves the function in place, as in PyTorch."""
    proc = _run(["ember.run"], tmp_path, """
        from torch.multiprocessing.spawn import ProcessRaisedException
        import torch.multiprocessing as mp
        import torch.multiprocessing.spawn
        print(callable(mp.spawn), ProcessRaisedException.__name__)
    """)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "True ProcessRaisedException\n"
