"""ember.functional: the functions `torch.functional` holds.

They are Ember's top-level functions of the same names, looked up when asked
for, so an op added to the catalogue appears here without an edit."""
__all__ = ["atleast_1d", "atleast_2d", "atleast_3d", "broadcast_shapes", "broadcast_tensors",
           "cartesian_prod", "block_diag", "cdist", "chain_matmul", "einsum", "istft", "lu",
           "norm", "meshgrid", "pca_lowrank", "split", "stft", "svd_lowrank", "tensordot",
           "unique", "unique_consecutive", "unravel_index"]


def __getattr__(name):
    import ember
    if name in __all__:
        try:
            return getattr(ember, name)
        except AttributeError:
            pass
        raise AttributeError(f"module 'ember.functional' has no attribute '{name}' (Ember does "
                             "not implement it yet)")
    raise AttributeError(f"module 'ember.functional' has no attribute '{name}'")


def __dir__():
    return list(__all__)
