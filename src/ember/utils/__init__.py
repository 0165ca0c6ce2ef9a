from . import data
from . import benchmark  # noqa: E402,F401
from . import checkpoint  # noqa: E402,F401
from . import dlpack  # noqa: E402,F401
from . import _pytree  # noqa: E402,F401
