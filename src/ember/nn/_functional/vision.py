"""nn.functional: vision (filled in by the nn issue)."""

__all__ = []
