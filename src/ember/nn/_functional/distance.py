"""nn.functional: distance (filled in by the nn issue)."""

__all__ = []
