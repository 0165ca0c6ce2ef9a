"""nn modules: fold (filled in by the nn issue)."""

__all__ = []
