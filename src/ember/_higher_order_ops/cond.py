"""torch._higher_order_ops.cond."""
from .._namespace_extras import cond

__all__ = ["cond"]
