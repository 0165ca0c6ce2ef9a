"""nn modules: transformer (filled in by the sequence-model issue)."""

__all__ = []
