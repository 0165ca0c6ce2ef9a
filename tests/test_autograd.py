"""The engine: backward, accumulation, retain_graph, hooks, retain_grad,
create_graph, autograd.grad, grad modes, custom Functions, deep graphs."""
import gc
import threading
import weakref
import warnings

import numpy as np
import pytest

import ember
from ember.autograd import Function
from compare_torch import check

FREED = "Trying to backward through the graph a second time"


def leaf(values):
    return ember.tensor(values, requires_grad=True)


def test_sin_chain_gradient_is_2cos():
    a = ember.linspace(0.0, 6.0, 25, requires_grad=True)
    (2 * ember.sin(a) + 1).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), 2 * np.cos(a.detach().numpy()), rtol=1e-6)


def test_dot_gradient_is_2x():
    x = leaf([0.0, 1.0, 2.0, 3.0, 4.0])
    ember.dot(x, x).backward()
    assert x.grad.tolist() == [0.0, 2.0, 4.0, 6.0, 8.0]


def test_gradients_accumulate_across_backward_calls():
    x = leaf([1.0, 2.0])
    for _ in range(3):
        (x * x).sum().backward()
    assert x.grad.tolist() == [6.0, 12.0]


def test_grad_is_a_private_copy():
    # The same gradient array reaches both leaves; zeroing one must not touch the other.
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (a + b).sum().backward()
    a.grad.zero_()
    assert b.grad.tolist() == [1.0, 1.0]


def test_a_gradient_nobody_else_holds_becomes_grad_without_a_copy(monkeypatch):
    # As PyTorch steals a buffer whose use count is 1: the engine hands a
    # leaf the array its formulas made, unless anything else still holds it.
    from ember import _layout
    copies = []
    real = _layout.grad_laid_out
    monkeypatch.setattr(_layout, "grad_laid_out", lambda g, d: copies.append(g) or real(g, d))
    ember.manual_seed(0)
    model = ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.ReLU(), ember.nn.Linear(3, 2))
    model(ember.randn(5, 4)).pow(2).sum().backward()
    w = leaf([0.5, 1.0, 2.0])
    ((w.sin() * 2 + 1) * w).sum().backward()       # w reached along two paths
    assert copies == []
    x = w.detach().numpy()
    np.testing.assert_allclose(w.grad.numpy(), 2 * np.cos(x) * x + 2 * np.sin(x) + 1,
                               rtol=1e-6)
    assert all(p.grad is not None for p in model.parameters())


def test_a_gradient_that_views_an_array_is_taken_only_if_nothing_else_holds_that_array():
    # (a formula's result may be a view, e.g. a slice of a product: taking it
    # keeps its base alive, which is only free when nothing else holds it)
    from ember.autograd._accumulate import _accumulate
    x = ember.zeros(4, requires_grad=True)
    g = np.arange(8.0, dtype=np.float32)[:4]      # its base held by g alone
    _accumulate(x, g, False)
    assert np.shares_memory(x.grad.numpy(), g)
    y = ember.zeros(4, requires_grad=True)
    held = np.arange(8.0, dtype=np.float32)
    _accumulate(y, held[:4], False)
    assert not np.shares_memory(y.grad.numpy(), held)       # copied: `held` is someone's
    held[0] = 5.0
    assert y.grad.tolist() == [0.0, 1.0, 2.0, 3.0]


def test_broadcast_gradient_is_reduced_to_input_shape():
    x = leaf([[1.0], [2.0]])          # (2, 1)
    y = leaf([1.0, 2.0, 3.0])         # (3,)
    (x * y).sum().backward()
    assert x.grad.tolist() == [[6.0], [6.0]]
    assert y.grad.tolist() == [3.0, 3.0, 3.0]


def test_backward_twice_raises_and_retain_graph_allows_it():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 8.0]
    with pytest.raises(RuntimeError, match=FREED):
        y.backward()
    assert x.grad.tolist() == [4.0, 8.0]


def test_nodes_without_saved_values_can_run_twice():
    x = leaf([1.0, 2.0])
    y = (x + 1).sum()
    y.backward()
    y.backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_non_scalar_backward_needs_gradient():
    x = leaf([1.0, 2.0])
    y = x * 2
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        y.backward()
    assert x.grad is None
    y.backward(ember.tensor([1.0, 10.0]))
    assert x.grad.tolist() == [2.0, 20.0]


def test_gradient_shape_mismatch():
    x = leaf([1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match=r"Mismatch in shape: grad_output\[0\] has a shape of "
                                           r"torch.Size\(\[2\]\) and output\[0\] has a shape of "
                                           r"torch.Size\(\[3\]\)."):
        (x * 2).backward(ember.ones(2))


def test_backward_on_tensor_without_grad():
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad and does "
                                           "not have a grad_fn"):
        ember.ones(2).sum().backward()


def test_non_leaf_grad_warns_and_is_none():
    x = leaf([1.0])
    y = x * 2
    with pytest.warns(UserWarning, match="is not a leaf Tensor is being accessed"):
        assert y.grad is None


def test_retain_grad():
    x = leaf([1.0, 2.0])
    y = x * 3
    y.retain_grad()
    (y * y).sum().backward()
    assert y.grad.tolist() == [6.0, 12.0]
    assert x.grad.tolist() == [18.0, 36.0]
    assert y.retains_grad


def test_tensor_hooks_on_leaf_and_non_leaf():
    x = leaf([1.0, 2.0])
    seen = []
    x.register_hook(lambda g: seen.append(("x", g.tolist())))
    y = x * 2
    handle = y.register_hook(lambda g: g * 10)
    y.sum().backward()
    assert seen == [("x", [20.0, 20.0])]
    assert x.grad.tolist() == [20.0, 20.0]
    handle.remove()
    x.grad = None
    y2 = x * 2
    y2.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_hook_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't "
                                           "require gradient"):
        ember.ones(2).register_hook(lambda g: g)


def test_autograd_grad_does_not_touch_grad_fields():
    x = leaf([1.0, 2.0, 3.0])
    (g,) = ember.autograd.grad((x ** 3).sum(), x)
    assert g.tolist() == [3.0, 12.0, 27.0]
    assert x.grad is None


def test_second_and_third_derivatives():
    x = leaf([0.5, 1.5])
    y = (x ** 4).sum()
    (g1,) = ember.autograd.grad(y, x, create_graph=True)
    (g2,) = ember.autograd.grad(g1.sum(), x, create_graph=True)
    (g3,) = ember.autograd.grad(g2.sum(), x)
    np.testing.assert_allclose(g1.detach().numpy(), 4 * np.array([0.5, 1.5]) ** 3, rtol=1e-6)
    np.testing.assert_allclose(g2.detach().numpy(), 12 * np.array([0.5, 1.5]) ** 2, rtol=1e-6)
    np.testing.assert_allclose(g3.numpy(), 24 * np.array([0.5, 1.5]), rtol=1e-6)


def test_create_graph_backward_gives_differentiable_grad():
    x = leaf([2.0])
    ember.set_warn_always(True)     # (PyTorch's note comes once a process: here each time)
    try:
        with pytest.warns(UserWarning, match="Using backward.. with create_graph=True will "
                          "create a reference cycle"):
            (x.sin() * x).sum().backward(create_graph=True)
    finally:
        ember.set_warn_always(False)
    assert x.grad.requires_grad and type(x.grad.grad_fn).__name__ == "CopyBackwards"
    g = x.grad
    x.grad = None
    g.sum().backward()
    # d/dx (sin x + x cos x) = 2 cos x - x sin x
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.cos(2.0) - 2.0 * np.sin(2.0), rtol=1e-6)


def test_grad_unused_input():
    x, y = leaf([1.0]), leaf([2.0])
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        ember.autograd.grad((x * 2).sum(), [x, y])
    gx, gy = ember.autograd.grad((x * 2).sum(), [x, y], allow_unused=True)
    assert gx.tolist() == [2.0] and gy is None


def test_backward_inputs_only_accumulates_into_those():
    x, y = leaf([1.0]), leaf([2.0])
    (x * y).sum().backward(inputs=[x])
    assert x.grad.tolist() == [2.0]
    assert y.grad is None


def test_deep_chain_is_iterative():
    x = leaf([1.0])
    y = x
    # 200x Python's recursion limit (a million took 30 s of CI)
    for _ in range(200_000):
        y = y + 1.0
    y.sum().backward()
    assert x.grad.tolist() == [1.0]


def test_inplace_change_of_saved_tensor_is_caught():
    x = leaf([1.0, 2.0])
    a = x * 1
    b = a.sin()
    a.add_(1)
    with pytest.raises(RuntimeError, match="one of the variables needed for gradient computation "
                                           "has been modified by an inplace operation"):
        b.sum().backward()


def test_inplace_on_non_leaf_is_recorded():
    x = leaf([1.0, 2.0])
    y = x * 1
    y.mul_(3)
    assert type(y.grad_fn).__name__ == "MulBackward0"
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_grad_modes():
    x = leaf([1.0])
    with ember.no_grad():
        assert not ember.is_grad_enabled()
        assert not (x * 2).requires_grad
        with ember.enable_grad():
            assert (x * 2).requires_grad
    assert ember.is_grad_enabled()
    with ember.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    with ember.inference_mode():
        assert not (x * 2).requires_grad

    @ember.no_grad()
    def f(t):
        return t * 2

    assert not f(x).requires_grad
    assert (x * 2).requires_grad


def test_grad_mode_restored_after_exception():
    with pytest.raises(ValueError):
        with ember.no_grad():
            raise ValueError
    assert ember.is_grad_enabled()


def test_grad_mode_is_thread_local():
    results = []
    with ember.no_grad():
        t = threading.Thread(target=lambda: results.append(ember.is_grad_enabled()))
        t.start()
        t.join()
    assert results == [True]


def test_ops_record_per_threads_grad_mode():
    # Ops skip reading the thread-local switch while no thread has grad off
    # (grad_mode.off_threads): a no_grad block in one thread must still stop
    # recording there, and only there, while the other thread records.
    from ember.autograd import grad_mode
    base = len(grad_mode.off_threads)     # (a thread that ended with grad off stays counted)
    x = leaf([1.0, 2.0])
    inside, outside = threading.Event(), threading.Event()
    seen = {}

    def worker():
        with ember.no_grad():
            seen["no_grad"] = (x * 2).requires_grad
            inside.set()
            outside.wait(5)
        seen["after"] = (x * 2).requires_grad

    t = threading.Thread(target=worker)
    t.start()
    assert inside.wait(5)
    assert len(grad_mode.off_threads) == base + 1
    assert (x * 2).requires_grad        # this thread still records
    outside.set()
    t.join()
    assert seen == {"no_grad": False, "after": True}
    assert len(grad_mode.off_threads) == base
    with ember.set_grad_enabled(False):
        with ember.set_grad_enabled(False):
            assert len(grad_mode.off_threads) == base + 1 and not (x * 2).requires_grad
        assert not (x * 2).requires_grad
    assert len(grad_mode.off_threads) == base and (x * 2).requires_grad


class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x ** 2


def test_custom_function():
    x = leaf([1.0, 2.0])
    y = Cube.apply(x)
    assert type(y.grad_fn).__name__ == "CubeBackward"
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 12.0]


def test_custom_function_double_backward_and_gradcheck():
    x = ember.tensor([0.3, -1.2], dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(Cube.apply, (x,))
    assert ember.autograd.gradgradcheck(Cube.apply, (x,))


def test_no_reference_cycle_between_tensor_and_node():
    import gc
    import weakref
    gc.disable()
    try:
        x = leaf([1.0, 2.0])
        y = x.exp()          # saves its own result
        ref = weakref.ref(y.grad_fn)
        del y
        assert ref() is None
    finally:
        gc.enable()


def test_next_functions_as_pytorch():
    a = ember.linspace(0.0, 1.0, 5, requires_grad=True)
    d = 2 * ember.sin(a) + 1
    fns = d.grad_fn.next_functions
    assert type(fns[0][0]).__name__ == "MulBackward0" and fns[1] == (None, 0)
    sin_node = fns[0][0].next_functions[0][0]
    assert type(sin_node).__name__ == "SinBackward0"
    acc = sin_node.next_functions[0][0]
    assert repr(acc).startswith("<AccumulateGrad object at 0x")
    assert acc.variable is a
    assert acc.next_functions == ()


def test_accumulate_grad_cannot_be_constructed_and_is_shared_while_its_graph_lives():
    """AccumulateGrad refuses construction as PyTorch's does (the graph makes
    them); the leaf's one node is shared by every graph alive at once."""
    def f(T):
        x = T.ones(2, requires_grad=True)
        y = x * 2
        acc = y.grad_fn.next_functions[0][0]
        try:
            type(acc)(x)
        except RuntimeError as e:
            err = str(e)
        return err, (x * 3).grad_fn.next_functions[0][0] is acc, acc.variable is x
    check(f)
    x = ember.ones(2, requires_grad=True)
    ref = weakref.ref((x * 2).grad_fn.next_functions[0][0])
    gc.collect()
    assert ref() is None        # (held weakly by the tensor: made anew for the next graph)
    acc = (x * 2).grad_fn.next_functions[0][0]
    assert acc.variable is x and acc.next_functions == ()


def test_hooks_and_retain_grad_on_unbind_pieces():
    # Read off PyTorch 2.13: the hook's result is what retain_grad keeps.
    x = ember.arange(6.0).reshape(2, 3).requires_grad_()
    a, b = x
    b.register_hook(lambda g: g * 10)
    a.retain_grad()
    b.retain_grad()
    (a * 2 + b * 3).sum().backward()
    assert x.grad.tolist() == [[2.0, 2.0, 2.0], [30.0, 30.0, 30.0]]
    assert a.grad.tolist() == [2.0, 2.0, 2.0]
    assert b.grad.tolist() == [30.0, 30.0, 30.0]


_LEAVES = {
    "channels_last": lambda T: T.ones(2, 3, 4, 5).to(memory_format=T.channels_last),
    "transposed": lambda T: T.ones(4, 5).t(),
    "contiguous": lambda T: T.ones(3, 4),
    "sliced": lambda T: T.ones(4, 3)[::2],
    "n1hw_channels_last": lambda T: T.ones(2, 1, 3, 3).to(memory_format=T.channels_last),
}


@pytest.mark.parametrize("leaf", list(_LEAVES))
def test_leaf_grad_follows_the_leafs_layout(leaf):
    """PyTorch's layout contract: a leaf's first `.grad` has the leaf's
    strides where the leaf is dense, else is contiguous, whatever layout
    the gradient reached it in."""
    def run(T):
        out = []
        for f in (lambda x: (x * 2).sum(), lambda x: x.transpose(0, 1).exp().sum(),
                  lambda x: x.permute(*reversed(range(x.dim()))).contiguous().sum()):
            x = _LEAVES[leaf](T).requires_grad_()
            f(x).backward()
            # (a size-1 dim's stride is whatever the gradient brought: numpy's
            # views set those otherwise than PyTorch's)
            out += [[st for st, n in zip(x.grad.stride(), x.shape) if n != 1], x.grad]
        return out
    check(run)


@pytest.mark.parametrize("leaf", list(_LEAVES))
def test_relaxed_grad_layout_policy_keeps_a_taken_gradient_as_it_came(leaf):
    """enforce_grad_layout_policy(False): a first gradient AccumulateGrad
    takes over keeps its own layout; one it copies (the caller's) is still
    laid out as the leaf; the policy is back on after the block."""
    def run(T):
        out = []
        # (not through a transpose: Ember's intermediate gradients are not laid
        # out as PyTorch's there, which the enforced contract hides)
        for f in (lambda x: (x * 2).sum(), lambda x: (x.contiguous() * 3).sum(),
                  lambda x: x.backward(T.ones(x.shape))):
            x = _LEAVES[leaf](T).requires_grad_()
            with T.autograd.enforce_grad_layout_policy(False):
                y = f(x)
                if y is not None:
                    y.backward()
            out += [[st for st, n in zip(x.grad.stride(), x.shape) if n != 1], x.grad]
        x = _LEAVES[leaf](T).requires_grad_()
        (x * 2).sum().backward()
        return out + [[st for st, n in zip(x.grad.stride(), x.shape) if n != 1]]
    check(run)
