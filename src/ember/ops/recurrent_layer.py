"""One recurrent layer in one direction (RNN, LSTM, GRU), fused into one node.

The input projections of all steps are one matmul up front; each step is one
matmul and a few in-place ufuncs over the gates of the whole batch. Backward
through time is one node per layer and direction: it walks the steps in
reverse, reusing the gate activations saved by the forward, and makes every
weight gradient one matmul over all steps at the end.

Rows are packed time-major: step t holds rows starts[t]:starts[t]+batch_sizes[t]
(a padded (T, B, I) input is the case batch_sizes = [B] * T). A sequence
that has ended keeps its state, so the final state of every row is the state
array at the end, in both directions.

For create_graph=True the node recomputes its layer with recorded ops
(recurrent_cells.composite_layer) and differentiates that, so second
derivatives flow through it.
"""
from .. import _meta
from ._common import NONE_EDGE, Tensor, edge, np, tracked
from .._backend import restore, silence
from ..autograd.graph import Node
from .recurrent_cells import composite_layer

__all__ = ["layer"]

GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def _starts(batch_sizes):
    starts = [0]
    for n in batch_sizes:
        starts.append(starts[-1] + n)
    return starts


def _sigmoid_(a):
    np.negative(a, out=a)
    np.exp(a, out=a)
    a += 1
    np.reciprocal(a, out=a)


def _lstm_order(hidden):
    """PyTorch's gate rows [i, f, g, o] taken as [o, i, f, g]: the sigmoid
    gates side by side, and i, f, g (what the cell's gradient multiplies) too."""
    h = hidden
    return np.concatenate([np.arange(3 * h, 4 * h), np.arange(0, 3 * h)])


def _transposed(w):
    # (BLAS runs a contiguous right operand markedly faster than a transposed view)
    return _meta.ascontiguousarray(w.T)


def _unpermute(a, order):
    if order is None:
        return a
    out = np.empty_like(a)
    out[order] = a
    return out


class _Work:
    """What the backward reads: the forward's arrays."""
    __slots__ = ("mode", "x", "bs", "starts", "reverse", "w_ih", "w_hh", "w_hr", "order",
                 "gates", "hp", "cp", "tc", "m", "gh", "out")


def forward(mode, x, bs, reverse, w_ih, w_hh, b_ih, b_hh, w_hr, h0, c0, keep=True):
    """Arrays in, (out (N, Hr), final h, final c or None, work) out; `keep`:
    save the previous states for a backward."""
    n_rows, dt = x.shape[0], x.dtype
    # (a meta input's buffers are meta too: the steps then give shapes alone)
    empty = _meta.meta_array if _meta.is_meta(x) else np.empty
    batch, hr = h0.shape
    hidden = w_hh.shape[0] // GATES[mode]
    starts = _starts(bs)
    w = _Work()
    w.mode, w.x, w.bs, w.starts, w.reverse, w.w_hr = mode, x, bs, starts, reverse, w_hr
    h = h0.copy()
    c = None
    hp_all = w.hp = empty((n_rows, hr), dt) if keep else None
    steps = range(len(bs) - 1, -1, -1) if reverse else range(len(bs))
    w.order = None
    if mode == "LSTM":
        order = w.order = _lstm_order(hidden)
        w_ih, w_hh = w_ih[order], w_hh[order]
        gates = np.matmul(x, _transposed(w_ih))
        if b_ih is not None:
            gates += (b_ih + b_hh)[order]
        c = c0.copy()
        cp_all = w.cp = empty((n_rows, hidden), dt) if keep else None
        tc_all = w.tc = empty((n_rows, hidden), dt)
        m_all = w.m = empty((n_rows, hidden), dt)
        out = m_all if w_hr is None else empty((n_rows, hr), dt)
        tmp = empty((batch, 4 * hidden), dt)
        tmp2 = empty((batch, hidden), dt)
        whh_t, s3 = _transposed(w_hh), 3 * hidden
        whr_t = None if w_hr is None else _transposed(w_hr)
        for t in steps:
            a, n = starts[t], bs[t]
            g, hp, cp = gates[a:a + n], h[:n], c[:n]
            np.matmul(hp, whh_t, out=tmp[:n])
            g += tmp[:n]
            _sigmoid_(g[:, :s3])
            np.tanh(g[:, s3:], out=g[:, s3:])
            if keep:
                hp_all[a:a + n] = hp
                cp_all[a:a + n] = cp
            np.multiply(g[:, 2 * hidden:s3], cp, out=cp)      # f * c
            np.multiply(g[:, hidden:2 * hidden], g[:, s3:], out=tmp2[:n])     # + i * g
            cp += tmp2[:n]
            tc = tc_all[a:a + n]
            np.tanh(cp, out=tc)
            np.multiply(g[:, :hidden], tc, out=m_all[a:a + n])      # o * tanh(c)
            if w_hr is not None:
                np.matmul(m_all[a:a + n], whr_t, out=out[a:a + n])
            hp[...] = out[a:a + n]
    elif mode == "GRU":
        gates = np.matmul(x, _transposed(w_ih))
        if b_ih is not None:
            gates += b_ih
        gh_all = w.gh = empty((n_rows, 3 * hidden), dt)
        out = empty((n_rows, hidden), dt)
        tmp = empty((batch, hidden), dt)
        whh_t, s2 = _transposed(w_hh), 2 * hidden
        for t in steps:
            a, n = starts[t], bs[t]
            gi, gh, hp = gates[a:a + n], gh_all[a:a + n], h[:n]
            np.matmul(hp, whh_t, out=gh)
            if b_hh is not None:
                gh += b_hh
            rz = gi[:, :s2]
            rz += gh[:, :s2]
            _sigmoid_(rz)
            new = gi[:, s2:]
            np.multiply(gh[:, s2:], rz[:, :hidden], out=tmp[:n])
            new += tmp[:n]
            np.tanh(new, out=new)
            o = out[a:a + n]
            np.subtract(hp, new, out=o)     # ATen: (h - n) * z + n
            o *= rz[:, hidden:]
            o += new
            if keep:
                hp_all[a:a + n] = hp
            hp[...] = o
    else:
        out = gates = np.matmul(x, _transposed(w_ih))
        if b_ih is not None:
            gates += b_ih + b_hh
        tmp = empty((batch, hidden), dt)
        whh_t = _transposed(w_hh)
        relu = mode == "RNN_RELU"
        for t in steps:
            a, n = starts[t], bs[t]
            o, hp = gates[a:a + n], h[:n]
            np.matmul(hp, whh_t, out=tmp[:n])
            o += tmp[:n]
            if relu:
                np.maximum(o, 0, out=o)
            else:
                np.tanh(o, out=o)
            if keep:
                hp_all[a:a + n] = hp
            hp[...] = o
        w.out = out
    w.w_ih, w.w_hh, w.gates = w_ih, w_hh, gates
    return out, h, c, w


def backward(w, d_out, dh, dc, needs=(True,) * 5):
    """Gradients (dx, dw_ih, dw_hh, db_ih, db_hh, dw_hr, dh0, dc0) from the
    gradient of the layer's output rows (or None) and of its final states;
    `needs` says which of input, w_ih, w_hh, b_ih, b_hh want theirs.

    Every factor that does not depend on the gradient flowing back (the
    activations' derivatives times what they multiply) is computed for all
    steps at once first, so each step is one matmul and a few ufuncs."""
    bs, starts, mode = w.bs, w.starts, w.mode
    steps = range(len(bs)) if w.reverse else range(len(bs) - 1, -1, -1)
    w_hh, gates = w.w_hh, w.gates
    n_rows, width = gates.shape
    hidden = width // GATES[mode]
    empty = _meta.meta_array if _meta.is_meta(gates) else np.empty
    d_gates = np.empty_like(gates)
    u_buf = empty((dh.shape[0], hidden), gates.dtype)
    dw_hr = d_hg = None
    if mode == "LSTM":
        h = hidden
        s3 = 3 * h
        # (in place where possible: these passes run over every step's rows)
        act = np.subtract(1, gates[:, :s3])
        act *= gates[:, :s3]                              # sigmoid' of o, i, f
        cell, tc = gates[:, s3:], w.tc
        by = empty((n_rows, 3, h), gates.dtype)        # what dc multiplies: i, f, g columns
        np.multiply(cell, act[:, h:2 * h], out=by[:, 0])
        np.multiply(w.cp, act[:, 2 * h:], out=by[:, 1])
        np.multiply(cell, cell, out=by[:, 2])
        np.subtract(1, by[:, 2], out=by[:, 2])
        by[:, 2] *= gates[:, h:2 * h]
        by_o = np.multiply(tc, act[:, :h], out=act[:, :h])     # what dh multiplies: the o column
        to_c = np.multiply(tc, tc)                        # dh -> dc
        np.subtract(1, to_c, out=to_c)
        to_c *= gates[:, :h]
        forget = gates[:, 2 * h:s3]
        w_hr = w.w_hr
        if w_hr is not None:
            dh_all = empty((n_rows, w_hr.shape[0]), gates.dtype)
            dm_buf = empty((dh.shape[0], h), gates.dtype)
        for t in steps:
            a, n = starts[t], bs[t]
            dht, dct, u = dh[:n], dc[:n], u_buf[:n]
            if d_out is not None:
                dht += d_out[a:a + n]
            if w_hr is not None:
                dh_all[a:a + n] = dht
                dm = np.matmul(dht, w_hr, out=dm_buf[:n])
            else:
                dm = dht
            dg = d_gates[a:a + n]
            np.multiply(dm, by_o[a:a + n], out=dg[:, :h])
            np.multiply(dm, to_c[a:a + n], out=u)
            dct += u
            np.multiply(dct[:, None, :], by[a:a + n], out=dg.reshape(n, 4, h)[:, 1:])
            dct *= forget[a:a + n]
            np.matmul(dg, w_hh, out=dht)
        if w_hr is not None:
            dw_hr = np.matmul(dh_all.T, w.m)
    elif mode == "GRU":
        h = hidden
        s2 = 2 * h
        d_hg = np.empty_like(gates)
        r, z, new = gates[:, :h], gates[:, h:s2], gates[:, s2:]
        by = empty((n_rows, 2, h), gates.dtype)        # dh -> z and n columns
        one_z = np.subtract(1, z)
        np.subtract(w.hp, new, out=by[:, 0])
        by[:, 0] *= z
        by[:, 0] *= one_z
        np.multiply(new, new, out=by[:, 1])
        np.subtract(1, by[:, 1], out=by[:, 1])
        by[:, 1] *= one_z
        to_r = np.subtract(1, r)                          # dn -> r column
        to_r *= r
        to_r *= w.gh[:, s2:]
        for t in steps:
            a, n = starts[t], bs[t]
            dht, u = dh[:n], u_buf[:n]
            if d_out is not None:
                dht += d_out[a:a + n]
            dgi, dgh = d_gates[a:a + n], d_hg[a:a + n]
            np.multiply(dht, z[a:a + n], out=u)          # straight on to h_prev
            np.multiply(dht[:, None, :], by[a:a + n], out=dgi.reshape(n, 3, h)[:, 1:])
            dn = dgi[:, s2:]
            np.multiply(dn, to_r[a:a + n], out=dgi[:, :h])
            np.multiply(dn, r[a:a + n], out=dgh[:, s2:])
            dgh[:, :s2] = dgi[:, :s2]
            np.matmul(dgh, w_hh, out=dht)
            dht += u
    else:
        out = w.out
        slope = (out > 0).astype(out.dtype) if mode == "RNN_RELU" else 1 - out * out
        for t in steps:
            a, n = starts[t], bs[t]
            dht = dh[:n]
            if d_out is not None:
                dht += d_out[a:a + n]
            dp = d_gates[a:a + n]
            np.multiply(dht, slope[a:a + n], out=dp)
            np.matmul(dp, w_hh, out=dht)
    # The whole-sequence products, each only where its input wants it.
    need_x, need_ih, need_hh, need_bih, need_bhh = needs
    d_h = d_gates if d_hg is None else d_hg
    dx = np.matmul(d_gates, w.w_ih) if need_x else None
    dw_ih = _unpermute(np.matmul(d_gates.T, w.x), w.order) if need_ih else None
    dw_hh = _unpermute(np.matmul(d_h.T, w.hp), w.order) if need_hh else None
    db_ih = _unpermute(d_gates.sum(0), w.order) if need_bih else None
    db_hh = _unpermute(d_h.sum(0), w.order) if need_bhh else None
    return dx, dw_ih, dw_hh, db_ih, db_hh, dw_hr, dh, dc


class _LayerNode(Node):
    """One layer in one direction. Inputs: (input, w_ih, w_hh, b_ih, b_hh,
    h0, c0, w_hr); outputs as `_ctx` says: the whole output, h_n and c_n
    (PyTorch's MkldnnRnnLayer), or one output per step then h_n (and c_n), as
    the graph of PyTorch's step-by-step CPU layers ends in one node per step."""
    __slots__ = ()
    _multi = True

    def apply(self, xp, grads, create_graph, needs):
        mode, bs, reverse, per_step, x_shape = self._ctx
        if create_graph:
            return _recomputed(self, grads, needs)
        self._unpack(False)     # (raises if freed or changed in place)
        w = self._work
        steps = len(bs)
        if per_step:
            d_step, finals = grads[:steps], grads[steps:]
            d_out = None
            if any(g is not None for g in d_step):
                d_out = np.zeros((w.x.shape[0], self._shape[0][1]), w.gates.dtype)
                for a, n, g in zip(w.starts, bs, d_step):
                    if g is not None:
                        d_out[a:a + n] = g
        else:
            d_out, finals = grads[0], grads[1:]
            if d_out is not None:
                d_out = d_out.reshape(w.x.shape[0], -1)
        dh = finals[0]
        dh = np.zeros(self._shape[steps if per_step else 1], w.gates.dtype) if dh is None \
            else np.array(dh)
        dc = None
        if mode == "LSTM":
            dc = finals[1]
            dc = np.zeros(self._shape[-1], w.gates.dtype) if dc is None else np.array(dc)
        token = silence()
        try:
            dx, dw_ih, dw_hh, db_ih, db_hh, dw_hr, dh0, dc0 = backward(w, d_out, dh, dc,
                                                                       needs[:5])
        finally:
            restore(token)
        if dx is not None:
            dx = dx.reshape(x_shape)
        res = (dx, dw_ih, dw_hh, db_ih, db_hh, dh0, dc0, dw_hr)
        return tuple(r if need else None for r, need in zip(res, needs))

    def _release(self):
        Node._release(self)
        self._work = None


def _recomputed(node, grads, needs):
    """Second derivatives: the layer again in recorded ops, differentiated
    with create_graph (through aliases of the inputs, so the gradients stay
    joined to the inputs' own graphs)."""
    from ..autograd import grad as _grad
    mode, bs, reverse, per_step, x_shape = node._ctx
    saved = list(node._unpack(True)[:8])
    wanted = [i for i, (t, need) in enumerate(zip(saved, needs)) if need and t is not None]
    for i in wanted:
        saved[i] = saved[i].view(tuple(saved[i].shape))
    x, w_ih, w_hh, b_ih, b_hh, h0, c0, w_hr = saved
    steps, h_n, c_n = composite_layer(mode, x.reshape(-1, x_shape[-1]), bs, reverse,
                                      w_ih, w_hh, b_ih, b_hh, w_hr, h0, c0)
    if per_step:
        outs = list(steps) + [h_n] + ([c_n] if mode == "LSTM" else [])
    else:
        from .shape import stack
        outs = [stack(steps, 0), h_n, c_n]
    pairs = [(o, g) for o, g in zip(outs, grads) if g is not None]
    got = _grad([o for o, _ in pairs], [saved[i] for i in wanted], [g for _, g in pairs],
                create_graph=True, allow_unused=True)
    res = [None] * len(needs)
    for i, g in zip(wanted, got):
        res[i] = g if g is not None else saved[i] * 0
    return tuple(res)


def layer(mode, x, batch_sizes, reverse, weights, h0, c0, per_step):
    """The layer over `x` ((T, B, I), or packed rows (N, I) with batch_sizes),
    from states h0 (and c0). weights: (w_ih, w_hh, b_ih, b_hh, w_hr), biases
    and w_hr may be None. Returns (output, h_n, c_n): output the (T, B, Hr)
    tensor, or with per_step the list of the steps' tensors."""
    w_ih, w_hh, b_ih, b_hh, w_hr = weights
    xd = x._data
    x_shape = xd.shape
    if batch_sizes is None:
        batch_sizes = (x_shape[1],) * x_shape[0]
    rows = xd.reshape(-1, x_shape[-1])
    data = lambda t: None if t is None else t._data     # noqa: E731
    inputs = (x, w_ih, w_hh, b_ih, b_hh, h0, c0, w_hr)
    is_tracked = tracked(*inputs)
    token = silence()
    try:
        out, h, c, work = forward(mode, rows, batch_sizes, reverse, w_ih._data, w_hh._data,
                                  data(b_ih), data(b_hh), data(w_hr), h0._data, data(c0),
                                  is_tracked)
    finally:
        restore(token)
    starts = work.starts
    if per_step:
        datas = [out[a:a + n] for a, n in zip(starts, batch_sizes)]
    else:
        datas = [out.reshape(x_shape[:-1] + (out.shape[1],))]
    datas.append(h)
    if c is not None:
        datas.append(c)
    if not is_tracked:
        results = [Tensor._wrap(d) for d in datas]
    else:
        nexts = tuple(edge(t) if t is not None else NONE_EDGE for t in inputs)
        if mode == "LSTM" and w_hr is None and not per_step:
            nexts = nexts[:7]
        node = _node_class(mode, w_hr is not None, per_step)(
            nexts, inputs, (mode, tuple(batch_sizes), reverse, per_step, x_shape), None,
            tuple(d.shape for d in datas), out.dtype)
        node._work = work
        results = []
        for nr, d in enumerate(datas):
            r = Tensor._from_node(d, node)
            if nr:
                r._output_nr = nr
            results.append(r)
    if per_step:
        return results[:len(batch_sizes)], results[len(batch_sizes)], \
            results[len(batch_sizes) + 1] if c is not None else None
    return results[0], results[1], results[2] if c is not None else None


# The node names a user sees: PyTorch's MkldnnRnnLayer for a float LSTM
# layer; else the op that ends each step of ATen's CPU cell, which is what
# sits under the output's StackBackward0 / CatBackward0 there.
_NAMES = {("LSTM", False, False): "MkldnnRnnLayerBackward0", ("LSTM", False, True): "MulBackward0",
          ("LSTM", True, True): "MmBackward0", ("GRU", False, True): "AddBackward0",
          ("RNN_TANH", False, True): "TanhBackward0", ("RNN_RELU", False, True): "ReluBackward0"}
_CLASSES = {}


def _node_class(mode, proj, per_step):
    key = (mode, proj, per_step)
    cls = _CLASSES.get(key)
    if cls is None:
        cls = _CLASSES[key] = type(_NAMES[key], (_LayerNode,), {"__slots__": ()})
    return cls
