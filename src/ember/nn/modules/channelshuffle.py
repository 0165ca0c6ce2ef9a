"""nn modules: channelshuffle (filled in by the nn issue)."""

__all__ = []
