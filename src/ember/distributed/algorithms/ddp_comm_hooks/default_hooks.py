"""DistributedDataParallel's built-in communication hooks, as PyTorch's:
each gets a GradBucket and returns a Future of the bucket's averaged buffer."""
from .... import distributed as dist

__all__ = ["allreduce_hook", "fp16_compress_hook", "bf16_compress_hook"]


def _allreduce_fut(process_group, tensor):
    group = process_group if process_group is not None else dist.group.WORLD
    tensor.div_(dist.get_world_size(group))
    return (dist.all_reduce(tensor, group=group, async_op=True).get_future()
            .then(lambda fut: fut.value()[0]))


def allreduce_hook(process_group, bucket):
    """The bucket averaged over the group (DDP's default)."""
    return _allreduce_fut(process_group, bucket.buffer())


def _compress_hook(dtype, process_group, bucket):
    group = process_group if process_group is not None else dist.group.WORLD
    buffer = bucket[0] if isinstance(bucket, tuple) else bucket.buffer()
    compressed = buffer.to(dtype).div_(dist.get_world_size(group))

    def decompress(fut):
        buffer.copy_(fut.value()[0])
        return buffer
    return dist.all_reduce(compressed, group=group, async_op=True).get_future().then(decompress)


def fp16_compress_hook(process_group, bucket):
    """The bucket sent as float16 (half the bytes), averaged, cast back."""
    from .... import float16
    return _compress_hook(float16, process_group, bucket)


def bf16_compress_hook(process_group, bucket):
    """The bucket sent as bfloat16, averaged, cast back."""
    from .... import bfloat16
    return _compress_hook(bfloat16, process_group, bucket)
