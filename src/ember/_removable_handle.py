"""RemovableHandle, torch.utils.hooks' class, at the very bottom of the
package (it imports nothing of Ember): tensors and autograd nodes, which load
before ember.utils, hand out the same handles as modules and optimizers."""
from ._public_name import PublicRepr


class RemovableHandle(PublicRepr):
    """What registering a hook returns: `.remove()` takes the hook out again."""
    __module__ = "ember.utils.hooks"    # (where PyTorch's programs find it)
    next_id = 0
    _list = _entry = None    # (a hook kept in a list: see in_list)

    def __init__(self, hooks_dict, *, extra_dict=None):
        self.hooks_dict = hooks_dict
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1
        self.extra_dicts = [] if extra_dict is None else (
            list(extra_dict) if isinstance(extra_dict, list) else [extra_dict])

    @classmethod
    def in_list(cls, hooks, entry):
        """The handle of `entry` in the list `hooks`: the autograd graph keeps
        a tensor's and a node's hooks in lists, which the engine runs in order."""
        handle = cls({})
        handle._list, handle._entry = hooks, entry
        return handle

    def remove(self):
        for d in [self.hooks_dict, *self.extra_dicts]:
            d.pop(self.id, None)
        if self._list is not None:
            try:
                self._list.remove(self._entry)
            except ValueError:
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
