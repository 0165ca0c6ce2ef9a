from .half_normal import HalfCauchy

__all__ = ["HalfCauchy"]
