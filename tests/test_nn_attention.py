"""nn.MultiheadAttention and F.multi_head_attention_forward against PyTorch:
initialisation from one seed, outputs, attention weights, gradients of the
inputs and of every parameter, masks of every kind, errors."""
import warnings

import pytest

import ember
from compare_torch import check, check_error

torch = pytest.importorskip("torch")


def _mha(T, *args, seed=0, train=False, **kw):
    T.manual_seed(seed)
    m = T.nn.MultiheadAttention(*args, **kw)
    m.train(train)
    return m


def _grad_of(T, out):
    return (T.arange(out.numel(), dtype=out.dtype).reshape(out.shape) * 0.37).sin()


def _run_mha(T, ctor, shapes, train=False, same=None, dtype="float32", **fkw):
    """Output, weights, input gradients and parameter gradients of one call."""
    m = _mha(T, *ctor[0], train=train, **ctor[1])
    dt = getattr(T, dtype)
    m.to(dt)
    T.manual_seed(1)
    xs = [T.randn(*s, dtype=dt).requires_grad_() for s in shapes]
    q, k, v = (xs[0], xs[0], xs[0]) if same == "qkv" else \
        (xs[0], xs[1], xs[1]) if same == "kv" else xs
    masks = {n: f(T) for n, f in fkw.pop("masks", {}).items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out, w = m(q, k, v, **masks, **fkw)
    loss = (out * _grad_of(T, out)).sum()
    if w is not None:
        loss = loss + (w * _grad_of(T, w)).sum()
    loss.backward()
    grads = {n: p.grad for n, p in m.named_parameters()}
    return out, w, [x.grad for x in xs], grads


def _cmp(ctor, shapes, rtol=2e-5, atol=2e-6, **kw):
    check(lambda T: _run_mha(T, ctor, shapes, **kw), rtol=rtol, atol=atol)


E, H = 8, 2


def test_init_and_state_dict_match_torch_bit_for_bit():
    for kw in ({}, {"add_bias_kv": True}, {"kdim": 3, "vdim": 5}, {"bias": False},
               {"kdim": 3, "vdim": 5, "add_bias_kv": True, "bias": False}):
        def sd(T):
            m = _mha(T, E, H, **kw)
            return {k: v.detach() for k, v in m.state_dict().items()}
        check(sd, exact=True)


def test_repr_and_attributes():
    check(lambda T: repr(_mha(T, E, H, dropout=0.1, kdim=3, vdim=5)))
    check(lambda T: (lambda m: (m.head_dim, m.kdim, m.vdim, m._qkv_same_embed_dim,
                                m.batch_first, m.dropout, m.bias_k, m.add_zero_attn,
                                type(m.out_proj).__name__))(_mha(T, E, H)))
    assert ember.nn.modules.activation.MultiheadAttention is ember.nn.MultiheadAttention
    assert ember.nn.modules.linear.NonDynamicallyQuantizableLinear.__mro__[1] is ember.nn.Linear


@pytest.mark.parametrize("same", [None, "kv", "qkv"])
@pytest.mark.parametrize("need_weights", [True, False])
def test_forward_backward(same, need_weights):
    _cmp(((E, H), {}), [(5, 3, E), (7, 3, E), (7, 3, E)], same=same, need_weights=need_weights)


@pytest.mark.parametrize("average", [True, False])
def test_per_head_weights_and_unbatched(average):
    _cmp(((E, H), {}), [(5, E), (7, E), (7, E)], average_attn_weights=average)
    _cmp(((E, H), {}), [(5, 3, E), (7, 3, E), (7, 3, E)], average_attn_weights=average)


@pytest.mark.parametrize("need_weights", [True, False])
def test_batch_first_kdim_vdim_bias_kv_zero_attn(need_weights):
    ctor = ((E, H), {"batch_first": True, "kdim": 3, "vdim": 5, "add_bias_kv": True,
                     "add_zero_attn": True})
    _cmp(ctor, [(3, 5, E), (3, 7, 3), (3, 7, 5)], need_weights=need_weights)
    _cmp(((E, 4), {"bias": False, "batch_first": True}), [(2, 5, E)], same="qkv",
         need_weights=need_weights)


def _kpm(T):
    return T.tensor([[False] * 6 + [True], [False] * 4 + [True] * 3, [False] * 7])


def _bool_mask(T):
    return T.ones(5, 7, dtype=T.bool).triu(3)


@pytest.mark.parametrize("need_weights", [True, False])
def test_masks(need_weights):
    shapes = [(5, 3, E), (7, 3, E), (7, 3, E)]
    ctor = ((E, H), {})
    _cmp(ctor, shapes, need_weights=need_weights, masks={"key_padding_mask": _kpm})
    _cmp(ctor, shapes, need_weights=need_weights, masks={"attn_mask": _bool_mask})
    _cmp(ctor, shapes, need_weights=need_weights,
         masks={"attn_mask": _bool_mask, "key_padding_mask": _kpm})
    # a float mask, 3-D (one per batch entry and head), and a float key padding mask
    _cmp(ctor, shapes, need_weights=need_weights,
         masks={"attn_mask": lambda T: (T.arange(6 * 5 * 7.).reshape(6, 5, 7) * 0.1).cos(),
                "key_padding_mask": lambda T: _kpm(T).float() * -3})
    # bias_k / add_zero_attn pad the masks by one column
    _cmp(((E, H), {"add_bias_kv": True, "add_zero_attn": True}), shapes,
         need_weights=need_weights, masks={"attn_mask": _bool_mask, "key_padding_mask": _kpm})


def test_causal_hint_and_unbatched_masks():
    causal = lambda T: T.nn.Transformer.generate_square_subsequent_mask(5)
    _cmp(((E, H), {}), [(5, 3, E)], same="qkv", need_weights=False, is_causal=True,
         masks={"attn_mask": causal})
    _cmp(((E, H), {}), [(5, E), (7, E), (7, E)],
         masks={"attn_mask": lambda T: T.zeros(H, 5, 7),
                "key_padding_mask": lambda T: T.tensor([False] * 5 + [True] * 2)})


def test_train_mode_dropout_zero_and_seeded_dropout():
    _cmp(((E, H), {}), [(5, 3, E), (7, 3, E), (7, 3, E)], train=True)
    # dropout draws as PyTorch's (the weights' dropout and SDPA's math path)
    for nw in (True, False):
        _cmp(((E, H), {"dropout": 0.3}), [(5, 3, E), (7, 3, E), (7, 3, E)], train=True,
             need_weights=nw)


def test_float64():
    _cmp(((E, H), {"kdim": 3}), [(5, 3, E), (7, 3, 3), (7, 3, E)], dtype="float64",
         rtol=1e-10, atol=1e-12)


def test_mismatched_mask_types_warn():
    def f(T):
        m = _mha(T, E, H)
        x = T.ones(4, 2, E)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m(x, x, x, key_padding_mask=T.zeros(2, 4, dtype=T.bool), attn_mask=T.zeros(4, 4))
        return [str(i.message) for i in w]
    msgs = check(f)
    assert msgs == ["Support for mismatched key_padding_mask and attn_mask is deprecated. "
                    "Use same type for both instead."]


def test_errors():
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        ember.nn.MultiheadAttention(10, 3)
    check(lambda T: T.nn.MultiheadAttention(10, 3))
    check(lambda T: T.nn.MultiheadAttention(0, 3))
    x3 = lambda T: T.ones(4, 2, E)
    bad = [
        lambda T, m: m(x3(T), T.ones(4, E), x3(T)),
        lambda T, m: m(T.ones(4), T.ones(4), T.ones(4)),
        lambda T, m: m(x3(T), x3(T), x3(T), attn_mask=T.zeros(3, 4)),
        lambda T, m: m(x3(T), x3(T), x3(T), attn_mask=T.zeros(5, 4, 4)),
        lambda T, m: m(x3(T), x3(T), x3(T), attn_mask=T.zeros(4)),
        lambda T, m: m(x3(T), x3(T), x3(T), attn_mask=T.zeros(4, 4, dtype=T.long)),
        lambda T, m: m(x3(T), x3(T), x3(T), key_padding_mask=T.zeros(2, 5, dtype=T.bool)),
        lambda T, m: m(x3(T), x3(T), x3(T), key_padding_mask=T.zeros(4, dtype=T.bool)),
        lambda T, m: m(x3(T), x3(T), x3(T), is_causal=True),
        lambda T, m: m(T.ones(4, 2, 6), T.ones(4, 2, 6), T.ones(4, 2, 6)),
        lambda T, m: m(x3(T), T.ones(5, 2, E), T.ones(4, 2, E)),
        lambda T, m: m(T.ones(4, E), T.ones(4, E), T.ones(4, E), attn_mask=T.zeros(3, 4, 4)),
    ]
    for op in bad:
        check_error(lambda T: (), lambda T, op=op: op(T, _mha(T, E, H)))


def test_functional_errors_and_static_kv():
    def f(T, **kw):
        T.manual_seed(0)
        m = T.nn.MultiheadAttention(E, H)
        x = T.randn(4, 2, E)
        args = (x, x, x, E, H, m.in_proj_weight, m.in_proj_bias, None, None, False, 0.0,
                m.out_proj.weight, m.out_proj.bias)
        return T.nn.functional.multi_head_attention_forward(*args, **kw)
    check(lambda T: f(T, static_k=T.ones(2 * H, 4, E // H), static_v=T.ones(2 * H, 4, E // H)),
          rtol=1e-5, atol=1e-6)
    check(lambda T: f(T, static_k=T.ones(3, 4, E // H)))
    check(lambda T: f(T, static_v=T.ones(2 * H, 4, 3)))
    check(lambda T: f(T, use_separate_proj_weight=True))


@pytest.mark.parametrize("need_weights", [True, False])
def test_fully_padded_entry(need_weights):
    # PyTorch's softmax gives NaN there (need_weights), its SDPA gives zeros
    _cmp(((E, H), {}), [(5, 3, E), (7, 3, E), (7, 3, E)], need_weights=need_weights,
         masks={"key_padding_mask": lambda T: T.tensor([[True] * 7, [False] * 7,
                                                         [False] * 6 + [True]])})
