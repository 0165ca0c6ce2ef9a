# Char-level RNN/LSTM/GRU on the Zen of Python (this.s, rot13-decoded).
import codecs
import this  # noqa: F401  (prints the Zen: a learner's favourite text)
import torch
import torch.nn as nn

text = codecs.decode(this.s, "rot13")[:600]
chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
itos = {i: c for c, i in stoi.items()}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
print(len(chars), data[:20], data.dtype)
torch.manual_seed(0)
seq_len = 25


class CharModel(nn.Module):
    def __init__(self, kind, vocab, hidden=32):
        super().__init__()
        self.embed = nn.Embedding(vocab, 16)
        self.rnn = getattr(nn, kind)(16, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, x, h=None):
        o, h = self.rnn(self.embed(x), h)
        return self.out(o), h


for kind in ["RNN", "LSTM", "GRU"]:
    torch.manual_seed(1)
    model = CharModel(kind, len(chars))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    crit = nn.CrossEntropyLoss()
    for step in range(20):
        i = torch.randint(0, len(data) - seq_len - 1, (8,))
        x = torch.stack([data[j:j + seq_len] for j in i])
        y = torch.stack([data[j + 1:j + seq_len + 1] for j in i])
        logits, _ = model(x)
        loss = crit(logits.view(-1, len(chars)), y.view(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    print(kind, model.rnn, f"loss={loss.item():.2f}")
    # sampling
    model.eval()
    with torch.no_grad():
        idx = torch.tensor([[stoi["B"]]])
        h = None
        out = "B"
        for _ in range(20):
            logits, h = model(idx, h)
            probs = torch.softmax(logits[:, -1] / 0.8, dim=-1)
            idx = torch.multinomial(probs, 1)
            out += itos[idx.item()]
        print(repr(out[:1]), len(out))
    if isinstance(h, tuple):
        print("h, c", h[0].shape, h[1].shape)
    else:
        print("h", h.shape)
rnn = nn.LSTM(4, 3, num_layers=2, batch_first=True, bidirectional=True)
o, (hn, cn) = rnn(torch.randn(2, 5, 4))
print(o.shape, hn.shape, cn.shape, o.grad_fn is not None)
for n, p in rnn.named_parameters():
    print(n, tuple(p.shape))
cell = nn.GRUCell(4, 3)
hx = torch.zeros(2, 3)
for t in range(3):
    hx = cell(torch.ones(2, 4) * t, hx)
print(hx.grad_fn.name(), hx.shape)
