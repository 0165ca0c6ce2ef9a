"""Custom autograd Functions: every error PyTorch raises (same type and
message, nothing changed), and the gradients it checks but accepts."""
import pytest

from compare_torch import check, check_error
from test_autograd_function import _fn, fns, leaf


def test_saved_tensors_freed_after_backward():
    def setup(T):
        x = leaf(T, [1.0, 2.0])
        y = fns(T)["Split"].apply(x)[0]
        y.sum().backward()
        return x, y

    check_error(setup, lambda T, x, y: y.grad_fn.saved_tensors, RuntimeError,
                "Trying to backward through the graph a second time")

    def setup_nothing_saved(T):
        x = leaf(T, [1.0, 2.0])
        y = fns(T)["Quiet"].apply(x)[0]
        before = y.grad_fn.saved_tensors
        y.sum().backward()
        return x, y, T.tensor(len(before))

    check_error(setup_nothing_saved, lambda T, x, y, n: y.grad_fn.saved_tensors, RuntimeError,
                "Trying to backward through the graph a second time")
    check_error(setup, lambda T, x, y: y.sum().backward(), RuntimeError,
                "Trying to backward through the graph a second time")


def test_saved_input_modified_in_place():
    def setup(T):
        x = leaf(T, [1.0, 2.0])
        h = x * 1
        y = fns(T)["Split"].apply(h)[0]
        h.mul_(2)
        return x, y

    check_error(setup, lambda T, x, y: y.sum().backward(), RuntimeError,
                "modified by an inplace operation")


def test_saved_output_modified_in_place():
    def setup(T):
        x = leaf(T, [1.0, 2.0])
        y = fns(T)["Exp"].apply(x)
        y.mul_(2)
        return x, y

    check_error(setup, lambda T, x, y: y.sum().backward(), RuntimeError,
                "modified by an inplace operation")


def test_save_for_backward_checks_its_arguments():
    def op(T, x):
        class Bad(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x, 3)
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g
        return Bad.apply(x)
    check_error(lambda T: (leaf(T, [1.0]),), op, TypeError)


def _returning(T, result, n_args=1):
    class Bad(T.autograd.Function):
        @staticmethod
        def forward(ctx, x, *rest):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return result(T, g)
    return Bad


@pytest.mark.parametrize("result,rest", [
    (lambda T, g: g, (5,)),                               # too few
    (lambda T, g: (g, g), (5,)),                          # a gradient for a non-tensor
    (lambda T, g: (g, g, g), ()),                         # too many
    (lambda T, g: T.ones(5), ()),                         # wrong shape
    (lambda T, g: T.ones(3, 2), ()),                      # not expandable
    (lambda T, g: 3, ()),                                 # not a tensor
])
def test_wrong_gradients_raise_and_change_nothing(result, rest):
    def setup(T):
        return (leaf(T, [1.0, 2.0, 3.0]),)

    def op(T, x):
        return _returning(T, result).apply(x, *rest).sum().backward()
    check_error(setup, op, RuntimeError)


@pytest.mark.parametrize("result", [
    lambda T, g: (g, None, None),                 # extra Nones are dropped
    lambda T, g: T.ones(1, 3),                    # summed to the input's shape
    lambda T, g: T.ones(2, 3),
    lambda T, g: T.ones(3, dtype=T.float64),      # cast to the input's dtype
    lambda T, g: T.ones(3, dtype=T.int64),
])
def test_gradients_pytorch_accepts(result):
    def f(T):
        x = leaf(T, [1.0, 2.0, 3.0])
        _returning(T, result).apply(x).sum().backward()
        return x.grad
    check(f)


def test_both_backward_and_vjp_is_an_error():
    def op(T, x):
        class Both(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g

            @staticmethod
            def vjp(ctx, g):
                return g
        return Both.apply(x).sum().backward()
    check_error(lambda T: (leaf(T, [1.0]),), op, RuntimeError)


def test_grad_fn_is_a_node():
    def f(T):
        x = leaf(T, [1.0])
        y = fns(T)["Split"].apply(x)[0]
        y.grad_fn.metadata["k"] = 1
        return (isinstance(y.grad_fn, T.autograd.graph.Node), y.grad_fn.name(),
                y.grad_fn.metadata, isinstance(y.grad_fn, T.autograd.function.BackwardCFunction),
                isinstance((x * 2).grad_fn, T.autograd.graph.Node))
    check(f)


@pytest.mark.parametrize("forward", [
    lambda ctx, x: (ctx.mark_non_differentiable(3), x * 2)[1],
    lambda ctx, x: (ctx.mark_dirty(x, 3), x)[1],
])
@pytest.mark.parametrize("requires_grad", [True, False])
def test_mark_functions_take_only_tensors(forward, requires_grad):
    check_error(lambda T: (T.ones(3, requires_grad=requires_grad) * 1,),
                lambda T, x: _fn(T, forward).apply(x), RuntimeError)


@pytest.mark.parametrize("call", [
    lambda F, x: F.apply(x, 1, 2),         # too many arguments
    lambda F, x: F.apply(),                # too few
    lambda F, x: F.apply(x, scale=1.0, k=2),
])
def test_apply_argument_errors_with_setup_context(call):
    check_error(lambda T: (leaf(T, [1.0]),), lambda T, x: call(fns(T)["Exp"], x), TypeError)


@pytest.mark.parametrize("call", [
    lambda Q, x: Q.apply(x, 2),
    lambda Q, x: Q.apply(),
    lambda Q, x: Q.apply(x, k=2),
    lambda Q, x: Q.apply(x, x=x),
])
def test_apply_argument_errors_without_setup_context(call):
    def op(T, x):
        class Q(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g
        return call(Q, x)
    check_error(lambda T: (leaf(T, [1.0]),), op, TypeError)


@pytest.mark.parametrize("call", [
    lambda Q, x: Q.apply(x, z=1),            # a gap: defaults are not filled in
    lambda Q, x: Q.apply(x, 1, 2, 3, z=1),
    lambda Q, x: Q.apply(y=2),
    lambda Q, x: Q.apply(x, 1, 2, 3),
    lambda Q, x: Q.apply(x, w=x),
])
def test_keyword_errors_as_pytorch(call):
    def op(T, x):
        class Q(T.autograd.Function):
            @staticmethod
            def forward(ctx, x, y=3, z=4, **rest):
                return x * y

            @staticmethod
            def backward(ctx, g):
                return g, None, None
        return call(Q, x)
    check_error(lambda T: (leaf(T, [1.0]),), op, TypeError)


@pytest.mark.parametrize("wrong_at", [0, 2])
@pytest.mark.parametrize("needs", [(True, True), (True, False), (False, True)])
def test_wrong_gradient_index_and_inputs_without_grad(wrong_at, needs):
    def f(T):
        def backward(ctx, g):
            grads = [g, None, g]
            grads[wrong_at] = T.ones(7)
            return tuple(grads)

        x, y = T.ones(3, requires_grad=needs[0]), T.ones(3, requires_grad=needs[1])
        _fn(T, lambda ctx, x, n, y: x * y, backward).apply(x, 2, y).sum().backward()
        return x.grad, y.grad
    check(f)


def test_mark_dirty_of_a_new_tensor_warns_when_tracked():
    import warnings
    import ember

    class F(ember.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            out = a * 2
            ctx.mark_dirty(out)
            return out

        @staticmethod
        def backward(ctx, g):
            return g
    x = ember.ones(3, requires_grad=True)
    with pytest.warns(UserWarning, match=r"ctx.mark_dirty\(\) received a tensor that was not "
                      r"an input\. .* \(Triggered internally at .*custom_function\.cpp:320\.\)"):
        assert F.apply(x).tolist() == [2.0, 2.0, 2.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")      # (untracked: no warning, as PyTorch's)
        F.apply(x.detach())


def test_ctx_attributes_as_torch():
    # to_save / dirty_tensors / non_differentiable while forward runs, None
    # after; materialize_grads is write-only; saved_variables is deprecated
    def run(T):
        seen = []

        class F(T.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                seen.append((ctx.to_save, ctx.dirty_tensors, ctx.non_differentiable))
                a.mul_(2)
                ctx.mark_dirty(a)
                ctx.save_for_backward(a)
                i = T.ones(1)
                ctx.mark_non_differentiable(i)
                ctx.materialize_grads = False
                seen.append((ctx.to_save, ctx.dirty_tensors, ctx.non_differentiable))
                return a, i

            @staticmethod
            def backward(ctx, g, h):
                seen.append((ctx.to_save, ctx.dirty_tensors, ctx.non_differentiable, h))
                return g * 2
        x = T.arange(3.0, requires_grad=True)
        y, _ = F.apply(x.clone())
        node = y.grad_fn
        seen.append((node.to_save, node.dirty_tensors, node.non_differentiable))
        try:
            node.materialize_grads
        except AttributeError as e:
            seen.append(str(e))
        with pytest.warns(DeprecationWarning, match="'saved_variables' is deprecated"):
            seen.append(node.saved_variables)
        y.sum().backward()
        return seen, x.grad
    check(run)
