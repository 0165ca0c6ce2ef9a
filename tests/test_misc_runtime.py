"""Constants, thread and determinism switches, backends, class names and
pickling, small Tensor helpers, `t[i] += x`, utils.benchmark."""
import math
import pickle
import re

import numpy as np
import pytest

import ember
from compare_torch import check

torch = pytest.importorskip("torch")


def test_constants():
    for name in ("pi", "e", "inf"):
        assert getattr(ember, name) == getattr(torch, name)
    assert math.isnan(ember.nan) and ember.newaxis is None


def test_threads_and_determinism():
    check(lambda T: T.get_num_threads())
    check(lambda T: T.get_num_interop_threads())
    check(lambda T: T.set_num_threads(0))
    check(lambda T: T.set_num_threads(2.5))
    before = ember.get_num_threads()
    ember.set_num_threads(1)
    assert ember.get_num_threads() == 1
    ember.set_num_threads(before)
    check(lambda T: T.use_deterministic_algorithms(1))
    for T in (ember, torch):
        T.use_deterministic_algorithms(True, warn_only=True)
        assert T.are_deterministic_algorithms_enabled()
        assert T.is_deterministic_algorithms_warn_only_enabled()
        assert T.get_deterministic_debug_mode() == 1
        T.set_deterministic_debug_mode("error")
        assert T.get_deterministic_debug_mode() == 2
        T.use_deterministic_algorithms(False)
        assert not T.are_deterministic_algorithms_enabled()


@pytest.mark.programs     # (a fresh PyTorch and Ember per case)
@pytest.mark.parametrize("env", [
    {"OMP_NUM_THREADS": "1"}, {"OMP_NUM_THREADS": "1,2"}, {"OMP_NUM_THREADS": "999"},
    {"OMP_NUM_THREADS": "abc"}, {"MKL_NUM_THREADS": "1"},
    {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "999"}, {}])
def test_thread_count_at_start_follows_the_environment(env):
    """The intra-op count a fresh process starts with, under OMP_NUM_THREADS
    and MKL_NUM_THREADS as PyTorch's CPU build reads them."""
    import os
    import subprocess
    import sys
    base = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    src = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
    base["PYTHONPATH"] = os.pathsep.join(filter(None, [src, base.get("PYTHONPATH")]))
    counts = [subprocess.run([sys.executable, "-c", f"import {lib}; print({lib}.get_num_threads())"],
                             env=dict(base, **env), capture_output=True, text=True,
                             timeout=120).stdout for lib in ("ember", "torch")]
    assert counts[0] == counts[1] and counts[0].strip().isdigit()


def test_backends():
    for T in (ember, torch):
        assert not T.backends.mps.is_available() and not T.cuda.is_available()
        assert T.backends.cudnn.deterministic is False and T.backends.cudnn.benchmark is False
        T.backends.cudnn.deterministic = True
        T.backends.cudnn.benchmark = True
        assert T.backends.cudnn.deterministic and T.backends.cudnn.benchmark
        T.backends.cudnn.deterministic = T.backends.cudnn.benchmark = False
    assert ember.backends.cuda.matmul.allow_tf32 == torch.backends.cuda.matmul.allow_tf32


def test_small_helpers():
    check(lambda T: T.is_nonzero(T.tensor([1.5])))
    check(lambda T: T.is_nonzero(T.tensor(0)))
    check(lambda T: T.is_nonzero(T.tensor([1, 2])))
    check(lambda T: T.is_nonzero(T.tensor([])))
    check(lambda T: T.tensor([3]).is_nonzero())
    check(lambda T: T.typename(T.zeros(2)))
    check(lambda T: T.typename(T.zeros(2, dtype=T.long)))
    check(lambda T: T.typename(3))
    check(lambda T: T.typename(T.nn.Linear(2, 2)).split(".")[-1])
    check(lambda T: T.typename(T.nn.Parameter(T.zeros(2))))
    check(lambda T: T.numel(T.zeros(2, 3)))
    check(lambda T: T.arange(4.).apply_(lambda v: v * 2), exact=True)
    check(lambda T: T.arange(3).apply_(lambda v: v + 0.7), exact=True)
    check(lambda T: T.arange(6.).view(2, 3).t().apply_(lambda v: v * 3), exact=True)
    check(lambda T: T.ones(2, requires_grad=True).apply_(lambda v: v))
    check(lambda T: (T.manual_seed(0) is T.default_generator, type(T.manual_seed(0)).__name__))


def test_public_class_names():
    for fn in (lambda T: type(T.ones(2)), lambda T: T.ones(2).__class__,
               lambda T: type(T.ones(2).shape), lambda T: type(T.float32),
               lambda T: type(T.device("cpu")), lambda T: type(T.finfo()),
               lambda T: type(T.iinfo(T.int8)), lambda T: T.FloatTensor,
               lambda T: type(T.nn.Parameter(T.ones(2)))):
        assert repr(fn(ember)) == repr(fn(torch)).replace("torch", "ember")
    assert repr(type(ember.Generator())) == "<class 'ember._C.Generator'>"
    assert repr(type(torch.Generator())) == "<class 'torch._C.Generator'>"
    assert repr(ember.Generator()).startswith("<ember._C.Generator object at 0x")
    assert repr(type(ember.FloatTensor)) == "<class 'ember.tensortype'>"


def test_public_objects_pickle():
    p = ember.nn.Parameter(ember.ones(2))
    for obj in (ember.ones(2), ember.Size([2, 3]), ember.float32, ember.bfloat16,
                ember.device("meta"), p):
        back = pickle.loads(pickle.dumps(obj))
        assert type(back) is type(obj) and repr(back) == repr(obj)
    g = ember.Generator()
    g.manual_seed(3)
    assert pickle.loads(pickle.dumps(g)).initial_seed() == 3


# -- t[i] += x ----------------------------------------------------------------------
def test_indexed_element_in_place_arithmetic():
    def vec(T):
        v = T.zeros(3, dtype=T.long)
        v[1] += 1
        v[2] -= 3
        v[0] *= 2
        return v

    def mat(T):
        m = T.ones(2, 3)
        m[1, 2] += 5
        m[0][1] *= 3
        m[1] /= 2
        m[T.tensor(0), 0] -= 4
        return m

    def grad(T):
        x = T.tensor([1., 2., 3.], requires_grad=True)
        y = x * 2
        y[1] += 1
        y[0] *= x[2]
        y.sum().backward()
        return y, x.grad

    check(vec, exact=True)
    check(mat, exact=True)
    check(grad, reprs=True)
    check(lambda T: T.arange(5)[T.tensor([1, 2])].add_(1))

    def leaf(T):
        x = T.ones(3, requires_grad=True)
        x[0] += 1
    check(leaf)


# -- utils.benchmark ------------------------------------------------------------------
def _measurements(B):
    spec = lambda stmt, sub, desc, n: B.TaskSpec(  # noqa: E731
        stmt=stmt, setup="pass", label="ops", sub_label=sub, description=desc, num_threads=n)
    out = []
    for i, n in enumerate((1, 4)):
        for j, (stmt, sub) in enumerate((("x + 1", "add"), ("x * 2", None))):
            for k, desc in enumerate(("small", "large")):
                times = [(1 + 0.1 * ((i + j + k + r) % 5)) * 1e-5 * (k + 1)
                         for r in range(1 + 3 * ((i + j + k) % 3))]
                out.append(B.Measurement(100, times, spec(stmt, sub, desc, n)))
    out.append(B.Measurement(10, [2e-3, 2.2e-3, 1.9e-3, 2.5e-3, 3e-3], B.TaskSpec(
        stmt="y = f(x)\nz = y", setup="a = 1\nb = 2", sub_label="sub", description="d",
        num_threads=2)))
    return out


def test_measurement_and_compare_print_as_torch():
    import ember.utils.benchmark as EB
    import torch.utils.benchmark as TB
    em, tm = _measurements(EB), _measurements(TB)
    for e, t in zip(em, tm):
        assert re.sub("0x[0-9a-f]+", "", repr(e)) == re.sub(
            "0x[0-9a-f]+", "", repr(t)).replace("torch", "ember")
        for attr in ("mean", "median", "iqr", "significant_figures", "has_warnings", "title",
                     "times", "env", "as_row_name", "number_per_run", "num_threads"):
            assert getattr(e, attr) == pytest.approx(getattr(t, attr)), attr
    ec, tc = EB.Compare(em), TB.Compare(tm)
    assert str(ec) == str(tc)
    for step in (lambda c: c.trim_significant_figures(), lambda c: c.highlight_warnings(),
                 lambda c: c.colorize(), lambda c: c.colorize(rowwise=True)):
        step(ec)
        step(tc)
        assert str(ec) == str(tc)
    assert len(EB.Measurement.merge(em)) == len(TB.Measurement.merge(tm))


def test_measurement_repr_names_the_library_as_the_program_does():
    # under ember.run the program imported torch.utils.benchmark: the repr's
    # first line is object's repr with that module name, as PyTorch's
    import ember.utils.benchmark as EB
    import torch.utils.benchmark as TB
    from ember import _public_name
    e, t = _measurements(EB)[-1], _measurements(TB)[-1]
    _public_name.set_name("torch")
    try:
        shown = repr(e)
    finally:
        _public_name.set_name("ember")
    assert shown.startswith("<torch.utils.benchmark.utils.common.Measurement object at 0x")
    assert re.sub("0x[0-9a-f]+", "", shown) == re.sub("0x[0-9a-f]+", "", repr(t))
    assert repr(e).startswith("<ember.utils.benchmark.utils.common.Measurement object at 0x")

def test_timer():
    from ember.utils.benchmark import Timer, Measurement
    t = Timer("x + 1", setup="y = 2", globals={"x": ember.ones(3)}, label="L", sub_label="S",
              description="D", num_threads=2)
    m = t.timeit(100)
    assert isinstance(m, Measurement) and m.number_per_run == 100 and len(m.times) == 1
    assert m.num_threads == 2 and m.title == "L: S" and m.mean > 0
    m = t.blocked_autorange(min_run_time=0.02)
    assert m.number_per_run >= 1 and sum(m.raw_times) >= 0.02 and m.median > 0
    m = t.adaptive_autorange(max_run_time=0.05)
    assert m.times and "L: S\nD\nsetup: y = 2" in repr(m)
    assert Timer("torch.ones(2)").timeit(10).mean > 0      # `torch` is predefined
    with pytest.raises(ValueError, match="only a `str` stmt"):
        Timer(lambda: 1)
    with pytest.raises(NotImplementedError, match="blocked_autorange"):
        t.repeat()


def test_untyped_storage():
    def info(T):
        t = T.arange(6.).view(2, 3)
        s = t.untyped_storage()
        return (s.nbytes(), s.size(), len(s), s.element_size(), str(s.device),
                s.data_ptr() == t.data_ptr(), t[1].untyped_storage().data_ptr() == t.data_ptr(),
                t[1].untyped_storage().nbytes(), s.tolist(), s[6], t.storage_offset(),
                t[1].storage_offset(), T.empty(2, device="meta").untyped_storage().nbytes())
    check(info)
    check(lambda T: repr(T.tensor([1, 2], dtype=T.uint8).untyped_storage()))
    check(lambda T: repr(T.tensor([], dtype=T.uint8).untyped_storage()))


def _ii_np(T):
    v = T.zeros(3)
    v[np.int64(1)] += 1
    return v


def _ii_tensor_index(T):
    v = T.zeros(3)
    v[T.tensor(2)] += 1
    return v


def _ii_long_float(T):
    v = T.zeros(3, dtype=T.long)
    v[0] += 0.5
    v[1] += T.tensor(1.5)
    return v


def _ii_ops(T):
    v = T.ones(3)
    v[-1] -= 2
    v[0] **= 2
    v[1] //= 2
    return v


def _ii_other_grad(T):
    v = T.zeros(3)
    w = T.ones(3, requires_grad=True)
    v[1] += w[0] * 2
    v.sum().backward()
    return v, w.grad


def _ii_rows(T):
    v = T.zeros(2, 3)
    v[0] += T.ones(3)
    v[:, 1] += 2
    v[[0, 1], 0] += 1
    return v


def _ii_bad_shape(T):
    v = T.zeros(3)
    v[1] += T.ones(2)


def _ii_none(T):
    v = T.zeros(3)
    v[1] += None


@pytest.mark.parametrize("fn", [_ii_np, _ii_tensor_index, _ii_long_float, _ii_ops,
                                _ii_other_grad, _ii_rows, _ii_bad_shape, _ii_none])
def test_indexed_in_place_variants(fn):
    check(fn)


def test_contains_as_pytorch():
    """`x in t`: any element equal (a number or a broadcastable tensor);
    anything else is refused (Python's fallback iterated rows instead)."""
    torch = pytest.importorskip("torch")
    seen = []
    for T in (torch, ember):
        x = T.ones(2, 3) * 2
        row = [2 in x, 3 in x, T.tensor([2.0, 2.0, 2.0]) in x, True in T.tensor([True])]
        with pytest.raises(RuntimeError) as info:
            "a" in x
        seen.append((row, str(info.value)))
    assert seen[1] == seen[0]


@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_string_learning_rate_fails_as_pytorch(name):
    """SGD compares `lr < 0.0`, the others `not 0.0 <= lr`: the TypeError says which."""
    torch = pytest.importorskip("torch")
    seen = []
    for T in (torch, ember):
        with pytest.raises(TypeError) as info:
            getattr(T.optim, name)([T.ones(1, requires_grad=True)], lr="0.1")
        seen.append(str(info.value))
    assert seen[1] == seen[0]
