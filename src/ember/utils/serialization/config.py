"""torch.utils.serialization.config: the settings torch.load and torch.save
read at each call (torch.serialization's get_/set_ functions write them)."""
import sys


class load:
    mmap = False                # torch.load's mmap= when it is not given
    endianness = None           # a LoadEndianness, for files without a byteorder record
    # MAP_PRIVATE = 2
    mmap_flags = None if sys.platform == "win32" else 2
    calculate_storage_offsets = False   # (Ember always finds each record's offset itself)


class save:
    compute_crc32 = True        # False: each record's CRC-32 is written as 0
    use_pinned_memory_for_d2h = False   # (for accelerator tensors, which Ember has none of)
    storage_alignment = 64
