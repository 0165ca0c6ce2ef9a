"""torch.nn.utils.parametrize and parametrizations (weight_norm, spectral_norm,
orthogonal), and the old-style weight_norm / spectral_norm, compared with
PyTorch: values, gradients through the parametrization, state_dict keys,
the power iteration's random start, errors."""
import importlib
import warnings

import numpy as np
import pytest

import ember
from compare_torch import check

torch = pytest.importorskip("torch")


def _lin(T, i=4, o=3, seed=0, dtype=None):
    T.manual_seed(seed)
    return T.nn.Linear(i, o, dtype=dtype)


def _symmetric(T):
    class Symmetric(T.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(-1, -2)

        def right_inverse(self, A):
            return A.triu()
    return Symmetric()


def _scale(T, k=2.0):
    class Scale(T.nn.Module):
        def forward(self, X):
            return X * k

        def right_inverse(self, A):
            return A / k
    return Scale()


def _x(T, n=4):
    return T.linspace(-1, 1, 2 * n).reshape(2, n)


def _names(module):
    return list(module.state_dict().keys())


def test_register_parametrization_vs_torch():
    def f(T):
        m = _lin(T, 3, 3)
        P = T.nn.utils.parametrize
        P.register_parametrization(m, "weight", _symmetric(T))
        y = m(_x(T, 3))
        y.pow(2).sum().backward()
        orig = m.parametrizations.weight.original
        return (m.weight, y, orig.grad, _names(m), type(m).__name__,
                type(m.parametrizations.weight).__name__, P.is_parametrized(m),
                P.is_parametrized(m, "weight"), P.is_parametrized(m, "bias"),
                P.type_before_parametrizations(m).__name__, repr(m),
                [n for n, _ in m.named_parameters()])
    check(f)


def test_stacked_parametrizations_and_assignment_vs_torch():
    def f(T):
        m = _lin(T, 3, 3)
        P = T.nn.utils.parametrize
        P.register_parametrization(m, "weight", _symmetric(T))
        P.register_parametrization(m, "weight", _scale(T, 3.0))
        with T.no_grad():
            m.weight = T.eye(3) * 6    # runs both right_inverses
        orig = m.parametrizations.weight.original
        m(_x(T, 3)).sum().backward()
        return m.weight, orig, orig.grad, len(m.parametrizations.weight), _names(m)
    check(f)


def test_parametrization_of_buffer_and_unsafe_vs_torch():
    def f(T):
        m = _lin(T)
        m.register_buffer("mask", T.ones(3, 4))
        P = T.nn.utils.parametrize

        class Half(T.nn.Module):
            def forward(self, X):
                return X[:, :2]
        P.register_parametrization(m, "mask", Half(), unsafe=True)
        return m.mask, _names(m), m.parametrizations.mask.unsafe
    check(f)


def test_multi_tensor_right_inverse_vs_torch():
    def f(T):
        m = _lin(T)
        P = T.nn.utils.parametrize

        class Split(T.nn.Module):
            def forward(self, A, B):
                return A + B

            def right_inverse(self, X):
                return X * 0.25, X * 0.75
        P.register_parametrization(m, "weight", Split())
        m(_x(T)).sum().backward()
        pl = m.parametrizations.weight
        return (m.weight, pl.original0, pl.original1.grad, _names(m), pl.ntensors,
                pl.is_tensor, [type(p).__name__ for p in (pl.original0, pl.original1)])
    check(f)


def test_remove_parametrizations_vs_torch():
    def f(T, leave):
        m = _lin(T, 3, 3)
        P = T.nn.utils.parametrize
        w = m.weight
        P.register_parametrization(m, "weight", _scale(T, 2.0))
        P.remove_parametrizations(m, "weight", leave_parametrized=leave)
        return (m.weight, m.weight is w, type(m).__name__, hasattr(m, "parametrizations"),
                _names(m), type(m.weight).__name__)
    check(lambda T: f(T, True))
    check(lambda T: f(T, False))

    def two(T):
        m = _lin(T, 3, 3)
        P = T.nn.utils.parametrize
        P.register_parametrization(m, "weight", _scale(T))
        P.register_parametrization(m, "bias", _scale(T))
        P.remove_parametrizations(m, "weight")
        return type(m).__name__, _names(m), P.is_parametrized(m)
    check(two)

    def seq_leave_false(T):
        m = _lin(T)
        T.nn.utils.parametrizations.weight_norm(m)
        T.nn.utils.parametrize.remove_parametrizations(m, "weight", leave_parametrized=False)
    check(seq_leave_false)

    def seq_leave_true(T):
        m = _lin(T)
        T.nn.utils.parametrizations.weight_norm(m)
        T.nn.utils.parametrize.remove_parametrizations(m, "weight")
        return m.weight, type(m.weight).__name__, _names(m)
    check(seq_leave_true, rtol=1e-6, atol=1e-7)
    check(lambda T: T.nn.utils.parametrize.remove_parametrizations(_lin(T), "weight"))


def test_parametrization_errors_vs_torch():
    P = lambda T: T.nn.utils.parametrize  # noqa: E731

    def missing(T):
        P(T).register_parametrization(_lin(T), "nope", _scale(T))
    check(missing)

    def shape(T):
        class Cut(T.nn.Module):
            def forward(self, X):
                return X[:1]
        P(T).register_parametrization(_lin(T), "weight", Cut())
    check(shape)

    def dtype(T):
        class Dbl(T.nn.Module):
            def forward(self, X):
                return X.double()
        P(T).register_parametrization(_lin(T), "weight", Dbl())
    check(dtype)

    def stacked_shape(T):
        m = _lin(T)
        P(T).register_parametrization(m, "weight", _scale(T))

        class Cut(T.nn.Module):
            def forward(self, X):
                return X[:1]
        P(T).register_parametrization(m, "weight", Cut())
    check(stacked_shape)

    def no_right_inverse(T):
        m = _lin(T)

        class Plain(T.nn.Module):
            def forward(self, X):
                return X * 2
        P(T).register_parametrization(m, "weight", Plain())
        m.weight = T.ones(3, 4)
    check(no_right_inverse)

    def not_tensor(T):
        class Bad(T.nn.Module):
            def forward(self, X):
                return 3
        P(T).register_parametrization(_lin(T), "weight", Bad())
    check(not_tensor)

    def empty_list(T):
        P(T).ParametrizationList([], T.ones(1))
    check(empty_list)


def test_cached_vs_torch():
    def f(T):
        calls = []
        m = _lin(T)

        class Count(T.nn.Module):
            def forward(self, X):
                calls.append(1)
                return X * 2
        T.nn.utils.parametrize.register_parametrization(m, "weight", Count())
        calls.clear()
        with T.nn.utils.parametrize.cached():
            a = m.weight
            b = m.weight
            with T.nn.utils.parametrize.cached():
                c = m.weight
        d = m.weight
        return len(calls), a is b, a is c, a is d
    check(f)


def test_transfer_parametrizations_vs_torch():
    def f(T):
        src, dst = _lin(T), _lin(T, seed=1)
        P = T.nn.utils.parametrize
        P.register_parametrization(src, "weight", _scale(T, 2.0))
        P.transfer_parametrizations_and_params(src, dst)
        return (dst.weight, dst.parametrizations.weight.original is
                src.parametrizations.weight.original, _names(dst))
    check(f)


def test_deepcopy_and_pickle_of_parametrized():
    import copy
    import pickle
    m = _lin(ember)
    ember.nn.utils.parametrize.register_parametrization(m, "weight", _scale(ember))
    c = copy.deepcopy(m)
    assert type(c).__name__ == "ParametrizedLinear"
    assert ember.equal(c.weight, m.weight)
    assert c.parametrizations.weight.original is not m.parametrizations.weight.original
    with pytest.raises(RuntimeError, match="Serialization of parametrized modules"):
        pickle.dumps(m)


# -- parametrizations.weight_norm ----------------------------------------------
@pytest.mark.parametrize("dim", [0, 1, None, -1])
def test_weight_norm_parametrization_vs_torch(dim):
    def f(T):
        m = _lin(T)
        T.nn.utils.parametrizations.weight_norm(m, dim=dim)
        y = m(_x(T))
        y.pow(2).sum().backward()
        pl = m.parametrizations.weight
        return (m.weight, y, pl.original0, pl.original1, pl.original0.grad, pl.original1.grad,
                _names(m), [tuple(v.shape) for v in m.state_dict().values()])
    check(f, rtol=1e-5, atol=1e-7)


def test_weight_norm_parametrization_loads_old_checkpoint_vs_torch():
    def f(T):
        old = _lin(T, seed=3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            T.nn.utils.weight_norm(old)
        sd = old.state_dict()
        new = _lin(T)
        T.nn.utils.parametrizations.weight_norm(new)
        res = new.load_state_dict(sd)
        return repr(res), new.weight, list(sd)
    check(f, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("dim", [0, 1, None])
def test_weight_norm_gradcheck(dim):
    m = _lin(ember, dtype=ember.float64)
    ember.nn.utils.parametrizations.weight_norm(m, dim=dim)
    x = _x(ember).double()
    g_shape = {0: (3, 1), 1: (1, 4), None: ()}[dim]

    def fn(g, v):
        return ember.func.functional_call(
            m, {"parametrizations.weight.original0": g,
                "parametrizations.weight.original1": v}, x)
    n = max(1, int(np.prod(g_shape)))
    g = ember.linspace(0.5, 1.5, n, dtype=ember.float64).reshape(g_shape).requires_grad_()
    v = ember.linspace(-1, 2, 12, dtype=ember.float64).reshape(3, 4).requires_grad_()
    assert ember.autograd.gradcheck(fn, (g, v))
    assert ember.autograd.gradgradcheck(fn, (g, v))


# -- parametrizations.spectral_norm --------------------------------------------
@pytest.mark.parametrize("shape,dim", [((3, 5), None), ((6, 4), 0), ((2, 3, 4), 1),
                                       ((2, 3, 4), -1), ((5,), None)])
def test_spectral_norm_parametrization_vs_torch(shape, dim):
    def f(T):
        T.manual_seed(0)
        m = T.nn.Module()
        m.weight = T.nn.Parameter(T.linspace(-2, 3, int(T.tensor(shape).prod())).reshape(shape))
        T.manual_seed(7)
        T.nn.utils.parametrizations.spectral_norm(m, n_power_iterations=2, dim=dim or 0)
        sn = m.parametrizations.weight[0]
        w1 = m.weight
        w2 = m.weight
        w2.sum().backward()
        m.eval()
        w3 = m.weight
        buffers = [getattr(sn, "_u", None), getattr(sn, "_v", None)]
        return w1, w2, w3, m.parametrizations.weight.original.grad, buffers, _names(m)
    check(f, rtol=1e-5, atol=1e-7)


def test_spectral_norm_random_start_bit_exact_vs_torch():
    def f(T):
        m = _lin(T, 7, 5)
        T.manual_seed(123)
        T.nn.utils.parametrizations.spectral_norm(m)
        sn = m.parametrizations.weight[0]
        return sn._u, sn._v
    # The starting vectors are drawn exactly as torch draws them; 15 power
    # iterations of float32 arithmetic may then differ in the last bit.
    check(f, rtol=1e-5, atol=1e-6)

    def draws(T):
        T.manual_seed(123)
        W = T.ones(5, 7)
        return W.new_empty(5).normal_(0, 1), W.new_empty(7).normal_(0, 1)
    check(draws, exact=True)


def test_spectral_norm_parametrization_errors_vs_torch():
    check(lambda T: T.nn.utils.parametrizations.spectral_norm(_lin(T), dim=2))
    check(lambda T: T.nn.utils.parametrizations.spectral_norm(_lin(T), n_power_iterations=0))
    check(lambda T: T.nn.utils.parametrizations.spectral_norm(_lin(T), name="nope"))


# -- parametrizations.orthogonal -----------------------------------------------
@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5)])
@pytest.mark.parametrize("omap", ["matrix_exp", "cayley", "householder", None])
def test_orthogonal_vs_torch(shape, omap):
    def f(T):
        T.manual_seed(0)
        m = T.nn.Module()
        T.manual_seed(0)
        m.weight = T.nn.Parameter(T.randn(shape))
        T.nn.utils.parametrizations.orthogonal(m, orthogonal_map=omap)
        W = m.weight
        (W * T.linspace(0, 1, W.numel()).reshape(W.shape)).sum().backward()
        n = min(shape)
        gram = W.mT @ W if shape[0] >= shape[1] else W @ W.mT
        return (W, m.parametrizations.weight.original.grad, gram.allclose(T.eye(n), atol=1e-5),
                _names(m))
    if shape[0] != shape[1] and omap in ("matrix_exp", "cayley", None) and omap is not None:
        # non-square trivialisations start from a random completion: compare shapes only
        def g(T):
            W, _, ortho, names = f(T)
            return W.shape, ortho, names
        check(g)
    else:
        check(f, rtol=1e-4, atol=1e-5)


def test_orthogonal_without_trivialization_vs_torch():
    def f(T, omap):
        m = _lin(T, 3, 5)
        T.nn.utils.parametrizations.orthogonal(m, orthogonal_map=omap,
                                               use_trivialization=False)
        return m.weight, (m.weight.mT @ m.weight).allclose(T.eye(3), atol=1e-5)
    check(lambda T: f(T, "householder"), rtol=1e-4, atol=1e-5)
    check(lambda T: f(T, "cayley"))


def test_orthogonal_errors_vs_torch():
    def vec(T):
        m = T.nn.Module()
        m.weight = T.nn.Parameter(T.ones(3))
        T.nn.utils.parametrizations.orthogonal(m)
    check(vec)
    check(lambda T: T.nn.utils.parametrizations.orthogonal(_lin(T), orthogonal_map="qr"))
    check(lambda T: T.nn.utils.parametrizations.orthogonal(_lin(T), name="x"))


# -- the old-style weight_norm and spectral_norm --------------------------------
@pytest.mark.parametrize("dim", [0, 1, None])
def test_old_weight_norm_vs_torch(dim):
    def f(T):
        m = _lin(T)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            T.nn.utils.weight_norm(m, dim=dim)
        y = m(_x(T))
        y.sum().backward()
        out = (y, m.weight_g, m.weight_v, m.weight_g.grad, m.weight_v.grad, _names(m),
               [n for n, _ in m.named_parameters()])
        T.nn.utils.remove_weight_norm(m)
        return out, m.weight, type(m.weight).__name__, _names(m)
    check(f, rtol=1e-5, atol=1e-7)


def test_old_weight_norm_errors_vs_torch():
    def twice(T):
        m = _lin(T)
        T.nn.utils.weight_norm(m)
        T.nn.utils.weight_norm(m)
    check(twice)
    check(lambda T: T.nn.utils.remove_weight_norm(_lin(T)))
    with pytest.warns(FutureWarning, match="deprecated") as record:
        ember.nn.utils.weight_norm(_lin(ember))
    # filed in the library (weight_norm calls WeightNorm.apply), as PyTorch's
    assert record[0].filename.endswith("weight_norm.py")
    with pytest.warns(FutureWarning, match="deprecated") as record:
        importlib.import_module("ember.nn.utils.weight_norm").WeightNorm.apply(
            _lin(ember), "weight", 0)
    assert record[0].filename == __file__


def test_old_spectral_norm_vs_torch():
    def f(T):
        m = _lin(T, 5, 4)
        T.manual_seed(11)
        T.nn.utils.spectral_norm(m, n_power_iterations=3)
        start = (m.weight_u.clone(), m.weight_v.clone())
        y = m(_x(T, 5))
        y.sum().backward()
        sd = m.state_dict()
        meta = dict(sd._metadata[""])
        m.eval()
        y_eval = m(_x(T, 5))
        out = (start, y, y_eval, m.weight_u, m.weight_v, m.weight_orig.grad, list(sd), meta,
               len(m._load_state_dict_pre_hooks))
        T.nn.utils.remove_spectral_norm(m)
        return out, m.weight, _names(m), len(m._forward_pre_hooks), len(m._state_dict_hooks)
    check(f, rtol=1e-5, atol=1e-7)


def test_old_spectral_norm_loads_version0_checkpoint_vs_torch():
    # (a tall weight: W^T W is invertible, so solving for v is well posed)
    def f(T):
        m = _lin(T, 3, 5)
        T.manual_seed(2)
        T.nn.utils.spectral_norm(m)
        m(_x(T, 3))
        sd = m.state_dict()
        sd["weight"] = m.weight.detach()
        del sd["weight_v"]
        del sd._metadata[""]["spectral_norm"]
        n = _lin(T, 3, 5, seed=1)
        T.nn.utils.spectral_norm(n)
        res = n.load_state_dict(sd)
        n.eval()
        return repr(res), n.weight_v, n(_x(T, 3))
    check(f, rtol=1e-4, atol=1e-5)


def test_old_spectral_norm_start_bit_exact_vs_torch():
    def f(T):
        m = _lin(T, 7, 5)
        T.manual_seed(11)
        T.nn.utils.spectral_norm(m)
        return m.weight_u, m.weight_v
    check(f, exact=True)


def test_old_spectral_norm_errors_vs_torch():
    def twice(T):
        m = _lin(T)
        T.nn.utils.spectral_norm(m)
        T.nn.utils.spectral_norm(m)
    check(twice)
    check(lambda T: T.nn.utils.remove_spectral_norm(_lin(T)))
    check(lambda T: T.nn.utils.spectral_norm(_lin(T), n_power_iterations=0))

    def none_param(T):
        m = T.nn.Linear(2, 2, bias=False)
        T.nn.utils.spectral_norm(m, name="bias")
    check(none_param)
