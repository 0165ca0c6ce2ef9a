"""nn.functional: conv (filled in by the nn issue)."""

__all__ = []
