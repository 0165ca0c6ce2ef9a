"""torch.autograd.functional: vjp, jacobian, hessian over whole functions."""
from .._backend import np

__all__ = ["vjp", "jacobian", "hessian"]


def _tup(x):
    from .._tensor import Tensor
    return (x,) if isinstance(x, Tensor) else tuple(x)


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    from . import grad
    single = not isinstance(inputs, (tuple, list))
    ins = tuple(t.detach().requires_grad_() for t in _tup(inputs))
    out = func(*ins)
    g = grad(out, ins, v, create_graph=create_graph, allow_unused=True,
             materialize_grads=True)
    return out.detach(), (g[0] if single else g)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """J[i, j] = d out[i] / d in[j], shaped out.shape + in.shape."""
    from . import grad
    from .._tensor import Tensor
    from ..ops.shape import stack, reshape
    single = not isinstance(inputs, (tuple, list))
    ins = tuple(t.detach().requires_grad_() for t in _tup(inputs))
    out = func(*ins)
    rows = [[] for _ in ins]
    for j in range(out._data.size):
        e = np.zeros(out._data.size, out._data.dtype)
        e[j] = 1
        gs = grad(out, ins, Tensor._wrap(e.reshape(out._data.shape)), retain_graph=True,
                  create_graph=create_graph, allow_unused=True, materialize_grads=True)
        for k, g in enumerate(gs):
            rows[k].append(g)
    jacs = tuple(reshape(stack(r), out._data.shape + t._data.shape) if r else
                 Tensor._wrap(np.zeros(out._data.shape + t._data.shape, t._data.dtype))
                 for r, t in zip(rows, ins))
    return jacs[0] if single else jacs


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    from . import grad
    single = not isinstance(inputs, (tuple, list))

    def gradient(*xs):
        out = func(*xs)
        gs = grad(out, xs, create_graph=True, allow_unused=True, materialize_grads=True)
        return gs[0] if single else gs

    if single:
        return jacobian(gradient, inputs, create_graph=create_graph)
    raise NotImplementedError("hessian of several inputs is not supported yet")
