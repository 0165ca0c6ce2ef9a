"""The profiler's events, as PyTorch's: the ATen ops a functional call and a
layer record (composites included), their input shapes in ATen's argument
order, memory, stacks without the backend's calls, the Chrome trace's header."""
import gzip
import json
import re

import pytest

import ember
import ember.nn.functional as F
from ember.autograd.profiler import profile, record_function
from ember.autograd.profiler_util import _format_memory


def _torch():
    return pytest.importorskip("torch")


_FUNCTIONAL_CALLS = [
    lambda T, F, x: F.relu(x), lambda T, F, x: F.relu(x, inplace=False),
    lambda T, F, x: F.relu(x, True), lambda T, F, x: F.leaky_relu(x),
    lambda T, F, x: F.leaky_relu(x, 0.2, True), lambda T, F, x: F.hardtanh(x, inplace=True),
    lambda T, F, x: F.relu6(x, inplace=True), lambda T, F, x: F.elu(x, inplace=True),
    lambda T, F, x: F.dropout(x, 0.0, True, True), lambda T, F, x: F.threshold(x, 0.1, 0.0, True),
    lambda T, F, x: F.rrelu(x, inplace=True), lambda T, F, x: F.silu(x, inplace=True),
    lambda T, F, x: F.max_pool2d(x, 2, return_indices=True),
    lambda T, F, x: F.max_pool3d(x, 1), lambda T, F, x: T.nn.MaxPool2d(2)(x),
    lambda T, F, x: T.nn.ReLU(inplace=True)(x), lambda T, F, x: T.nn.ELU()(x),
    lambda T, F, x: x.add_(1), lambda T, F, x: x - 1, lambda T, F, x: x.sub_(x),
    lambda T, F, x: T.add(x, x, alpha=2)]


@pytest.mark.parametrize("case", range(len(_FUNCTIONAL_CALLS)))
def test_functional_events_and_shapes_as_pytorch(case):
    """nn.functional calls recorded as PyTorch's ATen ops: `<op>_` in place,
    the op's arguments in its order with the defaults (batch_norm's weight
    before its running mean, the pools without return_indices), add's alpha."""
    torch = _torch()

    def events(T):
        x = T.ones(2, 3, 4, 4)
        with T.autograd.profiler.profile(record_shapes=True) as prof:
            _FUNCTIONAL_CALLS[case](T, T.nn.functional, x)
        return [(e.name, e.input_shapes) for e in prof.function_events if e.cpu_parent is None]
    assert events(ember) == events(torch)


def test_composite_ops_record_the_ops_pytorch_runs_inside():
    """conv2d > convolution > _convolution, batch_norm > _batch_norm_impl_index
    > native_batch_norm, max_pool2d > max_pool2d_with_indices, relu(_) >
    clamp_min(_): names, nesting and shapes (the kernels under them, which
    PyTorch picks by dtype and size, are not shown)."""
    torch = _torch()
    names = {"aten::conv2d", "aten::conv_transpose2d", "aten::convolution",
             "aten::_convolution", "aten::batch_norm", "aten::_batch_norm_impl_index",
             "aten::native_batch_norm", "aten::max_pool2d", "aten::max_pool2d_with_indices",
             "aten::relu_", "aten::clamp_min_", "aten::relu", "aten::clamp_min"}

    def tree(T):
        F = T.nn.functional
        x, w, b = T.ones(2, 3, 8, 8), T.ones(4, 3, 3, 3), T.ones(4)
        mean, var = T.zeros(3), T.ones(3)
        with T.autograd.profiler.profile(record_shapes=True) as prof:
            y = F.conv2d(x, w, b, padding=1)
            F.conv_transpose2d(x, w.transpose(0, 1))
            F.batch_norm(x, mean, var, training=True)
            F.relu(F.max_pool2d(y, 2))
            T.nn.ReLU(inplace=True)(y)
        return [(e.name, e.cpu_parent and e.cpu_parent.name, e.input_shapes)
                for e in prof.function_events if e.name in names]
    assert tree(ember) == tree(torch)
    times = {e.name: e for e in prof_events_of_a_conv()}
    assert times["aten::conv2d"].self_cpu_time_total == 0   # (its time is the innermost op's)
    assert times["aten::_convolution"].cpu_time_total == times["aten::conv2d"].cpu_time_total


def prof_events_of_a_conv():
    with profile() as prof:
        F.conv2d(ember.ones(1, 1, 4, 4), ember.ones(1, 1, 2, 2))
    return prof.function_events


def test_layer_ops_record_every_argument_as_pytorch():
    """conv, conv_transpose, linear and avg_pool record each of their ATen
    op's arguments, given or defaulted (the shapes column)."""
    torch = _torch()

    def shapes(T):
        F = T.nn.functional
        x, w, x1, w1 = T.ones(2, 3, 8, 8), T.ones(4, 3, 3, 3), T.ones(1, 3, 8), T.ones(4, 3, 3)
        a, m, bias = T.ones(2, 4), T.ones(3, 4), T.ones(3)
        with T.autograd.profiler.profile(record_shapes=True) as prof:
            F.conv2d(x, w)
            F.conv2d(x, w, padding=1)
            F.conv1d(x1, w1, stride=2)
            F.conv_transpose2d(x, w.transpose(0, 1), stride=2)
            F.linear(a, m)
            F.linear(a, m, bias)
            F.avg_pool2d(x, 2)
            F.avg_pool1d(x1, 2)
        return [(e.name, e.input_shapes) for e in prof.function_events if e.cpu_parent is None]
    assert shapes(ember) == shapes(torch)


def test_batch_norm_shapes_in_atens_order():
    torch = _torch()

    def shapes(T):
        x, mean, var = T.ones(2, 3, 4, 4), T.zeros(3), T.ones(3)
        with T.autograd.profiler.profile(record_shapes=True) as prof:
            T.nn.functional.batch_norm(x, mean, var, training=True)
            T.nn.functional.batch_norm(x, mean, var, T.ones(3), T.zeros(3))
        return [(e.name, e.input_shapes) for e in prof.function_events
                if e.name == "aten::batch_norm"]
    assert shapes(ember) == shapes(torch)


def test_layer_memory_as_pytorchs_totals():
    """What a layer's op allocates, in all (PyTorch's own ops count it in
    their children): a convolution's output (a reshaped product here), none
    for in-place ops and views."""
    torch = _torch()

    def usage(T):
        T.manual_seed(0)
        x, num = T.ones(5, 3, 8, 8), T.tensor(0)
        conv, lin = T.nn.Conv2d(3, 4, 3, bias=False), T.nn.Linear(16, 2)
        with T.autograd.profiler.profile(profile_memory=True) as prof:
            y = conv(x)
            T.nn.functional.relu(y, inplace=True)
            z = y.flatten(1)
            lin(z[:, :16])
            num.add_(1)
        return sorted((e.name, e.cpu_memory_usage) for e in prof.function_events
                      if e.cpu_parent is None and e.name != "[memory]")  # (frees)
    assert usage(ember) == usage(torch)


def test_with_stack_shows_no_backend_calls_under_the_ops():
    """The NumPy functions and builtins an op runs are its kernel (C++ in
    PyTorch): no Python events, only the op."""
    x, w = ember.ones(1, 3, 8, 8), ember.ones(4, 3, 3, 3)
    with profile(with_stack=True) as prof:
        F.conv2d(x, w)
        ember.einsum("ij,jk->ik", x[0, 0], x[0, 0])
    names = [e.name for e in prof.function_events]
    assert "aten::conv2d" in names and "aten::einsum" in names
    assert not [n for n in names if re.search(r"numpy[/\\]|c_einsum|array_function", n)], names


def test_chrome_trace_header_and_span_as_kinetos(tmp_path):
    """The keys of PyTorch's trace, in its order, and the profiler's span."""
    torch = _torch()

    def trace(T):
        path = tmp_path / f"{T.__name__}.json"
        with T.profiler.profile() as prof:
            T.ones(2) + 1
        prof.export_chrome_trace(str(path))
        got = json.loads(path.read_text())
        span = [e for e in got["traceEvents"] if e.get("cat") == "Trace" or e["ph"] == "i"]
        return (list(got), got["traceName"] == str(path), got["deviceProperties"],
                type(got["baseTimeNanoseconds"]), [(e["name"], e["pid"]) for e in span])
    assert trace(ember) == trace(torch)


def test_profile_memory_counts_what_ops_allocate():
    x = ember.ones(10, 20)
    with profile(profile_memory=True) as prof:
        with record_function("block"):
            y = x * 2            # 800 bytes
            y.view(200)          # a view: nothing
            ember.zeros(5, dtype=ember.float64)   # 40 bytes
    ev = {e.name: e for e in prof.function_events}
    assert ev["aten::mul"].cpu_memory_usage == 800
    assert ev["aten::view"].cpu_memory_usage == 0
    assert ev["aten::zeros"].cpu_memory_usage == 40
    assert ev["block"].cpu_memory_usage == 840 and ev["block"].self_cpu_memory_usage == 0
    assert _format_memory(840) == "840 B" and _format_memory(2048) == "2.00 KB"
    assert _format_memory(-3 * 1024 ** 2) == "-3.00 MB"


def test_with_flops():
    with profile(with_flops=True) as prof:
        F.linear(ember.ones(4, 5), ember.ones(7, 5))
        ember.ones(8, 6) @ ember.ones(6, 3)
        ember.ones(2, 3) * 2
        ember.ones(3).exp()
    flops = {e.key: e.flops for e in prof.key_averages()}
    assert flops["aten::linear"] == 2 * 4 * 5 * 7
    assert flops["aten::matmul"] == 2 * 8 * 6 * 3
    assert flops["aten::mul"] == 6 and flops["aten::exp"] == 0
    table = prof.key_averages().table()
    assert table.splitlines()[1].rstrip().endswith("Total FLOPs")
    assert prof.record_shapes       # (with_flops records shapes, as PyTorch's)


def test_chrome_trace(tmp_path):
    x = ember.randn(3, 3, requires_grad=True)
    with profile() as prof:
        with record_function("block"):
            (x * 2).sum().backward()
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    trace = json.loads(path.read_text())
    events = [e for e in trace["traceEvents"] if e["ph"] == "X" and e["cat"] != "Trace"]
    assert len(events) == len(prof.function_events)
    assert [e["name"] for e in events] == [e.name for e in prof.function_events]
    for e, fe in zip(events, prof.function_events):
        assert e["ts"] == pytest.approx(fe.time_range.start)
        assert e["dur"] == pytest.approx(fe.cpu_time_total) and e["dur"] >= 0
        assert isinstance(e["pid"], int) and isinstance(e["tid"], int)
    assert {"aten::mul", "aten::sum", "autograd::engine::evaluate_function: MulBackward0"} \
        <= {e["name"] for e in events}
    assert next(e for e in events if e["name"] == "block")["cat"] == "user_annotation"
    gz = tmp_path / "trace.json.gz"
    prof.export_chrome_trace(str(gz))
    with gzip.open(gz, "rt") as f:
        assert json.load(f)["traceEvents"] == trace["traceEvents"]
