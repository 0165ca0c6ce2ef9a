"""PyTorch's own docstring examples run under Ember print what they print
under PyTorch (tools/doc_examples.py, where torch is importable).

The blocks listed in tools/doc_examples_identical.txt ran identically at the
last `tools/doc_examples.py --write-identical`; each is a test here, so a
change that breaks one names it. Both libraries run every listed block in
one sweep (two subprocesses, about two minutes on two CPUs), shared by the
tests through a module fixture; the xdist group keeps them on one worker.
The oracle is torch's output here and now, never the docstring's text.
"""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import doc_examples  # noqa: E402

pytestmark = [pytest.mark.xdist_group("doc_examples"), pytest.mark.programs]

with open(doc_examples.IDENTICAL_LIST) as _f:
    NAMES = [line.strip() for line in _f if line.strip()]


@pytest.fixture(scope="module")
def swept():
    torch = pytest.importorskip("torch")
    wanted = set(NAMES)
    blocks = [b for b in doc_examples.extract_blocks(torch) if b["name"] in wanted]
    # (a longer timeout than the sweep's: the 3-d examples draw tens of millions
    # of random numbers, slow on a machine busy with other tests)
    return {b["name"]: b for b in doc_examples.sweep(blocks, timeout=180)}


@pytest.mark.parametrize("name", NAMES)
def test_doc_example_as_pytorch_prints_it(swept, name):
    block = swept.get(name)
    if block is None:
        pytest.skip(f"{name}: this torch has no such docstring example")
    assert block["ember"] == block["torch"], (
        "".join(block["source"]) + "\n--- torch\n" + block["torch"]
        + "\n--- ember\n" + block["ember"])


def test_statements_join_bodies_written_with_prompts():
    # PyTorch writes some def bodies with `>>>` rather than `...`: the
    # harness joins them into one statement instead of an IndentationError.
    sources = ["def f(x):\n", "    return x + 1\n", "f(1)\n"]
    assert doc_examples._statements(sources) == ["def f(x):\n    return x + 1\n", "f(1)\n"]
    sources = ["@deco\n", "def f(x):\n    return x\n", "f(1)\n"]
    assert doc_examples._statements(sources) == ["@deco\ndef f(x):\n    return x\n", "f(1)\n"]
