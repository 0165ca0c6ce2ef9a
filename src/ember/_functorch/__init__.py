"""torch._functorch: what the `functorch` package (shipped with PyTorch and
importable beside it) reads from torch, so that `import functorch` on Ember
gives functorch's deprecated API on Ember's torch.func."""
