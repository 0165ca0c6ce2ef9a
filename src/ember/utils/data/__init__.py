"""ember.utils.data: datasets, samplers and the DataLoader, as torch.utils.data."""
from .dataloader import DataLoader, default_collate, default_convert, get_worker_info
from .dataset import (ChainDataset, ConcatDataset, Dataset, IterableDataset, StackDataset,
                      Subset, TensorDataset, random_split)
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler,
                      SubsetRandomSampler, WeightedRandomSampler)
from .distributed import DistributedSampler

__all__ = ["DataLoader", "default_collate", "default_convert", "get_worker_info",
           "ChainDataset", "ConcatDataset", "Dataset", "IterableDataset", "StackDataset",
           "Subset", "TensorDataset", "random_split", "BatchSampler", "RandomSampler",
           "Sampler", "SequentialSampler", "SubsetRandomSampler", "WeightedRandomSampler",
           "DistributedSampler"]
