"""What learners' scripts met on Ember, each against PyTorch: nll_loss and
cross_entropy refusing a wrong target in PyTorch's order, and numpy()'s new
array object each call."""
import numpy as np
import pytest

from compare_torch import check

F32 = "float32"


def _zeros(T, shape, dtype=F32, **kw):
    return T.zeros(*shape, dtype=getattr(T, dtype), **kw)


# (input shape, target shape, target dtype, weight: None, its size, or "grad")
NLL_CASES = [
    ((3, 5), (2, 5), F32, None),        # soft-label looking target, another batch
    ((3, 5), (2,), F32, None),
    ((3, 5), (2,), "int64", None),
    ((3, 5), (3, 2), F32, None),        # rank before dtype
    ((3, 5), (3,), F32, None),
    ((3, 5), (3,), "int32", None),
    ((3, 5), (), F32, None),            # a 0-d target: batch size 0
    ((3, 5), (3,), F32, 4),             # dtype before the weight's size
    ((3, 5), (3,), "int64", 4),
    ((3, 5), (2,), "int64", "grad"),    # batch size before the weight's requires_grad
    ((3, 5), (3, 2, 2), "int64", "grad"),  # requires_grad before the rank
    ((5,), (2,), F32, None),            # dtype before 1-D input's target size
    ((5,), (2,), "int64", None),
    ((5,), (2, 2), F32, None),
    ((2, 3, 4, 4), (2, 4), F32, None),  # spatial: rank, dtype, size, weight
    ((2, 3, 4, 4), (2, 5, 5), F32, None),
    ((2, 3, 4, 4), (2, 5, 5), "int64", None),
    ((2, 3, 4, 4), (2, 4, 4), F32, 2),
    ((2, 3, 4, 4), (2, 4, 4), "int64", 2),
    ((2, 5, 4, 4), (2, 4), "int64", "grad"),
    ((2, 3, 4), (2, 5), F32, None),     # 3-d: the target's size first
    ((2, 3, 4), (2, 4), F32, 2),
    ((2, 3, 4), (3, 4), F32, None),
]


def _weight(T, weight, classes):
    if weight is None:
        return None
    if weight == "grad":
        return T.ones(classes, requires_grad=True)
    return T.ones(weight)


@pytest.mark.parametrize("loss", ["nll_loss", "cross_entropy"])
@pytest.mark.parametrize("shape, tshape, tdtype, weight", NLL_CASES)
def test_class_index_losses_refuse_in_pytorchs_order(loss, shape, tshape, tdtype, weight):
    classes = shape[1] if len(shape) > 1 else shape[0]
    check(lambda T: getattr(T.nn.functional, loss)(
        _zeros(T, shape), _zeros(T, tshape, tdtype), weight=_weight(T, weight, classes)))


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_cross_entropy_weight_of_another_size_is_nll_losss_refusal(smoothing):
    check(lambda T: T.nn.functional.cross_entropy(
        T.zeros(3, 5), T.zeros(3, dtype=T.long), weight=T.ones(4), label_smoothing=smoothing))
    check(lambda T: T.nn.functional.cross_entropy(
        T.zeros(3, 5), T.zeros(3, 5), weight=T.ones(4), label_smoothing=smoothing))


def test_weighted_label_smoothing_still_computes():
    check(lambda T: T.nn.functional.cross_entropy(
        T.arange(15.).view(3, 5).requires_grad_(), T.tensor([0, 4, 2]),
        weight=T.tensor([1., 2., 3., 4., 5.]), label_smoothing=0.2))


def test_numpy_gives_a_new_array_on_the_same_memory():
    def facts(T):
        x = np.arange(4.0)
        t = T.from_numpy(x)
        a = t.numpy()
        return (a is x, a is t.numpy(), a.base is None, np.shares_memory(a, x),
                T.ones(2).numpy() is T.ones(2).numpy())
    check(facts)
    # (writes through the new array reach the tensor, as through PyTorch's)
    check(lambda T: (lambda t: (t.numpy().__setitem__(0, 5.0), t)[1])(T.zeros(3)))


@pytest.mark.parametrize("kind", ["FloatTensor", "LongTensor", "Foo", "float"])
@pytest.mark.parametrize("as_class", [True, False])
def test_type_refuses_a_cuda_tensor_type_as_the_cpu_build_does(kind, as_class):
    torch = pytest.importorskip("torch")
    if torch.backends.cuda.is_built():
        pytest.skip("PyTorch's CUDA build tries a driver instead of its CUDA library")
    if as_class and not hasattr(torch.cuda, kind):
        pytest.skip("no such class")

    def convert(T):
        name = kind if kind == "float" else f"{T.__name__}.cuda.{kind}"
        return T.ones(2).type(getattr(T.cuda, kind) if as_class else name)
    check(convert)
