"""Arithmetic of a tensor and a Python number, against PyTorch bit for bit.

add, sub, mul and div take the number as a cached 0-d array of the tensor's
float dtype (ops/_number_operand.py NUMBER_ARRAYS); a number the cache must not hold
(zeros of either sign, NaN, infinities, huge ints) goes the uncached way.
Both must give PyTorch's values, signs of zero and dtype, repeatedly (the
second call finds the cached array)."""
import math

import numpy as np
import pytest

import ember
from ember.ops import _number_operand

torch = pytest.importorskip("torch")

NUMBERS = [2, 0.1, -7.5, 3, 1e-45, 0.0, -0.0, math.nan, math.inf, -math.inf, 1e300,
           2 ** 60 + 1, -(2 ** 53) - 1, 2 ** 24 + 1, True, 16777217.0]
DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32", "uint8"]
VALUES = [1.5, -2.0, 0.0, 3.25, -0.0, 1e-30, 7e30]


def _bits(t):
    a = (t.float() if str(t.dtype).endswith("bfloat16") else t).numpy()
    return a.dtype.str, a.tobytes() if a.dtype.kind != "f" else np.where(np.isnan(a), 0, a).tobytes(), \
        np.isnan(a).tolist() if a.dtype.kind == "f" else None


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", ["add", "sub", "mul", "div"])
def test_number_operand_matches_pytorch(op, dtype):
    for v in NUMBERS:
        for _ in range(2):      # (the second call meets the cached array)
            results = []
            for lib in (ember, torch):
                x = lib.tensor(VALUES).to(getattr(lib, dtype))
                try:
                    r = getattr(lib, op)(x, v)
                    results.append((str(r.dtype).split(".")[1], _bits(r)))
                except Exception as exc:  # noqa: BLE001 - the error is what is compared
                    results.append((type(exc).__name__, str(exc)))
            assert results[0] == results[1], (op, dtype, v)


def test_number_cache_holds_only_safe_keys():
    cache = {}
    dt = np.dtype(np.float32)
    for v in (0.0, -0.0, math.nan, math.inf, 2 ** 60):
        assert _number_operand.number_array(cache, dt, v) is v
    assert cache == {}
    a = _number_operand.number_array(cache, dt, 0.1)
    assert a.dtype == dt and a.ndim == 0 and a == np.float32(0.1) and cache[0.1] is a


def test_gradient_through_cached_numbers():
    # the cached array is the forward's operand only: the node keeps the
    # number, which it shows as PyTorch's wrapped 0-d tensor until backward
    seen = []
    for lib in (ember, torch):
        x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        y = (x * 2 + 1) / 4 - 0.5
        div = y.grad_fn.next_functions[0][0]
        mul = div.next_functions[0][0].next_functions[0][0]
        seen.append([repr(n._saved_other).replace("torch", "ember") for n in (div, mul)]
                    + [repr((x * 2.5).grad_fn._saved_other).replace("torch", "ember")])
        y.sum().backward()
        assert x.grad.tolist() == [0.5, 0.5, 0.5]
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            div._saved_other
    assert seen[0] == seen[1] == ["tensor(4)", "tensor(2)", "tensor(2.5000, dtype=ember.float64)"]
