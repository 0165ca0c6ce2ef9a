"""nn.RNN, nn.LSTM, nn.GRU against PyTorch from the same seed: parameters
(names, order, initial values), outputs, final states, gradients of the
input, the initial states and every parameter, grad_fn names; packed input;
gradcheck and gradgradcheck in float64."""
import warnings

import numpy as np
import pytest

import ember
from compare_torch import check

torch = pytest.importorskip("torch")


def pair(name, *args, **kwargs):
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = getattr(torch.nn, name)(*args, **kwargs)
        ember.manual_seed(0)
        e = getattr(ember.nn, name)(*args, **kwargs)
    et, tt = dict(e.named_parameters()), dict(t.named_parameters())
    assert list(et) == list(tt)
    for k in tt:        # the same draws: bit-exact initialisation
        np.testing.assert_array_equal(et[k].detach().numpy(), tt[k].detach().numpy(), err_msg=k)
    return e, t


def both(a, requires_grad=True):
    return (ember.tensor(a, requires_grad=requires_grad),
            torch.tensor(a, requires_grad=requires_grad))


def weighted_sum(T, tensors, seed=1):
    """A loss that gives every output element its own gradient."""
    rng = np.random.default_rng(seed)
    total = 0
    for x in tensors:
        w = rng.standard_normal(tuple(x.shape)).astype(x.detach().numpy().dtype)
        total = total + (x * T.tensor(w)).sum()
    return total


def flat(result):
    out, hidden = result
    if isinstance(out, tuple):      # a PackedSequence
        out = out[0]
    return [out] + (list(hidden) if isinstance(hidden, tuple) else [hidden])


def compare_run(e, t, x, hx=None, dtype=np.float32, packed=None):
    tol = dict(rtol=2e-4, atol=2e-5) if dtype == np.float32 else dict(rtol=1e-9, atol=1e-10)
    ex, tx = both(x.astype(dtype))
    ehx = thx = None
    if hx is not None:
        pairs = [both(h.astype(dtype)) for h in hx]
        ehx = tuple(p[0] for p in pairs) if len(pairs) == 2 else pairs[0][0]
        thx = tuple(p[1] for p in pairs) if len(pairs) == 2 else pairs[0][1]
    e_in, t_in = ex, tx
    if packed is not None:
        lengths, batch_first = packed
        e_in = ember.nn.utils.rnn.pack_padded_sequence(ex, lengths, batch_first, False)
        t_in = torch.nn.utils.rnn.pack_padded_sequence(tx, lengths, batch_first, False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # (PyTorch's oneDNN note on projections)
        er, tr = e(e_in, ehx), t(t_in, thx)
    if packed is not None:
        assert type(er[0]).__name__ == "PackedSequence"
        for a, b in zip(er[0][1:], tr[0][1:]):
            np.testing.assert_array_equal(a.numpy(), b.numpy())
    eo, to = flat(er), flat(tr)
    for a, b in zip(eo, to):
        assert tuple(a.shape) == tuple(b.shape)
        assert type(a.grad_fn).__name__ == type(b.grad_fn).__name__
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), **tol)
    weighted_sum(ember, eo).backward()
    weighted_sum(torch, to).backward()
    grads = [(ex, tx)]
    if hx is not None:
        grads += list(zip(ehx if isinstance(ehx, tuple) else (ehx,),
                          thx if isinstance(thx, tuple) else (thx,)))
    grads += list(zip(e.parameters(), t.parameters()))
    for a, b in grads:
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), **tol)
    return er, tr


RNG = np.random.default_rng(0)
X = RNG.standard_normal((5, 3, 4))
CONFIGS = [
    ("LSTM", {}), ("LSTM", dict(num_layers=2)), ("LSTM", dict(bidirectional=True)),
    ("LSTM", dict(num_layers=2, bidirectional=True, batch_first=True)),
    ("LSTM", dict(proj_size=2)), ("LSTM", dict(proj_size=3, num_layers=2, bidirectional=True)),
    ("LSTM", dict(bias=False)),
    ("GRU", {}), ("GRU", dict(num_layers=3, bidirectional=True)), ("GRU", dict(batch_first=True)),
    ("GRU", dict(bias=False, num_layers=2)),
    ("RNN", {}), ("RNN", dict(nonlinearity="relu", num_layers=2)),
    ("RNN", dict(bidirectional=True, batch_first=True, bias=False)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=[f"{n}-{k}" for n, k in CONFIGS])
def test_matches_torch(name, kwargs, dtype):
    e, t = pair(name, 4, 6, **kwargs)
    if dtype == np.float64:
        e, t = e.double(), t.double()
    compare_run(e, t, X, dtype=dtype)


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=[f"{n}-{k}" for n, k in CONFIGS])
def test_initial_states(name, kwargs):
    e, t = pair(name, 4, 6, **kwargs)
    layers = kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1)
    batch = X.shape[0] if kwargs.get("batch_first") else X.shape[1]
    h = RNG.standard_normal((layers, batch, kwargs.get("proj_size") or 6))
    hx = (h, RNG.standard_normal((layers, batch, 6))) if name == "LSTM" else (h,)
    compare_run(e, t, X, hx)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("name,kwargs", [("LSTM", {}), ("LSTM", dict(proj_size=2)),
                                         ("GRU", dict(num_layers=2, bidirectional=True)),
                                         ("RNN", dict(bidirectional=True)),
                                         ("LSTM", dict(num_layers=2, bidirectional=True))])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_packed(name, kwargs, batch_first, dtype):
    e, t = pair(name, 4, 6, batch_first=batch_first, **kwargs)
    if dtype == np.float64:
        e, t = e.double(), t.double()
    x = np.transpose(X, (1, 0, 2)).copy() if batch_first else X
    layers = kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1)
    h = RNG.standard_normal((layers, 3, kwargs.get("proj_size") or 6))
    hx = (h, RNG.standard_normal((layers, 3, 6))) if name == "LSTM" else (h,)
    compare_run(e, t, x, hx, dtype, packed=([2, 5, 3], batch_first))
    compare_run(e, t, x, None, dtype, packed=([5, 5, 1], batch_first))


@pytest.mark.parametrize("name", ["LSTM", "GRU", "RNN"])
def test_unbatched(name):
    e, t = pair(name, 4, 6, num_layers=2, bidirectional=True)
    x = X[:, 0]
    compare_run(e, t, x)
    h = RNG.standard_normal((4, 6))
    compare_run(e, t, x, (h, RNG.standard_normal((4, 6))) if name == "LSTM" else (h,))
    # a non-contiguous unbatched input: PyTorch's oneDNN LSTM clones it
    check(lambda T: pair_of(T, name)(T.tensor(X)[:, 1])[0].grad_fn.next_functions[0][0].name()
          if name == "LSTM" else 0)


def pair_of(T, name):
    return pair(name, 4, 6)[0 if T is ember else 1]


def test_eval_and_dropout():
    e, t = pair("LSTM", 4, 6, num_layers=3, dropout=0.4)
    e.eval()
    t.eval()
    compare_run(e, t, X)
    e.train()
    t.train()
    torch.manual_seed(5)
    ember.manual_seed(5)
    # the dropout masks are drawn as PyTorch draws them: the same seed, the same masks
    er, tr = compare_run(e, t, X)
    assert type(tr[0].grad_fn.next_functions[0][0]).__name__ == "MulBackward0"
    assert type(er[0].grad_fn.next_functions[0][0]).__name__ == "MulBackward0"
    for name, kw in [("GRU", dict(num_layers=2, dropout=1.0)), ("RNN", dict(num_layers=2,
                                                                          dropout=0.5))]:
        e, t = pair(name, 4, 6, **kw)
        e, t = e.double(), t.double()
        torch.manual_seed(3)
        ember.manual_seed(3)
        compare_run(e, t, X, dtype=np.float64)


def test_no_grad_and_inference():
    e, t = pair("GRU", 4, 6, num_layers=2)
    with ember.no_grad():
        eo, eh = e(ember.tensor(X.astype(np.float32)))
    with torch.no_grad():
        to, th = t(torch.tensor(X.astype(np.float32)))
    assert eo.grad_fn is None and not eo.requires_grad
    np.testing.assert_allclose(eo.numpy(), to.numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(eh.numpy(), th.numpy(), rtol=1e-4, atol=1e-5)


def test_parameters_state_dict_repr():
    for name, kw in [("LSTM", dict(num_layers=2, bidirectional=True, proj_size=3)),
                     ("GRU", dict(bias=False, batch_first=True, dropout=0.2, num_layers=2)),
                     ("RNN", dict(nonlinearity="relu"))]:
        e, t = pair(name, 5, 7, **kw)
        assert repr(e) == repr(t)
        assert e._flat_weights_names == t._flat_weights_names
        assert [[p.shape for p in ps] for ps in e.all_weights] == \
               [[tuple(p.shape) for p in ps] for ps in t.all_weights]
        es, ts = e.state_dict(), t.state_dict()
        assert list(es) == list(ts)
        assert [tuple(v.shape) for v in es.values()] == [tuple(v.shape) for v in ts.values()]
        e.flatten_parameters()
    # positional nonlinearity, as PyTorch's RNN takes it
    e, t = pair("RNN", 3, 4, 2, "relu", False)
    assert repr(e) == repr(t) and e.nonlinearity == "relu"


def test_weights_follow_assignment_and_dtype():
    e, t = pair("LSTM", 4, 6)
    for m, T in ((e, ember), (t, torch)):
        m.weight_hh_l0 = T.nn.Parameter(T.zeros(24, 6))
    compare_run(e, t, X)
    e, t = e.double(), t.double()
    e.zero_grad()
    t.zero_grad()
    assert e._flat_weights[0].dtype == ember.float64
    compare_run(e, t, X, dtype=np.float64)


def _fused_case(mode, proj, bi, sizes, layers, hidden, seed=7):
    """run(...) as a function of its input, states and flat weights, with
    sample values for them (float64)."""
    from ember.ops.recurrent import run
    rng = np.random.default_rng(seed)
    dirs = 2 if bi else 1
    gates = {"LSTM": 4, "GRU": 3}.get(mode, 1) * hidden
    hr = proj or hidden
    shapes = []
    for layer in range(layers):
        for _ in range(dirs):
            shapes += [(gates, 2 if layer == 0 else hr * dirs), (gates, hr), (gates,), (gates,)]
            shapes += [(proj, hidden)] if proj else []
    x_shape = (sum(sizes), 2) if sizes else (3, 2, 2)
    batch = sizes[0] if sizes else 2
    states = [(layers * dirs, batch, hr)] + ([(layers * dirs, batch, hidden)]
                                              if mode == "LSTM" else [])
    arrays = [rng.uniform(-0.8, 0.8, s) for s in [x_shape] + states + shapes]
    n_states = len(states)

    def f(x, *rest):
        hx = tuple(rest[:n_states]) if mode == "LSTM" else rest[0]
        return run(mode, x, sizes, hx, list(rest[n_states:]), True, layers, 0.0, True, bi,
                   False, proj)
    return f, [ember.tensor(a, requires_grad=True) for a in arrays]


@pytest.mark.parametrize("mode,proj,bi,sizes", [
    ("LSTM", 0, True, None), ("LSTM", 2, False, [3, 2, 2, 1]), ("GRU", 0, True, [3, 3, 1]),
    ("RNN_TANH", 0, False, None), ("RNN_RELU", 0, True, [2, 1])])
def test_gradcheck_fused_layers(mode, proj, bi, sizes):
    f, xs = _fused_case(mode, proj, bi, sizes, 2, 3)
    assert ember.autograd.gradcheck(f, xs, eps=1e-6, atol=1e-5)


@pytest.mark.parametrize("mode,proj,bi,sizes", [
    ("LSTM", 0, False, [2, 1]), ("LSTM", 1, False, None), ("GRU", 0, False, None),
    ("RNN_TANH", 0, True, [2, 1])])
def test_gradgradcheck_fused_layers(mode, proj, bi, sizes):
    # second derivatives go through the layer recomputed in recorded ops
    f, xs = _fused_case(mode, proj, bi, sizes, 1, 2)
    if sizes is None:
        xs[0] = ember.tensor(xs[0].detach().numpy()[:2, :1], requires_grad=True)
        xs[1:1 + (2 if mode == "LSTM" else 1)] = [
            ember.tensor(h.detach().numpy()[:, :1], requires_grad=True)
            for h in xs[1:1 + (2 if mode == "LSTM" else 1)]]
    assert ember.autograd.gradgradcheck(f, xs, eps=1e-6, atol=1e-4)


def test_module_gradcheck_float64():
    ember.manual_seed(0)
    m = ember.nn.LSTM(2, 3, num_layers=2, bidirectional=True, batch_first=True).double()
    x = ember.randn(2, 4, 2, dtype=ember.float64, requires_grad=True)
    h0 = ember.randn(4, 2, 3, dtype=ember.float64, requires_grad=True)
    c0 = ember.randn(4, 2, 3, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda x, h, c: flat(m(x, (h, c))), (x, h0, c0))
    m = ember.nn.GRU(2, 2).double()
    x = ember.randn(2, 1, 2, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda x: flat(m(x)), (x,))


def test_freed_graph_and_inplace_change():
    e = pair("GRU", 4, 6)[0]
    x = ember.tensor(X.astype(np.float32), requires_grad=True)
    out, h = e(x)
    out.sum().backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        out.sum().backward()
    out, h = e(x)
    with ember.no_grad():
        e.weight_hh_l0.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("pick", [0, 1, 2])
def test_gradient_of_one_result(name, dtype, pick):
    """Only the last step of the output, only h_n, or only one row of c_n
    (h_n for a GRU) gets a gradient: the other outputs' are zeros."""
    e, t = pair(name, 4, 6, num_layers=2, bidirectional=True)
    if dtype == "float64":
        e, t = e.double(), t.double()
    x = np.random.default_rng(1).standard_normal((5, 3, 4)).astype(dtype)
    grads = []
    for m, T in ((e, ember), (t, torch)):
        xx = T.tensor(x, requires_grad=True)
        o, h = m(xx)
        hs = h if isinstance(h, tuple) else (h, h)
        [o[-1].sum() * 2, hs[0].sum(), hs[1][1].sum()][pick].backward()
        grads.append([xx.grad] + [p.grad for p in m.parameters()])
    for a, b in zip(*grads):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-5)


def _states(T, kind):
    """A state of another dtype than the float32 (or float64) weights."""
    z = lambda dt, *s: T.zeros(*s, dtype=getattr(T, dt))    # noqa: E731
    x = T.linspace(-1, 1, 6).reshape(3, 2, 1)
    packed = lambda: T.nn.utils.rnn.pack_sequence([T.ones(3, 1), T.ones(2, 1)])  # noqa: E731
    return {
        "rnn_h64": lambda: T.nn.RNN(1, 2, num_layers=2, bidirectional=True)(x, z("float64", 4,
                                                                                  2, 2)),
        "gru_h_long": lambda: T.nn.GRU(1, 2)(x, z("int64", 1, 2, 2)),
        "gru_packed_h_half": lambda: T.nn.GRU(1, 2)(packed(), z("float16", 1, 2, 2)),
        "gru_unbatched_h64": lambda: T.nn.GRU(1, 2)(x[:, 0], z("float64", 1, 2)),
        "lstm_h64": lambda: T.nn.LSTM(1, 2)(x, (z("float64", 1, 2, 2), z("float32", 1, 2, 2))),
        "lstm_c_half": lambda: T.nn.LSTM(1, 2)(x, (z("float32", 1, 2, 2), z("float16", 1, 2, 2))),
        "lstm_h_int8": lambda: T.nn.LSTM(1, 2)(x, (z("int8", 1, 2, 2), z("float32", 1, 2, 2))),
        "lstm_proj_h64": lambda: T.nn.LSTM(1, 3, proj_size=2)(x, (z("float64", 1, 2, 2),
                                                                  z("float32", 1, 2, 3))),
        "lstm_packed_c64": lambda: T.nn.LSTM(1, 2)(packed(), (z("float32", 1, 2, 2),
                                                              z("float64", 1, 2, 2))),
        "lstm64_h32": lambda: T.nn.LSTM(1, 2).double()(x.double(), (z("float32", 1, 2, 2),
                                                                    z("float64", 1, 2, 2))),
        "lstm64_c32": lambda: T.nn.LSTM(1, 2).double()(x.double(), (z("float64", 1, 2, 2),
                                                                    z("float32", 1, 2, 2))),
        "gru_empty": lambda: T.nn.GRU(1, 2)(T.zeros(0, 2, 1), z("float64", 1, 2, 2)),
        "lstm_bf_empty": lambda: T.nn.LSTM(1, 2, batch_first=True)(T.zeros(2, 0, 1)),
        "gru_zero_batch": lambda: T.nn.GRU(1, 2)(T.zeros(3, 0, 1)),
    }[kind]


@pytest.mark.parametrize("kind", ["rnn_h64", "gru_h_long", "gru_packed_h_half",
                                  "gru_unbatched_h64", "lstm_h64", "lstm_c_half", "lstm_h_int8",
                                  "lstm_proj_h64", "lstm_packed_c64", "lstm64_h32", "lstm64_c32",
                                  "gru_empty", "lstm_bf_empty", "gru_zero_batch"])
def test_state_dtype_and_empty_sequence_as_torch(kind):
    # ATen's kernels refuse a state of another dtype (oneDNN's LSTM in its
    # own words, the rest at h @ w_hh); an LSTM's c promotes with the gates.
    def f(T):
        torch.manual_seed(0) if T is torch else ember.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out, state = _states(T, kind)()
        states = state if isinstance(state, tuple) else (state,)
        return [out.shape, out.dtype] + [(s.shape, s.dtype) for s in states]
    check(f)
