"""Sample rows of the recurrent cells of the torch namespace
(torch.rnn_tanh_cell, rnn_relu_cell, lstm_cell, gru_cell): input (3, 2),
hidden size 4."""
from op_table import ANY

_W = [((4, 2), ANY), ((4, 4), ANY), ((4,), ANY), ((4,), ANY)]
_W3 = [((12, 2), ANY), ((12, 4), ANY), ((12,), ANY), ((12,), ANY)]
_W4 = [((16, 2), ANY), ((16, 4), ANY), ((16,), ANY), ((16,), ANY)]

OPS = [
    ("rnn_tanh_cell", lambda T, x, h, wi, wh, bi, bh: T.rnn_tanh_cell(x, h, wi, wh, bi, bh),
     [((3, 2), ANY), ((3, 4), ANY)] + _W, True),
    ("rnn_relu_cell", lambda T, x, h, wi, wh: T.rnn_relu_cell(x, h, wi, wh),
     [((3, 2), ANY), ((3, 4), ANY)] + _W[:2], True),
    ("lstm_cell", lambda T, x, h, c, wi, wh, bi, bh: T.lstm_cell(x, (h, c), wi, wh, bi, bh)[0]
     * T.lstm_cell(x, (h, c), wi, wh, bi, bh)[1], [((3, 2), ANY), ((3, 4), ANY), ((3, 4), ANY)]
     + _W4, True),
    ("gru_cell", lambda T, x, h, wi, wh, bi, bh: T.gru_cell(x, h, wi, wh, bi, bh),
     [((3, 2), ANY), ((3, 4), ANY)] + _W3, True),
]
