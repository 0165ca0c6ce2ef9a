"""ember.utils.tensorboard.SummaryWriter: what it writes, read back with
tensorboard's own EventAccumulator, is what PyTorch's SummaryWriter writes."""
import os
import subprocess
import sys

import numpy as np
import pytest

import ember

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402
from ember.utils.tensorboard import SummaryWriter  # noqa: E402


def _read(path):
    acc = EventAccumulator(str(path), size_guidance={"images": 0, "histograms": 0,
                                                     "scalars": 0, "tensors": 0})
    acc.Reload()
    return acc


def _log(T, writer_cls, log_dir):
    """The same calls through Ember's or PyTorch's SummaryWriter."""
    g = np.random.default_rng(0)
    with writer_cls(log_dir) as w:
        for step in range(3):
            w.add_scalar("loss", 1.0 / (step + 1), step)
            w.add_scalar("loss_t", T.tensor(0.5 * step), step, new_style=True)
        w.add_scalars("run", {"a": 1.0, "b": T.tensor(2.0)}, 0)
        w.add_histogram("weights", T.tensor(g.standard_normal(500)), 0)
        w.add_histogram("few", T.tensor([1.0, 2.0, 2.5]), 1, bins="auto", max_bins=2)
        w.add_image("chw", T.tensor(g.uniform(0, 1, (3, 4, 5))), 0)
        w.add_image("hwc", T.tensor(g.uniform(0, 1, (4, 5, 3))), 0, dataformats="HWC")
        w.add_image("gray", T.tensor(g.integers(0, 255, (4, 5)), dtype=T.uint8), 0,
                    dataformats="HW")
        w.add_images("batch", T.tensor(g.uniform(0, 1, (10, 1, 3, 2))), 0)
        w.add_text("note", "hello *tensorboard*", 2)
        w.add_embedding(T.tensor(g.standard_normal((4, 3))), metadata=["a", "b", "c", "d"],
                        label_img=T.tensor(g.uniform(0, 1, (4, 3, 2, 2))), tag="emb")
        w.add_hparams({"lr": 0.1, "opt": "sgd", "bs": 16, "flag": True}, {"hp/acc": 0.9},
                      run_name="hp")
        w.add_tensor("t32", T.tensor([[1.5, -2.0], [0.25, 3.0]]), 1)
        w.add_tensor("t16", T.tensor([1.5, -2.0]).half(), 1)
        w.add_tensor("tbf16", T.tensor([1.5, -2.0]).bfloat16(), 1)
        w.add_tensor("tint", T.tensor([3, -4]), 1)
        w.add_histogram_raw("raw", 0.0, 4.0, 5, 10.0, 30.0, [1.0, 2.0, 4.0], [1, 2, 2], 2)
        w.add_pr_curve("pr", T.tensor(g.integers(0, 2, 50)), T.tensor(g.uniform(0, 1, 50)), 1,
                       num_thresholds=20)
        w.add_pr_curve_raw("prraw", [5, 3], [2, 1], [0, 1], [0, 2], [0.7, 0.75], [1.0, 0.6], 1,
                           num_thresholds=2)
        w.add_custom_scalars({"group": {"losses": ["Multiline", ["loss", "loss_t"]],
                                        "band": ["Margin", ["a", "b", "c"]]}})
        w.add_custom_scalars_multilinechart(["loss"], title="one")
        w.add_audio("beep", T.tensor(np.sin(np.arange(400) * 0.3) * 0.5), 0, sample_rate=8000)


def _contents(log_dir):
    acc = _read(log_dir)
    out = {"scalars": {t: [(e.step, e.value) for e in acc.Scalars(t)]
                       for t in acc.Tags()["scalars"]},
           "histograms": {t: [(e.step, e.histogram_value) for e in acc.Histograms(t)]
                          for t in acc.Tags()["histograms"]},
           "images": {t: [(e.step, e.width, e.height, e.encoded_image_string) for e in
                          acc.Images(t)] for t in acc.Tags()["images"]},
           "tensors": {t: [(e.step, e.tensor_proto.SerializeToString()) for e in
                           acc.Tensors(t)] for t in acc.Tags()["tensors"]},
           "audio": {t: [(e.step, e.encoded_audio_string, e.sample_rate, e.length_frames)
                         for e in acc.Audio(t)] for t in acc.Tags()["audio"]},
           "plugins": {p: acc.PluginTagToContent(p) for p in ("pr_curves", "text", "tensor")}}
    for name in sorted(os.listdir(log_dir)):
        sub = os.path.join(log_dir, name)
        if name.startswith("run_") or name == "hp":
            out[name] = _read(sub).Tags()
            if name == "hp":
                out["hparams"] = _read(sub).PluginTagToContent("hparams")
            out[name + "/scalars"] = {t: [e.value for e in _read(sub).Scalars(t)]
                                      for t in _read(sub).Tags()["scalars"]}
    return out


def _pixels(png):
    from PIL import Image
    import io
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_files_read_back_as_torchs(tmp_path):
    torch = pytest.importorskip("torch")
    from torch.utils.tensorboard import SummaryWriter as TorchWriter
    _log(ember, SummaryWriter, tmp_path / "ember")
    _log(torch, TorchWriter, tmp_path / "torch")
    e, t = _contents(str(tmp_path / "ember")), _contents(str(tmp_path / "torch"))
    assert e["images"] and e["images"] == t["images"]   # (PNG bytes: both encode with Pillow)
    assert e == t
    for f in ("tensors.tsv", "metadata.tsv", "sprite.png"):
        path = os.path.join("00000", "emb", f)
        assert (tmp_path / "ember" / path).read_bytes() == (tmp_path / "torch" / path).read_bytes()
    assert ((tmp_path / "ember/projector_config.pbtxt").read_text()
            == (tmp_path / "torch/projector_config.pbtxt").read_text())


def test_images_without_pillow(tmp_path, monkeypatch):
    # Without Pillow the plain encoder writes the same pixels (PyTorch's
    # writer needs Pillow for images; Ember's does not).
    g = np.random.default_rng(1)
    img = g.uniform(0, 1, (3, 6, 7))
    with SummaryWriter(tmp_path / "pil") as w:
        w.add_image("img", ember.tensor(img), 0)
    monkeypatch.setitem(sys.modules, "PIL", None)
    with SummaryWriter(tmp_path / "plain") as w:
        w.add_image("img", ember.tensor(img), 0)
    monkeypatch.undo()
    (pil,), (plain,) = (_read(tmp_path / d).Images("img") for d in ("pil", "plain"))
    assert pil.encoded_image_string != plain.encoded_image_string
    expected = np.uint8((img.transpose(1, 2, 0) * 255).clip(0, 255))
    for e in (pil, plain):
        assert (e.width, e.height) == (7, 6)
        np.testing.assert_array_equal(_pixels(e.encoded_image_string), expected)


def test_scalars_without_torch(tmp_path):
    w = SummaryWriter(str(tmp_path))
    for step in range(5):
        w.add_scalar("x", step * 2.0, step)
    w.flush()
    acc = _read(tmp_path)
    assert [(s.step, s.value) for s in acc.Scalars("x")] == [(i, 2.0 * i) for i in range(5)]
    w.close()
    w.add_scalar("x", 10.0, 5)      # after close: a new event file, as PyTorch
    w.close()
    assert len([f for f in os.listdir(tmp_path) if "tfevents" in f]) == 2


def test_figure(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(2, 1), dpi=50)
    plt.plot([0, 1], [1, 0])
    with SummaryWriter(str(tmp_path)) as w:
        w.add_figure("fig", fig, 3)
    (img,) = _read(tmp_path).Images("fig")
    assert (img.step, img.width, img.height) == (3, 100, 50)
    assert not plt.fignum_exists(fig.number)     # close=True closed it


def test_default_log_dir(tmp_path, monkeypatch):
    import socket
    monkeypatch.chdir(tmp_path)
    w = SummaryWriter(comment="_lr0.1")
    w.close()
    (run,) = os.listdir(tmp_path / "runs")
    assert run.endswith("_" + socket.gethostname() + "_lr0.1") and w.get_logdir() == \
        os.path.join("runs", run)


def test_errors(tmp_path):
    with SummaryWriter(str(tmp_path)) as w:
        with pytest.raises(NotImplementedError, match="add_graph"):
            w.add_graph(ember.nn.Linear(2, 2), ember.ones(1, 2))
        with pytest.raises(NotImplementedError, match="add_video"):
            w.add_video("v", ember.ones(1, 2, 3, 4, 4))
        with pytest.raises(ValueError, match="bucket_limits"):
            w.add_histogram_raw("h", 0, 1, 1, 1, 1, [1.0], [1, 2])
        with pytest.raises(AssertionError, match="Expected 3 tags"):
            w.add_custom_scalars_marginchart(["a"])
        with pytest.raises(AssertionError, match="one element"):
            w.add_scalar("x", ember.ones(2))
        with pytest.raises(TypeError, match="should be dictionary"):
            w.add_hparams([], {})
        with pytest.raises(ValueError, match="no element"):
            w.add_histogram("h", ember.ones(0))
        with pytest.raises(AssertionError, match="input format are different"):
            w.add_image("i", ember.ones(2, 2))


def test_import_error_without_tensorboard():
    code = ("import sys; sys.modules['tensorboard'] = None\n"
            "try:\n    import ember.utils.tensorboard\n"
            "except ImportError as e:\n    print(type(e).__name__, e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert out.stdout.strip() == ("ModuleNotFoundError: import of tensorboard halted; None in "
                                  "sys.modules").replace(":", "", 1)
