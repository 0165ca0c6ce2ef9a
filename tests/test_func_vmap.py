"""torch.func.vmap against PyTorch: batching rules of element-wise ops,
reductions, shapes, products, layers and losses; nesting; vmap of grad
(per-sample gradients, PyTorch's tutorial) and of jacrev; in_dims,
out_dims, chunk_size, randomness; PyTorch's errors."""
import pytest

import ember
from compare_torch import check


def _data(T):
    T.manual_seed(0)
    return (T.randn(5, 3, dtype=T.float64), T.randn(5, 3, dtype=T.float64),
            T.randn(4, 3, dtype=T.float64), T.randn(3, dtype=T.float64))


def _v(T, f, *a, **kw):
    return T.func.vmap(f, **kw)(*a)


CASES = {
    "unary": lambda T, x, y, W, v: _v(T, lambda a: a.sin() * 2, x),
    "binary": lambda T, x, y, W, v: _v(T, lambda a, b: a * b + 1 - a / (b.abs() + 1), x, y),
    "broadcast_unbatched": lambda T, x, y, W, v: _v(T, lambda a, b: a * b, x, v,
                                                    in_dims=(0, None)),
    "rank_mismatch": lambda T, x, y, W, v: _v(T, lambda a: a + W, x),
    "where_clamp": lambda T, x, y, W, v: _v(T, lambda a: T.where(a > 0, a, -a).clamp(0.1, 1), x),
    "sum_all": lambda T, x, y, W, v: _v(T, lambda a: a.sum(), x),
    "sum_keepdim": lambda T, x, y, W, v: _v(T, lambda a: a.sum(0, keepdim=True), x),
    "max_all": lambda T, x, y, W, v: _v(T, lambda a: a[1:].max(), x),
    "max_dim": lambda T, x, y, W, v: _v(T, lambda a: W.max(0)[0] + a.max(-1).values, x),
    "mean_std": lambda T, x, y, W, v: _v(T, lambda a: a.mean() + a.std(), x),
    "softmax": lambda T, x, y, W, v: _v(T, lambda a: T.softmax(a, -1).log_softmax(0), x),
    "matvec": lambda T, x, y, W, v: _v(T, lambda a: W @ a, x),
    "vecmat": lambda T, x, y, W, v: _v(T, lambda a: a @ W.T, x),
    "both_batched": lambda T, x, y, W, v: _v(T, lambda a, b: T.outer(a, b) @ b, x, y),
    "dot": lambda T, x, y, W, v: _v(T, lambda a: T.dot(a, v), x),
    "linear": lambda T, x, y, W, v: _v(T, lambda a: T.nn.functional.linear(a, W, v[:1]), x),
    "reshape_expand": lambda T, x, y, W, v: _v(T, lambda a: a.reshape(3, 1).expand(3, 2), x),
    "transpose": lambda T, x, y, W, v: _v(T, lambda a: a.unsqueeze(0).t().transpose(0, 1), x),
    "permute_flatten": lambda T, x, y, W, v: _v(
        T, lambda a: a.view(1, 3, 1).permute(2, 0, 1).flatten(), x),
    "squeeze": lambda T, x, y, W, v: _v(T, lambda a: a.view(1, 3, 1).squeeze(), x),
    "stack_cat": lambda T, x, y, W, v: _v(T, lambda a: T.cat([T.stack([a, v]), a[None]]), x),
    "getitem": lambda T, x, y, W, v: _v(T, lambda a: a[None, 1:, ...] * a[0], x),
    "sort_fallback": lambda T, x, y, W, v: _v(T, lambda a: a.sort()[0], x),
    "in_dims_1": lambda T, x, y, W, v: _v(T, lambda a: a.sum(), x, in_dims=1),
    "out_dims_1": lambda T, x, y, W, v: _v(T, lambda a: a * 2, x, out_dims=1),
    "tuple_out": lambda T, x, y, W, v: _v(T, lambda a: (a, a.sum()), x),
    "dict_in": lambda T, x, y, W, v: _v(T, lambda d: d["a"] * d["b"], {"a": x, "b": y}),
    "batch_norm_eval": lambda T, x, y, W, v: _v(T, T.nn.BatchNorm1d(3).double().eval(),
                                                T.stack([x, y], 1)).detach(),
    "batch_norm_no_stats": lambda T, x, y, W, v: _v(
        T, T.nn.BatchNorm1d(3, track_running_stats=False).double(),
        T.stack([x, y], 1)).detach(),
    "dict_in_dims": lambda T, x, y, W, v: _v(T, lambda d: d["a"] * d["b"][0], {"a": x, "b": [v]},
                                             in_dims=({"b": [None], "a": 0},)),
    "dict_out_dims": lambda T, x, y, W, v: _v(T, lambda a: {"a": a, "b": a * 2}, x,
                                              out_dims={"a": 0, "b": 1}),
    "unbatched_out": lambda T, x, y, W, v: _v(T, lambda a: (a, v), x),
    "chunked": lambda T, x, y, W, v: _v(T, lambda a: a.exp(), x, chunk_size=2),
    "nested": lambda T, x, y, W, v: _v(T, T.func.vmap(lambda a, b: a * b), x, y),
    "nested_out": lambda T, x, y, W, v: _v(T, T.func.vmap(lambda a: a.sum(), in_dims=0), x,
                                             in_dims=1),
    "grad": lambda T, x, y, W, v: _v(T, T.func.grad(lambda w, a: ((a @ w) ** 2).sum()), v, x,
                                     in_dims=(None, 0)),
    "grad_cross_entropy": lambda T, x, y, W, v: _v(
        T, T.func.grad(lambda w, a: T.nn.functional.cross_entropy(
            (w @ a).unsqueeze(0), T.tensor([1]))), W, x, in_dims=(None, 0)),
    "jacrev": lambda T, x, y, W, v: _v(T, T.func.jacrev(lambda a: a.sin() * a.sum()), x),
    "mse": lambda T, x, y, W, v: _v(T, lambda a: T.nn.functional.mse_loss(a, v), x),
    "randomness_same": lambda T, x, y, W, v: (T.manual_seed(1), _v(
        T, lambda a: T.nn.functional.dropout(T.ones(4), 0.5) + a[0], x,
        randomness="same"))[1].shape,
    # (functorch's dot rule: a batch against one vector is an mv, or a (1, k) @ (k, B))
    "dot_batch_first": lambda T, x, y, W, v: (lambda w: _v(T, lambda a: a.dot(w), x))(
        v.requires_grad_()),
    "dot_batch_second": lambda T, x, y, W, v: (lambda w: _v(T, lambda a: w @ a, x))(
        v.requires_grad_()),
    "dot_both_batched": lambda T, x, y, W, v: _v(T, T.dot, x.requires_grad_(), y),
    # (requires_grad_() refuses inside a transform; the setter and factories do not)
    "requires_grad_inside": lambda T, x, y, W, v: _v(T, lambda a: a + v.requires_grad_(), x),
    "requires_grad_false_inside": lambda T, x, y, W, v: _v(
        T, lambda a: a.requires_grad_(False), x),
    "requires_grad_in_grad": lambda T, x, y, W, v: T.func.grad(
        lambda a: (a * v.requires_grad_()).sum())(v.detach()),
    "requires_grad_factory_inside": lambda T, x, y, W, v: _v(
        T, lambda a: a * T.ones(3, dtype=T.float64, requires_grad=True), x),
    "requires_grad_setter_inside": lambda T, x, y, W, v: _v(
        T, lambda a: (w := v.detach(), setattr(w, "requires_grad", True), a * w)[2], x),
}


@pytest.mark.parametrize("name", list(CASES))
def test_matches_torch(name):
    check(lambda T: CASES[name](T, *_data(T)), rtol=1e-9, atol=1e-12)


ERRORS = {
    "item": lambda T, x, y, W, v: _v(T, lambda a: a.item(), x),
    "control_flow": lambda T, x, y, W, v: _v(T, lambda a: a if a.sum() > 0 else -a, x),
    "random_error": lambda T, x, y, W, v: _v(T, lambda a: T.randn(2) + a[0], x),
    "sizes": lambda T, x, y, W, v: _v(T, lambda a, b: a, x, W),
    "in_dim_range": lambda T, x, y, W, v: _v(T, lambda a: a, x, in_dims=2),
    "no_inputs": lambda T, x, y, W, v: T.func.vmap(lambda: 1)(),
    "none_batched": lambda T, x, y, W, v: _v(T, lambda a: a, x, in_dims=None),
    "non_tensor_out": lambda T, x, y, W, v: _v(T, lambda a: 1, x),
    "randomness_value": lambda T, x, y, W, v: _v(T, lambda a: a, x, randomness="x"),
    "in_dims_type": lambda T, x, y, W, v: _v(T, lambda a: a, x, in_dims=[0]),
    "inplace_unbatched": lambda T, x, y, W, v: _v(T, lambda a: v.clone().add_(a), x),
    # mm, bmm, mv and dot keep their own rank checks per sample (not matmul's)
    "mm_rank": lambda T, x, y, W, v: _v(T, T.mm, x, W, in_dims=(0, None)),
    "mv_rank": lambda T, x, y, W, v: _v(T, T.mv, x, y),
    "bmm_rank": lambda T, x, y, W, v: _v(T, T.bmm, x, W, in_dims=(0, None)),
    "dot_rank": lambda T, x, y, W, v: _v(T, T.dot, x, W, in_dims=(0, None)),
    "in_dims_structure": lambda T, x, y, W, v: _v(T, lambda a, b: a, x, y, in_dims=(0,)),
    "in_dims_nested": lambda T, x, y, W, v: _v(T, lambda d: d["a"], {"a": x, "b": [y, y]},
                                               in_dims=({"a": 0, "b": [0]},)),
    "in_dims_tuple_for_list": lambda T, x, y, W, v: _v(T, lambda l: l[0] + l[1], [x, v],
                                                       in_dims=((0, None),)),
    "out_dims_list_for_tuple": lambda T, x, y, W, v: _v(T, lambda a: (a, a), x, out_dims=[0, 1]),
    "out_dims_dict_for_tuple": lambda T, x, y, W, v: _v(T, lambda a: (a, a), x,
                                                        out_dims={"a": 0}),
    "out_dims_tuple_for_dict": lambda T, x, y, W, v: _v(T, lambda a: {"a": a}, x,
                                                        out_dims=(0, 1)),
    "in_dims_dict_keys": lambda T, x, y, W, v: _v(T, lambda d: d["a"], {"a": x, "b": v},
                                                  in_dims=({"a": 0},)),
    "batch_norm_running_stats": lambda T, x, y, W, v: _v(
        T, T.nn.BatchNorm1d(3).double(), T.stack([x, y], 1)),
    "mm_sizes": lambda T, x, y, W, v: _v(T, T.mm, x.view(5, 1, 3), W, in_dims=(0, None)),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_as_torch(name):
    check(lambda T: ERRORS[name](T, *_data(T)))


def test_randomness_different_draws_per_sample_and_same_draws_once():
    x = ember.zeros(6, 4)
    diff = ember.func.vmap(lambda a: a + ember.rand(4), randomness="different")(x)
    same = ember.func.vmap(lambda a: a + ember.rand(4), randomness="same")(x)
    assert len({tuple(r.tolist()) for r in diff}) == 6
    assert len({tuple(r.tolist()) for r in same}) == 1


def test_nothing_stays_wrapped_after_vmap():
    before = (ember.mul, ember.Tensor.__mul__, ember.nn.functional.linear)
    ember.func.vmap(lambda a: a * 2)(ember.ones(3, 2))
    with pytest.raises(RuntimeError):
        ember.func.vmap(lambda a: a.item())(ember.ones(3, 2))
    assert (ember.mul, ember.Tensor.__mul__, ember.nn.functional.linear) == before


def _per_sample_tutorial(T, batch):
    """PyTorch's per-sample-gradients tutorial (a CNN, functional_call,
    vmap(grad(...), in_dims=(None, None, 0, 0)))."""
    nn, F = T.nn, T.nn.functional
    T.manual_seed(0)

    class SimpleCNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 4, 3, 1)
            self.conv2 = nn.Conv2d(4, 8, 3, 1)
            self.fc1 = nn.Linear(8 * 5 * 5, 16)
            self.fc2 = nn.Linear(16, 10)

        def forward(self, x):
            x = F.relu(self.conv2(F.relu(self.conv1(x))))
            x = T.flatten(F.max_pool2d(x, 2), 1)
            return F.log_softmax(self.fc2(F.relu(self.fc1(x))), dim=1)

    data = T.randn(batch, 1, 14, 14)
    targets = T.randint(10, (batch,))
    model = SimpleCNN()
    params = {k: v.detach() for k, v in model.named_parameters()}
    buffers = {k: v.detach() for k, v in model.named_buffers()}

    def compute_loss(params, buffers, sample, target):
        predictions = T.func.functional_call(model, (params, buffers), (sample.unsqueeze(0),))
        return F.nll_loss(predictions, target.unsqueeze(0))
    vmapped = T.func.vmap(T.func.grad(compute_loss), in_dims=(None, None, 0, 0))(
        params, buffers, data, targets)
    looped = [T.autograd.grad(F.nll_loss(model(data[i:i + 1]), targets[i:i + 1]),
                              list(model.parameters())) for i in range(batch)]
    return vmapped, [T.stack(g) for g in zip(*looped)]


def test_per_sample_gradients_tutorial():
    vmapped, looped = _per_sample_tutorial(ember, 6)
    for v, lp in zip(vmapped.values(), looped):
        assert ember.allclose(v, lp, atol=1e-5, rtol=1e-4)
    check(lambda T: _per_sample_tutorial(T, 6)[0], rtol=1e-4, atol=1e-5)


def _ensemble_tutorial(T):
    """PyTorch's model-ensembling tutorial: stack_module_state, a meta base
    model, functional_call under vmap with in_dims=(0, 0, None)."""
    import copy
    nn, F, func = T.nn, T.nn.functional, T.func
    T.manual_seed(0)

    class SimpleMLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1, self.fc2 = nn.Linear(49, 16), nn.Linear(16, 10)

        def forward(self, x):
            return self.fc2(F.relu(self.fc1(x.flatten(1))))
    models = [SimpleMLP() for _ in range(4)]
    data = T.randn(4, 8, 1, 7, 7)
    params, buffers = func.stack_module_state(models)
    base = copy.deepcopy(models[0]).to("meta")

    def fmodel(params, buffers, x):
        return func.functional_call(base, (params, buffers), (x,))
    each = func.vmap(fmodel)(params, buffers, data)
    same = func.vmap(fmodel, in_dims=(0, 0, None))(params, buffers, data[0])
    assert T.allclose(each, T.stack([m(x) for m, x in zip(models, data)]), atol=1e-6)
    return each, same, {k: v.requires_grad for k, v in params.items()}


def test_model_ensembling_tutorial():
    check(_ensemble_tutorial, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", [
    lambda T: T.func.stack_module_state([]),
    lambda T: T.func.stack_module_state([T.nn.Linear(2, 2), T.nn.Linear(2, 2).eval()]),
    lambda T: T.func.stack_module_state([T.nn.Linear(2, 2), T.nn.Conv1d(2, 2, 1)]),
    lambda T: T.func.stack_module_state([T.nn.Linear(2, 2), T.nn.Linear(2, 2).requires_grad_(False)]),
])
def test_stack_module_state_errors(case):
    check(case)


def _custom_functions(T):
    class F(T.autograd.Function):
        @staticmethod
        def forward(x):
            return x * 2

        @staticmethod
        def setup_context(ctx, inputs, output):
            pass

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class WithRule(F):
        @staticmethod
        def vmap(info, in_dims, x):
            return x * 2 + info.batch_size, 0

    class Generated(F):
        generate_vmap_rule = True
    x = T.ones(3, 2)
    return (T.func.vmap(WithRule.apply)(x), T.func.vmap(Generated.apply)(x),
            T.func.vmap(T.dot)(x, x), T.func.vmap(T.Tensor.sum)(x))


def test_custom_functions_and_ops_taken_before_vmap():
    check(_custom_functions)


@pytest.mark.parametrize("case", [
    lambda T: T.func.vmap(type("F", (T.autograd.Function,), {
        "forward": staticmethod(lambda x: x), "setup_context": staticmethod(
            lambda ctx, i, o: None)}).apply)(T.ones(3)),
    lambda T: T.func.vmap(type("Old", (T.autograd.Function,), {
        "forward": staticmethod(lambda ctx, x: x)}).apply)(T.ones(3)),
])
def test_custom_function_errors(case):
    check(case)


def _batch_norm_replaced(T):
    T.manual_seed(0)
    model = T.nn.Sequential(T.nn.Linear(3, 4), T.nn.BatchNorm1d(4), T.nn.ReLU())
    assert T.func.replace_all_batch_norm_modules_(model) is model
    bn = model[1]
    return (bn.running_mean, bn.running_var, bn.num_batches_tracked, bn.track_running_stats,
            model(T.randn(5, 3)), sorted(model.state_dict()))


def test_replace_all_batch_norm_modules():
    check(_batch_norm_replaced, rtol=1e-6)


def test_debug_unwrap_shows_the_batch():
    seen = []
    ember.func.vmap(lambda a: seen.append(tuple(ember.func.debug_unwrap(a).shape)) or a)(
        ember.ones(4, 2))
    assert seen == [(4, 2)]
    x = ember.ones(2)
    assert ember.func.debug_unwrap(x) is x


def test_set_multithreading_enabled_is_kept_and_backward_unchanged():
    from ember.autograd.grad_mode import _state
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    with ember.autograd.set_multithreading_enabled(False):
        assert _state.multithreading is False
        (x * x).sum().backward()
    assert _state.multithreading is True
    assert x.grad.tolist() == [2.0, 4.0]


def test_is_multithreading_enabled_vs_torch():
    def f(T):
        seen = [T.autograd.is_multithreading_enabled()]
        with T.autograd.set_multithreading_enabled(False):
            seen.append(T.autograd.is_multithreading_enabled())
        seen.append(T.autograd.is_multithreading_enabled())
        T.autograd.set_multithreading_enabled(False)       # (as a function too)
        seen.append(T.autograd.is_multithreading_enabled())
        T.autograd.set_multithreading_enabled(True)
        return seen
    check(f)


def _jacobian_rows(T, *, retain=False, plain_second=False, dict_inputs=False, twice=False):
    # vmap over grad_outputs of a graph made outside vmap (torch.vmap's
    # docstring: the Jacobian by rows): one batched backward, as in PyTorch
    T.manual_seed(0)
    x = T.randn(4, dtype=T.float64, requires_grad=True)
    y, z = x ** 2, x.sin()
    eye = T.eye(4, dtype=T.float64)

    def vjp(v):
        outs, gos = ((y, z), (v, T.ones(4, dtype=T.float64))) if plain_second else ((y,), (v,))
        return T.autograd.grad(outs, {"x": x} if dict_inputs else x, gos, retain_graph=retain)
    first = T.vmap(vjp)(eye)
    return (first, T.vmap(vjp)(eye * 2)) if twice else first


@pytest.mark.parametrize("kw", [{}, {"retain": True, "twice": True}, {"plain_second": True},
                                {"dict_inputs": True}, {"twice": True}], ids=str)
def test_vmap_of_autograd_grad_over_grad_outputs(kw):
    check(lambda T: _jacobian_rows(T, **kw))
