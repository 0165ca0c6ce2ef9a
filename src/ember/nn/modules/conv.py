"""nn modules: conv (filled in by the nn issue)."""

__all__ = []
