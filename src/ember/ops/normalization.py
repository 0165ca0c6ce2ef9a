"""Ops of torch.nn: normalization (filled in by the nn issue)."""

__all__ = []
