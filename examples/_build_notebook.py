"""Build examples/lab05_autograd.ipynb from the notebook's text, lab05_autograd.txt.

    python3 examples/_build_notebook.py            # (re)write the .ipynb
    python3 examples/_build_notebook.py --check    # exit 1 if the .ipynb is stale

The .txt is the original lab as text: markdown paragraphs, and code cells that
each start with a line `In [None]:`. This script turns it into an nbformat v4
notebook (no outputs) and makes the Ember edition of it:

* `import torch` becomes `import ember as torch`;
* the exercise cells Q4-Q10 are answered exactly as examples/lab05_autograd.py
  answers them;
* the cell that indexes `.grad` after `optimizer.zero_grad()` raises TypeError
  (in PyTorch too: the gradients are None since PyTorch 2.0); it is kept as is
  and tagged `raises-exception`, so that a notebook run goes on past it;
* the three cells that plot get `metadata.lab05.plot`, the file name that
  examples/run_lab.py gives their PNG (the same names as lab05_autograd.py);
* after the TinyModel training sections, a markdown and a code cell of its
  own (GRAPH_CELLS) draw the autograd graph of the model's loss, shown as SVG.
  They are notebook-only: lab05_autograd.py must print exactly what the
  original lab prints on PyTorch, and a drawing prints nothing.

Only the standard library is needed; nbformat, when importable, validates the
result. The output is deterministic (fixed cell ids), so --check can compare.
"""

import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SRC = HERE / "lab05_autograd.txt"
DEFAULT_DST = HERE / "lab05_autograd.ipynb"

CODE_MARKER = "In [None]:"
HEADING = re.compile(r"^#{2,6}\s")  # '# Q5. ...' is a code comment; '## Title' is markdown

# Lines (stripped) that the answered exercise no longer needs.
DROP_LINES = {"#DELETE THIS LINE!", "# x.zero_grad() # zero the gradients", "#print(y)"}

# The answers, inserted right after the line that asks the question.
# Code is the same as examples/lab05_autograd.py's "Exercise (Q4-Q10, answered)".
ANSWERS = {
    "# Q4.": ["x = torch.tensor([0., 1., 2., 3., 4.], requires_grad=True)"],
    "# Q5.": ["y = torch.dot(x, x)", "print(y)"],
    "# Q6.": ["y.backward()"],
    "# Q7.": ["print(x.grad)"],
    "# Q8.": ["# Yes: y = x . x = sum(x_i ** 2), so dy/dx = 2x = [0, 2, 4, 6, 8]."],
    "# Q9.": ["plt.plot(x.detach(), x.grad.detach())"],
    "# Q10.": ["# dy/dx = 2x: a straight line through the origin with slope 2."],
}

# Notebook-only cells, inserted before the markdown cell that starts with
# GRAPH_BEFORE (the end of the training sections, where `loss` and `model`
# are the TinyModel's). A graphviz.Digraph as a cell's value shows as SVG.
# Their ids are their own, so that the lab's cells keep theirs.
GRAPH_BEFORE = "## Turning Autograd Off and On"
GRAPH_CELLS = [
    ("markdown", [
        "## Seeing the graph",
        "`loss.backward()` walks back through the graph that the forward pass recorded. "
        "`torch.autograd.graph.to_dot` draws that graph for the last `loss` above: grey boxes "
        "are the backward nodes (each named after a `grad_fn` class), blue ones the "
        "parameters whose `.grad` the backward pass fills (named as in "
        "`model.named_parameters()`), and the green one is `loss` itself. (Rendering needs "
        "Graphviz's `dot` program; without it the cell shows the graph as DOT text.)",
    ], "lab05-graph-text"),
    ("code", [
        "to_dot = getattr(torch.autograd.graph, \"to_dot\", None)",
        "if to_dot is None:  # PyTorch has no drawing of its own: torchviz draws the same",
        "    from torchviz import make_dot as to_dot",
        "",
        "to_dot(loss, params=dict(model.named_parameters()))",
    ], "lab05-graph"),
]

RAISES_MARKER = 'print(f"Layer2 some weights = {model.layer2.weight.grad[0][0:10]}")'
PLOT_NAMES = ["lab05_plot1_sin.png", "lab05_plot2_grad.png", "lab05_plot3_exercise.png"]


def _compiles(lines):
    """Whether these lines are Python (IPython magics and shell lines blanked)."""
    src = "\n".join("" if l.lstrip().startswith(("%", "!")) else l for l in lines)
    try:
        compile(src + "\n", "<cell>", "exec")
    except SyntaxError:
        return False
    return True


def _strip_blank_edges(lines):
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def _blocks(lines):
    """Split lines into runs separated by blank lines: [(leading_blanks, block)]."""
    out, blanks, cur = [], [], []
    for line in lines:
        if line.strip():
            cur.append(line)
        else:
            if cur:
                out.append((blanks, cur))
                blanks, cur = [], []
            blanks.append(line)
    if cur:
        out.append((blanks, cur))
    return out


def parse(text):
    """Parse the lab text into [(kind, [lines])], kind 'markdown' or 'code'.

    After `In [None]:` the first block of lines is code, and so are the
    blocks after it (separated by blank lines) up to the last one with which
    the cell still compiles as Python and has no markdown heading ('## ...').
    What follows is a markdown cell, which runs to the next `In [None]:`.
    """
    segments = []  # [(kind, lines)] before splitting code from trailing prose
    kind, cur = "markdown", []
    for line in text.splitlines():
        if line.strip() == CODE_MARKER:
            segments.append((kind, cur))
            kind, cur = "code", []
        else:
            cur.append(line)
    segments.append((kind, cur))

    cells = []
    for kind, lines in segments:
        if kind == "markdown":
            cells.append(("markdown", lines))
            continue
        blocks = _blocks(lines)
        # The longest run of blocks that is still Python is the code; a class
        # or def may need several blocks before it compiles (blank lines in
        # its body), while prose never compiles, whatever follows it.
        end = 1
        for j in range(len(blocks), 1, -1):
            if any(HEADING.match(l) for _, blk in blocks[1:j] for l in blk):
                continue
            if _compiles([l for b, blk in blocks[:j] for l in b + blk]):
                end = j
                break
        code = [l for b, blk in blocks[:end] for l in b + blk]
        rest = [l for b, blk in blocks[end:] for l in b + blk]
        cells.append(("code", code))
        if rest:
            cells.append(("markdown", rest))
    return [(k, _strip_blank_edges(ls)) for k, ls in cells if _strip_blank_edges(ls)]


def add_graph_cells(cells):
    at = [i for i, (kind, lines) in enumerate(cells)
          if kind == "markdown" and lines[0].strip() == GRAPH_BEFORE]
    if len(at) != 1:
        raise SystemExit(f"the lab text changed? {GRAPH_BEFORE!r} found {len(at)} times "
                         "(expected once)")
    return cells[:at[0]] + GRAPH_CELLS + cells[at[0]:]


def emberize(cells):
    """Apply the Ember edition's edits; return nbformat cell dicts."""
    applied = {q: 0 for q in ANSWERS}
    raises = plots = 0
    out = []
    index = 0
    for kind, lines, *own_id in cells:
        metadata = {}
        if kind == "code":
            new = []
            for line in lines:
                if line.strip() in DROP_LINES:
                    if new and not new[-1].strip():
                        new.pop()  # don't leave two blank lines where it was
                    continue
                if line.strip() == "import torch":
                    line = line.replace("import torch", "import ember as torch")
                new.append(line)
                for q, answer in ANSWERS.items():
                    if re.match(re.escape(q) + r"(\s|$)", re.sub(r"^#Q", "# Q", line)):
                        new.extend(answer)
                        applied[q] += 1
            lines = _strip_blank_edges(new)
            if any(l.strip() == RAISES_MARKER for l in lines):
                metadata["tags"] = ["raises-exception"]
                raises += 1
            if any("plt.plot(" in l for l in lines):
                metadata["lab05"] = {"plot": PLOT_NAMES[plots]}
                plots += 1
        source = "\n".join(lines)
        cell = {
            "cell_type": kind,
            "id": own_id[0] if own_id else f"lab05-{index:02d}",
            "metadata": metadata,
            "source": source.splitlines(keepends=True),
        }
        if kind == "code":
            cell["execution_count"] = None
            cell["outputs"] = []
        out.append(cell)
        index += not own_id

    problems = [f"{q} answered {n} times (expected once)" for q, n in applied.items() if n != 1]
    if raises != 1:
        problems.append(f"raises-exception cell found {raises} times (expected once)")
    if plots != len(PLOT_NAMES):
        problems.append(f"{plots} plotting cells (expected {len(PLOT_NAMES)})")
    if sum("import ember as torch" in "".join(c["source"]) for c in out) != 1:
        problems.append("`import torch` not found exactly once")
    if problems:
        raise SystemExit("the lab text changed? " + "; ".join(problems))
    return out


def build(text):
    nb = {
        "cells": emberize(add_graph_cells(parse(text))),
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    try:
        import nbformat
    except ImportError:
        pass
    else:
        nbformat.validate(nbformat.from_dict(nb))
    # The same layout as nbformat.write, so that saving from Jupyter gives small diffs.
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False, separators=(",", ": ")) + "\n"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--src", type=Path, default=DEFAULT_SRC, help="the lab's text (default: %(default)s)")
    p.add_argument("--out", type=Path, default=DEFAULT_DST, help="the notebook to write (default: %(default)s)")
    p.add_argument("--check", action="store_true", help="don't write; exit 1 if --out differs")
    args = p.parse_args(argv)

    result = build(args.src.read_text(encoding="utf-8"))
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else None
        if current != result:
            print(f"{args.out} is stale: run python3 {Path(__file__).name}", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    args.out.write_text(result, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
