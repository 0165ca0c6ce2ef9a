"""nn.Module mechanics compared with PyTorch, class by class and case by case.

Every module class both libraries have is built with small valid arguments
(and some with non-default ones) and looked at as a Module: repr, extra_repr,
containers nesting it, state_dict (keys, order, dtypes, shapes, _metadata,
keep_vars, prefix), parameters and buffers, __dict__ order, conversions,
copies, pickles, torch.save, load_state_dict and its errors. The API cases
(module_api_cases*.py) cover registration rules, lookup, hooks, containers.

Each outcome is normalised the same way in both libraries (addresses
masked, "torch" read as "ember"); an error is an outcome too: its type and
whole message. Warnings raised on the way are part of the outcome."""
import copy
import io
import pickle
import re
import warnings

import pytest

import ember
import module_api_cases
import module_api_cases_containers
import module_api_cases_convert
import module_api_cases_extra
import module_api_cases_hooks
import module_api_cases_lazy
import module_api_cases_state
import module_api_cases_subclass
import module_api_cases_utils
import module_hook_cases
from module_ctor_cases import ctors, variants

torch = pytest.importorskip("torch")


# PyTorch's CUDA build (CI's on Python 3.10 and 3.13) refuses a GPU with its own
# words where the CPU build (and Ember, built like it) says there is none
_NO_GPU = re.compile(r"!\w+: (Found no NVIDIA driver on your system[^'\"]*|Torch not compiled "
                     r"with CUDA enabled|Cannot access accelerator device when none is "
                     r"available\.)")
_CUDA_BUILD = torch.backends.cuda.is_built()


def _normalise(value):
    text = re.sub(r"0x[0-9a-f]+", "0xADDR", str(value)).replace("torch", "ember")
    return _NO_GPU.sub("!<no GPU>", text) if _CUDA_BUILD else text


def _outcome(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = fn()
        except Exception as exc:    # noqa: BLE001 - the error is what is compared
            result = f"!{type(exc).__name__}: {exc}"
    # (a TORCH_WARN_ONCE warning shows once per process in either library:
    # whether this case sees it depends on the tests run before it)
    said = [f"{w.category.__name__}: {w.message}" for w in caught
            if not str(w.message).startswith(_ONCE_PER_PROCESS)]
    return _normalise(result), _normalise(said)


_ONCE_PER_PROCESS = ("Casting complex values to real discards the imaginary part",)


def _same(outcomes):
    """outcomes(T) -> [(label, thunk)]: each label's outcome agrees."""
    found = {}
    for T in (torch, ember):
        found[T] = [(label, _outcome(fn)) for label, fn in outcomes(T)]
    mismatched = [f"{label}:\n  ember: {e}\n  torch: {t}"
                  for (label, e), (_, t) in zip(found[ember], found[torch]) if e != t]
    assert not mismatched, "\n".join(mismatched)


# -- every class as a Module ---------------------------------------------------
def _tdesc(v):
    return None if v is None else f"{type(v).__name__}/{v.dtype}/{tuple(v.shape)}/{v.requires_grad}"


def _entries(named):
    return [(k, _tdesc(v)) for k, v in named]


def _saved(T, m):
    buf = io.BytesIO()
    T.save(m, buf)
    buf.seek(0)
    loaded = T.load(buf, weights_only=False)
    return repr(loaded), list(loaded.state_dict())


def _load_renamed(T, m, strict):
    sd = {k + "x": v for k, v in m.state_dict().items()}
    sd["zz"] = T.zeros(1)
    return m.load_state_dict(sd, strict=strict)


def _load_assigned(m, other):
    sd = {k: v.double() if v.is_floating_point() else v for k, v in other.state_dict().items()}
    m.load_state_dict(sd, assign=True)
    return list(m.state_dict(keep_vars=True))


def _module_outcomes(T, make):
    nn = T.nn

    def m():
        T.manual_seed(0)
        return make(T)

    def converted(how):
        return lambda: _entries(how(m()).state_dict(keep_vars=True).items())

    return [
        ("repr", lambda: repr(m())),
        ("extra_repr", lambda: m().extra_repr()),
        ("Sequential", lambda: str(nn.Sequential(m(), m(), m(), nn.ReLU(), m()))),
        ("ModuleList", lambda: str(nn.ModuleList([m(), m()]))),
        ("ModuleDict", lambda: str(nn.ModuleDict({"a": m(), "b": nn.Identity()}))),
        ("state_dict", lambda: _entries(m().state_dict().items())),
        ("_metadata", lambda: dict(m().state_dict()._metadata)),
        ("keep_vars prefix", lambda: _entries(m().state_dict(keep_vars=True, prefix="p.").items())),
        ("named_parameters", lambda: _entries(m().named_parameters())),
        ("named_buffers", lambda: _entries(m().named_buffers())),
        ("non-persistent", lambda: sorted(m()._non_persistent_buffers_set)),
        ("named_modules", lambda: [(k, type(v).__name__) for k, v in m().named_modules(prefix="x")]),
        ("named_children", lambda: [(k, type(v).__name__) for k, v in m().named_children()]),
        ("__dict__", lambda: list(m().__dict__)),
        ("double", converted(lambda x: x.double())),
        ("half", converted(lambda x: x.half())),
        ("bfloat16", converted(lambda x: x.bfloat16())),
        ("to(float64)", converted(lambda x: x.to(T.float64))),
        ("to(tensor)", converted(lambda x: x.to(T.zeros(1, dtype=T.float64)))),
        ("type", converted(lambda x: x.type(T.float64))),
        ("cuda", lambda: m().cuda()),
        ("requires_grad_", lambda: _entries(m().requires_grad_(False).named_parameters())),
        ("eval", lambda: [(k, v.training) for k, v in m().eval().named_modules()]),
        ("deepcopy", lambda: (repr(copy.deepcopy(m())), list(copy.deepcopy(m()).state_dict()))),
        ("pickle", lambda: (repr(pickle.loads(pickle.dumps(m()))),
                            list(pickle.loads(pickle.dumps(m())).__dict__))),
        ("save", lambda: _saved(T, m())),
        ("load", lambda: m().load_state_dict(m().state_dict())),
        ("load strict=False", lambda: _load_renamed(T, m(), False)),
        ("load strict", lambda: _load_renamed(T, m(), True)),
        ("load shapes", lambda: m().load_state_dict({k: T.zeros(7, 1) for k in m().state_dict()})),
        ("load assign", lambda: _load_assigned(m(), m())),
        ("dir", lambda: [k for k in dir(m()) if not k.startswith("_")]),
        ("zero_grad", lambda: m().zero_grad()),
        ("call()", lambda: m()()),
        ("call(7 tensors)", lambda: m()(*[T.ones(1)] * 7)),
        ("call(foo=)", lambda: m()(foo=1)),
        ("call(str)", lambda: m()("x")),
        ("extra_repr(1)", lambda: m().extra_repr(1)),
        ("qualnames", lambda: [_qualname(type(m()), name) for name in _OWNED]),
        ("isinstance", lambda: _instance_of(nn, m())),
        ("__deprecated__", lambda: getattr(type(m()), "__deprecated__", None)),
    ]


# Methods whose qualified name a user meets (in a bad call's TypeError, a repr)
_OWNED = ("__init__", "__new__", "__call__", "_call_impl", "forward", "extra_repr",
          "_check_input_dim", "reset_parameters", "_conv_forward", "__setstate__",
          "_fill_padding_idx_with_zero", "_sa_block", "_ff_block", "register_module", "__rmul__")


def _instance_of(nn, module):
    return [n for n in _CLASSES if isinstance(module, getattr(nn, n))]


def _qualname(cls, name):
    f = getattr(cls, name, None)
    q = getattr(f, "__qualname__", None) if callable(f) else None
    # (importing torch._dynamo, as torch.compile's tests do, patches
    # Module.__init__ and __setstate__ for the rest of the process)
    patched = "install_generation_tagging_init.<locals>.patched_"
    return "Module.__" + q[len(patched):] + "__" if q and q.startswith(patched) else q


_CLASSES = sorted(ctors(torch.nn, torch))
_VARIANTS = [name for name, _ in variants(torch.nn, torch)]


@pytest.mark.parametrize("name", _CLASSES)
def test_module_class_mechanics_vs_torch(name):
    _same(lambda T: _module_outcomes(T, lambda T: ctors(T.nn, T)[name]()))


def _variant(T, name):
    return dict(variants(T.nn, T))[name]()


@pytest.mark.parametrize("name", _VARIANTS)
def test_module_variant_repr_and_state_vs_torch(name):
    def outcomes(T):
        nn = T.nn

        def m():
            T.manual_seed(0)
            return _variant(T, name)
        return [
            ("repr", lambda: repr(m())),
            ("state_dict", lambda: _entries(m().state_dict().items())),
            ("_metadata", lambda: dict(m().state_dict()._metadata)),
            ("named_parameters", lambda: _entries(m().named_parameters())),
            ("named_buffers", lambda: _entries(m().named_buffers())),
            ("__dict__", lambda: list(m().__dict__)),
            ("ModuleList", lambda: str(nn.ModuleList([m(), m(), nn.Identity()]))),
            ("deepcopy", lambda: repr(copy.deepcopy(m()))),
            ("double", lambda: _entries(m().double().state_dict(keep_vars=True).items())),
            ("load", lambda: m().load_state_dict(m().state_dict())),
        ]
    _same(outcomes)


# -- the API cases -------------------------------------------------------------
_CASE_FILES = (module_api_cases, module_api_cases_convert, module_api_cases_hooks,
               module_api_cases_extra, module_api_cases_lazy, module_api_cases_state,
               module_api_cases_utils, module_api_cases_containers, module_api_cases_subclass)
_API_CASES = [(f.__name__, name) for f in _CASE_FILES for name in f.build(torch)]


@pytest.mark.parametrize("where,name", _API_CASES, ids=[n for _, n in _API_CASES])
def test_module_api_vs_torch(where, name):
    cases = {f.__name__: f for f in _CASE_FILES}[where]
    _same(lambda T: [(name, cases.build(T)[name])])


# -- what an uninitialised (lazy) parameter refuses, named as torch names it ----
_LAZY_USES = {
    "p + 1": lambda p: p + 1, "1 + p": lambda p: 1 + p, "-p": lambda p: -p, "+p": lambda p: +p,
    "abs(p)": abs, "p ** 2": lambda p: p ** 2, "2 ** p": lambda p: 2 ** p, "1 / p": lambda p: 1 / p,
    "p // 2": lambda p: p // 2, "p % 2": lambda p: p % 2, "p < 1": lambda p: p < 1,
    "p @ p": lambda p: p @ p, "p[0]": lambda p: p[0], "iter(p)": iter, "len(p)": len,
    "p.sum()": lambda p: p.sum(), "p.norm()": lambda p: p.norm(), "p.nelement()": lambda p: p.nelement(),
    "p.ndimension()": lambda p: p.ndimension(), "p.split(1)": lambda p: p.split(1),
    "p.bfloat16()": lambda p: p.bfloat16(), "p.requires_grad_()": lambda p: p.requires_grad_(),
    "p.shape": lambda p: p.shape, "p.share_memory_()": lambda p: p.share_memory_(),
    "p.double()": lambda p: type(p.double()).__name__, "p.float()": lambda p: p.float() is p,
    "deepcopy": lambda p: type(copy.deepcopy(p)).__name__,
}


@pytest.mark.parametrize("kind", ["UninitializedParameter", "UninitializedBuffer"])
def test_uninitialized_refusals_vs_torch(kind):
    def outcomes(T):
        def use(fn):
            return lambda: fn(getattr(T.nn.parameter, kind)())
        return [(label, use(fn)) for label, fn in _LAZY_USES.items()]
    _same(outcomes)


# -- hooks on modules of every shape of call -----------------------------------
_HOOK_CLASSES = [name for name, _, _ in module_hook_cases.build(torch)[0]]
_HOOK_SETS = (("fwd",), ("bwd",), ("bpre",), ("bwd", "bpre", "fwd"))


@pytest.mark.parametrize("name", _HOOK_CLASSES)
def test_module_hooks_by_call_shape_vs_torch(name):
    def outcomes(T):
        cases, run = module_hook_cases.build(T)
        ctor, inputs = next((c, i) for n, c, i in cases if n == name)
        return [(f"grad={grad} {hooks}", lambda grad=grad, hooks=hooks: run(ctor, inputs, grad, hooks))
                for grad in (True, False) for hooks in _HOOK_SETS]
    _same(outcomes)
