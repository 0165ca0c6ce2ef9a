"""torch._higher_order_ops.map."""
from ._control_flow import map

__all__ = ["map"]
