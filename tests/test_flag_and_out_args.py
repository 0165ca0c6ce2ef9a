"""Arguments Ember took silently and PyTorch refuses or honours: topk's flags
must be bools, diff's prepend/append must be tensors, cumsum_/cumprod_ with a
dtype other than the tensor's, torch.nonzero(out=) and the layout of nonzero's
rows. Expected words are PyTorch 2.13's; where torch imports, its own results
are compared too."""
import numpy as np
import pytest

import ember

try:
    import torch
except ImportError:     # (the oracle is optional: the literal facts still run)
    torch = None


def _raises(fn, lib):
    with pytest.raises(Exception) as info:
        fn(lib)
    return type(info.value).__name__, str(info.value)


FLAG_CASES = [
    (lambda t: t.arange(6.).reshape(2, 3).topk(2, largest="no"),
     "topk(): argument 'largest' must be bool, not str"),
    (lambda t: t.topk(t.arange(6.), 2, sorted=1),
     "topk(): argument 'sorted' must be bool, not int"),
    (lambda t: t.topk(t.arange(6.), 2, largest=t.tensor(True)),
     "topk(): argument 'largest' must be bool, not Tensor"),
    (lambda t: t.topk(t.arange(6.), 2, largest=np.bool_(False)),
     "topk(): argument 'largest' must be bool, not numpy.bool"),
    (lambda t: t.arange(6.).diff(prepend=1.0),
     "diff(): argument 'prepend' must be Tensor, not float"),
    (lambda t: t.diff(t.arange(6.), append=[2]),
     "diff(): argument 'append' must be Tensor, not list"),
    # (given in place: the position as the form called counts it)
    (lambda t: t.arange(6.).topk(2, -1, "no"),
     "topk(): argument 'largest' (position 3) must be bool, not str"),
    (lambda t: t.topk(t.arange(6.), 2, -1, True, None),
     "topk(): argument 'sorted' (position 5) must be bool, not NoneType"),
    (lambda t: t.diff(t.arange(6.), 1, -1, [1.]),
     "diff(): argument 'prepend' (position 4) must be Tensor, not list"),
]


@pytest.mark.parametrize("fn, message", FLAG_CASES)
def test_non_bool_flag_or_non_tensor_operand_refused(fn, message):
    if "numpy.bool" in message and np.__version__ < "2":
        message = message.replace("numpy.bool", "numpy.bool_")
    assert _raises(fn, ember) == ("TypeError", message)
    if torch is not None:
        assert _raises(fn, torch) == ("TypeError", message)


def test_topk_with_bool_flags_still_answers():
    values, indices = ember.tensor([3., 1., 2.]).topk(2, largest=False, sorted=True)
    assert values.tolist() == [1., 2.] and indices.tolist() == [1, 2]


@pytest.mark.parametrize("name, dtype, given, words", [
    ("cumsum_", "float32", "float64", ("float", "double")),
    ("cumprod_", "float32", "float64", ("float", "double")),
    ("cumsum_", "int64", "float32", ("long int", "float")),
])
def test_inplace_scan_with_another_dtype_refused_and_tensor_unchanged(name, dtype, given,
                                                                     words):
    x = ember.arange(1., 7.).reshape(2, 3).to(getattr(ember, dtype))
    before = x.clone()
    with pytest.raises(RuntimeError) as info:
        getattr(x, name)(0, dtype=getattr(ember, given))
    assert str(info.value) == (f"Bad in-place call: input tensor dtype {words[0]} and output "
                               f"tensor dtype {words[1]} should match")
    assert ember.equal(x, before) and x._version == before._version
    if torch is not None:
        y = torch.arange(1., 7.).reshape(2, 3).to(getattr(torch, dtype))
        with pytest.raises(RuntimeError, match="Bad in-place call") as theirs:
            getattr(y, name)(0, dtype=getattr(torch, given))
        assert str(theirs.value) == str(info.value)


def test_inplace_scan_with_its_own_dtype_runs():
    x = ember.arange(1., 7.).reshape(2, 3)
    x.cumsum_(1, dtype=ember.float32)
    assert x.tolist() == [[1., 3., 6.], [4., 9., 15.]]
    x.cumprod_(0, dtype=ember.float32)
    assert x.tolist() == [[1., 3., 6.], [4., 27., 90.]]


def test_nonzero_rows_are_laid_out_column_by_column():
    x = ember.tensor([[0., 1., 2.], [3., 0., 5.]])
    rows = ember.nonzero(x)
    assert rows.tolist() == [[0, 1], [0, 2], [1, 0], [1, 2]]
    assert rows.stride() == (1, 4) and x.nonzero().stride() == (1, 4)
    assert ember.nonzero(ember.ones(4, 3, 2)).stride() == (1, 24)
    if torch is not None:
        assert torch.nonzero(torch.tensor(x.tolist())).stride() == rows.stride()


def test_nonzero_out_is_written_and_resized():
    x = ember.tensor([[0., 1., 2.], [3., 0., 5.]])
    out = ember.empty(0, dtype=ember.int64)
    result = ember.nonzero(x, out=out)
    assert result is out
    assert out.tolist() == [[0, 1], [0, 2], [1, 0], [1, 2]] and out.shape == (4, 2)
    full = ember.zeros(2, 2, dtype=ember.int64)
    with pytest.warns(UserWarning, match="An output with one or more elements was resized"):
        ember.nonzero(x, out=full)
    assert full.tolist() == out.tolist()


@pytest.mark.parametrize("kwargs, kind, message", [
    (dict(as_tuple=True, out="long"), RuntimeError,
     "nonzero does not support the out kwarg when as_tuple is True"),
    (dict(out="float"), RuntimeError,
     "nonzero: Expected out tensor to have scalar type Long but got scalar typeFloat"),
    (dict(out="int32"), RuntimeError,
     "nonzero: Expected out tensor to have scalar type Long but got scalar typeInt"),
    (dict(out=[1]), TypeError, "nonzero(): argument 'out' must be Tensor, not list"),
])
def test_nonzero_out_refusals_leave_out_unchanged(kwargs, kind, message):
    def call(t):
        dtypes = {"long": t.int64, "float": t.float32, "int32": t.int32}
        out = kwargs.get("out")
        out = t.full((3,), 7, dtype=dtypes[out]) if isinstance(out, str) else out
        args = {**kwargs, "out": out}
        try:
            t.nonzero(t.tensor([[0., 1.], [2., 0.]]), **args)
        except Exception as e:
            return type(e), str(e), out
        raise AssertionError("not refused")
    kind_, text, out = call(ember)
    assert (kind_, text) == (kind, message)
    if isinstance(out, ember.Tensor):
        assert out.tolist() == [7, 7, 7]
    if torch is not None:
        assert call(torch)[:2] == (kind, message)


def test_nonzero_method_takes_no_out():
    with pytest.raises(TypeError):
        ember.ones(2).nonzero(out=ember.empty(0, dtype=ember.int64))


OUT_OF_ANOTHER_DTYPE = {
    "scatter_add": lambda T, o: T.scatter_add(T.zeros(2), 0, T.tensor([0]), T.ones(1), out=o),
    "scatter": lambda T, o: T.scatter(T.zeros(2), 0, T.tensor([0]), T.ones(1), out=o),
    "scatter_reduce": lambda T, o: T.scatter_reduce(T.zeros(2), 0, T.tensor([0]), T.ones(1),
                                                    "sum", out=o),
    "index_reduce": lambda T, o: T.index_reduce(T.zeros(2), 0, T.tensor([0]), T.ones(1),
                                                "prod", out=o),
    "quantile": lambda T, o: T.quantile(T.ones(3), 0.5, out=o),
    "nanquantile": lambda T, o: T.nanquantile(T.ones(3), 0.5, out=o),
    "logcumsumexp": lambda T, o: T.logcumsumexp(T.ones(3), 0, out=o),
}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", list(OUT_OF_ANOTHER_DTYPE))
def test_out_of_another_dtype_is_refused_as_pytorch(name, dtype):
    """(These kernels check out='s dtype rather than cast; Ember wrote into it.)"""
    from compare_torch import check
    pytest.importorskip("torch")
    check(lambda T: OUT_OF_ANOTHER_DTYPE[name](T, T.empty(0, dtype=getattr(T, dtype))))
