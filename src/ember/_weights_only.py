"""The weights-only unpickler: loads tensors, containers and numbers, and
nothing that runs code.

Python's own unpickler imports any module and calls any function a file
names; this one is a small pickle virtual machine of its own that
- finds globals only in an allow-list (PyTorch's, mapped to Ember's objects by
  `_unpickle_torch`, plus what `add_safe_globals` adds), never by import;
- calls (REDUCE), instantiates (NEWOBJ) and fills (BUILD) only allowed ones;
- appends and sets items only on real lists, sets and dicts;
- has no opcode that imports by name outside that list (INST, OBJ, EXT*).
Errors are `pickle.UnpicklingError` with PyTorch's wording.
"""
import pickle
import struct
import warnings
from collections import Counter, OrderedDict
from pickle import UnpicklingError
from _compat_pickle import IMPORT_MAPPING, NAME_MAPPING

from ._tensor import Tensor
from .nn.parameter import Parameter
from ._unpickle_torch import TORCH_GLOBALS, MISSING_GLOBALS, missing, _set_state

# never allowed, even when a user allow-lists something from them
_BLOCKED_MODULES = ("sys", "os", "posix", "nt")

_safe_globals = set()   # what add_safe_globals added: objects, or (object, "full.name")


def user_globals():
    names = {}
    for entry in _safe_globals:
        if isinstance(entry, tuple):
            if len(entry) != 2:
                raise ValueError("Expected tuple of length 2 (global, str of callable full "
                                 f"path), but got tuple of length: {len(entry)}")
            if type(entry[1]) is not str:
                raise TypeError("Expected second item in tuple to be str of callable full "
                                f"path, but got: {type(entry[1])}")
            names[entry[1]] = entry[0]
        else:
            names[f"{entry.__module__}.{entry.__qualname__}"] = entry
    return names


def allowed_globals():
    """PyTorch's allow-list (as Ember's objects) and what add_safe_globals added."""
    return {**TORCH_GLOBALS, **user_globals()}


def _unsupported_global(full):
    if full.startswith("builtins."):      # PyTorch's messages name builtins bare
        full = full[len("builtins."):]
    return UnpicklingError(
        f"Unsupported global: GLOBAL {full} was not an allowed global by default. "
        f"Please use `torch.serialization.add_safe_globals([{full}])` or the "
        f"`torch.serialization.safe_globals([{full}])` context manager to allowlist this "
        "global if you trust this class/function.")


def find_global(module, name, allowed):
    if (module, name) in NAME_MAPPING:         # Python 2 names, as pickle's fix_imports
        module, name = NAME_MAPPING[(module, name)]
    elif module in IMPORT_MAPPING:
        module = IMPORT_MAPPING[module]
    full = f"{module}.{name}"
    if module in _BLOCKED_MODULES:
        raise UnpicklingError(f"Trying to load unsupported GLOBAL {full} whose module "
                              f"{module} is blocked.")
    if full in allowed:
        return allowed[full]
    if full in MISSING_GLOBALS:
        raise missing(full)
    raise _unsupported_global(full)


class _Mark:
    """The marker MARK pushes (a distinct object, so it can't be forged)."""


_MARK = _Mark()


class WeightsUnpickler:
    def __init__(self, file, persistent_load, encoding="utf-8"):
        self.read = file.read
        self.readline = file.readline
        self.persistent_load = persistent_load
        self.encoding = encoding
        self.allowed = allowed_globals()
        self.allowed_objects = {id(v) for v in self.allowed.values()}

    def load(self):
        self.stack, self.memo = [], {}
        while True:
            code = self.read(1)
            if not code:
                raise EOFError      # PyTorch's, bare (an empty or cut-off file)
            op = _OPS.get(code[0])
            if op is None:
                raise UnpicklingError(f"Unsupported operand {code[0]}")
            if op is _stop:
                return self.pop()
            try:
                op(self)
            except UnpicklingError:
                raise
            except (IndexError, KeyError, struct.error, EOFError, UnicodeDecodeError,
                    ValueError, OverflowError, TypeError, AttributeError) as e:
                raise UnpicklingError(f"corrupted pickle data: {type(e).__name__}: {e}") \
                    from None

    # -- the stack ----------------------------------------------------------
    def push(self, value):
        self.stack.append(value)

    def pop(self):
        value = self.stack.pop()
        if value is _MARK:
            raise UnpicklingError("unexpected MARK on the stack")
        return value

    def pop_mark(self):
        stack = self.stack
        for i in range(len(stack) - 1, -1, -1):
            if stack[i] is _MARK:
                items = stack[i + 1:]
                del stack[i:]
                return items
        raise UnpicklingError("could not find MARK")

    def top(self):
        value = self.stack[-1]
        if value is _MARK:
            raise UnpicklingError("unexpected MARK on the stack")
        return value

    def is_allowed(self, obj):
        return id(obj) in self.allowed_objects

    def string(self, n):
        """n bytes; read in chunks, so a forged length cannot make one huge allocation."""
        if n < 0:
            raise UnpicklingError("negative byte count")
        chunks, left = [], n
        while left:
            chunk = self.read(min(left, 1 << 20))
            if not chunk:
                raise UnpicklingError("pickle data was truncated")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)


def _stop(u):
    pass


def _proto(u):
    u.proto = u.string(1)[0]
    if u.proto != 2:
        # shown at the line that called WeightsUnpickler.load, as PyTorch's
        # names the one in its own load()
        warnings.warn(f"Detected pickle protocol {u.proto} in the checkpoint, which was not the "
                      "default pickle protocol used by `torch.load` (2). The weights_only "
                      "Unpickler might not support all instructions implemented by this "
                      "protocol, please file an issue for adding support if you encounter this.",
                      stacklevel=3)


def _frame(u):
    u.string(8)     # frames only group opcodes; the stream is read the same


def _global(u):
    module = u.readline()[:-1].decode("utf-8")
    name = u.readline()[:-1].decode("utf-8")
    u.push(find_global(module, name, u.allowed))


def _stack_global(u):
    name, module = u.pop(), u.pop()
    if type(name) is not str or type(module) is not str:
        raise UnpicklingError("STACK_GLOBAL requires str")
    u.push(find_global(module, name, u.allowed))


def _reduce(u):
    args, func = u.pop(), u.pop()
    if not u.is_allowed(func):
        msg = f"Trying to call reduce for unrecognized function {func}"
        if hasattr(func, "__self__"):
            msg += f" which belongs to {func.__self__}"
        raise UnpicklingError(msg)
    if type(args) is not tuple:
        raise UnpicklingError("REDUCE arguments must be a tuple")
    u.push(func(*args))


def _newobj(u, kwargs=None):
    args, cls = u.pop(), u.pop()
    if type(args) is not tuple:
        raise UnpicklingError("NEWOBJ arguments must be a tuple")
    if cls is Parameter or cls is Tensor:
        u.push(cls(*args, **(kwargs or {})))
    elif u.is_allowed(cls) and isinstance(cls, type):
        u.push(cls.__new__(cls, *args, **(kwargs or {})))
    else:
        raise UnpicklingError("Can only create new object for nn.Parameter or classes "
                              f"allowlisted via `add_safe_globals` but got {cls}")


def _newobj_ex(u):
    kwargs = u.pop()
    if type(kwargs) is not dict:
        raise UnpicklingError("NEWOBJ_EX keyword arguments must be a dict")
    _newobj(u, kwargs)


def _build(u):
    state, inst = u.pop(), u.top()
    kind = type(inst)
    if kind is OrderedDict:
        inst.__dict__.update(state)
    elif kind is Parameter or (kind is not Tensor and u.is_allowed(kind)):
        if hasattr(inst, "__setstate__") and kind is not Parameter:
            inst.__setstate__(state)
        else:
            slots = None
            if isinstance(state, tuple) and len(state) == 2:
                state, slots = state
            state = {**(state or {}), **(slots or {})}
            if kind is Parameter:
                _set_state(inst, state)
            else:
                for k, v in state.items():
                    setattr(inst, k, v)
    else:
        raise UnpicklingError("Can only build Tensor, Parameter, OrderedDict or types "
                              f"allowlisted via `add_safe_globals`, but got {kind}")


def _append(u):
    item, target = u.pop(), u.top()
    if type(target) is not list:
        raise UnpicklingError(f"Can only append to lists, but got {type(target)}")
    target.append(item)


def _appends(u):
    items, target = u.pop_mark(), u.top()
    if type(target) is not list:
        raise UnpicklingError(f"Can only extend lists, but got {type(target)}")
    target.extend(items)


def _dict_target(u, opcode):
    target = u.top()
    if type(target) not in (dict, OrderedDict, Counter):
        raise UnpicklingError(f"Can only {opcode} for dict, collections.OrderedDict, "
                              f"collections.Counter, but got {type(target)}")
    return target


def _setitem(u):
    value, key = u.pop(), u.pop()
    _dict_target(u, "SETITEM")[key] = value


def _setitems(u):
    items = u.pop_mark()
    target = _dict_target(u, "SETITEMS")
    if len(items) % 2:
        raise UnpicklingError("odd number of items for SETITEMS")
    for i in range(0, len(items), 2):
        target[items[i]] = items[i + 1]


def _additems(u):
    items, target = u.pop_mark(), u.top()
    if type(target) is not set:
        raise UnpicklingError(f"Can only add items to sets, but got {type(target)}")
    target.update(items)


def _binpersid(u):
    pid = u.pop()
    if type(pid) is not tuple or not pid or pid[0] not in ("storage", b"storage"):
        raise UnpicklingError(f"Only persistent_load of storage is allowed, but got {pid!r:.80}")
    u.push(u.persistent_load(pid))


def _get(u, n):
    index = struct.unpack("<I", u.string(n).ljust(4, b"\0"))[0]
    if index not in u.memo:
        raise UnpicklingError(f"Memo value not found at index {index}")
    u.push(u.memo[index])


def _put(u, n):
    u.memo[struct.unpack("<I", u.string(n).ljust(4, b"\0"))[0]] = u.top()


def _short_binstring(u):
    data = u.string(u.string(1)[0])
    u.push(data if u.encoding == "bytes" else data.decode(u.encoding, "strict"))


def _sized(n, fmt, make):
    def op(u):
        (length,) = struct.unpack(fmt, u.string(n))
        u.push(make(u.string(length)))
    return op


def _utf8(b):
    return str(b, "utf-8", "surrogatepass")


def _tuple_n(n):
    def op(u):
        items = [u.pop() for _ in range(n)][::-1]
        u.push(tuple(items))
    return op


def _const(value_factory):
    return lambda u: u.push(value_factory())


def _fixed(n, fmt):
    return lambda u: u.push(struct.unpack(fmt, u.string(n))[0])


def _pop(u):
    if u.stack and u.stack[-1] is _MARK:
        u.pop_mark()
    else:
        u.pop()


P = pickle
_OPS = {op[0]: fn for op, fn in [
    (P.PROTO, _proto), (P.FRAME, _frame), (P.STOP, _stop),
    (P.MARK, lambda u: u.push(_MARK)), (P.POP, _pop), (P.POP_MARK, lambda u: u.pop_mark()),
    (P.DUP, lambda u: u.push(u.top())),
    (P.NONE, _const(lambda: None)), (P.NEWTRUE, _const(lambda: True)),
    (P.NEWFALSE, _const(lambda: False)),
    (P.BININT, _fixed(4, "<i")), (P.BININT1, _fixed(1, "<B")), (P.BININT2, _fixed(2, "<H")),
    (P.BINFLOAT, _fixed(8, ">d")),
    (P.LONG1, _sized(1, "<B", pickle.decode_long)), (P.LONG4, _sized(4, "<i", pickle.decode_long)),
    (P.BINUNICODE, _sized(4, "<I", _utf8)), (P.SHORT_BINUNICODE, _sized(1, "<B", _utf8)),
    (P.BINUNICODE8, _sized(8, "<Q", _utf8)), (P.SHORT_BINSTRING, _short_binstring),
    (P.BINBYTES, _sized(4, "<I", bytes)), (P.SHORT_BINBYTES, _sized(1, "<B", bytes)),
    (P.BINBYTES8, _sized(8, "<Q", bytes)), (P.BYTEARRAY8, _sized(8, "<Q", bytearray)),
    (P.EMPTY_TUPLE, _const(tuple)), (P.TUPLE, lambda u: u.push(tuple(u.pop_mark()))),
    (P.TUPLE1, _tuple_n(1)), (P.TUPLE2, _tuple_n(2)), (P.TUPLE3, _tuple_n(3)),
    (P.EMPTY_LIST, _const(list)), (P.APPEND, _append), (P.APPENDS, _appends),
    (P.LIST, lambda u: u.push(u.pop_mark())),
    (P.EMPTY_DICT, _const(dict)), (P.SETITEM, _setitem), (P.SETITEMS, _setitems),
    (P.EMPTY_SET, _const(set)), (P.ADDITEMS, _additems),
    (P.FROZENSET, lambda u: u.push(frozenset(u.pop_mark()))),
    (P.GLOBAL, _global), (P.STACK_GLOBAL, _stack_global), (P.REDUCE, _reduce),
    (P.NEWOBJ, _newobj), (P.NEWOBJ_EX, _newobj_ex), (P.BUILD, _build),
    (P.BINPERSID, _binpersid),
    (P.BINGET, lambda u: _get(u, 1)), (P.LONG_BINGET, lambda u: _get(u, 4)),
    (P.BINPUT, lambda u: _put(u, 1)), (P.LONG_BINPUT, lambda u: _put(u, 4)),
    (P.MEMOIZE, lambda u: u.memo.__setitem__(len(u.memo), u.top())),
]}
