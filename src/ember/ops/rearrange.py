"""Rearranging ops: triangles and diagonals (rearrange_diag.py), grids,
broadcasting and stacking (rearrange_grid.py), reordering, repeating and
splitting (rearrange_order.py), strided views and the in-place view ops
(rearrange_views.py). Importing this module declares them all."""
from . import rearrange_views, rearrange_diag, rearrange_grid, rearrange_order  # noqa: F401
from . import copies  # noqa: E402,F401
