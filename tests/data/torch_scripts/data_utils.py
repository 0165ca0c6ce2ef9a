"""torch.utils.data as the "Datasets & DataLoaders" tutorial and its docs
use it: custom Dataset with transforms, collate_fn, samplers, ConcatDataset,
Subset, IterableDataset, random_split, default_collate of nested batches;
and torch.nn.utils.parametrizations (orthogonal, weight_norm, spectral_norm)."""
import collections
import math
import warnings

import torch
from torch.utils.data import (BatchSampler, ConcatDataset, DataLoader, Dataset, IterableDataset,
                              RandomSampler, SequentialSampler, Subset, SubsetRandomSampler,
                              TensorDataset, WeightedRandomSampler, random_split, default_collate)



# (the old weight_norm's deprecation: shown on stdout, where it is filed too)
def show(message, category, filename, lineno, file=None, line=None):
    where = f"line {lineno}" if filename == __file__ else "the library"
    print(f"{category.__name__} at {where}: {message}")


warnings.showwarning = show
torch.manual_seed(0)


class CustomImageDataset(Dataset):
    def __init__(self, n, transform=None, target_transform=None):
        self.images = torch.arange(n * 4, dtype=torch.float32).reshape(n, 1, 2, 2)
        self.labels = [i % 3 for i in range(n)]
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        image = self.images[idx]
        label = self.labels[idx]
        if self.transform:
            image = self.transform(image)
        if self.target_transform:
            label = self.target_transform(label)
        return image, label


ds = CustomImageDataset(10, transform=lambda x: x / 10,
                        target_transform=lambda y: torch.zeros(3).scatter_(0, torch.tensor(y), value=1))
train_dataloader = DataLoader(ds, batch_size=4, shuffle=True)
train_features, train_labels = next(iter(train_dataloader))
print(f"Feature batch shape: {train_features.size()}")
print(f"Labels batch shape: {train_labels.size()}")
print(train_features[0, 0], train_labels)
print(len(train_dataloader), [b[0].shape[0] for b in DataLoader(ds, batch_size=4, drop_last=True)])
Point = collections.namedtuple("Point", "x y")
print(default_collate([{"a": torch.tensor(1), "b": [1.0, 2.0]}, {"a": torch.tensor(2), "b": [3.0, 4.0]}]))
print(default_collate([Point(1, 2.0), Point(3, 4.0)]))
print(default_collate([(torch.ones(2), "s", 3), (torch.zeros(2), "t", 4)]))


def collate_pad(batch):
    seqs = [b[0] for b in batch]
    return torch.nn.utils.rnn.pad_sequence(seqs, batch_first=True), torch.tensor([len(s) for s in seqs])


seq_ds = [(torch.arange(n, dtype=torch.float32), n) for n in (3, 1, 4, 2)]
for x, lengths in DataLoader(seq_ds, batch_size=2, collate_fn=collate_pad):
    print(x, lengths)
print(list(SequentialSampler(range(5))), list(RandomSampler(range(5))))
print(list(RandomSampler(range(5), replacement=True, num_samples=7)))
print(list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=False)))
print(list(BatchSampler(RandomSampler(range(10)), batch_size=3, drop_last=True)))
print(list(WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 5, replacement=True)))
print(list(WeightedRandomSampler([0.9, 0.4, 0.05, 0.2, 0.3, 0.1], 5, replacement=False)))
print(list(SubsetRandomSampler([10, 20, 30])))
train, val = random_split(range(10), [0.7, 0.3], generator=torch.Generator().manual_seed(42))
print(list(train), list(val))
a, b, c = random_split(range(11), [0.3, 0.3, 0.4])
print(list(a), list(b), list(c))
cat = ConcatDataset([TensorDataset(torch.arange(3.)), TensorDataset(torch.arange(10., 12.))])
print(len(cat), cat[4], cat.cumulative_sizes)
sub = Subset(cat, [4, 0])
print(len(sub), sub[0], [b for b in DataLoader(sub, batch_size=2)])


class MyIterableDataset(IterableDataset):
    def __init__(self, start, end):
        super(MyIterableDataset).__init__()
        assert end > start, "this example code only works with end >= start"
        self.start = start
        self.end = end

    def __iter__(self):
        worker_info = torch.utils.data.get_worker_info()
        if worker_info is None:
            iter_start = self.start
            iter_end = self.end
        else:
            per_worker = int(math.ceil((self.end - self.start) / float(worker_info.num_workers)))
            worker_id = worker_info.id
            iter_start = self.start + worker_id * per_worker
            iter_end = min(iter_start + per_worker, self.end)
        return iter(range(iter_start, iter_end))


it_ds = MyIterableDataset(start=3, end=7)
print(list(DataLoader(it_ds, num_workers=0)))
print(list(DataLoader(it_ds, batch_size=3)))
g = torch.Generator()
g.manual_seed(0)
print([b.tolist() for b in DataLoader(range(8), batch_size=3, shuffle=True, generator=g)])

# --- parametrizations ---
from torch.nn.utils import parametrizations as PZ
lin = torch.nn.Linear(4, 4)
PZ.orthogonal(lin)
Q = lin.weight
print(torch.dist(Q.T @ Q, torch.eye(4)) < 1e-5, type(lin.parametrizations.weight[0]).__name__)
wn = PZ.weight_norm(torch.nn.Linear(3, 2))
print(wn.parametrizations.weight.original0, wn.parametrizations.weight.original1)
print(wn.weight)
sn = PZ.spectral_norm(torch.nn.Linear(5, 3))
print(sn(torch.ones(1, 5)))
print(torch.linalg.matrix_norm(sn.weight, 2))
sn.eval()
print(sn.parametrizations.weight[0]._u[:3], sn.parametrizations.weight[0]._v[:3])
old_wn = torch.nn.utils.weight_norm(torch.nn.Linear(3, 2), name="weight")
print(old_wn.weight_g, old_wn.weight_v.shape)
