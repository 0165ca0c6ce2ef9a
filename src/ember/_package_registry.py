"""torch.serialization's package registry: taggers name where a storage lies
("cpu"), deserializers move a loaded storage to a named location.  Ember
has only the CPU, so its one built-in entry is the CPU's; packages that
scripts register are consulted by `ember.load` for other locations before it
reports that it cannot restore them."""
import contextlib
import shutil
import tempfile
import warnings

_package_registry = []


def register_package(priority, tagger, deserializer):
    """Adds (priority, tagger, deserializer); lower priorities are asked first."""
    _package_registry.append((priority, tagger, deserializer))
    _package_registry.sort(key=lambda entry: entry[0])


def _cpu_tag(obj):
    if obj.device.type == "cpu":
        return "cpu"


def _cpu_deserialize(obj, location):
    if location == "cpu":
        return obj


register_package(10, _cpu_tag, _cpu_deserialize)


def location_tag(storage):
    import ember
    for _, tagger, _ in _package_registry:
        location = tagger(storage)
        if location:
            return location
    raise RuntimeError("don't know how to determine data location of "
                       + ember.typename(storage).replace("ember.", "torch.", 1))


def registered_restore(storage, location):
    """The first registered deserializer's storage for `location`, or None."""
    for _, _, deserializer in _package_registry:
        result = deserializer(storage, location)
        if result is not None:
            return result
    return None


def default_restore_location(storage, location):
    from ._unpickle_torch import _restore_location
    return _restore_location(storage, location)


def normalize_storage_type(storage_type):
    import ember
    return getattr(ember, storage_type.__name__)


def storage_to_tensor_type(storage):
    import importlib
    storage_type = type(storage)
    module = importlib.import_module(storage_type.__module__)
    return getattr(module, storage_type.__name__.replace("Storage", "Tensor"))


def check_module_version_greater_or_equal(module, req_version_tuple, error_if_malformed=True):
    try:
        parts = module.__version__.split(".")
        version = tuple(type(want)(parts[i]) for i, want in enumerate(req_version_tuple))
        return version >= req_version_tuple
    except Exception as e:
        message = (f"'{module.__name__}' module version string is malformed "
                   f"'{module.__version__}' and cannot be compared with tuple "
                   f"{str(req_version_tuple)}")
        if error_if_malformed:
            raise RuntimeError(message) from e
        warnings.warn(message + ", but continuing assuming that requirement is met",
                      stacklevel=2)
        return True


def validate_cuda_device(location):
    from ._unpickle_torch import _CUDA_MESSAGE
    raise RuntimeError(_CUDA_MESSAGE)


@contextlib.contextmanager
def mkdtemp():
    path = tempfile.mkdtemp()
    try:
        yield path
    finally:
        shutil.rmtree(path)


__all__ = ["register_package", "location_tag", "default_restore_location",
           "normalize_storage_type", "storage_to_tensor_type",
           "check_module_version_greater_or_equal", "validate_cuda_device", "mkdtemp"]
