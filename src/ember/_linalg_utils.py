"""torch.solve, torch.lstsq, torch.eig, torch.symeig and torch.matrix_rank:
removed from PyTorch in 1.9 but kept in its namespace to say what replaces
them (torch._linalg_utils); Tensor's methods of these names are in
_tensor_extras."""
from ._tensor_extras import _EIG, _LSTSQ, _REMOVED, _SOLVE, _SYMEIG

__all__ = ["solve", "lstsq", "eig", "symeig", "matrix_rank"]

_MATRIX_RANK = (
    _REMOVED.rstrip(" ") + "\nPlease use the `torch.linalg.matrix_rank` function instead. "
    "The parameter 'symmetric' was renamed in `torch.linalg.matrix_rank()` to 'hermitian'.")


def matrix_rank(input, tol=None, symmetric=False, *, out=None):
    raise RuntimeError(_MATRIX_RANK)


def solve(input, A, *, out=None):
    raise RuntimeError(_SOLVE)


def lstsq(input, A, *, out=None):
    raise RuntimeError(_LSTSQ)


def _symeig(input, eigenvectors=False, upper=True, *, out=None):
    raise RuntimeError(_SYMEIG)


def eig(self, eigenvectors=False, *, e=None, v=None):
    raise RuntimeError(_EIG)


symeig = _symeig
