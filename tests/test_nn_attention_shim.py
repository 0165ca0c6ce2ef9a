"""ember.nn.attention: SDPBackend and sdpa_kernel choose among the CPU's two
attention kernels exactly as PyTorch's CPU backend chooses."""
import contextlib

import pytest

import ember
from ember.nn import functional as F
from ember.nn.attention import SDPBackend, sdpa_kernel

torch = pytest.importorskip("torch")
from torch.nn.attention import SDPBackend as TB, sdpa_kernel as t_kernel  # noqa: E402


def test_enum_matches_pytorch():
    assert [(n, int(b)) for n, b in SDPBackend.__members__.items()] == \
        [(n, int(b)) for n, b in TB.__members__.items()]
    assert repr(SDPBackend.MATH) == repr(TB.MATH) and str(SDPBackend.MATH) == str(TB.MATH)
    assert SDPBackend.FLASH_ATTENTION.name == "FLASH_ATTENTION"


def _grad_fn(lib, kernel, backends, q):
    with kernel(backends) as ctx:
        assert ctx == {}
        return type(lib.nn.functional.scaled_dot_product_attention(q, q, q).grad_fn).__name__


@pytest.mark.parametrize("names", [["MATH"], ["FLASH_ATTENTION"], ["MATH", "FLASH_ATTENTION"],
                                   ["FLASH_ATTENTION", "MATH", "MATH"]])
def test_kernel_choice_matches_pytorch(names):
    q = ember.randn(1, 2, 4, 8, requires_grad=True)
    tq = torch.tensor(q.tolist(), requires_grad=True)
    mine = [getattr(SDPBackend, n) for n in names]
    theirs = [getattr(TB, n) for n in names]
    assert _grad_fn(ember, sdpa_kernel, mine, q) == _grad_fn(torch, t_kernel, theirs, tq)
    assert _grad_fn(ember, sdpa_kernel, mine[0], q) == _grad_fn(torch, t_kernel, theirs[0], tq)


def test_switches_are_set_inside_and_restored_after():
    cuda = ember.backends.cuda
    with sdpa_kernel([SDPBackend.MATH]):
        assert cuda.math_sdp_enabled() and not cuda.flash_sdp_enabled()
        assert not cuda.mem_efficient_sdp_enabled() and not cuda.cudnn_sdp_enabled()
    assert cuda.math_sdp_enabled() and cuda.flash_sdp_enabled() and cuda.cudnn_sdp_enabled()
    with pytest.raises(KeyError):
        with sdpa_kernel(SDPBackend.FLASH_ATTENTION, set_priority=True):
            raise KeyError
    assert cuda.math_sdp_enabled()


@pytest.mark.parametrize("names,three_d", [(["EFFICIENT_ATTENTION"], False), ([], False),
                                           (["FLASH_ATTENTION"], True)])
def test_no_kernel_errors_match_pytorch(names, three_d):
    q = ember.randn(1, 2, 4, 8)
    tq = torch.tensor(q.tolist())
    if three_d:
        q, tq = q[0], tq[0]
    # PyTorch also warns why its flash kernel did not apply; Ember does not
    with pytest.raises(RuntimeError) as theirs, \
            pytest.warns(UserWarning) if three_d else contextlib.nullcontext():
        with t_kernel([getattr(TB, n) for n in names]):
            torch.nn.functional.scaled_dot_product_attention(tq, tq, tq)
    with pytest.raises(RuntimeError, match=str(theirs.value).replace(".", r"\.")):
        with sdpa_kernel([getattr(SDPBackend, n) for n in names]):
            F.scaled_dot_product_attention(q, q, q)


def test_bad_backend_argument():
    for kernel in (sdpa_kernel, t_kernel):
        with pytest.raises(AssertionError, match="got str"):
            with kernel("math"):
                pass
