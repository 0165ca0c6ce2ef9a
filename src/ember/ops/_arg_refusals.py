"""What PyTorch's nn.functional says when a tensor argument is something else
(a list, None, a number, a string, a NumPy array), or arguments are missing.

Most of PyTorch's functions hand their tensors to an ATen op, whose parser
refuses a non-tensor naming that op and the argument as the op's schema
does (`cross_entropy_loss(): argument 'target' (position 2) ...`, the
embedding's `indices` at position 2); a builtin's parser also words a
missing argument its own way. The rest are Python that first touches the
argument by a method (`target.size()`, `input.dim()`, `input.softmax(dim)`),
failing as that access fails. Ember's functions read their tensors in other
ways, so `refusing` wraps them: only when a call fails does it look for the
argument PyTorch would have refused (a try costs a call nothing), so a
well-formed call runs as before.
"""
import functools
import inspect

from .._tensor import Tensor
from .._backend import np
from ._int_args import is_index, missing_arguments, type_name

# function -> (ATen op named, its tensor parameters in the op's order: "name"
# ("name:aten_name" where the schema names it otherwise, "?" where None is
# allowed; positions count from 1 in this order, "@n" overrides; ".attr": this
# one touched first as `value.attr()`; "#kind": a Number, float, int or bool
# there, not a tensor), how:
# "parser" (a builtin: its missing-argument words too), "op" (a Python
# function handing them to the op), or ".attr" (touched as `value.attr()`))
_UNARY = ("input",)
_PAIR = ("input", "target")
SPECS = {
    "adaptive_avg_pool1d": ("adaptive_avg_pool1d", _UNARY, "parser"),
    "adaptive_max_pool1d": ("adaptive_max_pool1d", _UNARY, "op"),
    "adaptive_avg_pool2d": (None, _UNARY, ".size"),
    "adaptive_avg_pool3d": (None, _UNARY, ".size"),
    "adaptive_max_pool2d": (None, _UNARY, ".size"),
    "adaptive_max_pool3d": (None, _UNARY, ".size"),
    "avg_pool1d": ("avg_pool1d", _UNARY, "parser"),
    "avg_pool2d": ("avg_pool2d", _UNARY, "parser"),
    "avg_pool3d": ("avg_pool3d", _UNARY, "parser"),
    "max_pool1d": ("max_pool1d", _UNARY, "op"),
    "max_pool2d": ("max_pool2d", _UNARY, "op"),
    "max_pool3d": ("max_pool3d", _UNARY, "op"),
    # (max_poolNd(return_indices=True) is these: their names in the error)
    "max_pool1d_with_indices": ("max_pool1d_with_indices", _UNARY, "op"),
    "max_pool2d_with_indices": ("max_pool2d_with_indices", _UNARY, "op"),
    "max_pool3d_with_indices": (None, _UNARY, ".is_cuda"),
    "batch_norm": ("batch_norm", ("input", "weight?", "bias?", "running_mean?",
                                  "running_var?"), "op"),
    "bilinear": ("bilinear", ("input1", "input2", "weight", "bias?"), "parser"),
    "cosine_embedding_loss": ("cosine_embedding_loss", ("input1", "input2", "target",
                                                        "margin#float"), "op"),
    "cosine_similarity": ("cosine_similarity", ("x1", "x2", "dim#int"), "parser"),
    "pairwise_distance": ("pairwise_distance", ("x1", "x2", "p#float"), "parser"),
    "cross_entropy": ("cross_entropy_loss", _PAIR + ("weight?", "ignore_index@5#int",
                                                     "label_smoothing@6#float"), "op"),
    "nll_loss": ("nll_loss_nd", _PAIR + ("weight?", "ignore_index@5#int"), "op"),
    "multi_margin_loss": ("multi_margin_loss", _PAIR + ("weight?@5",), "op"),
    "multilabel_margin_loss": ("multilabel_margin_loss", _PAIR, "op"),
    "multilabel_soft_margin_loss": ("log_sigmoid", _UNARY, "op"),
    "hinge_embedding_loss": ("hinge_embedding_loss", _PAIR + ("margin#float",), "op"),
    "binary_cross_entropy_with_logits": ("binary_cross_entropy_with_logits",
                                         ("target.size@2", "input.size@1", "weight?@3",
                                          "pos_weight?@4"), "op"),
    "kl_div": ("kl_div", _PAIR, "op"),
    "poisson_nll_loss": ("poisson_nll_loss", _PAIR, "op"),
    "soft_margin_loss": ("soft_margin_loss", _PAIR, "op"),
    # (its margin is compared in Python first; it checks its numbers itself, after)
    "triplet_margin_loss": ("triplet_margin_loss", ("anchor", "positive", "negative"), "op"),
    "l1_loss": (None, ("target", "input"), ".size"),
    "mse_loss": (None, ("target", "input"), ".size"),
    "margin_ranking_loss": ("margin_ranking_loss", ("input1.dim", "input2.dim", "target.dim",
                                                    "margin#float"), "op"),
    "glu": ("glu", ("input.dim", "dim#int"), "op"),
    "softmax": ("softmax", ("input.softmax", "dim?@1#int"), "op"),
    "softmin": (None, _UNARY, "-.softmax"),
    "log_softmax": ("log_softmax", ("input.log_softmax", "dim?@1#int"), "op"),
    "sigmoid": (None, _UNARY, ".sigmoid"),
    "tanh": (None, _UNARY, ".tanh"),
    "layer_norm": ("layer_norm", ("input", "weight?@3", "bias?@4", "eps@5#float"), "op"),
    "rms_norm": ("rms_norm", ("input", "weight?@3"), "op"),
    "group_norm": ("group_norm", ("input.dim", "weight?@3", "bias?@4"), "op"),
    "instance_norm": ("instance_norm", ("input.size", "weight?", "bias?", "running_mean?",
                                        "running_var?"), "op"),
    "max_unpool2d": ("max_unpool2d", ("input", "indices"), "op"),
    "max_unpool3d": ("max_unpool3d", ("input", "indices"), "op"),
    "embedding": ("embedding", ("weight", "input:indices"), "op"),
    "grid_sample": ("grid_sampler", ("input", "grid"), "op"),
    "prelu": ("prelu", ("input", "weight"), "parser"),
    "scaled_dot_product_attention": ("scaled_dot_product_attention",
                                     ("query", "key", "value", "attn_mask?"), "parser"),
    "elu": ("elu", ("input", "alpha#Number"), "op"),
    "celu": ("celu", ("input", "alpha#Number"), "op"),
    "threshold": ("threshold", ("input", "threshold#Number", "value#Number"), "op"),
    "rrelu": ("rrelu", ("input", "lower#Number", "upper#Number"), "op"),
    "gelu": ("gelu", _UNARY, "parser"),
    "hardsigmoid": ("hardsigmoid", _UNARY, "op"),
    "hardswish": ("hardswish", _UNARY, "op"),
    "hardtanh": ("hardtanh", _UNARY, "op"),
    "relu6": ("relu6", _UNARY, "op"),
    "leaky_relu": ("leaky_relu", ("input", "negative_slope#Number"), "op"),
    "logsigmoid": ("log_sigmoid", _UNARY, "parser"),
    "mish": ("mish", _UNARY, "op"),
    "silu": ("silu", _UNARY, "op"),
    "softplus": ("softplus", ("input", "beta#Number", "threshold#Number"), "parser"),
    "softshrink": ("softshrink", ("input", "lambd#Number"), "parser"),
    "hardshrink": ("hardshrink", ("input", "lambd#Number"), "parser"),
    "channel_shuffle": ("channel_shuffle", _UNARY, "parser"),
    "pixel_shuffle": ("pixel_shuffle", _UNARY, "parser"),
    "pixel_unshuffle": ("pixel_unshuffle", _UNARY, "parser"),
    "pdist": ("pdist", ("input", "p#float"), "parser"),
    "one_hot": ("one_hot", _UNARY, "parser"),
    "conv_transpose1d": ("conv_transpose1d", ("input", "weight", "bias?"), "parser"),
    "conv_transpose2d": ("conv_transpose2d", ("input", "weight", "bias?"), "parser"),
    "conv_transpose3d": ("conv_transpose3d", ("input", "weight", "bias?"), "parser"),
}

# PyTorch's boolean_dispatch calls these under their private names, which its
# Python errors (a missing or unknown argument) show
DISPATCHED = {"max_pool1d": "_max_pool1d", "max_pool2d": "_max_pool2d",
              "max_pool3d": "_max_pool3d", "adaptive_max_pool1d": "_adaptive_max_pool1d",
              "adaptive_max_pool2d": "_adaptive_max_pool2d",
              "adaptive_max_pool3d": "_adaptive_max_pool3d", "threshold": "_threshold"}


def _parse(spec):
    """(parameter, schema name, position, optional, attr, kind) of each spec entry."""
    out = []
    for position, entry in enumerate(spec, 1):
        entry, _, kind = entry.partition("#")
        entry, _, at = entry.partition("@")
        entry, _, attr = entry.partition(".")
        optional = entry.endswith("?")
        name, _, schema = entry.rstrip("?").partition(":")
        out.append((name, schema or name, int(at) if at else position, optional, attr,
                    kind or "Tensor"))
    return out


def _zero_dim(value):
    return isinstance(value, Tensor) and value._data.ndim == 0


# what the parser takes for each kind of argument
_FITS = {
    "Tensor": lambda v: isinstance(v, Tensor),
    "Number": lambda v: isinstance(v, (int, float, complex, np.number, np.bool_)) or _zero_dim(v),
    "float": lambda v: isinstance(v, (int, float, np.integer, np.floating)) or _zero_dim(v),
    "int": is_index,
    "bool": lambda v: v.__class__ is bool,
}


def expect(value, kind, op, name, position):
    """`value`, or the parser's TypeError where it is no `kind` ("float", ...)."""
    if not _FITS[kind](value):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be {kind}, not "
                        f"{type_name(value)}")
    return value


def refusing(function, name):
    """`function` (F.`name`), raising PyTorch's error when a call of it fails
    with a non-tensor where PyTorch wants a tensor, or (a builtin's) with
    arguments missing."""
    op, spec, how = SPECS[name]
    params = _parse(spec)
    signature = inspect.signature(function)

    def refuse(args, kwargs):
        try:
            given = signature.bind(*args, **kwargs).arguments
        except TypeError:
            if how == "parser":
                try:
                    signature.bind_partial(*args, **kwargs)
                except TypeError as e:
                    if "unexpected keyword" in str(e):
                        raise TypeError(f"{op}() {e}") from None
                    return
                required = [p.name for p in signature.parameters.values()
                            if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD]
                missing = [n for n in required[len(args):] if n not in kwargs]
                if missing:
                    raise missing_arguments(op, *missing) from None
            return
        check(given)

    def check(given):
        for param, schema, position, optional, attr, kind in params:
            value = given.get(param)
            if (param not in given or (optional and value is None)
                    or _FITS[kind](value)):
                continue
            if attr or how.startswith((".", "-.")):
                # (fails as PyTorch's access does; softmin negates first)
                try:
                    getattr(-value if how[0] == "-" else value, attr or how.partition(".")[2])()
                except Exception as e:
                    e._refused = True
                    raise
                continue
            error = TypeError(f"{op}(): argument '{schema}' (position {position}) must be "
                              f"{kind}, not {type_name(value)}")
            error._refused = True
            raise error from None

    names = list(signature.parameters)
    at = names.index("_stacklevel") if "_stacklevel" in names else None
    # A number argument is checked before the call (Ember's op would take None
    # or a string as NaN); the tensors with it, in the parser's order.
    eager = how in ("op", "parser") and any(p[5] != "Tensor" for p in params) and not any(
        p[4] for p in params)
    slots = tuple((p[0], names.index(p[0]), p[3], _FITS[p[5]]) for p in params)

    def check_now(args, kwargs):
        # (each given argument that fits passes here; the first that does
        # not is check()'s to refuse, in the parser's order)
        n_args = len(args)
        for n, i, optional, fits in slots:
            if i < n_args:
                value = args[i]
            elif kwargs and n in kwargs:
                value = kwargs[n]
            else:
                continue
            if not (optional and value is None or fits(value)):
                check({n: args[i] if i < n_args else kwargs[n] for n, i, _, _ in slots
                       if i < n_args or n in kwargs})
                return

    @functools.wraps(function)
    def checked(*args, **kwargs):
        if at is not None:
            # (the softmax family counts frames to its caller's line: this one too)
            if len(args) > at:
                args = (*args[:at], args[at] + 1, *args[at + 1:])
            else:
                kwargs = {**kwargs, "_stacklevel": kwargs.get(
                    "_stacklevel", signature.parameters["_stacklevel"].default) + 1}
        if eager:
            check_now(args, kwargs)
        try:
            return function(*args, **kwargs)
        except Exception as e:
            # (an inner op's refusal stands: F.max_pool2d(x, return_indices=True)
            # fails as max_pool2d_with_indices, which it calls)
            if not getattr(e, "_refused", False):
                refuse(args, kwargs)
            raise
    checked._refusing = True
    return checked


def _got(value):
    """A value's type as the parser lists it (a Parameter as Parameter)."""
    t = type(value)
    return t.__name__ if isinstance(value, Tensor) else type_name(value)


def _detail(value):
    """A value's type as the parser details it: its items' types too."""
    if isinstance(value, list):
        return f"list of [{', '.join(map(_got, value))}]"
    if isinstance(value, tuple):     # (written as Python writes a tuple: "(int,)")
        return f"tuple of ({', '.join(map(_got, value))}{',' if len(value) == 1 else ''})"
    return _got(value)


def invalid_combination(name, args, kwargs, overloads):
    """PyTorch's TypeError for arguments that fit none of `name`'s overloads
    ((text, parameter kinds) each). With every argument given positionally
    the parser adds, under each overload, the arguments marked as it marks
    them: all but a plain Tensor where that overload takes a Tensor."""
    got = [_got(a) for a in args] + [f"{k}={_got(v)}" for k, v in kwargs.items()]
    lines = []
    for text, kinds in overloads:
        lines.append(f" * {text}\n")
        if not kwargs and len(args) == len(kinds):
            marks = [_detail(a) if type(a) is Tensor and k == "Tensor" else f"!{_detail(a)}!"
                     for a, k in zip(args, kinds)]
            lines.append("      didn't match because some of the arguments have invalid "
                         f"types: ({', '.join(marks)})\n")
    return TypeError(f"{name}() received an invalid combination of arguments - got "
                     f"({', '.join(got)}), but expected one of:\n" + "".join(lines))


def install(namespace):
    """Wrap the functions of F's `namespace` that SPECS names (those that
    are torch.<name> too, as in PyTorch, are wrapped where the op is
    declared)."""
    for name, private in DISPATCHED.items():
        f = namespace[name]
        while f is not None:        # (through autocast's wrapper to the function)
            f.__qualname__ = private
            f = getattr(f, "__wrapped__", None)
    for name in SPECS:
        if not _wrapped(namespace[name]):
            namespace[name] = refusing(namespace[name], name)


def _wrapped(f):
    while f is not None:
        if getattr(f, "_refusing", False):
            return True
        f = getattr(f, "__wrapped__", None)
    return False
