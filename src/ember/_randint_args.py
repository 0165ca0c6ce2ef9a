"""torch.randint's argument parsing, with the refusals of PyTorch's parser.

randint has four overloads: (high, size) and (low, high, size), each with
and without a required generator. Arguments that fit none are refused: when
the number of arguments fits only one overload, with that overload's own
complaint (`argument 'size' (position 2) must be tuple of ints, not int`),
otherwise with the list of every overload ("invalid combination")."""
import functools

from .ops._int_args import is_int
from .ops.conditional import _arg_type

_KEYWORDS = ("generator", "out", "dtype", "layout", "device", "pin_memory", "requires_grad")
_OVERLOADS = "".join(
    f" * ({bounds}tuple of ints size, *, {gen}Tensor out = None, torch.dtype dtype = None, "
    "torch.layout layout = None, torch.device device = None, bool pin_memory = False, "
    "bool requires_grad = False)\n"
    for bounds in ("int high, ", "int low, int high, ") for gen in ("torch.Generator generator, ", ""))
# (positional names, least and most arguments) of each overload, as the parser counts
_SIGNATURES = ((("high", "size"), 3, 10), (("high", "size"), 2, 8),
               (("low", "high", "size"), 4, 11), (("low", "high", "size"), 3, 9))


def _type_name(v):
    """A type as the parser names it (PyTorch's classes under torch)."""
    name = _arg_type(v)
    return "torch" + name[len("ember"):] if name.startswith("ember.") else name


def _is_size(v):
    return isinstance(v, (tuple, list)) and all(
        is_int(e) and not isinstance(e, bool) for e in v)


_ELEMENTS = "elements"   # a size whose elements are wrong: _size_args words that


def _bind(names, args, kwargs):
    """The values of `names` from args and kwargs, or the parser's complaint
    (a TypeError) where they do not fit."""
    if len(args) > len(names):
        return None
    given = dict(zip(names, args))
    for k, v in kwargs.items():
        if k in given or (k not in names and k not in _KEYWORDS):
            return TypeError(f"randint() got an unexpected keyword argument '{k}'")
        given[k] = v
    missing = [n for n in names if n not in given]
    if missing:
        return TypeError(f"randint() missing {len(missing)} required positional arguments: "
                         + ", ".join(f'"{n}"' for n in missing))
    for i, n in enumerate(names):
        v = given[n]
        fits = _is_size(v) if n == "size" else is_int(v) and not isinstance(v, bool)
        if not fits and n == "size" and isinstance(v, (tuple, list)):
            return _ELEMENTS
        if not fits:
            where = f" (position {i + 1})" if i < len(args) else ""
            kind = "tuple of ints" if n == "size" else "int"
            return TypeError(f"randint(): argument '{n}'{where} must be {kind}, not "
                             f"{_type_name(v)}")
    return given


def _refusal(args, kwargs):
    """None where an overload takes the arguments, else PyTorch's TypeError."""
    bound = [_bind(names, args, kwargs) for names in (("high", "size"), ("low", "high", "size"))]
    if any(isinstance(b, dict) for b in bound):
        return None
    n = len(args) + len(kwargs)
    plausible = [names for names, least, most in _SIGNATURES if least <= n <= most]
    if len(plausible) == 1:
        error = bound[0] if len(plausible[0]) == 2 else bound[1]
        if error is _ELEMENTS:
            return None
        return error or TypeError("randint(): too many arguments")
    return _invalid_combination("randint", args, kwargs, _OVERLOADS)


def _invalid_combination(name, args, kwargs, overloads):
    # the keywords are named latest first (and each closed by ", " when alone)
    kw = [f"{k}={_type_name(v)}" for k, v in reversed(kwargs.items())]
    pos = [_type_name(a) for a in args]
    got = ", ".join(pos + kw) if pos else "".join(f"{k}, " for k in kw)
    return TypeError(f"{name}() received an invalid combination of arguments - got ({got}), "
                     f"but expected one of:\n{overloads}")


# randint_like's six overloads: (low, high), a 0-d Tensor high, or an int
# high, each with and without a required generator
_LIKE_KEYWORDS = ("generator", "memory_format", "dtype", "layout", "device", "pin_memory",
                  "requires_grad")
_LIKE_OVERLOADS = "".join(
    f" * (Tensor input, {bounds}*, {gen}torch.memory_format memory_format = None, "
    "torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, "
    "bool pin_memory = False, bool requires_grad = False)\n"
    for bounds in ("int low, int high, ", "Tensor high, ", "int high, ")
    for gen in ("torch.Generator generator, ", ""))


def _like_fits(names, args, kwargs):
    """Whether randint_like's overload with positional `names` takes the call."""
    from ._tensor import Tensor
    from ._random import Generator
    if len(args) > len(names):
        return False
    given = dict(zip(names, args))
    for k, v in kwargs.items():
        if k in given or (k not in names and k not in _LIKE_KEYWORDS):
            return False
        given[k] = v
    if any(n not in given for n in names) or not isinstance(given["input"], Tensor):
        return False
    if not isinstance(given.get("generator"), (Generator, type(None))):
        return False
    bounds = [given[n] for n in names[1:]]
    return all(is_int(b) for b in bounds) or len(bounds) == 1 and isinstance(bounds[0], Tensor)


def like_parsed(fn):
    """randint_like, refusing what fits none of its overloads."""
    @functools.wraps(fn)
    def randint_like(*args, **kwargs):
        if not any(_like_fits(names, args, kwargs)
                   for names in (("input", "low", "high"), ("input", "high"))):
            raise _invalid_combination("randint_like", args, kwargs, _LIKE_OVERLOADS)
        return fn(*args, **kwargs)
    return randint_like


def parsed(fn):
    """randint, refusing what PyTorch's parser refuses before it runs."""
    @functools.wraps(fn)
    def randint(*args, **kwargs):
        error = _refusal(args, kwargs)
        if error is not None:
            raise error
        return fn(*args, **kwargs)
    return randint
