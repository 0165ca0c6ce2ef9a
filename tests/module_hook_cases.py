"""Module hooks on modules of every shape of call, for test_module_mechanics.py:
one input or several, integer inputs, tuple outputs (LSTM, attention,
max pooling with indices), losses, containers; with forward (pre-)hooks and
full backward (pre-)hooks, inputs requiring grad or not. The grad_input /
grad_output tuples each hook sees are what is compared."""


def build(T):
    """(cases: [(name, ctor, inputs)], run(ctor, inputs, grad, hooks)) bound to T."""
    nn = T.nn

    def tdesc(v):
        if v is None:
            return None
        if isinstance(v, T.Tensor):
            g = type(v.grad_fn).__name__ if v.grad_fn is not None else None
            # (+ 0.0: a zero's sign is the kernels' business, not the hooks')
            vals = [round(x, 3) + 0.0 for x in v.detach().flatten()[:3].tolist()]
            return f"{type(v).__name__}/{v.dtype}/{tuple(v.shape)}/{v.requires_grad}/{g}/{vals}"
        if isinstance(v, (tuple, list)):
            return (type(v).__name__, [tdesc(x) for x in v])
        return repr(v)

    def x(*s): return T.linspace(-1, 1, int(T.tensor(s).prod())).reshape(*s)
    def xi(*s, hi=3): return (T.arange(int(T.tensor(s).prod())) % hi).reshape(*s)
    # (name, ctor, inputs builder (requires_grad applied to float inputs))
    C = [
     ('Linear', lambda: nn.Linear(3, 2), lambda: (x(2, 3),)),
     ('Bilinear', lambda: nn.Bilinear(2, 3, 2), lambda: (x(2, 2), x(2, 3))),
     ('Conv2d', lambda: nn.Conv2d(2, 2, 2), lambda: (x(1, 2, 3, 3),)),
     ('ConvTranspose1d', lambda: nn.ConvTranspose1d(2, 2, 2), lambda: (x(1, 2, 3),)),
     ('BatchNorm1d', lambda: nn.BatchNorm1d(3), lambda: (x(4, 3),)),
     ('LayerNorm', lambda: nn.LayerNorm(3), lambda: (x(2, 3),)),
     ('GroupNorm', lambda: nn.GroupNorm(1, 2), lambda: (x(2, 2, 2),)),
     ('ReLU', lambda: nn.ReLU(), lambda: (x(2, 3),)),
     ('ReLUinplace', lambda: nn.ReLU(inplace=True), lambda: (x(2, 3),)),
     ('Dropout_eval', lambda: nn.Dropout().eval(), lambda: (x(2, 3),)),
     ('Softmax', lambda: nn.Softmax(1), lambda: (x(2, 3),)),
     ('GLU', lambda: nn.GLU(), lambda: (x(2, 4),)),
     ('PReLU', lambda: nn.PReLU(), lambda: (x(2, 3),)),
     ('MaxPool1d_idx', lambda: nn.MaxPool1d(2, return_indices=True), lambda: (x(1, 2, 4),)),
     ('AdaptiveMaxPool1d_idx', lambda: nn.AdaptiveMaxPool1d(2, return_indices=True), lambda: (x(1, 2, 4),)),
     ('MaxUnpool1d', lambda: nn.MaxUnpool1d(2), lambda: (x(1, 1, 2), T.tensor([[[1, 3]]]))),
     ('AvgPool2d', lambda: nn.AvgPool2d(2), lambda: (x(1, 1, 4, 4),)),
     ('Embedding', lambda: nn.Embedding(5, 2), lambda: (xi(2, 3),)),
     ('EmbeddingBag', lambda: nn.EmbeddingBag(5, 2), lambda: (xi(2, 3),)),
     ('LSTM', lambda: nn.LSTM(2, 3), lambda: (x(2, 1, 2),)),
     ('LSTM_hc', lambda: nn.LSTM(2, 3), lambda: (x(2, 1, 2), (x(1, 1, 3), x(1, 1, 3)))),
     ('GRU', lambda: nn.GRU(2, 3, batch_first=True), lambda: (x(1, 2, 2),)),
     ('RNNCell', lambda: nn.RNNCell(2, 3), lambda: (x(1, 2),)),
     ('LSTMCell', lambda: nn.LSTMCell(2, 3), lambda: (x(1, 2),)),
     ('MHA', lambda: nn.MultiheadAttention(4, 2), lambda: (x(2, 1, 4), x(2, 1, 4), x(2, 1, 4))),
     ('MHA_noweights', lambda: nn.MultiheadAttention(4, 2), lambda: (x(2, 1, 4), x(2, 1, 4), x(2, 1, 4), None, False)),
     ('TransformerEncoderLayer', lambda: nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0), lambda: (x(2, 1, 4),)),
     ('MSELoss', lambda: nn.MSELoss(), lambda: (x(2, 3), x(3, 2).T)),
     ('CrossEntropyLoss', lambda: nn.CrossEntropyLoss(), lambda: (x(2, 3), xi(2))),
     ('NLLLoss', lambda: nn.NLLLoss(), lambda: (x(2, 3), xi(2))),
     ('CTCLoss', lambda: nn.CTCLoss(), lambda: (x(4, 1, 3).log_softmax(2), T.tensor([[1, 2]]), T.tensor([4]), T.tensor([2]))),
     ('AdaptiveLogSoftmax', lambda: nn.AdaptiveLogSoftmaxWithLoss(4, 6, [2]), lambda: (x(2, 4), xi(2, hi=6))),
     ('Flatten', lambda: nn.Flatten(), lambda: (x(2, 2, 2),)),
     ('Unflatten', lambda: nn.Unflatten(1, (2, 2)), lambda: (x(2, 4),)),
     ('Identity', lambda: nn.Identity(), lambda: (x(2, 2),)),
     ('PixelShuffle', lambda: nn.PixelShuffle(2), lambda: (x(1, 4, 1, 1),)),
     ('Upsample', lambda: nn.Upsample(scale_factor=2), lambda: (x(1, 1, 2),)),
     ('CosineSimilarity', lambda: nn.CosineSimilarity(), lambda: (x(2, 3), x(3, 2).T)),
     ('Fold', lambda: nn.Fold((3, 3), 2), lambda: (x(1, 4, 4),)),
     ('Sequential', lambda: nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 1)), lambda: (x(2, 3),)),
     ('TripletMarginLoss', lambda: nn.TripletMarginLoss(), lambda: (x(2, 3), x(3, 2).T, x(2, 3) * 2)),
    ]

    def run(ctor, inputs, grad, hooks):
        T.manual_seed(0)
        m = ctor()
        log = []
        if 'fwd' in hooks:
            m.register_forward_pre_hook(lambda mod, a: log.append(('pre', tdesc(a))))
            m.register_forward_hook(lambda mod, a, o: log.append(('fwd', tdesc(o))))
        if 'bwd' in hooks:
            m.register_full_backward_hook(lambda mod, gi, go: log.append(('bwd', tdesc(gi), tdesc(go))))
        if 'bpre' in hooks:
            m.register_full_backward_pre_hook(lambda mod, go: log.append(('bpre', tdesc(go))))
        args = inputs()
        if grad:
            args = tuple(a.requires_grad_() if isinstance(a, T.Tensor) and a.is_floating_point() and not a.requires_grad and a.is_leaf else a for a in args)
        out = m(*args)
        first = out
        while isinstance(first, (tuple, list)):
            first = first[0]
        r = [('out', tdesc(out))]
        if first.requires_grad:
            first.float().sum().backward()
        r.append(('grads', [tdesc(a.grad) if isinstance(a, T.Tensor) and a.requires_grad else None for a in args]))
        return r + log

    return C, run
