"""Backward kernels under create_graph: PyTorch records a fused backward
(tanh_backward, elu_backward, _softmax_backward_data, mse_loss_backward,
...) as one node, `*BackwardBackward0`, whose own formulas give the higher
derivatives. Ember records the same nodes, with the same `_saved_*` fields,
and the same second and third derivatives; and torch.func's hessian, jacrev
of jacrev, and vmap of grad of grad run through them, also when the
function was taken before vmap started (`act = torch.tanh`)."""
import warnings

import numpy as np
import pytest

import ember
from compare_torch import chain

torch = pytest.importorskip("torch")

X = [0.3, -0.7, 1.2, -2.0]
W = [1.0, -2.0, 3.0, 0.5]


def _d(T, v):
    return T.tensor(v, dtype=T.float64)


CASES = {
    "elu": lambda T, F, x: F.elu(x),
    "selu": lambda T, F, x: F.selu(x),
    "celu": lambda T, F, x: F.celu(x, 1.5),
    "elu_": lambda T, F, x: F.elu(x * 1, inplace=True),
    "gelu": lambda T, F, x: F.gelu(x),
    "gelu_tanh": lambda T, F, x: F.gelu(x, approximate="tanh"),
    "softplus": lambda T, F, x: F.softplus(x, 2.0, 3.0),
    "logsigmoid": lambda T, F, x: F.logsigmoid(x),
    "hardswish": lambda T, F, x: F.hardswish(x),
    "silu": lambda T, F, x: F.silu(x),
    "mish": lambda T, F, x: F.mish(x),
    "prelu": lambda T, F, x: F.prelu(x, _d(T, [0.25])),
    "glu": lambda T, F, x: F.glu(x.view(2, 2)),
    "softmax": lambda T, F, x: F.softmax(x, 0),
    "log_softmax": lambda T, F, x: F.log_softmax(x, -1),
    "softmin": lambda T, F, x: F.softmin(x, 0),
    "mse": lambda T, F, x: F.mse_loss(x, _d(T, [0.0] * 4)),
    "mse_none": lambda T, F, x: F.mse_loss(x, _d(T, [1.0] * 4), reduction="none"),
    "huber": lambda T, F, x: F.huber_loss(x, _d(T, [0.0] * 4), delta=0.5),
    "smooth_l1": lambda T, F, x: F.smooth_l1_loss(x, _d(T, [0.0] * 4), reduction="sum"),
    "cross_entropy": lambda T, F, x: F.cross_entropy(x.view(1, 4), T.tensor([1])),
    "nll": lambda T, F, x: F.nll_loss(x.view(2, 2), T.tensor([1, 0]),
                                      weight=_d(T, [0.3, 0.7])),
    "nll_none": lambda T, F, x: F.nll_loss(x.view(2, 2), T.tensor([1, 0]), reduction="none"),
    "tanh": lambda T, F, x: T.tanh(x),
    "sigmoid": lambda T, F, x: T.sigmoid(x),
    "relu": lambda T, F, x: T.relu(x),
    "relu6": lambda T, F, x: F.relu6(x),
    "leaky_relu": lambda T, F, x: F.leaky_relu(x, 0.2),
    "hardtanh": lambda T, F, x: F.hardtanh(x, -0.5, 1.0),
    "hardshrink": lambda T, F, x: F.hardshrink(x, 0.4),
    "softshrink": lambda T, F, x: F.softshrink(x),
    "threshold": lambda T, F, x: F.threshold(x, 0.1, 2.0),
    "rrelu": lambda T, F, x: F.rrelu(x),
}


def _run(T, name):
    F = T.nn.functional
    x = _d(T, X).requires_grad_()
    y = CASES[name](T, F, x)
    w = _d(T, W)
    y = y if y.dim() == 0 else (y.reshape(-1) * w[:y.numel()]).sum()
    g, = T.autograd.grad(y, x, create_graph=True)
    node = g.grad_fn
    while node is not None and "Backward" not in node.name().replace("Backward0", "", 1):
        node = node.next_functions[0][0] if node.next_functions else None
    fields = sorted(a for a in dir(node) if a.startswith("_saved_")) if node else []
    g2, = T.autograd.grad((g * w).sum(), x, create_graph=True)
    third = None
    if g2.requires_grad:
        third, = T.autograd.grad((g2 * w).sum(), x)
        third = third.detach().numpy()
    return (chain(g), node.name() if node else None, fields, g2.detach().numpy(),
            chain(g2) if g2.grad_fn is not None else None, third)


@pytest.mark.parametrize("name", sorted(CASES))
def test_recorded_backward_is_pytorchs(name):
    e, t = _run(ember, name), _run(torch, name)
    assert e[0] == t[0]          # the first derivative's graph
    assert e[1:3] == t[1:3]      # its fused node and that node's fields
    np.testing.assert_allclose(e[3], t[3], rtol=1e-12, atol=1e-15)
    assert (e[5] is None) == (t[5] is None)
    if t[5] is not None:
        np.testing.assert_allclose(e[5], t[5], rtol=1e-10, atol=1e-14)


# (glu's differs in the order of two nodes: FunctionsManual's glu_double_backward
# was not at hand to read its operand order)
@pytest.mark.parametrize("name", ["elu", "gelu", "gelu_tanh", "softplus", "logsigmoid",
                                  "softmax", "log_softmax", "mse", "huber", "smooth_l1",
                                  "prelu", "cross_entropy"])
def test_second_derivative_graph_is_pytorchs(name):
    """The second derivative's own graph: the fused nodes' formulas record
    derivatives.yaml's ops, C++ Scalar arithmetic included (MulBackward1)."""
    assert _run(ember, name)[4] == _run(torch, name)[4]


@pytest.mark.parametrize("name", sorted(CASES))
def test_third_derivative_gradcheck(name):
    """The fused nodes' formulas, differentiated once more (create_graph on
    the second derivative), against finite differences."""
    F = ember.nn.functional
    w = _d(ember, W)

    def second(x):
        y = CASES[name](ember, F, x)
        y = y if y.dim() == 0 else (y.reshape(-1) * w[:y.numel()]).sum()
        g, = ember.autograd.grad(y, x, create_graph=True)
        g2, = ember.autograd.grad((g * w).sum(), x, create_graph=True)
        return g2
    x = _d(ember, [0.31, -0.72, 1.23, -1.9]).requires_grad_()
    if not second(x).requires_grad:
        pytest.skip("a piecewise-linear second derivative: nothing to differentiate")
    assert ember.autograd.gradcheck(second, (x,))


def test_prelu_weight_and_loss_target_second_derivatives():
    def run(T):
        F = T.nn.functional
        x = T.tensor([[0.3, -0.7], [1.2, -2.0]], dtype=T.float64, requires_grad=True)
        a = T.tensor([0.25, 0.1], dtype=T.float64, requires_grad=True)
        t = T.tensor([[0.1, 0.5], [-1.0, 0.3]], dtype=T.float64, requires_grad=True)
        out = []
        g = T.autograd.grad((F.prelu(x, a) ** 2).sum(), (x, a), create_graph=True)
        out.append([q.grad_fn.name() for q in g])
        out += [q.numpy() for q in T.autograd.grad((g[0] * x).sum() + (g[1] ** 2).sum(),
                                                   (x, a))]
        for fn in (F.mse_loss, F.huber_loss, F.smooth_l1_loss):
            for reduction in ("mean", "sum", "none"):
                loss = fn(x, t, reduction=reduction)
                loss = loss.sum() if reduction == "none" else loss
                g = T.autograd.grad(loss * loss, (x, t), create_graph=True)
                out.append([q.grad_fn.name() for q in g])
                out += [q.numpy() for q in T.autograd.grad((g[0] * x).sum() + (g[1] ** 2).sum(),
                                                           (x, t))]
        return out
    e, t = run(ember), run(torch)
    assert len(e) == len(t)
    for a, b in zip(e, t):
        if isinstance(a, list):
            assert a == b
        else:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


_ONE_ARGUMENT = {"tanh", "sigmoid", "relu", "elu", "gelu", "softplus", "logsigmoid",
                 "hardswish", "silu"}


def _transforms(T, f):
    from_func = T.func
    x = _d(T, X)
    w = _d(T, W)

    def h(v):
        y = f(v)
        return y if y.dim() == 0 else (y.reshape(-1) * w[:y.numel()]).sum()
    return [from_func.hessian(h)(x), from_func.jacrev(from_func.jacrev(h))(x),
            from_func.jacfwd(from_func.jacrev(h))(x),
            from_func.vmap(from_func.grad(from_func.grad(lambda s: h(s.expand(4)))))(x)]


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "relu", "elu", "gelu", "softplus",
                                  "logsigmoid", "hardswish", "silu", "prelu", "softmax",
                                  "log_softmax", "glu", "mse", "huber", "cross_entropy"])
@pytest.mark.parametrize("captured", [False, True], ids=["called", "captured"])
def test_hessians_through_transforms(name, captured):
    """torch.func's hessian, jacrev(jacrev), jacfwd(jacrev) and vmap(grad(grad)).
    `captured`: the function was looked up before vmap began (a reference
    kept in a list or a module attribute), which vmap cannot intercept: it
    then runs the function once per sample, with the same values."""
    def f_for(T):
        if captured:
            held = getattr(T, name, None) or getattr(T.nn.functional, name, None)
            if name not in _ONE_ARGUMENT:
                pytest.skip("a function of more than the tensor")
            return held     # (taken now, before any vmap)
        return lambda v: CASES[name](T, T.nn.functional, v)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # (PyTorch's torch.func warns of torch.jit.script)
        expected = _transforms(torch, f_for(torch))
    for e, t in zip(_transforms(ember, f_for(ember)), expected):
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-12, atol=1e-15)


def test_vmap_of_functions_taken_before_vmap():
    """`act = torch.tanh`, a module holding `F.gelu`, TransformerEncoderLayer
    (whose activation is F.relu, taken at construction): vmap gives
    PyTorch's values."""
    def run(T):
        act = T.tanh
        F = T.nn.functional
        out = [T.func.vmap(lambda v: act(v))(T.linspace(-2, 2, 6).reshape(2, 3))]

        class M(T.nn.Module):
            def __init__(self):
                super().__init__()
                self.lin = T.nn.Linear(3, 2)
                self.act = F.gelu

            def forward(self, v):
                return self.act(self.lin(v))
        T.manual_seed(0)
        m = M()
        out.append(T.func.vmap(m)(T.linspace(-1, 1, 15).reshape(5, 3)))
        params = dict(m.named_parameters())
        grads = T.func.vmap(T.func.grad(lambda p, v: T.func.functional_call(m, p, (v,)).sum()),
                            in_dims=(None, 0))(params, T.linspace(-1, 1, 15).reshape(5, 3))
        out += [grads["lin.weight"], grads["lin.bias"]]
        T.manual_seed(0)
        enc = T.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
        T.manual_seed(1)
        out.append(T.func.vmap(enc)(T.randn(3, 4, 8)))
        return [o.detach().numpy() for o in out]
    e = run(ember)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # (PyTorch's: no batching rule for its attention)
        t = run(torch)
    for a, b in zip(e, t):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("randomness", ["error", "same", "different"])
def test_per_sample_vmap_keeps_randomness(randomness):
    """A function run once per sample (it holds `act = ember.tanh`) still
    follows vmap's randomness: 'error' refuses dropout, 'same' gives every
    sample the same mask, 'different' its own."""
    act = ember.tanh
    ember.manual_seed(0)
    f = ember.func.vmap(lambda v: act(ember.nn.functional.dropout(v, 0.5)),
                        randomness=randomness)
    if randomness == "error":
        with pytest.raises(RuntimeError, match="randomness error mode"):
            f(ember.ones(3, 8))
        return
    out = f(ember.ones(3, 8))
    assert out.shape == (3, 8)
    same = bool((out[0] == out[1]).all() and (out[1] == out[2]).all())
    assert same == (randomness == "same")
    assert set(out.unique().tolist()) <= {0.0, float(np.tanh(np.float32(2.0)))}


@pytest.mark.parametrize("case", ["linear", "matmul_t", "mm_T", "addmm_scaled", "bmm", "pow3"])
def test_product_and_pow_backward_graphs(case):
    """Under create_graph, mm/addmm's formulas record ATen's t() and mm (a
    column-major operand's gradient as a transposed product), bmm's
    transpose(1, 2), addmm's alpha and beta a Scalar product, and pow's
    grad * (exp * self.pow(exp - 1)): PyTorch's graphs, PyTorch's values."""
    def run(T):
        gen = np.random.default_rng(3)
        x = T.tensor(gen.standard_normal((3, 4)), requires_grad=True)
        w = T.tensor(gen.standard_normal((2, 4)), requires_grad=True)
        b = T.tensor(gen.standard_normal((3, 2)), requires_grad=True)
        if case == "linear":
            y = T.nn.functional.linear(x, w).pow(2).sum()
        elif case == "matmul_t":
            y = (x @ w.t()).pow(2).sum()
        elif case == "mm_T":
            y = T.mm(x, w.T).sum()
        elif case == "addmm_scaled":
            y = T.addmm(b, x, w.t(), beta=0.5, alpha=2.0).pow(2).sum()
        elif case == "bmm":
            y = T.bmm(x.view(1, 3, 4), w.t().reshape(1, 4, 2)).pow(2).sum()
        else:
            y = (x ** 3).sum()
        inputs = (x, w, b) if case == "addmm_scaled" else (x,) if case == "pow3" else (x, w)
        g = T.autograd.grad(y, inputs, create_graph=True)
        g2 = T.autograd.grad(sum((q * q).sum() for q in g), inputs)
        return [chain(q) for q in g], [q.numpy() for q in g2]
    (e_chains, e_vals), (t_chains, t_vals) = run(ember), run(torch)
    assert e_chains == t_chains
    for a, b in zip(e_vals, t_vals):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


# Op-table rows whose backward formulas record, under create_graph, the
# nodes of derivatives.yaml's expressions: unsqueeze_to / squeeze(dim),
# sum_backward's unsqueezes, mean's count as a Scalar division, masked_fill
# and scale_grad_by_count for max/min/amax, scatter / scatter_add /
# index_add / masked_scatter into zeros for the selections, Scalar products
# (MulBackward1) for constant factors and alpha/beta, repeat_backward.
_GRAPH_ROWS = [
    "mean", "mean_dim", "mean_keepdim", "squeeze", "squeeze_dim", "unsqueeze", "squeeze_dims",
    "unsqueeze_copy", "matmul_vm", "vander", "einsum", "max", "min", "max_dim",
    "min_dim_keepdim", "amax", "amin", "median", "nanmedian", "sort_descending_dim0", "msort",
    "topk", "topk_smallest_dim0", "kthvalue", "median_dim", "median_keepdim", "nanmedian_dim",
    "mode_values", "cummax", "cummin", "quantile_midpoint", "quantile_lower", "argsort",
    "index_select", "gather", "gather_neg_dim", "masked_select", "take_along_dim", "argmax",
    "unique", "repeat_interleave_tensor", "exp2", "special.exp2", "deg2rad", "rad2deg",
    "add_alpha", "rsub", "maximum", "minimum", "maximum_0d", "minimum_t", "fmax", "fmin",
    "copysign", "copysign_scalar", "lerp_scalar", "lerp_far", "masked_fill",
    "masked_fill_broadcast", "masked_fill_tensor", "inner_0d", "repeat", "tile",
    "tile_more_dims", "baddbmm", "baddbmm_scaled", "addbmm", "addbmm_scaled", "addmv",
    "addmv_scaled", "addr", "addr_scaled", "scatter_src", "scatter_0d", "scatter_add_src",
    "scatter_add_dim1", "scatter_reduce_sum", "scatter_reduce_sum_noself", "index_add_alpha",
    "index_add_dim1", "index_copy_source", "xlogy", "xlogy_scalar_other", "special.xlogy",
    "special.xlog1py", "sinc", "select", "select_copy", "index_none", "diagonal",
    "diagonal_dims", "diagonal_copy", "einsum_trace", "einsum_diagonal", "einsum_diag_sum",
    "einsum_repeat_two", "trace", "index_list", "index_mask", "where_one_arg", "tril_indices",
    "triu_indices", "repeat_interleave_counts", "unravel_index", "unfold", "unfold_step",
    "unfold_copy", "take", "argwhere", "index_put", "index_put_values", "index_put_mask",
    "masked_scatter", "masked_scatter_source", "masked_scatter_broadcast", "put", "put_source",
    "pow_tensor", "float_power", "nextafter", "binary_cross_entropy_with_logits", "cumprod",
    "cumprod_dim0", "diag", "diag_vector_offset", "diag_embed", "diag_embed_dims", "diagflat",
    "diag_offset_matrix", "select_scatter", "slice_scatter", "diagonal_scatter",
    "linalg.solve_triangular", "linalg.solve_triangular_right_unit", "expm1", "log2", "log10",
    "log1p", "sqrt", "atan", "rsqrt", "tan", "asin", "acos", "special.expm1", "special.log1p",
    "rpow", "logaddexp", "logaddexp2", "addcmul", "addcdiv", "erfinv", "special.erfinv",
    "special.entr", "xlogy_scalar_self", "special.zeta_scalar", "special.zeta",
    "special.xlog1py_scalars", "norm", "norm_dim", "norm_p3", "frobenius_norm",
    "linalg.vector_norm", "linalg.vector_norm_3_keepdim", "linalg.vector_norm_half",
    "linalg.vector_norm_1_5", "linalg.vector_norm_inf", "linalg.matrix_norm", "linalg.norm",
    "linalg.norm_ord_vector_dim", "norm_fro_dims", "dist", "dist_p", "dist_p1",
    "pairwise_distance", "pairwise_distance_p", "linalg.cholesky", "linalg.cholesky_upper",
    "linalg.cholesky_ex", "cholesky", "cholesky_solve", "cholesky_solve_upper",
    "cholesky_inverse", "atanh", "logit", "logit_eps", "special.logit", "lerp", "mv",
    "matmul_mv", "linalg.matmul", "scatter_reduce_mean", "scatter_reduce_mean_noself",
    "scatter_reduce_amax", "scatter_reduce_amin_noself", "index_fill_tensor", "index_reduce_mean",
    "index_reduce_amax_noself", "index_reduce_amin", "sign", "floor", "ceil", "round", "trunc",
    "frac", "fix", "special.round", "sgn", "angle", "div", "true_divide", "erf", "erfc",
    "special.erf", "special.erfc", "logsumexp", "logsumexp_t", "logsumexp_0d",
    "special.logsumexp", "mvlgamma", "mvlgamma_method", "special.multigammaln", "special.i0e",
    "special.i1e"]


def _table_row(name):
    from op_table import OPS
    return next(row for row in OPS if row[0] == name)


def _row_graphs(T, row, arrays):
    """Each input's gradient under create_graph (its whole graph's node
    names), and the second derivatives of the gradients' squared sum."""
    xs = [T.tensor(a, requires_grad=True) for a in arrays]
    y = row[1](T, *xs)
    ys = [v for v in (y if isinstance(y, (tuple, list)) else [y])
          if isinstance(v, T.Tensor) and v.requires_grad]
    s = sum((v * v).sum() for v in ys)
    gs = T.autograd.grad(s, xs, create_graph=True, allow_unused=True)
    chains = [None if g is None or g.grad_fn is None else chain(g) for g in gs]
    used = [x for x, g in zip(xs, gs) if g is not None and g.requires_grad]
    total = sum((g * g).sum() for g in gs if g is not None and g.requires_grad)
    g2 = T.autograd.grad(total, used, allow_unused=True) if used else []
    return chains, [None if q is None else q.detach().numpy() for q in g2]


@pytest.mark.parametrize("name", _GRAPH_ROWS)
def test_table_rows_record_pytorchs_backward_graph(name):
    from test_ops import inputs_for
    row = _table_row(name)
    arrays = inputs_for(row, np.float64)
    (e_chains, e_g2), (t_chains, t_g2) = (_row_graphs(T, row, arrays) for T in (ember, torch))
    assert e_chains == t_chains
    assert len(e_g2) == len(t_g2)
    for a, b in zip(e_g2, t_g2):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", ["conv2d", "conv_transpose1d", "conv3d"])
def test_conv_bias_gradient_is_the_convolution_backward_node(name):
    """Under create_graph the bias' gradient is an output of PyTorch's
    convolution_backward node (ConvolutionBackwardBackward0, with edges to
    grad_output, input and weight), as the input's and weight's are."""
    from test_ops import inputs_for
    row = _table_row(name)
    arrays = inputs_for(row, np.float64)
    (e_chains, e_g2), (t_chains, t_g2) = (_row_graphs(T, row, arrays) for T in (ember, torch))
    assert [c[0] for c in e_chains] == [c[0] for c in t_chains]
    assert e_chains[2] == t_chains[2]
    for a, b in zip(e_g2, t_g2):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", ["sinc", "exp2", "sqrt", "rsqrt", "log2", "log10", "log1p", "tan",
                                  "asin", "acos", "atan", "atanh", "expm1", "cumprod"])
def test_complex_backward_graphs_conjugate_as_pytorch(name):
    """Complex inputs: the recorded formulas conjugate where derivatives.yaml
    does (.conj(), a ConjBackward0), so graphs and second derivatives agree."""
    def run(T):
        x = T.tensor(np.array([1.1 - 0.9j, 0.6 + 0.8j, -0.4 + 0.3j]), requires_grad=True)
        y = T.cumprod(x, 0) if name == "cumprod" else getattr(T, name)(x)
        g, = T.autograd.grad(y.abs().sum(), x, create_graph=True)
        g2, = T.autograd.grad(g.abs().sum(), x)
        return chain(g), g.detach().numpy(), g2.numpy()
    (ec, eg, e2), (tc, tg, t2) = run(ember), run(torch)
    assert ec == tc
    np.testing.assert_allclose(eg, tg, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(e2, t2, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("op", ["floor", "ceil", "round", "trunc", "sign", "pow0", "div_floor",
                                "fill_", "zero_", "copy_"])
def test_flat_gradients_are_exact_zeros(op):
    """derivatives.yaml's zeros_like(grad): +0 where the incoming gradient is
    negative, NaN or inf (g * 0 would give -0., NaN, NaN)."""
    def run(T):
        x = T.tensor([1.5, -2.5, 0.3, 4.0], requires_grad=True)
        y = x * 1
        f = {"pow0": lambda t: t ** 0, "div_floor": lambda t: T.div(t, 2, rounding_mode="floor"),
             "fill_": lambda t: t.fill_(2.0), "zero_": lambda t: t.zero_(),
             "copy_": lambda t: t.copy_(T.ones(4))}.get(op) or getattr(T, op)
        (f(y) * T.tensor([-1.0, float("nan"), float("inf"), 2.0])).sum().backward()
        return x.grad.numpy()
    e, t = run(ember), run(torch)
    np.testing.assert_array_equal(e, t)
    assert list(np.signbit(e)) == list(np.signbit(t))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy_second_derivatives(reduction, weighted):
    """binary_cross_entropy's backward under create_graph: its one node
    (BinaryCrossEntropyBackwardBackward0) for the input, ATen's
    target_backward for the target, and their derivatives in turn."""
    def run(T):
        F = T.nn.functional
        x = T.tensor([0.3, 0.6, 0.8], dtype=T.float64, requires_grad=True)
        t = T.tensor([0.0, 1.0, 0.5], dtype=T.float64, requires_grad=True)
        w = T.tensor([1.0, 2.0, 3.0], dtype=T.float64) if weighted else None
        loss = F.binary_cross_entropy(x, t, weight=w, reduction=reduction)
        loss = loss.sum() if reduction == "none" else loss
        g = T.autograd.grad(loss * loss, (x, t), create_graph=True)
        h = T.autograd.grad((g[0] * T.tensor([1.0, 2.0, 3.0], dtype=T.float64)).sum()
                            + (g[1] ** 2).sum(), (x, t))
        return [chain(q) for q in g], [q.numpy() for q in h]
    (ec, ev), (tc, tv) = run(ember), run(torch)
    assert ec == tc
    for a, b in zip(ev, tv):
        np.testing.assert_allclose(a, b, rtol=1e-10)


def test_rrelu_in_training_records_pytorchs_node():
    def run(T):
        T.manual_seed(0)
        x = T.tensor([0.3, -0.7, 1.2, -2.0], dtype=T.float64, requires_grad=True)
        y = T.nn.functional.rrelu(x, training=True)
        g, = T.autograd.grad((y * T.tensor([1.0, 2.0, 3.0, 4.0], dtype=T.float64)).sum(), x,
                             create_graph=True)
        g2, = T.autograd.grad(g.sum(), x)
        return chain(g), g.detach().numpy(), g2.numpy()
    e, t = run(ember), run(torch)
    assert e[0] == t[0]
    np.testing.assert_allclose(e[1], t[1], rtol=1e-12)
    np.testing.assert_array_equal(e[2], t[2])
