"""nn.modules.utils: the n-tuple parsers the conv and pool modules share,
against torch.nn.modules.utils."""
import numpy as np
import pytest

from ember.nn.modules import utils as U

torch = pytest.importorskip("torch")
TU = pytest.importorskip("torch.nn.modules.utils")

VALUES = [3, 2.5, (1, 2), [4], (5, 6, 7), np.array([2, 3]), range(3), "ab", None]


@pytest.mark.parametrize("name", ["_single", "_pair", "_triple", "_quadruple"])
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_ntuple_parsers(name, value):
    ours, theirs = getattr(U, name), getattr(TU, name)
    assert ours(value) == theirs(value)
    assert type(ours(value)) is tuple
    assert ours.__name__ == theirs.__name__ == name


def test_ntuple_any_n():
    assert U._ntuple(5)(1) == TU._ntuple(5)(1) == (1,) * 5
    assert U._ntuple(0)(7) == TU._ntuple(0)(7) == ()
    assert U._ntuple(2).__name__ == TU._ntuple(2).__name__ == "parse"


@pytest.mark.parametrize("t,n", [((1, 2), 2), ((3,), 1), ((1, 2, 3), 3), ((), 2)])
def test_reverse_repeat_tuple(t, n):
    assert U._reverse_repeat_tuple(t, n) == TU._reverse_repeat_tuple(t, n)


def test_modules_use_the_shared_parsers():
    import ember
    for name, args in (("MaxUnpool2d", (np.array([2, 3]),)), ("MaxUnpool3d", (2, None, 1)),
                       ("AvgPool1d", ((3,), 2)), ("Conv2d", (1, 2, np.array([3, 1]))),
                       ("ConvTranspose3d", (1, 2, 3))):
        ours, theirs = getattr(ember.nn, name)(*args), getattr(torch.nn, name)(*args)
        assert repr(ours) == repr(theirs)


def _ddp_like_state_dict(lib):
    inner = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.BatchNorm1d(3))
    outer = lib.nn.Module()
    outer.module = inner
    return outer.state_dict()


def test_consume_prefix_in_state_dict_if_present():
    import ember
    ours, theirs = _ddp_like_state_dict(ember), _ddp_like_state_dict(torch)
    U.consume_prefix_in_state_dict_if_present(ours, "module.")
    TU.consume_prefix_in_state_dict_if_present(theirs, "module.")
    assert list(ours) == list(theirs) == ["0.weight", "0.bias", "1.weight", "1.bias",
                                          "1.running_mean", "1.running_var",
                                          "1.num_batches_tracked"]
    assert ours._metadata == theirs._metadata
    assert list(ours._metadata) == ["", "0", "1"]
    plain = {"a.x": 1, "module.y": 2}      # no _metadata: keys only
    U.consume_prefix_in_state_dict_if_present(plain, "module.")
    assert plain == {"a.x": 1, "y": 2}
