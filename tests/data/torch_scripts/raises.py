"""An uncaught exception, two frames deep."""
import torch


def fail(t):
    raise ValueError(f"boom from the script: {t.sum().item()}")


print("before")
fail(torch.ones(3))
