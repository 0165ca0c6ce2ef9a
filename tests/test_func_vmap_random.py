"""Random ops inside torch.func.vmap against PyTorch, for each randomness
flag: the numbers each sample gets ('same': one sample's draw for all;
'different': the draws of one call on the whole batch, feature dropouts'
masks included), the generator's state after, and the refusals (a
distribution's batched parameter under 'same', rrelu, 'error')."""
import pytest

from compare_torch import check

pytest.importorskip("torch")

OPS = {
    "rand_like": lambda T, t: T.rand_like(t),
    "randn_like": lambda T, t: T.randn_like(t),
    "randint_like": lambda T, t: T.randint_like(t, 10),
    "dropout": lambda T, t: T.nn.functional.dropout(t, 0.5),
    "dropout_module": lambda T, t: T.nn.Dropout(0.5)(t),
    "dropout_inplace": lambda T, t: T.nn.functional.dropout(t * 1, 0.5, inplace=True),
    "alpha_dropout": lambda T, t: T.nn.functional.alpha_dropout(t, 0.5, True),
    "dropout1d_unbatched": lambda T, t: T.nn.functional.dropout1d(t.reshape(2, 3), 0.5),
    "dropout1d_batched": lambda T, t: T.nn.functional.dropout1d(t.reshape(1, 2, 3), 0.5),
    "dropout2d": lambda T, t: T.nn.functional.dropout2d(t.reshape(1, 2, 3, 1), 0.5),
    "dropout3d_unbatched": lambda T, t: T.nn.functional.dropout3d(t.reshape(2, 3, 1, 1), 0.5),
    "dropout3d_batched": lambda T, t: T.nn.functional.dropout3d(t.reshape(1, 2, 3, 1, 1), 0.5),
    "feature_alpha_dropout": lambda T, t: T.nn.functional.feature_alpha_dropout(
        t.reshape(2, 3), 0.5, True),
    "feature_alpha_dropout_1d": lambda T, t: T.nn.functional.feature_alpha_dropout(t, 0.5, True),
    "bernoulli_inplace": lambda T, t: (t * 1).bernoulli_(0.5),
    "uniform_": lambda T, t: (t * 1).uniform_(),
    "normal_": lambda T, t: (t * 1).normal_(),
    "random_": lambda T, t: (t * 1).random_(0, 10),
    "exponential_": lambda T, t: (t * 1).exponential_(),
    "generator": lambda T, t: t + T.rand(6, generator=T.Generator().manual_seed(1)),
    "bernoulli": lambda T, t: T.bernoulli(t * 0.5),
    "normal_mean": lambda T, t: T.normal(t, 1.0),
    "multinomial": lambda T, t: T.multinomial(t, 2),
    "poisson": lambda T, t: T.poisson(t),
    "binomial": lambda T, t: T.binomial(t * 5, T.full((6,), 0.5)),
    "rrelu": lambda T, t: T.nn.functional.rrelu(t - 2, training=True),
    "rrelu_eval": lambda T, t: T.nn.RReLU().eval()(t - 2),
    "unbatched_draw": lambda T, t: t + T.rand(6),
    "dropout_eval": lambda T, t: T.nn.functional.dropout(t, 0.5, training=False),
}


@pytest.mark.parametrize("randomness", ["same", "different", "error"])
@pytest.mark.parametrize("name", list(OPS))
def test_random_ops_in_vmap_as_torch(name, randomness):
    def run(T):
        T.manual_seed(0)
        out = T.func.vmap(lambda t: OPS[name](T, t), randomness=randomness)(T.ones(4, 6))
        return out, T.rand(3)       # (and where the generator was left)
    check(run)
