"""nn.functional: attention (filled in by the sequence-model issue)."""

__all__ = []
