"""Tensor.resize_/resize_as_/resize/resize_as, set_/is_set_to, storage(),
storage_type() and the legacy storage classes, against PyTorch."""
import warnings

import pytest

import ember
import ember._typed_storage as ember_storage
from compare_torch import check, check_error

torch = pytest.importorskip("torch")


def geometry(t):
    return t, tuple(t.shape), t.stride(), t.storage_offset(), t._version


# -- resize_ ------------------------------------------------------------------------

def test_resize_shrinks_and_grows_in_place():
    def run(T):
        t = T.arange(6.)
        # (t's last geometry has bytes nobody wrote: only geometries are kept)
        out = [t.resize_(6)._version, geometry(t.resize_(2, 3))[1:], t.tolist(),
               geometry(t.resize_(2, 3))[1:], geometry(t.resize_(2, 2))[1:], t.tolist(),
               t.untyped_storage().nbytes(), geometry(t.resize_((3,)))[1:],
               geometry(t.resize_([6]))[1:], geometry(t.resize_(T.Size([1, 2])))[1:],
               geometry(t.resize_(()))[1:], t.resize_(3, 4)[:2, :2].tolist()]  # old bytes kept
        return out, t.untyped_storage().nbytes()
    check(run)


def test_resize_keeps_views_offset_and_strides():
    def run(T):
        v = T.arange(6.)[1:4]
        tt = T.arange(6.).reshape(2, 3).T
        e = T.arange(3.).expand(2, 3)
        return (geometry(v.resize_(2)), geometry(tt.resize_(3, 2)), geometry(tt.resize_(6)),
                geometry(e.resize_(2, 3)))
    check(run)


def test_resize_shares_memory_within_the_storage():
    def run(T):
        base = T.arange(6.)
        t = base.view(6)
        t.resize_(2, 2)
        t[1, 1] = 40.
        return base, t.data_ptr() == base.data_ptr()
    check(run)


def test_resize_memory_formats():
    def run(T):
        t = T.arange(24.)
        a = geometry(t.resize_(1, 2, 3, 4, memory_format=T.channels_last))
        b = geometry(T.arange(120.).resize_(1, 2, 3, 4, 5, memory_format=T.channels_last_3d))
        c = geometry(t.resize_(2, 3, memory_format=T.contiguous_format))
        return a[1:], b[1:], c
    check(run)


@pytest.mark.parametrize("op", [
    lambda T, t: t.resize_(-1), lambda T, t: t.resize_(2, -1), lambda T, t: t.resize_("a"),
    lambda T, t: t.resize_(2.0), lambda T, t: t.resize_(2, memory_format=T.channels_last),
    lambda T, t: t.resize_(1, 2, 3, 1, memory_format=T.channels_last_3d),
    lambda T, t: t.resize_(2, 3, memory_format=T.preserve_format),
    lambda T, t: t.resize_as_([1, 2]),
])
def test_resize_errors(op):
    check_error(lambda T: (T.arange(6.),), op)


@pytest.mark.parametrize("make", [lambda T: T.ones(3, requires_grad=True),
                                  lambda T: T.ones(3, requires_grad=True) * 2])
def test_resize_refuses_tensors_requiring_grad(make):
    check_error(lambda T: (make(T),), lambda T, t: t.resize_(2))
    check_error(lambda T: (make(T),), lambda T, t: t.resize_(3))


def test_resize_meta():
    check(lambda T: geometry(T.empty(2, device="meta").resize_(5))[1:])


def test_resize_as_():
    check(lambda T: geometry(T.arange(6.).resize_as_(T.zeros(2, 3, dtype=T.int64))))
    check(lambda T: geometry(T.arange(6.).resize_as_(T.zeros(3, 2),
                                                     memory_format=T.contiguous_format)))
    check(lambda T: geometry(T.resize_as_(T.arange(6.), T.zeros(3, 1))))


# -- resize / resize_as (deprecated, autograd's Resize) -------------------------------

def test_resize_out_of_place():
    def run(T):
        a = T.ones(2, 3, requires_grad=True)
        r = a.resize(3, 2)
        (r * T.arange(6.).reshape(3, 2)).sum().backward()
        t = T.arange(6.).reshape(2, 3)
        return (r, type(r.grad_fn).__name__, a.grad, t.resize(3, 2), t.T.resize(6),
                t.resize_as(T.zeros(3, 2)), r.data_ptr() == a.data_ptr())
    check(run)
    for T in (torch, ember):
        with pytest.warns(UserWarning, match="^non-inplace resize is deprecated$"):
            T.ones(2).resize(2, 1)
        with pytest.warns(UserWarning, match="^non-inplace resize_as is deprecated$"):
            T.ones(2).resize_as(T.ones(1, 2))


@pytest.mark.parametrize("op", [lambda T, t: t.resize(2, 2), lambda T, t: t.resize((3, 2)),
                                lambda T, t: t.resize_as(T.zeros(3, 3))])
def test_resize_out_of_place_errors(op):
    check_error(lambda T: (T.arange(6.).reshape(2, 3),), op)


# -- set_ / is_set_to -----------------------------------------------------------------

def test_set_to_a_tensor_shares_it():
    def run(T):
        t, s = T.arange(6.), T.zeros(0)
        s.set_(t)
        t[0] = 9.
        v = T.zeros(1).set_(t[2:], 1, (2,))
        w = T.zeros(1).set_(t[2:], 0, (2, 2), (1, 2))
        return (s, s.is_set_to(t), t.is_set_to(s), s._version, geometry(v), geometry(w),
                t.is_set_to(t[:]), t.view(2, 3).is_set_to(t), T.arange(6.).is_set_to(t))
    check(run)


def test_set_to_a_storage():
    def run(T):
        t = T.arange(6.)
        a = T.zeros(0).set_(t.untyped_storage())
        b = T.zeros(0).set_(t.untyped_storage(), 1, (2, 2))
        c = T.zeros(0).set_(t.untyped_storage(), 1, (2, 2), (1, 2))
        d = T.zeros(0).set_(source=t.untyped_storage(), storage_offset=1, size=(2,), stride=(2,))
        e = T.zeros(0).set_(t.storage(), 0, (3,))
        f = T.zeros(2).set_()
        t[1] = 50.
        return [geometry(x) for x in (a, b, c, d, e, f)], f.untyped_storage().nbytes()
    check(run)


def test_set_beyond_the_storage_refused():
    # PyTorch grows a resizable storage in place; Ember's NumPy memory cannot
    # grow under its other tensors, so it refuses as PyTorch does for a
    # storage NumPy shares (check_error's snapshot calls numpy()).
    check_error(lambda T: (T.zeros(2), T.arange(6.)),
                lambda T, s, t: s.set_(t.untyped_storage(), 4, (2, 2)))
    check_error(lambda T: (T.zeros(2), T.arange(6.)), lambda T, s, t: s.set_(t, 1, (3,), (3,)))


@pytest.mark.parametrize("op", [
    lambda T, s, t: s.set_(T.zeros(2, dtype=T.int64)),
    lambda T, s, t: s.set_(T.zeros(2, dtype=T.int64).storage()),
    lambda T, s, t: s.set_(T.zeros(3, dtype=T.int64).storage(), 0, (2,)),
    lambda T, s, t: s.set_(t, -1, (2,)),
    lambda T, s, t: s.set_(t, 0, (2,), (-1,)),
    lambda T, s, t: s.is_set_to(5),
])
def test_set_errors(op):
    check_error(lambda T: (T.zeros(2), T.arange(6.)), op)


@pytest.mark.parametrize("args", [(5,), (ember, "a", (2,)), (ember, 1, (2,), (1,), 5)])
def test_set_refuses_other_arguments(args):
    # (the parser's long text names the overloads: compared by type)
    def op(T, s, t):
        return s.set_(*[t if a is ember else a for a in args])
    with pytest.raises(TypeError, match=r"^set_\(\) received an invalid combination"):
        op(ember, ember.zeros(2), ember.arange(6.))
    check(lambda T: op(T, T.zeros(2), T.arange(6.)), message=False)


def test_set_and_autograd():
    check_error(lambda T: (T.ones(2, requires_grad=True), T.ones(2)),
                lambda T, a, t: a.set_(t))

    def recorded(T):
        s = T.ones(2).set_(T.ones(2, requires_grad=True))
        n = (T.ones(2, requires_grad=True) * 2).set_(T.arange(2.))
        return s, n
    check(recorded)
    for T in (torch, ember):
        s = T.ones(2).set_(T.ones(2, requires_grad=True))
        with pytest.raises(RuntimeError, match="^derivative for set_ is not implemented$"):
            s.sum().backward()


# -- storage() and the legacy classes -------------------------------------------------

@pytest.fixture
def quiet():
    """The TypedStorage deprecation warning is given once per process: both
    libraries' flags reset, the warning expected."""
    import torch.storage as ts
    ts._reset_warn_typed_storage_removal()
    ember_storage._reset_warn_typed_storage_removal()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def test_storage_warns_once():
    import torch.storage as ts
    for T, reset in ((torch, ts._reset_warn_typed_storage_removal),
                     (ember, ember_storage._reset_warn_typed_storage_removal)):
        reset()
        with pytest.warns(UserWarning, match="^TypedStorage is deprecated. It will be removed"):
            T.ones(2).storage()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            T.ones(2).storage()


STORAGES = ("FloatStorage", "DoubleStorage", "HalfStorage", "BFloat16Storage", "LongStorage",
            "IntStorage", "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage",
            "ComplexFloatStorage", "ComplexDoubleStorage")


@pytest.mark.parametrize("name", STORAGES)
def test_legacy_storage_classes(name, quiet):
    def run(T):
        cls = getattr(T, name)
        a, b = cls(3), cls([1, 0, 1])
        return (len(a), a.size(), a.dtype, a.nbytes(), a.element_size(), b.tolist(), b[1], b[-1],
                isinstance(b, cls), isinstance(b, T.TypedStorage),
                isinstance(b, T.FloatStorage) == (name == "FloatStorage"), type(b).__name__,
                a.type(), str(b), repr(b), a.device, a.is_cuda, T.is_storage(b))
    check(run)


def test_tensor_storage(quiet):
    def run(T):
        t = T.arange(6.).reshape(2, 3)
        st = t[1].storage()
        st[0] = 9.
        return (st.tolist(), t, t.storage_type().__name__,
                T.zeros(2, dtype=T.int64).storage_type().__name__,
                type(st).__name__, st.size(), repr(st), st.untyped().nbytes(),
                st.data_ptr() == t.untyped_storage().data_ptr(), T.storage.TypedStorage.__name__)
    check(run)


def test_typed_and_untyped_construction(quiet):
    check(lambda T: (T.TypedStorage(3).dtype, T.TypedStorage([1, 2], dtype=T.int32).tolist(),
                     T.TypedStorage(2, dtype=T.float64).size(), T.TypedStorage().size(),
                     T.Storage is T.FloatStorage, T.Storage(2).dtype,
                     repr(T.FloatStorage([])), repr(T.FloatStorage([1.5, 2.25e10, 3])),
                     T.UntypedStorage([1, 2, 300]).tolist(), len(T.UntypedStorage(4)),
                     repr(T.UntypedStorage([1, 2])), T.FloatStorage([True, 2]).tolist(),
                     T.IntStorage([1.7]).tolist(),
                     T.TypedStorage(wrap_storage=T.UntypedStorage([1] * 8), dtype=T.int32).tolist(),
                     T.LongStorage(wrap_storage=T.UntypedStorage([2] * 8)).tolist()))


@pytest.mark.parametrize("call", [
    lambda T, s: s[3], lambda T, s: s[-4], lambda T, s: s[1:], lambda T, s: s["a"],
    lambda T, s: T.FloatStorage(2, 3), lambda T, s: T.FloatStorage(2, dtype=T.float64),
    lambda T, s: T.FloatStorage("ab"), lambda T, s: T.FloatStorage(wrap_storage=3),
    lambda T, s: T.TypedStorage(2, dtype="x"), lambda T, s: T.TypedStorage(wrap_storage=s),
    lambda T, s: T.TypedStorage(1, wrap_storage=T.UntypedStorage(2), dtype=T.int8),
])
def test_storage_errors(call, quiet):
    check(lambda T: call(T, T.FloatStorage([1, 2, 3])), message=False)


def test_storage_error_messages(quiet):
    check(lambda T: T.FloatStorage([1, 2, 3])[3])
    check(lambda T: T.FloatStorage([1, 2, 3])[1:])


def test_tensors_from_storages_share_memory(quiet):
    def run(T):
        s = T.FloatStorage([1, 2])
        a = T.tensor(s)
        a[0] = 9.
        b = T.Tensor(s)
        b[1] = 7.
        c = T.LongTensor(T.LongStorage([1, 2]))
        d = T.tensor(T.LongStorage([3, 4]), dtype=T.int64)
        return s.tolist(), a, b, T.FloatTensor(s), c, d
    check(run)


@pytest.mark.parametrize("call", [
    lambda T: T.tensor(T.DoubleStorage([1])), lambda T: T.tensor(T.IntStorage([1])),
    lambda T: T.tensor(T.FloatStorage([1]), dtype=T.int64), lambda T: T.Tensor(T.IntStorage([1])),
    lambda T: T.FloatTensor(T.DoubleStorage([1])), lambda T: T.Tensor(T.HalfStorage([1])),
])
def test_tensors_from_storages_errors(call, quiet):
    check(call)


def test_storage_setitem(quiet):
    def run(T):
        t = T.arange(4.)
        s = t.storage()
        s[1:3] = 7.
        s[-1] = 9.
        return t, s.tolist()
    check(run)
    check(lambda T: T.FloatStorage([1])["a"].__setitem__, message=False)


def test_inference_tensors_refuse_resize_and_set():
    for T in (torch, ember):
        with T.inference_mode():
            t = T.ones(3)
        for op in (lambda: t.resize_(2), lambda: t.set_(T.ones(2))):
            with pytest.raises(RuntimeError, match="^Inplace update to inference tensor outside "
                               "InferenceMode is not allowed"):
                op()
    assert t.shape == (3,)    # (PyTorch's resize_ has already resized when it raises)


@pytest.mark.parametrize("args", [("ab",), ([1.5],), ([1, "a"],), (None,), (2, 3)])
def test_untyped_storage_errors(args):
    check(lambda T: T.UntypedStorage(*args), message=len(args) == 1)


def test_tensors_from_untyped_storages():
    check(lambda T: (T.Tensor(T.UntypedStorage([0] * 8)),
                     T.LongTensor(T.UntypedStorage([1] + [0] * 7))))


# -- storage_offset of strided views --------------------------------------------------

def test_storage_offset_of_strided_views():
    # (diagonal, as_strided and unfold are views NumPy takes with as_strided:
    # their offset is counted from the storage, not from the view itself)
    def run(T):
        x = T.arange(24.).reshape(2, 3, 4)
        views = [x[:, 1:].diagonal(), x[1].diagonal(1), x.diagonal(0, 1, 2),
                 x[1:].as_strided((2,), (1,), 3), x[1, 1:].unfold(0, 2, 1),
                 x[..., 1:].narrow(2, 1, 2), x.expand(2, 2, 3, 4)[1]]
        return [(v.storage_offset(), v.stride(), v.untyped_storage().nbytes()) for v in views]
    check(run)
