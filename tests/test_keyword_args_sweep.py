"""Keyword arguments and defaults, against PyTorch.

Two parts: (1) calls generated from PyTorch's own schemas
(torch._C._jit_get_schemas_for_operator) for a set of ops: every argument
by keyword, each optional argument at its documented default and at another
value, and the NumPy names PyTorch's parser takes (`axis`, `keepdims`,
`x`, `x2`); (2) the calls learners write, and the binding errors of calls
PyTorch refuses (`foo=1`, an argument given twice), compared by whole message.
"""
import numpy as np
import pytest

from compare_torch import check

torch = pytest.importorskip("torch")


def X(T):
    return T.tensor(np.linspace(0.6, 1.9, 12).reshape(3, 4))


def I(T):
    return T.tensor(np.array([[0, 1, 2, 0], [1, 0, 2, 1], [2, 2, 0, 1]]))


# ---------------------------------------------------------------- generated
# (namespace, name): ops whose every overload's generated calls agree
GENERATED = [("", n) for n in (
    "sum", "mean", "prod", "amax", "amin", "argmax", "argmin", "var", "std", "logsumexp",
    "cumsum", "cumprod", "softmax", "log_softmax", "topk", "sort", "argsort", "kthvalue",
    "max", "min", "median", "mode", "nansum", "all", "any", "count_nonzero", "var_mean",
    "std_mean", "mul", "div", "atan2", "hypot", "maximum", "clamp",
    "clip", "where", "lerp", "sin", "exp", "log", "sqrt", "abs", "arccos",
    "negative", "flatten", "transpose", "movedim", "roll", "flip",
    "tril", "triu", "diagonal", "cat", "stack",
    "diff", "cross", "dist", "trace", "outer", "matmul", "mm", "eq", "ge", "isclose",
    "allclose", "nan_to_num", "round", "logit", "trapezoid", "cummax", "aminmax",
    "squeeze", "unsqueeze", "narrow", "select", "unbind", "chunk")] + [
    ("linalg", n) for n in ("vector_norm", "matrix_norm", "norm", "det", "inv", "svdvals",
                            "cross", "vecdot", "slogdet")] + [
    ("special", n) for n in ("erf", "expit", "logit", "entr", "ndtr", "logsumexp", "i0", "airy_ai",
                             "chebyshev_polynomial_t", "hermite_polynomial_h")] + [
    ("fft", n) for n in ("fft", "rfft", "fftn", "rfft2", "fftshift", "ifftshift")]

REQUIRED = object()
# (NumPy's `x` and `x2` are taken only where the op's wrapper has an error
# path: not yet by the plain-parameter functions, torch.sin(x=t))
ALIASES = {"dim": "axis", "keepdim": "keepdims"}
_INTS = {"dim": 1, "k": 2, "n": 2, "diagonal": 0, "dim0": 0, "dim1": 1, "chunks": 2, "start": 0,
         "length": 2, "index": 1, "source": 0, "destination": 1, "shifts": 1}
_INT_LISTS = {"dim": [1], "dims": [1, 0], "shifts": [1], "s": [4]}


def _sample(name, typ):
    """A value PyTorch takes for argument `name` of schema type `typ`
    (a function of the library for tensors and dtypes); None: none."""
    t = typ[len("Optional["):-1] if typ.startswith("Optional[") else typ
    if t == "Tensor":
        return I if name in ("index", "indices") else X
    if t == "List[Tensor]":
        return lambda T: [X(T), X(T)]
    if name == "dtype":
        return lambda T: T.float64
    if t == "int":
        return _INTS.get(name, 1)
    if t == "List[int]":
        return _INT_LISTS.get(name, [1])
    return {"bool": True, "number": 0.5, "float": 0.5}.get(t)


def _resolved(value, T):
    return value(T) if callable(value) else value


def _call(namespace, name, args, kwargs):
    def f(T):
        fn = getattr(getattr(T, namespace) if namespace else T, name)
        T.manual_seed(0)
        out = fn(*[_resolved(a, T) for a in args], **{k: _resolved(v, T) for k, v in kwargs.items()})
        return tuple(out) if isinstance(out, tuple) else out
    return f


def _cases():
    """(id, f(T)) for every generated call PyTorch takes."""
    cases = {}
    for namespace, name in GENERATED:
        schemas = torch._C._jit_get_schemas_for_operator(
            "aten::" + (namespace + "_" if namespace else "") + name)
        for s in schemas:
            if "out" in s.overload_name or not str(s.arguments[0].type).startswith("Tensor") or any(
                    a.name == "out" or "Dimname" in str(a.type) or "Generator" in str(a.type)
                    for a in s.arguments):
                continue
            params = [("input" if a.name == "self" else a.name, str(a.type),
                       a.default_value if a.has_default_value() else REQUIRED, a.kwarg_only)
                      for a in s.arguments]
            required = {n: _sample(n, t) for n, t, d, k in params if d is REQUIRED}
            if None in required.values():
                continue
            args = [required[n] for n, t, d, k in params if d is REQUIRED and not k]
            kw_required = {n: required[n] for n, t, d, k in params if d is REQUIRED and k}
            try:
                _call(namespace, name, args, kw_required)(torch)
            except Exception:   # noqa: BLE001 - not a call this overload takes
                continue
            calls = [(args, kw_required), ([], dict(required))]
            for n, t, d, k in params:
                if d is REQUIRED:
                    continue
                if d is None or isinstance(d, (bool, int, float, str, list)):
                    calls.append((args, {**kw_required, n: d}))
                value = _sample(n, t)
                if value is not None and value != d:
                    calls.append((args, {**kw_required, n: value}))
            aliased = {ALIASES.get(n, n): v for n, v in required.items()}
            for n, t, d, k in params:
                if n in ("dim", "keepdim") and d is not REQUIRED and _sample(n, t) is not None:
                    aliased[ALIASES[n]] = _sample(n, t)
            calls.append(([], aliased))
            label = f"{namespace}.{name}" if namespace else name
            for a, kw in calls:
                shown = ", ".join([getattr(v, "__name__", repr(v)) for v in a] + [
                    f"{k}={getattr(v, '__name__', repr(v))}" for k, v in kw.items()])
                cases.setdefault(f"{label}({shown})", _call(namespace, name, a, kw))
    return sorted(cases.items())


CASES = _cases()


@pytest.mark.parametrize("f", [f for _, f in CASES], ids=[i for i, _ in CASES])
def test_generated_keyword_call(f):
    # (atol: a singular sample's zero singular value is LAPACK's rounding
    # noise, 1e-16 from NumPy's OpenBLAS and PyTorch's MKL alike)
    check(f, atol=1e-12)


# ---------------------------------------------------------------- by hand
F = lambda T: T.nn.functional   # noqa: E731

WRITTEN = {
    "sum_dim_keepdim": lambda T: T.sum(X(T), dim=1, keepdim=True),
    "sum_axis_keepdims": lambda T: T.sum(X(T), axis=0, keepdims=True),
    "method_sum_axis": lambda T: X(T).sum(axis=0),
    "mean_axis_keepdims": lambda T: T.mean(X(T), axis=1, keepdims=True),
    "method_mean_axis": lambda T: X(T).mean(axis=1),
    "mean_x": lambda T: T.mean(x=X(T)),
    "max_dim": lambda T: tuple(X(T).max(dim=0)),
    "max_axis": lambda T: tuple(T.max(X(T), axis=0)),
    "cat_tensors": lambda T: T.cat(tensors=[X(T), X(T)], dim=0),
    "cat_axis": lambda T: T.cat([X(T), X(T)], axis=1),
    "clamp_input": lambda T: T.clamp(input=X(T), min=1.0),
    "std_unbiased": lambda T: X(T).std(unbiased=False),
    "std_correction": lambda T: X(T).std(correction=0),
    "std_axis": lambda T: T.std(X(T), axis=0),
    "topk_keywords": lambda T: tuple(T.topk(X(T), k=2, largest=False, sorted=True)),
    "to_dtype": lambda T: X(T).to(dtype=T.float32),
    "F_softmax_dtype": lambda T: F(T).softmax(X(T), dim=-1, dtype=T.float32),
    "add_inplace_input": lambda T: T.add_(input=X(T), other=1),
    "mul_input_other": lambda T: T.mul(input=X(T), other=X(T)),
    "atan2_input_other": lambda T: T.atan2(input=X(T), other=X(T)),
    "argmax_dim_none": lambda T: T.argmax(X(T), dim=None),
    "argmin_dim_none_keepdim": lambda T: X(T).argmin(dim=None, keepdim=True),
    "special_x": lambda T: T.special.airy_ai(x=X(T)),
    "special_poly_x": lambda T: T.special.hermite_polynomial_h(x=X(T), n=2),
    "linalg_vector_norm_x": lambda T: T.linalg.vector_norm(x=X(T), ord=1, axis=0),
    "linalg_norm_input": lambda T: T.linalg.norm(input=X(T)),
    "fft_rfft_axis": lambda T: T.fft.rfft(X(T), axis=0),
    # methods without a wrapper of their own: NumPy's names renamed first
    "method_squeeze_axis": lambda T: X(T)[None].squeeze(axis=0),
    "method_unsqueeze_axis": lambda T: X(T).unsqueeze(axis=1),
    "method_narrow_axis": lambda T: X(T).narrow(axis=1, start=1, length=2),
    "method_select_axis": lambda T: X(T).select(axis=1, index=2),
    "method_unbind_axis": lambda T: X(T).unbind(axis=1),
    "method_chunk_axis": lambda T: X(T).chunk(2, axis=1),
    "method_softmax_axis": lambda T: X(T).softmax(axis=0),
    "method_log_softmax_axis": lambda T: X(T).log_softmax(axis=1),
    "method_eq_x2": lambda T: X(T).eq(x2=X(T)),
    "method_mul_x2": lambda T: X(T).mul(x2=2),
    "function_squeeze_axis": lambda T: T.squeeze(X(T)[None], axis=0),
    "function_select_x_axis": lambda T: T.select(x=X(T), axis=0, index=1),
    "special_softmax_axis": lambda T: T.special.softmax(X(T), axis=0),
    "special_log_softmax_axis": lambda T: T.special.log_softmax(X(T), axis=1),
    "special_softmax_x": lambda T: T.special.softmax(x=X(T), dim=0),
    "special_xlogy_x1_x2": lambda T: T.special.xlogy(x1=X(T), x2=X(T)),
    "special_gammaln_a": lambda T: T.special.gammaln(a=X(T)),
    "function_unflatten_axis": lambda T: T.unflatten(X(T), axis=1, sizes=(3, 1)),
    "function_unflatten_x": lambda T: T.unflatten(x=X(T), dim=1, sizes=(3, 1)),
    "special_polygamma_x": lambda T: T.special.polygamma(1, x=X(T)),
    "polygamma_a": lambda T: T.polygamma(2, a=X(T)),
    "polygamma_n_x1": lambda T: T.polygamma(n=1, x1=X(T)),
    "method_polygamma_x_refused": lambda T: X(T).polygamma(x=1),
    # ... and refused as PyTorch refuses them: given twice
    "method_unsqueeze_axis_dim": lambda T: X(T).unsqueeze(axis=0, dim=0),
    "method_softmax_axis_dim": lambda T: X(T).softmax(axis=0, dim=0),
    # PyTorch's Python functions take no NumPy names, nor its Python methods
    # (torch/_tensor.py), refused in Python's words for a method of Tensor
    "norm_x_refused": lambda T: T.norm(x=X(T)),
    "method_unflatten_axis_refused": lambda T: X(T).unflatten(axis=0, sizes=(1, 2)),
    "method_unflatten_missing": lambda T: X(T).unflatten(0),
    "method_split_axis_refused": lambda T: X(T).split(2, axis=0),
    "method_norm_keepdims_refused": lambda T: X(T).norm(keepdims=True),
    "method_unique_axis_refused": lambda T: X(T).unique(axis=0),
    "method_unique_consecutive_axis_refused": lambda T: X(T).unique_consecutive(axis=0),
    "method_lu_x_refused": lambda T: X(T).lu(x=1),
    "method_stft_foo": lambda T: X(T).stft(foo=1),
    "method_resize_axis_refused": lambda T: X(T).resize(axis=1),
    "method_resize_as_x2_refused": lambda T: X(T).resize_as(x2=X(T)),
    # binding errors, naming the op as called
    "sin_foo": lambda T: T.sin(X(T), foo=1),
    "sin_twice": lambda T: T.sin(X(T), input=X(T)),
    "arccos_foo": lambda T: T.arccos(X(T), foo=1),
    "arccos_twice": lambda T: T.arccos(X(T), input=X(T)),
    "negative_foo": lambda T: T.negative(X(T), foo=1),
    "acos__foo": lambda T: T.acos_(X(T), foo=1),
    "special_expit_twice": lambda T: T.special.expit(X(T), input=X(T)),
    "fft_rfftn_twice": lambda T: T.fft.rfftn(X(T), input=X(T)),
    "linalg_det_foo": lambda T: T.linalg.det(X(T), foo=1),
    "cumsum_foo": lambda T: T.cumsum(X(T), 0, foo=1),
    "softmax_foo": lambda T: T.softmax(X(T), 0, foo=1),
}


@pytest.mark.parametrize("f", list(WRITTEN.values()), ids=list(WRITTEN))
def test_written_keyword_call(f):
    check(f)


def test_keyword_alias_leaves_positional_fast_path():
    """The renaming lives on the error path: a positional call's function
    is the registry's own (no wrapper added for it)."""
    import ember
    from ember.ops._registry import REGISTRY
    assert ember.Tensor.sum is REGISTRY["sum"].function
    assert ember.sin is REGISTRY["sin"].public
