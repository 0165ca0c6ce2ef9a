"""Ops of torch.nn: embedding (filled in by the sequence-model issue)."""

__all__ = []
