"""torch.signal.windows: SciPy-style windows, computed with PyTorch's formulas
in the requested dtype (float32 windows are PyTorch's float32 values)."""
from ._windows import (bartlett, blackman, cosine, exponential, gaussian, general_cosine,
                       general_hamming, hamming, hann, kaiser, nuttall)

__all__ = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "general_cosine",
           "general_hamming", "hamming", "hann", "kaiser", "nuttall"]
