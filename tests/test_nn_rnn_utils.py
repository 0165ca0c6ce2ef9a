"""torch.nn.utils.rnn (PackedSequence, pack/pad/unpad) and the recurrent
cells (nn.RNNCell, LSTMCell, GRUCell) against PyTorch; the recurrent
modules' errors and warnings."""
import pickle
import warnings

import numpy as np
import pytest

import ember
from compare_torch import check, check_error

torch = pytest.importorskip("torch")


def R(T):
    return T.nn.utils.rnn


def mk(T, *shape):
    T.manual_seed(0)
    return T.randn(*(shape or (4, 3, 2)), requires_grad=True)


def seqs(T):
    x = mk(T)
    return [x[0], x[1][:1], x[2][:2]]


def test_pack_padded_sequence():
    check(lambda T: tuple(R(T).pack_padded_sequence(mk(T), [4, 2, 1])))
    check(lambda T: tuple(R(T).pack_padded_sequence(mk(T), T.tensor([2, 4, 1]),
                                                    enforce_sorted=False)))
    check(lambda T: tuple(R(T).pack_padded_sequence(mk(T, 3, 5, 2), [2, 5, 1], batch_first=True,
                                                    enforce_sorted=False)))
    check(lambda T: tuple(R(T).pack_padded_sequence(mk(T), T.tensor([3, 3, 2], dtype=T.int32))))


def test_pad_packed_sequence():
    check(lambda T: R(T).pad_packed_sequence(R(T).pack_padded_sequence(
        mk(T), T.tensor([2, 4, 1]), enforce_sorted=False)))
    check(lambda T: R(T).pad_packed_sequence(R(T).pack_padded_sequence(mk(T), [4, 2, 2]),
                                             batch_first=True, padding_value=-1., total_length=6))
    check(lambda T: R(T).pad_packed_sequence(R(T).pack_padded_sequence(mk(T), [4, 2, 2])))


def test_pad_and_pack_sequence():
    check(lambda T: R(T).pad_sequence(seqs(T)))
    check(lambda T: R(T).pad_sequence(seqs(T), True, 9., "left"))
    check(lambda T: R(T).pad_sequence(seqs(T), padding_side="left"))
    check(lambda T: R(T).pad_sequence(mk(T)))        # a tensor is a sequence of its rows
    check(lambda T: R(T).pad_sequence([mk(T)[0], mk(T)[1][:2, :1]]))     # copy_ broadcasts
    check(lambda T: tuple(R(T).pack_sequence(seqs(T), enforce_sorted=False)))
    check(lambda T: tuple(R(T).pack_sequence([mk(T)[0], mk(T)[1][:2], mk(T)[2][:1]])))
    check(lambda T: R(T).unpack_sequence(R(T).pack_sequence(seqs(T), enforce_sorted=False)))
    check(lambda T: R(T).unpad_sequence(R(T).pad_sequence(seqs(T)), T.tensor([3, 1, 2])))
    check(lambda T: R(T).unpad_sequence(R(T).pad_sequence(seqs(T), True), T.tensor([3, 1, 2]),
                                        batch_first=True))
    check(lambda T: R(T).invert_permutation(T.tensor([2, 0, 3, 1])))
    assert R(ember).invert_permutation(None) is None


def test_gradients_through_packing():
    def grads(T):
        x = mk(T)
        p = R(T).pack_padded_sequence(x, T.tensor([2, 4, 1]), enforce_sorted=False)
        o, _ = R(T).pad_packed_sequence(p, batch_first=True)
        (o * T.arange(o.numel()).reshape(o.shape).float()).sum().backward()
        return x.grad
    check(grads)

    def grads_pad(T):
        xs = seqs(T)
        out = R(T).pad_sequence(xs, padding_side="left")
        (out * T.arange(out.numel()).reshape(out.shape).float()).sum().backward()
        return xs[0].grad, xs[1].grad
    check(grads_pad)
    x = ember.randn(4, 3, 2, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(
        lambda x: R(ember).pack_padded_sequence(x, [4, 2, 1]).data, (x,))
    assert ember.autograd.gradgradcheck(
        lambda x: R(ember).pack_padded_sequence(x, [4, 2, 1]).data, (x,))
    x = ember.randn(3, 4, 2, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda x: R(ember).pad_packed_sequence(
        R(ember).pack_padded_sequence(x, [3, 4, 1], True, False), True)[0], (x,))


def test_packed_sequence_object():
    for T in (ember, torch):
        p = R(T).pack_padded_sequence(mk(T), T.tensor([2, 4, 1]), enforce_sorted=False)
        assert p._fields == ("data", "batch_sizes", "sorted_indices", "unsorted_indices")
        assert p.is_cuda is False and p.is_pinned() is False
        assert p.to(T.float32) is p
        q = p.double()
        assert q.data.dtype == T.float64 and q.batch_sizes is p.batch_sizes
        assert type(q) is type(p)
        d, b, _, _ = R(T).PackedSequence((p.data, p.batch_sizes))
        assert d is p.data and b is p.batch_sizes
    e = R(ember).pack_padded_sequence(mk(ember), [4, 2, 1])
    t = R(torch).pack_padded_sequence(mk(torch), [4, 2, 1])
    assert repr(e) == repr(t).replace("torch.", "ember.")
    pickle.loads(pickle.dumps(e.data.detach()))


def test_utils_errors():
    for bad in [
            lambda T: R(T).pack_padded_sequence(mk(T), [2, 4, 1]),
            lambda T: R(T).pack_padded_sequence(mk(T), [4, 2]),
            lambda T: R(T).pack_padded_sequence(mk(T), [4, 2, 0]),
            lambda T: R(T).pack_padded_sequence(mk(T), T.tensor([[4, 2, 1]])),
            lambda T: R(T).pack_padded_sequence(mk(T)[:, :0], []),
            lambda T: R(T).pad_sequence([]), lambda T: R(T).pad_sequence(5),
            lambda T: R(T).pad_sequence([mk(T)[0]], padding_side="x"),
            lambda T: R(T).pad_sequence([mk(T)[0], T.randn(2, 3)]),
            lambda T: R(T).pad_packed_sequence(R(T).pack_padded_sequence(mk(T), [4, 2, 2]),
                                               total_length=2),
            lambda T: R(T).PackedSequence(mk(T))]:
        check(bad)


# -- cells ---------------------------------------------------------------------
def cell_pair(name, *args, **kwargs):
    torch.manual_seed(0)
    t = getattr(torch.nn, name)(*args, **kwargs)
    ember.manual_seed(0)
    e = getattr(ember.nn, name)(*args, **kwargs)
    for (a, p), (b, q) in zip(e.named_parameters(), t.named_parameters()):
        assert a == b
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
    return e, t


@pytest.mark.parametrize("name,kwargs", [("RNNCell", {}), ("RNNCell", dict(nonlinearity="relu")),
                                         ("RNNCell", dict(bias=False)), ("LSTMCell", {}),
                                         ("LSTMCell", dict(bias=False)), ("GRUCell", {}),
                                         ("GRUCell", dict(bias=False))])
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("with_state", [True, False])
def test_cells(name, kwargs, batched, with_state):
    def run(T):
        m = cell_pair(name, 3, 5, **kwargs)[0 if T is ember else 1]
        rng = np.random.default_rng(2)
        shape = (4,) if batched else ()
        x = T.tensor(rng.standard_normal(shape + (3,)).astype(np.float32), requires_grad=True)
        hx = None
        if with_state:
            hs = [T.tensor(rng.standard_normal(shape + (5,)).astype(np.float32),
                           requires_grad=True) for _ in range(2)]
            hx = tuple(hs) if name == "LSTMCell" else hs[0]
        out = m(x, hx)
        outs = out if isinstance(out, tuple) else (out,)
        sum((o * (k + 1.5)).sin().sum() for k, o in enumerate(outs)).backward()
        return (outs, x.grad, [p.grad for p in m.parameters()],
                [h.grad for h in (hx if isinstance(hx, tuple) else (hx,))] if with_state else 0)
    check(run, rtol=2e-5, atol=1e-6)
    e, t = cell_pair(name, 3, 5, **kwargs)
    assert repr(e) == repr(t)


def test_cell_errors():
    for name in ("RNNCell", "LSTMCell", "GRUCell"):
        lstm = name == "LSTMCell"

        def state(T, b, n):
            h = T.randn(b, n)
            return (h, T.randn(b, n)) if lstm else h
        cell = lambda T: getattr(T.nn, name)(4, 5)      # noqa: E731
        check(lambda T: cell(T)(T.randn(3, 6)))
        check(lambda T: cell(T)(T.randn(3, 4), state(T, 2, 5)))
        check(lambda T: cell(T)(T.randn(3, 4), state(T, 3, 6)))
        check(lambda T: cell(T)(T.randn(4), state(T, 3, 5)))
        check(lambda T: cell(T)(T.randn(3, 3, 4)))
        check(lambda T: cell(T)(T.randn(3, 4).double()))
        check(lambda T: cell(T)(T.randn(3, 4), (T.randn(1, 2, 3, 5),) * 2 if lstm
                                else T.randn(1, 3, 5)))
    check(lambda T: T.nn.RNNCell(4, 5, nonlinearity="foo")(T.randn(3, 4)))
    check(lambda T: T.lstm_cell(T.randn(3, 4), (T.randn(3, 5),), T.randn(20, 4), T.randn(20, 5)))


# -- the recurrent modules' errors and warnings ------------------------------
def test_module_errors():
    x = np.random.default_rng(0).standard_normal((5, 3, 10)).astype(np.float32)
    for name in ("RNN", "LSTM", "GRU"):
        lstm = name == "LSTM"
        m = lambda T, **kw: getattr(T.nn, name)(10, 20, **kw)      # noqa: E731

        def st(T, *shape):
            return (T.zeros(*shape), T.zeros(*shape)) if lstm else T.zeros(*shape)
        check_error(lambda T: (T.tensor(x),), lambda T, a: m(T)(a[..., :5]))
        check_error(lambda T: (T.tensor(x),), lambda T, a: m(T, num_layers=2)(a, st(T, 1, 3, 20)))
        check_error(lambda T: (T.tensor(x),), lambda T, a: m(T)(a[:, 0], st(T, 1, 3, 20)))
        check_error(lambda T: (T.tensor(x),), lambda T, a: m(T)(a, st(T, 3, 20)))
        check_error(lambda T: (T.tensor(x),), lambda T, a: m(T)(a[None]))
        check_error(lambda T: (T.tensor(x),), lambda T, a: m(T)(a.double()))
        check_error(lambda T: (T.tensor(x),), lambda T, a: m(T, batch_first=True)(a, st(T, 1, 3,
                                                                                          20)))
        check(lambda T: m(T, dropout=-0.1))
        check(lambda T: m(T, dropout=True))
        check(lambda T: m(T, bias=1))
        check(lambda T: m(T, batch_first=None))
        check(lambda T: getattr(T.nn, name)(10.0, 20))
        check(lambda T: getattr(T.nn, name)(10, 0))
        check(lambda T: m(T, num_layers=0))
    check_error(lambda T: (T.tensor(x),),
                lambda T, a: T.nn.LSTM(10, 20)(a, (T.zeros(1, 3, 20), T.zeros(1, 3, 21))))
    check_error(lambda T: (T.tensor(x),),
                lambda T, a: T.nn.LSTM(10, 20, proj_size=5)(a, (T.zeros(1, 3, 20),
                                                               T.zeros(1, 3, 20))))
    check(lambda T: T.nn.GRU(10, 20, proj_size=2))
    check(lambda T: T.nn.LSTM(10, 20, proj_size=20))
    check(lambda T: T.nn.LSTM(10, 20, proj_size=-1))
    check(lambda T: T.nn.RNN(10, 20, nonlinearity="gelu"))


def test_module_warnings():
    for T in (ember, torch):
        with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1, "
                                             "but got dropout=0.5 and num_layers=1"):
            T.nn.GRU(3, 4, dropout=0.5)
    # PyTorch's TORCH_WARN_ONCE, with its C++ tail, at the line of its
    # rnn.py that calls _VF.lstm (Ember's: the line of its own rnn.py).
    seen = {}
    for T in (ember, torch):
        T.set_warn_always(True)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                T.nn.LSTM(3, 4, proj_size=2)(T.randn(2, 1, 3))
        finally:
            T.set_warn_always(False)
        seen[T] = [(str(w.message), w.filename.replace("\\", "/").endswith("nn/modules/rnn.py"))
                   for w in caught]
    assert seen[ember] == seen[torch]
    assert seen[ember][0][0].startswith("LSTM with projections is not supported with oneDNN")
