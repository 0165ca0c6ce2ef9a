"""Optimizer misuse: PyTorch's exception types and messages, nothing changed
by a failed step; the foreach/fused/capturable/differentiable flags accepted
and refused as PyTorch (CPU) does them; SparseAdam on dense gradients."""
import numpy as np
import pytest

import ember
from compare_torch import check_error

OPTIMIZERS = ["SGD", "Adam", "AdamW", "Adamax", "Adagrad", "Adadelta", "RMSprop", "Rprop",
              "NAdam", "RAdam", "ASGD", "SparseAdam", "LBFGS"]


def _param(T):
    return (T.nn.Parameter(T.ones(2)),)


def _with_grad(T):
    p = T.nn.Parameter(T.ones(2))
    p.grad = T.ones(2)
    return (p,)


CONSTRUCTOR_ERRORS = [
    ("SGD", dict(lr=-1)), ("Adam", dict(lr=-1)), ("Adam", dict(eps=-1)),
    ("Adam", dict(betas=(1.0, 0.9))), ("Adam", dict(betas=(0.9, -0.1))),
    ("Adam", dict(weight_decay=-1)), ("Adam", dict(betas=(0.9, 1))),
    ("AdamW", dict(lr=-1e-3)),
    ("Adamax", dict(lr=-1)), ("Adamax", dict(eps=-1)), ("Adamax", dict(betas=(0.9, 1.0))),
    ("Adamax", dict(weight_decay=-0.5)),
    ("Adagrad", dict(lr=-1)), ("Adagrad", dict(lr_decay=-1)), ("Adagrad", dict(eps=-1)),
    ("Adagrad", dict(weight_decay=-1)), ("Adagrad", dict(initial_accumulator_value=-1)),
    ("Adadelta", dict(lr=-1)), ("Adadelta", dict(rho=1.5)), ("Adadelta", dict(eps=-1)),
    ("Adadelta", dict(weight_decay=-1)),
    ("RMSprop", dict(lr=-1)), ("RMSprop", dict(eps=-1)), ("RMSprop", dict(momentum=-1)),
    ("RMSprop", dict(weight_decay=-1)), ("RMSprop", dict(alpha=-1)),
    ("Rprop", dict(lr=-1)), ("Rprop", dict(etas=(1.5, 2.0))), ("Rprop", dict(etas=(0.5, 0.9))),
    ("NAdam", dict(lr=-1)), ("NAdam", dict(momentum_decay=-1)), ("NAdam", dict(eps=-1)),
    ("NAdam", dict(betas=(0.9, 1.0))), ("NAdam", dict(weight_decay=-1)),
    ("RAdam", dict(lr=-1)), ("RAdam", dict(betas=(-0.1, 0.9))), ("RAdam", dict(eps=-1)),
    ("RAdam", dict(weight_decay=-1)),
    ("ASGD", dict(lr=-1)), ("ASGD", dict(weight_decay=-1)),
    ("SparseAdam", dict(lr=0)), ("SparseAdam", dict(eps=0)),
    ("SparseAdam", dict(betas=(1.0, 0.9))),
    ("LBFGS", dict(lr=-1)),
    # fused / foreach / differentiable / capturable combinations
    ("SGD", dict(fused=True, foreach=True)), ("SGD", dict(fused=True, differentiable=True)),
    ("Adam", dict(fused=True, foreach=True)), ("Adam", dict(fused=True, differentiable=True)),
    ("AdamW", dict(fused=True, foreach=True)),
    ("Adagrad", dict(fused=True, foreach=True)),
    ("Adagrad", dict(fused=True, differentiable=True)),
    ("SGD", dict(capturable=True)), ("Adagrad", dict(capturable=True)),
    ("Adamax", dict(fused=True)), ("Adadelta", dict(fused=True)), ("RMSprop", dict(fused=True)),
    ("Rprop", dict(fused=True)), ("NAdam", dict(fused=True)), ("RAdam", dict(fused=True)),
    ("ASGD", dict(fused=True)), ("SparseAdam", dict(foreach=True)),
    ("LBFGS", dict(foreach=True)), ("LBFGS", dict(differentiable=True)),
]


@pytest.mark.parametrize("name,kw", CONSTRUCTOR_ERRORS,
                         ids=[f"{n}-{'-'.join(k)}" for n, k in CONSTRUCTOR_ERRORS])
def test_constructor_errors_vs_torch(name, kw):
    check_error(_param, lambda T, p: getattr(T.optim, name)([p], **kw))


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_common_errors_vs_torch(name):
    check_error(_param, lambda T, p: getattr(T.optim, name)([]))
    check_error(_param, lambda T, p: getattr(T.optim, name)([p * 2]))
    check_error(_param, lambda T, p: getattr(T.optim, name)(p))
    check_error(_param, lambda T, p: getattr(T.optim, name)([p, 3]))
    check_error(_param, lambda T, p: getattr(T.optim, name)([{"params": [p]},
                                                              {"params": [p]}]))
    check_error(_param, lambda T, p: getattr(T.optim, name)([p], lr=T.ones(2)))


LR_TENSOR_ERRORS = [
    ("Adam", dict(foreach=True)), ("AdamW", dict(foreach=True)),
]


@pytest.mark.parametrize("name,kw", LR_TENSOR_ERRORS, ids=[n for n, _ in LR_TENSOR_ERRORS])
def test_tensor_hyperparameter_errors_vs_torch(name, kw):
    check_error(_param, lambda T, p: getattr(T.optim, name)([p], lr=T.tensor(0.1), **kw))
    check_error(_param, lambda T, p: getattr(T.optim, name)(
        [p], betas=(T.tensor(0.9), T.tensor(0.99)), **kw))
    check_error(_param, lambda T, p: getattr(T.optim, name)(
        [p], betas=(T.tensor(0.9), 0.99)))
    check_error(_param, lambda T, p: getattr(T.optim, name)(
        [p], betas=(T.tensor([0.9, 0.8]), T.tensor(0.99))))


def test_adam_lr_made_a_tensor_later_with_foreach_vs_torch():
    def step(T, p):
        opt = T.optim.Adam([p], foreach=True)
        opt.param_groups[0]["lr"] = T.tensor(0.01)
        opt.step()
    check_error(_with_grad, step)


def test_one_element_tensor_betas_are_kept_0d_vs_torch():
    torch = pytest.importorskip("torch")
    reprs = []
    for T in (torch, ember):
        p = T.nn.Parameter(T.ones(3))
        opt = T.optim.Adam([p], betas=(T.tensor([0.8]), T.tensor([[0.9]])))
        p.grad = T.ones(3)
        opt.step()
        reprs.append((repr(opt), p.tolist()))
    assert reprs[0][0] == reprs[1][0]
    np.testing.assert_allclose(reprs[1][1], reprs[0][1], rtol=1e-6)


CAPTURABLE = ["Adam", "AdamW", "Adamax", "Adadelta", "RMSprop", "Rprop", "NAdam", "RAdam",
              "ASGD"]


@pytest.mark.parametrize("name", CAPTURABLE)
def test_step_errors_vs_torch(name):
    """capturable=True needs an accelerator; differentiable=True cannot update a
    leaf in place. Both fail in step(), leaving the parameter alone."""
    check_error(_with_grad, lambda T, p: getattr(T.optim, name)([p], capturable=True).step())
    check_error(_with_grad,
                lambda T, p: getattr(T.optim, name)([p], differentiable=True).step())


@pytest.mark.parametrize("name", ["SGD", "Adagrad"])
def test_differentiable_leaf_step_error_vs_torch(name):
    check_error(_with_grad,
                lambda T, p: getattr(T.optim, name)([p], differentiable=True).step())


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "NAdam", "Rprop", "ASGD"])
def test_differentiable_without_anything_to_record_vs_torch(name):
    """Parameters that do not require grad: torch's differentiable step records
    nothing, and its values are those of the plain step."""
    torch = pytest.importorskip("torch")
    out = {}
    for lib in (torch, ember):
        p = lib.linspace(-1.0, 1.0, 7)
        opt = getattr(lib.optim, name)([p], lr=0.01, differentiable=True)
        for k in range(5):
            p.grad = lib.cos(lib.arange(7.0) * (k + 1))
            opt.step()
        out[lib] = p.numpy().copy()
    np.testing.assert_allclose(out[ember], out[torch], rtol=1e-6, atol=1e-7)


def test_differentiable_non_leaf_is_refused_plainly():
    w = ember.ones(2, requires_grad=True)
    p = w * 1.0
    p.retain_grad()
    p.grad = ember.ones(2)
    opt = ember.optim.Adam([p], differentiable=True)
    with pytest.raises(NotImplementedError, match="differentiable=True"):
        opt.step()


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adagrad"])
def test_fused_needs_floating_point_params_vs_torch(name):
    def setup(T):
        p = T.ones(2, dtype=T.int64)
        p.grad = T.ones(2, dtype=T.int64)
        return (p,)

    check_error(setup, lambda T, p: getattr(T.optim, name)([p], fused=True).step())


@pytest.mark.parametrize("name,kw", [("SGD", dict(lr=0.1)), ("Adam", {}), ("AdamW", {}),
                                     ("Adagrad", {})])
def test_fused_on_cpu_runs_and_keeps_a_float32_step(name, kw):
    torch = pytest.importorskip("torch")
    out = {}
    for lib in (torch, ember):
        p = lib.nn.Parameter(lib.ones(3, dtype=lib.float64))
        opt = getattr(lib.optim, name)([p], fused=True, **kw)
        p.grad = lib.full((3,), 0.5, dtype=lib.float64)
        opt.step()
        out[lib] = (p.tolist(), {k: str(v.dtype).split(".")[1]
                                 for k, v in opt.state[p].items()})
    assert out[ember][1] == out[torch][1]
    np.testing.assert_allclose(out[ember][0], out[torch][0], rtol=1e-12)


def test_sparse_adam_vs_torch():
    check_error(_with_grad, lambda T, p: T.optim.SparseAdam([p]).step())
    # Parameters without gradients: nothing to do, as in torch.
    p = ember.nn.Parameter(ember.ones(2))
    opt = ember.optim.SparseAdam([p], lr=0.1, betas=(0.8, 0.9), eps=1e-6, maximize=True)
    assert opt.step() is None and p.tolist() == [1.0, 1.0]
    torch = pytest.importorskip("torch")
    assert repr(opt) == repr(torch.optim.SparseAdam(
        [torch.nn.Parameter(torch.ones(2))], lr=0.1, betas=(0.8, 0.9), eps=1e-6, maximize=True))


def test_lbfgs_errors_vs_torch():
    check_error(_with_grad, lambda T, p: T.optim.LBFGS([p]).step())
    check_error(_param, lambda T, p: T.optim.LBFGS([{"params": [p]},
                                                    {"params": [T.nn.Parameter(T.ones(1))]}]))

    torch = pytest.importorskip("torch")
    # The line search is looked up after the closure ran (grads change, as in torch).
    errors = []
    for T in (torch, ember):
        p = T.nn.Parameter(T.ones(2))
        opt = T.optim.LBFGS([p], line_search_fn="armijo")

        def closure():
            opt.zero_grad()
            loss = (p * p).sum()
            loss.backward()
            return loss
        with pytest.raises(RuntimeError) as info:
            opt.step(closure)
        errors.append((str(info.value), p.tolist()))
    assert errors[0] == errors[1] == ("only 'strong_wolfe' is supported", [1.0, 1.0])


def test_every_public_optimizer_exists():
    torch = pytest.importorskip("torch")
    missing = [n for n in torch.optim.__all__ if not hasattr(ember.optim, n)]
    assert missing == []


def _signature(f):
    import inspect
    return [(p.name, p.kind.name, p.default if p.default is not inspect.Parameter.empty
             else "<required>") for p in inspect.signature(f).parameters.values()]


def test_signatures_match_torch():
    """Argument names, order, kinds (keyword-only or not) and defaults."""
    torch = pytest.importorskip("torch")
    pairs = [(getattr(torch.optim, n), getattr(ember.optim, n)) for n in torch.optim.__all__
             if n not in ("lr_scheduler", "swa_utils")]
    for mod in ("lr_scheduler", "swa_utils"):
        t_mod, e_mod = getattr(torch.optim, mod), getattr(ember.optim, mod)
        pairs += [(getattr(t_mod, n), getattr(e_mod, n)) for n in t_mod.__all__]
    methods = ["__init__", "step", "state_dict", "load_state_dict", "zero_grad",
               "add_param_group", "get_last_lr", "update_parameters"]
    checked = 0
    for t, e in pairs:
        for meth in (methods if isinstance(t, type) else [None]):
            tf = getattr(t, meth, None) if meth else t
            if tf is None:
                continue
            ef = getattr(e, meth) if meth else e
            assert _signature(ef) == _signature(tf), (t.__name__, meth)
            checked += 1
    assert checked > 100


def _misuse_messages(T):
    m = T.nn.Linear(1, 1)
    opt_classes = ["ASGD", "Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "Adamax", "NAdam",
                   "RAdam", "RMSprop", "Rprop", "SGD"]
    said = [getattr(T.optim, n).step.__qualname__ for n in opt_classes]
    calls = [lambda: T.optim.Adam(m.parameters()).step(1, 2),
             lambda: T.optim.RMSprop(m.parameters()).step(1, 2),
             lambda: T.optim.SGD(m.parameters()).add_param_group(),
             lambda: m.to_empty(), lambda: m.register_buffer("x"), lambda: m.load_state_dict(),
             lambda: m.register_forward_hook()]
    for call in calls:
        try:
            call()
        except TypeError as e:
            said.append(str(e))
    return said


def test_methods_are_named_as_torch_in_missing_argument_errors():
    # Python words these from the function's qualified name: Ember's shared
    # optimizer loop and Module's mixins answer to PyTorch's class names.
    torch = pytest.importorskip("torch")
    assert _misuse_messages(ember) == _misuse_messages(torch)


def test_duplicate_parameter_warning_is_filed_inside_the_library():
    """PyTorch files it at one line of its own (add_param_group runs under
    torch._disable_dynamo), so Python's default filter shows it once per
    process, whichever optimizer or call site."""
    import os
    import warnings
    p = ember.nn.Parameter(ember.ones(2))
    for make in (ember.optim.SGD, ember.optim.Adam, ember.optim.RMSprop):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            make([p, p], lr=0.1)
        assert [str(w.message).split(";")[0] for w in caught] == [
            "optimizer contains a parameter group with duplicate parameters"]
        assert caught[0].filename.endswith(os.path.join("optim", "optimizer.py"))
