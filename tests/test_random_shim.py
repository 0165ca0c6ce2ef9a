"""ember.random: the CPU generator's state and fork_rng, drawing the same
numbers as torch.random."""
import pytest

import ember
from ember import random as erandom

torch = pytest.importorskip("torch")


def test_module_names():
    assert set(erandom.__all__) == set(torch.random.__all__)
    assert erandom.default_generator is ember.default_generator
    assert erandom.get_rng_state is ember.get_rng_state
    assert erandom.thread_safe_generator() is torch.random.thread_safe_generator() is None


def test_manual_seed_and_state_round_trip_match_pytorch():
    erandom.manual_seed(7)
    torch.random.manual_seed(7)
    assert erandom.initial_seed() == torch.random.initial_seed() == 7
    state = erandom.get_rng_state()
    assert state.dtype == ember.uint8 and state.tolist() == torch.random.get_rng_state().tolist()
    a = ember.rand(3)
    erandom.set_rng_state(state)
    assert ember.rand(3).tolist() == a.tolist() == torch.rand(3).tolist()


def test_fork_rng_restores_the_state():
    erandom.manual_seed(3)
    torch.manual_seed(3)
    with erandom.fork_rng():
        inside = ember.rand(2)
    with torch.random.fork_rng():
        their_inside = torch.rand(2)
    after, their_after = ember.rand(2), torch.rand(2)
    assert inside.tolist() == after.tolist() == their_inside.tolist() == their_after.tolist()
    with erandom.fork_rng(devices=[], device_type="cuda"):
        ember.rand(5)
    assert ember.rand(2).tolist() == torch.rand(2).tolist()


def test_fork_rng_disabled_and_restored_after_an_error():
    erandom.manual_seed(1)
    with erandom.fork_rng(enabled=False):
        first = ember.rand(1)
    assert ember.rand(1).tolist() != first.tolist()
    erandom.manual_seed(1)
    with pytest.raises(KeyError):
        with erandom.fork_rng(devices=iter([])):
            ember.rand(4)
            raise KeyError("x")
    assert ember.rand(1).tolist() == first.tolist()


def test_fork_rng_device_errors_match_pytorch():
    if torch.version.cuda:
        pytest.skip("a CUDA build of PyTorch has the devices a CPU build refuses")
    for kwargs in ({"devices": [0]}, {"device_type": "foo"}):
        with pytest.raises(Exception) as theirs:
            with torch.random.fork_rng(**kwargs):
                pass
        with pytest.raises(type(theirs.value), match=str(theirs.value)[:30]):
            with erandom.fork_rng(**kwargs):
                pass


def test_seed_is_random_and_recorded():
    s = erandom.seed()
    assert isinstance(s, int) and erandom.initial_seed() == s
