"""torch.nn.attention.bias (causal_upper_left, causal_lower_right,
CausalBias) with scaled_dot_product_attention, compared with PyTorch."""
import importlib
import warnings

import pytest

from compare_torch import check, check_error


def bias(T):
    return importlib.import_module(f"{T.__name__}.nn.attention.bias")


def _qkv(T, requires_grad=False):
    g = T.Generator().manual_seed(0)
    q, k, v = (T.rand(2, 3, 2, 4, generator=g), T.rand(2, 3, 5, 4, generator=g),
               T.rand(2, 3, 5, 4, generator=g))
    return q.requires_grad_(requires_grad), k, v


def test_masks_print_as_their_triangles():
    def run(T):
        B = bias(T)
        ul, lr = B.causal_upper_left(2, 5), B.causal_lower_right(2, 5)
        return (repr(ul), str(lr), isinstance(lr, T.Tensor), ul.seq_len_kv,
                int(lr.variant), lr.variant == B.CausalVariant.LOWER_RIGHT, type(ul) is type(lr))
    check(run)


@pytest.mark.parametrize("which", ["upper_left", "lower_right", "square"])
def test_attention_with_a_causal_bias(which):
    def run(T):
        B = bias(T)
        q, k, v = _qkv(T, requires_grad=True)
        if which == "square":
            k, v, mask = q.detach(), q.detach(), B.causal_lower_right(2, 2)
        else:
            mask = getattr(B, f"causal_{which}")(2, 5)
        F = T.nn.functional
        out = F.scaled_dot_product_attention(q, k, v, mask)
        scaled = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=0.3)
        (out.sum() + scaled.sum()).backward()
        return out, scaled, q.grad
    check(run, rtol=1e-5, atol=1e-6)   # (float32: gradients that cancel to ~1e-8)


def test_refusals_and_the_nan_warning():
    check_error(lambda T: _qkv(T), lambda T, q, k, v: T.nn.functional.scaled_dot_product_attention(
        q, k, v, bias(T).causal_upper_left(2, 5), is_causal=True))
    check_error(lambda T: (), lambda T: bias(T).causal_upper_left(2, 3, 4))
    check_error(lambda T: (), lambda T: bias(T).causal_lower_right(2))
    check_error(lambda T: (), lambda T: bias(T).CausalBias(1, 2, 3))

    def run(T):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            bias(T).causal_lower_right(5, 2)
        return [(str(w.message), w.filename == __file__) for w in caught]
    check(run)
