"""torch's @typing_extensions.deprecated on a module class (nn.Container,
nn.NLLLoss2d): making one warns (so a copy or an unpickled one does too),
and so does defining a subclass, though not making an instance of one."""
import functools
import warnings

__all__ = ["deprecated_class"]


def deprecated_class(message):
    def mark(cls):
        @functools.wraps(object.__new__)    # (as typing_extensions.deprecated wraps it)
        def __new__(klass, *args, **kwargs):
            if klass is cls:
                warnings.warn(message, FutureWarning, stacklevel=2)
            return super(cls, klass).__new__(klass)

        def __init_subclass__(klass, **kwargs):
            warnings.warn(message, FutureWarning, stacklevel=2)
            super(cls, klass).__init_subclass__(**kwargs)

        cls.__deprecated__ = message
        cls.__new__ = staticmethod(__new__)
        cls.__init_subclass__ = classmethod(__init_subclass__)
        return cls
    return mark
