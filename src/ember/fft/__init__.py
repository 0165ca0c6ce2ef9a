"""`torch.fft`: its transforms and shifts are declared in the registry
(ember/ops/spectral_fft.py, spectral_freq.py) under the namespace "fft";
this module is their public face, with the two frequency factories."""
from .._tensor import Tensor  # noqa: F401  (torch.fft.Tensor is torch.Tensor, too)
from ..ops import _keywords
from ..ops._registry import REGISTRY as _REGISTRY
from ..ops.spectral_freq import fftfreq, rfftfreq

__all__ = ["fftfreq", "rfftfreq"]
for _info in _REGISTRY.values():
    if _info.namespace == "fft":
        for _name in (_info.name,) + _info.aliases:
            globals()[_name] = _keywords.under_name(_info.public, "fft_" + _name)
            __all__.append(_name)
