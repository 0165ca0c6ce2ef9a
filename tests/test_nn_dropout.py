"""Dropout variants against PyTorch: after the same manual_seed the masks
are PyTorch's bit for bit (element, feature and alpha forms, in place,
unbatched inputs), with its gradients, warnings, errors and reprs."""
import warnings

import numpy as np
import pytest

import ember
from compare_torch import check, check_error

torch = pytest.importorskip("torch")


def _x(shape, seed=0):
    return np.random.default_rng(seed).uniform(0.5, 2.0, shape).astype(np.float32)


def _seeded(fn, shape, seed=11, inplace_copy=False):
    """fn(T, x) after T.manual_seed(seed): output, input grad, and a draw after
    it (the generator must be left where PyTorch leaves it)."""
    def run(T):
        T.manual_seed(seed)
        x = T.tensor(_x(shape), requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = fn(T, x * 1 if inplace_copy else x)
        y.backward(T.tensor(_x(tuple(y.shape), 1)))
        return y, x.grad, T.rand(3)
    return run


F_CASES = [
    ("dropout", lambda T, x: T.nn.functional.dropout(x, 0.3), (5, 7)),
    ("dropout1d", lambda T, x: T.nn.functional.dropout1d(x, 0.4), (4, 6, 5)),
    ("dropout1d_unbatched", lambda T, x: T.nn.functional.dropout1d(x, 0.5), (6, 5)),
    ("dropout2d", lambda T, x: T.nn.functional.dropout2d(x, 0.5), (3, 5, 2, 3)),
    ("dropout2d_3d", lambda T, x: T.nn.functional.dropout2d(x, 0.3), (4, 5, 3)),
    ("dropout2d_5d", lambda T, x: T.nn.functional.dropout2d(x, 0.3), (2, 3, 2, 2, 2)),
    ("dropout3d", lambda T, x: T.nn.functional.dropout3d(x, 0.6), (3, 4, 2, 2, 3)),
    ("dropout3d_unbatched", lambda T, x: T.nn.functional.dropout3d(x, 0.5), (5, 2, 2, 3)),
    ("dropout3d_3d", lambda T, x: T.nn.functional.dropout3d(x, 0.5), (5, 2, 3)),
    ("alpha_dropout", lambda T, x: T.nn.functional.alpha_dropout(x, 0.2, True), (6, 5)),
    ("alpha_dropout_default_eval", lambda T, x: T.nn.functional.alpha_dropout(x, 0.2) * 1,
     (6, 5)),
    ("feature_alpha_dropout",
     lambda T, x: T.nn.functional.feature_alpha_dropout(x, 0.5, True), (4, 6, 3)),
    ("feature_alpha_dropout_4d",
     lambda T, x: T.nn.functional.feature_alpha_dropout(x, 0.25, True), (3, 4, 2, 2)),
    ("dropout_p1", lambda T, x: T.nn.functional.dropout2d(x, 1.0), (2, 3, 2, 2)),
    ("alpha_dropout_p1", lambda T, x: T.nn.functional.alpha_dropout(x, 1.0, True), (3, 4)),
    ("dropout_p0", lambda T, x: T.nn.functional.dropout3d(x, 0.0) * 1, (2, 3, 2, 2, 2)),
    ("eval", lambda T, x: T.nn.functional.dropout2d(x, 0.5, training=False) * 1, (2, 3, 2, 2)),
    ("torch_dropout", lambda T, x: T.dropout(x, 0.25, True), (4, 9)),
    ("torch_feature_dropout", lambda T, x: T.feature_dropout(x, 0.25, True), (4, 9, 2)),
    ("torch_alpha_dropout_eval", lambda T, x: T.alpha_dropout(x, 0.25, False) * 1, (4, 9)),
]


@pytest.mark.parametrize("fn,shape", [c[1:] for c in F_CASES], ids=[c[0] for c in F_CASES])
def test_functional_masks_match_torch_bit_for_bit(fn, shape):
    check(_seeded(fn, shape), exact=True)


INPLACE_CASES = [
    ("dropout", lambda T, x: T.nn.functional.dropout(x, 0.3, inplace=True), (5, 7)),
    ("dropout1d", lambda T, x: T.nn.functional.dropout1d(x, 0.4, inplace=True), (4, 6, 5)),
    ("dropout1d_unbatched", lambda T, x: T.nn.functional.dropout1d(x, 0.4, inplace=True),
     (6, 5)),
    ("dropout2d", lambda T, x: T.nn.functional.dropout2d(x, 0.5, inplace=True), (3, 5, 2, 3)),
    ("dropout3d_unbatched", lambda T, x: T.nn.functional.dropout3d(x, 0.5, inplace=True),
     (5, 2, 2, 3)),
    ("alpha_dropout", lambda T, x: T.nn.functional.alpha_dropout(x, 0.2, True, True), (6, 5)),
    ("feature_alpha_dropout",
     lambda T, x: T.nn.functional.feature_alpha_dropout(x, 0.5, True, True), (4, 6, 3)),
    ("torch_dropout_", lambda T, x: T.dropout_(x, 0.7, True), (3, 8)),
    ("torch_alpha_dropout_", lambda T, x: T.feature_alpha_dropout_(x, 0.7, True), (3, 8)),
]


@pytest.mark.parametrize("fn,shape", [c[1:] for c in INPLACE_CASES],
                         ids=[c[0] for c in INPLACE_CASES])
def test_inplace_masks_match_torch(fn, shape):
    check(_seeded(fn, shape, inplace_copy=True), exact=True)

    def same_object(T):
        T.manual_seed(0)
        x = T.tensor(_x(shape))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(T, x) is x, x._version if T is ember else x._version
    check(same_object)


MODULE_CASES = [
    ("Dropout", (0.3,), (5, 6)), ("Dropout1d", (0.5,), (3, 4, 5)),
    ("Dropout1d", (0.5,), (4, 5)), ("Dropout2d", (0.4,), (2, 5, 3, 3)),
    ("Dropout3d", (0.4,), (2, 5, 2, 3, 2)), ("Dropout3d", (0.4,), (5, 2, 3, 2)),
    ("AlphaDropout", (0.3,), (6, 7)), ("FeatureAlphaDropout", (0.3,), (4, 6, 2, 2)),
]


@pytest.mark.parametrize("name,args,shape", MODULE_CASES)
def test_modules_match_torch(name, args, shape):
    def run(T, train, inplace):
        m = getattr(T.nn, name)(*args, inplace=inplace)
        m.train(train)
        T.manual_seed(3)
        x = T.tensor(_x(shape))
        y = m(x.clone() if inplace else x)
        return y, repr(m), T.rand(2)
    for train in (True, False):
        for inplace in (False, True):
            check(lambda T: run(T, train, inplace), exact=True)

    def identity(T):
        # eval: a batched input is returned itself, an unbatched one a view
        x = T.tensor(_x(shape))
        return getattr(T.nn, name)(*args).eval()(x) is x
    check(identity)


def test_gradcheck_through_masks():
    for fn in (lambda x: ember.nn.functional.dropout2d(x.unsqueeze(-1), 0.4),
               lambda x: ember.nn.functional.alpha_dropout(x, 0.4, True),
               lambda x: ember.nn.functional.feature_alpha_dropout(x, 0.4, True),
               lambda x: ember.nn.functional.dropout1d(x, 0.4)):
        def seeded(x):
            ember.manual_seed(5)
            return fn(x)
        x = ember.tensor(_x((3, 4, 2)).astype(np.float64), requires_grad=True)
        assert ember.autograd.gradcheck(seeded, (x,), eps=1e-6, atol=1e-5)
        assert ember.autograd.gradgradcheck(seeded, (x,), eps=1e-6, atol=1e-4)


def test_warnings_as_torch():
    cases = [(lambda T: T.nn.functional.dropout2d(T.ones(2, 3, 4)),
              "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D"),
             (lambda T: T.nn.functional.dropout2d(T.ones(2, 3)),
              "dropout2d: Received a 2-D input to dropout2d, which is deprecated"),
             (lambda T: T.nn.functional.dropout3d(T.ones(2, 3, 4)),
              "dropout3d: Received a 3-D input to dropout3d, which is deprecated")]
    for fn, text in cases:
        got = {}
        for T in (ember, torch):
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                fn(T)
            got[T] = [(str(x.message), x.category, x.filename) for x in w]
            assert got[T] and text in got[T][0][0]
            assert all(f == __file__ for _, _, f in got[T])     # the caller's line
        assert [m[:2] for m in got[ember]] == [m[:2] for m in got[torch]]


def test_errors_as_torch():
    F = lambda T: T.nn.functional  # noqa: E731
    x = lambda T: (T.ones(2, 3, 4),)  # noqa: E731
    for name in ("dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout",
                 "feature_alpha_dropout"):
        for p in (-0.1, 1.5):
            check_error(x, lambda T, t: getattr(F(T), name)(t, p))
    check_error(lambda T: (T.ones(3),), lambda T, t: F(T).dropout1d(t))
    check_error(lambda T: (T.ones(1, 2, 3, 4),), lambda T, t: F(T).dropout1d(t))
    for name in ("dropout", "alpha_dropout", "feature_dropout", "feature_alpha_dropout"):
        check_error(x, lambda T, t: getattr(T, name)(t, 1.5, True))
        check_error(x, lambda T, t: getattr(T, name + "_")(t, -2, True))
    for name in ("feature_dropout", "feature_alpha_dropout"):
        check_error(lambda T: (T.ones(3),), lambda T, t: getattr(T, name)(t, 0.5, True))
    check(lambda T: T.feature_dropout(T.ones(3), 0.0, True))
    check(lambda T: T.feature_alpha_dropout(T.ones(3), 0.5, False))
    for name in ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
                 "FeatureAlphaDropout"):
        check(lambda T: getattr(T.nn, name)(1.2))
    leaf = lambda T: (T.ones(2, 3, requires_grad=True),)  # noqa: E731
    check_error(leaf, lambda T, t: F(T).dropout(t, 0.5, inplace=True))


def test_integer_inputs_as_torch():
    for fn in (lambda T: T.nn.functional.dropout(T.ones(2, 3, dtype=T.int64), 0.5),
               lambda T: T.nn.functional.alpha_dropout(T.ones(2, 3, dtype=T.int64), 0.5, True),
               lambda T: T.nn.functional.dropout2d(T.ones(2, 3, 2, dtype=T.bool), 0.5),
               lambda T: T.nn.functional.dropout(T.ones(2, 3, dtype=T.int64), 1.0),
               lambda T: T.nn.functional.dropout(T.ones(2, 3, dtype=T.int64), 0.5, False)):
        check(fn)


@pytest.mark.parametrize("dtype", ["float16", "float64"])
def test_masks_and_scales_in_other_dtypes(dtype):
    """The noise is scaled in PyTorch's opmath type (float for half) and
    rounded to the input's dtype after each step, as ATen does."""
    for fn in (lambda T, x: T.nn.functional.dropout(x, 0.3),
               lambda T, x: T.nn.functional.dropout1d(x, 0.3),
               lambda T, x: T.nn.functional.alpha_dropout(x * 1.3, 0.3, True),
               lambda T, x: T.nn.functional.feature_alpha_dropout(x * 0.7, 0.6, True)):
        def run(T):
            T.manual_seed(1)
            return fn(T, T.ones(6, 5, 3, dtype=getattr(T, dtype)))
        check(run, exact=True)


@pytest.mark.parametrize("fn", [
    lambda T, x: T.nn.functional.dropout(x, 0.4),
    lambda T, x: T.nn.functional.alpha_dropout(x, 0.4, training=True),
    lambda T, x: T.dropout(x, 0.4, True),
])
def test_dropout_of_transposed_input_draws_in_memory_order(fn):
    # ATen's noise is empty_like(input), filled in memory order: a transposed
    # input (a GRU's batch_first output) gets another mask than its copy, and
    # the result keeps the input's strides.
    def run(T):
        T.manual_seed(11)
        x = T.tensor(_x((3, 4, 5)), requires_grad=True)
        y = fn(T, x.transpose(0, 1))
        y.backward(T.tensor(_x((4, 3, 5), 1)))
        return y.detach().numpy(), y.stride(), x.grad.numpy(), T.rand(3).numpy()
    ours, theirs = run(ember), run(torch)
    assert ours[1] == theirs[1]
    assert all(np.array_equal(a, b) for a, b in zip(ours[:1] + ours[2:], theirs[:1] + theirs[2:]))
