"""torch.cuda, torch.mps, torch.xpu and torch.backends as PyTorch's CPU
build has them: every answer and error against PyTorch's; torch.cuda.amp's
disabled GradScaler and autocast; a nanoGPT-style preamble and training
step."""
import contextlib
import warnings

import pytest

import ember
from compare_torch import check

torch = pytest.importorskip("torch")
if torch.version.cuda is not None or torch.version.hip is not None:
    # The oracle is PyTorch's CPU-only build, which Ember mirrors; a CUDA
    # build (what pip gives on some Pythons) answers all of this otherwise.
    pytest.skip("PyTorch here is a CUDA build: these compare with the CPU-only build",
                allow_module_level=True)


def quiet(fn):
    def run(T):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(T)
    return run


CUDA_CALLS = [
    lambda T: T.cuda.is_available(), lambda T: T.cuda.device_count(),
    lambda T: T.cuda.is_initialized(), lambda T: T.cuda.init(),
    lambda T: T.cuda.current_device(), lambda T: T.cuda.set_device(-1),
    lambda T: T.cuda.set_device(None), lambda T: T.cuda.set_device("cpu"),
    lambda T: T.cuda.get_device_name(), lambda T: T.cuda.get_device_name(0),
    lambda T: T.cuda.get_device_properties(0), lambda T: T.cuda.get_device_capability(),
    lambda T: T.cuda.synchronize(), lambda T: T.cuda.empty_cache(),
    lambda T: T.cuda.memory_allocated(), lambda T: T.cuda.max_memory_allocated(0),
    lambda T: T.cuda.memory_reserved(), lambda T: T.cuda.max_memory_reserved(),
    lambda T: T.cuda.memory_stats(), lambda T: T.cuda.memory_stats_as_nested_dict(),
    lambda T: T.cuda.memory_summary(), lambda T: T.cuda.mem_get_info(),
    lambda T: T.cuda.set_per_process_memory_fraction(0.5),
    lambda T: T.cuda.manual_seed(1), lambda T: T.cuda.manual_seed_all(1),
    lambda T: T.cuda.manual_seed("a"), lambda T: T.cuda.seed(), lambda T: T.cuda.seed_all(),
    lambda T: T.cuda.initial_seed(), lambda T: T.cuda.get_rng_state(),
    lambda T: T.cuda.get_rng_state_all(), lambda T: T.cuda.set_rng_state_all([]),
    lambda T: T.cuda.set_rng_state_all([1]),
    lambda T: T.cuda.is_bf16_supported(), lambda T: T.cuda.is_bf16_supported(False),
    lambda T: T.cuda.is_tf32_supported(), lambda T: T.cuda.get_arch_list(),
    lambda T: T.cuda.get_gencode_flags(),
    lambda T: T.cuda.device(0).__enter__(), lambda T: T.cuda.device(-1).__enter__(),
    lambda T: T.cuda.device("cuda").__enter__(), lambda T: T.cuda.device("cpu"),
    lambda T: T.cuda.device_of(T.zeros(1)).__enter__(), lambda T: T.cuda.stream(None).__enter__(),
    lambda T: T.cuda.Stream(), lambda T: T.cuda.CUDAGraph(),
    lambda T: T.cuda.current_stream(), lambda T: T.cuda.default_stream(),
    lambda T: T.cuda.is_current_stream_capturing(), lambda T: T.cuda.ipc_collect(),
    lambda T: T.cuda.utilization(), lambda T: T.cuda.list_gpu_processes(),
    lambda T: T.cuda.nvtx.range_push("a"), lambda T: T.cuda.nvtx.range("a").__enter__(),
    lambda T: T.cuda.FloatTensor(2), lambda T: T.cuda.default_generators,
    lambda T: T.cuda.reset_peak_memory_stats(), lambda T: T.cuda.memory_cached(),
    lambda T: T.cuda.reset_max_memory_allocated(), lambda T: T.cuda.reset_max_memory_cached(0),
    lambda T: T.cuda.memory.reset_max_memory_cached(),
    lambda T: issubclass(T.cuda.OutOfMemoryError, RuntimeError),
    lambda T: T.cuda.OutOfMemoryError is T.OutOfMemoryError,
    # torch.cuda.memory: the recording helpers scripts call for memory snapshots
    lambda T: T.cuda.memory._record_memory_history(enabled="all"),
    lambda T: T.cuda.memory._record_memory_history(enabled=None),
    lambda T: T.cuda.memory._record_memory_history(True),
    lambda T: T.cuda.memory._snapshot(), lambda T: T.cuda.memory._dump_snapshot("x.pickle"),
    lambda T: T.cuda.memory.memory_allocated(), lambda T: T.cuda.memory.memory_stats(),
    lambda T: T.cuda.memory.reset_peak_memory_stats(),
    lambda T: T.cuda.memory.max_memory_allocated is T.cuda.max_memory_allocated,
]


@pytest.mark.parametrize("call", CUDA_CALLS)
def test_cuda_module(call):
    check(quiet(call))


def test_cuda_warnings_as_torch():
    for T in (ember, torch):
        with pytest.warns(FutureWarning, match="memory_cached` has been renamed"):
            assert T.cuda.memory_cached() == 0


@pytest.mark.parametrize("name", ["reset_max_memory_allocated", "reset_max_memory_cached"])
def test_old_peak_resets_warn_then_fail_as_torch(name):
    # (the AMP recipe's timer calls reset_max_memory_allocated)
    seen = []
    for T in (ember, torch):
        with pytest.warns(FutureWarning) as record:
            with pytest.raises(AttributeError) as err:
                getattr(T.cuda, name)()
        seen.append(([str(w.message) for w in record], str(err.value)))
    assert seen[0] == seen[1]
    assert seen[0][0] == [f"torch.cuda.{name} now calls torch.cuda.reset_peak_memory_stats, "
                          "which resets /all/ peak memory stats."]


@pytest.mark.parametrize("call", [
    lambda T: T.zeros(1).cuda(), lambda T: T.zeros(1).cuda(0), lambda T: T.zeros(1).cuda("cuda:0"),
    lambda T: T.zeros(1).xpu(), lambda T: T.zeros(1).to("cuda"), lambda T: T.zeros(1).to(0),
    lambda T: T.zeros(1).to(T.device("cuda")), lambda T: T.zeros(1, device="cuda"),
    lambda T: T.tensor([1.], device="cuda:0"), lambda T: T.zeros(1).to("mps"),
    lambda T: T.tensor([1.], device="mps"), lambda T: T.as_tensor([1.], device="mps"),
    lambda T: T.zeros(1).to("xpu"),
    lambda T: T.tensor([1.], device="xpu"), lambda T: T.zeros(1, device="xpu"),
    lambda T: T.zeros(1).is_cuda, lambda T: T.zeros(1).pin_memory(),
    lambda T: T.zeros(1).is_pinned(), lambda T: T.zeros(1, pin_memory=True),
    lambda T: T.nn.Linear(1, 1).cuda(), lambda T: T.nn.ReLU().cuda(),
    lambda T: T.nn.Linear(1, 1).to("cuda"), lambda T: T.nn.ReLU().to("cuda"),
    lambda T: T.nn.Linear(1, 1).to("mps"), lambda T: T.nn.ReLU().to("mps"),
    lambda T: T.nn.Linear(1, 1).xpu(),
])
def test_moving_to_a_missing_device(call):
    check(quiet(lambda T: repr(call(T))))


MPS_CALLS = ["is_available", "device_count", "synchronize", "empty_cache", "seed",
             "get_rng_state", "current_allocated_memory", "driver_allocated_memory",
             "recommended_max_memory"]
XPU_CALLS = ["is_available", "device_count", "synchronize", "empty_cache", "seed", "seed_all",
             "initial_seed", "get_rng_state", "get_rng_state_all", "current_device",
             "get_device_name", "get_device_properties", "get_device_capability",
             "memory_allocated", "max_memory_allocated", "memory_reserved",
             "max_memory_reserved", "memory_stats", "is_bf16_supported", "is_initialized",
             "init", "current_stream", "Stream", "mem_get_info", "get_arch_list",
             "is_tf32_supported", "reset_peak_memory_stats"]


@pytest.mark.parametrize("module, name", [("mps", n) for n in MPS_CALLS]
                         + [("xpu", n) for n in XPU_CALLS])
def test_mps_and_xpu(module, name):
    check(lambda T: getattr(getattr(T, module), name)())


@pytest.mark.parametrize("call", [
    lambda T: T.mps.manual_seed(0), lambda T: T.mps.set_per_process_memory_fraction(0.5),
    lambda T: T.mps.compile_shader(""), lambda T: T.xpu.manual_seed(0),
    lambda T: T.xpu.manual_seed_all(0), lambda T: T.xpu.set_device(0),
    lambda T: T.xpu.device(0).__enter__(), lambda T: T.xpu.device(-1).__enter__(),
])
def test_mps_and_xpu_with_arguments(call):
    check(call)


def test_events_cannot_be_made():
    # (PyTorch's stand-in Events fail in __del__ too, so only Ember's are made here)
    for event, text in ((ember.cuda.Event, "Tried to instantiate dummy base class Event"),
                        (ember.xpu.Event, "Tried to instantiate dummy base class Event"),
                        (ember.mps.Event, "Cannot execute acquireEvent() without MPS backend.")):
        with pytest.raises(RuntimeError) as info:
            event()
        assert str(info.value) == text


@pytest.mark.parametrize("call", [
    lambda T: T.backends.cudnn.is_available(), lambda T: T.backends.cudnn.version(),
    lambda T: T.backends.cudnn.is_acceptable(T.zeros(1)),
    lambda T: (T.backends.cudnn.enabled, T.backends.cudnn.benchmark,
               T.backends.cudnn.deterministic, T.backends.cudnn.allow_tf32,
               T.backends.cudnn.benchmark_limit),
    lambda T: setattr(T.backends.cudnn, "deterministic", 1),
    lambda T: setattr(T.backends.cudnn, "enabled", "x"),
    lambda T: setattr(T.backends.cudnn, "allow_tf32", 1),
    lambda T: setattr(T.backends.cudnn, "benchmark", None),
    lambda T: T.backends.cuda.is_built(),
    lambda T: (T.backends.cuda.matmul.allow_tf32,
               T.backends.cuda.matmul.allow_fp16_reduced_precision_reduction,
               T.backends.cuda.matmul.allow_bf16_reduced_precision_reduction),
    lambda T: type(T.backends.cuda.matmul).__name__,
    lambda T: T.backends.cuda.matmul.foo, lambda T: setattr(T.backends.cuda.matmul, "foo", 1),
    lambda T: setattr(T.backends.cuda.matmul, "allow_tf32", 1),
    lambda T: setattr(T.backends.cuda.matmul, "allow_fp16_reduced_precision_reduction", "x"),
    lambda T: (T.backends.cuda.flash_sdp_enabled(), T.backends.cuda.math_sdp_enabled(),
               T.backends.cuda.mem_efficient_sdp_enabled()),
    lambda T: T.backends.cuda.enable_math_sdp(1),
    lambda T: (T.backends.mps.is_available(), T.backends.mps.is_built()),
    lambda T: T.backends.mps.is_macos13_or_newer(),
    lambda T: T.backends.mkldnn.deterministic,
    lambda T: setattr(T.backends.mkldnn, "enabled", 1),
    lambda T: (T.backends.opt_einsum.is_available(), T.backends.opt_einsum.enabled,
               T.backends.opt_einsum.strategy, T.backends.opt_einsum.get_opt_einsum()),
    lambda T: T.backends.opt_einsum.set_flags(True),
    lambda T: T.backends.opt_einsum.set_flags(None, "greedy"),
    lambda T: T.backends.opt_einsum.set_flags(False),
])
def test_backends_as_torch(call):
    check(call)


def test_backend_flags_settable_and_restored():
    import importlib
    for T in (ember, torch):
        cudnn = importlib.import_module(T.__name__ + ".backends.cudnn")
        assert cudnn is T.backends.cudnn
        with T.backends.cudnn.flags(enabled=False, deterministic=True):
            assert not T.backends.cudnn.enabled and T.backends.cudnn.deterministic
        assert T.backends.cudnn.enabled and not T.backends.cudnn.deterministic
        before = T.backends.cudnn.set_flags(True, True, None, True)
        assert before[:2] == (True, False) and before[3] is False
        assert T.backends.cudnn.benchmark and T.backends.cudnn.deterministic
        T.backends.cudnn.set_flags(True, False, None, False)
        assert not T.backends.cudnn.benchmark


def test_matmul_allow_tf32_is_the_float32_matmul_precision():
    for T in (ember, torch):
        try:
            T.backends.cuda.matmul.allow_tf32 = True
            assert T.get_float32_matmul_precision() == "high"
            T.backends.cuda.matmul.allow_tf32 = False
            assert T.get_float32_matmul_precision() == "highest"
            assert T.backends.cuda.matmul.allow_tf32 is False
        finally:
            T.set_float32_matmul_precision("highest")


def test_cuda_amp_grad_scaler_disabled():
    for T in (ember, torch):
        with pytest.warns(UserWarning, match="CUDA is not available.  Disabling."):
            with pytest.warns(FutureWarning, match=r"torch.amp.GradScaler\('cuda'"):
                scaler = T.cuda.amp.GradScaler(init_scale=8.0)
        assert not scaler.is_enabled() and scaler.get_scale() == 1.0
        with pytest.warns(FutureWarning):
            assert not T.cuda.amp.GradScaler(enabled=False).is_enabled()
    check(quiet(lambda T: T.cuda.amp.GradScaler().get_growth_factor()))
    check(quiet(lambda T: sorted(T.cuda.amp.GradScaler().__getstate__())))

    def session(T):
        scaler = T.cuda.amp.GradScaler(init_scale=8.0)
        loss = T.tensor(2.0)
        steps = []

        class Opt:
            def step(self, *args, **kwargs):
                steps.append((args, kwargs))
                return "stepped"
        scaler.set_growth_factor(3.0)
        return [scaler.scale(loss) is loss, scaler.scale([1, 2]), scaler.get_scale(),
                scaler.is_enabled(), scaler.state_dict(), scaler.load_state_dict({}),
                scaler.unscale_(Opt()), scaler.step(Opt(), 1, closure=2), steps,
                scaler.update(), scaler.update(4.0), scaler.get_growth_factor(),
                scaler._get_growth_tracker()]
    check(quiet(session))


def test_cuda_amp_autocast_disabled():
    for T in (ember, torch):
        with pytest.warns(UserWarning, match="Disabling autocast"):
            with pytest.warns(FutureWarning, match="torch.cuda.amp.autocast"):
                ctx = T.cuda.amp.autocast(dtype=T.float16)
        with ctx:
            y = T.ones(2, 2) @ T.ones(2, 2)
        assert y.dtype is T.float32
        with pytest.warns(UserWarning), pytest.warns(FutureWarning):
            @T.cuda.amp.autocast()
            def double(x):
                return x * 2
        with warnings.catch_warnings():
            warnings.simplefilter("error")      # calling it warns no more
            assert double(T.ones(1)).tolist() == [2.0]


def nanogpt_step(T, device="cpu", dtype="float16"):
    """nanoGPT train.py's preamble and one step of its loop, on the CPU."""
    T.manual_seed(1337)
    T.backends.cuda.matmul.allow_tf32 = True
    T.backends.cudnn.allow_tf32 = True
    device_type = "cuda" if "cuda" in device else "cpu"
    ptdtype = {"float32": T.float32, "bfloat16": T.bfloat16, "float16": T.float16}[dtype]
    assert ptdtype is T.float16
    ctx = contextlib.nullcontext() if device_type == "cpu" else None
    model = T.nn.Sequential(T.nn.Linear(4, 8), T.nn.GELU(), T.nn.Linear(8, 2)).to(device)
    optimizer = T.optim.AdamW(model.parameters(), lr=1e-2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scaler = T.cuda.amp.GradScaler(enabled=(dtype == "float16"))
    x, y = T.randn(16, 4).to(device), T.randint(0, 2, (16,)).to(device)
    losses = []
    for _ in range(3):
        with ctx:
            loss = T.nn.functional.cross_entropy(model(x), y)
        scaler.scale(loss).backward()
        scaler.unscale_(optimizer)
        T.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        scaler.step(optimizer)
        scaler.update()
        optimizer.zero_grad(set_to_none=True)
        losses.append(loss.item())
    return losses


def test_nanogpt_preamble_and_step():
    try:
        check(nanogpt_step, rtol=1e-5)
    finally:
        for T in (ember, torch):
            T.set_float32_matmul_precision("highest")
            T.backends.cudnn.allow_tf32 = True


@pytest.mark.parametrize("call", [
    lambda T: T.accelerator.is_available(), lambda T: T.accelerator.device_count(),
    lambda T: T.accelerator.current_accelerator(),
    lambda T: T.accelerator.current_accelerator(check_available=True),
    lambda T: T.accelerator.current_device_index(), lambda T: T.accelerator.synchronize(),
    lambda T: T.accelerator.set_device_index(0), lambda T: T.accelerator.current_stream(),
    lambda T: T.accelerator.empty_cache(), lambda T: T.accelerator.memory_allocated(),
    lambda T: T.accelerator.memory_stats(), lambda T: T.accelerator.get_memory_info(),
    lambda T: T.accelerator.device_index(None).__enter__(),
    lambda T: T.accelerator.device_index(0).__enter__(),
    lambda T: (T.cpu.is_available(), T.cpu.device_count(), T.cpu.current_device(),
               T.cpu.synchronize(), T.cpu.is_initialized(), T.cpu.set_device("cpu"),
               T.cpu.stream(None).__enter__(), T.cpu.get_capabilities()["architecture"]),
    lambda T: T.get_device_module().__name__, lambda T: T.get_device_module("cuda:0").__name__,
    lambda T: T.get_device_module(T.device("mps")).__name__,
    lambda T: T.get_device_module("meta"), lambda T: T.get_device_module(3),
    lambda T: T.get_device_module("foo"),
])
def test_accelerator_and_cpu_modules(call):
    check(call)


def test_pytorch_examples_preamble():
    """pytorch/examples' mnist: the device chosen from torch.accelerator."""
    def preamble(T):
        use_accel = T.accelerator.is_available()
        device = T.accelerator.current_accelerator() if use_accel else T.device("cpu")
        model = T.nn.Linear(3, 2).to(device)
        return device, next(model.parameters()).device
    check(preamble)
    for T in (ember, torch):
        with pytest.warns(FutureWarning, match="Use `current_device_index` instead"):
            with pytest.raises(RuntimeError):
                T.accelerator.current_device_idx()
