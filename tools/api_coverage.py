#!/usr/bin/env python3
"""How much of PyTorch's public API Ember has, namespace by namespace.

    python3 tools/api_coverage.py                  # the table
    python3 tools/api_coverage.py --missing torch.nn   # what Ember lacks there
    python3 tools/api_coverage.py --write-readme   # the table into README.md
    python3 tools/api_coverage.py --check          # exit 1 if README.md's table is stale
    python3 tools/api_coverage.py --refresh        # re-list PyTorch's names (needs torch)

PyTorch is not a dependency of Ember, so PyTorch's names are listed once, by
--refresh where torch is importable, into torch_api_<version>.json beside this
script (committed). The other modes read that file and inspect the Ember in
this checkout (src/), whatever Ember is installed.

A name is public in PyTorch's module `m` when it does not start with "_", is
not a module (submodules and imported modules are namespaces of their own, or
no API at all), and
  - `m.__all__` lists it, where `m` declares `__all__` (PyTorch's word), or
  - where `m` has no `__all__` (torch.nn, torch.nn.functional, torch.linalg,
    torch.distributed), and in `torch`, whose `__all__` omits names it
    documents (torch.set_default_dtype, torch.unique, torch.strided): it is a
    class, function or torch object (a dtype, a layout) that torch defines:
    its `__module__` (its type's, for an object) is `torch` or under `torch.`,
    in no private module except `torch._C`, where the C++ bindings of
    torch.linalg's and torch.nn.functional's functions live.
That leaves out imported helpers (typing's Optional, functools.wraps, the
`has_torch_function` family, torch.Tensor imported for annotations),
docstring fragments (`common_args`) and flags (`TYPE_CHECKING`). torch.Tensor's
public names are the attributes of the class that do not start with "_".
The committed list is from the CPU build of torch 2.13.0 (PyPI's CUDA build
has one more name, torch.distributed.ProcessGroupNCCL).

Ember has a name when getattr works on its namespace (for Tensor: on the class
or on a tensor), and a namespace Ember lacks counts 0. A name counts even where
Ember supports only part of what PyTorch's does.
"""
import argparse
import importlib
import json
import os
import re
import sys
import types
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
README = os.path.join(ROOT, "README.md")
TORCH_VERSION = "2.13"
DATA = os.path.join(HERE, f"torch_api_{TORCH_VERSION}.json")
START, END = "<!-- api-coverage:start -->", "<!-- api-coverage:end -->"

NAMESPACES = [
    "torch", "torch.Tensor", "torch.nn", "torch.nn.functional", "torch.nn.init",
    "torch.optim", "torch.optim.lr_scheduler", "torch.autograd", "torch.linalg",
    "torch.special", "torch.fft", "torch.func", "torch.distributions",
    "torch.utils.data", "torch.distributed",
]


# --- PyTorch's names (--refresh) ---------------------------------------------

def _defining_module(value):
    """Where `value` is defined: a class's or function's __module__, else its type's."""
    module = getattr(value, "__module__", None) if callable(value) else None
    return module if isinstance(module, str) else type(value).__module__


def _defined_by_torch(value):
    parts = _defining_module(value).split(".")
    private = [p for p in parts[1:] if p.startswith("_")]
    return parts[0] == "torch" and (not private or parts[1] == "_C")


# The __torch_function__ protocol's helpers, which many modules import to use.
_PROTOCOL_HELPERS = {"handle_torch_function", "has_torch_function",
                     "has_torch_function_unary", "has_torch_function_variadic"}


def torch_public_names(module):
    import torch
    declared = getattr(module, "__all__", None)
    names = []
    for name in dir(module):
        if name.startswith("_") or name in _PROTOCOL_HELPERS:
            continue
        try:
            value = getattr(module, name)
        except Exception:       # a lazy attribute that fails to import: not usable API
            continue
        if isinstance(value, types.ModuleType):
            continue
        if declared is not None and name in declared:
            names.append(name)
        elif (declared is None or module is torch) and _defined_by_torch(value) \
                and (value is not torch.Tensor or module is torch):
            names.append(name)
    return sorted(names)


def refresh():
    import torch
    version = torch.__version__.split("+")[0]
    if not version.startswith(TORCH_VERSION + "."):
        raise SystemExit(f"api_coverage: torch is {torch.__version__}, not {TORCH_VERSION}: "
                         "change TORCH_VERSION (and README's references) to list another")
    api = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # deprecated names warn when looked up
        for ns in NAMESPACES:
            if ns == "torch.Tensor":
                api[ns] = sorted(n for n in dir(torch.Tensor) if not n.startswith("_"))
            else:
                api[ns] = torch_public_names(importlib.import_module(ns))
    with open(DATA, "w") as f:
        # A name a line, so that a refresh's diff shows what changed.
        json.dump({"torch_version": version, "namespaces": api}, f, indent=0)
        f.write("\n")
    print(f"wrote {os.path.relpath(DATA, ROOT)}: PyTorch {version}, "
          f"{sum(map(len, api.values()))} names")


# --- Ember's side --------------------------------------------------------------

def load_torch_api(path=DATA):
    with open(path) as f:
        return json.load(f)


def _import_ember():
    src = os.path.join(ROOT, "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    import ember
    if not os.path.abspath(ember.__file__).startswith(src + os.sep):
        raise SystemExit(f"api_coverage: imported ember from {ember.__file__}, not {src}")
    return ember


def ember_namespace(ns):
    """Ember's object for PyTorch's namespace `ns`, or None if Ember lacks it."""
    ember = _import_ember()
    if ns == "torch":
        return ember
    if ns == "torch.Tensor":
        return ember.Tensor
    try:
        return importlib.import_module("ember" + ns[len("torch"):])
    except ModuleNotFoundError as exc:
        if exc.name and ("ember" + ns[len("torch"):]).startswith(exc.name):
            return None
        raise


def _has(obj, name):
    try:
        getattr(obj, name)
        return True
    except Exception:           # AttributeError, or a property that fails on the class
        return False


def ember_has(ns, names):
    """The subset of `names` (PyTorch's names in `ns`) that Ember has."""
    obj = ember_namespace(ns)
    if obj is None:
        return set()
    # An attribute that warns when read is there all the same, also where
    # warnings are errors (the test suite).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        have = {n for n in names if _has(obj, n)}
        if ns == "torch.Tensor":    # attributes set per tensor (e.g. in __init__)
            t = _import_ember().zeros(2, 2)
            have |= {n for n in names if n not in have and _has(t, n)}
    return have


# Names that only make sense for quantization, sparse layouts, CUDA and the
# vendor kernels (cuDNN, MIOpen, mkldnn, fbgemm), or for TorchScript's
# compiler: out of Ember's scope, so not counted (--missing still lists them).
OUT_OF_SCOPE = re.compile(
    r"quantiz|^q_|qint|quint|qscheme|per_channel|per_tensor|int_repr|dequantize"
    r"|sparse|spmm|^smm$|^saddmm$|^dsmm$|^hsmm$|coalesce|crow_indices|ccol_indices"
    r"|col_indices|row_indices|^indices|^values_copy$|_bsr|_bsc|_csr|_csc|_coo"
    r"|cuda|cudnn|miopen|mkldnn|fbgemm|vulkan|^is_ipu$|^ipu$|^xpu$|^is_xpu$|^mtia$|^hpu$"
    # TorchScript's IR, type system and C++ serialization classes (torch._C)
    r"|^(AliasDb|AnyType|Argument|ArgumentSpec|AwaitType|Block|BoolType|CallStack|Capsule"
    r"|ClassType|Code|CompilationUnit|CompleteArgumentSpec|ComplexType|ConcreteModuleType"
    r"|ConcreteModuleTypeBuilder|DeepCopyMemoTable|DeserializationStorageContext"
    r"|DeviceObjType|DictType|EnumType|ErrorReport|ExecutionPlan|FileCheck|FloatType"
    r"|FunctionSchema|FutureType|Gradient|Graph|GraphExecutorState|IODescriptor|InferredType"
    r"|IntType|InterfaceType|JITException|ListType|LiteScriptModule|LockingLogger|LoggerBase"
    r"|NoneType|NoopLogger|NumberType|OperatorInfo|OptionalType|PyObjectType"
    r"|PyTorchFileReader|PyTorchFileWriter|RRefType|ScriptClass|ScriptClassFunction"
    r"|ScriptDict|ScriptDictIterator|ScriptDictKeyIterator|ScriptFunction|ScriptList"
    r"|ScriptListIterator|ScriptMethod|ScriptModule|ScriptModuleSerializer|ScriptObject"
    r"|ScriptObjectProperty|SerializationStorageContext|StaticModule|StreamObjType"
    r"|StringType|SymBoolType|SymIntType|TensorType|ThroughputBenchmark|TracingState"
    r"|TupleType|Type|UnionType|Use|Value|import_ir_module|import_ir_module_from_buffer"
    r"|parse_ir|parse_schema|parse_type_comment|merge_type_from_type_comment)$")


def in_scope(names):
    return [n for n in names if not OUT_OF_SCOPE.search(n)]


def coverage(api=None):
    """[(namespace, Ember's count, PyTorch's count)] in NAMESPACES order,
    over the names in scope."""
    api = api or load_torch_api()["namespaces"]
    return [(ns, len(ember_has(ns, in_scope(api[ns]))), len(in_scope(api[ns])))
            for ns in NAMESPACES if ns in api]


def table(rows=None, torch_version=None):
    rows = coverage() if rows is None else rows
    torch_version = torch_version or load_torch_api()["torch_version"]
    lines = [f"| namespace | names Ember has | of PyTorch {torch_version}'s in scope | share |",
             "| --- | ---: | ---: | ---: |"]
    for ns, have, total in rows:
        pct = f"{100 * have / total:.0f}%" if total else "-"
        lines.append(f"| `{ns}` | {have} | {total} | {pct} |")
    have, total = sum(r[1] for r in rows), sum(r[2] for r in rows)
    lines.append(f"| all | {have} | {total} | {100 * have / total:.0f}% |")
    return "\n".join(lines)


def readme_section(text):
    """The text between README's markers, or None if the markers are absent."""
    m = re.search(re.escape(START) + r"\n(.*?)" + re.escape(END), text, re.S)
    return None if m is None else m.group(1)


def with_table(text, tbl):
    if readme_section(text) is None:
        raise SystemExit(f"api_coverage: README.md lacks the markers {START} ... {END}")
    return re.sub(re.escape(START) + r"\n.*?" + re.escape(END),
                  lambda _: f"{START}\n{tbl}\n{END}", text, count=1, flags=re.S)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    g = p.add_mutually_exclusive_group()
    g.add_argument("--refresh", action="store_true",
                   help=f"list PyTorch's public names into {os.path.basename(DATA)} (needs torch)")
    g.add_argument("--missing", metavar="NAMESPACE",
                   help="list PyTorch's names in NAMESPACE (e.g. torch.nn) that Ember lacks")
    g.add_argument("--write-readme", action="store_true",
                   help="rewrite README.md's table between its api-coverage markers")
    g.add_argument("--check", action="store_true",
                   help="exit 1 if README.md's table differs from this script's")
    args = p.parse_args(argv)

    if args.refresh:
        refresh()
        return 0
    if args.missing:
        api = load_torch_api()["namespaces"]
        if args.missing not in api:
            p.error(f"unknown namespace {args.missing!r}; one of: {', '.join(api)}")
        names = api[args.missing]
        missing = sorted(set(names) - ember_has(args.missing, names))
        print("\n".join(missing))
        print(f"({len(missing)} of {len(names)} missing)", file=sys.stderr)
        return 0
    tbl = table()
    if args.write_readme or args.check:
        with open(README) as f:
            text = f.read()
        new = with_table(text, tbl)
        if args.check:
            if new != text:
                print("api_coverage: README.md's table is out of date: "
                      "run python3 tools/api_coverage.py --write-readme", file=sys.stderr)
                return 1
            return 0
        if new != text:
            with open(README, "w") as f:
                f.write(new)
        print("README.md:", "updated" if new != text else "already up to date")
        return 0
    print(tbl)
    return 0


if __name__ == "__main__":
    sys.exit(main())
