"""ember.utils.safetensors: the API of `safetensors.torch` for Ember tensors.

    from ember.utils.safetensors import save_file, load_file, save_model, load_model

Files are written and read by the `safetensors` package's NumPy API, so they
are ordinary safetensors files: PyTorch's `safetensors.torch.load_file` reads
what `save_file` writes here, and the other way round. The checks, defaults
and messages are those of `safetensors.torch` (0.8.0), with "torch.Tensor"
read as "ember.Tensor".

`safetensors` is an optional dependency: importing this module never needs
it; calling one of its functions without it raises ModuleNotFoundError.
"""
import json
import os
from collections import defaultdict
from typing import Dict, List, Optional, Set, Tuple, Union

from .._backend import np

from .. import _dtype as D
from .._tensor import Tensor

__all__ = ["save", "save_file", "load", "load_file", "save_model", "load_model"]

# The file format's dtype names. Those missing from Ember (BF16, F8_*) are
# refused by name when loading, see _ember_dtype. The format
# has complex64 (C64) and no complex128: saving one fails as in
# safetensors.torch, whose size table has no entry for it (a KeyError).
_TYPES = {
    "F64": D.float64, "F32": D.float32, "F16": D.float16,
    "I64": D.int64, "I32": D.int32, "I16": D.int16, "I8": D.int8,
    "U8": D.uint8, "BOOL": D.bool_, "C64": D.complex64,
    "U16": D.uint16, "U32": D.uint32, "U64": D.uint64,
}


def _require():
    """The `safetensors` package, imported on first use."""
    try:
        import safetensors
        import safetensors.numpy
    except ImportError as exc:
        raise ModuleNotFoundError(
            "ember.utils.safetensors needs the `safetensors` package, which is not "
            "installed: pip install ember[safetensors] (or pip install safetensors)",
            name="safetensors") from exc
    return safetensors


# -- which tensors share memory ------------------------------------------------
# safetensors.torch groups tensors by storage (its address and size), then
# splits each group into runs of overlapping byte ranges. An Ember tensor's
# storage is the memory NumPy's base chain ends in.

def _storage(t: Tensor) -> Tuple[int, int]:
    """(address, nbytes) of the memory block t's array is a view of."""
    arr = t._data
    while isinstance(arr.base, np.ndarray):
        arr = arr.base
    owner = arr.base
    if owner is not None:
        # An array over a foreign buffer (np.frombuffer on bytes, a memoryview,
        # an mmap): two such arrays at different offsets of one buffer share it.
        try:
            whole = np.frombuffer(owner, dtype=np.uint8)
            return whole.__array_interface__["data"][0], whole.nbytes
        except (TypeError, ValueError):
            pass
    return arr.__array_interface__["data"][0], arr.nbytes


def _byte_range(t: Tensor) -> Tuple[int, int]:
    """[start, stop) of the bytes t's elements occupy."""
    a = t._data
    start = stop = a.__array_interface__["data"][0]
    if a.size:
        # Negative strides (views NumPy makes and torch cannot) reach below
        # the data pointer.
        for n, s in zip(a.shape, a.strides):
            if s < 0:
                start += s * (n - 1)
            else:
                stop += s * (n - 1)
        stop += a.itemsize
    return start, stop


def _filter_shared_not_shared(tensors: List[Set[str]],
                              state_dict: Dict[str, Tensor]) -> List[Set[str]]:
    filtered_tensors = []
    for shared in tensors:
        if len(shared) < 2:
            filtered_tensors.append(shared)
            continue
        areas = sorted((*_byte_range(state_dict[name]), name) for name in shared)
        _, last_stop, last_name = areas[0]
        filtered_tensors.append({last_name})
        for start, stop, name in areas[1:]:
            if start >= last_stop:
                filtered_tensors.append({name})
            else:
                filtered_tensors[-1].add(name)
            last_stop = stop
    return filtered_tensors


def _find_shared_tensors(state_dict: Dict[str, Tensor]) -> List[Set[str]]:
    tensors = defaultdict(set)
    for k, v in state_dict.items():
        ptr, size = _storage(v)
        if ptr != 0 and size != 0:
            tensors[(ptr, size)].add(k)
    # Sorting disjoint sets keeps their order: as safetensors.torch does.
    tensors = list(sorted(tensors.values()))
    return _filter_shared_not_shared(tensors, state_dict)


def _is_complete(t: Tensor) -> bool:
    ptr, size = _storage(t)
    return t.data_ptr() == ptr and t._data.nbytes == size


def _remove_duplicate_names(state_dict: Dict[str, Tensor], *,
                            preferred_names: Optional[List[str]] = None,
                            discard_names: Optional[List[str]] = None) -> Dict[str, List[str]]:
    preferred_names = set(preferred_names or [])
    discard_names = set(discard_names or [])
    to_remove = defaultdict(list)
    for shared in _find_shared_tensors(state_dict):
        complete_names = set(name for name in shared if _is_complete(state_dict[name]))
        if not complete_names:
            raise RuntimeError(
                "Error while trying to find names to remove to save state dict, but found no "
                f"suitable name to keep for saving amongst: {shared}. None is covering the "
                "entire storage.Refusing to save/load the model since you could be storing "
                "much more memory than needed. Please refer to "
                "https://huggingface.co/docs/safetensors/torch_shared_tensors for more "
                "information. Or open an issue.")
        keep_name = sorted(complete_names)[0]
        # Prefer the names found in the file being loaded, which may have been
        # saved with another choice of name to keep.
        preferred = complete_names.difference(discard_names)
        if preferred:
            keep_name = sorted(preferred)[0]
        if preferred_names:
            preferred = preferred_names.intersection(complete_names)
            if preferred:
                keep_name = sorted(preferred)[0]
        for name in sorted(shared):
            if name != keep_name:
                to_remove[keep_name].append(name)
    return to_remove


# -- saving ----------------------------------------------------------------------

def _evaluate_tensors_for_save(tensors: Dict[str, Tensor]) -> None:
    if not isinstance(tensors, dict):
        raise ValueError(
            f"Expected a dict of [str, ember.Tensor] but received {type(tensors)}")
    for k, v in tensors.items():
        if not isinstance(v, Tensor):
            raise ValueError(
                f"Key `{k}` is invalid, expected ember.Tensor but received {type(v)}")
    failing = [names for names in _find_shared_tensors(tensors) if len(names) > 1]
    if failing:
        raise RuntimeError(
            f"""
            Some tensors share memory, this will lead to duplicate memory on disk and potential differences when loading them again: {failing}.
            A potential way to correctly save your model is to use `save_model`.
            More information at https://huggingface.co/docs/safetensors/torch_shared_tensors
            """
        )


def _to_numpy(tensors: Dict[str, Tensor]) -> Dict[str, np.ndarray]:
    _evaluate_tensors_for_save(tensors)
    arrays = {}
    for k, v in tensors.items():
        # safetensors.numpy writes the raw buffer from the data pointer, so a
        # strided view would be written wrong, not refused.
        if not v._data.flags.c_contiguous:
            raise ValueError(
                f"You are trying to save a non contiguous tensor: `{k}` which is not allowed. "
                "It either means you are trying to save tensors which are reference of each "
                "other in which case it's recommended to save only the full tensors, and "
                "reslice at load time, or simply call `.contiguous()` on your tensor to pack "
                "it before saving.")
        if v.dtype is D.complex128:
            raise KeyError(v.dtype)
        arrays[k] = v._data
    return arrays


def save(tensors: Dict[str, Tensor], metadata: Optional[Dict[str, str]] = None) -> bytes:
    """Saves a dictionary of tensors into raw bytes in safetensors format.

    Args:
        tensors (`Dict[str, ember.Tensor]`): contiguous tensors that share no memory.
        metadata (`Dict[str, str]`, *optional*): text-only information for the header.

    Returns:
        `bytes`: the content of a safetensors file.
    """
    _require()
    from safetensors.numpy import save as np_save
    return np_save(_to_numpy(tensors), metadata=metadata)


def save_file(tensors: Dict[str, Tensor], filename: Union[str, os.PathLike],
              metadata: Optional[Dict[str, str]] = None):
    """Saves a dictionary of tensors into `filename` in safetensors format.

    Args:
        tensors (`Dict[str, ember.Tensor]`): contiguous tensors that share no memory
            (tied weights: use `save_model`).
        filename (`str`, or `os.PathLike`): the file to write.
        metadata (`Dict[str, str]`, *optional*): text-only information for the header.
    """
    _require()
    from safetensors.numpy import save_file as np_save_file
    np_save_file(_to_numpy(tensors), filename, metadata=metadata)


def save_model(model, filename: str, metadata: Optional[Dict[str, str]] = None,
               force_contiguous: bool = True):
    """Saves `model.state_dict()` to `filename`, keeping one name per shared tensor.

    Tied weights are saved once, under the first name (sorted) that covers the
    whole storage; each dropped name is recorded in `metadata` as
    `{dropped: kept}` (user entries are not overridden; like
    safetensors.torch, a metadata dict passed in is updated in place).
    `load_model` restores the dropped names from the model's own sharing.

    Args:
        model (`ember.nn.Module`): the model to save.
        filename (`str`): the file to write.
        metadata (`Dict[str, str]`, *optional*): text-only information for the header.
        force_contiguous (`bool`, defaults to True): save non-contiguous tensors as
            contiguous copies instead of refusing them.
    """
    _require()
    state_dict = model.state_dict()
    to_removes = _remove_duplicate_names(state_dict)
    for kept_name, to_remove_group in to_removes.items():
        for to_remove in to_remove_group:
            if metadata is None:
                metadata = {}
            if to_remove not in metadata:
                metadata[to_remove] = kept_name
            del state_dict[to_remove]
    if force_contiguous:
        state_dict = {k: v.contiguous() for k, v in state_dict.items()}
    try:
        save_file(state_dict, filename, metadata=metadata)
    except ValueError as e:
        msg = str(e)
        msg += (" Or use save_model(..., force_contiguous=True), read the docs for potential "
                "caveats.")
        raise ValueError(msg)


# -- loading ---------------------------------------------------------------------

def _check_device(device) -> None:
    """Ember keeps every tensor in NumPy, on the CPU."""
    from .._creation import device as Device
    if isinstance(device, int) and not isinstance(device, bool):
        dev = f"cuda:{device}"   # torch reads an int as an accelerator's index
    else:
        dev = Device(device if isinstance(device, Device) else str(device))
        if dev.type == "cpu":
            return
    raise RuntimeError(
        f"ember has no {dev} device: its tensors live on the CPU, so load_file() and "
        f"load_model() accept only device=\"cpu\" (got {device!r})")


def _ember_dtype(name: str, dtype: str):
    try:
        return _TYPES[dtype]
    except KeyError:
        supported = ", ".join(_TYPES)
        raise TypeError(
            f"cannot load tensor `{name}`: its dtype {dtype} has no ember equivalent "
            f"(ember supports {supported}); convert it before saving, e.g. with "
            "`.float()` in PyTorch") from None


def _wrap(arr: np.ndarray, dt) -> Tensor:
    # The file is little-endian whatever the machine; a fresh, writable,
    # native-order array is what Ember's ops expect.
    if arr.dtype != dt._np or not arr.flags.writeable:
        arr = arr.astype(dt._np, copy=True)
    return Tensor._wrap(arr)


def _file_order(prefix: bytes, read) -> List[str]:
    """The tensors' names by position in the file, ties (empty tensors) by name.

    safetensors lists them in hash order, which changes from run to run
    (even offset_keys() leaves ties so); this reads the header, which
    safetensors has already validated, itself.
    """
    header = json.loads(bytes(read(int.from_bytes(prefix, "little"))))
    header.pop("__metadata__", None)
    return sorted(header, key=lambda k: (header[k]["data_offsets"], k))


def load(data: bytes) -> Dict[str, Tensor]:
    """Loads tensors from the bytes of a safetensors file (as made by `save`).

    Returns:
        `Dict[str, ember.Tensor]`: name -> tensor, in the file's order.
    """
    safetensors = _require()
    flat = dict(safetensors.deserialize(data))
    result = {}
    for k in _file_order(data[:8], lambda n: data[8:8 + n]):
        v = flat[k]
        dt = _ember_dtype(k, v["dtype"])
        if len(v["data"]) == 0:
            arr = np.empty(v["shape"], dtype=dt._np)
        else:
            arr = np.frombuffer(v["data"], dtype=dt._np.newbyteorder("<")).reshape(v["shape"])
        result[k] = _wrap(arr, dt)
    return result


def load_file(filename: Union[str, os.PathLike], device: Union[str, int] = "cpu", *,
              backend: str = "mmap") -> Dict[str, Tensor]:
    """Loads a safetensors file into ember tensors.

    Args:
        filename (`str`, or `os.PathLike`): the file to read.
        device (`str`, defaults to `"cpu"`): only "cpu": Ember has no other device.
        backend (`str`, defaults to `"mmap"`): how safetensors reads the bytes,
            `"mmap"` or `"pread"`.

    Returns:
        `Dict[str, ember.Tensor]`: name -> tensor, in the file's order.
    """
    safetensors = _require()
    _check_device(device)
    # Older safetensors have no `backend` argument: pass it only when asked.
    options = {} if backend == "mmap" else {"backend": backend}
    result = {}
    with safetensors.safe_open(filename, framework="numpy", **options) as f:
        with open(filename, "rb") as raw:
            keys = _file_order(raw.read(8), raw.read)
        for k in keys:
            # Checked first: NumPy has no bfloat16, and safetensors would fail
            # with "data type 'bfloat16' not understood", naming no tensor.
            dt = _ember_dtype(k, f.get_slice(k).get_dtype())
            result[k] = _wrap(f.get_tensor(k), dt)
    return result


def load_model(model, filename: Union[str, os.PathLike], strict: bool = True,
               device: Union[str, int] = "cpu", *,
               backend: str = "mmap") -> Tuple[List[str], List[str]]:
    """Loads `filename` (as written by `save_model`) into `model`.

    Names the file dropped because they share memory are filled through the
    model's own sharing, so they count neither as missing nor as unexpected.

    Args:
        model (`ember.nn.Module`): the model to load into.
        filename (`str`, or `os.PathLike`): the file to read.
        strict (`bool`, defaults to True): raise RuntimeError on missing or
            unexpected names, instead of just returning them.
        device (`str`, defaults to `"cpu"`): only "cpu".
        backend (`str`, defaults to `"mmap"`): `"mmap"` or `"pread"`.

    Returns:
        `(missing, unexpected)`: the model's names the file did not set (a set),
        and the file's names the model did not use (a list).
    """
    state_dict = load_file(filename, device=device, backend=backend)
    model_state_dict = model.state_dict()
    to_removes = _remove_duplicate_names(model_state_dict, preferred_names=state_dict.keys())
    missing, unexpected = model.load_state_dict(state_dict, strict=False)
    missing = set(missing)
    for to_remove_group in to_removes.values():
        for to_remove in to_remove_group:
            if to_remove not in missing:
                unexpected.append(to_remove)
            else:
                missing.remove(to_remove)
    if strict and (missing or unexpected):
        missing_keys = ", ".join([f'"{k}"' for k in sorted(missing)])
        unexpected_keys = ", ".join([f'"{k}"' for k in sorted(unexpected)])
        error = f"Error(s) in loading state_dict for {model.__class__.__name__}:"
        if missing:
            error += f"\n    Missing key(s) in state_dict: {missing_keys}"
        if unexpected:
            error += f"\n    Unexpected key(s) in state_dict: {unexpected_keys}"
        raise RuntimeError(error)
    return missing, unexpected
