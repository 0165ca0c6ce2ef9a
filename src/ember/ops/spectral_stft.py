"""stft / istft (placeholder while written)."""
