"""nn modules: instancenorm (filled in by the nn issue)."""

__all__ = []
