"""ember.autograd: backward, grad, custom Functions, gradcheck, grad modes."""
from .._backend import np
from .. import _dtype as _D
from .. import _public_name
# (the module, not the class: this package is imported while _tensor is, so
# Tensor is read at call time; an import statement in a function costs a
# backward() half a microsecond each time)
from .. import _tensor

from . import graph
from .anomaly_mode import detect_anomaly, set_detect_anomaly
from .function import Function, FunctionCtx, once_differentiable
from .grad_mode import (enable_grad, enforce_grad_layout_policy, inference_mode,
                        is_grad_enabled, is_inference_mode_enabled, is_multithreading_enabled,
                        no_grad, set_grad_enabled, set_multithreading_enabled)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from . import functional
from . import forward_ad
from . import profiler, profiler_util
from .variable import Variable

__all__ = ["backward", "grad", "Function", "FunctionCtx", "gradcheck", "gradgradcheck",
           "no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "graph",
           "functional", "forward_ad", "Variable", "profiler", "detect_anomaly",
           "set_multithreading_enabled", "is_multithreading_enabled",
           "set_detect_anomaly", "enforce_grad_layout_policy"]


def _as_tuple(x):
    if x is None:
        return None
    if isinstance(x, (_tensor.Tensor, graph.GradientEdge)):
        return (x,)
    return tuple(x)


def _root_grads(outputs, grad_outputs, create_graph):
    """The gradients the backward pass starts from (ones for a scalar)."""
    Tensor = _tensor.Tensor
    for i, t in enumerate(outputs):
        if not t._requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn")
    grads = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if g is None:
            if out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if out._data.dtype.kind != "f" and out._data.dtype != _D._BF16_NP:
                raise RuntimeError(
                    "grad can be implicitly created only for real scalar outputs but got "
                    f"{out.dtype!r}".replace("ember.", "torch."))
            # (a 0-d array made in C: ones_like is a Python function, ten
            # times the cost; one element has no layout to keep)
            data = out._data
            g = (np.array(1, data.dtype) if not data.shape and data.__class__ is np.ndarray
                 else np.ones_like(data))
            grads.append(Tensor._wrap(g) if create_graph else g)
            continue
        if not isinstance(g, Tensor):
            g = Tensor._wrap(np.asarray(g, dtype=out._data.dtype))
        if g._data.shape != out._data.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape!r} and output[{i}] "
                f"has a shape of {out.shape!r}.".replace("ember.", "torch."))
        grads.append(g if create_graph else g._data)
    return grads


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None):
    """Accumulate into the leaves' .grad the gradient of `tensors`."""
    if grad_tensors is None and inputs is None and grad_variables is None and not create_graph \
            and tensors.__class__ is _tensor.Tensor and tensors._requires_grad:
        # loss.backward(), the commonest call: a float scalar's gradient is 1
        # (what _as_tuple, _grads_for and _root_grads give it, spelled out)
        data = tensors._data
        if not data.shape and data.__class__ is np.ndarray and data.dtype.kind == "f":
            return _the_engine().run_backward((tensors,), [np.array(1, data.dtype)],
                                              bool(retain_graph), False)
    if grad_variables is not None:
        import warnings
        warnings.warn("`grad_variables` is deprecated. Use `grad_tensors` instead.",
                      FutureWarning, stacklevel=2)
        if grad_tensors is not None:
            raise RuntimeError("`grad_tensors` and `grad_variables` (deprecated) arguments "
                               "both passed to `backward()`. Please only use `grad_tensors`.")
        grad_tensors = grad_variables
    tensors = _as_tuple(tensors)
    if inputs is not None:
        inputs = _inputs_tuple(inputs, "backward")
        if not all(t.requires_grad for t in inputs):
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        for t in inputs:
            # (PyTorch's run_backward: a non-leaf input's .grad is filled by its
            # retain_grad, which then stays on, and is not filled twice)
            if isinstance(t, _tensor.Tensor) and t._grad_fn is not None:
                t.retain_grad()
    grad_tensors = _grads_for(tensors, grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    if create_graph:
        from .._settings import warn_once
        warn_once("Using backward() with create_graph=True will create a reference cycle between "
                  "the parameter and its gradient which can cause a memory leak. We recommend "
                  "using autograd.grad when creating the graph to avoid this. If you have to use "
                  "this function, make sure to reset the .grad fields of your parameters to None "
                  "after use to break the cycle and avoid the leak.",
                  cpp="torch/csrc/autograd/engine.cpp:1307")
    roots = _root_grads(tensors, grad_tensors, create_graph)
    _the_engine().run_backward(tensors, roots, retain_graph, create_graph, inputs=inputs)


_ENGINE = None


def _the_engine():
    """autograd._engine, imported on first use (it imports the ops, which
    import this package)."""
    global _ENGINE
    if _ENGINE is None:
        from . import _engine as engine
        _ENGINE = engine
    return _ENGINE


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of `outputs` with respect to `inputs`, as a tuple;
    no `.grad` is touched."""
    import warnings
    Tensor = _tensor.Tensor
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when "
                         "materialize_grads=True, but got: allow_unused=False.")
    if allow_unused is None:
        allow_unused = materialize_grads
    outputs = _as_tuple(outputs)
    keys = tuple(inputs) if type(inputs) is dict else None
    inputs = _inputs_tuple(inputs, "grad")
    if not only_inputs:
        warnings.warn("only_inputs argument is deprecated and is ignored now (defaults to "
                      "True). To accumulate gradient for other parts of the graph, please use "
                      f"{_public_name.name}.autograd.backward.", FutureWarning, stacklevel=2)
    grad_outputs = _grads_for(outputs, grad_outputs)
    if retain_graph is None:
        retain_graph = create_graph
    for t in inputs:
        if not isinstance(t, graph.GradientEdge) and not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    if is_grads_batched:
        return _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph,
                             allow_unused, materialize_grads)
    vmapped = _vmapped_grad_outputs(outputs, inputs, grad_outputs)
    if vmapped is not None:
        # vmap over the grad_outputs of a graph made outside it (the Jacobian
        # by rows, `vmap(lambda v: grad(y, x, v))(I)`): one batched backward,
        # as PyTorch's, not one per sample (the second would find the graph freed)
        level, batches, wrap = vmapped
        result = _batched_grad(outputs, inputs, batches, retain_graph, create_graph,
                               allow_unused, materialize_grads)
        result = [None if g is None else wrap(g, level) for g in result]
        return dict(zip(keys, result)) if keys is not None else tuple(result)
    roots = _root_grads(outputs, grad_outputs, create_graph)
    result = _the_engine().run_backward(outputs, roots, retain_graph, create_graph,
                                        inputs=inputs, capture=True, allow_unused=allow_unused)
    if materialize_grads:
        if any(g is None and isinstance(t, graph.GradientEdge) for g, t in zip(result, inputs)):
            raise RuntimeError("materialize_grads cannot be used when the given input is a "
                               "GradientEdge")
        result = [Tensor._wrap(np.zeros_like(t._data))._requiring_grad(create_graph)
                  if g is None else g for g, t in zip(result, inputs)]
    return dict(zip(keys, result)) if keys is not None else tuple(result)


def _vmapped_grad_outputs(outputs, inputs, grad_outputs):
    """(level, the grad_outputs as batches, vmap's wrap) when the innermost
    running vmap batches some grad_outputs and none of the outputs and inputs
    (a plain grad_output then counts for every sample); None otherwise."""
    import sys
    vm = sys.modules.get("ember.func._vmap")
    if vm is None or not vm._levels or len(vm._levels[-1]) > 2:  # (>2: run per sample)
        return None
    level, batched = len(vm._levels) - 1, vm.BatchedTensor
    if any(isinstance(t, batched) for t in outputs + inputs):
        return None
    if not any(isinstance(g, batched) and g._level == level for g in grad_outputs):
        return None
    if any(isinstance(g, batched) and g._level != level for g in grad_outputs):
        return None
    n = vm.batch_size(level)
    batches = [g._phys if isinstance(g, batched) else
               None if g is None else g.expand(n, *g.shape) for g in grad_outputs]
    return level, batches, vm.wrap


def _inputs_tuple(inputs, api):
    """`inputs` of grad() or backward() as a tuple: a dict's values (grad()
    then answers with a dict), refusing another Mapping and nothing at all."""
    from collections.abc import Mapping
    if type(inputs) is dict:
        inputs = tuple(inputs.values())
    elif isinstance(inputs, Mapping):
        raise TypeError(f"`inputs` argument to `{api}()` must be a dict, not "
                        f"{type(inputs).__name__}. Other Mapping types are not supported.")
    inputs = _as_tuple(inputs)
    if not inputs:
        raise RuntimeError(f"`inputs` argument to `{api}()` cannot be empty.")
    return inputs


def _grads_for(tensors, grads):
    """One gradient (or None) per output: fewer is an error, extra ones are
    ignored (PyTorch zips them)."""
    grads = (None,) * len(tensors) if grads is None else _as_tuple(grads)
    if len(grads) < len(tensors):
        raise RuntimeError(f"got {len(tensors)} tensors and {len(grads)} gradients")
    return grads[:len(tensors)]


def _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused,
                  materialize_grads):
    """autograd.grad(is_grads_batched=True): the first dim of each grad_output
    is a batch; one backward pass per batch entry (PyTorch vmaps it: the same
    values), the gradients stacked along a new first dim."""
    from .. import ops
    from .._tensor import Tensor
    from .._size import Size
    batch = None
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if g is None:
            continue
        if g._data.shape[1:] != out._data.shape:
            # (PyTorch's message shows the grad_output's sizes past its second dim)
            raise RuntimeError(
                "If `is_grads_batched=True`, we interpret the first dimension of each "
                "grad_output as the batch dimension. The sizes of the remaining dimensions are "
                "expected to match the shape of corresponding output, but a mismatch was "
                f"detected: grad_output[{i}] has a shape of {Size(g._data.shape[2:])!r} and "
                f"output[{i}] has a shape of {out.shape!r}. If you only want some tensors in "
                "`grad_output` to be considered batched, consider using vmap."
                .replace("ember.", "torch."))
        batch = g._data.shape[0]
    if batch is None:
        return grad(outputs, inputs, grad_outputs, retain_graph, create_graph,
                    allow_unused=allow_unused, materialize_grads=materialize_grads)
    rows = []
    for b in range(batch):
        gos = [None if g is None else g[b] for g in grad_outputs]
        rows.append(grad(outputs, inputs, gos, retain_graph or b < batch - 1, create_graph,
                         allow_unused=allow_unused))
    result = []
    for k, t in enumerate(inputs):
        column = [r[k] for r in rows]
        if column[0] is None:
            result.append(Tensor._wrap(np.zeros_like(t._data)) if materialize_grads else None)
        else:
            result.append(ops.stack(column))
    return tuple(result)
