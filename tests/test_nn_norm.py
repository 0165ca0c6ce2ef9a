"""Normalisation layers against PyTorch: BatchNorm1d/2d/3d (training steps,
running buffers, num_batches_tracked, eval, state_dict), InstanceNorm,
LayerNorm, GroupNorm, RMSNorm, LocalResponseNorm and their functional forms;
gradcheck and gradgradcheck in float64; reprs and errors."""
import warnings

import numpy as np
import pytest

import ember
from compare_torch import chain, check, check_error

torch = pytest.importorskip("torch")


def _arr(shape, seed, scale=2.0, shift=0.7):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) * scale + shift).astype(np.float32)


def _lib_module(T, name, *args, **kwargs):
    return getattr(T.nn, name)(*args, **kwargs)


def _steps(T, module, shapes, train=True, seed=0):
    """A few forward/backward steps of `module` (in T); per step: output,
    input grad, parameter grads; then every buffer and parameter."""
    module.train(train)
    results = []
    for i, shape in enumerate(shapes):
        x = T.tensor(_arr(shape, seed + i), requires_grad=True)
        y = module(x)
        g = T.tensor(_arr(tuple(y.shape), 100 + seed + i, 1.0, 0.0))
        y.backward(g)
        grads = [p.grad.clone() for p in module.parameters()]
        module.zero_grad()
        results.append((y, x.grad, grads))
    state = {k: v.detach() for k, v in module.state_dict().items()}
    return results, state


def _compare_runs(name, args, kwargs, shapes, train=True, eval_shape=None, rtol=2e-5,
                  atol=2e-5):
    """The same steps in both libraries: values, gradients, buffers (the
    running stats to float32 rounding), then an eval pass."""
    mods = {}
    outs = {}
    for T in (ember, torch):
        T.manual_seed(0)
        mods[T] = _lib_module(T, name, *args, **kwargs)
        outs[T] = _steps(T, mods[T], shapes, train)
    (e_steps, e_state), (t_steps, t_state) = outs[ember], outs[torch]
    assert list(e_state) == list(t_state)
    for (ey, egx, egs), (ty, tgx, tgs) in zip(e_steps, t_steps):
        # (local_response_norm sums its window with slices, where PyTorch
        # pads and pools: the same values, other nodes inside)
        assert chain(ey) == chain(ty) or (name == "LocalResponseNorm"
                                          and chain(ey)[0] == chain(ty)[0])
        np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), rtol, atol)
        np.testing.assert_allclose(egx.numpy(), tgx.numpy(), rtol, atol)
        for a, b in zip(egs, tgs):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-4)
    for k in t_state:
        assert e_state[k].dtype.name == str(t_state[k].dtype).replace("torch.", ""), k
        assert tuple(e_state[k].shape) == tuple(t_state[k].shape), k
        np.testing.assert_allclose(e_state[k].numpy(), t_state[k].numpy(), rtol=1e-6,
                                   atol=1e-7, err_msg=k)
    if eval_shape is not None:
        for T in (ember, torch):
            mods[T].eval()
        x = _arr(eval_shape, 99)
        ey, ty = mods[ember](ember.tensor(x)), mods[torch](torch.tensor(x))
        np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), rtol, atol)
    return mods


# -- BatchNorm -----------------------------------------------------------------
BN_CASES = [
    ("BatchNorm1d", (3,), {}, [(7, 3), (5, 3), (9, 3)], (4, 3)),
    ("BatchNorm1d", (4,), {"momentum": None}, [(5, 4, 3), (6, 4, 3), (5, 4, 2)], (2, 4, 5)),
    ("BatchNorm2d", (3,), {"eps": 1e-3, "momentum": 0.3}, [(4, 3, 5, 3)] * 3, (2, 3, 4, 4)),
    ("BatchNorm2d", (5,), {"affine": False}, [(3, 5, 2, 3), (2, 5, 3, 3)], (1, 5, 3, 2)),
    ("BatchNorm2d", (2,), {"bias": False}, [(3, 2, 4, 5)] * 2, (2, 2, 3, 3)),
    ("BatchNorm2d", (3,), {"track_running_stats": False}, [(4, 3, 3, 3)] * 2, (2, 3, 2, 2)),
    ("BatchNorm3d", (2,), {"momentum": None}, [(3, 2, 3, 2, 3)] * 3, (2, 2, 2, 3, 2)),
]


@pytest.mark.parametrize("name,args,kwargs,shapes,eval_shape", BN_CASES)
def test_batchnorm_training_and_eval_match_torch(name, args, kwargs, shapes, eval_shape):
    _compare_runs(name, args, kwargs, shapes, True, eval_shape)


def test_batchnorm_running_stats_to_the_bit():
    """The running mean and variance are PyTorch's to the bit (summed in
    double, in float32 the squares rounded first, as its kernel)."""
    mods = _compare_runs("BatchNorm2d", (6,), {}, [(8, 6, 7, 5)] * 4)
    for name in ("running_mean", "running_var"):
        np.testing.assert_array_equal(getattr(mods[ember], name).numpy(),
                                      getattr(mods[torch], name).numpy())
    assert mods[ember].num_batches_tracked.item() == 4
    assert mods[ember].num_batches_tracked.dtype == ember.int64


def test_batchnorm_eval_in_training_steps_and_back():
    """Eval steps use the running stats and leave them (and the count) alone."""
    for T in (ember, torch):
        T.manual_seed(0)
    _compare_runs("BatchNorm1d", (3,), {}, [(4, 3), (6, 3)], train=False, eval_shape=(5, 3))
    m = ember.nn.BatchNorm1d(3).eval()
    m(ember.tensor(_arr((4, 3), 1)))
    assert m.num_batches_tracked.item() == 0
    assert m.running_mean.tolist() == [0.0, 0.0, 0.0]


def test_batchnorm_state_dict_and_reset():
    for kwargs in ({}, {"affine": False}, {"track_running_stats": False}, {"bias": False}):
        e, t = ember.nn.BatchNorm2d(4, **kwargs), torch.nn.BatchNorm2d(4, **kwargs)
        assert list(e.state_dict()) == list(t.state_dict())
        assert [n for n, _ in e.named_buffers()] == [n for n, _ in t.named_buffers()]
        assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    m = ember.nn.BatchNorm1d(3)
    m(ember.tensor(_arr((5, 3), 0)))
    with ember.no_grad():
        m.weight.mul_(3)
    m.reset_running_stats()
    assert m.running_mean.tolist() == [0, 0, 0] and m.running_var.tolist() == [1, 1, 1]
    assert m.num_batches_tracked.item() == 0 and m.weight.tolist() == [3, 3, 3]
    m.reset_parameters()
    assert m.weight.tolist() == [1, 1, 1]
    # a checkpoint older than num_batches_tracked loads, counting from 0
    sd = m.state_dict()
    del sd["num_batches_tracked"]
    del sd._metadata[""]["version"]
    m.num_batches_tracked.fill_(5)
    m.load_state_dict(sd)
    assert m.num_batches_tracked.item() == 5


def test_batchnorm_dtype_float64_and_device():
    m = ember.nn.BatchNorm1d(3, dtype=ember.float64, device="cpu")
    assert m.weight.dtype == ember.float64 and m.running_var.dtype == ember.float64
    assert m.num_batches_tracked.dtype == ember.int64
    y = m(ember.tensor(_arr((4, 3), 0), dtype=ember.float64))
    assert y.dtype == ember.float64


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("affine", [True, False])
def test_batchnorm_gradcheck(training, affine):
    m = ember.nn.BatchNorm2d(3, affine=affine, dtype=ember.float64)
    if affine:
        with ember.no_grad():
            m.weight.copy_(ember.tensor([0.5, -1.2, 2.0]))
            m.bias.copy_(ember.tensor([0.1, 0.2, -0.3]))
    m.running_mean.copy_(ember.tensor([0.3, -0.2, 0.1]))
    m.running_var.copy_(ember.tensor([0.7, 1.3, 2.0]))
    m.train(training)
    x = ember.tensor(_arr((3, 3, 2, 3), 5).astype(np.float64), requires_grad=True)
    params = [x] + list(m.parameters())

    def f(x, *ps):
        return ember.batch_norm(x, *(ps or (None, None)), m.running_mean.clone(),
                                m.running_var.clone(), training, 0.1, 1e-5, False)
    assert ember.autograd.gradcheck(f, params, eps=1e-6, atol=1e-5)
    assert ember.autograd.gradgradcheck(f, params, eps=1e-6, atol=1e-4)


def test_batchnorm_double_backward_matches_torch():
    def run(T):
        x = T.tensor(_arr((4, 3, 5), 3).astype(np.float64), requires_grad=True)
        w = T.tensor([0.5, 1.5, -1.0], dtype=T.float64, requires_grad=True)
        y = T.nn.functional.batch_norm(x, None, None, w, None, True)
        (gx,) = T.autograd.grad((y * y * y).sum(), x, create_graph=True)
        return T.autograd.grad((gx * gx).sum(), (x, w))
    check(run, rtol=1e-8, atol=1e-10)


def test_functional_batch_norm_matches_torch():
    def run(T, training, momentum):
        x = T.tensor(_arr((5, 4, 3), 2), requires_grad=True)
        rm, rv = T.tensor(_arr((4,), 3, 0.5, 0.0)), T.tensor(np.abs(_arr((4,), 4)) + 0.5)
        w, b = T.tensor(_arr((4,), 5), requires_grad=True), T.tensor(_arr((4,), 6))
        y = T.nn.functional.batch_norm(x, rm, rv, w, b, training, momentum, 1e-4)
        y.backward(T.ones_like(y))
        return y, x.grad, w.grad, rm, rv
    for training in (True, False):
        for momentum in (0.1, 0.75, 0.0, 1.0):
            check(lambda T: run(T, training, momentum), rtol=2e-5, atol=2e-6)


def test_batchnorm_errors():
    check_error(lambda T: (T.ones(2, 3, 4, 5),),
                lambda T, x: T.nn.BatchNorm1d(3)(x))
    check_error(lambda T: (T.ones(2, 3, 4),),
                lambda T, x: T.nn.BatchNorm2d(3)(x))
    check_error(lambda T: (T.ones(2, 3, 4, 4),),
                lambda T, x: T.nn.BatchNorm3d(3)(x))
    check_error(lambda T: (T.ones(1, 3),),
                lambda T, x: T.nn.BatchNorm1d(3)(x))
    check_error(lambda T: (T.ones(1, 3, 1, 1),),
                lambda T, x: T.nn.BatchNorm2d(3)(x))
    check_error(lambda T: (T.ones(2, 3),),
                lambda T, x: T.nn.BatchNorm1d(4)(x))
    f = lambda T: T.nn.functional  # noqa: E731
    check_error(lambda T: (T.ones(4, 3, 5), T.zeros(4), T.ones(3)),
                lambda T, x, rm, rv: f(T).batch_norm(x, rm, rv, training=True))
    check_error(lambda T: (T.ones(4, 3, 5), T.zeros(3), T.ones(4)),
                lambda T, x, rm, rv: f(T).batch_norm(x, rm, rv, training=True))
    check_error(lambda T: (T.ones(4, 3, 5),), lambda T, x: f(T).batch_norm(x, None, None))
    check_error(lambda T: (T.ones(4, 3, 5), T.zeros(3)),
                lambda T, x, rm: f(T).batch_norm(x, rm, None))
    check_error(lambda T: (T.ones(4, 3, 5), T.ones(4)),
                lambda T, x, w: f(T).batch_norm(x, None, None, w, training=True))
    check_error(lambda T: (T.ones(4, 3, 5), T.ones(2)),
                lambda T, x, b: f(T).batch_norm(x, None, None, None, b, training=True))
    check_error(lambda T: (T.ones(4, 3, 5),),
                lambda T, x: f(T).batch_norm(x, None, None, training=True, eps=0))
    check_error(lambda T: (T.ones(4, 3, 5), T.zeros(3), T.ones(3)),
                lambda T, x, rm, rv: f(T).batch_norm(x, rm, rv, eps=-1.0))
    check_error(lambda T: (T.ones(4, 3, dtype=T.int64),),
                lambda T, x: T.batch_norm(x, None, None, None, None, True, 0.1, 1e-5, False))
    check_error(lambda T: (T.ones(3),),
                lambda T, x: T.batch_norm(x, None, None, None, None, True, 0.1, 1e-5, False))


# -- InstanceNorm --------------------------------------------------------------
IN_CASES = [
    ("InstanceNorm1d", (3,), {}, [(4, 3, 5)] * 2, (2, 3, 6)),
    ("InstanceNorm1d", (3,), {"affine": True, "track_running_stats": True},
     [(4, 3, 5), (2, 3, 7)], (2, 3, 4)),
    ("InstanceNorm2d", (2,), {"affine": True, "eps": 1e-3}, [(3, 2, 3, 4)] * 2, (1, 2, 3, 3)),
    ("InstanceNorm2d", (2,), {"track_running_stats": True, "momentum": 0.4},
     [(3, 2, 3, 4)] * 3, (2, 2, 2, 3)),
    ("InstanceNorm3d", (2,), {"affine": True, "bias": False}, [(2, 2, 3, 2, 2)], (1, 2, 2, 2, 3)),
    ("InstanceNorm2d", (3,), {}, [(3, 4, 5)], (3, 2, 2)),     # no batch dim
    ("InstanceNorm1d", (3,), {"track_running_stats": True}, [(3, 5)], (3, 4)),
]


@pytest.mark.parametrize("name,args,kwargs,shapes,eval_shape", IN_CASES)
def test_instancenorm_matches_torch(name, args, kwargs, shapes, eval_shape):
    _compare_runs(name, args, kwargs, shapes, True, eval_shape)


def test_instancenorm_gradcheck():
    x = ember.tensor(_arr((2, 3, 4), 1).astype(np.float64), requires_grad=True)
    w = ember.tensor([0.5, 2.0, -1.0], dtype=ember.float64, requires_grad=True)
    b = ember.tensor([0.1, 0.0, 0.3], dtype=ember.float64, requires_grad=True)
    f = lambda x, w, b: ember.nn.functional.instance_norm(x, weight=w, bias=b)  # noqa: E731
    assert ember.autograd.gradcheck(f, (x, w, b), eps=1e-6, atol=1e-5)
    assert ember.autograd.gradgradcheck(f, (x, w, b), eps=1e-6, atol=1e-4)


def test_instancenorm_warnings_and_errors():
    for T in (ember, torch):
        with pytest.warns(UserWarning, match="input's size at dim=1 does not match "
                                             "num_features"):
            T.nn.InstanceNorm1d(4)(T.ones(2, 3, 5))
    check_error(lambda T: (T.ones(2, 3, 5),),
                lambda T, x: T.nn.InstanceNorm1d(4, affine=True)(x))
    check_error(lambda T: (T.ones(2, 3),),
                lambda T, x: T.nn.InstanceNorm2d(3)(x))
    check_error(lambda T: (T.ones(2, 3, 1),),
                lambda T, x: T.nn.InstanceNorm1d(3)(x))
    check_error(lambda T: (T.ones(2, 3, 4),),
                lambda T, x: T.nn.InstanceNorm3d(3)(x))
    check_error(lambda T: (T.ones(2, 3, 5),),
                lambda T, x: T.nn.functional.instance_norm(x, use_input_stats=False))
    check_error(lambda T: (T.ones(2, 3, 5), T.ones(4)),
                lambda T, x, w: T.nn.functional.instance_norm(x, weight=w))


# -- LayerNorm, GroupNorm, RMSNorm, LocalResponseNorm ---------------------------
OTHER_CASES = [
    ("LayerNorm", (5,), {}, [(3, 5), (2, 4, 5)]),
    ("LayerNorm", ((3, 4),), {"eps": 1e-3, "bias": False}, [(2, 3, 4)]),
    ("LayerNorm", ([4],), {"elementwise_affine": False}, [(3, 2, 4)]),
    ("GroupNorm", (2, 6), {}, [(3, 6, 5), (2, 6, 2, 3)]),
    ("GroupNorm", (3, 3), {"affine": False, "eps": 1e-3}, [(4, 3, 2)]),
    ("GroupNorm", (1, 4), {"bias": False}, [(2, 4, 3, 3)]),
    ("RMSNorm", (5,), {}, [(3, 5), (2, 4, 5)]),
    ("RMSNorm", ((2, 3),), {"eps": 1e-3, "elementwise_affine": False}, [(4, 2, 3)]),
    ("LocalResponseNorm", (3,), {}, [(2, 5, 4)]),
    ("LocalResponseNorm", (2,), {"alpha": 0.1, "beta": 0.5, "k": 2.0}, [(2, 4, 3, 3)]),
    ("LocalResponseNorm", (4,), {"alpha": 0.5}, [(2, 6, 2, 2, 3)]),
    ("LocalResponseNorm", (1,), {"alpha": 0.5}, [(2, 3, 2)]),
]


@pytest.mark.parametrize("name,args,kwargs,shapes", OTHER_CASES)
def test_norm_layers_match_torch(name, args, kwargs, shapes):
    mods = _compare_runs(name, args, kwargs, shapes)
    assert repr(mods[ember]) == repr(mods[torch])


@pytest.mark.parametrize("name,args,kwargs,shapes", OTHER_CASES)
def test_norm_layers_gradcheck(name, args, kwargs, shapes):
    m = _lib_module(ember, name, *args, **kwargs, **(
        {} if name == "LocalResponseNorm" else {"dtype": ember.float64}))
    rng = np.random.default_rng(3)
    with ember.no_grad():
        for p in m.parameters():
            p.copy_(ember.tensor(rng.uniform(0.5, 1.5, tuple(p.shape))))
    x = ember.tensor(_arr(shapes[0], 7).astype(np.float64), requires_grad=True)
    ps = list(m.parameters())

    def f(x, *params):
        for name_, p in zip([n for n, _ in m.named_parameters()], params):
            m._parameters[name_] = p
        return m(x)
    assert ember.autograd.gradcheck(f, [x] + ps, eps=1e-6, atol=1e-5)
    assert ember.autograd.gradgradcheck(f, [x] + ps, eps=1e-6, atol=1e-4)


def test_functional_norms_match_torch():
    def run(T, fn):
        x = T.tensor(_arr((3, 4, 5), 1), requires_grad=True)
        w = T.tensor(_arr((5,), 2), requires_grad=True)
        y = fn(T.nn.functional, x, w)
        y.backward(T.tensor(_arr(tuple(y.shape), 3)))
        return y, x.grad, w.grad
    cases = [lambda F, x, w: F.layer_norm(x, (5,), w),
             lambda F, x, w: F.layer_norm(x, [5], None, w, eps=0.1),
             lambda F, x, w: F.rms_norm(x, (5,), w),
             lambda F, x, w: F.rms_norm(x, [4, 5], None, 1e-2) * w,
             lambda F, x, w: F.group_norm(x, 2) * w,
             lambda F, x, w: F.group_norm(x.transpose(1, 2), 5, w, -w, 1e-2),
             lambda F, x, w: F.local_response_norm(x, 3, 1e-2, 0.6, 1.5) * w,
             lambda F, x, w: F.instance_norm(x) * w]
    for fn in cases:
        check(lambda T: run(T, fn), rtol=3e-5, atol=3e-6)


def test_rms_norm_default_eps_is_finfo_eps():
    for dtype in ("float32", "float64"):
        def run(T):
            x = T.tensor([[1e-4, -2e-4, 1e-4]], dtype=getattr(T, dtype))
            return T.nn.functional.rms_norm(x, [3])
        check(run, rtol=1e-6)


def test_layer_group_rms_lrn_errors():
    F = lambda T: T.nn.functional  # noqa: E731
    x3 = lambda T: (T.ones(4, 3, 5),)  # noqa: E731
    check_error(x3, lambda T, x: F(T).layer_norm(x, (4,)))
    check_error(x3, lambda T, x: F(T).layer_norm(x, (3, 4)))
    check_error(x3, lambda T, x: F(T).layer_norm(x, (5,), T.ones(4)))
    check_error(x3, lambda T, x: F(T).layer_norm(x, (5,), None, T.ones(4)))
    check_error(x3, lambda T, x: F(T).layer_norm(x, ()))
    check_error(x3, lambda T, x: F(T).layer_norm(x, 5))
    check_error(x3, lambda T, x: F(T).rms_norm(x, (4,)))
    check_error(x3, lambda T, x: F(T).rms_norm(x, (5,), T.ones(4)))
    check_error(x3, lambda T, x: F(T).group_norm(x, 2))
    check_error(x3, lambda T, x: F(T).group_norm(x, 3, T.ones(4)))
    check_error(x3, lambda T, x: F(T).group_norm(x, 3, None, T.ones(4)))
    check_error(x3, lambda T, x: F(T).group_norm(x, 3, T.ones(3), T.ones(2)))
    check_error(lambda T: (T.ones(3),), lambda T, x: F(T).group_norm(x, 1))
    check_error(lambda T: (T.ones(1, 3),), lambda T, x: F(T).group_norm(x, 3))
    check_error(lambda T: (T.ones(3, 4),), lambda T, x: F(T).local_response_norm(x, 2))
    for T in (ember, torch):
        with pytest.raises(ValueError, match=r"num_channels \(5\) must be divisible by "
                                             r"num_groups \(2\)"):
            T.nn.GroupNorm(2, 5)
        x = T.ones(0, 3, 4)
        assert T.nn.functional.local_response_norm(x, 2) is x


def test_reprs():
    cases = [("BatchNorm1d", (3,), {}), ("BatchNorm2d", (4,), {"momentum": None, "eps": 1e-3}),
             ("BatchNorm3d", (2,), {"affine": False, "track_running_stats": False}),
             ("BatchNorm2d", (2,), {"bias": False}),
             ("InstanceNorm1d", (3,), {}), ("InstanceNorm2d", (3,), {"affine": True}),
             ("InstanceNorm3d", (3,), {"track_running_stats": True, "momentum": 0.2}),
             ("LayerNorm", (4,), {}), ("LayerNorm", ([2, 3],), {"elementwise_affine": False}),
             ("GroupNorm", (2, 4), {"affine": False}), ("RMSNorm", (3,), {"eps": 1e-4}),
             ("RMSNorm", ((2, 3),), {}), ("LocalResponseNorm", (3,), {"k": 2})]
    for name, args, kwargs in cases:
        e, t = _lib_module(ember, name, *args, **kwargs), _lib_module(torch, name, *args,
                                                                      **kwargs)
        assert repr(e) == repr(t)
        assert list(e.state_dict()) == list(t.state_dict())
        for k, v in t.state_dict().items():
            np.testing.assert_array_equal(e.state_dict()[k].numpy(), v.numpy())


def test_eval_batchnorm_without_buffers_uses_batch_stats():
    def run(T):
        m = T.nn.BatchNorm1d(3, track_running_stats=False).eval()
        return m(T.tensor(_arr((5, 3), 2)))
    check(run, rtol=1e-5, atol=1e-6)


def test_inplace_change_of_saved_input_is_caught():
    x = ember.tensor(_arr((4, 3), 1), requires_grad=True)
    h = x * 1
    y = ember.nn.functional.batch_norm(h, None, None, training=True)
    h.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ember.nn.functional.layer_norm(x, (3,)).sum().backward()


def test_batchnorm_second_backward_and_partial_grads():
    """The centred input kept by the forward pass is spent by the first
    backward; a second one (retain_graph) recomputes it, with the same result.
    Gradients for the weight alone, or the input alone, are PyTorch's too."""
    def run(T, which):
        x = T.tensor(_arr((5, 3, 4), 1), requires_grad="x" in which)
        w = T.tensor(_arr((3,), 2), requires_grad="w" in which)
        b = T.tensor(_arr((3,), 3), requires_grad="b" in which)
        y = T.nn.functional.batch_norm(x, None, None, w, b, training=True)
        g = T.tensor(_arr((5, 3, 4), 4))
        leaves = [t for t in (x, w, b) if t.requires_grad]
        first = T.autograd.grad(y, leaves, g, retain_graph=True)
        second = T.autograd.grad(y, leaves, g)
        return first, second
    for which in ("xwb", "x", "w", "b", "wb"):
        first, second = check(lambda T: run(T, which), rtol=2e-5, atol=2e-6)
        for a, b in zip(first, second):
            np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_mixed_dtypes_refused_as_torch():
    for fn in (lambda T: T.nn.BatchNorm1d(3)(T.ones(4, 3, dtype=T.float64)),
               lambda T: T.nn.BatchNorm1d(3).eval()(T.ones(4, 3, dtype=T.float64)),
               lambda T: T.nn.LayerNorm(3)(T.ones(2, 3, dtype=T.float64)),
               lambda T: T.nn.GroupNorm(1, 3)(T.ones(2, 3, dtype=T.float64)),
               lambda T: T.nn.InstanceNorm1d(3, affine=True)(T.ones(2, 3, 4, dtype=T.float64)),
               lambda T: T.nn.functional.layer_norm(T.ones(2, 3, dtype=T.int64), (3,)),
               lambda T: T.nn.functional.group_norm(T.ones(2, 3, dtype=T.int64), 1),
               lambda T: T.nn.functional.batch_norm(T.ones(0, 3), T.zeros(3), T.ones(3)),
               lambda T: T.nn.functional.layer_norm(T.ones(0, 3), (3,))):
        check(fn)
