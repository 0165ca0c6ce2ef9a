"""Sample rows of the embedding ops (ops/embedding.py, ops/embedding_bag.py).
Indices and offsets are made inside the rows. padding_idx and
scale_grad_by_freq of torch.embedding change the gradient away from the
true derivative (on purpose), so finite differences cannot check them:
tests/test_nn_embedding.py compares them with PyTorch."""
from op_table import ANY


def _idx(T, values):
    return T.tensor(values, dtype=T.int64)


def _bags(T, w, p):
    i = _idx(T, [1, 4, 1, 0, 3, 3, 2, 4, 4])
    o = _idx(T, [0, 3, 3, 6])
    last = _idx(T, [0, 3, 3, 6, 9])
    return (T.embedding_bag(w, i, o, False, 0, False, p, False, 3)[0]
            + T.embedding_bag(w, i, last, False, 1, False, None, True, 4)[0]
            + T.embedding_bag(w, i, o, False, 2, False, None, False, -1)[0] * 0.5)


OPS = [
    ("embedding", lambda T, w: T.embedding(w, _idx(T, [[0, 2, 4], [2, 2, 1]])), [((5, 3), ANY)], True),
    ("embedding_bag", _bags, [((5, 3), ANY), ((9,), ANY)], True),
    ("embedding_renorm_", lambda T, w: w * T.embedding_renorm_(
        T.full((4, 3), 2.0, dtype=w.dtype), _idx(T, [0, 2, 2]), 1.5, 3.0), [((4, 3), ANY)], True),
]
