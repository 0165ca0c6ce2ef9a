"""Draws PyTorch makes with its own C++ samplers (Poisson, binomial), which
Ember does not reproduce (gamma and Dirichlet it does: _random_gamma):
NumPy's samplers, seeded from the Ember generator's stream, so that
manual_seed still makes them repeatable."""
from ._backend import np
from ._random import _gen


def numpy_stream(gen=None):
    """A NumPy generator seeded by 128 bits of this generator's stream: Poisson
    and binomial draws come from NumPy's samplers (PyTorch's own C++
    ones are not reproduced), and manual_seed still makes them repeatable."""
    words = _gen(gen)._raw64(2)
    return np.random.Generator(np.random.PCG64([int(w) for w in words]))


def poisson(rate, gen=None):
    r = np.asarray(rate, np.float64)
    if not (r >= 0).all():  # NaN too
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    return numpy_stream(gen).poisson(r).astype(np.float64)


def binomial(count, prob, gen=None):
    """PyTorch draws every trial a success for prob > 1 and none for a negative count."""
    n = np.maximum(np.asarray(count, np.float64), 0).astype(np.int64)
    p = np.clip(np.asarray(prob, np.float64), 0.0, 1.0)
    return numpy_stream(gen).binomial(n, p).astype(np.float64)
