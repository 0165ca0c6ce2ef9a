"""nn.DataParallel, nn.parallel.data_parallel and nn.SyncBatchNorm as a
CPU-only PyTorch has them: DataParallel runs its module as is, SyncBatchNorm
is batch norm while no process group is initialized (the initialized case
runs under MPI in tests/test_distributed_extras_mpi.py).

Cases run with PyTorch and Ember and compare reprs, keys, errors and values.
"""
import numpy as np
import pytest

import ember
from compare_torch import same_as_torch
from ember import nn




def wrapped(lib):
    lib.manual_seed(0)
    return lib.nn.DataParallel(lib.nn.Linear(2, 3), device_ids=[0, 1], output_device=3, dim=1)


@pytest.mark.parametrize("case", [
    lambda lib: repr(wrapped(lib)),
    lambda lib: list(wrapped(lib).state_dict()),
    lambda lib: [name for name, _ in wrapped(lib).named_parameters()],
    lambda lib: (wrapped(lib).device_ids, sorted(k for k in vars(wrapped(lib)) if k[0] != "_")),
    lambda lib: wrapped(lib).dim,
    lambda lib: wrapped(lib).output_device,
    lambda lib: wrapped(lib)(lib.ones(4, 2)).grad_fn.name(),
    lambda lib: wrapped(lib).load_state_dict(wrapped(lib).module.state_dict()),
    lambda lib: wrapped(lib).load_state_dict(wrapped(lib).state_dict()),
    lambda lib: lib.nn.parallel.data_parallel(lib.nn.Linear(2, 3), lib.ones(1, 2)),
    lambda lib: lib.nn.parallel.DataParallel is lib.nn.DataParallel,
])
def test_data_parallel_as_torch(case):
    same_as_torch(case)


def test_data_parallel_runs_the_module():
    inner = nn.Linear(2, 3)
    dp = nn.DataParallel(inner)
    assert dp.module is inner and dp.device_ids == []
    x = ember.randn(4, 2, requires_grad=True)
    out = dp(x)
    np.testing.assert_array_equal(out.detach().numpy(), inner(x).detach().numpy())
    out.sum().backward()
    np.testing.assert_allclose(inner.weight.grad.numpy(), np.tile(x.detach().numpy().sum(0),
                                                                  (3, 1)), rtol=1e-6)
    other = nn.DataParallel(nn.Linear(2, 3))
    other.load_state_dict(dp.state_dict())
    np.testing.assert_array_equal(other.module.weight.detach().numpy(),
                                  inner.weight.detach().numpy())
    assert list(dp.state_dict()) == ["module.weight", "module.bias"]


def sync_bn(lib, **kw):
    lib.manual_seed(0)
    return lib.nn.SyncBatchNorm(3, **kw), lib.randn(4, 3, 2)


@pytest.mark.parametrize("case", [
    lambda lib: repr(sync_bn(lib, momentum=None, bias=False)[0]),
    lambda lib: repr(sync_bn(lib, affine=False, track_running_stats=False)[0]),
    lambda lib: list(sync_bn(lib)[0].state_dict()),
    lambda lib: sync_bn(lib, process_group="pg")[0].process_group,
    lambda lib: sync_bn(lib)[0](lib.randn(3)),
    lambda lib: sync_bn(lib)[0](lib.randn(4, 0)),
    lambda lib: sync_bn(lib)[0](lib.randn(4, 3)).grad_fn.name(),
])
def test_sync_batch_norm_as_torch(case):
    same_as_torch(case)


@pytest.mark.parametrize("kw", [dict(), dict(momentum=None), dict(affine=False),
                                dict(track_running_stats=False)])
def test_sync_batch_norm_is_batch_norm_without_a_process_group(kw):
    """Train and eval steps give BatchNorm1d's values and running statistics."""
    torch = pytest.importorskip("torch")
    results = []
    for lib, cls in ((ember, ember.nn.SyncBatchNorm), (torch, torch.nn.SyncBatchNorm),
                     (torch, torch.nn.BatchNorm1d)):
        lib.manual_seed(0)
        bn = cls(3, **kw)
        x = lib.randn(4, 3, 2)
        steps = [bn(x), bn(x * 2 + 1)]
        bn.eval()
        steps.append(bn(x))
        state = [t.double() for t in bn.state_dict().values()]
        results.append([t.detach().numpy() for t in steps + state])
    for got, want, plain in zip(*results):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(plain, want, rtol=0, atol=0)


def converted(lib):
    nn_ = lib.nn
    net = nn_.Sequential(nn_.Conv2d(2, 3, 1), nn_.BatchNorm2d(3),
                         nn_.Sequential(nn_.BatchNorm1d(4, affine=False)), nn_.InstanceNorm2d(3),
                         nn_.BatchNorm3d(2, momentum=0.3, eps=1e-3, bias=False))
    net[1].qconfig = "q"
    net[1].running_mean.add_(1.0)
    net.eval()
    return net, nn_.SyncBatchNorm.convert_sync_batchnorm(net, process_group="pg")


@pytest.mark.parametrize("case", [
    lambda lib: repr(converted(lib)[1]),
    lambda lib: list(converted(lib)[1].state_dict()),
    lambda lib: [(m.training, m.process_group) for m in converted(lib)[1].modules()
                 if type(m).__name__ == "SyncBatchNorm"],
    lambda lib: repr(lib.nn.SyncBatchNorm.convert_sync_batchnorm(lib.nn.BatchNorm1d(2))),
    lambda lib: repr(lib.nn.SyncBatchNorm.convert_sync_batchnorm(
        lib.nn.SyncBatchNorm(2, momentum=0.5))),
    lambda lib: type(lib.nn.SyncBatchNorm.convert_sync_batchnorm(
        lib.nn.LazyBatchNorm1d())).__name__,
])
def test_convert_sync_batchnorm_as_torch(case):
    same_as_torch(case)


def test_convert_sync_batchnorm_shares_parameters_and_buffers():
    net, conv = converted(ember)
    assert conv is net and type(conv[1]) is nn.SyncBatchNorm
    old = nn.BatchNorm2d(3)
    new = nn.SyncBatchNorm.convert_sync_batchnorm(old)
    for name in ("weight", "bias", "running_mean", "running_var", "num_batches_tracked"):
        assert getattr(new, name) is getattr(old, name)
    assert conv[1].qconfig == "q" and conv[1].running_mean.tolist() == [1.0, 1.0, 1.0]
    assert conv[2][0].weight is None and type(conv[3]) is nn.InstanceNorm2d
    assert conv[4].bias is None and conv[4].eps == 1e-3 and conv[4].momentum == 0.3
