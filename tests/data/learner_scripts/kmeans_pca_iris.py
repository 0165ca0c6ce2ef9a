# k-means and PCA on iris with tensors: cdist, linalg.svd, pca_lowrank.
import torch
from sklearn.datasets import load_iris

X = torch.tensor(load_iris().data, dtype=torch.float64)
y = torch.tensor(load_iris().target)
torch.manual_seed(0)

# k-means
k = 3
centroids = X[torch.randperm(len(X))[:k]].clone()
for it in range(10):
    dists = torch.cdist(X, centroids)
    labels = dists.argmin(dim=1)
    new = torch.stack([X[labels == j].mean(0) for j in range(k)])
    shift = (new - centroids).norm()
    centroids = new
    if shift < 1e-6:
        print("converged at iteration", it)
        break
print(centroids)
print(torch.bincount(labels), labels.dtype)
inertia = ((X - centroids[labels]) ** 2).sum()
print("inertia %.4f" % inertia)
print(dists.shape, dists.min(1).values[:4])

# PCA by SVD
Xc = X - X.mean(dim=0, keepdim=True)
U, S, Vh = torch.linalg.svd(Xc, full_matrices=False)
print(S)
explained = S ** 2 / (S ** 2).sum()
print(explained, explained.cumsum(0))
proj = Xc @ Vh[:2].T
print(proj.shape, proj.abs().max(0).values)
print(torch.allclose(U[:, :2] * S[:2], proj.abs() * torch.sign(U[:, :2] * S[:2]), atol=1e-8))
cov = Xc.T @ Xc / (len(X) - 1)
evals, evecs = torch.linalg.eigh(cov)
print(evals.flip(0))
print(torch.cov(X.T).shape, torch.allclose(torch.cov(X.T), cov))
print(torch.corrcoef(X.T)[0])
Up, Sp, Vp = torch.pca_lowrank(X, q=2, center=True)
print(Up.shape, Sp, Vp.shape)
# float32 like learners do
Xf = X.float()
print(Xf.mean(0), Xf.std(0), Xf.var(0, unbiased=False))
print(torch.cdist(Xf[:2], Xf[:3]))
print(torch.dist(Xf[0], Xf[1]), torch.norm(Xf[0] - Xf[1], p=2))
print(torch.unique(y, return_counts=True))
for c in range(3):
    print(c, X[y == c].mean(0).numpy().round(3))
print(torch.topk(explained, 2), torch.sort(S, descending=False))
