"""torch.serialization's load endianness: the byte order assumed for a
checkpoint that has no byteorder record (files from PyTorch before 2.1, or
saved with _disable_byteorder_record=True), kept in
torch.utils.serialization.config as PyTorch keeps it."""
import enum
import sys


class LoadEndianness(enum.Enum):
    NATIVE = 1
    LITTLE = 2
    BIG = 3


def _config():
    from .utils.serialization import config
    return config.load


def get_default_load_endianness():
    """The fallback order; None means little-endian, as PyTorch's default."""
    return _config().endianness


def set_default_load_endianness(endianness):
    if not isinstance(endianness, LoadEndianness) and endianness is not None:
        raise TypeError("Invalid argument type in function set_default_load_endianness")
    _config().endianness = endianness


def fallback_byteorder():
    """The order a checkpoint without a byteorder record is read in."""
    endianness = _config().endianness
    if endianness in (None, LoadEndianness.LITTLE):
        return "little"
    if endianness is LoadEndianness.BIG:
        return "big"
    return sys.byteorder
