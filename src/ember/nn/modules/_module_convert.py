"""Module conversions: _apply and what is built on it (to, float, double,
half, bfloat16, type, to_empty, share_memory), as torch/nn/modules/module.py."""
import warnings

from ...autograd.grad_mode import no_grad
from ...utils._swap import swap_tensors as _swap_tensors


def _floating(method):
    # (the tensor's own conversion, as torch: an uninitialised parameter
    # allows float/double/half but refuses bfloat16)
    return lambda t: getattr(t, method)() if t.is_floating_point() else t


class _ConvertMixin:
    def _apply(self, fn, recurse=True):
        from ... import __future__ as future
        if recurse:
            for module in self.children():
                module._apply(fn)
        swap = future.get_swap_module_params_on_conversion()
        overwrite = future.get_overwrite_module_params_on_conversion()
        for key, param in self._parameters.items():
            if param is None:
                continue
            with no_grad():
                applied = fn(param)
            grad = param._grad
            if swap:
                out = self._swapped(key, param, applied, grad)
            elif not overwrite:
                # As torch's `param.data = applied`: the Parameter object stays,
                # so optimizers and tied modules keep seeing it.
                param._data = applied._data
                out = param
            else:
                out = self._parameters[key] = type(param)(applied, param.requires_grad)
            if grad is None:
                continue
            with no_grad():
                grad_applied = fn(grad)
            if swap:
                grad_applied.requires_grad_(grad.requires_grad)
                try:
                    _swap_tensors(grad, grad_applied)
                except Exception as exc:
                    raise RuntimeError(
                        f"_apply(): Couldn't swap {self._get_name()}.{key}.grad") from exc
                out.grad = grad
            elif not overwrite:
                grad._data = grad_applied._data
            else:
                out.grad = grad_applied.requires_grad_(grad.requires_grad)
        for key, buf in self._buffers.items():
            if buf is not None:
                self._buffers[key] = fn(buf)
        return self

    def _swapped(self, key, param, applied, grad):
        """`applied` swapped into `param` (torch.__future__'s swap): the
        object stays, its contents become a Parameter of `applied`."""
        from ..parameter import Parameter
        try:
            if grad is not None:
                param._grad = None      # (PyTorch's swap refuses a tensor in use)
            _swap_tensors(param, Parameter(applied, requires_grad=param.requires_grad))
        except Exception as exc:
            if grad is not None:
                param._grad = grad
            raise RuntimeError(f"_apply(): Couldn't swap {self._get_name()}.{key}") from exc
        return param

    def float(self):
        return self._apply(_floating("float"))

    def double(self):
        return self._apply(_floating("double"))

    def half(self):
        return self._apply(_floating("half"))

    def bfloat16(self):
        return self._apply(_floating("bfloat16"))

    def type(self, dst_type):
        return self._apply(lambda t: t.type(dst_type))

    def cpu(self):
        return self._apply(lambda t: t.cpu())

    # No accelerator backend is built in: as on torch's CPU build, moving a
    # module without tensors succeeds, the first tensor raises.
    def cuda(self, device=None):
        return self._apply(lambda t: t.cuda(device))

    def xpu(self, device=None):
        return self._apply(lambda t: t.xpu(device))

    def ipu(self, device=None):
        return self._apply(lambda t: t.ipu(device))

    def mtia(self, device=None):
        return self._apply(lambda t: t.mtia(device))

    def share_memory(self):
        # Arrays live in this process's memory; there is no other process's
        # view of them to set up (ember has no torch.multiprocessing).
        return self._apply(lambda t: t.share_memory_())

    def to_empty(self, *, device, recurse=True):
        from ..._creation import empty_like
        return self._apply(lambda t: empty_like(t, device=device), recurse=recurse)

    def to(self, *args, **kwargs):
        from ..._extras import parse_to_device
        dtype, copy, device, memory_format = parse_to_device(args, dict(kwargs), check=False)
        if copy is not None:
            raise RuntimeError(".to() does not accept copy argument")
        if dtype is not None and not (dtype.is_floating_point or dtype.is_complex):
            raise TypeError("nn.Module.to only accepts floating point or complex dtypes, but "
                            f"got desired dtype={dtype}")
        if dtype is not None and dtype.is_complex:
            warnings.warn(
                "Complex modules are a new feature under active development whose design may "
                "change, and some modules might not work as expected when using complex tensors "
                "as parameters or buffers. Please file an issue at "
                "https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml if a "
                "complex module does not work as expected.", stacklevel=2)
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
