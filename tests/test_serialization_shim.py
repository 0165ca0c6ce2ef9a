"""ember.serialization's registry helpers (register_package, location_tag,
default_restore_location, ...) beside torch.serialization's."""
import pytest

import ember
from ember import serialization as es
from ember import _package_registry

try:
    import torch
except ImportError:  # the comparisons skip; the rest runs without PyTorch
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="compares with PyTorch")
ts = torch.serialization if torch is not None else None


@needs_torch
def test_public_names_are_pytorchs():
    missing = {"skip_data", "get_crc32_options", "set_crc32_options", "get_default_mmap_options",
               "set_default_mmap_options", "validate_hpu_device"}
    assert set(ts.__all__) - set(es.__all__) <= missing


@needs_torch
def test_location_tag():
    for s, lib in ((es, ember), (ts, torch)):
        t = lib.ones(2)
        assert s.location_tag(t) == s.location_tag(t.untyped_storage()) == "cpu"
        with pytest.raises(AttributeError):
            s.location_tag(3)


@needs_torch
@pytest.mark.parametrize("location", ["cuda", "cuda:1", "xyz"])
def test_default_restore_location_matches_pytorch(location):
    with pytest.raises(RuntimeError) as theirs:
        ts.default_restore_location(torch.ones(1).untyped_storage(), location)
    with pytest.raises(RuntimeError) as mine:
        es.default_restore_location(ember.ones(1).untyped_storage(), location)
    assert str(mine.value) == str(theirs.value)


def test_cpu_storage_restores_to_itself():
    storage = ember.ones(1).untyped_storage()
    assert es.default_restore_location(storage, "cpu") is storage


def test_registered_package_is_used_by_load(tmp_path):
    seen = []

    def deserialize(storage, location):
        if location.startswith("mydev"):
            seen.append(location)
            return storage

    entry = (15, lambda obj: None, deserialize)
    es.register_package(*entry)
    try:
        assert _package_registry._package_registry[1] == entry  # sorted by priority
        ember.save({"w": ember.arange(3.0)}, tmp_path / "w.pt")
        loaded = ember.load(tmp_path / "w.pt", map_location={"cpu": "mydev:0"})
        assert loaded["w"].tolist() == [0.0, 1.0, 2.0] and seen == ["mydev:0"]
    finally:
        _package_registry._package_registry.remove(entry)
    with pytest.raises(RuntimeError, match="don't know how to restore data location"):
        ember.load(tmp_path / "w.pt", map_location={"cpu": "mydev:0"})


@needs_torch
def test_storage_types_and_versions():
    assert es.normalize_storage_type(ember.FloatStorage) is ember.FloatStorage
    assert ts.normalize_storage_type(torch.FloatStorage) is torch.FloatStorage

    class M:
        __name__, __version__ = "m", "2.x.1"
    assert es.check_module_version_greater_or_equal(ember, (0, 1))
    assert not es.check_module_version_greater_or_equal(ember, (9,))
    with pytest.raises(RuntimeError) as theirs:
        ts.check_module_version_greater_or_equal(M, (2, 1))
    with pytest.raises(RuntimeError, match=str(theirs.value).replace("(", r"\(").replace(")",
                                                                                          r"\)")):
        es.check_module_version_greater_or_equal(M, (2, 1))
    with pytest.warns(UserWarning, match="continuing assuming that requirement is met"):
        assert es.check_module_version_greater_or_equal(M, (2, 1), error_if_malformed=False)


@needs_torch
def test_validate_cuda_device_and_mkdtemp():
    with pytest.raises(RuntimeError) as theirs:
        ts.validate_cuda_device("cuda:0")
    with pytest.raises(RuntimeError, match="torch.cuda.is_available\\(\\) is False"):
        es.validate_cuda_device("cuda:0")
    assert "is_available() is False" in str(theirs.value)
    import os
    with es.mkdtemp() as d:
        assert os.path.isdir(d)
    assert not os.path.exists(d)


def test_load_endianness_is_the_fallback_for_files_without_a_byteorder_record(tmp_path):
    t = ember.tensor([1.0, 2.0])
    ember.save(t, tmp_path / "t.pt", _disable_byteorder_record=True)
    assert es.get_default_load_endianness() is None
    assert ember.load(tmp_path / "t.pt").tolist() == [1.0, 2.0]
    try:
        es.set_default_load_endianness(es.LoadEndianness.BIG)
        assert es.get_default_load_endianness() is es.LoadEndianness.BIG
        assert ember.load(tmp_path / "t.pt").tolist() != [1.0, 2.0]  # read byte-swapped
        es.set_default_load_endianness(es.LoadEndianness.NATIVE)
        assert ember.load(tmp_path / "t.pt").tolist() == [1.0, 2.0]
    finally:
        es.set_default_load_endianness(None)
    with pytest.raises(TypeError, match="Invalid argument type in function "
                                        "set_default_load_endianness"):
        es.set_default_load_endianness("big")


@needs_torch
def test_load_endianness_matches_pytorch(tmp_path):
    torch.save(torch.tensor([1.0, 2.0]), tmp_path / "t.pt", _disable_byteorder_record=True)
    try:
        for mine, theirs in ((es.LoadEndianness.BIG, ts.LoadEndianness.BIG),
                             (es.LoadEndianness.LITTLE, ts.LoadEndianness.LITTLE)):
            es.set_default_load_endianness(mine)
            ts.set_default_load_endianness(theirs)
            assert ember.load(tmp_path / "t.pt").tolist() == \
                torch.load(tmp_path / "t.pt").tolist()
    finally:
        es.set_default_load_endianness(None)
        ts.set_default_load_endianness(None)


@needs_torch
def test_loads_pytorch_checkpoints_saved_without_crc32(tmp_path):
    ts.set_crc32_options(False)
    try:
        torch.save({"w": torch.arange(4.0)}, tmp_path / "nocrc.pt")
    finally:
        ts.set_crc32_options(True)
    assert ember.load(tmp_path / "nocrc.pt")["w"].tolist() == [0.0, 1.0, 2.0, 3.0]
