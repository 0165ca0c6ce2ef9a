"""Full backward hooks of a Module, as torch/utils/hooks.py BackwardHook.

The module's tensor inputs and its tensor outputs each pass through one
identity node (BackwardHookFunctionBackward, PyTorch's name). When the
gradient reaches the node at the outputs, the grad_output tuple is recorded
and the backward pre-hooks run; when it reaches the node at the inputs, the
grad_input tuple is complete and the backward hooks run. Non-tensor
positions read None in both tuples.
"""
from ..._backend import np
from ... import _public_name
from ..._settings import warn_at_caller
from ..._tensor import Tensor
from ...autograd.graph import _FUNCTION_MODULE, Node
from ...autograd.grad_mode import _state
from ...ops._common import edge, NONE_EDGE

__all__ = ["BackwardHook"]


class BackwardHookFunctionBackward(Node):
    """Identity on several tensors; `_hook(grad_outputs, grad_inputs)` may
    replace the gradients it passes on."""
    __module__ = _FUNCTION_MODULE     # (as PyTorch's: graph.Node keeps it)
    _multi = True
    # Its outputs are views of its inputs made by a custom Function: none may
    # change in place (ops/inplace.py words PyTorch's error for it).
    _multi_view = "custom"

    def __init__(self, nexts, shapes, dtypes):
        Node.__init__(self, nexts, (), (), None, shapes, dtypes)
        self._hook = None

    def name(self):
        return "BackwardHookFunctionBackward"

    def __repr__(self):
        # PyTorch's is a custom Function's node: its repr names the module.
        return (f"<{_public_name.name}.autograd.function.BackwardHookFunctionBackward object at "
                f"{hex(id(self))}>")

    def apply(self, xp, grad, create_graph, needs):
        raw = tuple(_as_tensor(g) for g in grad)
        # As a custom Function with materialize_grads: an output that got no
        # gradient passes zeros on.
        grads = tuple(g if g is not None else
                      Tensor._wrap(np.zeros(shape, dtype))
                      for g, shape, dtype in zip(raw, self._shape, self._dtype))
        if self._hook is not None:
            res = self._hook(grads, raw)
            if res is not None:
                grads = tuple(res)
        out = []
        for g, need in zip(grads, needs):
            if g is None or not need:
                out.append(None)
            else:
                g = g if isinstance(g, Tensor) else Tensor._wrap(np.asarray(g))
                out.append(g if create_graph else g._data)
        return tuple(out)


def _as_tensor(g):
    if g is None or isinstance(g, Tensor):
        return g
    return Tensor._wrap(np.asarray(g))


def _identity_node(tensors):
    """The tensors passed through one BackwardHookFunctionBackward: views of
    them; those that do not require grad stay out of the graph."""
    nexts = tuple(edge(t) if t._requires_grad else NONE_EDGE for t in tensors)
    node = BackwardHookFunctionBackward(nexts, tuple(t._data.shape for t in tensors),
                                        tuple(t._data.dtype for t in tensors))
    outs = []
    for nr, t in enumerate(tensors):
        if t._requires_grad:
            o = Tensor._from_node(t._data, node)
            if nr:
                o._output_nr = nr
        else:
            o = Tensor._wrap(t._data)
        o._vc = t._share_vc()
        o._base = t if t._base is None else t._base
        outs.append(o)
    return node, outs


class BackwardHook:
    def __init__(self, module, user_hooks, user_pre_hooks):
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        self.module = module
        self.grad_outputs = None
        self.n_outputs = -1
        self.output_tensors_index = None
        self.n_inputs = -1
        self.input_tensors_index = None

    @staticmethod
    def _pack_with_none(indices, values, size):
        res = [None] * size
        for idx, val in zip(indices, values):
            res[idx] = val
        return tuple(res)

    @staticmethod
    def _unpack_none(indices, values):
        return tuple(values[idx] for idx in indices)

    def _input_hook(self, grad_input, _raw):
        if self.grad_outputs is None:
            # The gradient reached the inputs without passing the outputs
            # (double backward): nothing to report.
            return None
        res = self._pack_with_none(self.input_tensors_index, grad_input, self.n_inputs)
        for hook in self.user_hooks:
            out = hook(self.module, res, self.grad_outputs)
            if out is None:
                continue
            if len(out) != len(res):
                raise RuntimeError("Backward hook returned an invalid number of grad_input, "
                                   f"got {len(out)}, but expected {len(res)}")
            res = out
        self.grad_outputs = None
        return self._unpack_none(self.input_tensors_index, res)

    def _output_hook(self, _materialized, grad_output):
        self.grad_outputs = self._pack_with_none(self.output_tensors_index, grad_output,
                                                 self.n_outputs)
        if self.user_pre_hooks:
            expected_len = len(self.grad_outputs)
            for user_pre_hook in self.user_pre_hooks:
                hook_grad_outputs = user_pre_hook(self.module, self.grad_outputs)
                if hook_grad_outputs is None:
                    continue
                actual_len = len(hook_grad_outputs)
                if actual_len != expected_len:
                    raise RuntimeError("Backward pre hook returned an invalid number of "
                                       f"grad_output, got {actual_len}, but expected "
                                       f"{expected_len}")
                self.grad_outputs = hook_grad_outputs
        local_grad_outputs = self.grad_outputs
        if self.input_tensors_index is None:
            # Raised while PyTorch's engine runs, reported at the line that
            # called backward().
            warn_at_caller(
                "Full backward hook is firing when gradients are computed with respect to "
                "module outputs since no inputs require gradients. See "
                "https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
                "#torch.nn.Module.register_full_backward_hook for more details.")
            grad_inputs = self._pack_with_none([], [], self.n_inputs)
            for user_hook in self.user_hooks:
                res = user_hook(self.module, grad_inputs, self.grad_outputs)
                if res is not None and not (isinstance(res, tuple)
                                            and all(el is None for el in res)):
                    raise RuntimeError("Backward hook for Modules where no input requires "
                                       "gradient should always return None or None for all "
                                       "gradients.")
            self.grad_outputs = None
        return tuple(local_grad_outputs[i] for i in self.output_tensors_index)

    def _apply_on_tensors(self, hook, args):
        tensors_idx, tensors = [], []
        requires_grad = False
        for i, arg in enumerate(args):
            if isinstance(arg, Tensor):
                tensors_idx.append(i)
                tensors.append(arg)
                requires_grad |= arg._requires_grad
        if not (requires_grad and _state.enabled):
            return args, None
        node, new_tensors = _identity_node(tensors)
        node._hook = hook
        arg_list = list(args)
        for idx, val in zip(tensors_idx, new_tensors):
            arg_list[idx] = val
        out = tuple(arg_list) if type(args) is tuple else type(args)(*arg_list)
        return out, tensors_idx

    def setup_input_hook(self, args):
        res, input_idx = self._apply_on_tensors(self._input_hook, args)
        self.n_inputs = len(args)
        self.input_tensors_index = input_idx
        return res

    def setup_output_hook(self, args):
        is_tuple = isinstance(args, tuple)
        if not is_tuple:
            args = (args,)
        res, output_idx = self._apply_on_tensors(self._output_hook, args)
        self.n_outputs = len(args)
        self.output_tensors_index = output_idx
        return res if is_tuple else res[0]
