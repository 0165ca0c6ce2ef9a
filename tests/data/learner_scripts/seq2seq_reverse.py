# A seq2seq toy: a GRU encoder-decoder learns to reverse digit sequences (teacher forcing).
import random
import numpy as np
import torch
import torch.nn as nn

random.seed(0)
np.random.seed(0)
torch.manual_seed(0)
SOS, V, L = 10, 11, 5


def batch(n):
    src = torch.randint(0, 10, (n, L))
    tgt = src.flip(1)
    return src, tgt


class Seq2Seq(nn.Module):
    def __init__(self, h=48):
        super().__init__()
        self.emb = nn.Embedding(V, 16)
        self.enc = nn.GRU(16, h, batch_first=True)
        self.dec = nn.GRU(16, h, batch_first=True)
        self.out = nn.Linear(h, V)

    def forward(self, src, tgt=None):
        _, h = self.enc(self.emb(src))
        inp = torch.full((src.size(0), 1), SOS, dtype=torch.long)
        outs = []
        for t in range(L):
            o, h = self.dec(self.emb(inp), h)
            logits = self.out(o)
            outs.append(logits)
            inp = tgt[:, t:t + 1] if tgt is not None else logits.argmax(-1)
        return torch.cat(outs, dim=1)


model = Seq2Seq()
opt = torch.optim.Adam(model.parameters(), lr=0.01)
crit = nn.CrossEntropyLoss()
for step in range(60):
    src, tgt = batch(32)
    logits = model(src, tgt)
    loss = crit(logits.reshape(-1, V), tgt.reshape(-1))
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    if step % 20 == 0:
        print(f"step {step:3d} loss {loss.item():.2f}")
model.eval()
with torch.no_grad():
    vsrc, vtgt = batch(100)
    pred = model(vsrc).argmax(-1)
    print("token acc", (pred == vtgt).float().mean().item() > 0.2)
    print(vsrc[0].tolist(), vtgt[0].tolist(), pred.shape)
print(random.random(), np.random.rand())
print(logits.shape, logits.permute(0, 2, 1).shape)
print(crit(logits.permute(0, 2, 1), tgt).item() == crit(logits.reshape(-1, V), tgt.reshape(-1)).item())
try:
    crit(logits, tgt)
except Exception as e:
    print(type(e).__name__, e)
