"""Ops of torch.nn: attention (filled in by the sequence-model issue)."""

__all__ = []
