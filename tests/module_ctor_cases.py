"""Small valid constructor arguments for every nn module class both libraries
have (torch.nn.modules.__all__), and non-default ones for the reprs and
state_dicts they change: test_module_mechanics.py builds each in both."""


def ctors(nn, T):
    C = {
    'AdaptiveAvgPool1d': (2,), 'AdaptiveAvgPool2d': ((2, 3),), 'AdaptiveAvgPool3d': (2,),
    'AdaptiveLogSoftmaxWithLoss': (8, 10, [4, 8]),
    'AdaptiveMaxPool1d': (2,), 'AdaptiveMaxPool2d': (2,), 'AdaptiveMaxPool3d': (2,),
    'AlphaDropout': (0.2,), 'AvgPool1d': (2,), 'AvgPool2d': (2,), 'AvgPool3d': (2,),
    'BCELoss': (), 'BCEWithLogitsLoss': (), 'BatchNorm1d': (3,), 'BatchNorm2d': (3,), 'BatchNorm3d': (3,),
    'Bilinear': (2, 3, 4), 'CELU': (), 'CTCLoss': (), 'ChannelShuffle': (2,),
    'CircularPad1d': (1,), 'CircularPad2d': (1,), 'CircularPad3d': (1,),
    'ConstantPad1d': (1, 0.5), 'ConstantPad2d': (1, 0.5), 'ConstantPad3d': (1, 0.5),
    'Container': (), 'Conv1d': (2, 3, 3), 'Conv2d': (2, 3, 3), 'Conv3d': (2, 3, 3),
    'ConvTranspose1d': (2, 3, 3), 'ConvTranspose2d': (2, 3, 3), 'ConvTranspose3d': (2, 3, 3),
    'CosineEmbeddingLoss': (), 'CosineSimilarity': (), 'CrossEntropyLoss': (), 'CrossMapLRN2d': (3,),
    'Dropout': (), 'Dropout1d': (), 'Dropout2d': (), 'Dropout3d': (), 'ELU': (), 'Embedding': (5, 3),
    'EmbeddingBag': (5, 3), 'FeatureAlphaDropout': (), 'Flatten': (), 'Fold': ((4, 5), (2, 2)),
    'FractionalMaxPool2d': (2,), 'FractionalMaxPool3d': (2,),
    'GELU': (), 'GLU': (), 'GRU': (2, 3), 'GRUCell': (2, 3), 'GaussianNLLLoss': (), 'GroupNorm': (2, 4),
    'Hardshrink': (), 'Hardsigmoid': (), 'Hardswish': (), 'Hardtanh': (), 'HingeEmbeddingLoss': (),
    'HuberLoss': (), 'Identity': (), 'InstanceNorm1d': (3,), 'InstanceNorm2d': (3,), 'InstanceNorm3d': (3,),
    'KLDivLoss': (), 'L1Loss': (), 'LPPool1d': (2, 3), 'LPPool2d': (2, 3), 'LPPool3d': (2, 3),
    'LSTM': (2, 3), 'LSTMCell': (2, 3), 'LayerNorm': (4,),
    'LazyBatchNorm1d': (), 'LazyBatchNorm2d': (), 'LazyBatchNorm3d': (),
    'LazyConv1d': (3, 2), 'LazyConv2d': (3, 2), 'LazyConv3d': (3, 2),
    'LazyConvTranspose1d': (3, 2), 'LazyConvTranspose2d': (3, 2), 'LazyConvTranspose3d': (3, 2),
    'LazyInstanceNorm1d': (), 'LazyInstanceNorm2d': (), 'LazyInstanceNorm3d': (), 'LazyLinear': (3,),
    'LeakyReLU': (), 'Linear': (3, 2), 'LinearCrossEntropyLoss': (3, 4), 'LocalResponseNorm': (2,),
    'LogSigmoid': (), 'LogSoftmax': (1,), 'MSELoss': (), 'MarginRankingLoss': (),
    'MaxPool1d': (2,), 'MaxPool2d': (2,), 'MaxPool3d': (2,), 'MaxUnpool1d': (2,), 'MaxUnpool2d': (2,), 'MaxUnpool3d': (2,),
    'Mish': (), 'Module': (), 'ModuleDict': (), 'ModuleList': (), 'MultiLabelMarginLoss': (),
    'MultiLabelSoftMarginLoss': (), 'MultiMarginLoss': (), 'MultiheadAttention': (4, 2),
    'NLLLoss': (), 'NLLLoss2d': (), 'PReLU': (), 'PairwiseDistance': (), 'ParameterDict': (), 'ParameterList': (),
    'PixelShuffle': (2,), 'PixelUnshuffle': (2,), 'PoissonNLLLoss': (), 'RMSNorm': (4,), 'RNN': (2, 3),
    'RNNBase': ('LSTM', 2, 3), 'RNNCell': (2, 3), 'RNNCellBase': (2, 3, True, 2), 'RReLU': (), 'ReLU': (), 'ReLU6': (),
    'ReflectionPad1d': (1,), 'ReflectionPad2d': (1,), 'ReflectionPad3d': (1,),
    'ReplicationPad1d': (1,), 'ReplicationPad2d': (1,), 'ReplicationPad3d': (1,),
    'SELU': (), 'Sequential': (), 'SiLU': (), 'Sigmoid': (), 'SmoothL1Loss': (), 'SoftMarginLoss': (),
    'Softmax': (1,), 'Softmax2d': (), 'Softmin': (1,), 'Softplus': (), 'Softshrink': (), 'Softsign': (),
    'SyncBatchNorm': (3,), 'Tanh': (), 'Tanhshrink': (), 'Threshold': (0.1, 20.0),
    'Transformer': (), 'TransformerDecoder': None, 'TransformerDecoderLayer': (4, 2, 8),
    'TransformerEncoder': None, 'TransformerEncoderLayer': (4, 2, 8),
    'TripletMarginLoss': (), 'TripletMarginWithDistanceLoss': (), 'Unflatten': (1, (2, 2)), 'Unfold': (2,),
    'Upsample': (None, 2.0), 'UpsamplingBilinear2d': (None, 2.0), 'UpsamplingNearest2d': (None, 2.0),
    'ZeroPad1d': (1,), 'ZeroPad2d': (1,), 'ZeroPad3d': (1,),
    }
    kw = {'Transformer': dict(d_model=4, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=8)}
    out = {}
    for name, args in C.items():
        if not hasattr(nn, name):
            continue
        cls = getattr(nn, name)
        if name == 'TransformerEncoder':
            out[name] = lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 8), 2, enable_nested_tensor=False)
        elif name == 'TransformerDecoder':
            out[name] = lambda: nn.TransformerDecoder(nn.TransformerDecoderLayer(4, 2, 8), 2)
        else:
            out[name] = (lambda cls=cls, args=args, k=kw.get(name, {}): cls(*args, **k))
    return out


def variants(nn, T):
    V = [
    ('AdaptiveAvgPool2d', (None, 3), {}), ('AdaptiveMaxPool1d', (2,), dict(return_indices=True)),
    ('AdaptiveMaxPool3d', ((None, 2, 3),), {}), ('AdaptiveLogSoftmaxWithLoss', (8, 10, [4, 8]), dict(div_value=2.0, head_bias=True)),
    ('AlphaDropout', (0.3, True), {}), ('AvgPool1d', (3, 2, 1, True, False), {}),
    ('AvgPool2d', ((2, 3),), dict(stride=1, padding=1, ceil_mode=True, count_include_pad=False, divisor_override=2)),
    ('AvgPool3d', (2,), dict(divisor_override=3)),
    ('BCELoss', (), dict(weight=T.ones(3), reduction='sum')), ('BCEWithLogitsLoss', (), dict(pos_weight=T.ones(3))),
    ('BatchNorm1d', (3,), dict(affine=False)), ('BatchNorm2d', (3,), dict(track_running_stats=False)),
    ('BatchNorm3d', (3, 1e-3, None), {}), ('BatchNorm1d', (3,), dict(dtype=T.float64)),
    ('Bilinear', (2, 3, 4), dict(bias=False)), ('CELU', (2.0, True), {}), ('CTCLoss', (1, 'sum', True), {}),
    ('ConstantPad2d', ((1, 2, 3, 4), -1.0), {}), ('CircularPad2d', ((1, 2, 0, 1),), {}), ('ZeroPad2d', ((1, 2, 0, 1),), {}),
    ('ReflectionPad3d', ((1, 1, 1, 1, 1, 1),), {}), ('ReplicationPad1d', ((2, 0),), {}),
    ('Conv1d', (2, 4, 3), dict(stride=2, padding=1, dilation=2, groups=2, bias=False, padding_mode='reflect')),
    ('Conv2d', (2, 4, (3, 1)), dict(padding='same', padding_mode='circular')), ('Conv2d', (2, 4, 3), dict(padding='valid')),
    ('Conv3d', (2, 4, 3), dict(padding=(1, 0, 1), padding_mode='replicate')),
    ('ConvTranspose1d', (2, 4, 3), dict(stride=2, output_padding=1, groups=2, dilation=2)),
    ('ConvTranspose2d', (2, 4, 3), dict(bias=False, padding=(1, 2))), ('ConvTranspose3d', (2, 4, 3), dict(dtype=T.float64)),
    ('CosineEmbeddingLoss', (0.5,), {}), ('CosineSimilarity', (0, 1e-6), {}), ('CrossEntropyLoss', (T.ones(3),), dict(ignore_index=1, label_smoothing=0.1)),
    ('CrossMapLRN2d', (3, 1e-3, 0.7, 2), {}), ('Dropout', (0.3, True), {}), ('Dropout2d', (0.1,), {}),
    ('ELU', (0.5, True), {}), ('Embedding', (5, 3), dict(padding_idx=1, max_norm=2.0, norm_type=1.0, scale_grad_by_freq=True, sparse=True)),
    ('Embedding', (5, 3), dict(padding_idx=-1)), ('EmbeddingBag', (5, 3), dict(mode='max', padding_idx=0, include_last_offset=True)),
    ('Flatten', (0, 2), {}), ('Fold', (4, 2), dict(dilation=1, padding=1, stride=2)),
    ('FractionalMaxPool2d', (2,), dict(output_ratio=0.5)), ('FractionalMaxPool3d', (2,), dict(output_size=3, return_indices=True)),
    ('GELU', ('tanh',), {}), ('GLU', (0,), {}), ('GRU', (2, 3, 2), dict(bias=False, batch_first=True, dropout=0.5, bidirectional=True)),
    ('GRUCell', (2, 3, False), {}), ('GaussianNLLLoss', (), dict(full=True, eps=1e-3)), ('GroupNorm', (2, 4, 1e-3, False), {}),
    ('Hardshrink', (0.3,), {}), ('Hardsigmoid', (True,), {}), ('Hardtanh', (-2.0, 2.0, True), {}), ('HingeEmbeddingLoss', (2.0,), {}),
    ('HuberLoss', ('sum', 0.5), {}), ('Identity', (3, 4), dict(a=1)), ('InstanceNorm1d', (3,), dict(affine=True, track_running_stats=True)),
    ('InstanceNorm2d', (3, 1e-3, 0.2), {}), ('KLDivLoss', (), dict(log_target=True, reduction='batchmean')),
    ('L1Loss', (), dict(reduction='none')), ('LPPool1d', (1.5, 3, 2), dict(ceil_mode=True)), ('LPPool2d', (2, (2, 3)), {}),
    ('LSTM', (2, 3), dict(num_layers=2, proj_size=2, bidirectional=True)), ('LSTM', (2, 3), dict(dtype=T.float64)),
    ('LSTMCell', (2, 3), dict(bias=False)), ('LayerNorm', ((2, 3),), dict(elementwise_affine=False)), ('LayerNorm', (3,), dict(bias=False, eps=1e-3)),
    ('LazyLinear', (3, False), {}), ('LazyConv2d', (3, 2), dict(stride=2, bias=False)), ('LazyBatchNorm1d', (), dict(affine=False)),
    ('LeakyReLU', (0.2, True), {}), ('Linear', (3, 2, False), {}), ('Linear', (3, 2), dict(dtype=T.float64)), ('Linear', (0, 0), {}),
    ('LocalResponseNorm', (2, 1e-3, 0.5, 2.0), {}), ('LogSoftmax', (), {}), ('Softmax', (), dict(dim=-1)), ('Softmin', (0,), {}),
    ('MSELoss', (None, None, 'sum'), {}), ('MarginRankingLoss', (0.5,), {}), ('MaxPool1d', (3, 2, 1, 2, True, True), {}),
    ('MaxPool2d', ((2, 3),), dict(stride=(1, 2))), ('MaxPool3d', (2,), dict(return_indices=True)), ('MaxUnpool2d', ((2, 3), 1, 1), {}),
    ('MultiLabelSoftMarginLoss', (T.ones(3),), {}), ('MultiMarginLoss', (2, 0.5, T.ones(3)), {}),
    ('MultiheadAttention', (4, 2), dict(dropout=0.1, bias=False, add_bias_kv=True, add_zero_attn=True, kdim=3, vdim=5, batch_first=True)),
    ('MultiheadAttention', (4, 2), dict(kdim=4, vdim=4)),
    ('NLLLoss', (T.ones(3),), dict(ignore_index=0)), ('PReLU', (3, 0.1), {}), ('PairwiseDistance', (1.0, 1e-3, True), {}),
    ('PixelShuffle', (3,), {}), ('PoissonNLLLoss', (False, True), dict(eps=1e-3)), ('RMSNorm', ((2, 3),), dict(eps=1e-3, elementwise_affine=False)),
    ('RMSNorm', (3,), {}), ('RNN', (2, 3, 2), dict(nonlinearity='relu', bias=False)), ('RNNCell', (2, 3), dict(nonlinearity='relu')),
    ('RReLU', (0.1, 0.2, True), {}), ('ReLU', (True,), {}), ('ReLU6', (True,), {}), ('SELU', (True,), {}), ('SiLU', (True,), {}), ('Mish', (True,), {}),
    ('SmoothL1Loss', (), dict(beta=0.5)), ('Softplus', (2, 10), {}), ('Softshrink', (0.2,), {}), ('Threshold', (0.1, 20, True), {}),
    ('Transformer', (), dict(d_model=4, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=8, dropout=0.0, activation='gelu', norm_first=True, batch_first=True, bias=False)),
    ('TransformerEncoderLayer', (4, 2, 8, 0.0, 'gelu'), dict(layer_norm_eps=1e-3, norm_first=True)),
    ('TransformerDecoderLayer', (4, 2), dict(dim_feedforward=8, bias=False)),
    ('TripletMarginLoss', (2.0, 1.0, 1e-5, True), {}), ('TripletMarginWithDistanceLoss', (), dict(margin=0.5, swap=True)),
    ('Unflatten', ('x', (('a', 2), ('b', 2))), {}), ('Unfold', ((2, 3),), dict(dilation=2, padding=1, stride=(1, 2))),
    ('Upsample', (), dict(size=(4, 5), mode='bilinear', align_corners=True)), ('Upsample', (), dict(scale_factor=(2.0, 3.0), mode='nearest-exact')),
    ('Upsample', (), dict(scale_factor=2, mode='bicubic', recompute_scale_factor=True)), ('UpsamplingNearest2d', (4,), {}), ('UpsamplingBilinear2d', ((4, 5),), {}),
    ('ChannelShuffle', (3,), {}), ('PixelUnshuffle', (3,), {}), ('Softmax2d', (), {}), ('Tanh', (), {}),
    ]
    out = []
    for name, a, k in V:
        cls = getattr(nn, name)
        out.append((f"{name}{a}{sorted(k)}", (lambda cls=cls, a=a, k=k: cls(*a, **k))))
    return out
