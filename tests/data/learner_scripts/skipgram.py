# Word embeddings with skip-gram and negative sampling on the Zen of Python.
import codecs
import this  # noqa: F401
import torch
import torch.nn as nn
import torch.nn.functional as F

words = codecs.decode(this.s, "rot13").lower().replace(".", " ").replace(",", " ").split()
vocab = sorted(set(words))
w2i = {w: i for i, w in enumerate(vocab)}
print(len(words), len(vocab), vocab[:5])
pairs = []
for i, w in enumerate(words):
    for j in range(max(0, i - 2), min(len(words), i + 3)):
        if j != i:
            pairs.append((w2i[w], w2i[words[j]]))
pairs = torch.tensor(pairs)
print(pairs.shape, pairs[:3].tolist())
torch.manual_seed(2)


class SkipGram(nn.Module):
    def __init__(self, n, d):
        super().__init__()
        self.inp = nn.Embedding(n, d)
        self.out = nn.Embedding(n, d)
        self.inp.weight.data.uniform_(-0.5 / d, 0.5 / d)
        self.out.weight.data.zero_()

    def forward(self, c, o, neg):
        vc = self.inp(c)
        pos = F.logsigmoid((vc * self.out(o)).sum(-1))
        negs = F.logsigmoid(-torch.bmm(self.out(neg), vc.unsqueeze(2)).squeeze(2)).sum(-1)
        return -(pos + negs).mean()


model = SkipGram(len(vocab), 10)
print(model, model.inp.weight.shape)
opt = torch.optim.Adam(model.parameters(), lr=0.05)
for epoch in range(5):
    perm = torch.randperm(len(pairs))
    for b in range(0, len(pairs), 128):
        batch = pairs[perm[b:b + 128]]
        neg = torch.randint(0, len(vocab), (len(batch), 5))
        loss = model(batch[:, 0], batch[:, 1], neg)
        opt.zero_grad()
        loss.backward()
        opt.step()
    print("epoch", epoch, "loss", round(loss.item(), 2))
emb = model.inp.weight.detach()
norm = F.normalize(emb, dim=1)
sims = norm @ norm.T
q = w2i["better"]
top = sims[q].topk(4)
print(top.values.shape, top.indices.shape, top.indices[0].item() == q)
print(F.cosine_similarity(emb[q:q + 1], emb[q:q + 1]).item() > 0.999)
print(nn.Embedding(5, 3, padding_idx=0)(torch.tensor([0, 2])).shape)
e = nn.Embedding.from_pretrained(emb[:4], freeze=True)
print(e.weight.requires_grad, e(torch.tensor([1])).shape)
try:
    model.inp(torch.tensor([len(vocab)]))
except IndexError as ex:
    print("IndexError:", ex)
try:
    model.inp(torch.tensor([1.0]))
except RuntimeError as ex:
    print("RuntimeError:", ex)
