"""PyTorch's checkpoint format before 1.6 (`_use_new_zipfile_serialization=False`).

One stream of pickles: a magic number, the protocol version, a dict about
the machine, the object (its storages as persistent ids), the list of storage
keys; then each storage as an int64 element count and its raw bytes. The tar
format of PyTorch 0.1-0.3 is recognised and refused.
"""
import pickle
import struct
import sys

from ._backend import np

from ._unpickle_torch import StorageType, TypedStorage

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001


def write(out, data_pkl, storages, pickle_module, protocol):
    sys_info = {"protocol_version": PROTOCOL_VERSION,
                "little_endian": sys.byteorder == "little",
                "type_sizes": {"short": struct.calcsize("=h"), "int": struct.calcsize("=i"),
                               "long": struct.calcsize("=l")}}
    for header in (MAGIC_NUMBER, PROTOCOL_VERSION, sys_info):
        pickle_module.dump(header, out, protocol=protocol)
    out.write(data_pkl)
    pickle_module.dump([key for key, _, _ in storages.records], out, protocol=protocol)
    for key, raw, numel in storages.records:
        out.write(struct.pack("<q", numel))
        out.write(memoryview(raw))


def _is_tar(fh):
    start = fh.tell()
    block = fh.read(512)
    fh.seek(start)
    return len(block) == 512 and block[257:262] == b"ustar"


def read(fh, where, restore, weights_only, unpickle, skip_data=False):
    """The object in a legacy checkpoint. unpickle(file, persistent_load) reads
    one pickle with the chosen unpickler (weights-only or not)."""
    if _is_tar(fh):
        if weights_only:
            from .serialization import UNSAFE_MESSAGE
            raise RuntimeError("Cannot use ``weights_only=True`` with files saved in the legacy "
                               ".tar format. " + UNSAFE_MESSAGE)
        raise RuntimeError(f"{where} is in PyTorch's .tar checkpoint format (PyTorch 0.3 and "
                           "older), which Ember does not read; load it with PyTorch and "
                           "torch.save it again")

    def header():
        return unpickle(fh, _no_storages)

    # (what is neither a zip nor a legacy checkpoint fails here as in
    # PyTorch: the unpickler's own error, or the wrong magic number)
    if header() != MAGIC_NUMBER:
        raise RuntimeError("Invalid magic number; corrupt file?")
    try:
        version = header()
        if version != PROTOCOL_VERSION:
            raise RuntimeError(f"Invalid protocol version: {version}")
        sys_info = header()
        little = sys_info.get("little_endian", True) if isinstance(sys_info, dict) else True
    except (pickle.UnpicklingError, EOFError) as e:
        raise RuntimeError(f"the legacy checkpoint header is damaged ({e}), in {where}") \
            from None
    roots, views = {}, {}

    def persistent_load(pid):
        if type(pid) is not tuple or not pid:
            raise pickle.UnpicklingError(f"unsupported persistent id {pid!r:.80}")
        kind = pid[0].decode("ascii") if isinstance(pid[0], bytes) else pid[0]
        if kind == "module" and not weights_only:
            return pid[1]       # a class whose source PyTorch kept for a diff; not checked
        if kind != "storage" or len(pid) != 6:
            raise pickle.UnpicklingError(f"Unknown saved id type: {pid[0]!r:.80}")
        _, storage_type, key, location, numel, view = pid
        if not isinstance(storage_type, StorageType) or type(numel) is not int or numel < 0:
            raise pickle.UnpicklingError(f"malformed storage id {pid!r:.80}")
        if key not in roots:
            loc = location.decode("ascii") if isinstance(location, bytes) else location
            roots[key] = restore(TypedStorage(np.zeros(numel, storage_type.dtype._np),
                                              storage_type.dtype), loc)
        root = roots[key]
        if view is None:
            return root
        view_key, offset, size = view
        if view_key not in views:
            views[view_key] = TypedStorage(root._array[offset:offset + size], root.dtype)
        return views[view_key]

    result = unpickle(fh, persistent_load)
    if skip_data:       # (the storages are left unread, as under PyTorch's skip_data)
        return result
    try:
        keys = header()
        for key in keys:
            array = roots[key]._array
            (numel,) = struct.unpack("<q", fh.read(8))
            if numel != array.size:
                raise RuntimeError(f"storage {key} holds {numel} elements where "
                                        f"{array.size} were expected, in {where}")
            view = memoryview(array.view(np.uint8))     # (bfloat16 exports no buffer)
            if fh.readinto(view) != view.nbytes:
                raise RuntimeError(f"storage {key} is cut short: {where} is truncated")
            if little != (sys.byteorder == "little"):
                array.byteswap(inplace=True)
    except (pickle.UnpicklingError, EOFError, struct.error, KeyError, TypeError) as e:
        raise RuntimeError(f"the storages of the legacy checkpoint are damaged "
                                f"({type(e).__name__}: {e}), in {where}") from None
    return result


def _no_storages(pid):
    raise pickle.UnpicklingError("unexpected persistent id in a legacy checkpoint header")
