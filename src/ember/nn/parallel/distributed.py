"""DistributedDataParallel: one model per process, gradients averaged across
processes while backward still runs.

Gradients go into buckets (the parameters in reverse order, the first bucket
1 MiB and the others 25 MB by default, else `bucket_cap_mb` each, as PyTorch's;
after the first backward, rebuilt in the order its gradients arrived). Each
parameter's post-accumulate-grad hook copies its gradient into its bucket;
when a bucket is full its all-reduce starts at once, non-blocking, through the
communication hook (averaging by default), so communication overlaps the rest
of backward. A callback queued on the engine waits for every bucket when the
graph is done and writes the averages back into `.grad`.
"""
import contextlib

from ..._backend import np
from ..._tensor import Tensor
from ...autograd import Variable
from ._join import Join, Joinable, _IterationHook
from ..modules.module import Module

__all__ = ["DistributedDataParallel"]

_FIRST_BUCKET_BYTES = 1024 * 1024      # PyTorch's dist._DEFAULT_FIRST_BUCKET_BYTES
_UNFINISHED = (
    "Expected to have finished reduction in the prior iteration before starting a new one. "
    "This error indicates that your module has parameters that were not used in producing "
    "loss. You can enable unused parameter detection by passing the keyword argument "
    "`find_unused_parameters=True` to `torch.nn.parallel.DistributedDataParallel`, and by \n"
    "making sure all `forward` function outputs participate in calculating loss. \n"
    "If you already have done the above, then the distributed data parallel module wasn't "
    "able to locate the output tensors in the return value of your module's `forward` "
    "function. Please include the loss function and the structure of the return value of "
    "`forward` of your module when reporting this issue (e.g. list, dict, iterable).\n"
    "Parameter indices which did not receive grad for rank {rank}: {indices}\n In addition, "
    "you can set the environment variable TORCH_DISTRIBUTED_DEBUG to either INFO or DETAIL to "
    "print out information about which particular parameters did not receive gradient on this "
    "rank as part of this error")


class GradBucket:
    """What a communication hook gets: one bucket's flat gradient buffer."""

    def __init__(self, index, buffer, params, offsets, is_last):
        self._index, self._buffer, self._params = index, buffer, params
        self._offsets, self._is_last = offsets, is_last

    def index(self):
        return self._index

    def buffer(self):
        return self._buffer

    def set_buffer(self, buffer):
        self._buffer = buffer

    def gradients(self):
        return [self._buffer[o:o + p.numel()].view(p.shape)
                for p, o in zip(self._params, self._offsets)]

    def parameters(self):
        return list(self._params)

    def is_last(self):
        return self._is_last


class _Bucket:
    def __init__(self, index, params):
        self.index, self.params = index, params
        self.offsets = list(np.cumsum([0] + [p.numel() for p in params[:-1]]))
        size = sum(p.numel() for p in params)
        self.buffer = Tensor._wrap(np.zeros(size, params[0]._data.dtype))
        self.ready = set()
        self.future = None

    def slot(self, k):
        p, o = self.params[k], self.offsets[k]
        return self.buffer._data[o:o + p.numel()].reshape(p._data.shape)


class DistributedDataParallel(Module, Joinable):
    """`module` trained data-parallel across the processes of `process_group`."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0,
                 broadcast_buffers=True, init_sync=True, process_group=None, bucket_cap_mb=None,
                 find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False,
                 delay_all_reduce_named_params=None, param_to_hook_all_reduce=None,
                 mixed_precision=None, device_mesh=None, skip_all_reduce_unused_params=False,
                 bucket_cap_mb_list=None, batched_grad_copy=False, forward_sync_buffers=None):
        super().__init__()
        Joinable.__init__(self)
        from ... import distributed as dist
        for name, value in (("delay_all_reduce_named_params", delay_all_reduce_named_params),
                            ("param_to_hook_all_reduce", param_to_hook_all_reduce),
                            ("mixed_precision", mixed_precision), ("device_mesh", device_mesh),
                            ("bucket_cap_mb_list", bucket_cap_mb_list)):
            if value is not None:
                raise NotImplementedError(f"ember: DistributedDataParallel({name}=...) is not "
                                          "supported")
        if batched_grad_copy or skip_all_reduce_unused_params:
            raise NotImplementedError("ember: DistributedDataParallel's batched_grad_copy and "
                                      "skip_all_reduce_unused_params are not supported")
        params = [p for p in module.parameters()]
        if not any(p.requires_grad for p in params):
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't "
                               "have any parameter that requires a gradient.")
        if device_ids is not None and len(device_ids) > 1:
            raise ValueError("device_ids can only be None or contain a single element.")
        if device_ids or output_device:
            raise ValueError(
                "DistributedDataParallel device_ids and output_device arguments only work with "
                "single-device/multiple-device GPU modules or CPU modules, but got device_ids "
                f"{device_ids}, output_device {output_device}, and module parameters "
                f"{set(p.device for p in params)}.")
        self.module = module
        self.process_group = process_group if process_group is not None else dist.group.WORLD
        self._dist = dist
        self.device_ids = self.output_device = None
        self.dim = dim
        self.broadcast_buffers = True if broadcast_buffers is None else broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.static_graph = static_graph
        self.bucket_bytes_cap = int((25 if bucket_cap_mb is None else bucket_cap_mb)
                                    * 1024 * 1024)
        # (a small first bucket, so communication starts early, with the default cap only)
        self._first_bucket_cap = _FIRST_BUCKET_BYTES if bucket_cap_mb is None \
            else self.bucket_bytes_cap
        self.require_backward_grad_sync = True
        self._world = dist.get_world_size(self.process_group)
        self._verify_same_model(params)
        if init_sync:
            self._sync_module_states(params + list(module.buffers()))
        self._grad_params = [p for p in params if p.requires_grad]
        self._buckets, self._where = self._make_buckets(list(reversed(self._grad_params)))
        # PyTorch's rule: buckets are rebuilt once, in the order the first
        # backward made the gradients ready, unless unused parameters are searched
        self._ready_order = [] if static_graph or not find_unused_parameters else None
        self._comm_state, self._comm_hook = None, None
        self._in_backward = False
        self._unfinished = set()    # ids of parameters left without a gradient
        for p in params:
            if p.requires_grad:
                p.register_post_accumulate_grad_hook(self._grad_ready)

    # -- set-up ---------------------------------------------------------------

    def _verify_same_model(self, params):
        """Every rank must hold the same parameters, by count and sizes, as PyTorch checks."""
        shapes = [list(p.shape) for p in params]
        everyone = [None] * self._world
        self._dist.all_gather_object(everyone, shapes, group=self.process_group)
        me = self._dist.get_rank(self.process_group)
        for r, theirs in enumerate(everyone):
            if len(theirs) != len(shapes):
                raise RuntimeError(f"DDP expects same model across all ranks, but Rank {me} has "
                                   f"{len(shapes)} params, while rank {r} has inconsistent "
                                   f"{len(theirs)} params.")
        for r, theirs in enumerate(everyone):
            for i, (a, b) in enumerate(zip(everyone[0], theirs)):
                if a != b:
                    if me != 0 and r == me:
                        raise RuntimeError(f"[{me}]: params[{i}] in this process with sizes "
                                           f"{b} appears not to match sizes of the same param "
                                           "in process 0.")
                    raise RuntimeError(f"[{me}]: params[{i}] in process {r} with sizes {b} "
                                       "appears not to match sizes of the same param in "
                                       "process 0.")

    def _sync_module_states(self, tensors, src=0):
        """Parameters and buffers as group rank `src` has them (one broadcast per dtype)."""
        by_dtype = {}
        for t in tensors:
            by_dtype.setdefault(t._data.dtype, []).append(t)
        for group in by_dtype.values():
            flat = Tensor._wrap(np.concatenate([t._data.reshape(-1) for t in group]))
            self._dist.broadcast(flat, src=self._global_rank(src), group=self.process_group)
            o = 0
            for t in group:
                t._data[...] = flat._data[o:o + t._data.size].reshape(t._data.shape)
                o += t._data.size

    def _global_rank(self, group_rank):
        return self._dist.get_global_rank(self.process_group, group_rank) \
            if self.process_group is not self._dist.group.WORLD else group_rank

    def _make_buckets(self, params):
        """Buckets of `params`, in that order (the order they are expected ready)."""
        buckets, current, size, cap = [], [], 0, self._first_bucket_cap
        for p in params:
            nbytes = p._data.nbytes
            if current and (size + nbytes > cap or p._data.dtype != current[0]._data.dtype):
                buckets.append(current)
                current, size, cap = [], 0, self.bucket_bytes_cap
            current.append(p)
            size += nbytes
        if current:
            buckets.append(current)
        made = [_Bucket(i, b) for i, b in enumerate(buckets)]
        where = {id(p): (b, k) for b in made for k, p in enumerate(b.params)}
        return made, where

    # -- forward ----------------------------------------------------------------

    def forward(self, *inputs, **kwargs):
        Join.notify_join_context(self)
        if self._unfinished:
            # indices among the parameters that require grad, in the module's order
            missing = [i for i, p in enumerate(self._grad_params) if id(p) in self._unfinished]
            raise RuntimeError(_UNFINISHED.format(
                rank=self._dist.get_rank(self.process_group),
                indices=" ".join(map(str, missing))))
        if self.broadcast_buffers and self.require_backward_grad_sync:
            buffers = list(self.module.buffers())
            if buffers:
                self._sync_module_states(buffers, self._buffer_source(True))
        return self.module(*inputs, **kwargs)

    def _buffer_source(self, training):
        """Whose buffers the forward broadcasts: rank 0's, or under join() the
        highest rank still training (PyTorch's choice)."""
        if not self._join_config.enable:
            return 0
        me = self._dist.get_rank(self.process_group)
        rank = Tensor._wrap(np.array([me if training else -1], np.int64))
        self._dist.all_reduce(rank, op=self._dist.ReduceOp.MAX, group=self.process_group)
        return int(rank._data[0])

    @contextlib.contextmanager
    def no_sync(self):
        """Backward passes inside accumulate gradients locally; the first one
        after it averages what they accumulated."""
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    # -- uneven inputs ------------------------------------------------------------

    def join(self, divide_by_initial_world_size=True, enable=True,
             throw_on_early_termination=False):
        """A context manager for ranks with different numbers of inputs: one
        that has run out shadows the others' gradient all-reduces with zeros."""
        return Join([self], enable, throw_on_early_termination,
                    divide_by_initial_world_size=divide_by_initial_world_size)

    def join_hook(self, **kwargs):
        divide = kwargs.get("divide_by_initial_world_size", True)
        if not divide:
            raise NotImplementedError("ember: DistributedDataParallel.join("
                                      "divide_by_initial_world_size=False) is not supported: "
                                      "gradients are divided by the initial world size")
        if self.find_unused_parameters or self._comm_hook is not None:
            # their collectives' order depends on when gradients arrive on the
            # ranks still training, which a joined rank cannot follow
            raise NotImplementedError("ember: DistributedDataParallel.join() with "
                                      "find_unused_parameters=True or a communication hook "
                                      "is not supported")
        return _DDPJoinHook(self)

    @property
    def join_device(self):
        from ..._device import device
        return device("cpu")

    @property
    def join_process_group(self):
        return self.process_group

    def register_comm_hook(self, state, hook):
        """hook(state, bucket) -> Future of the bucket's reduced buffer."""
        if self._comm_hook is not None:
            raise RuntimeError("register_comm_hook or register_builtin_comm_hook can only be "
                               "called once.")
        if not callable(hook):
            raise TypeError("Communication hook must be callable.")
        self._comm_state, self._comm_hook = state, hook

    # -- backward -----------------------------------------------------------------

    def _grad_ready(self, p):
        if not self.require_backward_grad_sync:
            return
        if not self._in_backward:
            self._in_backward = True
            Variable._execution_engine.queue_callback(self._finish_backward)
        if self._ready_order is not None:
            self._ready_order.append(p)
        bucket, k = self._where[id(p)]
        slot = bucket.slot(k)
        grad = p._grad
        # Without a comm hook the all-reduce only sums: the average's division
        # happens here, fused with the copy into the bucket, as PyTorch's reducer
        # multiplies by 1/world_size (one pass over the gradients saved).
        scale = 1.0 / self._world if self._comm_hook is None else None
        if grad._data is not slot and not np.shares_memory(grad._data, slot):
            if scale is None:
                slot[...] = grad._data
            else:
                np.multiply(grad._data, slot.dtype.type(scale), out=slot)
            if self.gradient_as_bucket_view:
                p._grad = Tensor._wrap(slot)       # later backwards add into the bucket
        elif scale is not None:
            slot *= slot.dtype.type(scale)
        bucket.ready.add(k)
        self._launch_ready()

    def _launch_ready(self):
        # Buckets start in index order on every rank, so the ranks' collectives match.
        for b in self._buckets:
            if b.future is not None:
                continue
            if len(b.ready) < len(b.params):
                return
            b.future = self._communicate(b)

    def _communicate(self, b):
        bucket = GradBucket(b.index, b.buffer, b.params, b.offsets,
                            b.index == len(self._buckets) - 1)
        if self._comm_hook is not None:
            return self._comm_hook(self._comm_state, bucket)
        # allreduce_hook's average, its division already done in _grad_ready
        return self._dist.all_reduce(b.buffer, group=self.process_group,
                                     async_op=True).get_future()

    def _finish_backward(self):
        self._in_backward = False
        used = None
        if self.find_unused_parameters:
            used = self._globally_used()
            for b in self._buckets:
                for k in range(len(b.params)):
                    if k not in b.ready:
                        b.slot(k)[...] = 0      # not used here: contributes nothing
                        b.ready.add(k)
            self._launch_ready()
        # the parameters whose gradient never came, kept for the next forward's error
        unfinished = {id(p) for b in self._buckets if b.future is None
                      for k, p in enumerate(b.params) if k not in b.ready}
        for b in self._buckets:
            if b.future is None:
                continue
            reduced = b.future.wait()
            if isinstance(reduced, (list, tuple)):
                reduced = reduced[0]
            if reduced is not b.buffer:
                b.buffer._data[...] = reduced._data
            for k, p in enumerate(b.params):
                if used is not None and not used[id(p)]:
                    continue
                slot = b.slot(k)
                if p._grad is None:
                    p._grad = Tensor._wrap(slot if self.gradient_as_bucket_view else slot.copy())
                elif not np.shares_memory(p._grad._data, slot):
                    p._grad._data[...] = slot
                    p._grad._bump()
            b.future = None
            b.ready.clear()
        if unfinished:
            # PyTorch reports it when the next iteration starts
            self._unfinished = unfinished
        elif self._ready_order is not None:
            self._rebuild_buckets()

    def _rebuild_buckets(self):
        """Buckets in the order this first backward made gradients ready, rank 0's
        order on every rank (their collectives must match)."""
        params = [p for b in self._buckets for p in b.params]
        index = {id(p): i for i, p in enumerate(params)}
        order = [[index[id(p)] for p in self._ready_order]]
        self._ready_order = None
        self._dist.broadcast_object_list(order, src=self._global_rank(0),
                                         group=self.process_group)
        if sorted(order[0]) != list(range(len(params))):
            return      # not every gradient arrived: keep the buckets as they are
        old = self._where
        buckets, where = self._make_buckets([params[i] for i in order[0]])
        for p in params:
            b, k = where[id(p)]
            ob, ok = old[id(p)]
            b.slot(k)[...] = ob.slot(ok)
            if p._grad is not None and np.shares_memory(p._grad._data, ob.slot(ok)):
                p._grad = Tensor._wrap(b.slot(k))   # gradient_as_bucket_view: the new slot
        self._buckets, self._where = buckets, where

    def _globally_used(self):
        """Which parameters got a gradient on any rank in this backward."""
        flags = np.array([k in b.ready for b in self._buckets for k in range(len(b.params))],
                         np.int64)
        t = Tensor._wrap(flags)
        self._dist.all_reduce(t, group=self.process_group)
        params = [p for b in self._buckets for p in b.params]
        return {id(p): bool(f) for p, f in zip(params, t._data)}


class _DDPJoinHook(_IterationHook):
    """A joined rank's share of each iteration the others still train: the
    forward's buffer broadcast, then zeros for every gradient bucket's
    all-reduce (and the one-time bucket rebuild); at the end every rank takes
    the last joiner's parameters and buffers."""

    def __init__(self, ddp):
        self.ddp = ddp

    def main_hook(self, sync=True):
        ddp = self.ddp
        if not sync:        # the others run under no_sync(): no forward or backward traffic
            return
        if ddp.broadcast_buffers:
            buffers = list(ddp.module.buffers())
            if buffers:
                ddp._sync_module_states(buffers, ddp._buffer_source(False))
        for b in ddp._buckets:
            b.buffer._data[...] = 0
            # non-blocking as the backward's: MPI matches no blocking collective with them
            ddp._dist.all_reduce(b.buffer, group=ddp.process_group, async_op=True).wait()
        if ddp._ready_order is not None:
            ddp._rebuild_buckets()

    def post_hook(self, is_last_joiner):
        ddp = self.ddp
        dist = ddp._dist
        me = dist.get_rank(ddp.process_group)
        rank = Tensor._wrap(np.array([me if is_last_joiner else -1], np.int64))
        dist.all_reduce(rank, op=dist.ReduceOp.MAX, group=ddp.process_group)
        ddp._sync_module_states(list(ddp.module.parameters()) + list(ddp.module.buffers()),
                                int(rank._data[0]))
