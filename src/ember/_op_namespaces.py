"""torch.ops: operators by namespace, as `torch.ops.<namespace>.<op>.<overload>`.

`torch.ops.aten.add.Tensor(x, y)` calls Ember's `add` (Ember has one Python
function per op where ATen has overloads, so each overload of an aten op is
that function); `torch.ops.mylib.crop` is a custom operator defined with
torch.library (library.py). `ember.ops`, the package of Ember's ops, answers
for the namespaces through its module __getattr__, so `torch.ops` under
`ember.run` is this.
"""
import types

__all__ = ["namespace", "register", "OpOverloadPacket", "OpOverload", "load_library"]

# ATen overload names (enough for the ones scripts spell out: add.Tensor,
# sum.dim_IntList, ...); any of them reaches the op's one function.
_ATEN_OVERLOADS = ((
    "default", "Tensor", "Scalar", "out", "Scalar_out", "Tensor_out", "Tensor_Tensor",
    "Tensor_Scalar", "Scalar_Tensor", "int", "float", "complex", "bool", "dim", "dim_IntList",
    "IntList_out", "dims", "self", "other", "input", "using_ints", "using_sizes", "values",
    "dtype", "dtype_out", "memory_format", "dim_int", "int_out", "names", "t", "str",
    "correction", "correction_out", "dim_max", "dim_min", "dimname", "source_Tensor", "src",
    "value", "reduce", "two", "vec", "array", "Tensor_mode", "Scalar_mode", "indices"))
_ATEN_OVERLOAD_SET = frozenset(_ATEN_OVERLOADS)

# namespace name -> {op name: OpOverloadPacket}, for custom operators
_CUSTOM = {}


class OpOverload:
    """One overload of an operator: `torch.ops.aten.add.Tensor`."""

    def __init__(self, packet, overload, fn, schema=None):
        self.overloadpacket = packet
        self._overloadname = overload
        self._op = fn
        self._schema = schema
        self.namespace = packet.namespace
        self._opname = packet._opname
        self.__name__ = f"{packet._opname}.{overload}"

    def __call__(self, *args, **kwargs):
        return self._op(*args, **kwargs)

    def name(self):
        base = f"{self.namespace}::{self._opname}"
        return base if self._overloadname == "default" else f"{base}.{self._overloadname}"

    @property
    def op(self):
        return self._op

    def __repr__(self):
        return (f"<OpOverload(op='{self.namespace}.{self._opname}', "
                f"overload='{self._overloadname}')>")

    def __str__(self):
        return f"{self.namespace}.{self._opname}.{self._overloadname}"


class OpOverloadPacket:
    """An operator with all its overloads: `torch.ops.aten.add`; calling it
    calls the op."""

    def __init__(self, namespace, name, fn, overloads, schema=None):
        self.namespace = namespace
        self._opname = self.__name__ = name
        self._qualified_op_name = f"{namespace}::{name}"
        self._op = fn
        self._overload_names = overloads
        self._overload_set = frozenset(overloads)
        self._schema = schema
        self._overloads = {}

    def __call__(self, *args, **kwargs):
        return self._op(*args, **kwargs)

    def overloads(self):
        return list(self._overload_names)

    def __getattr__(self, overload):
        if overload.startswith("__") or overload not in self._overload_set:
            raise AttributeError(f"The underlying op of '{self}' has no overload name "
                                 f"'{overload}'")
        found = self._overloads.get(overload)
        if found is None:
            found = self._overloads[overload] = OpOverload(self, overload, self._op,
                                                           self._schema)
        return found

    def __repr__(self):
        return f"<OpOverloadPacket(op='{self.namespace}.{self._opname}')>"

    def __str__(self):
        return f"{self.namespace}.{self._opname}"


class _OpNamespace(types.ModuleType):
    """torch.ops.<namespace>: a module-like object whose attributes are ops."""

    def __init__(self, name):
        super().__init__(f"{_ROOT}.ops.{name}")
        self.name = name
        self.__file__ = f"{_ROOT}.ops"

    def __getattr__(self, op_name):
        if not op_name.startswith("__"):
            packet = _CUSTOM.get(self.name, {}).get(op_name)
            if packet is None and self.name == "aten":
                packet = _aten(op_name)
            if packet is not None:
                return packet
        raise AttributeError(f"'_OpNamespace' '{self.name}' object has no attribute '{op_name}'")


_ROOT = __package__
_NAMESPACES = {}


_ATEN_PACKETS = {}


def _aten(op_name):
    """Ember's op `op_name` as torch.ops.aten's packet (made once per op)."""
    packet = _ATEN_PACKETS.get(op_name)
    if packet is None:
        import ember
        fn = getattr(ember, op_name, None)
        if not callable(fn) or isinstance(fn, type):
            return None
        packet = _ATEN_PACKETS[op_name] = OpOverloadPacket("aten", op_name, fn, _ATEN_OVERLOADS)
    return packet


def namespace(name):
    """torch.ops.<name>: aten, or a namespace custom operators were defined in."""
    if name == "aten" or name in _CUSTOM:
        found = _NAMESPACES.get(name)
        if found is None:
            found = _NAMESPACES[name] = _OpNamespace(name)
        return found
    if name == "load_library":
        return load_library
    raise AttributeError(f"module '{_ROOT}.ops' has no attribute '{name}'")


def register(namespace_name, op_name, fn, schema):
    """Make a custom operator reachable as torch.ops.<namespace>.<op>
    (overload 'default'); returns its OpOverloadPacket."""
    packet = OpOverloadPacket(namespace_name, op_name, fn, ("default",), schema)
    _CUSTOM.setdefault(namespace_name, {})[op_name] = packet
    return packet


def load_library(path):
    """torch.ops.load_library: loads a C++ extension of PyTorch, which Ember
    cannot run."""
    raise OSError(f"Could not load this library: {path} (Ember runs no compiled "
                  "PyTorch extensions; define the operator with torch.library.custom_op)")
