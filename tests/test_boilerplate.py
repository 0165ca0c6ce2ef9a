"""The everyday lines at the top of training scripts, against PyTorch:
threads (NumPy's BLAS pool really resized), determinism flags, constants,
Tensor.apply_/map_/tolist/storage, DLPack both ways, subclasses that rely
on __torch_function__, torch.onnx."""
import math
import os

import numpy as np
import pytest

import ember
import ember._misc
from compare_torch import check, check_error

torch = pytest.importorskip("torch")


def test_constants():
    check(lambda T: (T.pi, T.e, T.inf, T.newaxis))
    assert math.isnan(ember.nan)
    assert ember.zeros(2, 3)[:, ember.newaxis].shape == (2, 1, 3)


@pytest.mark.parametrize("call", [
    lambda T: T.set_num_threads(0), lambda T: T.set_num_threads(-1),
    lambda T: T.set_num_threads(1.5), lambda T: T.set_num_threads("a"),
    lambda T: T.set_num_threads(True), lambda T: T.set_num_interop_threads(0),
    lambda T: T.set_num_interop_threads(True), lambda T: T.use_deterministic_algorithms("a"),
    lambda T: T.use_deterministic_algorithms(1),
    lambda T: T.use_deterministic_algorithms(True, warn_only=1),
    lambda T: T.use_deterministic_algorithms(True, warn_only=None),
])
def test_thread_and_determinism_errors(call):
    check(call)


def test_set_num_threads_sizes_numpys_blas_pool(monkeypatch):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    blas = [p for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]
    if not blas:
        pytest.skip("NumPy's BLAS reports no thread pool")
    monkeypatch.setitem(ember._misc._threads, "intra", ember.get_num_threads())
    # the pool as the test run set it (one thread per pytest-xdist worker), restored after
    restore = threadpoolctl.threadpool_limits(limits=blas[0]["num_threads"], user_api="blas")
    try:
        ember.set_num_threads(1)
        assert ember.get_num_threads() == 1
        assert all(p["num_threads"] == 1 for p in threadpoolctl.threadpool_info()
                   if p["user_api"] == "blas")
        ember.set_num_threads(2)
        assert all(p["num_threads"] == 2 for p in threadpoolctl.threadpool_info()
                   if p["user_api"] == "blas")
        a = ember.randn(64, 64)
        assert ember.allclose(a @ a.t(), ember.tensor(a.numpy() @ a.numpy().T), atol=1e-4)
    finally:
        restore.restore_original_limits()


def test_interop_threads_set_once(monkeypatch):
    monkeypatch.setitem(ember._misc._threads, "inter_set", False)
    monkeypatch.setitem(ember._misc._threads, "inter", ember.get_num_interop_threads())
    ember.set_num_interop_threads(2)
    assert ember.get_num_interop_threads() == 2
    with pytest.raises(RuntimeError, match="^Error: cannot set number of interop threads after "
                       "parallel work has started or set_num_interop_threads called$"):
        ember.set_num_interop_threads(3)
    assert ember.get_num_interop_threads() == 2


def test_deterministic_flags():
    for T in (ember, torch):
        try:
            T.use_deterministic_algorithms(True, warn_only=True)
            assert T.are_deterministic_algorithms_enabled()
            assert T.is_deterministic_algorithms_warn_only_enabled()
            T.use_deterministic_algorithms(True)
            assert not T.is_deterministic_algorithms_warn_only_enabled()
        finally:
            T.use_deterministic_algorithms(False)
        assert not T.are_deterministic_algorithms_enabled()


@pytest.mark.parametrize("call", [
    lambda T: T.tensor([1., 2.]).apply_(lambda v: v * 2),
    lambda T: T.tensor([1, 2]).apply_(lambda v: v * 2.7),
    lambda T: T.tensor([True, False]).apply_(lambda v: not v),
    lambda T: T.tensor([1 + 2j]).apply_(lambda v: v * 2),
    lambda T: T.tensor([[1., 2.], [3., 4.]]).t().apply_(lambda v: v + 1),
    lambda T: T.tensor([1., 2.]).apply_(lambda v: "x"),
    lambda T: T.tensor([1., 2.]).apply_(lambda v: None),
    lambda T: T.tensor([True]).apply_(lambda v: "x"),
    lambda T: T.tensor([1]).apply_(lambda v: 2 ** 70),
    lambda T: T.tensor([1.]).apply_(3),
    lambda T: T.zeros(0).apply_(lambda v: v),
    lambda T: T.tensor([1., 2.]).map_(T.tensor([3., 4.]), lambda a, b: a + b),
    lambda T: T.tensor([[1., 2.]]).map_(T.tensor([3.]), lambda a, b: a * b),
    lambda T: T.tensor([1, 2]).map_(T.tensor([1, 1]), lambda a, b: a + b + 0.7),
    lambda T: T.tensor([1., 2.]).map_(T.tensor([3., 4., 5.]), lambda a, b: a + b),
    lambda T: T.tensor([1., 2.]).map_(3, lambda a, b: a + b),
    lambda T: T.tensor([1.]).map_(T.tensor([1]), lambda a, b: a + b),
    lambda T: T.tensor([1.]).map_(T.tensor([1.]), lambda a, b: (a, b)),
    lambda T: T.tensor([1.]).map_(T.tensor([1.]), 3),
])
def test_apply_and_map(call):
    check(call)


def test_apply_and_map_refuse_grad_and_keep_values():
    check_error(lambda T: (T.tensor([1., 2.], requires_grad=True),),
                lambda T, x: x.apply_(lambda v: v * 2))
    check_error(lambda T: (T.tensor([1., 2.], requires_grad=True), T.tensor([3., 4.])),
                lambda T, x, y: x.map_(y, lambda a, b: a + b))
    check_error(lambda T: (T.tensor([1., 2.]), T.tensor([3., 4.], requires_grad=True)),
                lambda T, x, y: x.map_(y, lambda a, b: a + b))
    check_error(lambda T: (T.tensor([1., 2.]),), lambda T, x: x.apply_(lambda v: "x" if v > 1 else v))

    def version(T):
        x = T.tensor([1., 2.])
        view = x[1:]
        x.apply_(lambda v: v + 1)
        return x._version, view
    check(version)


@pytest.mark.parametrize("call", [
    lambda T: T.tensor([[1, 2]]).tolist(), lambda T: T.tensor(2.5).tolist(),
    lambda T: T.tensor([[True], [False]]).tolist(), lambda T: T.tensor([1 + 2j]).tolist(),
    lambda T: T.zeros(2, 0).tolist(),
    lambda T: T.arange(6.).reshape(2, 3)[:, 1:].storage_offset(),
    lambda T: (lambda x: (x[2:].data_ptr() - x.data_ptr(),
                          x[2:].untyped_storage().data_ptr() == x.data_ptr(),
                          x.untyped_storage().nbytes()))(T.arange(6.)),
])
def test_tolist_and_memory(call):
    check(call)


@pytest.mark.parametrize("call", [
    lambda T: [(type(v).__name__, int(v)) for v in T.tensor([1., 2.]).__dlpack_device__()],
    lambda T: type(T.tensor([1., 2.]).__dlpack__()).__name__,
    lambda T: T.tensor([1.], requires_grad=True).__dlpack__(),
    lambda T: T.empty(2, device="meta").__dlpack__(),
    lambda T: T.tensor([1.]).__dlpack__(stream=1),
    lambda T: T.from_dlpack(T.tensor([1., 2., 3.])),
    lambda T: T.from_dlpack(np.arange(6.).reshape(2, 3)[:, ::2]),
    lambda T: T.from_dlpack(np.zeros(2, dtype=bool)),
    lambda T: T.from_dlpack(np.arange(4, dtype=np.int32)),
    lambda T: T.utils.dlpack.from_dlpack(T.utils.dlpack.to_dlpack(T.arange(3))),
    lambda T: T.from_dlpack("x"), lambda T: T.from_dlpack(3),
    lambda T: T.utils.dlpack.DLDeviceType.kDLCPU == 1,
    lambda T: T.from_dlpack is T.utils.dlpack.from_dlpack,
])
def test_dlpack(call):
    check(call)


@pytest.mark.skipif(np.lib.NumpyVersion(np.__version__) < "2.1.0",
                    reason="NumPy before 2.1 makes only pre-1.0 DLPack capsules, which cannot "
                           "say their memory is writable, so Ember copies them")
def test_dlpack_capsule_shares_memory():
    x = ember.arange(6.).reshape(2, 3)
    y = ember.from_dlpack(ember.utils.dlpack.to_dlpack(x))
    y[0, 0] = 5.0
    assert x[0, 0].item() == 5.0


def test_dlpack_shares_memory_both_ways():
    a = np.arange(4.)
    t = ember.from_dlpack(a)
    t[0] = 7.0
    assert a[0] == 7.0
    x = ember.arange(6.).reshape(2, 3)
    back = np.from_dlpack(x)
    x[1, 2] = -1.0
    assert back[1, 2] == -1.0 and np.shares_memory(back, x.numpy())
    capsule = ember.utils.dlpack.to_dlpack(x)
    ember.from_dlpack(capsule)
    with pytest.raises(RuntimeError, match="invalid capsule"):
        ember.from_dlpack(capsule)      # a capsule is consumed once
    # with PyTorch, in both directions
    tt = torch.from_dlpack(x)
    tt[0, 1] = 9.0
    assert x[0, 1].item() == 9.0
    e = ember.from_dlpack(torch.arange(3.))
    assert e.tolist() == [0.0, 1.0, 2.0] and e.dtype is ember.float32
    e2 = ember.from_dlpack(torch.utils.dlpack.to_dlpack(torch.arange(3)))  # an old-style capsule
    assert e2.tolist() == [0, 1, 2] and e2.dtype is ember.int64


def test_subclass_defining_torch_dispatch_is_refused():
    class Plain(ember.Tensor):
        pass
    assert isinstance(Plain([1., 2.]), ember.Tensor)
    # (__torch_function__ is supported: tests/test_torch_function.py)
    with pytest.raises(NotImplementedError, match="__torch_dispatch__"):
        class Dispatching(ember.Tensor):
            __torch_dispatch__ = classmethod(lambda cls, *a: None)


def test_onnx_importable_and_export_refused(tmp_path):
    import ember.onnx
    assert ember.onnx.is_in_onnx_export() is False
    assert list(ember.onnx.TrainingMode.__members__) == list(torch.onnx.TrainingMode.__members__)
    path = tmp_path / "model.onnx"
    model = ember.nn.Linear(2, 2)
    with pytest.raises(NotImplementedError, match="ember.onnx.export is not implemented"):
        ember.onnx.export(model, (ember.zeros(1, 2),), str(path), input_names=["x"],
                          dynamic_axes={"x": {0: "batch"}}, opset_version=17)
    assert not os.path.exists(path)
