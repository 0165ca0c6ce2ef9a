"""torch.serialization: `save` and `load` in PyTorch's own file format.

`ember.save` writes the zip archive `torch.save` writes, and real
`torch.load` reads it (weights-only included); `ember.load` reads what
`torch.save` writes, the pre-1.6 format too, and by default only through the
weights-only unpickler, so a file cannot run code. Saving to a path is atomic:
a crash or an error mid-save leaves the old file as it was.
"""
import io
import mmap as _mmap
import os
import pickle
import re
import secrets
import stat
import sys
import threading
import warnings

from ._backend import np

from . import _weights_only
from .utils.serialization import config as _config
from ._pickle_torch import Storages, pickler_class
from ._unpickle_torch import StorageType, TypedStorage, location_restorer
from ._weights_only import WeightsUnpickler, allowed_globals, find_global
from ._zip_checkpoint import ArchiveReader, ArchiveWriter, describe, is_zipfile
from . import _legacy_checkpoint as _legacy
from ._package_registry import (register_package, location_tag,  # noqa: F401
                                default_restore_location, normalize_storage_type,
                                storage_to_tensor_type, check_module_version_greater_or_equal,
                                validate_cuda_device, mkdtemp)
from ._serialization_options import (LoadEndianness, get_default_load_endianness,  # noqa: F401
                                     set_default_load_endianness, fallback_byteorder)

__all__ = ["save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals",
           "safe_globals", "get_unsafe_globals_in_checkpoint", "DEFAULT_PROTOCOL",
           "SourceChangeWarning", "register_package", "location_tag",
           "default_restore_location", "normalize_storage_type", "storage_to_tensor_type",
           "check_module_version_greater_or_equal", "validate_cuda_device", "mkdtemp",
           "StorageType", "LoadEndianness", "get_default_load_endianness",
           "set_default_load_endianness", "skip_data", "get_crc32_options",
           "set_crc32_options", "get_default_mmap_options", "set_default_mmap_options"]

DEFAULT_PROTOCOL = 2
FILE_FORMAT_VERSION = "3\n"

UNSAFE_MESSAGE = (
    "In PyTorch 2.6, we changed the default value of the `weights_only` argument in "
    "`torch.load` from `False` to `True`. Re-running `torch.load` with `weights_only` set to "
    "`False` will likely succeed, but it can result in arbitrary code execution. Do it only if "
    "you got the file from a trusted source.")
_DOCS_MESSAGE = (
    "\n\nCheck the documentation of torch.load to learn more about types accepted by default "
    "with weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")
_TRUE = ("1", "y", "yes", "true")


class SourceChangeWarning(Warning):
    pass


# -- the allow-list -----------------------------------------------------------

def add_safe_globals(safe_globals):
    """Allow these globals (objects, or (object, "module.name") pairs) in
    weights-only loads."""
    _weights_only._safe_globals.update(safe_globals)


def get_safe_globals():
    return list(_weights_only._safe_globals)


def clear_safe_globals():
    _weights_only._safe_globals.clear()


class safe_globals:
    """Context manager: allow these globals in weights-only loads inside it."""

    def __init__(self, safe_globals):
        self.safe_globals = safe_globals

    def __enter__(self):
        add_safe_globals(self.safe_globals)

    def __exit__(self, *exc):
        _weights_only._safe_globals.difference_update(self.safe_globals)


def get_unsafe_globals_in_checkpoint(f):
    """The globals a checkpoint names that a weights-only load would refuse
    (read without loading anything)."""
    import pickletools
    with _open_for_reading(f) as (fh, where):
        if not is_zipfile(fh):
            raise ValueError("Expected input to be a checkpoint returned by torch.save")
        reader = ArchiveReader(fh, where)
        data = bytes(reader.read("data.pkl"))
    allowed = allowed_globals()
    found, strings = set(), []
    for op, arg, _ in pickletools.genops(data):
        if op.name in ("SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE"):
            strings.append(arg)
        if op.name == "GLOBAL":
            found.add(arg.replace(" ", "."))
        elif op.name == "STACK_GLOBAL" and len(strings) >= 2:
            found.add(f"{strings[-2]}.{strings[-1]}")
    unsafe = []
    for name in sorted(found):
        module, _, attr = name.rpartition(".")
        try:
            find_global(module, attr, allowed)
        except (pickle.UnpicklingError, RuntimeError):
            unsafe.append(name)
    return unsafe


# -- options (torch.utils.serialization.config) ---------------------------------

def get_crc32_options():
    """Whether torch.save computes and writes the CRC-32 of each record."""
    return _config.save.compute_crc32


def set_crc32_options(compute_crc32):
    """Set whether torch.save computes and writes each record's CRC-32 (0 if not)."""
    _config.save.compute_crc32 = compute_crc32


def get_default_mmap_options():
    """The mmap flags torch.load(mmap=True) maps files with (mmap.MAP_PRIVATE)."""
    return _config.load.mmap_flags


class set_default_mmap_options:
    """Context manager or function: torch.load(mmap=True) maps files with
    `flags`, mmap.MAP_PRIVATE (copy-on-write) or mmap.MAP_SHARED (writes
    reach the file)."""

    def __init__(self, flags):
        if sys.platform == "win32":
            raise RuntimeError(
                "Changing the default mmap options is currently not supported for Windows")
        if flags != _mmap.MAP_PRIVATE and flags != _mmap.MAP_SHARED:
            raise ValueError("Invalid argument in function set_default_mmap_options, "
                             f"expected mmap.MAP_PRIVATE or mmap.MAP_SHARED, but got {flags}")
        self.prev = _config.load.mmap_flags
        _config.load.mmap_flags = flags

    def __enter__(self):
        pass

    def __exit__(self, exc_type, exc_value, traceback):
        _config.load.mmap_flags = self.prev


# -- skip_data ----------------------------------------------------------------

_tls = threading.local()


def _skipping():
    return getattr(_tls, "skip_data", False)


class skip_data:
    """Saves write each storage's record without its bytes (zeros in their
    place, to be filled in a separate pass); loads leave storages unread
    (zeros). `materialize_fake_tensors` is for FakeTensors, which Ember does
    not have: nothing to materialize."""

    def __init__(self, materialize_fake_tensors: bool = False):
        self.materialize_fake_tensors = materialize_fake_tensors

    def __enter__(self):
        self._old = _skipping()
        _tls.skip_data = True

    def __exit__(self, type, value, tb):
        _tls.skip_data = self._old


# -- save ---------------------------------------------------------------------

def save(obj, f, pickle_module=pickle, pickle_protocol=DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization=True, _disable_byteorder_record=False):
    """Save `obj` to a path or a writable file object, in torch.save's format."""
    is_path = isinstance(f, (str, os.PathLike))
    if not is_path and not hasattr(f, "write"):
        raise AttributeError("expected 'f' to be string, path, or a file-like object with a "
                             "'write' attribute")
    if _skipping() and not _use_new_zipfile_serialization:
        raise RuntimeError("Cannot use skip_data=True with _use_new_zipfile_serialization=False")
    storages = Storages(legacy=not _use_new_zipfile_serialization)
    pickled = io.BytesIO()
    # Pickled before the file is opened: an object that cannot be pickled
    # leaves the file untouched.
    pickler_class(pickle_module)(pickled, pickle_protocol, storages).dump(obj)

    def write(out):
        if _use_new_zipfile_serialization:
            _write_zip(out, _archive_name(f) if is_path else "archive", pickled.getvalue(),
                       storages, _disable_byteorder_record)
        else:
            _legacy.write(out, pickled.getvalue(), storages, pickle_module, pickle_protocol)

    if is_path:
        _atomic_write(os.fspath(f), write)
    else:
        write(f)
        if hasattr(f, "flush"):
            f.flush()


def _archive_name(path):
    stem = os.path.splitext(os.path.basename(os.fspath(path)))[0]
    return stem or "archive"


def _write_zip(out, archive_name, data_pkl, storages, disable_byteorder):
    options = _config.save
    w = ArchiveWriter(out, archive_name, options.storage_alignment, options.compute_crc32)
    try:
        w.write_record("data.pkl", data_pkl)
        w.write_record(".format_version", "1")
        w.write_record(".storage_alignment", str(options.storage_alignment))
        if not disable_byteorder:
            w.write_record("byteorder", sys.byteorder)
        skip = _skipping()
        for key, raw, _ in storages.records:
            w.write_record(f"data/{key}", np.zeros(raw.nbytes, np.uint8) if skip else raw)
        w.write_record("version", FILE_FORMAT_VERSION)
        w.write_record(".data/serialization_id", str(secrets.randbelow(10 ** 40)).zfill(40))
    except BaseException:
        try:        # end the archive, or zipfile would try to when collected
            w.close()
        except Exception:   # noqa: BLE001 - the first error is the one to report
            pass
        raise
    w.close()


def _atomic_write(path, write):
    """Write through a temporary file beside `path`, fsync it, then rename it
    over `path`: readers see the old file or the whole new one, never a part."""
    target = os.path.realpath(path)       # through a symlink, not over it
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise RuntimeError(f"Parent directory {os.path.dirname(os.path.abspath(path))} "
                           "does not exist.")
    if os.path.isdir(target):
        raise IsADirectoryError(21, "Is a directory", path)
    tmp = os.path.join(folder, f".{os.path.basename(target)}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if os.path.exists(target):
            os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if hasattr(os, "O_DIRECTORY"):        # make the rename itself durable
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


# -- load ---------------------------------------------------------------------

def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None,
         **pickle_load_args):
    """Load what torch.save or ember.save wrote. Weights-only by default: only
    tensors, containers, numbers and allow-listed globals are built."""
    weights_only = _resolve_weights_only(weights_only, pickle_module)
    if weights_only:
        if pickle_module is not None:
            raise RuntimeError("Can not safely load weights when explicit pickle_module is "
                               "specified")
        if pickle_load_args:
            warnings.warn("pickle_load_args only works if `weights_only=False`.", stacklevel=2)
    elif pickle_module is None:
        pickle_module = pickle
    pickle_load_args.setdefault("encoding", "utf-8")
    if mmap is None:
        mmap = _config.load.mmap
    if isinstance(f, (str, os.PathLike)) and os.fspath(f).endswith(".safetensors"):
        return _load_safetensors(os.fspath(f), map_location)
    restore = location_restorer(map_location)
    with _open_for_reading(f) as (fh, where):
        try:
            return _load_from(fh, f, where, restore, pickle_module, weights_only, mmap,
                              pickle_load_args)
        except pickle.UnpicklingError as e:
            if weights_only:
                raise pickle.UnpicklingError(_weights_only_message(str(e))) from None
            raise


def _resolve_weights_only(weights_only, pickle_module):
    """PyTorch's rules, its environment switches included."""
    not_set = weights_only is None
    if not_set:
        weights_only = pickle_module is None
    force = os.getenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0").lower() in _TRUE
    force_no = os.getenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0").lower() in _TRUE
    if force and force_no:
        raise RuntimeError("Only one of `TORCH_FORCE_WEIGHTS_ONLY_LOAD` or "
                           "`TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` should be set, but both were set.")
    if force:
        return True
    if force_no and not_set:
        warnings.warn("Environment variable TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected, since "
                      "the`weights_only` argument was not explicitly passed to `torch.load`, "
                      "forcing weights_only=False.", UserWarning, stacklevel=3)
        return False
    return weights_only


class _open_for_reading:
    """(file object, how errors name it) for a path or a seekable file object."""

    def __init__(self, f):
        self.f = f
        self.opened = None

    def __enter__(self):
        f = self.f
        if isinstance(f, (str, os.PathLike)):
            self.opened = open(f, "rb")
            return self.opened, describe(f)
        for attr in ("read", "readline", "seek", "tell"):
            if not hasattr(f, attr):
                raise AttributeError(
                    f"'{type(f).__name__}' object has no attribute '{attr}'. You can only "
                    "torch.load from a file that is seekable. Please pre-load the data into a "
                    "buffer like io.BytesIO and try to load from it instead.")
        return f, describe(f)

    def __exit__(self, *exc):
        if self.opened is not None:
            self.opened.close()


def _load_from(fh, f, where, restore, pickle_module, weights_only, mmap, load_args):
    if is_zipfile(fh):
        reader = ArchiveReader(fh, where)
        if reader.has_record("constants.pkl"):
            raise RuntimeError(f"{where} is a TorchScript archive (torch.jit.save); Ember "
                               "cannot run TorchScript")
        whole_file = None
        if mmap:
            if not isinstance(f, (str, os.PathLike)):
                raise ValueError("f must be a file path in order to use the mmap argument")
            # (copy-on-write as MAP_PRIVATE, the default; MAP_SHARED writes through)
            shared = _config.load.mmap_flags == getattr(_mmap, "MAP_SHARED", None)
            whole_file = np.memmap(f, np.uint8, mode="r+" if shared else "c")
        data = io.BytesIO(reader.read("data.pkl"))
        byteorder = reader.read("byteorder").decode() if reader.has_record("byteorder") \
            else fallback_byteorder()
        if byteorder not in ("little", "big"):
            raise ValueError("Unknown endianness type: " + byteorder)
        persistent_load = _zip_storages(reader, restore, byteorder, whole_file)
        return _unpickle(data, persistent_load, pickle_module, weights_only, load_args)
    if mmap:
        name = f"{f}, " if isinstance(f, str) else ""
        raise RuntimeError("mmap can only be used with files saved with "
                           f"`torch.save({name}_use_new_zipfile_serialization=True), please "
                           "torch.save your checkpoint with this option in order to use mmap.")
    return _legacy.read(fh, where, restore, weights_only,
                        lambda file, pl: _unpickle(file, pl, pickle_module, weights_only,
                                                   load_args), skip_data=_skipping())


def _zip_storages(reader, restore, byteorder, whole_file):
    """persistent_load for a zip checkpoint: each storage read once, on first use."""
    loaded = {}

    def persistent_load(pid):
        if type(pid) is not tuple or len(pid) != 5:
            raise pickle.UnpicklingError(f"unsupported persistent id {pid!r:.80}")
        _, storage_type, key, location, numel = pid
        if not isinstance(storage_type, StorageType) or type(key) is not str \
                or type(numel) is not int or numel < 0:
            raise pickle.UnpicklingError(f"malformed storage id {pid!r:.80}")
        if key in loaded:
            return loaded[key]
        dtype = storage_type.dtype
        name = f"data/{key}"
        if _skipping():
            array = np.zeros(numel, dtype._np)      # (the storage left unread)
        elif whole_file is not None:
            start = reader.data_offset(name)
            nbytes = numel * dtype.itemsize
            if reader.size(name) != nbytes or start + nbytes > whole_file.size:
                raise reader.error(f"record {name} does not hold {numel} elements")
            # (the record's own buffer, not a slice of the file's: a storage's
            # offsets count from the record's start, as PyTorch's do)
            array = np.frombuffer(memoryview(whole_file)[start:start + nbytes],
                                  np.uint8).view(dtype._np)
        else:
            array = np.empty(numel, dtype._np)
            reader.read(name, into=array.view(np.uint8))  # (bfloat16 exports no buffer)
        if byteorder != sys.byteorder:
            array.byteswap(inplace=True)
        storage = restore(TypedStorage(array, dtype),
                          location.decode("ascii") if isinstance(location, bytes) else location)
        loaded[key] = storage
        return storage
    return persistent_load


def _unpickle(file, persistent_load, pickle_module, weights_only, load_args):
    if weights_only:
        return WeightsUnpickler(file, persistent_load, load_args.get("encoding", "utf-8")).load()
    return _full_unpickler(pickle_module, file, persistent_load, load_args).load()


def _full_unpickler(pickle_module, file, persistent_load, load_args):
    """The unrestricted unpickler (weights_only=False): PyTorch's names are
    read as Ember's (torch.nn.Linear is ember.nn.Linear), anything else is
    imported, as pickle does."""
    allowed = allowed_globals()

    class Unpickler(pickle_module.Unpickler):
        def find_class(self, module, name):
            try:
                return find_global(module, name, allowed)
            except pickle.UnpicklingError:
                pass
            if module == "torch" or module.startswith("torch."):
                module = "ember" + module[len("torch"):]
            return super().find_class(module, name)

    unpickler = Unpickler(file, **load_args)
    unpickler.persistent_load = persistent_load
    return unpickler


def _load_safetensors(path, map_location):
    if isinstance(map_location, dict) or callable(map_location):
        kind = "dict" if isinstance(map_location, dict) else "callable"
        raise RuntimeError(f"Loading safetensors file with {kind} map_location is not "
                           "supported. Use a device string or torch.device instead.")
    try:
        from .utils.safetensors import load_file
        return load_file(path, device="cpu" if map_location is None else str(map_location))
    except ImportError as e:
        raise RuntimeError("Attempting to load a safetensors file but safetensors is not "
                           "installed. Please install safetensors with: pip install "
                           "safetensors") from e


def _weights_only_message(message):
    """PyTorch's explanation around a weights-only refusal, word for word."""
    if re.search(r"GLOBAL (\S+) was not an allowed global by default.", message):
        return ("Weights only load failed. This file can still be loaded, to do so you have two "
                "options, \033[1mdo those steps only if you trust the source of the "
                f"checkpoint\033[0m. \n\t(1) {UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with "
                "`weights_only=True` please check the recommended steps in the following error "
                "message.\n\tWeightsUnpickler error: " + message + _DOCS_MESSAGE)
    if re.search(r"(\S+) must be (\S+) to load", message):
        return f"Weights only load failed. {message}\n {UNSAFE_MESSAGE}\n"
    text = f"Weights only load failed. {UNSAFE_MESSAGE}\n"
    if not re.search(r"whose module (\S+) is blocked", message):
        text += ("Please file an issue with the following so that we can make "
                 "`weights_only=True` compatible with your use case: WeightsUnpickler error: ")
    return text + "\n\n" + message + _DOCS_MESSAGE
