"""Module conversions: _apply and what is built on it (to, float, double,
half, bfloat16, type, to_empty, share_memory), as torch/nn/modules/module.py."""
from ... import _dtype as D
from ...autograd.grad_mode import no_grad


def _floating(dtype):
    return lambda t: t.to(dtype) if t.is_floating_point() else t


def _unavailable(exc, message):
    def fn(t):
        raise exc(message)
    return fn


class _ConvertMixin:
    def _apply(self, fn, recurse=True):
        if recurse:
            for module in self.children():
                module._apply(fn)
        for key, param in self._parameters.items():
            if param is None:
                continue
            with no_grad():
                applied = fn(param)
            # As torch's `param.data = applied`: the Parameter object stays,
            # so optimizers and tied modules keep seeing it.
            param._data = applied._data
            g = param._grad
            if g is not None:
                with no_grad():
                    g._data = fn(g)._data
        for key, buf in self._buffers.items():
            if buf is not None:
                self._buffers[key] = fn(buf)
        return self

    def float(self):
        return self._apply(_floating(D.float32))

    def double(self):
        return self._apply(_floating(D.float64))

    def half(self):
        return self._apply(_floating(D.float16))

    def bfloat16(self):
        return self._apply(_floating(D.bfloat16))

    def type(self, dst_type):
        return self._apply(lambda t: t.type(dst_type))

    def cpu(self):
        return self._apply(lambda t: t.cpu())

    # No accelerator backend is built in: as on torch's CPU build, moving a
    # module without tensors succeeds, the first tensor raises.
    def cuda(self, device=None):
        return self._apply(_unavailable(AssertionError, "Torch not compiled with CUDA enabled"))

    def xpu(self, device=None):
        return self._apply(_unavailable(AssertionError, "Torch not compiled with XPU enabled"))

    def ipu(self, device=None):
        return self._apply(_unavailable(
            RuntimeError, "PyTorch is not linked with support for ipu devices"))

    def mtia(self, device=None):
        return self._apply(_unavailable(
            AssertionError, "Torch not compiled with MTIA enabled. Ensure you have `import "
            "mtia.host_runtime.torch_mtia.dynamic_library` in your python src file and include "
            "`//mtia/host_runtime/torch_mtia:torch_mtia` as your target dependency!"))

    def share_memory(self):
        # Arrays live in this process's memory; there is no other process's
        # view of them to set up (ember has no torch.multiprocessing).
        return self._apply(lambda t: t)

    def to_empty(self, *, device, recurse=True):
        from ..._creation import empty_like
        return self._apply(lambda t: empty_like(t, device=device), recurse=recurse)

    def to(self, *args, **kwargs):
        from ..._extras import parse_to_device
        dtype, _, device, memory_format = parse_to_device(args, dict(kwargs), check=False)
        if dtype is not None and not (dtype.is_floating_point or dtype.is_complex):
            raise TypeError("nn.Module.to only accepts floating point or complex dtypes, but "
                            f"got desired dtype={dtype}")
        if dtype is None and device is None and memory_format is None:
            return self

        def convert(t):
            target = dtype if t.is_floating_point() or t.is_complex() else None
            if memory_format is not None and t.dim() in (4, 5):
                # (PyTorch converts only the 4-d and 5-d tensors' layout)
                t = t.to(memory_format=memory_format)
            if device is None:
                return t if target is None else t.to(target)
            return t.to(device) if target is None else t.to(device, target)
        return self._apply(convert)
