"""RemovableHandle, torch.utils.hooks' class, at the very bottom of the
package (it imports nothing of Ember): tensors and autograd nodes, which load
before ember.utils, hand out the same handles as modules and optimizers."""


class RemovableHandle:
    """What registering a hook returns: `.remove()` takes the hook out again."""
    __module__ = "ember.utils.hooks"    # (where PyTorch's programs find it)
    next_id = 0

    def __init__(self, hooks_dict, *, extra_dict=None):
        self.hooks_dict = hooks_dict
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1
        self.extra_dicts = [] if extra_dict is None else (
            list(extra_dict) if isinstance(extra_dict, list) else [extra_dict])

    def remove(self):
        for d in [self.hooks_dict, *self.extra_dicts]:
            d.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
