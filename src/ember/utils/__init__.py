from . import data
from . import benchmark  # noqa: E402,F401
