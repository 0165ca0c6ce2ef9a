"""examples/digits_cnn.py: it learns (95% or better on held-out digits), it
draws its plots, and from the same seed it trains as PyTorch does."""

import pytest

import ember

from _examples import load as _load, thread_counts_restored  # noqa: F401 (autouse)

# Whole programs in subprocesses (CI's Python 3.10 run leaves them out: .ci/run)
pytestmark = pytest.mark.programs


@pytest.fixture(scope="module")
def digits_cnn():
    pytest.importorskip("sklearn")
    pytest.importorskip("tqdm")
    return _load("digits_cnn")


def test_digits_cnn_trains_as_pytorch(digits_cnn):
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    _, ember_steps, ember_losses, ember_acc, _ = digits_cnn.train(ember, epochs=2, progress=False)
    _, torch_steps, torch_losses, torch_acc, _ = digits_cnn.train(torch, epochs=2, progress=False)
    assert len(ember_steps) == len(torch_steps) == 90
    assert max(abs(a - b) for a, b in zip(ember_steps, torch_steps)) < 1e-4
    assert ember_losses == pytest.approx(torch_losses, abs=1e-4)
    assert ember_acc == pytest.approx(torch_acc, abs=1 / digits_cnn.TEST_SIZE + 1e-9)


def test_digits_cnn_learns_and_plots(digits_cnn, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    accuracy = digits_cnn.main(["--epochs", "30", "--out", str(tmp_path)])
    assert accuracy >= 0.95
    out = capsys.readouterr().out
    assert "test accuracy" in out and "epoch 30/30" in out
    for name in ("digits_cnn_curves.png", "digits_cnn_confusion.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_confusion_matrix_counts(digits_cnn):
    truth = ember.tensor([0, 1, 1, 9])
    predicted = ember.tensor([0, 1, 2, 9])
    m = digits_cnn.confusion_matrix(ember, truth, predicted)
    assert m.shape == (10, 10) and m.sum().item() == 4
    assert m[1, 1].item() == 1 and m[1, 2].item() == 1 and m[9, 9].item() == 1


@pytest.fixture(scope="module")
def char_lm():
    pytest.importorskip("tqdm")
    return _load("char_lm")


@pytest.mark.parametrize("kind", ["lstm", "transformer"])
def test_char_lm_trains_as_pytorch(char_lm, kind):
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    kwargs = dict(kind=kind, steps=12, batch=8, context=32, text_limit=20000, progress=False)
    _, vocab, ember_losses = char_lm.train(ember, **kwargs)
    _, _, torch_losses = char_lm.train(torch, **kwargs)
    assert max(abs(a - b) for a, b in zip(ember_losses, torch_losses)) < 1e-4
    assert ember_losses[-1] < ember_losses[0] < 1.1 * __import__("math").log(len(vocab.chars))


def test_char_lm_learns_samples_and_plots(char_lm, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    # (a small batch and context: the full-size run took minutes of CI)
    losses = char_lm.main(["--steps", "100", "--sample-every", "50", "--batch", "8",
                           "--context", "32", "--out", str(tmp_path)])
    assert sum(losses[-20:]) / 20 < 0.75 * losses[0]
    out = capsys.readouterr().out
    assert out.count("--- step") == 2
    assert (tmp_path / "char_lm_loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
