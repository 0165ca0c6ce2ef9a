"""ember.save / ember.load beside PyTorch: what a storage keeps (views saved
together load as views of one storage, bfloat16, missing dtypes), skip_data
and torch.utils.serialization.config, as the Serialization semantics note
shows them."""
import importlib
import io
import zipfile

import pytest

import ember


def _torch():
    return pytest.importorskip("torch")


def test_missing_dtypes_are_named(tmp_path):
    torch = _torch()
    torch.save({"w": torch.ones(2, dtype=torch.float8_e5m2)}, tmp_path / "f8.pt")
    with pytest.raises(RuntimeError, match="torch.float8_e5m2, which Ember does not have"):
        ember.load(tmp_path / "f8.pt")


def test_bfloat16_both_ways(tmp_path):
    torch = _torch()
    pytest.importorskip("ml_dtypes")
    values = [1.5, -2.25, 3e38]
    ember.save({"w": ember.tensor(values, dtype=ember.bfloat16)}, tmp_path / "e.pt")
    got = torch.load(tmp_path / "e.pt")["w"]     # weights-only, PyTorch's default
    assert got.dtype == torch.bfloat16 and got.float().tolist() == \
        torch.tensor(values, dtype=torch.bfloat16).float().tolist()
    torch.save([got, got[1:]], tmp_path / "t.pt")
    for kwargs in ({}, {"mmap": True}):
        back, view = ember.load(tmp_path / "t.pt", **kwargs)
        assert back.dtype is ember.bfloat16 and back.float().tolist() == got.float().tolist()
        assert view.storage_offset() == 1


@pytest.mark.parametrize("saver", ["ember", "torch"])
def test_loaded_views_keep_their_storage_and_offset(saver, tmp_path):
    """The serialization note's example: views saved together load as views
    of one storage, at their offsets (the whole storage is saved for a view)."""
    torch = _torch()
    T = ember if saver == "ember" else torch
    numbers = T.arange(1, 10)
    T.save([numbers, numbers[1::2], numbers[0:5]], tmp_path / "v.pt")
    T.save(numbers[2:4], tmp_path / "one.pt")

    def facts(L):
        n, evens, head = L.load(tmp_path / "v.pt")
        evens *= 2
        one = L.load(tmp_path / "one.pt")
        ptr = n.untyped_storage().data_ptr()
        return (n.tolist(), head.tolist(), [t.storage_offset() for t in (n, evens, head, one)],
                [t.untyped_storage().data_ptr() == ptr for t in (evens, head)],
                one.untyped_storage().size(), evens.stride())
    assert facts(ember) == facts(torch)


def test_skip_data_save_and_load(tmp_path):
    """torch.serialization.skip_data: records without their bytes (zeros once
    loaded), loads that leave storages unread, and the legacy format refused."""
    torch = _torch()

    def run(T, name):
        path = tmp_path / name
        t = T.arange(6.) + 1
        with T.serialization.skip_data():
            T.save({"a": t, "b": t[2:]}, path)
        skipped = T.load(path)
        T.save({"a": t, "b": t[2:]}, path)
        with T.serialization.skip_data(materialize_fake_tensors=False):
            unread = T.load(path)
        full = T.load(path)
        try:
            with T.serialization.skip_data():
                T.save(t, io.BytesIO(), _use_new_zipfile_serialization=False)
            refused = None
        except RuntimeError as e:
            refused = str(e)
        return ([v.tolist() for v in skipped.values()], skipped["b"].storage_offset(),
                [v.shape for v in unread.values()], [v.tolist() for v in full.values()], refused)
    got, want = run(ember, "e.pt"), run(torch, "t.pt")
    assert got[:2] == want[:2] and got[3:] == want[3:]
    assert [tuple(s) for s in got[2]] == [tuple(s) for s in want[2]]
    ember.save(ember.ones(3), tmp_path / "e2.pt")
    with ember.serialization.skip_data():
        ember.save(ember.ones(3), tmp_path / "e2.pt")
    assert torch.load(tmp_path / "e2.pt").tolist() == [0.0, 0.0, 0.0]   # PyTorch reads it


def test_legacy_format_bfloat16(tmp_path):
    torch = _torch()
    pytest.importorskip("ml_dtypes")
    torch.save(torch.tensor([1.5, -3.0], dtype=torch.bfloat16), tmp_path / "t.pt",
               _use_new_zipfile_serialization=False)
    got = ember.load(tmp_path / "t.pt")
    assert got.dtype is ember.bfloat16 and got.tolist() == [1.5, -3.0]


def test_serialization_config_options(tmp_path):
    """torch.utils.serialization.config and the torch.serialization functions
    that set it: CRC-32s written as 0, mmap flags (MAP_SHARED writes reach the
    file), load's default mmap=, the storage alignment, the load endianness."""
    import mmap
    torch = _torch()

    def run(T, name):
        config = importlib.import_module(T.__name__ + ".utils.serialization.config")
        path, seen = tmp_path / name, []
        T.save({"w": T.arange(4.)}, path)
        seen.append((config.load.mmap, config.load.mmap_flags == mmap.MAP_PRIVATE,
                     T.serialization.get_crc32_options(), config.save.storage_alignment))
        with T.serialization.set_default_mmap_options(mmap.MAP_SHARED):
            seen.append(T.serialization.get_default_mmap_options() == mmap.MAP_SHARED)
            T.load(path, mmap=True)["w"].add_(1)
        seen.append(T.serialization.get_default_mmap_options() == mmap.MAP_PRIVATE)
        config.load.mmap = True
        try:
            loaded = T.load(path)["w"]
        finally:
            config.load.mmap = False
        loaded.add_(1)          # (MAP_PRIVATE: copy-on-write, the file unchanged)
        seen.append(T.load(path, mmap=True)["w"].tolist())
        config.save.storage_alignment = 128
        try:
            T.save(T.ones(2), path)
        finally:
            config.save.storage_alignment = 64
        with zipfile.ZipFile(path) as z:
            seen.append(z.read(f"{name[:-3]}/.storage_alignment"))
        T.serialization.set_crc32_options(False)
        try:
            T.save(T.ones(2), path)
        finally:
            T.serialization.set_crc32_options(True)
        with zipfile.ZipFile(path) as z:        # (0: zipfile itself then refuses to read them)
            seen.append(sorted({i.CRC for i in z.infolist()}))
        seen.append(T.load(path).tolist())
        try:
            T.serialization.set_default_mmap_options(5)
        except ValueError as e:
            seen.append(str(e))
        T.serialization.set_default_load_endianness(T.serialization.LoadEndianness.BIG)
        seen.append(config.load.endianness.name)
        T.serialization.set_default_load_endianness(None)
        seen.append(T.serialization.get_default_load_endianness())
        return seen
    assert run(ember, "e.pt") == run(torch, "t.pt")
