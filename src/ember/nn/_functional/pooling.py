"""nn.functional: pooling (filled in by the nn issue)."""

__all__ = []
