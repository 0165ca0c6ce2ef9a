"""A directory run as a program (its __main__.py)."""
import os
import sys

import torch.nn

print("dir main", __name__, torch.nn.__name__.split(".")[-1], sys.argv[1:], sys.argv[0],
      "absolute" if os.path.isabs(__file__) else "relative")
