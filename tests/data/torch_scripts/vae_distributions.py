"""pytorch/examples' VAE (reparameterisation, BCE + KLD loss) on sklearn's
digits in place of MNIST, and torch.distributions as its docs' examples use
it (Normal, Categorical, kl_divergence, rsample, log_prob, Independent)."""
import numpy as np
from sklearn.datasets import load_digits

import torch
from torch import nn, optim
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(1)
digits = load_digits()
data = torch.tensor(digits.images[:256].reshape(-1, 64) / 16.0, dtype=torch.float32)
train_loader = DataLoader(TensorDataset(data, torch.zeros(256)), batch_size=64, shuffle=True)


class VAE(nn.Module):
    def __init__(self):
        super(VAE, self).__init__()
        self.fc1 = nn.Linear(64, 32)
        self.fc21 = nn.Linear(32, 4)
        self.fc22 = nn.Linear(32, 4)
        self.fc3 = nn.Linear(4, 32)
        self.fc4 = nn.Linear(32, 64)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 64))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


model = VAE()
optimizer = optim.Adam(model.parameters(), lr=1e-3)


def loss_function(recon_x, x, mu, logvar):
    BCE = F.binary_cross_entropy(recon_x, x.view(-1, 64), reduction='sum')
    KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return BCE + KLD


def train(epoch):
    model.train()
    train_loss = 0
    for batch_idx, (data, _) in enumerate(train_loader):
        optimizer.zero_grad()
        recon_batch, mu, logvar = model(data)
        loss = loss_function(recon_batch, data, mu, logvar)
        loss.backward()
        train_loss += loss.item()
        optimizer.step()
    print('====> Epoch: {} Average loss: {:.4f}'.format(epoch, train_loss / len(train_loader.dataset)))


for epoch in range(1, 4):
    train(epoch)
with torch.no_grad():
    sample = torch.randn(4, 4)
    sample = model.decode(sample).cpu()
    print(sample.view(4, 1, 8, 8)[0, 0, 3])

from torch.distributions import Normal, Categorical, Independent, kl_divergence, Bernoulli
m = Normal(torch.tensor([0.0]), torch.tensor([1.0]))
print(m.sample(), m)
loc = torch.zeros(3, requires_grad=True)
d = Normal(loc, torch.ones(3))
x = d.rsample()
x.sum().backward()
print(x, loc.grad, d.log_prob(torch.ones(3)), d.entropy())
c = Categorical(torch.tensor([0.25, 0.25, 0.25, 0.25]))
print(c.sample((5,)), c.log_prob(torch.tensor(2)), c.probs, c)
probs = torch.tensor([0.1, 0.2, 0.7], requires_grad=True)
cat = Categorical(probs=probs)
action = cat.sample()
loss = -cat.log_prob(action) * 2.0
loss.backward()
print(action, probs.grad)
ind = Independent(Normal(torch.zeros(3, 2), torch.ones(3, 2)), 1)
print(ind.batch_shape, ind.event_shape, ind.log_prob(torch.zeros(3, 2)))
print(kl_divergence(Normal(0., 1.), Normal(1., 2.)), kl_divergence(Bernoulli(0.3), Bernoulli(0.5)))
