"""Ops of torch.nn: recurrent (filled in by the sequence-model issue)."""

__all__ = []
