# A dense autoencoder on digits: encoder/decoder, MSE, latent codes, reconstruction error.
import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_digits

torch.manual_seed(5)
np.random.seed(5)
X = torch.from_numpy(load_digits().data.astype("float32") / 16.0)


class AE(nn.Module):
    def __init__(self, d=64, z=8):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(d, 32), nn.LeakyReLU(0.1), nn.Linear(32, z))
        self.decoder = nn.Sequential(nn.Linear(z, 32), nn.ReLU(), nn.Linear(32, d), nn.Sigmoid())

    def forward(self, x):
        z = self.encoder(x)
        return self.decoder(z), z


ae = AE()
print(ae)
print(ae.encoder[0], ae.decoder[-1])
opt = torch.optim.RMSprop(ae.parameters(), lr=0.005)
print(opt)
sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1)
best, best_state, bad = float("inf"), None, 0
import copy
for epoch in range(5):
    perm = torch.randperm(len(X))
    total = 0.
    for i in range(0, len(X), 256):
        xb = X[perm[i:i + 256]]
        rec, z = ae(xb)
        loss = nn.functional.mse_loss(rec, xb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(xb)
    epoch_loss = total / len(X)
    sched.step(epoch_loss)
    if epoch_loss < best - 1e-4:
        best, bad = epoch_loss, 0
        best_state = copy.deepcopy(ae.state_dict())
    else:
        bad += 1
    print("epoch %d loss %.3f lr %s" % (epoch, epoch_loss, opt.param_groups[0]["lr"]))
ae.load_state_dict(best_state)
print("best %.3f" % best, list(best_state.keys())[:3])
with torch.no_grad():
    rec, z = ae(X[:5])
    err = ((rec - X[:5]) ** 2).mean(dim=1)
print(z.shape, err.shape, err.requires_grad)
print(rec.min() >= 0, rec.max() <= 1)
codes = ae.encoder(X).detach()
print(codes.mean(0).shape, codes.std(0).shape, codes.numpy().dtype)
print(torch.cdist(codes[:3], codes[:3]).diagonal())
print(ae.decoder[2].weight.data.shape, ae.decoder[2].bias.data.dtype)
print(sched.state_dict()["best"] == best, sched.num_bad_epochs >= 0)
