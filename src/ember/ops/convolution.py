"""Ops of torch.nn: convolution (filled in by the nn issue)."""

__all__ = []
