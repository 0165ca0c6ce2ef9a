"""The name Ember's reprs give the library.

"ember" normally (`ember.float32`, `ember.Size([2, 3])`). While
`use_as_torch()` makes `import torch` give Ember (so under `ember.run`), the
program calls the library `torch`, and these reprs say `torch.`, as PyTorch's
do: `print(x.shape)` shows `torch.Size([2, 3])`. Class names (`<class
'ember.Tensor'>`) keep the module the class lives in.
"""

name = "ember"


def set_name(value):
    global name
    name = value
