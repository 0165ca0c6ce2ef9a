"""`torch.return_types`: the named tuples ops with several results return
(`values`/`indices` of `max(dim)`, `sort`, `topk`, ...)."""
from collections import namedtuple

from . import _public_name

__all__ = []


def _return_type(name, fields=("values", "indices")):
    """The named tuple `ember.return_types.<name>`, printed as PyTorch prints
    it, one field per line (`torch.return_types.<name>` while the program
    calls the library torch, the class too)."""
    base = namedtuple(name, fields, module=__name__)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
        return f"{_public_name.public_module(__name__)}.{name}(\n{body})"
    cls = _public_name.PublicClass(name, (base,), {"__slots__": (), "__module__": __name__,
                                                   "__qualname__": name, "__repr__": __repr__})
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
