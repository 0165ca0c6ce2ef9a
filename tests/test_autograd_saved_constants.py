"""grad_fn._saved_<name> against PyTorch: a Python number saved where a
tensor goes (a 0-dim tensor of its 64-bit dtype), the non-tensor values
nodes keep (dims, flags, scalars, sizes) under PyTorch's names, and which
`_saved_*` names dir() lists."""
import pytest

from compare_torch import check


def _x(T):
    T.manual_seed(0)
    return (T.randn(3, 4, dtype=T.float64, requires_grad=True),
            T.randn(3, 4, dtype=T.float64, requires_grad=True))


CASES = {
    "mul_int": lambda T, x, y: x * 2, "mul_float": lambda T, x, y: x * 2.5,
    "div_int": lambda T, x, y: x / 2, "mul_bool": lambda T, x, y: x * True,
    "sum": lambda T, x, y: x.sum(), "sum_dim": lambda T, x, y: x.sum(1),
    "mean": lambda T, x, y: x.mean(), "mean_dim": lambda T, x, y: x.mean(0, keepdim=True),
    "logsumexp": lambda T, x, y: x.logsumexp(1), "prod_dim": lambda T, x, y: x.prod(1),
    "max_dim": lambda T, x, y: x.max(1)[0], "min_keepdim": lambda T, x, y: x.min(0, True)[0],
    "view": lambda T, x, y: x.view(12), "expand": lambda T, x, y: x.view(3, 1, 4).expand(3, 2, 4),
    "squeeze_all": lambda T, x, y: x.view(3, 1, 4).squeeze(),
    "repeat": lambda T, x, y: x.repeat(2, 1, 1), "permute": lambda T, x, y: x.permute(1, 0),
    "transpose": lambda T, x, y: x.transpose(0, 1), "select": lambda T, x, y: x.select(1, 2),
    "index_int": lambda T, x, y: x[0], "slice": lambda T, x, y: x[:, 1:3],
    "slice_open": lambda T, x, y: x[1:], "split": lambda T, x, y: x.split(2)[0],
    "chunk": lambda T, x, y: x.chunk(2, 1)[0], "diagonal": lambda T, x, y: x.diagonal(0, 0, 1),
    "unfold": lambda T, x, y: x.unfold(1, 2, 1), "roll": lambda T, x, y: x.roll(1, 0),
    "cumsum": lambda T, x, y: x.cumsum(1), "softmax": lambda T, x, y: x.softmax(1),
    "log_softmax": lambda T, x, y: x.log_softmax(1),
    "add_alpha": lambda T, x, y: T.add(x, y, alpha=2), "sub_alpha": lambda T, x, y: T.sub(x, y, alpha=2.5),
    "addcmul": lambda T, x, y: T.addcmul(x, x, y, value=0.5),
    "pow": lambda T, x, y: x.pow(2), "pow_scalar_base": lambda T, x, y: 2 ** x,
    "clamp": lambda T, x, y: x.clamp(-1, 1), "clamp_min": lambda T, x, y: x.clamp(min=-0.5),
    "lerp": lambda T, x, y: T.lerp(x, y, 0.3), "triu": lambda T, x, y: x.triu(1),
    "leaky_relu": lambda T, x, y: T.nn.functional.leaky_relu(x, 0.2),
    "hardtanh": lambda T, x, y: T.nn.functional.hardtanh(x, -2.0, 2.0),
    "threshold": lambda T, x, y: T.nn.functional.threshold(x, 0.1, 20.0),
    "softplus": lambda T, x, y: T.nn.functional.softplus(x, beta=2, threshold=10),
    "hardshrink": lambda T, x, y: T.nn.functional.hardshrink(x, 0.3),
    "gelu": lambda T, x, y: T.nn.functional.gelu(x, approximate="tanh"),
    "pixel_shuffle": lambda T, x, y: T.nn.functional.pixel_shuffle(x.view(1, 4, 3, 1), 2),
    "mse_sum": lambda T, x, y: T.nn.functional.mse_loss(x, y, reduction="sum"),
    "where": lambda T, x, y: T.where(x > 0, x, y), "masked_fill": lambda T, x, y: x.masked_fill(x > 0, 1.0),
}


def _saved(T, name):
    out = CASES[name](T, *_x(T))
    node = out.grad_fn
    names = [a for a in dir(node) if a.startswith("_saved")]
    return node.name(), names, [getattr(node, a) for a in names]


@pytest.mark.parametrize("name", list(CASES))
def test_saved_attributes_match_torch(name):
    check(lambda T: _saved(T, name), rtol=1e-12)


def test_constants_outlive_backward():
    # (only saved tensors are freed by backward: PyTorch keeps the rest)
    check(lambda T: (lambda y: (y.sum().backward(), y.grad_fn._saved_dim,
                                y.grad_fn._saved_self_sym_sizes))(_x(T)[0].sum(1)))


def test_addmm_scalars():
    # (its mat sizes and strides are not kept: those are left out)
    check(lambda T: (lambda n: (n._saved_alpha, n._saved_beta))(
        T.addmm(*_x(T)[:1], _x(T)[1], T.ones(4, 4), beta=0.5, alpha=2).grad_fn))


@pytest.mark.parametrize("op", ["x * 2", "x * c", "c * x", "x.exp()"])
def test_after_backward_unsaved_slots_read_none_and_saved_ones_raise(op):
    def run(T):
        x, c = T.randn(3, requires_grad=True), T.randn(3)
        y = eval(op)
        y.sum().backward()
        out = []
        for a in [a for a in dir(y.grad_fn) if a.startswith("_saved")]:
            try:
                out.append(getattr(y.grad_fn, a))
            except RuntimeError as e:
                out.append(str(e))
        return out
    check(run)


def test_node_classes_print_as_pytorchs():
    """C++ nodes are builtins (<class 'SinBackward0'>); the nodes of Python
    Functions name torch.autograd.function."""
    def f(T):
        x = T.randn(3, requires_grad=True)

        class Twice(T.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                return a * 2

            @staticmethod
            def backward(ctx, g):
                return g * 2
        w = x.clone()
        w[0] = 1
        m = T.nn.Linear(3, 2)
        m.register_full_backward_hook(lambda *a: None)
        y = x.sin()
        return [repr(type(n)) for n in (
            y.grad_fn, y.grad_fn.next_functions[0][0], Twice.apply(x).grad_fn, w.grad_fn,
            x.unbind(0)[0].grad_fn, T.cat([x, x]).grad_fn, m(x).grad_fn,
            T.nn.Linear(3, 2)(x).grad_fn)]
    check(f)
