"""torch.linalg's functions called as PyTorch 2.13's argument parser binds
them: by their parameters' own names there, which differ from function to
function (`inv(A)`, `cholesky(input)`, `lstsq(input, b)`, `solve(A, B)`,
`vecdot(x, y)`), NumPy's names only for a parameter named `input` (x, a,
x1), `other` (x2), `dim` (axis) or `keepdim` (keepdims).

Ember's linalg ops name their parameters their own way, so each public
function is wrapped (`keyworded`): a call with keywords has them checked
against PyTorch's names and renamed to the op's; a call PyTorch's parser
refuses for its arguments' count or names (a keyword it does not know, one
it lacks, one given twice, too many in place) gets the parser's TypeError,
worded as python_arg_parser.cpp words it. Types are left to the op: where
an argument's type would be refused first, the op's own error stands.

The signatures are PyTorch's (the parser's listings where a function has
several; its native schema, `self` named `input`, where it has one).
"""
from ..ops import _missing
from ..ops._arg_refusals import _got
from ..ops._parser_types import _accepts, _combination, _param

SIGNATURES = """
cholesky (Tensor input, *, bool upper = False, Tensor out = None)
cholesky_ex (Tensor input, *, bool upper = False, bool check_errors = False, Tensor out = None)
cond (Tensor input, Number p = None, *, Tensor out = None)
cond (Tensor input, str p, *, Tensor out = None)
cross (Tensor input, Tensor other, *, int dim = -1, Tensor out = None)
det (Tensor A, *, Tensor out = None)
diagonal (Tensor A, *, int offset = 0, int dim1 = -2, int dim2 = -1)
eig (Tensor input, *, Tensor out = None)
eigh (Tensor input, str UPLO = "L", *, Tensor out = None)
eigvals (Tensor input, *, Tensor out = None)
eigvalsh (Tensor input, str UPLO = "L", *, Tensor out = None)
householder_product (Tensor input, Tensor tau, *, Tensor out = None)
inv (Tensor A, *, Tensor out = None)
inv_ex (Tensor A, *, bool check_errors = False, Tensor out = None)
ldl_factor (Tensor input, *, bool hermitian = False, Tensor out = None)
ldl_factor_ex (Tensor input, *, bool hermitian = False, bool check_errors = False, Tensor out = None)
ldl_solve (Tensor LD, Tensor pivots, Tensor B, *, bool hermitian = False, Tensor out = None)
lstsq (Tensor input, Tensor b, float rcond = None, *, str driver = None, Tensor out = None)
lu (Tensor A, *, bool pivot = True, Tensor out = None)
lu_factor (Tensor A, *, bool pivot = True, Tensor out = None)
lu_factor_ex (Tensor A, *, bool pivot = True, bool check_errors = False, Tensor out = None)
lu_solve (Tensor LU, Tensor pivots, Tensor B, *, bool left = True, bool adjoint = False, Tensor out = None)
matmul (Tensor input, Tensor other, *, Tensor out = None)
matrix_exp (Tensor input)
matrix_norm (Tensor input, Number ord, tuple of ints dim = {-2,-1}, bool keepdim = False, *, torch.dtype dtype = None, Tensor out = None)
matrix_norm (Tensor input, str ord = "fro", tuple of ints dim = {-2,-1}, bool keepdim = False, *, torch.dtype dtype = None, Tensor out = None)
matrix_power (Tensor input, int n, *, Tensor out = None)
matrix_rank (Tensor input, *, Tensor atol = None, Tensor rtol = None, bool hermitian = False, Tensor out = None)
matrix_rank (Tensor input, *, float atol = None, float rtol = None, bool hermitian = False, Tensor out = None)
matrix_rank (Tensor input, Tensor tol, bool hermitian = False, *, Tensor out = None)
matrix_rank (Tensor input, float tol, bool hermitian = False, *, Tensor out = None)
multi_dot (tensors tensors, *, Tensor out = None)
norm (Tensor input, Number ord = None, tuple of ints dim = None, bool keepdim = False, *, torch.dtype dtype = None, Tensor out = None)
norm (Tensor input, str ord, tuple of ints dim = None, bool keepdim = False, *, torch.dtype dtype = None, Tensor out = None)
pinv (Tensor input, *, Tensor atol = None, Tensor rtol = None, bool hermitian = False, Tensor out = None)
pinv (Tensor input, *, float atol = None, float rtol = None, bool hermitian = False, Tensor out = None)
pinv (Tensor input, Tensor rcond, bool hermitian = False, *, Tensor out = None)
pinv (Tensor input, float rcond, bool hermitian = False, *, Tensor out = None)
qr (Tensor A, str mode = "reduced", *, Tensor out = None)
slogdet (Tensor A, *, Tensor out = None)
solve (Tensor A, Tensor B, *, bool left = True, Tensor out = None)
solve_ex (Tensor A, Tensor B, *, bool left = True, bool check_errors = False, Tensor out = None)
solve_triangular (Tensor input, Tensor B, *, bool upper, bool left = True, bool unitriangular = False, Tensor out = None)
svd (Tensor A, bool full_matrices = True, *, str driver = None, Tensor out = None)
svdvals (Tensor A, *, str driver = None, Tensor out = None)
tensorinv (Tensor input, int ind = 2, *, Tensor out = None)
tensorsolve (Tensor input, Tensor other, tuple of ints dims = None, *, Tensor out = None)
vander (Tensor x, *, SymInt N = None)
vecdot (Tensor x, Tensor y, *, int dim = -1, Tensor out = None)
vector_norm (Tensor input, Number ord = 2, tuple of ints dim = None, bool keepdim = False, *, torch.dtype dtype = None, Tensor out = None)
"""

# NumPy's names the parser takes for a parameter of these names
_NUMPY_NAMES = {"input": ("x", "a", "x1"), "other": ("x2",), "dim": ("axis",),
                "keepdim": ("keepdims",)}


def _signature(text):
    """[(type, name, required, keyword-only)] of a signature text."""
    out, keyword_only = [], False
    for piece in text[1:-1].split(", "):
        if piece == "*":
            keyword_only = True
            continue
        kind, name, required = _param(piece)
        out.append((kind, name, required, keyword_only))
    return out


def _table():
    table = {}
    for line in SIGNATURES.strip().splitlines():
        name, text = line.split(" ", 1)
        table.setdefault(name, []).append(text)
    return table


_TABLE = _table()
_PARSED = {name: [_signature(t) for t in texts] for name, texts in _TABLE.items()}


def _lookup(params, key):
    """The index of the parameter keyword `key` names, or None (as the
    parser's find_param: by the parameter's own name only, not NumPy's)."""
    for i, (_, name, _, _) in enumerate(params):
        if key == name:
            return i
    return None


def _parse_error(fname, params, args, kwargs):
    """What python_arg_parser.cpp's FunctionSignature::parse raises for the
    call, or None where it binds. A refusal for an argument's type is marked
    `error.of_type` (the op's own error stands for it where the op ran)."""
    positional = sum(not k for _, _, _, k in params)
    required = sum(r for _, _, r, _ in params)
    if len(args) > positional:
        return _extra_args(fname, required, positional, len(args))
    used = 0
    for i, (kind, name, needed, keyword_only) in enumerate(params):
        if i < len(args):
            value = args[i]
        else:
            keys = [k for k in kwargs if k == name or k in _NUMPY_NAMES.get(name, ())]
            value = kwargs[keys[0]] if keys else _ABSENT
            used += bool(keys)
        if value is _ABSENT or value is None and kind.endswith("?"):
            if needed:
                missing = [n for _, n, r, _ in params[i:] if r]
                return TypeError(f"{fname}() missing {len(missing)} required positional "
                                 f"argument{'s' if len(missing) == 1 else ''}: "
                                 + ", ".join(f'"{n}"' for n in missing))
        elif not _takes(kind, value):
            where = f" (position {i + 1})" if i < len(args) else ""
            error = TypeError(f"{fname}(): argument '{name}'{where} must be "
                              f"{_missing.shown(kind.rstrip('?'))}, not {_got(value)}")
            error.of_type = True
            return error
    if used < len(kwargs):
        for key in kwargs:
            at = _lookup(params, key)
            if at is None:
                return TypeError(f"{fname}() got an unexpected keyword argument '{key}'")
            if at < len(args):
                return TypeError(f"{fname}() got multiple values for argument '{key}'")
        return TypeError("invalid keyword arguments")
    return None


def _takes(kind, value):
    """Whether the parser takes `value` for a parameter of type `kind` (an
    object with __torch_function__ anywhere: it dispatches)."""
    return _accepts(kind, value) or hasattr(type(value), "__torch_function__")


def _extra_args(fname, required, positional, given):
    if required != positional:
        return TypeError(f"{fname}() takes from {required} to {positional} positional "
                         f"arguments but {given} were given")
    return TypeError(f"{fname}() takes {positional} positional argument"
                     f"{'' if positional == 1 else 's'} but {given} were given")


class _Absent:
    __slots__ = ()


_ABSENT = _Absent()


def refusal(name, args, kwargs):
    """PyTorch's TypeError for the call `torch.linalg.<name>(*args,
    **kwargs)` if its parser refuses it; None where a signature binds it.
    (A refusal of an argument's type alone is marked `error.of_type`.)"""
    texts = _TABLE.get(name)
    if texts is None:
        return None
    fname = "linalg_" + name
    signatures = _PARSED[name]
    if len(signatures) == 1:
        return _parse_error(fname, signatures[0], args, kwargs)
    errors = [_parse_error(fname, s, args, kwargs) for s in signatures]
    if None in errors:
        return None
    n = len(args) + len(kwargs)
    plausible = [i for i, s in enumerate(signatures)
                 if sum(r for _, _, r, _ in s) <= n <= len(s)]
    if len(plausible) == 1:
        return errors[plausible[0]]
    return TypeError(_combination(fname, [_missing.shown(t) for t in texts], tuple(args),
                                  dict(kwargs)))


def renaming(name, function):
    """{PyTorch's keyword (NumPy's too): the op's parameter} for the op
    `function` of torch.linalg.<name>, where the names differ: PyTorch's
    positional parameters are the op's, in order."""
    import inspect
    texts = _TABLE.get(name)
    if texts is None:
        return {}
    try:
        ours = [p.name for p in inspect.signature(function).parameters.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return {}
    out = {}
    for text in texts:
        for i, (_, theirs, _, keyword_only) in enumerate(_signature(text)):
            if keyword_only or i >= len(ours):
                continue
            for key in (theirs,) + _NUMPY_NAMES.get(theirs, ()):
                if key != ours[i]:
                    out[key] = ours[i]
    return out


def keyworded(public, name):
    """torch.linalg.<name>'s public function `public`, called as PyTorch's
    parser binds it (see the module's text)."""
    inner = public
    while getattr(inner, "__wrapped__", None) is not None:
        inner = inner.__wrapped__
    renames = renaming(name, inner)

    several = len(_TABLE.get(name, ())) > 1

    def linalg_op(*args, **kwargs):
        given = kwargs
        if kwargs or several and len(args) > 1:
            error = refusal(name, args, kwargs)
            if error is not None and not getattr(error, "of_type", False):
                raise error
            if renames:
                kwargs = {renames.get(k, k): v for k, v in kwargs.items()}
        try:
            return public(*args, **kwargs)
        except (TypeError, AttributeError):
            error = refusal(name, args, given)
            if error is not None:
                raise error from None
            raise
    linalg_op.__name__ = linalg_op.__qualname__ = getattr(public, "__name__", name)
    linalg_op.__doc__ = public.__doc__
    linalg_op.__wrapped__ = public
    linalg_op._stands_in = True     # (tests/test_registry.py looks through it)
    return linalg_op
