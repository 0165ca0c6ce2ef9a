"""Operator schemas for torch.library: inferred from a Python function's type
hints (`infer_schema`, as PyTorch's torch/_library/infer_schema.py), and
read back from a schema string (`parse_schema`) for ops that Library.define
declares without a Python function."""
import collections.abc
import inspect
import re
import typing
from types import GenericAlias

from . import _dtype
from ._device import device
from ._tensor import Tensor
from .types import Number

__all__ = ["infer_schema", "parse_schema", "Schema"]


def _derived(base, cpp, list_base, optional_base_list, optional_list_base):
    """The annotations PyTorch accepts for one base type, with their schema
    spelling: T, Optional[T], and (as the flags say) the sequences of T or
    of Optional[T], and Optional sequences of T."""
    def sequences(t):
        return (typing.Sequence[t], typing.List[t],
                GenericAlias(collections.abc.Sequence, (t,)), GenericAlias(list, (t,)))
    pairs = [(base, cpp), (typing.Optional[base], f"{cpp}?")]
    if list_base:
        pairs += [(s, f"{cpp}[]") for s in sequences(base)]
    if optional_base_list:
        pairs += [(s, f"{cpp}?[]") for s in sequences(typing.Optional[base])]
    if optional_list_base:
        pairs += [(typing.Optional[s], f"{cpp}[]?") for s in sequences(base)]
    return pairs


PARAM_TYPES = dict(pair for line in [
    (Tensor, "Tensor", True, True, False),
    (int, "SymInt", True, False, True),
    (float, "float", True, False, True),
    (bool, "bool", True, False, True),
    (str, "str", False, False, False),
    (Number, "Scalar", True, False, False),
    (_dtype.dtype, "ScalarType", False, False, False),
    (device, "Device", False, False, False),
] for pair in _derived(*line))

RETURN_TYPES = {Tensor: "Tensor", typing.List[Tensor]: "Tensor[]", list[Tensor]: "Tensor[]",
                int: "SymInt", float: "float", bool: "bool", Number: "Scalar"}


def _resolved(annotation, fn, error):
    """A string annotation (from __future__ import annotations) evaluated in
    the function's module, as PyTorch does."""
    if isinstance(annotation, str):
        try:
            return eval(annotation, fn.__globals__)
        except Exception as exc:
            error(f"Unsupported type annotation {annotation}. It is not a type. "
                  f"({type(exc).__name__}: {exc})")
    return annotation


def infer_schema(prototype_function, /, *, mutates_args, op_name=None, tags=None):
    """The schema of an operator computed by `prototype_function`, from its
    type hints: `(Tensor x, SymInt[] box) -> Tensor`. Arguments named in
    `mutates_args` (or every tensor argument, for "unknown") are marked
    mutable, `Tensor(a<i>!)`."""
    if tags not in (None, ()):
        raise NotImplementedError("infer_schema(tags=...): Ember has no operator tags")
    sig = inspect.signature(prototype_function)
    if type(mutates_args) is not str:
        mutates_args = tuple(mutates_args)

    def error(what):
        raise ValueError(f"infer_schema(func): {what} Got func with signature {sig})")

    params, seen, kwarg_only = [], set(), False
    for idx, (name, param) in enumerate(sig.parameters.items()):
        if param.kind not in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY):
            error("We do not support positional-only args, varargs, or varkwargs.")
        if param.kind == param.KEYWORD_ONLY and not kwarg_only:
            params.append("*")
            kwarg_only = True
        if param.annotation is inspect.Parameter.empty:
            error(f"Parameter {name} must have a type annotation.")
        annotation = _resolved(param.annotation, prototype_function, error)
        schema_type = PARAM_TYPES.get(annotation) if _hashable(annotation) else None
        if schema_type is None:
            if typing.get_origin(annotation) is tuple:
                error(f"Parameter {name} has unsupported type {param.annotation}. We do not "
                      "support Tuple inputs in schema. As a workaround, please try to use "
                      f"List instead. \n\nThe valid types are: {PARAM_TYPES.keys()}.")
            error(f"Parameter {name} has unsupported type {param.annotation}. "
                  f"The valid types are: {PARAM_TYPES.keys()}.")
        is_tensor = schema_type.startswith("Tensor")
        if type(mutates_args) is str:
            if mutates_args != "unknown":
                raise ValueError("mutates_args must either be a sequence of the names of the "
                                 "arguments that are mutated or the string 'unknown'. ")
            mutated = is_tensor         # ("unknown": every tensor argument)
        else:
            mutated = name in mutates_args
            if mutated and not is_tensor:
                error(f"Parameter {name} is in mutable_args but only Tensors or collections "
                      "of Tensors can be mutated")
        if mutated:
            schema_type = f"Tensor(a{idx}!){schema_type[len('Tensor'):]}"
        seen.add(name)
        params.append(f"{schema_type} {name}" if param.default is inspect.Parameter.empty
                      else f"{schema_type} {name}={_default_repr(name, param.default, error)}")
    if mutates_args != "unknown":
        unseen = set(mutates_args) - seen
        if unseen:
            error(f"{unseen} in mutates_args were not found in the custom op's signature. "
                  "mutates_args should contain the names of all args that the custom op "
                  "mutates, or just the string 'unknown' if you don't know.")
    ret = _return_schema(_resolved(sig.return_annotation, prototype_function, error), error)
    head = "" if op_name is None else op_name
    return f"{head}({', '.join(params)}) -> {ret}"


def _hashable(annotation):
    try:
        hash(annotation)
    except TypeError:
        return False
    return True


def _default_repr(name, value, error):
    if value is None or isinstance(value, (int, float, bool)):
        return str(value)
    if isinstance(value, (str, device)):
        return f'"{value}"'
    if isinstance(value, _dtype.dtype):
        return value.name
    error(f"Parameter {name} has an unsupported default value type {type(value)}. "
          "Please file an issue on GitHub so we can prioritize this.")


def _return_schema(annotation, error):
    if annotation is None:
        return "()"
    if annotation is inspect.Parameter.empty:
        error("No return type annotation was provided. Please add one.")
    if typing.get_origin(annotation) is not tuple:
        if not _hashable(annotation) or annotation not in RETURN_TYPES:
            error(f"Return has unsupported type {annotation}. "
                  f"The valid types are: {RETURN_TYPES}.")
        return RETURN_TYPES[annotation]
    args = typing.get_args(annotation)
    if not all(_hashable(a) and a in RETURN_TYPES for a in args):
        error(f"Return has unsupported type {annotation}. The valid types are: {RETURN_TYPES}.")
    inner = ", ".join(RETURN_TYPES[a] for a in args)
    return f"(({inner}))" if len(args) == 1 else f"({inner})"


# -- reading a schema string ------------------------------------------------------

class Argument(typing.NamedTuple):
    name: str
    type: str           # as written, without the alias annotation: "Tensor?", "SymInt[]"
    mutable: bool       # Tensor(a!)
    kwarg_only: bool
    has_default: bool
    default: object


class Schema(typing.NamedTuple):
    name: str                # "" when the string has none
    arguments: tuple
    returns: str

    def is_functional(self):
        return not any(a.mutable for a in self.arguments)


_ARG = re.compile(r"^(?P<type>[A-Za-z_][\w.]*)(?P<alias>\([a-z]\w*!?\))?(?P<suffix>(\[\d*\]|\?)*)"
                  r"\s+(?P<name>\w+)\s*(=\s*(?P<default>.+))?$")


def _split_top(text):
    """`text` split at the commas outside brackets and quotes."""
    parts, depth, quote, start = [], 0, None, 0
    for i, ch in enumerate(text):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    tail = text[start:].strip()
    return parts + [tail] if tail else parts


def parse_schema(text):
    """A Schema from `name(Tensor x, *, float s=1.0) -> Tensor` (the name may
    be left out); RuntimeError for what is not a schema."""
    match = re.match(r"^\s*([\w.:]*)\s*\((.*)\)\s*->\s*(.+?)\s*$", text, re.S)
    if match is None:
        raise RuntimeError(f"Could not parse the operator schema: {text!r}")
    name, body, returns = match.groups()
    args, kwarg_only = [], False
    for part in _split_top(body):
        if part == "*":
            kwarg_only = True
            continue
        m = _ARG.match(part)
        if m is None:
            raise RuntimeError(f"Could not parse the argument {part!r} of schema {text!r}")
        default = m.group("default")
        args.append(Argument(m.group("name"), m.group("type") + m.group("suffix"),
                             bool(m.group("alias")) and m.group("alias").endswith("!)"),
                             kwarg_only, default is not None,
                             None if default is None else _parse_default(default.strip())))
    return Schema(name, tuple(args), returns)


def _parse_default(text):
    import ast
    if text.startswith('"') or text.startswith("'"):
        return text[1:-1]
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return getattr(_dtype, text, text)     # a dtype name (float32), or kept as written
