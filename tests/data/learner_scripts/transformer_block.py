# A transformer block by hand: hand-written attention vs F.scaled_dot_product_attention.
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


def attention(q, k, v, mask=None):
    d_k = q.size(-1)
    scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(d_k)
    if mask is not None:
        scores = scores.masked_fill(mask == 0, float("-inf"))
    p = F.softmax(scores, dim=-1)
    return torch.matmul(p, v), p


class MultiHead(nn.Module):
    def __init__(self, d_model, h):
        super().__init__()
        self.h, self.d_k = h, d_model // h
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)

    def forward(self, x, causal=False):
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        q, k, v = [t.view(B, T, self.h, self.d_k).transpose(1, 2) for t in (q, k, v)]
        if causal:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            y, _ = attention(q, k, v)
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.proj(y)


class Block(nn.Module):
    def __init__(self, d=16, h=4):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = MultiHead(d, h)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x, causal=False):
        x = x + self.attn(self.ln1(x), causal)
        return x + self.mlp(self.ln2(x))


blk = Block()
print(blk)
x = torch.randn(2, 5, 16)
y = blk(x)
print(y.shape, y.grad_fn)
q = k = v = torch.randn(1, 2, 4, 8)
mine, p = attention(q, k, v)
ref = F.scaled_dot_product_attention(q, k, v)
print(torch.allclose(mine, ref, atol=1e-6), p.sum(-1).shape)
mask = torch.tril(torch.ones(4, 4))
print(mask)
mine_c, pc = attention(q, k, v, mask)
ref_c = F.scaled_dot_product_attention(q, k, v, is_causal=True)
print(torch.allclose(mine_c, ref_c, atol=1e-6))
print(pc[0, 0].round(decimals=3))
print(blk(x, causal=True)[0, 0, :4])
mha = nn.MultiheadAttention(16, 4, batch_first=True)
out, w = mha(x, x, x)
print(out.shape, w.shape, w.sum(-1)[0, :2])
enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 4, 32, dropout=0.0, batch_first=True), 2,
                            enable_nested_tensor=False)
print(enc(x).shape, len(enc.layers))
pos = torch.arange(5).unsqueeze(1)
div = torch.exp(torch.arange(0, 16, 2) * (-math.log(10000.0) / 16))
pe = torch.zeros(5, 16)
pe[:, 0::2] = torch.sin(pos * div)
pe[:, 1::2] = torch.cos(pos * div)
print(pe[1, :6])
opt = torch.optim.AdamW(blk.parameters(), lr=1e-3)
for _ in range(5):
    loss = F.mse_loss(blk(x + pe), x)
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"{loss.item():.3f}", opt)
