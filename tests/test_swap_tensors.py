"""utils.swap_tensors and torch.__future__'s switches for module conversion
and load_state_dict, against PyTorch."""
import weakref

import pytest

import ember
from compare_torch import check

torch = pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _switches_restored():
    yield
    for T in (ember, torch):
        T.__future__.set_swap_module_params_on_conversion(False)
        T.__future__.set_overwrite_module_params_on_conversion(False)


def _plain(t):
    return (type(t).__name__, t.detach().tolist(), str(t.dtype),
            t.requires_grad, t.is_leaf, t.grad_fn is None)


def test_swap_keeps_identity_and_trades_contents():
    def swapped(T):
        t1, t2 = T.arange(2), T.arange(3.)
        p, q = T.nn.Parameter(T.ones(2)), T.zeros(3, requires_grad=True)
        p.grad = T.full((2,), 5.)
        ids = id(t1), id(p)
        T.utils.swap_tensors(t1, t2)
        T.utils.swap_tensors(p, q)
        assert (id(t1), id(p)) == ids
        return [_plain(t) for t in (t1, t2, p, q)], q.grad.tolist(), p.grad
    check(swapped)


def test_swap_refuses_as_pytorch():
    def with_weakref(T, which):
        a, b = T.ones(2), T.zeros(2)
        keep = weakref.ref(a if which == 1 else b)    # noqa: F841  (alive during the swap)
        T.utils.swap_tensors(a, b)
    check(lambda T: with_weakref(T, 1))
    check(lambda T: with_weakref(T, 2))


@pytest.mark.parametrize("swap,overwrite", [(False, False), (True, False), (False, True),
                                            (True, True)])
def test_module_conversion_under_the_switches(swap, overwrite):
    def convert(T):
        T.__future__.set_swap_module_params_on_conversion(swap)
        T.__future__.set_overwrite_module_params_on_conversion(overwrite)
        m = T.nn.Linear(2, 3)
        with T.no_grad():
            m.weight.copy_(T.arange(6.).reshape(3, 2))
        m.weight.grad = T.ones(3, 2)
        w, g = m.weight, m.weight.grad
        opt = T.optim.SGD(m.parameters(), lr=0.5)
        m.double()
        seen = (m.weight is w, m.weight.grad is g, _plain(m.weight), _plain(m.weight.grad),
                str(opt.param_groups[0]["params"][0].dtype),
                str(m.bias.dtype))
        opt.step()      # updates what the optimizer holds: the module's weight, or not
        return seen, m.weight.tolist()
    check(convert)


@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("assign", [False, True])
def test_load_state_dict_under_the_switch(swap, assign):
    def load(T):
        T.__future__.set_swap_module_params_on_conversion(swap)
        m = T.nn.Linear(2, 3)
        w = m.weight
        state = {"weight": T.arange(6.).reshape(3, 2), "bias": T.ones(3)}
        result = m.load_state_dict(state, assign=assign)
        return (str(result), m.weight is w, m.weight is state["weight"], _plain(m.weight),
                _plain(m.bias), state["weight"].requires_grad)
    check(load)


def test_meta_module_loads_by_swapping():
    def load(T):
        with T.device("meta"):
            m = T.nn.Linear(3, 2)
        w = m.weight
        T.__future__.set_swap_module_params_on_conversion(True)
        m.load_state_dict({"weight": T.ones(2, 3), "bias": T.zeros(2)}, assign=True)
        return m.weight is w, m.weight.is_meta, _plain(m.weight), _plain(m.bias)
    check(load)


def test_module_load_returning_an_input_is_refused():
    class Returns(ember.nn.Parameter):
        def module_load(self, other, assign=False):
            return other

    m = ember.nn.Linear(2, 2)
    m.weight = Returns(ember.ones(2, 2))
    ember.__future__.set_swap_module_params_on_conversion(True)
    with pytest.raises(RuntimeError, match="module_load returned one of self or other"):
        m.load_state_dict({"weight": ember.zeros(2, 2), "bias": ember.zeros(2)})


def test_switches_default_off():
    for name in ("swap", "overwrite"):
        fn = f"get_{name}_module_params_on_conversion"
        assert getattr(ember.__future__, fn)() is getattr(torch.__future__, fn)() is False
