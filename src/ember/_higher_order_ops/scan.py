"""torch._higher_order_ops.scan."""
from ._control_flow import scan

__all__ = ["scan"]
