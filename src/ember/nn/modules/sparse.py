"""nn modules: sparse (filled in by the nn issue)."""

__all__ = []
