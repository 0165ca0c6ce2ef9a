"""torch._higher_order_ops: the control flow operators (cond, while_loop,
scan, associative_scan, map), eager (_control_flow.py)."""
# (from the submodules, as PyTorch's: importing one later must not rebind
# the package's name for the function to the module)
from .associative_scan import associative_scan
from .cond import cond
from .map import map
from .scan import scan
from .while_loop import while_loop

__all__ = ["cond", "while_loop", "scan", "associative_scan", "map"]
