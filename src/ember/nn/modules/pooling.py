"""nn modules: pooling (filled in by the nn issue)."""

__all__ = []
