"""gradcheck's check_batched_grad and check_batched_forward_grad, and
gradgradcheck's check_batched_grad, against PyTorch's: the verdicts, and
the global random stream after (each check draws two randn_like vectors
per output, or per input in forward mode)."""
import pytest

from compare_torch import check

torch = pytest.importorskip("torch")


def _x(T):
    return T.linspace(-1, 1, 6, dtype=T.float64).reshape(2, 3).requires_grad_()


def _w(T):
    return T.linspace(0.2, 1, 3, dtype=T.float64).requires_grad_()


def _custom(T, with_vmap):
    """2a, with jvp; with_vmap: a vmap staticmethod that is wrong (3a), which
    gradcheck's batched checks never call (PyTorch's legacy vmap does not)."""
    body = {"forward": staticmethod(lambda a: a * 2),
            "setup_context": staticmethod(lambda ctx, inputs, output: None),
            "backward": staticmethod(lambda ctx, g: g * 2),
            "jvp": staticmethod(lambda ctx, t: t * 2)}
    if with_vmap:
        body["vmap"] = staticmethod(lambda info, in_dims, a: (a * 3, in_dims[0]))
    return type("Double", (T.autograd.Function,), body).apply


CASES = {
    "softmax_product": lambda T: T.autograd.gradcheck(
        lambda a, b: (a.softmax(-1) * b).sin(), (_x(T), _w(T)), check_batched_grad=True),
    "two_outputs_forward": lambda T: T.autograd.gradcheck(
        lambda a, b: (a @ b, a.exp()), (_x(T), _w(T)), check_batched_grad=True,
        check_forward_ad=True, check_batched_forward_grad=True),
    "unused_input": lambda T: T.autograd.gradcheck(
        lambda a, b: a.tanh(), (_x(T), _w(T)), check_batched_grad=True),
    "custom_function": lambda T: T.autograd.gradcheck(
        _custom(T, False), (_w(T),), check_batched_grad=True, check_forward_ad=True,
        check_batched_forward_grad=True),
    "custom_function_own_vmap": lambda T: T.autograd.gradcheck(
        _custom(T, True), (_w(T),), check_batched_grad=True, check_forward_ad=True,
        check_batched_forward_grad=True),
    "gradgradcheck": lambda T: T.autograd.gradgradcheck(
        lambda a, b: (a.tanh() * b).sum(-1), (_x(T), _w(T)), check_batched_grad=True),
    "forward_only": lambda T: T.autograd.gradcheck(
        lambda a: a.cos() * a, (_w(T),), check_forward_ad=True, check_backward_ad=False,
        check_batched_forward_grad=True),
    "masked_dense": lambda T: T.autograd.gradcheck(
        lambda a: a.cos() * a, (_w(T),), masked=True),
    "gradgradcheck_masked_dense": lambda T: T.autograd.gradgradcheck(
        lambda a: a * a, (_w(T),), masked=True),
}


@pytest.mark.parametrize("name", list(CASES))
def test_batched_checks_as_torch(name):
    def run(T):
        T.manual_seed(0)
        verdict = CASES[name](T)
        return verdict, T.rand(4)   # (the draws: as many as PyTorch's)
    check(run, exact=True)


@pytest.mark.parametrize("kw", [
    {"check_batched_grad": True, "check_backward_ad": False, "check_forward_ad": True},
    {"check_batched_forward_grad": True},
])
def test_batched_check_needs_its_mode_as_torch(kw):
    check(lambda T: T.autograd.gradcheck(lambda a: a * 2, (_w(T),), **kw))


def test_failure_texts_are_pytorch_words():
    import sys

    import torch.autograd.gradcheck  # noqa: F401
    from ember.autograd import _gradcheck_batched as ours
    theirs = sys.modules["torch.autograd.gradcheck"]
    assert ours.FAILED_BATCHED_GRAD_MSG == theirs.FAILED_BATCHED_GRAD_MSG
    assert ours.FAILED_BATCHED_GRAD_MSG_FWD_AD == theirs.FAILED_BATCHED_GRAD_MSG_FWD_AD
    got = ours._failed_msg(1, 0, "R", "E", is_forward_ad=True)
    assert got == theirs._get_failed_batched_grad_test_msg(1, 0, "R", "E", is_forward_ad=True)
