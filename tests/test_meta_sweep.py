"""The meta device everywhere a model goes: every op of the catalogue
(tests/op_table*.py) and every nn module with a natural input, run on meta
inputs and parameters in Ember and PyTorch. Each case's line (result
device, shape, dtype, requires_grad, grad_fn name, or the exception's type
and message; then the devices and shapes of the gradients that
`out.sum().backward()` leaves) must be PyTorch's. Cases are in
tests/meta_sweep_cases.py, with the known gaps (strict xfails: one that
starts passing fails, to be struck from the list)."""
import pytest

import ember
from meta_sweep_cases import KNOWN_GAPS, MODULE_IDS, OP_IDS, describe_module, describe_op

torch = pytest.importorskip("torch")


def _params(kind, ids):
    return [pytest.param(i, id=i, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[f"{kind}:{i}"]))
            if f"{kind}:{i}" in KNOWN_GAPS else i for i in ids]


@pytest.mark.parametrize("name", _params("op", OP_IDS))
def test_op_on_meta(name):
    assert describe_op(ember, name) == describe_op(torch, name)


@pytest.mark.parametrize("name", _params("mod", MODULE_IDS))
def test_module_on_meta(name):
    assert describe_module(ember, name) == describe_module(torch, name)
