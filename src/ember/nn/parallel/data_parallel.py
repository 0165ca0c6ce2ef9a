"""DataParallel and data_parallel as a CPU-only PyTorch build has them.

Without an accelerator, torch's DataParallel keeps the module, sets
device_ids to [] and just calls the module; device_ids, output_device and
dim are dropped (not even stored), and the functional data_parallel cannot
pick a device type. Ember has no accelerator, so both behave so.
"""
from ..modules.module import Module

__all__ = ["DataParallel", "data_parallel"]


class DataParallel(Module):
    """`module` run as is: the wrapper adds `module.` to its state_dict keys."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        self.device_ids = []

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


def data_parallel(module, inputs, device_ids=None, output_device=None, dim=0,
                  module_kwargs=None):
    raise RuntimeError("device type could not be determined")
