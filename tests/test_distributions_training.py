"""Distributions inside training loops, run beside PyTorch from one seed: a
policy gradient on a bandit (Categorical sample/log_prob/entropy) and a small
VAE step (Normal.rsample, kl_divergence, Bernoulli.log_prob) give PyTorch's
losses step by step."""
import numpy as np
import pytest

import ember

# Whole programs in subprocesses (CI's Python 3.10 run leaves them out: .ci/run)
pytestmark = pytest.mark.programs

torch = pytest.importorskip("torch")


def _bandit(T, steps=30):
    T.manual_seed(0)
    logits = T.zeros(5, requires_grad=True)
    opt = T.optim.Adam([logits], lr=0.1)
    means = T.tensor([0.1, 0.5, 0.2, 0.9, 0.3])
    losses = []
    for _ in range(steps):
        dist = T.distributions.Categorical(logits=logits)
        action = dist.sample((16,))
        reward = T.normal(means[action], 0.1)
        loss = (-(dist.log_prob(action) * (reward - reward.mean())).mean()
                - 0.01 * dist.entropy())
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return np.array(losses), logits.detach().numpy()


def _vae(T, steps=10):
    T.manual_seed(0)
    D = T.distributions
    enc, dec = T.nn.Linear(8, 4), T.nn.Linear(2, 8)
    opt = T.optim.SGD(list(enc.parameters()) + list(dec.parameters()), lr=0.1)
    x = (T.rand(32, 8) > 0.5).float()
    losses = []
    for _ in range(steps):
        h = enc(x)
        q = D.Normal(h[:, :2], (0.5 * h[:, 2:]).exp())
        z = q.rsample()
        reconstruction = D.Bernoulli(logits=dec(z)).log_prob(x).sum(-1)
        prior = D.Normal(T.zeros_like(z), T.ones_like(z))
        loss = (D.kl_divergence(q, prior).sum(-1) - reconstruction).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return np.array(losses), dec.weight.detach().numpy()


@pytest.mark.parametrize("loop", [_bandit, _vae], ids=["bandit", "vae"])
def test_training_loop_matches_pytorch(loop):
    (e_losses, e_params), (t_losses, t_params) = loop(ember), loop(torch)
    np.testing.assert_allclose(e_losses, t_losses, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(e_params, t_params, rtol=1e-5, atol=1e-6)


SCRIPT = """
import torch
import torch.distributions as dist
from torch.distributions import Normal, kl_divergence
from torch.distributions.transforms import ExpTransform
from torch.distributions.constraints import positive
import torch.distributions.utils as du
torch.manual_seed(0)
n = Normal(torch.zeros(3), 1.0)
print(n.sample(), kl_divergence(n, Normal(1.0, 2.0)), ExpTransform(), positive,
      du.probs_to_logits(torch.tensor([0.5])))
print(dist.Categorical(logits=torch.zeros(4)).sample((5,)))
"""


def test_a_pytorch_script_importing_distributions_runs_unchanged(tmp_path):
    import os
    import subprocess
    import sys
    script = tmp_path / "script.py"
    script.write_text(SCRIPT)
    src = os.path.join(os.path.dirname(__file__), "..", "src")
    env = dict(os.environ, PYTHONPATH=src)
    ours = subprocess.run([sys.executable, "-m", "ember.run", str(script)], env=env,
                          capture_output=True, text=True, check=True).stdout
    theirs = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            check=True).stdout
    assert ours == theirs
