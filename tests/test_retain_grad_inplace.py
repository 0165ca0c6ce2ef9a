"""retain_grad and tensor hooks around in-place ops, as PyTorch 2.13 has them.

retain_grad's hook follows the tensor to the grad_fn of an in-place op
(PyTorch's update_tensor_hooks_on_new_gradfn), so `.grad` is the gradient of
the tensor's current value; hooks registered before stay with the old node.
A view changed through its base moves its retain when its grad_fn is next
read (an op on it, `.grad_fn`, printing it). See ember/autograd/_retain.py.
Each case is checked against values PyTorch gave, and against PyTorch itself
where it is importable.
"""
import warnings

import pytest

import ember


def fmt(t):
    if t is None:
        return None
    return [round(v, 4) for v in t.detach().reshape(-1).tolist()]


def _w(T):
    return T.arange(4.) + 1


def _setup(T):
    x = T.arange(4., requires_grad=True)
    return x, x * 1


def _view_retaining(T):
    """x, b = x * 1 and a = b[2:], a view that retains its grad."""
    x = T.arange(6., requires_grad=True)
    b = x * 1
    a = b[2:]
    a.retain_grad()
    return x, b, a


def _run(case, T):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # (create_graph's warning)
        return _result(case(T))


def _result(out):
    return {k: (fmt(v) if v is None or not isinstance(v, (bool, str, list)) else v)
            for k, v in out.items()}

def c_mul(T):
    x, a = _setup(T); a.retain_grad(); a.mul_(2)
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, x=x.grad, r=a.retains_grad)

def c_add(T):
    x, a = _setup(T); a.retain_grad(); a.add_(x)
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, x=x.grad)

def c_copy(T):
    x, a = _setup(T); a.retain_grad(); a.copy_(x * 3)
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, x=x.grad)

def c_setitem(T):
    x, a = _setup(T); a.retain_grad(); a[0] = 5
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, x=x.grad, fn=type(a.grad_fn).__name__)

def c_setitem_used_before(T):
    x, a = _setup(T); a.retain_grad(); b = (a * _w(T)[:a.shape[0]] * 5).sum(); a[0] = 5
    (b + (a * _w(T)).sum()).backward()
    return dict(a=a.grad, x=x.grad)

def c_clamp(T):
    x, a = _setup(T); a.retain_grad(); a.clamp_(1, 2)
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, x=x.grad)

def c_view_inplace(T):
    x, a = _setup(T); a.retain_grad(); a[1:].mul_(2)
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, x=x.grad)

def c_a_view_base_inplace(T):
    x, b, a = _view_retaining(T)
    b.mul_(2)
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, x=x.grad)

def c_a_view_base_inplace_used_before(T):
    x, b, a = _view_retaining(T)
    y = (a * _w(T)[:a.shape[0]] * 5).sum()
    b.mul_(2)
    (y + (a * _w(T)).sum()).backward()
    return dict(a=a.grad, x=x.grad)

def c_a_view_base_inplace_unread(T):
    # a is used before the base changes, never read after
    x, b, a = _view_retaining(T)
    y = (a * _w(T)[:a.shape[0]] * 5).sum()
    b.mul_(2)
    (y + (b * 1).sum()).backward()
    return dict(a=a.grad, x=x.grad)

def c_a_view_base_inplace_unread_fnread(T):
    x, b, a = _view_retaining(T)
    y = (a * _w(T)[:a.shape[0]] * 5).sum()
    b.mul_(2)
    a.grad_fn
    (y + (b * 1).sum()).backward()
    return dict(a=a.grad, x=x.grad)

def c_a_view_inplace_self(T):
    x, b, a = _view_retaining(T)
    a.mul_(2)
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, x=x.grad, fn=type(a.grad_fn).__name__)

def c_a_view_other_view_inplace(T):
    x, b, a = _view_retaining(T)
    b[:3].mul_(2)
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, x=x.grad)

def c_several(T):
    x, a = _setup(T); a.retain_grad(); a.mul_(2); a.add_(1); a.mul_(x)
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, x=x.grad)

def c_retain_after(T):
    x, a = _setup(T); a.mul_(2); a.retain_grad()
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, x=x.grad)

def c_retain_between(T):
    x, a = _setup(T); a.mul_(2); a.retain_grad(); a.mul_(3)
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, x=x.grad)

def c_retain_twice(T):
    x, a = _setup(T); a.retain_grad(); a.mul_(2); a.retain_grad(); a.mul_(3)
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, x=x.grad)

def c_leaf(T):
    x = T.arange(4., requires_grad=True)
    x.retain_grad()
    r = x.retains_grad
    (x * _w(T)).sum().backward()
    return dict(x=x.grad, r=r)

def c_hook_before(T):
    x, a = _setup(T); calls = []
    a.register_hook(lambda g: calls.append(fmt(g)))
    a.mul_(2)
    (a * _w(T)).sum().backward()
    return dict(x=x.grad, calls=calls)

def c_hook_before_modify(T):
    x, a = _setup(T); a.retain_grad()
    a.register_hook(lambda g: g * 10)
    a.mul_(2)
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, x=x.grad)

def c_hook_after(T):
    x, a = _setup(T); a.retain_grad(); calls = []
    a.mul_(2)
    a.register_hook(lambda g: (calls.append(fmt(g)), g * 10)[1])
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, x=x.grad, calls=calls)

def c_hook_before_and_after(T):
    x, a = _setup(T); calls = []
    a.register_hook(lambda g: calls.append(("before", fmt(g))))
    a.retain_grad()
    a.mul_(2)
    a.register_hook(lambda g: calls.append(("after", fmt(g))))
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, x=x.grad, calls=calls)

def c_hook_remove_after_inplace(T):
    x, a = _setup(T); calls = []
    h = a.register_hook(lambda g: calls.append(fmt(g)))
    a.mul_(2)
    h.remove()
    (a * _w(T)).sum().backward()
    return dict(x=x.grad, calls=calls)

def c_retains_attr(T):
    x, a = _setup(T); r0 = a.retains_grad; a.retain_grad(); r1 = a.retains_grad
    a.mul_(2)
    return dict(r0=r0, r1=r1, r2=a.retains_grad)

def c_two_backward(T):
    x, a = _setup(T); a.retain_grad(); a.mul_(2)
    y = (a * _w(T)).sum()
    y.backward(retain_graph=True)
    y.backward()
    return dict(a=a.grad, x=x.grad)

def c_two_backward_used_before(T):
    x, a = _setup(T); a.retain_grad(); b = (a * _w(T)[:a.shape[0]] * 5).sum(); a.mul_(2)
    y = b + (a * _w(T)).sum()
    y.backward(retain_graph=True)
    y.backward()
    return dict(a=a.grad, x=x.grad)

def c_used_before_and_after(T):
    x, a = _setup(T); a.retain_grad(); b = (a * _w(T)[:a.shape[0]] * 5).sum(); a.mul_(2)
    (b + (a * _w(T)).sum()).backward()
    return dict(a=a.grad, x=x.grad)

def c_grad_api(T):
    x, a = _setup(T); a.retain_grad(); a.mul_(2)
    g, = T.autograd.grad((a * _w(T)).sum(), x)
    return dict(g=g, a=a.grad)

def c_iadd_op(T):
    x, a = _setup(T); a.retain_grad(); a += 1; a *= x
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, x=x.grad)

def c_custom_function_dirty(T):
    class F(T.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            t.mul_(2)
            ctx.mark_dirty(t)
            return t

        @staticmethod
        def backward(ctx, g):
            return g * 2
    x, a = _setup(T); a.retain_grad()
    F.apply(a)
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, x=x.grad)

def c_no_grad_inplace(T):
    x, a = _setup(T); a.retain_grad()
    with T.no_grad():
        a.mul_(2)
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, x=x.grad)

def c_detach_inplace(T):
    x, a = _setup(T); a.retain_grad()
    a.detach().mul_(2)
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, x=x.grad)

def c_multi_output(T):
    x = T.arange(6., requires_grad=True)
    y = x * 1
    a, b = y.split(3)
    a.retain_grad()
    c = a.clone()
    c.retain_grad()
    c.mul_(2)
    (c * _w(T)[:3]).sum().backward()
    return dict(a=a.grad, c=c.grad, x=x.grad)

def c_inplace_unused_after(T):
    x, a = _setup(T); a.retain_grad(); b = (a * _w(T)).sum(); a.mul_(2)
    b.backward()
    return dict(a=a.grad, x=x.grad)

def c_view_retains_then_view_inplace_self_used_before(T):
    x, b, a = _view_retaining(T)
    y = (a * _w(T)[:a.shape[0]] * 5).sum()
    a.mul_(2)
    (y + (a * _w(T)).sum()).backward()
    return dict(a=a.grad, x=x.grad)

def c_stored_view(T):
    x, a = _setup(T); a.retain_grad(); v = a[1:]; y = (a * _w(T)).sum(); v.mul_(2)
    (y + v.sum()).backward()
    return dict(a=a.grad, x=x.grad)

def c_setitem_hooks(T):
    x, a = _setup(T); calls = []
    a.register_hook(lambda g: calls.append(("pre", fmt(g))))
    a.retain_grad(); a[0] = 5
    a.register_hook(lambda g: calls.append(("post", fmt(g))))
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, x=x.grad, calls=calls)

def c_pending_repr(T):
    x = T.arange(6., requires_grad=True); b = x * 1; a = b[2:]; a.retain_grad()
    y = (a * _w(T) * 5).sum(); b.mul_(2); repr(a)
    (y + (b * 1).sum()).backward()
    return dict(a=a.grad, x=x.grad)

def c_pending_two_backwards(T):
    x = T.arange(6., requires_grad=True); b = x * 1; a = b[2:]; a.retain_grad()
    y = (a * _w(T) * 5).sum(); b.mul_(2)
    y.backward(retain_graph=True)
    g1 = a.grad.clone()
    (a * _w(T)).sum().backward()
    return dict(g1=g1, a=a.grad, x=x.grad)

def c_view_of_view(T):
    x = T.arange(6., requires_grad=True); b = x * 1; c = b[1:]; a = c[1:]
    a.retain_grad(); c.retain_grad()
    a.mul_(2)
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, c=c.grad, x=x.grad)

def c_base_and_view_retain(T):
    x = T.arange(6., requires_grad=True); b = x * 1; a = b[2:]
    a.retain_grad(); b.retain_grad()
    a.mul_(2)
    ((a * _w(T)).sum() + (b * 7).sum()).backward()
    return dict(a=a.grad, b=b.grad, x=x.grad)

def c_backward_inputs(T):
    x, a = _setup(T); a.retain_grad(); a.mul_(2)
    (a * _w(T)).sum().backward(inputs=[x])
    return dict(a=a.grad, x=x.grad)

def c_backward_inputs_a(T):
    x, a = _setup(T); a.retain_grad(); a.mul_(2)
    (a * _w(T)).sum().backward(inputs=[a])
    return dict(a=a.grad, x=x.grad)

def c_transpose_(T):
    x = T.arange(4., requires_grad=True); a = (x * 1).view(2, 2); a.retain_grad()
    a.t_()
    (a * _w(T).view(2, 2)).sum().backward()
    return dict(a=a.grad, x=x.grad)

def c_unsqueeze_(T):
    x, a = _setup(T); a.retain_grad(); a.unsqueeze_(0)
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, x=x.grad)

def c_unread_then_grad_access(T):
    x, a = _setup(T); a.retain_grad(); y = (a * _w(T)).sum(); a.mul_(2)
    y.backward()
    return dict(a=a.grad, x=x.grad)

def c_chained_retain_views(T):
    x = T.arange(6., requires_grad=True); b = x * 1; a1 = b[:3]; a2 = b[3:]
    a1.retain_grad(); a2.retain_grad()
    a1.mul_(2)
    ((a1 * _w(T)[:3]).sum() + (a2 * _w(T)[:3]).sum()).backward()
    return dict(a1=a1.grad, a2=a2.grad, x=x.grad)

def c_zero(T):
    x, a = _setup(T); a.retain_grad(); b = a * _w(T); a.zero_()
    (b.sum() + (a * _w(T)).sum()).backward()
    return dict(a=a.grad, x=x.grad)


def c_create_graph(T):
    x, a = _setup(T); a.retain_grad(); a.mul_(x)
    (a * _w(T)).sum().backward(create_graph=True)
    return dict(a=a.grad, x=x.grad, a_fn=a.grad.grad_fn is not None)


def c_backward_inputs_retains(T):
    # backward(inputs=[non_leaf]) turns its retain_grad on, and fills .grad once
    x, a = _setup(T); r = a.retains_grad
    (a * _w(T)).sum().backward(inputs=[a])
    return dict(a=a.grad, r0=r, r1=a.retains_grad, x=x.grad)


def c_retain_then_backward_inputs(T):
    x, a = _setup(T); a.retain_grad()
    (a * _w(T)).sum().backward(inputs=[a])
    return dict(a=a.grad, x=x.grad)


def c_unsqueeze_shape(T):
    # an in-place op that changes only the geometry leaves the retain where it was
    x, a = _setup(T); a.retain_grad(); a.unsqueeze_(0)
    (a * _w(T)).sum().backward()
    return dict(a=a.grad, shape=list(a.grad.shape), x=x.grad)


def c_view_no_grad_inplace_then_read(T):
    # changed without grad: the view's node is regenerated, its retain moves
    # only when it is read again (here never)
    x = T.arange(6., requires_grad=True); b = x * 1; a = b[2:]; a.retain_grad()
    y = (a * _w(T) * 5).sum()
    with T.no_grad():
        a.mul_(2)
    (y + (b * 1).sum()).backward()
    return dict(a=a.grad, x=x.grad)


def c_view_no_grad_inplace_used(T):
    x = T.arange(6., requires_grad=True); b = x * 1; a = b[2:]; a.retain_grad()
    y = (a * _w(T) * 5).sum()
    with T.no_grad():
        a.mul_(2)
    (y + (a * _w(T)).sum()).backward()
    return dict(a=a.grad, x=x.grad)


EXPECTED = {
    'c_view_no_grad_inplace_then_read':
        {'a': [5.0, 10.0, 15.0, 20.0], 'x': [1.0, 1.0, 6.0, 11.0, 16.0, 21.0]},
    'c_view_no_grad_inplace_used':
        {'a': [1.0, 2.0, 3.0, 4.0], 'x': [0.0, 0.0, 6.0, 12.0, 18.0, 24.0]},
    'c_zero': {'a': [1.0, 2.0, 3.0, 4.0], 'x': [1.0, 2.0, 3.0, 4.0]},
    'c_create_graph': {'a': [1.0, 2.0, 3.0, 4.0], 'x': [0.0, 4.0, 12.0, 24.0], 'a_fn': False},
    'c_backward_inputs_retains': {'a': [1.0, 2.0, 3.0, 4.0], 'r0': False, 'r1': True, 'x': None},
    'c_retain_then_backward_inputs': {'a': [1.0, 2.0, 3.0, 4.0], 'x': None},
    'c_unsqueeze_shape': {'a': [1.0, 2.0, 3.0, 4.0], 'shape': [4], 'x': [1.0, 2.0, 3.0, 4.0]},
    'c_mul': {'a': [1.0, 2.0, 3.0, 4.0], 'x': [2.0, 4.0, 6.0, 8.0], 'r': True},
    'c_add': {'a': [1.0, 2.0, 3.0, 4.0], 'x': [2.0, 4.0, 6.0, 8.0]},
    'c_copy': {'a': [1.0, 2.0, 3.0, 4.0], 'x': [3.0, 6.0, 9.0, 12.0]},
    'c_setitem': {'a': [1.0, 2.0, 3.0, 4.0], 'x': [0.0, 2.0, 3.0, 4.0], 'fn': 'CopySlices'},
    'c_setitem_used_before': {'a': [1.0, 2.0, 3.0, 4.0], 'x': [5.0, 12.0, 18.0, 24.0]},
    'c_clamp': {'a': [1.0, 2.0, 3.0, 4.0], 'x': [0.0, 2.0, 3.0, 0.0]},
    'c_view_inplace': {'a': [1.0, 2.0, 3.0, 4.0], 'x': [1.0, 4.0, 6.0, 8.0]},
    'c_a_view_base_inplace': {'a': [1.0, 2.0, 3.0, 4.0], 'x': [0.0, 0.0, 2.0, 4.0, 6.0, 8.0]},
    'c_a_view_base_inplace_used_before':
        {'a': [1.0, 2.0, 3.0, 4.0], 'x': [0.0, 0.0, 7.0, 14.0, 21.0, 28.0]},
    'c_a_view_base_inplace_unread':
        {'a': [5.0, 10.0, 15.0, 20.0], 'x': [2.0, 2.0, 7.0, 12.0, 17.0, 22.0]},
    'c_a_view_base_inplace_unread_fnread': {'a': None, 'x': [2.0, 2.0, 7.0, 12.0, 17.0, 22.0]},
    'c_a_view_inplace_self':
        {'a': [1.0, 2.0, 3.0, 4.0],
         'x': [0.0, 0.0, 2.0, 4.0, 6.0, 8.0],
         'fn': 'AsStridedBackward0'},
    'c_a_view_other_view_inplace':
        {'a': [1.0, 2.0, 3.0, 4.0], 'x': [0.0, 0.0, 2.0, 2.0, 3.0, 4.0]},
    'c_several': {'a': [1.0, 2.0, 3.0, 4.0], 'x': [1.0, 10.0, 27.0, 52.0]},
    'c_retain_after': {'a': [1.0, 2.0, 3.0, 4.0], 'x': [2.0, 4.0, 6.0, 8.0]},
    'c_retain_between': {'a': [1.0, 2.0, 3.0, 4.0], 'x': [6.0, 12.0, 18.0, 24.0]},
    'c_retain_twice': {'a': [1.0, 2.0, 3.0, 4.0], 'x': [6.0, 12.0, 18.0, 24.0]},
    'c_leaf': {'x': [1.0, 2.0, 3.0, 4.0], 'r': False},
    'c_hook_before': {'x': [2.0, 4.0, 6.0, 8.0], 'calls': [[2.0, 4.0, 6.0, 8.0]]},
    'c_hook_before_modify': {'a': [1.0, 2.0, 3.0, 4.0], 'x': [20.0, 40.0, 60.0, 80.0]},
    'c_hook_after':
        {'a': [10.0, 20.0, 30.0, 40.0],
         'x': [20.0, 40.0, 60.0, 80.0],
         'calls': [[1.0, 2.0, 3.0, 4.0]]},
    'c_hook_before_and_after':
        {'a': [1.0, 2.0, 3.0, 4.0],
         'x': [2.0, 4.0, 6.0, 8.0],
         'calls': [('after', [1.0, 2.0, 3.0, 4.0]), ('before', [2.0, 4.0, 6.0, 8.0])]},
    'c_hook_remove_after_inplace': {'x': [2.0, 4.0, 6.0, 8.0], 'calls': []},
    'c_retains_attr': {'r0': False, 'r1': True, 'r2': True},
    'c_two_backward': {'a': [2.0, 4.0, 6.0, 8.0], 'x': [4.0, 8.0, 12.0, 16.0]},
    'c_two_backward_used_before': {'a': [2.0, 4.0, 6.0, 8.0], 'x': [14.0, 28.0, 42.0, 56.0]},
    'c_used_before_and_after': {'a': [1.0, 2.0, 3.0, 4.0], 'x': [7.0, 14.0, 21.0, 28.0]},
    'c_grad_api': {'g': [2.0, 4.0, 6.0, 8.0], 'a': [1.0, 2.0, 3.0, 4.0]},
    'c_iadd_op': {'a': [1.0, 2.0, 3.0, 4.0], 'x': [1.0, 6.0, 15.0, 28.0]},
    'c_custom_function_dirty': {'a': [1.0, 2.0, 3.0, 4.0], 'x': [2.0, 4.0, 6.0, 8.0]},
    'c_no_grad_inplace': {'a': [1.0, 2.0, 3.0, 4.0], 'x': [1.0, 2.0, 3.0, 4.0]},
    'c_detach_inplace': {'a': [1.0, 2.0, 3.0, 4.0], 'x': [1.0, 2.0, 3.0, 4.0]},
    'c_multi_output':
        {'a': [2.0, 4.0, 6.0], 'c': [1.0, 2.0, 3.0], 'x': [2.0, 4.0, 6.0, 0.0, 0.0, 0.0]},
    'c_inplace_unused_after': {'a': None, 'x': [1.0, 2.0, 3.0, 4.0]},
    'c_view_retains_then_view_inplace_self_used_before':
        {'a': [1.0, 2.0, 3.0, 4.0], 'x': [0.0, 0.0, 7.0, 14.0, 21.0, 28.0]},
    'c_stored_view': {'a': [0.0, 1.0, 1.0, 1.0], 'x': [1.0, 4.0, 5.0, 6.0]},
    'c_setitem_hooks':
        {'a': [1.0, 2.0, 3.0, 4.0],
         'x': [0.0, 2.0, 3.0, 4.0],
         'calls': [('post', [1.0, 2.0, 3.0, 4.0]), ('pre', [0.0, 2.0, 3.0, 4.0])]},
    'c_pending_repr': {'a': None, 'x': [2.0, 2.0, 7.0, 12.0, 17.0, 22.0]},
    'c_pending_two_backwards':
        {'g1': [5.0, 10.0, 15.0, 20.0],
         'a': [6.0, 12.0, 18.0, 24.0],
         'x': [0.0, 0.0, 7.0, 14.0, 21.0, 28.0]},
    'c_view_of_view': {'a': [1.0, 2.0, 3.0, 4.0], 'c': None, 'x': [0.0, 0.0, 2.0, 4.0, 6.0, 8.0]},
    'c_base_and_view_retain':
        {'a': [1.0, 2.0, 3.0, 4.0],
         'b': [7.0, 7.0, 8.0, 9.0, 10.0, 11.0],
         'x': [7.0, 7.0, 16.0, 18.0, 20.0, 22.0]},
    'c_backward_inputs': {'a': [1.0, 2.0, 3.0, 4.0], 'x': [2.0, 4.0, 6.0, 8.0]},
    'c_backward_inputs_a': {'a': [1.0, 2.0, 3.0, 4.0], 'x': None},
    'c_transpose_': {'a': [1.0, 3.0, 2.0, 4.0], 'x': [1.0, 3.0, 2.0, 4.0]},
    'c_unsqueeze_': {'a': [1.0, 2.0, 3.0, 4.0], 'x': [1.0, 2.0, 3.0, 4.0]},
    'c_unread_then_grad_access': {'a': None, 'x': [1.0, 2.0, 3.0, 4.0]},
    'c_chained_retain_views':
        {'a1': [1.0, 2.0, 3.0], 'a2': [1.0, 2.0, 3.0], 'x': [2.0, 4.0, 6.0, 1.0, 2.0, 3.0]},
}
CASES = {n: f for n, f in globals().items() if n.startswith('c_')}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_matches_pytorchs_values(name):
    assert _run(CASES[name], ember) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_matches_pytorch(name):
    torch = pytest.importorskip("torch")
    assert _run(CASES[name], ember) == _run(CASES[name], torch)
