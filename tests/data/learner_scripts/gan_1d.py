# A tiny GAN that learns a 1-D Gaussian (the diabetes target's distribution, standardised).
import torch
import torch.nn as nn
from sklearn.datasets import load_diabetes

torch.manual_seed(11)
y = torch.tensor(load_diabetes().target, dtype=torch.float32)
real_data = ((y - y.mean()) / y.std()).unsqueeze(1)
print(real_data.shape, round(real_data.mean().item(), 4), f"{real_data.std().item():.3f}")

G = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
D = nn.Sequential(nn.Linear(1, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1), nn.Sigmoid())
opt_g = torch.optim.Adam(G.parameters(), lr=2e-3, betas=(0.5, 0.999))
opt_d = torch.optim.Adam(D.parameters(), lr=2e-3, betas=(0.5, 0.999))
bce = nn.BCELoss()
print(opt_g.defaults["betas"], bce.reduction)
for step in range(80):
    idx = torch.randint(0, len(real_data), (64,))
    real = real_data[idx]
    noise = torch.randn(64, 4)
    fake = G(noise)
    ones, zeros = torch.ones(64, 1), torch.zeros(64, 1)
    d_loss = bce(D(real), ones) + bce(D(fake.detach()), zeros)
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()
    g_loss = bce(D(fake), ones)
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()
    if step % 50 == 0:
        print(f"step {step}: D {d_loss.item():.2f} G {g_loss.item():.2f}")
with torch.no_grad():
    samples = G(torch.randn(1000, 4))
print(samples.shape, samples.requires_grad, f"{abs(samples.mean().item()):.1f}")
print(D[0].weight.grad is not None, G[0].weight.grad.shape)
# the famous detach mistake: backward through D twice
fake = G(torch.randn(4, 4))
l1 = bce(D(fake), torch.ones(4, 1))
l1.backward(retain_graph=False)
try:
    l1.backward()
except RuntimeError as e:
    print("RuntimeError:", e)
fake = G(torch.randn(4, 4))
out = D(fake)
out.sum().backward(retain_graph=True)
out.sum().backward()
print("retain_graph ok", out.grad_fn.name())
with torch.no_grad():
    z = G(torch.randn(2, 4))
try:
    z.backward(torch.ones_like(z))
except RuntimeError as e:
    print("RuntimeError:", e)
print(torch.histc(samples, bins=5, min=-3, max=3).shape)
