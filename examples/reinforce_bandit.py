#!/usr/bin/env python3
"""Learn to play a multi-armed bandit by policy gradient (REINFORCE), on Ember.

    python3 examples/reinforce_bandit.py [--steps N] [--batch N] [--lr LR]
                                         [--out DIR] [--library ember|torch]

The bandit has ten arms with fixed mean rewards (MEANS); pulling arm a pays
MEANS[a] plus Gaussian noise of standard deviation NOISE, drawn with
`torch.randn` from a generator seeded once. The policy is a softmax over ten
learnable logits, a `torch.distributions.Categorical`; each step it pulls
--batch arms, and REINFORCE moves the logits along

    mean over the pulls of  log pi(a) * (reward - baseline),

the score-function estimate of the gradient of the expected reward. The
baseline, a running mean of the rewards seen so far, leaves the estimate
unbiased and lowers its variance. Training shows its progress with tqdm and
writes into DIR (default: out/reinforce_bandit/):

    reinforce_bandit.png    the mean reward per step and its moving average, against the
                            best arm's mean; the final probability of each arm, beside its mean

`--library torch` runs the very same code on PyTorch (if installed): from the
same seed both pull the same arms and see the same rewards, which
tests/test_examples_distributions.py checks.

Needs: ember, tqdm, matplotlib (`pip install -e .[examples]`).
"""
import argparse
import importlib
import os
import sys

SEED = 0
MEANS = (0.2, -0.8, 1.0, 0.4, 1.3, -0.3, 0.9, -1.2, 0.0, 0.7)
NOISE = 1.0
BASELINE_DECAY = 0.9     # the running mean's weight on its past


def train(torch, steps=300, batch=32, lr=0.05, progress=True):
    """Train from SEED; returns the per-step mean rewards and losses, and the
    policy's arm probabilities after each step (a list of lists)."""
    torch.manual_seed(SEED)                            # (the arms the policy pulls)
    rewards_rng = torch.Generator().manual_seed(SEED + 1)
    means = torch.tensor(MEANS)
    logits = torch.zeros(len(MEANS), requires_grad=True)
    optimizer = torch.optim.Adam([logits], lr=lr)
    baseline = 0.0
    rewards, losses, probabilities = [], [], []
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=steps, unit="step", file=sys.stdout)
    for step in range(steps):
        policy = torch.distributions.Categorical(logits=logits)
        arms = policy.sample((batch,))
        reward = means[arms] + NOISE * torch.randn(batch, generator=rewards_rng)
        loss = -(policy.log_prob(arms) * (reward - baseline)).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        rewards.append(reward.mean().item())
        losses.append(loss.item())
        baseline = BASELINE_DECAY * baseline + (1 - BASELINE_DECAY) * rewards[-1]
        probabilities.append(torch.softmax(logits.detach(), dim=0).tolist())
        if bar is not None:
            bar.update()
            if step % 10 == 9 or step == steps - 1:
                bar.set_postfix(reward=f"{sum(rewards[-10:]) / len(rewards[-10:]):.3f}",
                                best_arm=f"{max(probabilities[-1]):.2f}")
    if bar is not None:
        bar.close()
    return rewards, losses, probabilities


def moving_average(values, window=20):
    """The mean of the last `window` values (fewer at the start) at each step."""
    out, total = [], 0.0
    for i, v in enumerate(values):
        total += v - (values[i - window] if i >= window else 0.0)
        out.append(total / min(i + 1, window))
    return out


def plot(out, rewards, probabilities):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    os.makedirs(out, exist_ok=True)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    steps = range(1, len(rewards) + 1)
    ax1.plot(steps, rewards, color="tab:gray", alpha=0.4, label="mean reward per step")
    ax1.plot(steps, moving_average(rewards), color="tab:blue", label="moving average (20 steps)")
    ax1.axhline(max(MEANS), color="tab:red", linestyle="--", label="best arm's mean")
    ax1.set(xlabel="step", ylabel="reward", title="Reward")
    ax1.legend(loc="lower right")
    arms = range(len(MEANS))
    ax2.bar(arms, probabilities[-1], color="tab:blue", label="final probability")
    ax2.set(xlabel="arm", ylabel="probability", xticks=list(arms), ylim=(0, 1.3),
            title="Policy after training")       # (headroom for the legend)
    means = ax2.twinx()
    means.plot(arms, MEANS, "o", color="tab:red", label="arm's mean reward")
    means.set_ylabel("mean reward")
    handles = [h for ax in (ax2, means) for h in ax.get_legend_handles_labels()[0]]
    ax2.legend(handles=handles, loc="upper left")
    fig.tight_layout()
    path = os.path.join(out, "reinforce_bandit.png")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--out", default=os.path.join("out", "reinforce_bandit"))
    parser.add_argument("--library", choices=["ember", "torch"], default="ember")
    args = parser.parse_args(argv)
    # (the code below is PyTorch code: `torch` is either library)
    torch = importlib.import_module(args.library)
    rewards, _, probabilities = train(torch, steps=args.steps, batch=args.batch, lr=args.lr)
    final = probabilities[-1]
    best = max(range(len(final)), key=final.__getitem__)
    print(f"mean reward over the last 20 steps {moving_average(rewards)[-1]:.3f} "
          f"(best arm's mean {max(MEANS):.2f}); the policy pulls arm {best} "
          f"with probability {final[best]:.3f}")
    print(f"saved {plot(args.out, rewards, probabilities)}")
    return rewards, probabilities


if __name__ == "__main__":
    main()
