"""Sample rows for statistics, distances, assembling and creation functions.
Creation functions have no differentiable input: their rows combine them
with one."""
import os
import tempfile
import warnings

import numpy as np

from op_table import ANY, POS



def _from_file(T):
    """from_file of a new file of four float64 values (0, 1, 2, 3), removed
    after (the mapping outlives the name)."""
    fd, path = tempfile.mkstemp(suffix=".bin")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(np.arange(4.0).tobytes())
        return T.from_file(path, size=4, dtype=T.float64)
    finally:
        os.remove(path)


def _range(T, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # range is deprecated, and says so
        return T.range(*args, **kwargs)


OPS = [
    ("cov", lambda T, x: T.cov(x), [((3, 5), ANY)], True),
    ("cov_weights", lambda T, x, a: T.cov(x, correction=2, fweights=T.tensor([1, 2, 1, 3, 1]),
                                          aweights=a), [((3, 5), ANY), ((5,), POS)], True),
    ("cov_1d", lambda T, x: x.cov(correction=0), [((6,), ANY)], True),
    ("corrcoef", lambda T, x: T.corrcoef(x), [((3, 5), ANY)], True),
    ("corrcoef_t", lambda T, x: x.t().corrcoef(), [((5, 3), ANY)], True),
    ("cdist", lambda T, x, y: T.cdist(x, y), [((3, 4), ANY), ((5, 4), ANY)], False),
    ("cdist_p1", lambda T, x, y: T.cdist(x, y, p=1), [((2, 3, 4), ANY), ((5, 4), ANY)], False),
    ("cdist_p3", lambda T, x, y: T.cdist(x, y, 3.0), [((3, 4), ANY), ((5, 4), ANY)], False),
    ("cdist_inf", lambda T, x, y: T.cdist(x, y, float("inf")), [((3, 4), ANY), ((5, 4), ANY)],
     False),
    ("cdist_mm", lambda T, x, y: T.cdist(x, y, compute_mode="use_mm_for_euclid_dist"),
     [((3, 4), ANY), ((5, 4), ANY)], True),
    ("cdist_mm_batch", lambda T, x, y: T.cdist(x, y, compute_mode="use_mm_for_euclid_dist"),
     [((2, 3, 4), ANY), ((5, 4), ANY)], True),
    ("dist", lambda T, x, y: T.dist(x, y), [((3, 4), ANY), ((4,), ANY)], True),
    ("dist_p", lambda T, x, y: x.dist(y, 3), [((3, 4), ANY), ((3, 4), ANY)], True),
    ("dist_p1", lambda T, x, y: x.dist(y, p=1.5), [((3, 4), ANY), ((3, 4), ANY)], True),
    ("pdist", lambda T, x: T.pdist(x), [((4, 3), ANY)], False),
    ("pdist_p", lambda T, x: T.pdist(x, p=1.5), [((4, 3), ANY)], False),
    ("cosine_similarity", lambda T, x, y: T.cosine_similarity(x, y), [((3, 4), ANY), ((3, 4), ANY)],
     True),
    ("cosine_similarity_dim", lambda T, x, y: T.cosine_similarity(x, y, dim=-1, eps=1e-6),
     [((2, 3, 4), ANY), ((3, 4), ANY)], True),
    ("pairwise_distance", lambda T, x, y: T.pairwise_distance(x, y), [((3, 4), ANY), ((3, 4), ANY)],
     True),
    ("pairwise_distance_p", lambda T, x, y: T.pairwise_distance(x, y, p=3, eps=0, keepdim=True),
     [((3, 4), ANY), ((4,), ANY)], True),
    ("renorm", lambda T, x: T.renorm(x, 2, 0, 1.0), [((3, 4), ANY)], True),
    ("renorm_p", lambda T, x: x.renorm(1.5, -1, 0.5), [((2, 3, 4), ANY)], True),
    ("block_diag", lambda T, x, y, z: T.block_diag(x, y, z),
     [((2, 3), ANY), ((4,), ANY), ((), ANY)], True),
    ("block_diag_t", lambda T, x, y: T.block_diag(x.t(), y), [((3, 2), ANY), ((2, 2), ANY)], True),
    ("unravel_index", lambda T, x: x[T.unravel_index(T.tensor([5, 0, 7]), (3, 4))],
     [((3, 4), ANY)], True),
    ("range", lambda T, x: x * _range(T, 1, 2.5, 0.5, dtype=T.float64), [((3, 4), ANY)], True),
    ("empty_strided", lambda T, x: x + T.empty_strided((3, 4), (1, 3), dtype=T.float64).fill_(1),
     [((3, 4), ANY)], True),
    ("asarray", lambda T, x: x * T.asarray(np.arange(4.0)), [((3, 4), ANY)], True),
    ("frombuffer", lambda T, x: x * T.frombuffer(bytearray(np.arange(4.0).tobytes()),
                                                  dtype=T.float64),
     [((3, 4), ANY)], True),
    # (a file of its own per call: the row runs under several processes at once)
    ("from_file", lambda T, x: x * _from_file(T),
     [((3, 4), ANY)], True),
    ("hann_window", lambda T, x: x * T.hann_window(4, dtype=T.float64), [((3, 4), ANY)], True),
    ("hamming_window", lambda T, x: x * T.hamming_window(4, False, 0.6, 0.3, dtype=T.float64),
     [((3, 4), ANY)], True),
    ("blackman_window", lambda T, x: x * T.blackman_window(4, dtype=T.float64), [((3, 4), ANY)],
     True),
    ("bartlett_window", lambda T, x: x * T.bartlett_window(4, periodic=False, dtype=T.float64),
     [((3, 4), ANY)], True),
    ("kaiser_window", lambda T, x: x * T.kaiser_window(4, True, 5.0, dtype=T.float64),
     [((3, 4), ANY)], True),
]


def inplace_extra_args(ember):
    """The arguments after the input that in-place variants of these rows need."""
    return {"renorm": (2, 0, 1.0)}
