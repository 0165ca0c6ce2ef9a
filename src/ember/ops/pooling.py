"""Ops of torch.nn: pooling (filled in by the nn issue)."""

__all__ = []
