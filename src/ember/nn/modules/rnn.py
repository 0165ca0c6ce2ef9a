"""nn modules: rnn (filled in by the sequence-model issue)."""

__all__ = []
