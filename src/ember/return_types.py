"""`torch.return_types`: the types of the results ops with several outputs
return (`values`/`indices` of `max(dim)`, `sort`, `topk`, ...). PyTorch's
are structseqs (the kind of `os.stat_result`): tuples whose fields are also
attributes, built from one sequence, `torch.return_types.sort((v, i))`, and
without a named tuple's `_fields`/`_asdict`. These behave so."""
import builtins
import sys

from . import _public_name

__all__ = []


def _public_name_of(cls):
    return f"{_public_name.public_module(cls.__module__)}.{cls.__name__}"


_NO_DICT = object()


def _new(cls, sequence, dict=_NO_DICT):
    if dict is not _NO_DICT and not isinstance(dict, builtins.dict):     # (None too)
        raise TypeError(f"{_public_name_of(cls)}() takes a dict as second arg, if any")
    try:
        fields = tuple(sequence)
    except TypeError:
        raise TypeError("constructor requires a sequence") from None
    if len(fields) != cls.n_fields:
        raise TypeError(f"{_public_name_of(cls)}() takes a {cls.n_fields}-sequence "
                        f"({len(fields)}-sequence given)")
    if dict is not _NO_DICT and dict and sys.version_info >= (3, 13):   # (3.13 reads its keys)
        raise TypeError(f"{_public_name_of(cls)}() got duplicate or unexpected field name(s)")
    return tuple.__new__(cls, fields)


class _StructSeqType(_public_name.PublicClass):
    """The types' type: `_of`, Ember's own constructor of an op's result
    (without the checks), out of sight of dir() as CPython's types have none."""

    def _of(cls, *fields):
        return tuple.__new__(cls, fields)


class _Field:
    """A field's attribute, read-only as a structseq's member."""
    __slots__ = ("index", "name", "owner")

    def __init__(self, index, name, owner):
        self.index, self.name, self.owner = index, name, owner

    def __get__(self, obj, cls=None):
        return self if obj is None else obj[self.index]

    def __set__(self, obj, value):
        raise AttributeError("readonly attribute")

    def __delete__(self, obj):
        raise AttributeError("readonly attribute")

    def __repr__(self):
        return f"<member '{self.name}' of '{_public_name_of(self.owner)}' objects>"


def _reduce(self):
    return type(self), (tuple(self), {})


def _repr(self):
    body = ",\n".join(f"{f}={v!r}" for f, v in zip(self.__match_args__, self))
    return f"{_public_name_of(type(self))}(\n{body})"


def _return_type(name, fields=("values", "indices")):
    """The type `ember.return_types.<name>` (`torch.return_types.<name>`
    while the program calls the library torch, the class too)."""
    # (what CPython's structseq.c gives such a type; tuple its only base, as
    # there: torch.utils._pytree tells a structseq by it)
    namespace = {"__slots__": (), "__module__": __name__, "__qualname__": name,
                 "__new__": _new, "__reduce__": _reduce,
                 "__repr__": _repr, "__str__": _repr, "__match_args__": fields,
                 "n_fields": len(fields), "n_sequence_fields": len(fields),
                 "n_unnamed_fields": 0}
    cls = _StructSeqType(name, (tuple,), namespace)
    for i, f in enumerate(fields):
        setattr(cls, f, _Field(i, f, cls))
    globals()[name] = cls
    __all__.append(name)
    if not name.endswith("_out"):
        _return_type(name + "_out", fields)     # what the op returns with out=
    return cls


for _name in ("max", "min", "sort", "topk", "kthvalue", "median", "nanmedian", "mode",
              "cummax", "cummin", "aminmax"):
    _return_type(_name, ("min", "max") if _name == "aminmax" else ("values", "indices"))
for _name, _fields in {"slogdet": ("sign", "logabsdet"), "linalg_slogdet": ("sign", "logabsdet"),
                       "linalg_inv_ex": ("inverse", "info"),
                       "linalg_cholesky_ex": ("L", "info"), "qr": ("Q", "R"),
                       "linalg_qr": ("Q", "R"), "svd": ("U", "S", "V"),
                       "linalg_svd": ("U", "S", "Vh"), "linalg_eig": ("eigenvalues", "eigenvectors"),
                       "linalg_eigh": ("eigenvalues", "eigenvectors"),
                       "linalg_lstsq": ("solution", "residuals", "rank", "singular_values"),
                       "linalg_lu": ("P", "L", "U"), "linalg_lu_factor": ("LU", "pivots"),
                       "linalg_lu_factor_ex": ("LU", "pivots", "info"),
                       "linalg_solve_ex": ("result", "info"), "lu_unpack": ("P", "L", "U"),
                       "histogram": ("hist", "bin_edges"),
                       "histogramdd": ("hist", "bin_edges"), "frexp": ("mantissa", "exponent"),
                       "geqrf": ("a", "tau"),
                       "triangular_solve": ("solution", "cloned_coefficient"),
                       "_lu_with_info": ("LU", "pivots", "info")}.items():
    _return_type(_name, _fields)
