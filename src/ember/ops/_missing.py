"""PyTorch's TypeError for a call missing a required argument, on the error path.

PyTorch's argument parser words it in one of two ways: a function with one
signature (or one whose overloads only one could take so many arguments)
names the required parameters from the first one not given on, in its own
words (`gather() missing 2 required positional argument: "dim", "index"`:
"arguments" only for one, quoted, and listed from there whether or not a later
one came by keyword); otherwise it lists the overloads ("received an invalid
combination of arguments"). Python's binding error for Ember's function is
turned into that, from the table generated from PyTorch
(ops/_parser_signatures_*.py, loaded only here: only a failing call pays).
"""
import re

# Python's own wording of a missing argument (what an op's binding raises)
_PYTHON_MISSING = re.compile(r"^[\w.<>]+\(\) missing \d+ required (positional|keyword-only) argument")


class _Missing:
    """What a wrapper passes for a parameter the caller left out (its
    default, so the call binds, and the error path names what is missing)."""
    __slots__ = ()

    def __repr__(self):
        return "<missing>"


MISSING = _Missing()


def is_missing(error):
    """Whether TypeError `error` says an argument was left out: Python's
    binding error, or one worded here already (by an op a wrapper calls,
    under the op's name and form: the wrapper words it again as called)."""
    return getattr(error, "ember_call", False) or (
        type(error) is TypeError and _PYTHON_MISSING.match(str(error)) is not None)


def _params(text):
    """The parameters of a signature text `(Tensor input, *, Number alpha = 1)`:
    (name, required) each, keyword-only marker left out."""
    out, depth, start = [], 0, 1
    inner = text[1:-1]
    for i, ch in enumerate(inner + ","):
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif ch == "," and depth == 0:
            part = inner[start - 1:i].strip()
            start = i + 2
            if part and part != "*":
                head = part.split(" = ")[0]
                out.append((head.split()[-1], " = " not in part))
    return out


def _missing_message(name, required, args, kwargs):
    for i, param in enumerate(required):
        if i >= len(args) and param not in kwargs:
            rest = required[i:]
            # (PyTorch's own wording: "arguments" for one, "argument" for more)
            return TypeError(f"{name}() missing {len(rest)} required positional argument"
                             f"{'s' if len(rest) == 1 else ''}: "
                             + ", ".join(f'"{p}"' for p in rest))
    return None


def _got(args, kwargs):
    """The arguments as the parser lists them: its keywords come in the order
    of its hash map (the last given first, for so few), and with no
    positional argument each keyword is followed by ", " ("(min=int, )")."""
    from ._arg_refusals import _got as kind
    named = [f"{k}={kind(v)}" for k, v in reversed(kwargs.items())]
    if not args:
        return "".join(k + ", " for k in named)
    return ", ".join([kind(a) for a in args] + named)


def parser_error(table, name, args, kwargs):
    """PyTorch's TypeError for the call `name(*args, **kwargs)` of `table`
    ("FUNCTIONS", "METHODS": the method's arguments after self,
    "NN_FUNCTIONS"), which lacks a required argument; None where the table
    does not know the function, or the call is not short of one."""
    found = tables(table).get(name)
    if found is None:
        return None
    parsed, entry = found
    if entry[0] not in ("overloads", "overload"):
        return _missing_message(parsed, entry, args, kwargs)
    texts = entry[1:]
    n = len(args) + len(kwargs)
    signatures = [_params(t) for t in texts]
    plausible = [s for s in signatures if sum(r for _, r in s) <= n <= len(s)]
    errors = [_missing_message(parsed, [p for p, r in s if r], args, kwargs) for s in plausible]
    if len(plausible) == 1 and errors[0] is not None:
        return errors[0]
    if plausible and None in errors:
        return None     # (not short of an argument: a wrong type, the op's own error)
    expected = (f"({shown(texts[0])[1:-1]})" if entry[0] == "overload" else
                "one of:\n" + "".join(f" * {shown(t)}\n" for t in texts))
    return TypeError(f"{parsed}() received an invalid combination of arguments - got "
                     f"({_got(args, kwargs)}), but expected {expected}")


def shown(text):
    """A signature text of PyTorch's tables as a message prints it: its
    types in the library's name (`ember.dtype`, as Ember's reprs say)."""
    from .. import _public_name
    name = _public_name.name
    return text if name == "torch" else text.replace("torch.", name + ".")


_TABLES = {}


def tables(table):
    """The table `table` of ops/_parser_signatures_*.py, read on first use:
    name -> (the parser's name, entry), entry the required parameters of a
    one-signature function, or ("overloads", *texts) / ("overload", text)."""
    found = _TABLES.get(table)
    if found is None:
        from . import _parser_signatures_functions as F, _parser_signatures_methods as M
        module = F if table == "FUNCTIONS" else M
        found = {}
        for item in getattr(module, table + "_SINGLE").split():
            key, names = item.split(":")
            name, _, parsed = key.partition("=")
            found[name] = (parsed or name, tuple(names.split(",")))
        for line in getattr(module, table + "_OVERLOADS").strip().splitlines():
            key, text = line.split(" ", 1)
            name, _, parsed = key.partition("=")
            if text.startswith("!"):
                found[name] = (parsed or name, ("overload", text[1:]))
            else:
                entry = found.get(name, (None, ("overloads",)))[1]
                found[name] = (parsed or name, entry + (text,))
        _TABLES[table] = found
    return found


def given(args):
    """`args` up to the first left out (MISSING)."""
    for i, a in enumerate(args):
        if a is MISSING:
            return args[:i]
    return args


def refuse(name, args, kwargs=None, method=True):
    """On the error path of a hand-written op whose parameters default to
    MISSING (so that a call leaving one out binds, at no cost to a full
    call): PyTorch's TypeError if one was left out. `args`: the parameters
    in order, MISSING where not given."""
    head = given(args)
    if len(head) < len(args):
        from ._keywords import missing_error
        error = missing_error(name, head, kwargs or {}, method)
        if error is not None:
            raise error from None
