#!/usr/bin/env python3
"""Run PyTorch's own docstring examples under PyTorch and under Ember; diff.

    python tools/doc_examples.py                      # the whole sweep
    python tools/doc_examples.py --only torch.topk    # blocks whose name starts so
    python tools/doc_examples.py --list               # block names, nothing run
    python tools/doc_examples.py --json out.json      # every block's two outputs
    python tools/doc_examples.py --show-identical     # also list identical blocks
    python tools/doc_examples.py --write-identical    # refresh IDENTICAL_LIST

PyTorch's docstrings are what a learner copies, so they are a free test suite
whose oracle is PyTorch itself: we never compare with the `want` text printed
in the docstring (often stale or hand-edited), only with what torch prints
when the same block runs here.

The parent process imports the real torch only to read docstrings; each block
is then run in two child processes, one per library (`--child` mode): the
Ember child calls ember's use_as_torch() - the mechanism `python -m ember.run`
uses - before anything imports torch, so `import torch` inside a block and the
prebound `torch`, `nn`, `F` are Ember's. The children run in parallel (two
CPUs); a child that dies (segfault, runaway memory) is restarted after the
block it died in, which is reported as "crashed".
"""
import argparse
import contextlib
import doctest
import inspect
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import traceback
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIMEOUT_S = 20
# The blocks Ember ran identically at the last --write-identical: the
# regression list tests/test_doc_examples.py runs again (where torch is).
IDENTICAL_LIST = os.path.join(ROOT, "tools", "doc_examples_identical.txt")
# Blocks seen identical in some sweeps only, kept off that list: float32
# LAPACK results compared with allclose (True one run, False another: the
# last bits differ from PyTorch's), and 3-d paddings of a 59M-element randn
# that Ember draws in ~7 s, past TIMEOUT_S on a loaded machine.
UNSTABLE = {"torch.cholesky#1", "torch.linalg.solve#1", "torch.linalg.solve_triangular#1",
            "torch.linalg.lu_solve#1", "torch.nn.CircularPad3d#1",
            "torch.nn.ReplicationPad3d#1", "torch.nn.ConvTranspose3d#1"}

# Where the examples live: module -> also walk each class's methods.
MODULES = ["torch", "torch.Tensor", "torch.nn.functional", "torch.nn",
           "torch.nn.init", "torch.linalg", "torch.special", "torch.fft",
           "torch.functional", "torch.optim", "torch.optim.lr_scheduler",
           "torch.autograd", "torch.autograd.functional", "torch.func",
           "torch.nn.utils", "torch.nn.utils.rnn", "torch.distributions",
           "torch.utils.data", "torch.random", "torch.testing",
           "torch.nn.utils.parametrizations", "torch.nn.utils.parametrize",
           "torch.nn.utils.prune", "torch.nn.utils.stateless", "torch.nn.attention",
           "torch.autograd.forward_ad", "torch.autograd.graph", "torch.autograd.profiler",
           "torch.signal.windows", "torch.utils.checkpoint", "torch.optim.swa_utils",
           "torch.overrides", "torch.serialization", "torch.distributions.constraints",
           "torch.masked", "torch.library"]

# A block that needs one of these can't run on a CPU-only NumPy library, or
# tests machinery outside Ember's scope: reported as skipped, with the reason.
SKIP_PATTERNS = [
    (r"\bcuda\b|\.cuda\(|device=['\"]cuda|torch\.device\(['\"]cuda|\bmps\b", "needs CUDA/MPS"),
    (r"sparse|\bto_sparse|\bcoo\b|\bcsr\b|\bcsc\b|\bbsr\b|\bbsc\b", "sparse layout"),
    (r"quantiz|\bqint|\bquint|\bq_scale|\bq_zero", "quantization"),
    (r"torch\.jit|@script\b|torchscript", "torch.jit"),
    (r"torch\.compile|_dynamo|_inductor|torch\.export|torch\.fx\b", "torch.compile internals"),
    (r"https?://|download|load_state_dict_from_url|torch\.hub", "network download"),
    (r"torch\.distributed|init_process_group", "distributed"),
    (r"REQUIRES\(env:TORCH_DOCTEST_(CUDA|HUB|DISTRIBUTED)", "requires env"),
    (r"REQUIRES\(module:", "requires extra module"),
    (r"\bnested_tensor\b|torch\.nested", "nested tensors"),
    (r"\bmeta\b['\"]|device=['\"]meta", "meta device"),
]


# ---------------------------------------------------------------- extraction
def _objects(torch):
    """(qualified name, object) for every public object under MODULES, then
    their classes' methods: an object shared by several names (an alias, a
    class attribute like LazyLinear.cls_to_become) is named by its module
    first, since extract_blocks keeps each docstring's first name."""
    import importlib
    members = []
    for modname in MODULES:
        if modname == "torch.Tensor":
            mod = torch.Tensor
        else:
            try:
                mod = importlib.import_module(modname)
            except ImportError:
                continue
        yield modname, mod
        for name in sorted(dir(mod)):
            if name.startswith("_"):
                continue
            try:
                obj = getattr(mod, name)
            except Exception:  # noqa: BLE001 - a lazy attribute that fails
                continue
            if inspect.ismodule(obj):
                continue
            qual = f"{modname}.{name}"
            yield qual, obj
            if inspect.isclass(obj) and modname != "torch.Tensor":
                members += [(f"{qual}.{m}", v) for m, v in sorted(vars(obj).items())
                            if not m.startswith("_") and callable(v)]
    yield from members


def extract_blocks(torch):
    """[{name, source}] - a block is a run of consecutive examples in one
    docstring (doctest's parser: prose between examples ends a block; an
    example's printed output does not)."""
    parser = doctest.DocTestParser()
    blocks, seen = [], set()
    for qual, obj in _objects(torch):
        doc = getattr(obj, "__doc__", None)
        if not isinstance(doc, str) or ">>>" not in doc or doc in seen:
            continue
        seen.add(doc)
        try:
            parts = parser.parse(doc)
        except ValueError:  # malformed indentation in the docstring
            continue
        current, n = [], 0
        for part in parts + [None]:  # None: the docstring's end
            if isinstance(part, doctest.Example):
                current.append(part.source)
            elif current and (part is None or part.strip()):
                n += 1
                blocks.append({"name": f"{qual}#{n}", "source": current})
                current = []
    return blocks


def skip_reason(block):
    text = "".join(block["source"])
    for pattern, reason in SKIP_PATTERNS:
        if re.search(pattern, text, re.IGNORECASE):
            return reason
    return None


# -------------------------------------------------------------- child mode
class _Timeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise _Timeout(f"block ran past {TIMEOUT_S} s")


_INCOMPLETE = ("expected an indented block", "was never closed",
               "unexpected EOF", "unterminated triple-quoted")


def _statements(sources):
    """Doctest examples regrouped into statements that compile on their own:
    many PyTorch docstrings write a def's or a loop's body with `>>>` instead
    of `...` (xdoctest accepts that), so an indented example joins the one
    before it, and an example that is an incomplete statement joins the next."""
    merged = []
    for src in sources:
        if merged and src[:1].isspace():
            merged[-1] += src
        else:
            merged.append(src)
    out, pending = [], ""
    for src in merged:
        pending += src
        if pending.lstrip().startswith("@") and "def " not in pending \
                and "class " not in pending:
            continue    # a decorator written on its own `>>>` line: the def follows
        try:
            compile(pending, "<doc>", "single")
        except SyntaxError as exc:
            if any(m in str(exc) for m in _INCOMPLETE):
                continue
        out.append(pending)
        pending = ""
    if pending:
        out.append(pending)
    return out


def _reset_globals(torch):
    """Undo what an earlier block set process-wide (use_deterministic_algorithms,
    set_default_dtype, set_printoptions ...), so each block starts as a fresh
    interpreter would; a setter a library lacks is passed over."""
    for setter, arg in (("use_deterministic_algorithms", False),
                        ("set_default_dtype", torch.float32),
                        ("set_grad_enabled", True),
                        ("set_default_device", None)):
        with contextlib.suppress(Exception):
            getattr(torch, setter, None) and getattr(torch, setter)(arg)
    with contextlib.suppress(Exception):
        torch.set_printoptions(profile="default", sci_mode=None)
    with contextlib.suppress(Exception):
        torch.autograd.set_detect_anomaly(False)
    with contextlib.suppress(Exception):
        torch.serialization.clear_safe_globals()    # (add_safe_globals' list)


def _run_block(torch, sources):
    """The block's output as the interactive prompt shows it: each statement
    compiled in 'single' mode (an expression's repr is printed through
    sys.displayhook). An exception prints as `Type: first line of message`
    (tracebacks differ between libraries; the error shouldn't) and the block
    goes on, as doctest does, so one missing name hides nothing after it."""
    ns = {"torch": torch, "nn": torch.nn, "F": torch.nn.functional,
          "__name__": "__doc_example__"}
    out = io.StringIO()
    _reset_globals(torch)
    torch.manual_seed(0)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for src in _statements(sources):
            try:
                code = compile(src, "<doc>", "single")
                signal.alarm(TIMEOUT_S)
                try:
                    exec(code, ns)
                finally:
                    signal.alarm(0)
            except _Timeout as exc:
                print(f"TIMEOUT: {exc}")
                break  # the rest would wait on what timed out
            except BaseException as exc:  # noqa: BLE001 - what doctest shows
                if isinstance(exc, KeyboardInterrupt):
                    raise
                msg = str(exc).strip().splitlines()
                print(f"{type(exc).__name__}: {msg[0] if msg else ''}")
    return out.getvalue()


def child_main(lib, path_in, path_out, start):
    if lib == "ember":
        sys.path.insert(0, os.path.join(ROOT, "src"))
        import ember
        ember.use_as_torch()  # as `python -m ember.run` does, before any torch import
    import torch
    signal.signal(signal.SIGALRM, _on_alarm)
    with open(path_in) as f:
        blocks = json.load(f)
    with open(path_out, "a") as out:
        for i in range(start, len(blocks)):
            # written before running, so the parent knows which block killed us
            out.write(json.dumps({"i": i, "start": True}) + "\n")
            out.flush()
            try:
                text = _run_block(torch, blocks[i]["source"])
            except BaseException:  # noqa: BLE001 - our own bug, keep going
                text = "HARNESS: " + traceback.format_exc(limit=1)
            out.write(json.dumps({"i": i, "out": text}) + "\n")
            out.flush()


# ------------------------------------------------------------- parent mode
def _run_lib(lib, blocks, workdir, timeout):
    """{index: output} for one library, restarting the child after a crash."""
    path_in = os.path.join(workdir, "blocks.json")
    path_out = os.path.join(workdir, f"{lib}.jsonl")
    results, start = {}, 0
    while start < len(blocks):
        cmd = [sys.executable, os.path.abspath(__file__), "--child", lib,
               path_in, path_out, str(start), "--timeout", str(timeout)]
        # cwd: a scratch directory per library, so that an example that
        # saves a file (torch.save(x, "tensor.pt")) and reads it back runs,
        # without racing the other library's child
        cwd = os.path.join(workdir, lib)
        os.makedirs(cwd, exist_ok=True)
        env = dict(os.environ, PYTHONHASHSEED="0", OMP_NUM_THREADS="1")
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
        last_started = None
        with open(path_out) as f:
            for line in f:
                rec = json.loads(line)
                if rec.get("start"):
                    last_started = rec["i"]
                else:
                    results[rec["i"]] = rec["out"]
        if last_started is None or last_started in results:
            if proc.returncode != 0 and len(results) < len(blocks):
                results.setdefault(start, f"CRASHED before start: {proc.stderr[-300:]}")
                start += 1
                continue
            break
        results[last_started] = f"CRASHED: exit {proc.returncode} {proc.stderr[-300:]}"
        start = last_started + 1
    return results


def _normalise(text):
    """Memory addresses and object ids differ between any two runs."""
    return re.sub(r"0x[0-9a-fA-F]{6,}", "0x?", text)


def sweep(blocks, timeout=TIMEOUT_S):
    """Run the blocks not skipped under both libraries (`timeout` seconds a
    block at most); each gets its two outputs and a status."""
    from concurrent.futures import ThreadPoolExecutor
    runnable = [b for b in blocks if not b.get("skip")]
    with tempfile.TemporaryDirectory() as workdir:
        with open(os.path.join(workdir, "blocks.json"), "w") as f:
            json.dump(runnable, f)
        with ThreadPoolExecutor(2) as pool:
            futs = {lib: pool.submit(_run_lib, lib, runnable, workdir, timeout)
                    for lib in ("torch", "ember")}
            res = {lib: fut.result() for lib, fut in futs.items()}
    for i, b in enumerate(runnable):
        b["torch"], b["ember"] = res["torch"].get(i, ""), res["ember"].get(i, "")
        if b["torch"] == b["ember"]:
            b["status"] = "identical"
        elif _normalise(b["torch"]) == _normalise(b["ember"]):
            b["status"] = "noise"
        else:
            b["status"] = "differing"
    return blocks


def _first_diff(a, b):
    """The first differing line pair, short: the listing's one-line summary."""
    la, lb = a.splitlines(), b.splitlines()
    for k in range(max(len(la), len(lb))):
        x = la[k] if k < len(la) else "<end>"
        y = lb[k] if k < len(lb) else "<end>"
        if x != y:
            return f"line {k + 1}: torch {x.strip()[:90]!r} | ember {y.strip()[:90]!r}"
    return "(whitespace)"


def main(argv=None):
    global TIMEOUT_S    # (a child's: --timeout)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", default=[],
                    help="run only blocks whose name starts with this (repeatable)")
    ap.add_argument("--list", action="store_true", help="list blocks, run nothing")
    ap.add_argument("--json", help="write every block and both outputs here")
    ap.add_argument("--show-identical", action="store_true")
    ap.add_argument("--full", action="store_true", help="print full outputs of differing blocks")
    ap.add_argument("--write-identical", action="store_true",
                    help=f"write the identical blocks' names to {os.path.basename(IDENTICAL_LIST)}")
    ap.add_argument("--timeout", type=int, default=TIMEOUT_S, help="seconds a block at most")
    ap.add_argument("--child", nargs=4, metavar=("LIB", "IN", "OUT", "START"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        TIMEOUT_S = args.timeout
        lib, path_in, path_out, start = args.child
        return child_main(lib, path_in, path_out, int(start))

    import torch
    blocks = extract_blocks(torch)
    if args.only:
        blocks = [b for b in blocks
                  if any(b["name"] == o or b["name"].startswith(o + "#")
                         or b["name"].startswith(o + ".") for o in args.only)]
    for b in blocks:
        b["skip"] = skip_reason(b)
    if args.list:
        for b in blocks:
            print(b["name"], f"(skipped: {b['skip']})" if b["skip"] else "")
        return 0
    sweep(blocks, args.timeout)
    by = {s: [b for b in blocks if b.get("status") == s]
          for s in ("identical", "noise", "differing")}
    skipped = [b for b in blocks if b["skip"]]
    for b in by["differing"]:
        print(f"DIFF {b['name']}: {_first_diff(b['torch'], b['ember'])}")
        if args.full:
            print("  --- torch\n" + _indent(b["torch"]) + "\n  --- ember\n" + _indent(b["ember"]))
    for b in by["noise"]:
        print(f"NOISE {b['name']} (addresses only)")
    for b in skipped:
        print(f"SKIP {b['name']}: {b['skip']}")
    if args.show_identical:
        for b in by["identical"]:
            print(f"SAME {b['name']}")
    print(f"\nblocks: {len(blocks)}  run: {len(blocks) - len(skipped)}  "
          f"identical: {len(by['identical'])}  differing: {len(by['differing'])}  "
          f"noise-only: {len(by['noise'])}  skipped: {len(skipped)}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(blocks, f, indent=1)
    if args.write_identical:
        with open(IDENTICAL_LIST, "w") as f:
            f.writelines(b["name"] + "\n" for b in by["identical"] if b["name"] not in UNSTABLE)
    return 0


def _indent(text):
    return "\n".join("    " + line for line in text.splitlines())


if __name__ == "__main__":
    sys.exit(main())
