"""examples/vae_digits.py and examples/reinforce_bandit.py, the two worked
examples of torch.distributions: from the same seed each trains as PyTorch
does (the same losses and rewards within float32 rounding), each learns, and
each writes its plots."""

import pytest

import ember

from _examples import load as _load, thread_counts_restored  # noqa: F401 (autouse)

# Whole programs in subprocesses (CI's Python 3.10 run leaves them out: .ci/run)
pytestmark = pytest.mark.programs

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def vae_digits():
    pytest.importorskip("sklearn")
    pytest.importorskip("tqdm")
    return _load("vae_digits")


@pytest.fixture(scope="module")
def reinforce_bandit():
    pytest.importorskip("tqdm")
    return _load("reinforce_bandit")


@pytest.mark.parametrize("kind", ["bernoulli", "normal"])
def test_vae_digits_trains_as_pytorch(vae_digits, kind):
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    ember_model, ember_steps, ember_history, _ = vae_digits.train(
        ember, epochs=1, kind=kind, progress=False)
    torch_model, torch_steps, torch_history, _ = vae_digits.train(
        torch, epochs=1, kind=kind, progress=False)
    assert len(ember_steps) == len(torch_steps) == 23
    assert ember_steps == pytest.approx(torch_steps, rel=1e-4)
    for key in ("train", "test", "reconstruction", "kl"):
        assert ember_history[key] == pytest.approx(torch_history[key], rel=1e-4)
    assert ember_steps[-1] < ember_steps[0]
    for (name, a), (_, b) in zip(ember_model.named_parameters(),
                                 torch_model.named_parameters()):
        assert a.detach().flatten().tolist() == pytest.approx(
            b.detach().flatten().tolist(), rel=1e-3, abs=1e-5), name


def test_vae_digits_learns_and_plots(vae_digits, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    history = vae_digits.main(["--epochs", "3", "--out", str(tmp_path)])
    # 64 pixels at log 2 nats each is the loss of a decoder that knows nothing
    assert history["test"][0] < 64 * 0.6932
    assert history["test"][-1] < 0.87 * history["test"][0]
    assert 0 < history["kl"][-1]
    out = capsys.readouterr().out
    assert "negative ELBO" in out and "epoch 3/3" in out
    for name in ("vae_digits_loss.png", "vae_digits_reconstructions.png"):
        assert (tmp_path / name).read_bytes()[:8] == PNG


def test_reinforce_bandit_trains_as_pytorch(reinforce_bandit):
    torch = pytest.importorskip("torch")
    ember_rewards, ember_losses, ember_probs = reinforce_bandit.train(
        ember, steps=60, progress=False)
    torch_rewards, torch_losses, torch_probs = reinforce_bandit.train(
        torch, steps=60, progress=False)
    # the same arms pulled and the same rewards drawn, step after step
    assert ember_rewards == pytest.approx(torch_rewards, rel=1e-4, abs=1e-6)
    assert ember_losses == pytest.approx(torch_losses, rel=1e-4, abs=1e-6)
    for a, b in zip(ember_probs, torch_probs):
        assert a == pytest.approx(b, rel=1e-4, abs=1e-7)


def test_reinforce_bandit_learns_and_plots(reinforce_bandit, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    rewards, probabilities = reinforce_bandit.main(["--steps", "200", "--out", str(tmp_path)])
    means = reinforce_bandit.MEANS
    best = means.index(max(means))
    assert probabilities[-1][best] > 0.8
    assert reinforce_bandit.moving_average(rewards)[-1] > max(means) - 0.2
    assert sum(rewards[:20]) / 20 < sum(means) / len(means) + 0.3
    out = capsys.readouterr().out
    assert f"pulls arm {best}" in out
    assert (tmp_path / "reinforce_bandit.png").read_bytes()[:8] == PNG


def test_moving_average(reinforce_bandit):
    assert reinforce_bandit.moving_average([1.0, 3.0, 5.0, 7.0], window=2) == [1.0, 2.0, 4.0, 6.0]
