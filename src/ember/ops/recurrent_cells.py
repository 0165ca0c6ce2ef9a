"""The recurrent cells (torch.rnn_tanh_cell, rnn_relu_cell, lstm_cell,
gru_cell), composed of recorded ops as ATen composes them on the CPU, so
their graphs hold PyTorch's nodes; and one recurrent layer over time made of
those cells, which the fused layer (recurrent_layer.py) falls back to when a
second derivative is asked for."""
from .. import _dtype as D
from ._linear import linear
from .shape import cat, narrow

__all__ = ["rnn_tanh_cell", "rnn_relu_cell", "lstm_cell", "gru_cell"]


def _check_input(input, w_ih):
    if input.shape[1] != w_ih.shape[1]:
        raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} "
                           f"expected {w_ih.shape[1]}")


def _check_hidden(input, hx, hidden_size, label):
    if input.shape[0] != hx.shape[0]:
        raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match hidden{label} "
                           f"batch size {hx.shape[0]}")
    if hx.shape[1] != hidden_size:
        raise RuntimeError(f"hidden{label} has inconsistent hidden_size: got {hx.shape[1]}, "
                           f"expected {hidden_size}")


def _gates(input, hx, w_ih, w_hh, b_ih, b_hh):
    # ATen: linear_hh(hx).add_(linear_ih(input))
    return linear(hx, w_hh, b_hh) + linear(input, w_ih, b_ih)


def _gates_in_place(gates):
    """ATen's LSTM and GRU cells apply sigmoid_ and tanh_ to the gates in
    place: integer gates cannot hold the floating result."""
    if gates.dtype.is_floating_point or gates.dtype.is_complex:
        return
    result = D.SCALAR_NAMES[D.get_default_dtype()]
    raise RuntimeError(f"result type {result} can't be cast to the desired output type "
                       f"{D.SCALAR_NAMES[gates.dtype]}")


def _tanh_step(input, hx, w_ih, w_hh, b_ih, b_hh):
    return _gates(input, hx, w_ih, w_hh, b_ih, b_hh).tanh()


def _relu_step(input, hx, w_ih, w_hh, b_ih, b_hh):
    return _gates(input, hx, w_ih, w_hh, b_ih, b_hh).relu()


def _lstm_step(input, hx, cx, w_ih, w_hh, b_ih, b_hh, w_hr=None):
    gates = _gates(input, hx, w_ih, w_hh, b_ih, b_hh)
    _gates_in_place(gates)
    i, f, g, o = gates.unsafe_chunk(4, 1)
    i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
    cy = f * cx + i * g
    hy = o * cy.tanh()
    if w_hr is not None:
        hy = hy.matmul(w_hr.t())
    return hy, cy


def _gru_step(input, hx, w_ih, w_hh, b_ih, b_hh):
    ir, iz, in_ = linear(input, w_ih, b_ih).unsafe_chunk(3, 1)
    hr, hz, hn = linear(hx, w_hh, b_hh).unsafe_chunk(3, 1)
    _gates_in_place(hr)
    r = (hr + ir).sigmoid()
    z = (hz + iz).sigmoid()
    n = (in_ + hn * r).tanh()
    return (hx - n) * z + n


def _checked(input, hxs, w_ih, w_hh):
    _check_input(input, w_ih)
    for k, h in enumerate(hxs):
        _check_hidden(input, h, w_hh.shape[1], k)


def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    _checked(input, (hx,), w_ih, w_hh)
    return _tanh_step(input, hx, w_ih, w_hh, b_ih, b_hh)


def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    _checked(input, (hx,), w_ih, w_hh)
    return _relu_step(input, hx, w_ih, w_hh, b_ih, b_hh)


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    if len(hx) != 2:
        raise RuntimeError("lstm_cell expects two hidden states")
    _checked(input, hx, w_ih, w_hh)
    return _lstm_step(input, hx[0], hx[1], w_ih, w_hh, b_ih, b_hh)


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    _checked(input, (hx,), w_ih, w_hh)
    return _gru_step(input, hx, w_ih, w_hh, b_ih, b_hh)


STEPS = {"RNN_TANH": _tanh_step, "RNN_RELU": _relu_step, "GRU": _gru_step}


def composite_layer(mode, x, batch_sizes, reverse, w_ih, w_hh, b_ih, b_hh, w_hr, h0, c0):
    """One layer in one direction, step by step with recorded ops: x holds
    the steps' rows one after another (step t: batch_sizes[t] rows), a row
    that has ended keeps its last state. Returns the steps' outputs (in time
    order), the final h and, for an LSTM, the final c."""
    steps = len(batch_sizes)
    starts = [0]
    for n in batch_sizes:
        starts.append(starts[-1] + n)
    h, c = h0, c0
    outs = [None] * steps
    for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
        n = batch_sizes[t]
        xt = narrow(x, 0, starts[t], n)
        h_in = h if n == h.shape[0] else narrow(h, 0, 0, n)
        if mode == "LSTM":
            c_in = c if n == c.shape[0] else narrow(c, 0, 0, n)
            new_h, new_c = _lstm_step(xt, h_in, c_in, w_ih, w_hh, b_ih, b_hh, w_hr)
            c = _keep_rest(new_c, c)
        else:
            new_h = STEPS[mode](xt, h_in, w_ih, w_hh, b_ih, b_hh)
        outs[t] = new_h
        h = _keep_rest(new_h, h)
    return outs, h, c


def _keep_rest(new, old):
    """The state after a step: the rows that stepped, then the rows that did not."""
    n = new.shape[0]
    if n == old.shape[0]:
        return new
    return cat([new, narrow(old, 0, n, old.shape[0] - n)], 0)

