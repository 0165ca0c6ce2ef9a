"""Recurrent ops: the cells of the torch namespace (recurrent_cells.py) and
the multi-layer, bidirectional recurrent networks behind nn.RNN, nn.LSTM and
nn.GRU (ATen's _VF.rnn_tanh / rnn_relu / lstm / gru), built from one fused
node per layer and direction (recurrent_layer.py)."""
from .._settings import warn_once
from ._common import np
from ._registry import register
from .recurrent_cells import gru_cell, lstm_cell, rnn_relu_cell, rnn_tanh_cell
from .normalization_dropout import dropout as _dropout
from .recurrent_layer import layer
from .shape import cat, contiguous, select, stack, transpose

__all__ = []

rnn_tanh_cell = register(rnn_tanh_cell, method=False, out=False)
rnn_relu_cell = register(rnn_relu_cell, method=False, out=False)
lstm_cell = register(lstm_cell, method=False, out=False)
gru_cell = register(gru_cell, method=False, out=False)

def run(mode, input, batch_sizes, hx, params, has_biases, num_layers, dropout, train,
        bidirectional, batch_first, proj_size=0):
    """_VF.<mode>(...): (output, h_n) or, for an LSTM, (output, h_n, c_n).
    input: (T, B, I) (or (B, T, I) batch_first), or packed rows with
    batch_sizes (a list of ints); hx: h0, or (h0, c0) for an LSTM, with one
    row per layer and direction; params: the flat weights, PyTorch's order."""
    lstm = mode == "LSTM"
    h0, c0 = (hx[0], hx[1]) if lstm else (hx, None)
    dirs = 2 if bidirectional else 1
    per = (4 if has_biases else 2) + (1 if proj_size else 0)
    fused_lstm = (lstm and batch_sizes is None and input._data.dtype == np.float32
                  and input._data.size != 0)
    if fused_lstm and proj_size:
        # Shown at the line of nn/modules/rnn.py that calls in, as PyTorch's
        # names the _VF.lstm call in its rnn.py.
        warn_once("LSTM with projections is not supported with oneDNN. Using default "
                  "implementation.", stacklevel=2, cpp="aten/src/ATen/native/RNN.cpp:1512")
        fused_lstm = False
    per_step = not fused_lstm
    x = input
    if batch_first and batch_sizes is None:
        x = transpose(x, 0, 1)
    if fused_lstm:
        x = contiguous(x)
    hs, cs = [], []
    for layer_nr in range(num_layers):
        outs = []
        for d in range(dirs):
            k = layer_nr * dirs + d
            w = params[k * per:(k + 1) * per]
            weights = (w[0], w[1], w[2] if has_biases else None, w[3] if has_biases else None,
                       w[-1] if proj_size else None)
            out, h, c = layer(mode, x, batch_sizes, d == 1, weights, select(h0, 0, k),
                              select(c0, 0, k) if lstm else None, per_step)
            if per_step:
                out = stack(out, 0) if batch_sizes is None else cat(out, 0)
            outs.append(out)
            hs.append(h)
            cs.append(c)
        x = outs[0] if dirs == 1 else cat(outs, -1)
        if dropout != 0 and train and layer_nr < num_layers - 1:
            x = _dropout(x, dropout, True)     # ATen's dropout, as the layers call it
    if batch_first and batch_sizes is None:
        # (ATen's GRU and RNN turn their output around in place; its LSTM does not)
        x = transpose(x, 0, 1) if lstm else x.transpose_(0, 1)
    if lstm:
        return x, stack(hs, 0), stack(cs, 0)
    return x, stack(hs, 0)
