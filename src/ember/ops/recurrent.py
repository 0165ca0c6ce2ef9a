"""Recurrent ops: the cells of the torch namespace (recurrent_cells.py) and
the multi-layer, bidirectional recurrent networks behind nn.RNN, nn.LSTM and
nn.GRU (ATen's _VF.rnn_tanh / rnn_relu / lstm / gru), built from one fused
node per layer and direction (recurrent_layer.py)."""
from .. import _dtype as D
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

# oneDNN's names for the state dtypes its LSTM cannot take: these three
# convert but have no kernel, the rest do not convert.
_ONEDNN_NO_KERNEL = {D.float16, D.bfloat16}
_ONEDNN_NO_VIEW = {D.int8, D.uint8}


def _check_states(h0, c0, w_dtype, fused_lstm, input, batch_sizes, batch_first, num_layers):
    """ATen's refusals of states of another dtype than the weights, which
    come from its kernels: oneDNN's LSTM names the conversion it cannot make;
    every other path multiplies h by w_hh, and an LSTM's c, promoted with
    the gates, reaches that product from the second step on. Returns c0 in
    the dtype the cell computes it in."""
    states = (h0,) if c0 is None else (h0, c0)
    if fused_lstm:
        for state in states:
            if state.dtype in _ONEDNN_NO_VIEW:
                raise RuntimeError("itensor_view_from_dense expects float, bfloat16 or half "
                                   "tensor input")
        for state in states:
            if state.dtype in _ONEDNN_NO_KERNEL:
                raise RuntimeError(
                    "could not create a primitive descriptor for the LSTM forward propagation "
                    "primitive. Run workload with environment variable ONEDNN_VERBOSE=all to get "
                    "additional diagnostic information.")
            if state.dtype is not w_dtype:
                raise RuntimeError("get_mkldnn_dtype: unsupported data type")
        return c0
    names = D.SCALAR_NAMES
    if h0.dtype is not w_dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {names[h0.dtype]} "
                           f"and {names[w_dtype]}")
    if c0 is None or c0.dtype is w_dtype:
        return c0
    c_dtype = D.promote_types(c0.dtype, w_dtype)
    if c_dtype is w_dtype:
        return c0.to(w_dtype)
    steps = len(batch_sizes) if batch_sizes is not None else \
        input._data.shape[1 if batch_first else 0]
    if steps > 1 or num_layers > 1:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {names[c_dtype]} "
                           f"and {names[w_dtype]}")
    return c0


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
    if batch_sizes is None and input._data.shape[1 if batch_first else 0] == 0:
        raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
    c0 = _check_states(h0, c0, params[0].dtype, fused_lstm, input, batch_sizes, batch_first,
                       num_layers)
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
