"""utils.benchmark's Fuzzer against PyTorch's: the same seed draws the same
parameters, layouts and tensor values; its checks fail with PyTorch's errors."""
import numpy as np
import pytest

import ember
from compare_torch import check

torch = pytest.importorskip("torch")
import torch.utils.benchmark  # noqa: E402  (a submodule PyTorch does not import itself)


def _fuzzer(T, seed=0, dtype=None, constraints=None):
    B = T.utils.benchmark
    return B.Fuzzer(
        parameters=[
            B.FuzzedParameter("k0", minval=1, maxval=10000, distribution="loguniform"),
            [B.FuzzedParameter(f"k{i}", minval=2, maxval=40, distribution="uniform")
             for i in (1, 2)],
            B.FuzzedParameter("scale", minval=0.5, maxval=2.0, distribution="uniform"),
            B.FuzzedParameter("step", minval=1, maxval=3, distribution="uniform", strict=True),
            B.FuzzedParameter("dim", minval=1, maxval=3, distribution="uniform", strict=True),
        ],
        tensors=[
            B.FuzzedTensor("x", size=("k0", "k1", "k2"), steps=(1, "step", 1),
                           min_elements=64, max_elements=200000, probability_contiguous=0.4,
                           dim_parameter="dim", dtype=dtype or T.float32),
            B.FuzzedTensor("y", size=("k1", 3), max_allocation_bytes=4096,
                           dtype=dtype or T.float32),
        ],
        constraints=constraints,
        seed=seed,
    )


def _cases(T, n=6, **kwargs):
    fuzzer = _fuzzer(T, **kwargs)
    out = []
    for tensors, properties, params in fuzzer.take(n):
        props = {k: dict(v, order=list(v["order"])) for k, v in properties.items()}
        out.append(({k: (v.numpy().copy(), v.stride(), v.is_contiguous())
                     for k, v in tensors.items()}, props, params))
    return out, fuzzer.rejection_rate


def _same(a, b):
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    elif isinstance(a, (tuple, list)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            _same(a[k], b[k])
    else:
        assert a == b, (a, b)


@pytest.mark.parametrize("seed", [0, 1, 123])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
def test_same_draws_as_pytorch(seed, dtype):
    ours = _cases(ember, seed=seed, dtype=getattr(ember, dtype))
    theirs = _cases(torch, seed=seed, dtype=getattr(torch, dtype))
    _same(ours[0], theirs[0])
    assert ours[1] == theirs[1]


def test_constraints_reject_as_pytorchs():
    def even(**params):
        return params["k1"] % 2 == 0
    ours = _cases(ember, seed=3, constraints=[lambda p: even(**p)])
    theirs = _cases(torch, seed=3, constraints=[lambda p: even(**p)])
    _same(ours[0], theirs[0])
    assert ours[1] == theirs[1] > 0


def test_properties_name_the_dtype_as_pytorch():
    _, props, _ = next(_fuzzer(ember, dtype=ember.float64).take(1))
    assert props["x"]["dtype"] == "torch.float64"


def test_errors_as_pytorch():
    def param(T, **kwargs):
        return T.utils.benchmark.FuzzedParameter("p", **kwargs)
    check(lambda T: param(T, minval=1, maxval=2, distribution="normal"))
    check(lambda T: param(T, distribution={1: -0.5, 2: 1.5}))
    # PyTorch 2.13's normalisation test refuses a dict that sums to one ...
    check(lambda T: param(T, distribution={1: 0.3, 2: 0.7}))
    check(lambda T: param(T, minval=1, distribution={1: 0.3, 2: 0.6}))
    check(lambda T: param(T, maxval=1, distribution={1: 0.3, 2: 0.6}))
    # ... and takes one that does not, for NumPy's choice to refuse when drawn.
    check(lambda T: next(T.utils.benchmark.Fuzzer(
        [param(T, distribution={1: 0.3, 2: 0.6})], [], seed=0).take(1)))
    check(lambda T: T.utils.benchmark.Fuzzer(
        [param(T, minval=1, maxval=2, distribution="uniform")],
        [T.utils.benchmark.FuzzedTensor("p", size=(2,))]))
    check(lambda T: T.utils.benchmark.Fuzzer._resolve_aliases(
        {"a": T.utils.benchmark.ParameterAlias("b"), "b": T.utils.benchmark.ParameterAlias("a")}))
    check(lambda T: next(_fuzzer(T, constraints=[lambda p: False]).take(1)))
    assert repr(ember.utils.benchmark.ParameterAlias("k0")) == \
        repr(torch.utils.benchmark.ParameterAlias("k0"))


def test_aliases_resolve_in_chains():
    for T in (ember, torch):
        A = T.utils.benchmark.ParameterAlias
        assert T.utils.benchmark.Fuzzer._resolve_aliases(
            {"a": A("b"), "b": A("c"), "c": 7, "d": 1}) == {"a": 7, "b": 7, "c": 7, "d": 1}


@pytest.mark.parametrize("kind", ["binary.BinaryOpFuzzer", "unary.UnaryOpFuzzer"])
def test_op_fuzzers_as_pytorch(kind):
    import importlib
    module, cls = kind.split(".")

    def make(T):
        mod = importlib.import_module(f"{T.__name__}.utils.benchmark.op_fuzzers.{module}")
        return getattr(mod, cls)(seed=0)
    check(make)
