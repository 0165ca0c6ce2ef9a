"""torch._tensor_str's public helpers (torch has no top-level
get_printoptions; scripts reach it here)."""
from ._printing import get_printoptions, printoptions, set_printoptions

__all__ = ["get_printoptions", "printoptions", "set_printoptions"]
