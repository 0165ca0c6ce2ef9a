"""DistributedSampler: each rank's share of a dataset (torch.utils.data.distributed).

The shuffle is torch's: randperm(len(dataset)) from a generator seeded with
seed + epoch, padded (or cut, with drop_last) to a multiple of the number of
replicas, then every num_replicas-th index from `rank`. So the same arguments
give PyTorch's partition.
"""
import math

from ... import _random, _sampling
from .sampler import Sampler

__all__ = ["DistributedSampler"]


def _default(what):
    from ... import distributed
    if not distributed.is_available():
        raise RuntimeError("Requires distributed package to be available")
    return getattr(distributed, what)()


class DistributedSampler(Sampler):
    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0,
                 drop_last=False):
        if num_replicas is None:
            num_replicas = _default("get_world_size")
        if rank is None:
            rank = _default("get_rank")
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval "
                             f"[0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(self.dataset)
        if self.drop_last and n % self.num_replicas != 0:
            # Drop the tail so every rank gets the same count without padding.
            self.num_samples = math.ceil((n - self.num_replicas) / self.num_replicas)
        else:
            self.num_samples = math.ceil(n / self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            g = _random.Generator()
            g.manual_seed(self.seed + self.epoch)
            indices = _sampling.randperm(n, generator=g).tolist()
        else:
            indices = list(range(n))
        if not self.drop_last:
            padding = self.total_size - len(indices)
            if padding <= len(indices):
                indices += indices[:padding]
            else:
                indices += (indices * math.ceil(padding / len(indices)))[:padding]
        else:
            indices = indices[:self.total_size]
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        self.epoch = epoch
