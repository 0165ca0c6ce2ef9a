"""Ops of torch.nn: sampling (filled in by the nn issue)."""

__all__ = []
