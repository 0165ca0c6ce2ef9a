"""nn modules: padding (filled in by the nn issue)."""

__all__ = []
