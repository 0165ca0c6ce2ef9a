# Data pipelines: Dataset of dicts, numpy samples, samplers, collate, seeds, Subset.
import numpy as np
import torch
from torch.utils.data import (Dataset, DataLoader, TensorDataset, Subset, random_split,
                              WeightedRandomSampler, SubsetRandomSampler, ConcatDataset)
from sklearn.datasets import load_iris

torch.manual_seed(0)
np.random.seed(0)
iris = load_iris()


class IrisDict(Dataset):
    def __init__(self, transform=None):
        self.X = iris.data.astype(np.float32)
        self.y = iris.target
        self.transform = transform

    def __len__(self):
        return len(self.X)

    def __getitem__(self, idx):
        if torch.is_tensor(idx):
            idx = idx.tolist()
        sample = {"features": self.X[idx], "label": self.y[idx]}
        if self.transform:
            sample = self.transform(sample)
        return sample


ds = IrisDict()
print(ds[0])
dl = DataLoader(ds, batch_size=4, shuffle=True)
batch = next(iter(dl))
print(batch)
print(batch["features"].dtype, batch["label"].dtype)
dl2 = DataLoader(ds, batch_size=32, shuffle=False, drop_last=False)
print(len(dl2), [len(b["label"]) for b in dl2])
tds = TensorDataset(torch.tensor(iris.data), torch.tensor(iris.target))
print(tds[0], len(tds), tds.tensors[0].dtype)
train, val, test = random_split(tds, [0.7, 0.15, 0.15], generator=torch.Generator().manual_seed(1))
print(len(train), len(val), len(test), test.indices[:5])
sub = Subset(tds, [0, 50, 100])
print([int(y) for _, y in sub])
weights = torch.tensor([1.0 if y == 0 else 0.1 for y in iris.target])
sampler = WeightedRandomSampler(weights, num_samples=20, replacement=True)
labels = torch.cat([y for _, y in DataLoader(tds, batch_size=5, sampler=sampler)])
print(labels, torch.bincount(labels, minlength=3))
srs = SubsetRandomSampler(range(10))
print(sorted(list(srs)) == list(range(10)), list(srs)[:3])
cat = ConcatDataset([tds, sub])
print(len(cat), cat[151][1])
g = torch.Generator()
g.manual_seed(123)
order1 = [y.tolist() for _, y in DataLoader(tds, batch_size=50, shuffle=True, generator=g)][0][:8]
print(order1)


def collate(batch):
    xs, ys = zip(*batch)
    return torch.stack(xs).float(), torch.tensor(ys)


dl3 = DataLoader(tds, batch_size=3, collate_fn=collate)
xb, yb = next(iter(dl3))
print(xb.dtype, yb, xb.shape)
npdl = DataLoader(list(zip(iris.data[:6], iris.target[:6])), batch_size=3)
for xb, yb in npdl:
    print(xb.dtype, xb.shape, yb)
print(next(iter(DataLoader([1, 2, 3, 4], batch_size=2))), next(iter(DataLoader([(1.5, "a"), (2.5, "b")], batch_size=2))))
print(next(iter(DataLoader(np.arange(6).reshape(3, 2), batch_size=3))))
print(torch.initial_seed(), np.random.rand(2), torch.rand(2))
state = torch.get_rng_state()
a = torch.randn(3)
torch.set_rng_state(state)
print(torch.equal(a, torch.randn(3)), torch.randint(0, 10, (5,)), torch.randperm(6), torch.normal(0.0, 1.0, size=(2,)))
