"""PyTorch's checkpoint container: a zip archive of stored (uncompressed)
records under one top-level folder, `<archive>/data.pkl` plus one record
`<archive>/data/<key>` per storage.

Python's `zipfile` does the zip work. Two things are added on top of it:

- the layout PyTorch's writer (miniz) produces: each record's data starts on a
  64-byte boundary, padded by an extra field "FB", and records are streamed
  with data descriptors. PyTorch can then memory-map storages and, with
  `calculate_storage_offsets`, compute their offsets without reading headers;
- errors that say which file is broken and how, and a CRC-32 check of every
  record read (a flipped bit in a tensor is reported, where PyTorch loads it).
"""
import io
import os
import struct
import zipfile
import zlib

ALIGNMENT = 64
_LOCAL_HEADER = 30          # bytes of a zip local file header before its name
_PAD_HEADER = 4             # "FB" + the 2-byte length of the padding field
_ZIP64_EXTRA = 20           # what zipfile adds to a local header for a zip64 record


def describe(f):
    """How an error names the checkpoint: its path, or the file object."""
    if isinstance(f, (str, bytes, os.PathLike)):
        return repr(os.fsdecode(f))
    name = getattr(f, "name", None)
    return repr(name) if isinstance(name, str) else f"the {type(f).__name__} object"


class _CountingWriter(io.RawIOBase):
    """A write-only stream that knows how many bytes went through it.

    zipfile sees a stream it cannot seek, so it streams each record with a
    data descriptor after the data, as miniz does; the count gives the
    offsets the 64-byte padding is computed from."""

    def __init__(self, f):
        self._f = f
        self._pos = 0

    def writable(self):
        return True

    def write(self, b):
        n = self._f.write(b)
        n = len(b) if n is None else n
        self._pos += n
        return n

    def tell(self):
        return self._pos

    def seekable(self):
        return False

    def flush(self):
        # Also called when this wrapper is collected, which after a failed save
        # is once the caller has closed the stream; Python 3.13 reports the
        # ValueError that flushing a closed file raises there.
        if not getattr(self._f, "closed", False):
            self._f.flush()


class ArchiveWriter:
    def __init__(self, f, archive_name, alignment=ALIGNMENT, crc32=True):
        self._out = _CountingWriter(f)
        self._zip = zipfile.ZipFile(self._out, "w", zipfile.ZIP_STORED, allowZip64=True)
        self._prefix = archive_name + "/"
        self._alignment, self._crc32 = alignment, crc32

    def write_record(self, name, data):
        """data: bytes, or a NumPy array (written from its memory, not copied)."""
        if isinstance(data, str):
            data = data.encode("ascii")
        view = memoryview(data).cast("B")
        info = zipfile.ZipInfo(self._prefix + name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_STORED
        info.file_size = view.nbytes
        zip64 = view.nbytes * 1.05 > zipfile.ZIP64_LIMIT   # zipfile's own rule
        start = (self._out.tell() + _LOCAL_HEADER + len(info.filename.encode("utf-8"))
                 + _PAD_HEADER + (_ZIP64_EXTRA if zip64 else 0))
        pad = -start % self._alignment
        info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
        with self._zip.open(info, "w", force_zip64=zip64) as w:
            for i in range(0, view.nbytes, 1 << 26):      # 64 MiB at a time
                w.write(view[i:i + (1 << 26)])
            if not self._crc32:
                # (set_crc32_options(False): PyTorch writes 0, which readers
                # take as no CRC; zipfile writes what its writer holds on close)
                w._crc = 0

    def close(self):
        self._zip.close()
        self._out.flush()


class ArchiveReader:
    """The records of a checkpoint, each checked against its CRC-32 when read."""

    def __init__(self, f, where):
        self.where = where
        self._file = f
        try:
            self._zip = zipfile.ZipFile(f)
            names = self._zip.namelist()
        except zipfile.BadZipFile as e:
            reason = ("failed finding central directory" if "not a zip file" in str(e)
                      else str(e))
            raise self.error(f"PytorchStreamReader failed reading zip archive: {reason}") from None
        except (EOFError, OSError, ValueError, struct.error) as e:
            raise self.error(f"PytorchStreamReader failed reading zip archive: {e}") from None
        self._records = {}
        prefix = None
        for name in names:
            folder, sep, rest = name.partition("/")
            if not sep:
                raise self.error(f"file in archive is not in a subdirectory: {name}")
            if prefix is None:
                prefix = folder
            if folder == prefix:
                self._records[rest] = name
        if prefix is None:
            raise self.error("PytorchStreamReader failed reading zip archive: archive is empty")

    def error(self, what):
        return RuntimeError(
            f"{what}, in {self.where}: it is not a complete checkpoint. It may have been "
            "truncated (a save that did not finish, a transfer cut short), corrupted, or not "
            "written by torch.save.")

    def has_record(self, name):
        return name in self._records

    def records(self):
        return list(self._records)

    def _info(self, name):
        if name not in self._records:
            raise self.error(f"PytorchStreamReader failed locating file {name}: file not found")
        return self._zip.getinfo(self._records[name])

    def size(self, name):
        return self._info(name).file_size

    def read(self, name, into=None):
        """The record's bytes (or read into the writable buffer `into`), read
        straight from the file into place and checked against its CRC-32."""
        info = self._info(name)
        if info.compress_type != zipfile.ZIP_STORED:
            raise self.error(f"record {name} is compressed (method {info.compress_type}); "
                             "checkpoints store records uncompressed")
        buf = bytearray(info.file_size) if into is None else into
        view = memoryview(buf).cast("B")
        if view.nbytes != info.file_size:
            raise self.error(f"record {name} holds {info.file_size} bytes where "
                             f"{view.nbytes} were expected")
        try:
            self._file.seek(self.data_offset(name))
            got = _read_into(self._file, view)
        except (OSError, ValueError) as e:
            raise self.error(f"PytorchStreamReader failed reading record {name}: {e}") from None
        if got != view.nbytes:
            raise self.error(f"record {name} ends after {got} of its {view.nbytes} bytes")
        # A CRC of 0 is what PyTorch writes for every record after
        # torch.serialization.set_crc32_options(False): nothing to check against.
        if info.CRC != 0 and zlib.crc32(view) != info.CRC:
            raise self.error(f"CRC-32 mismatch in record {name}: its bytes are not the ones "
                             "that were saved")
        return buf

    def data_offset(self, name):
        """Where the record's bytes start in the file (for memory mapping)."""
        info = self._info(name)
        self._file.seek(info.header_offset)
        header = self._file.read(_LOCAL_HEADER)
        if len(header) != _LOCAL_HEADER or header[:4] != b"PK\x03\x04":
            raise self.error(f"bad local header for record {name}")
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        return info.header_offset + _LOCAL_HEADER + name_len + extra_len

    def close(self):
        self._zip.close()


def _read_into(f, view):
    got = 0
    while got < view.nbytes:
        n = f.readinto(view[got:]) if hasattr(f, "readinto") else None
        if n is None:
            chunk = f.read(min(view.nbytes - got, 1 << 26))
            n = len(chunk)
            view[got:got + n] = chunk
        if not n:
            break
        got += n
    return got


def is_zipfile(f):
    """Whether the stream starts with a zip local header (PyTorch's test);
    the position is left where it was."""
    start = f.tell()
    magic = f.read(4)
    f.seek(start)
    return magic == b"PK\x03\x04"
