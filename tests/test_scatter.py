"""The scatter family beside PyTorch: what the op table cannot say (dtype
rules, integer and bool inputs, keyword arguments, errors and their
messages, in-place variants, 0-d and empty inputs)."""
import warnings

import pytest

import ember
from compare_torch import check, check_error
from op_table_scatter import EDGE_CALLS, ERRORS, INPLACE_ARGS, SECOND_ORDER, inplace_extra_args

torch = pytest.importorskip("torch")


def x34(T, dtype=None):
    return T.arange(12, dtype=dtype or T.float32).reshape(3, 4)


def quiet(f):
    """f without its warnings (index_reduce's beta notice, scatter's deprecation)."""
    def run(*args):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return f(*args)
    return run


# -- values and dtypes -----------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "int16", "uint8"])
def test_scatter_family_values_per_dtype(dtype):
    def run(T):
        dt = getattr(T, dtype)
        x, s = x34(T, dt), (T.arange(8) % 5 + 1).to(dt).reshape(2, 4)
        i = T.tensor([[0, 2, 0, 1], [1, 2, 0, 1]])
        return (x.scatter(0, i[:1], s), x.scatter(1, i, 7), x.scatter_add(0, i, s),
                x.index_add(0, T.tensor([2, 0]), s, alpha=2), x.index_copy(0, T.tensor([2, 0]), s),
                x.index_fill(1, T.tensor([1, 3]), 3), x.put(T.tensor([0, 11]), s[0, :2]),
                x.put(T.tensor([5, 5]), s[0, :2], accumulate=True), x.take(T.tensor([[1, 5]])),
                x.masked_scatter(x > 4, T.arange(20).to(dt)),
                x.index_put((T.tensor([0, 0]), T.tensor([1, 1])), s[0, :2], accumulate=True),
                T.take_along_dim(x, T.tensor([[2, 0, 1, 0]]), 0))
    check(run, exact=True)


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin", "max", "min"])
@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "int64", "int32"])
def test_scatter_reduce_all_modes(reduce, include_self, dtype):
    def run(T):
        dt = getattr(T, dtype)
        x = (x34(T, T.int64) - 5).to(dt)
        s = T.tensor([[3, -7, 2, 9], [-2, 4, -6, 1]]).to(dt)
        i = T.tensor([[0, 0, 2, 2], [0, 2, 2, 1]])
        return x.scatter_reduce(0, i, s, reduce, include_self=include_self)
    check(run, exact=True)


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_index_reduce_all_modes(reduce, include_self):
    def run(T):
        x, s = x34(T) - 5, T.tensor([[3., -7, 2, 9], [-2, 4, -6, 1], [5, 5, -1, 0]])
        ints = x34(T, T.int64).index_reduce(0, T.tensor([2, 0, 2]), s.long(), reduce,
                                            include_self=include_self)
        return x.index_reduce(0, T.tensor([2, 0, 2]), s, reduce, include_self=include_self), ints
    check(quiet(run), exact=True)


def test_scatter_value_casts_to_input_dtype():
    check(lambda T: (x34(T, T.int64).scatter(0, T.tensor([[0, 1]]), 2.7),
                     x34(T, T.int32).scatter(1, T.tensor([[0]]), True),
                     x34(T).scatter(0, T.tensor([[2]]), value=-1),
                     T.scatter(x34(T), 0, T.tensor([[1, 2]]), src=x34(T) * 10),
                     x34(T, T.int64).index_fill(0, T.tensor([1]), 2.5),
                     x34(T, T.int64).index_fill(0, T.tensor([1]), T.tensor(2.5)),
                     x34(T).index_fill(0, T.tensor([1]), T.tensor(2., dtype=T.float64)),
                     x34(T, T.int64).masked_fill(x34(T) > 5, T.tensor(3))), exact=True)


def test_bool_inputs():
    check(lambda T: (x34(T).bool().scatter_add(0, T.tensor([[0, 1]]), T.ones(1, 2).bool()),
                     (x34(T) > 6).scatter_reduce(0, T.tensor([[0, 1]]), T.ones(1, 2).bool(),
                                                 "amin", include_self=False),
                     (x34(T) > 6).index_fill(0, T.tensor([0]), True),
                     (x34(T) > 6).take(T.tensor([0, 11]))), exact=True)
    check_error(lambda T: (x34(T) > 6,),
                lambda T, x: x.scatter_reduce(0, T.tensor([[0]]), x[:1, :1], "mean"))
    check_error(lambda T: (x34(T) > 6,), quiet(
        lambda T, x: x.index_reduce(0, T.tensor([0]), x[:1], "mean")))
    check(quiet(lambda T: [(x34(T) > 6).index_reduce(0, T.tensor([0]), T.ones(1, 4).bool(), r)
                           for r in ("prod", "amax", "amin")]))


def test_integer_means_round_down():
    check(lambda T: (-x34(T, T.int64)).scatter_reduce(
        0, T.tensor([[0, 0, 0, 0]]), T.full((1, 4), -2), "mean"), exact=True)


def test_deprecated_reduce_argument():
    def run(T):
        x, i = x34(T).requires_grad_(), T.tensor([[0, 1, 2, 0]])
        return (x.scatter(0, i, x[:1] * 2, reduce="add"), x.scatter(0, i, 3.0, reduce="multiply"),
                x34(T, T.int64).scatter(1, i[:, :2], 2, reduce="multiply"))
    check(quiet(run))
    with pytest.warns(UserWarning, match="The reduce argument of torch.scatter with Tensor src "
                                         "is deprecated"):
        ember.zeros(3).scatter(0, ember.tensor([0]), ember.ones(1), reduce="add")
    for T in (torch, ember):
        y = T.ones(2, requires_grad=True).scatter(0, T.tensor([0]), 2.0, reduce="add")
        with pytest.raises(RuntimeError, match="derivative for aten::scatter is not implemented"):
            y.sum().backward()
    check_error(lambda T: (x34(T),), lambda T, x: x.scatter(0, T.tensor([[0]]), 1.0,
                                                            reduce="mean"))


def test_where_with_one_argument_is_nonzero_as_tuple():
    check(lambda T: (T.where(x34(T) > 4), T.where(T.tensor(3.)), T.where(T.tensor(0)),
                     T.where(T.zeros(0, 3)), T.where(x34(T, T.int64) % 3),
                     T.argwhere(x34(T) % 3), T.argwhere(T.tensor(2.)), T.argwhere(T.tensor(0.)),
                     T.argwhere(T.zeros(0, 2))))
    # the three-argument form is unchanged
    check(lambda T: T.where(x34(T) > 4, x34(T), 0.5))


def test_masked_fill_value_tensor_gets_gradient():
    def run(T):
        x, v = x34(T).requires_grad_(), T.tensor(2.5, requires_grad=True)
        y = x.masked_fill(x > 6, v)
        (y * T.arange(12.).reshape(3, 4)).sum().backward()
        w = T.tensor(1.5, dtype=T.float64, requires_grad=True)
        z = x.detach().masked_fill(x.detach() > 2, w)
        z.sum().backward()
        return y, x.grad, v.grad, z, w.grad, type(z.grad_fn.next_functions[1][0]).__name__, \
            x.masked_fill(x > 1, T.tensor(0.)), x.masked_fill(x > 1, 0.)
    check(run)
    check_error(lambda T: (x34(T),), lambda T, x: x.masked_fill(x > 1, T.tensor([1.])))


# -- keyword arguments and surface ------------------------------------------------------
def test_keywords_and_out():
    def run(T):
        x, i = x34(T), T.tensor([[0, 1, 2, 0]])
        out = T.empty(0)
        outs = [T.scatter(x, 0, i, x * 2, out=T.empty(0)),
                T.scatter_add(x, dim=0, index=i, src=x, out=out),
                T.scatter_reduce(x, 0, i, x, reduce="amax", include_self=False, out=T.empty(0)),
                T.index_add(x, 1, T.tensor([0, 0]), x[:, :2], alpha=-1, out=T.empty(0)),
                T.index_copy(x, 1, T.tensor([1]), x[:, :1], out=T.empty(0)),
                T.take(x, T.tensor([3]), out=T.empty(0)),
                T.take_along_dim(x, T.tensor([[1]]), dim=1, out=T.empty(0)),
                T.index_put(x, indices=(i[0],), values=T.tensor(1.), accumulate=True),
                T.put(x, T.tensor([0]), T.tensor([5.]), accumulate=False),
                x.index_fill(dim=0, index=T.tensor([0]), value=-2)]
        return outs + [out]
    check(run)


@pytest.mark.parametrize("name", sorted(INPLACE_ARGS))
def test_inplace_variants(name):
    """t.op_(...): the out-of-place result written into t (version bumped),
    refused on a leaf that requires grad; recorded like PyTorch."""
    args = INPLACE_ARGS[name]

    def run(T):
        x = x34(T).double() - 4
        args_ = args(T, x)
        want = getattr(x, name)(*args_[0], **args_[1])
        target = x.clone()
        version = target._version
        got = getattr(target, name + "_")(*args_[0], **args_[1])
        assert got is target and target._version == version + 1
        mid = x.clone().requires_grad_() * 1
        tracked = getattr(mid, name + "_")(*args_[0], **args_[1])
        return want, target, tracked
    check(quiet(run))
    check_error(lambda T: (x34(T).double().requires_grad_(),),
                lambda T, x: getattr(x, name + "_")(*args(T, x)[0], **args(T, x)[1]))


@pytest.mark.parametrize("name", sorted(inplace_extra_args(ember)))
def test_inplace_variants_with_registry_arguments(name):
    """The in-place call tests/test_registry.py makes (the row's input, then
    inplace_extra_args), beside PyTorch."""
    def run(T):
        x = x34(T).double() - 4
        target = x.clone()
        getattr(target, name + "_")(*inplace_extra_args(T)[name])
        return getattr(x, name)(*inplace_extra_args(T)[name]), target
    check(quiet(run))


def test_index_put_function_form():
    def run(T):
        x = x34(T)
        y = T.index_put_(x, (T.tensor([1, 2]),), T.tensor(-1.))
        return y is x, x
    check(run)


# -- errors ---------------------------------------------------------------------------
def test_errors_in_place_leave_input_unchanged():
    check_error(lambda T: (x34(T),), lambda T, x: x.scatter_(0, T.tensor([[3]]), 1.0))
    check_error(lambda T: (x34(T),), lambda T, x: x.index_add_(0, T.tensor([5]), x[:1].clone()))
    check_error(lambda T: (x34(T),), lambda T, x: x.put_(T.tensor([50]), T.ones(1)))


def test_source_larger_than_index_has_no_gradient_in_either():
    for T in (torch, ember):
        x = T.zeros(2, 4, requires_grad=True)
        s = T.ones(3, 5, requires_grad=True)
        y = x.scatter(1, T.tensor([[3], [0]]), s)
        with pytest.raises(RuntimeError, match=r"Function ScatterBackward0 returned an invalid "
                                               r"gradient at index 1 - got \[2, 1\] but expected "
                                               r"shape compatible with \[3, 5\]"):
            y.sum().backward()
    # only the input requiring grad: fine
    check(_grad_of_input)


def _grad_of_input(T):
    x = T.zeros(2, 4, requires_grad=True)
    y = x.scatter_add(1, T.tensor([[3], [0]]), T.ones(3, 5)) * T.arange(8.).reshape(2, 4)
    return T.autograd.grad(y.sum(), [x])


# -- edge cases -----------------------------------------------------------------------
def test_zero_dim_and_empty():
    def run(T):
        s = T.tensor(5.)
        return (s.scatter(0, T.tensor(0), T.tensor(3.)), s.scatter(0, T.tensor([0]), T.tensor([3.])),
                T.tensor([5., 6]).scatter(0, T.tensor(1), T.tensor(3.)),
                x34(T).scatter(0, T.zeros(0, 4, dtype=T.int64), x34(T)),
                x34(T).scatter_add(0, T.zeros(0, dtype=T.int64), T.ones(0)),
                s.index_add(0, T.tensor([0]), T.tensor(2.)), s.index_add(0, T.tensor(0), T.tensor(2.)),
                s.index_copy(0, T.tensor([0]), T.tensor(2.)), s.index_fill(0, T.tensor(0), 2),
                x34(T).index_fill(0, T.tensor(1), 2), x34(T).index_add(0, T.tensor([], dtype=T.int64),
                                                                      T.ones(0, 4)),
                T.tensor(3.).take(T.tensor([0, 0])), x34(T).take(T.tensor(5)),
                T.tensor(3.).masked_scatter(T.tensor(True), T.tensor([7., 8])),
                x34(T).take(T.zeros(0, 2, dtype=T.int64)), x34(T).masked_scatter(x34(T) > 99, T.ones(0)))
    check(quiet(run))


def test_gradients_at_edges():
    """0-d inputs, repeated indices, ties of amax, zeros of prod: gradients as PyTorch's."""
    def run(T):
        out = []
        s = T.tensor(5., requires_grad=True)
        v = T.tensor(3., requires_grad=True)
        out += T.autograd.grad(s.scatter(0, T.tensor(0), v) * 2, [s, v])
        x = T.tensor([[1., 3., 3.], [3., 0., 2.]], requires_grad=True)
        src = T.tensor([[3., 0., 3.], [2., 0., 5.]], requires_grad=True)
        i = T.tensor([[0, 1, 0], [0, 1, 0]])
        for reduce in ("amax", "amin", "prod", "mean"):
            for inc in (True, False):
                y = x.scatter_reduce(0, i, src, reduce, include_self=inc)
                out += T.autograd.grad((y * T.arange(6.).reshape(2, 3)).sum(), [x, src])
                y = x.index_reduce(1, T.tensor([0, 0, 2]), src, reduce, include_self=inc) \
                    if reduce != "sum" else y
                out += T.autograd.grad((y * T.arange(6.).reshape(2, 3)).sum(), [x, src])
        p = x.put(T.tensor([0, 0, 4]), src[0], accumulate=True)
        out += T.autograd.grad((p * T.arange(6.).reshape(2, 3)).sum(), [x, src])
        q = x.index_put((T.tensor([1, 1]), T.tensor([2, 2])), src[0, :2], accumulate=True)
        out += T.autograd.grad((q * T.arange(6.).reshape(2, 3)).sum(), [x, src])
        return out
    check(quiet(run), rtol=1e-6)


def test_grad_fn_names():
    def run(T):
        x, s = x34(T).requires_grad_(), T.ones(2, 4, requires_grad=True)
        i, j = T.tensor([[0, 1, 2, 0]]), T.tensor([0, 2])
        v = T.tensor(1., requires_grad=True)
        ys = [x.scatter(0, i, s), x.scatter(0, i, 1.0), x.scatter_add(0, i, s),
              x.scatter_reduce(0, i, s, "amax"), x.index_add(0, j, s), x.index_copy(0, j, s),
              x.index_fill(0, j, 1.0), x.index_fill(0, j, v), x.index_put((j,), v),
              x.index_reduce(0, j, s, "prod"), x.masked_scatter(x > 3, s), x.put(j, s[0, :2]),
              x.take(j), T.take_along_dim(x, i, 0), T.take_along_dim(x, j),
              x.masked_fill(x > 2, 1.0), x.masked_fill(x > 2, v),
              x.masked_fill(x > 2, T.tensor(1.)), x.detach().masked_fill(x > 2, v)]
        return [(type(y.grad_fn).__name__, len(y.grad_fn.next_functions)) for y in ys]
    check(quiet(run))


ZERO_DIM_GRADS = {
    "put": lambda T, x, s: x.put(T.tensor([0]), s),
    "put_accumulate": lambda T, x, s: x.put(T.tensor([0]), s, accumulate=True),
    "take": lambda T, x, s: x.take(T.tensor([0, 0])) * s,
    "masked_scatter": lambda T, x, s: x.masked_scatter(T.tensor(True), s),
    "masked_scatter_false": lambda T, x, s: x.masked_scatter(T.tensor(False), s),
    "index_add": lambda T, x, s: x.index_add(0, T.tensor([0]), s[0]),
    "index_copy": lambda T, x, s: x.index_copy(0, T.tensor([0]), s[0]),
    "index_reduce": lambda T, x, s: x.index_reduce(0, T.tensor([0]), s[0], "prod"),
    "scatter_reduce": lambda T, x, s: x.scatter_reduce(0, T.tensor(0), s[0], "amax"),
    "index_fill": lambda T, x, s: x.index_fill(0, T.tensor([0]), s[0]),
    "index_put_no_indices": lambda T, x, s: x.index_put((), s[0]),
    "take_along_dim": lambda T, x, s: T.take_along_dim(x, T.tensor(0)) * s,
}


@pytest.mark.parametrize("name", ZERO_DIM_GRADS)
def test_zero_dim_gradients(name):
    def run(T):
        x, s = T.tensor(3., requires_grad=True), T.tensor([2.], requires_grad=True)
        y = ZERO_DIM_GRADS[name](T, x, s)
        return T.autograd.grad(y.sum() * 2, [x, s], allow_unused=True), y
    check(quiet(run))


def test_more_cases_as_torch():
    def run(T):
        x = x34(T)
        return (T.take_along_dim(x.t(), T.tensor([[0], [2], [1], [0]]), 1),
                T.take_along_dim(x, T.zeros(0, 4, dtype=T.int64), 0),
                x.index_put((T.tensor([-1, 0]), T.tensor([-2, 1])), T.tensor([5., 6])),
                x.index_put((T.tensor([0, 0]),), T.tensor([1., 2, 3, 4]), accumulate=True),
                x.index_put((x > 5,), T.tensor(1.), accumulate=True),
                x.index_put([T.tensor([1])], T.tensor(1.)),
                x.index_put((T.tensor([True, False, True]), T.tensor([1, 3])), T.tensor(-1.)),
                x.index_put((T.tensor([1, 0, 1], dtype=T.uint8),), T.tensor([1., 2, 3, 4])),
                x.index_fill(-1, T.tensor([0, -1]), 7),
                x.index_add(-1, T.tensor([0, 3]), T.ones(3, 2), alpha=3),
                x.scatter_reduce(-1, T.tensor([[0, 3], [1, 1]]), T.ones(2, 2), "prod",
                                 include_self=False),
                T.tensor([1., float("nan"), 3]).scatter_reduce(
                    0, T.tensor([0, 1, 1]), T.tensor([float("nan"), 2, 5]), "amax"),
                x.t().masked_scatter(x.t() > 4, T.arange(12.)),
                x.t().put(T.tensor([1, 2]), T.tensor([-1., -2])), x.t().take(T.tensor([1, 2])),
                T.zeros(2, 3, dtype=T.bool).scatter(1, T.tensor([[2], [0]]), True),
                T.zeros(2, 3, dtype=T.float16).scatter_reduce(
                    1, T.tensor([[2, 2], [0, 1]]), T.ones(2, 2, dtype=T.float16) / 3, "mean"))
    check(quiet(run))
    check_error(lambda T: (x34(T),), quiet(
        lambda T, x: x.index_put((T.tensor([1, 0, 1], dtype=T.uint8),), T.tensor(1.))))


@pytest.mark.parametrize("name", ERRORS)
def test_errors_as_torch(name):
    """Same exception type and message as PyTorch; the input left unchanged."""
    check_error(lambda T: (x34(T),), quiet(ERRORS[name]))


@pytest.mark.parametrize("op", ["scatter_reduce", "index_reduce"])
def test_prod_with_repeated_zeros_refuses_double_backward(op):
    def run(T):
        x = T.tensor([2., 3.], requires_grad=True)
        s = T.tensor([0., 0., 4.], requires_grad=True)
        y = getattr(x, op)(0, T.tensor([0, 0, 1]), s, "prod")
        g = T.autograd.grad(y.sum(), [x, s], create_graph=True)
        return g + (T.autograd.grad(g[1].sum(), [s]),)
    check(quiet(run))


@pytest.mark.parametrize("name", SECOND_ORDER)
def test_second_derivatives_as_torch(name):
    def run(T):
        x = T.tensor([[1., 0., 3.], [3., 0., 2.]], dtype=T.float64, requires_grad=True)
        s = T.tensor([[3., 0., 3.], [2., 5., 0.5]], dtype=T.float64, requires_grad=True)
        y = SECOND_ORDER[name](T, x, s)
        gx, gs = T.autograd.grad((y * T.arange(1., 1. + y.numel()).reshape(y.shape)).sum(),
                                 [x, s], create_graph=True)
        return (gx, gs) + T.autograd.grad((gx * gx).sum() + (gs * gs * gs).sum(), [x, s],
                                          allow_unused=True)
    check(run, rtol=1e-10, atol=1e-9)


@pytest.mark.parametrize("name", EDGE_CALLS)
def test_edge_calls_as_torch(name):
    check(EDGE_CALLS[name])


@pytest.mark.parametrize("call", ["method", "inplace", "function"])
def test_masked_scatter_uint8_mask_warns_at_the_caller_then_refuses(call):
    """PyTorch's deprecation warning, shown at the line that called (however
    deep Ember's own frames go), then its error."""
    torch = pytest.importorskip("torch")
    seen = []
    for T in (torch, ember):
        x, mask = T.zeros(3), T.tensor([1, 0, 1], dtype=T.uint8)
        run = {"method": lambda: x.masked_scatter(mask, T.ones(3)),
               "inplace": lambda: x.masked_scatter_(mask, T.ones(3)),
               "function": lambda: T.masked_scatter(x, mask, T.ones(3))}[call]
        with pytest.warns(UserWarning) as record, pytest.raises(RuntimeError) as error:
            run()
        assert record[0].filename == __file__
        assert x.tolist() == [0.0, 0.0, 0.0]
        seen.append((str(record[0].message).split(" (Triggered internally")[0], str(error.value)))
    assert seen[0] == seen[1]


def test_index_reduce_beta_notice_is_pytorchs_cpp_warning_at_the_callers_line():
    from ember import _settings
    _settings._WARNED.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ember.ones(3).index_reduce(0, ember.tensor([0]), ember.ones(1), "amax")
    assert len(caught) == 1
    assert str(caught[0].message).startswith(
        "index_reduce() is in beta and the API may change at any time. (Triggered internally at ")
    assert caught[0].filename == __file__


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("call", [
    lambda T, x, i, s: x.scatter_add(0, i, s), lambda T, x, i, s: x.scatter(0, i, s, reduce="add"),
    lambda T, x, i, s: x.scatter_reduce(0, i, s, "sum"),
    lambda T, x, i, s: x.scatter_reduce(0, i, s, "mean", include_self=False),
    lambda T, x, i, s: x.scatter_reduce(0, i, s, "prod"),
    lambda T, x, i, s: x.index_add(0, i, s), lambda T, x, i, s: x.index_reduce(0, i, s, "mean"),
], ids=["scatter_add", "scatter_reduce_add", "sum", "mean", "prod", "index_add", "index_mean"])
def test_half_types_sum_as_pytorchs_kernels(call, dtype):
    """(The scatter kernel sums float16 and bfloat16 in float: 2048 + 1 + 1
    is 2050 there; index_add and index_reduce add in the dtype.)"""
    def run(T):
        s = T.tensor([2048.0, 1.0, 1.0, 3.0], dtype=getattr(T, dtype))
        return call(T, T.ones(2, dtype=getattr(T, dtype)), T.tensor([0, 0, 0, 1]), s)
    check(run, exact=True)
