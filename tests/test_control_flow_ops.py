"""torch._higher_order_ops' control flow operators (while_loop, scan,
associative_scan, map, cond), eager, against PyTorch's: values, layout of
the results, gradients and the argument checks."""
import importlib

import pytest

from compare_torch import check


@pytest.fixture(autouse=True)
def _pytorchs_distribution_validation_kept():
    """PyTorch's control flow operators run through its compiler (dynamo),
    which turns torch.distributions' argument validation off for the whole
    process: restored after each test, for the tests that follow."""
    try:
        import torch
    except ImportError:
        yield
        return
    before = torch.distributions.Distribution._validate_args
    yield
    torch.distributions.Distribution.set_default_validate_args(before)


def _ops(T):
    return importlib.import_module(T.__name__ + "._higher_order_ops")


def _x(T, *shape):
    g = T.Generator().manual_seed(0)
    return T.randn(*shape, generator=g, dtype=T.float64)


def test_submodules_import_as_pytorchs():
    import ember
    for name in ("cond", "while_loop", "scan", "associative_scan", "map"):
        mod = importlib.import_module(f"ember._higher_order_ops.{name}")
        assert getattr(mod, name) is getattr(ember._higher_order_ops, name)
    assert ember._higher_order_ops.cond is ember.cond


def test_while_loop():
    def run(T):
        H = _ops(T)
        loop = H.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s + i),
                            (T.tensor(0), T.tensor(0)))
        nested = H.while_loop(lambda c: c[0] < 3, lambda c: ((c[0] + 1, c[1] * 2),),
                              ((T.tensor(0), _x(T, 2)),))
        never = H.while_loop(lambda i, s: i > 0, lambda i, s: (i + 1, s), (T.tensor(0), 3))
        return loop, nested, never
    check(run, exact=True)


@pytest.mark.parametrize("bad", [
    lambda T, H: H.while_loop(1, 2, (T.tensor(0),)),
    lambda T, H: H.while_loop(lambda i: i < 3, lambda i: (i + 1,), (T.tensor(0), 1.5)),
])
def test_while_loop_checks(bad):
    check(lambda T: bad(T, _ops(T)))


@pytest.mark.parametrize("dim, reverse", [(0, False), (1, True), (-1, False)])
def test_scan(dim, reverse):
    def run(T):
        def combine(carry, x):
            total = carry[0] + x
            return (total, carry[1] * 2), {"y": (total * x).sin(), "z": [carry[1] + 1]}
        return _ops(T).scan(combine, (T.zeros(4, 3, dtype=T.float64),
                                      T.ones(2)), _x(T, 5, 4, 3).movedim(0, dim % 3),
                            dim=dim, reverse=reverse)
    check(run, exact=True)


def test_scan_gradients_reach_operands_and_captured_tensors():
    def run(T):
        w = _x(T, 3).requires_grad_()
        xs = _x(T, 4, 3).requires_grad_()
        init = T.ones(3, dtype=T.float64, requires_grad=True)
        carry, ys = _ops(T).scan(lambda c, x: (c * w + x, (c * x).sin()), init, xs)
        (carry.sum() + ys.pow(2).sum()).backward()
        return carry.detach(), ys.detach(), w.grad, xs.grad, init.grad
    check(run)


@pytest.mark.parametrize("bad", [
    lambda T, H: H.scan(1, T.zeros(2), T.ones(3)),
    lambda T, H: H.scan(lambda c, x: (c, x), (), T.ones(3)),
    lambda T, H: H.scan(lambda c, x: (c, x), T.zeros(2), T.ones(3), dim=1),
    lambda T, H: H.scan(lambda c, x: (c, x), T.zeros(2), T.ones(0, 2)),
    lambda T, H: H.scan(lambda c, x: (c, x), [1], T.ones(3)),
])
def test_scan_checks(bad):
    check(lambda T: bad(T, _ops(T)))


@pytest.mark.parametrize("n", [1, 2, 5, 8, 13])
@pytest.mark.parametrize("reverse", [False, True])
def test_associative_scan_generic(n, reverse):
    def run(T):
        H = _ops(T)

        def s5(a, b):
            return b[0] * a[0], b[0] * a[1] + b[1]
        pair = H.associative_scan(s5, (_x(T, n, 3), _x(T, n, 3) + 1), 0, reverse=reverse,
                                  combine_mode="generic")
        along1 = H.associative_scan(lambda a, b: a * b, _x(T, 2, n), 1, reverse=reverse,
                                    combine_mode="generic")
        return pair, along1
    check(run, exact=True)
    # a combine function that is not pointwise: vmapped over the pairs (a
    # batched matmul, whose float64 sums may round differently in the last bit)
    check(lambda T: _ops(T).associative_scan(lambda a, b: a @ b, _x(T, n, 2, 2), 0,
                                             reverse=reverse, combine_mode="generic"),
          rtol=1e-13)


@pytest.mark.parametrize("bad", [
    lambda T, H: H.associative_scan(lambda a, b: a + b, T.ones(3), 0),
    lambda T, H: H.associative_scan(lambda a, b: a + b, T.ones(3), 0, combine_mode="x"),
    lambda T, H: H.associative_scan(1, T.ones(3), 0, combine_mode="generic"),
    lambda T, H: H.associative_scan(lambda a, b: a + b, T.ones(3), 2, combine_mode="generic"),
    lambda T, H: H.associative_scan(lambda a, b: a + b, T.ones(0), 0, combine_mode="generic"),
])
def test_associative_scan_checks(bad):
    check(lambda T: bad(T, _ops(T)))


def test_map():
    def run(T):
        H = _ops(T)
        one = H.map(lambda x, y: x ** y, T.arange(5), T.tensor(2))
        many = H.map(lambda x, y, z: (x * y, {"s": x + z}), _x(T, 3), T.tensor(2.), T.ones(2))
        tree = H.map(lambda x: x[0] + x[1], [_x(T, 3), T.ones(3, 2)])
        return one, many, tree
    check(run, exact=True)


def test_map_gradients():
    def run(T):
        x = _x(T, 4, 3).requires_grad_()
        w = _x(T, 3).requires_grad_()
        _ops(T).map(lambda a, b: (a * b).tanh(), x, w).sum().backward()
        return x.grad, w.grad
    check(run)


@pytest.mark.parametrize("bad", [
    lambda T, H: H.map(lambda a: a, T.ones(0, 2)),
    lambda T, H: H.map(lambda a: a, [T.ones(2), T.ones(3)]),
    lambda T, H: H.map(lambda a: a, [T.ones(2), 3]),
])
def test_map_checks(bad):
    check(lambda T: bad(T, _ops(T)))
