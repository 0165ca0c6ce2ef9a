"""nn modules: upsampling (filled in by the nn issue)."""

__all__ = []
