# A tiny vision transformer on 8x8 digits: rows as tokens, a CLS token, learned positions, attention maps.
import math
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(0)
digits = load_digits()
X = torch.tensor(digits.images, dtype=torch.float32) / 16.0     # (N, 8 rows, 8 pixels)
y = torch.tensor(digits.target)
Xtr, ytr, Xte, yte = X[:1200], y[:1200], X[1200:], y[1200:]
print(X.shape, Xtr.shape, Xte.shape)


class TinyViT(nn.Module):
    def __init__(self, d=16, heads=2, n_classes=10):
        super().__init__()
        self.embed = nn.Linear(8, d)
        self.cls = nn.Parameter(torch.zeros(1, 1, d))
        self.pos = nn.Parameter(torch.randn(1, 9, d) * 0.02)
        layer = nn.TransformerEncoderLayer(d, heads, dim_feedforward=32, dropout=0.0,
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(d, n_classes)

    def forward(self, x):
        tokens = self.embed(x)
        cls = self.cls.expand(x.shape[0], -1, -1)
        h = torch.cat([cls, tokens], dim=1) + self.pos
        return self.head(self.encoder(h)[:, 0])


model = TinyViT()
print(model)
print([(n, tuple(p.shape)) for n, p in model.named_parameters()][:4])
print(sum(p.numel() for p in model.parameters()))
opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
for epoch in range(3):
    perm = torch.randperm(len(Xtr))
    for i in range(0, len(perm), 100):
        b = perm[i:i + 100]
        loss = F.cross_entropy(model(Xtr[b]), ytr[b])
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"epoch {epoch} loss {loss.item():.1f}")
model.eval()
with torch.no_grad():
    acc = (model(Xte).argmax(1) == yte).float().mean()
print(f"test acc {acc:.1f}")
# attention maps: run the layer's self-attention by hand on one image
layer = model.encoder.layers[0]
print(layer.self_attn, layer.norm_first, layer.self_attn.batch_first)
with torch.no_grad():
    h = torch.cat([model.cls.expand(1, -1, -1), model.embed(Xte[:1])], 1) + model.pos
    hn = layer.norm1(h)
    out, w = layer.self_attn(hn, hn, hn, need_weights=True)
    _, w_heads = layer.self_attn(hn, hn, hn, average_attn_weights=False)
print(w.shape, w_heads.shape, torch.allclose(w, w_heads.mean(1)))
print(w.sum(-1))
print(w_heads.sum(-1))
print(w[0, 0].argmax().item() >= 0, torch.equal(w_heads.argmax(-1), w_heads.argmax(-1)))
# the same attention from the packed projection, q @ k^T / sqrt(d)
Wq, Wk, Wv = layer.self_attn.in_proj_weight.chunk(3)
bq, bk, bv = layer.self_attn.in_proj_bias.chunk(3)
with torch.no_grad():
    q = (hn @ Wq.T + bq).view(1, 9, 2, 8).transpose(1, 2)
    k = (hn @ Wk.T + bk).view(1, 9, 2, 8).transpose(1, 2)
    scores = q @ k.transpose(-2, -1) / math.sqrt(8)
    mine = scores.softmax(-1)
print(scores.shape, torch.allclose(mine, w_heads, atol=1e-6), mine.sum(-1))
causal = torch.triu(torch.full((4, 4), float("-inf")), diagonal=1)
print(causal, nn.Transformer.generate_square_subsequent_mask(4).equal(causal))
att = torch.softmax(scores[0, 0, :4, :4] + causal, dim=-1)
print(att.triu(1).abs().sum(), att.sum(-1))
e = torch.einsum("bhqd,bhkd->bhqk", q, k) / math.sqrt(8)
print(torch.equal(e, scores), torch.bmm(q[0], k[0].transpose(1, 2)).shape)
# (raw scores are not printed: the key bias moves every score of a query alike, so its
# gradient is rounding noise, which Adam turns into steps; the softmax does not see it)
s2 = torch.baddbmm(torch.zeros(2, 9, 9), q[0], k[0].transpose(1, 2), alpha=1 / math.sqrt(8))
print(torch.allclose(s2, scores[0], atol=1e-5), s2.softmax(-1).sum(-1)[0])
print(layer.self_attn.in_proj_weight.grad is None, [p.grad.shape for p in model.head.parameters()])
