# Variable-length word classifier (GRU/LSTM over packed sequences) on the words of the Zen of Python.
import codecs
import string
import this  # noqa: F401
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence, pack_padded_sequence, pad_packed_sequence, pack_sequence

torch.manual_seed(5)
zen = codecs.decode(this.s, "rot13")
words = sorted({w.strip(string.punctuation).lower() for w in zen.split()} - {""})
print(len(words), words[:6])
vocab = {c: i + 1 for i, c in enumerate(string.ascii_lowercase + "'-*")}
print(len(vocab), vocab["a"], vocab["-"])
# label: does the word contain a vowel pair?  (something a GRU can learn quickly)
labels = torch.tensor([int(any(a in "aeiou" and b in "aeiou" for a, b in zip(w, w[1:]))) for w in words])
seqs = [torch.tensor([vocab[c] for c in w]) for w in words]
lengths = torch.tensor([len(s) for s in seqs])
print(labels.float().mean().item() > 0.1, lengths.max(), lengths.min(), lengths.dtype)
padded = pad_sequence(seqs, batch_first=True)
print(padded.shape, padded[0], padded.dtype)
print(pad_sequence(seqs[:3], padding_value=-1))
packed = pack_padded_sequence(padded[:4], lengths[:4], batch_first=True, enforce_sorted=False)
print(packed)
print(packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
unpacked, lens = pad_packed_sequence(packed, batch_first=True)
print(torch.equal(unpacked, padded[:4, :unpacked.shape[1]]), lens)
try:
    pack_padded_sequence(padded[:4], lengths[:4], batch_first=True)
except RuntimeError as e:
    print(type(e).__name__, str(e)[:90])
ps = pack_sequence([torch.tensor([1, 2, 3]), torch.tensor([4, 5]), torch.tensor([6])])
print(ps.data, ps.batch_sizes)


class WordClassifier(nn.Module):
    def __init__(self, n_chars, kind="GRU", emb=8, hidden=16):
        super().__init__()
        self.emb = nn.Embedding(n_chars + 1, emb, padding_idx=0)
        self.rnn = getattr(nn, kind)(emb, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, 2)

    def forward(self, x, lengths):
        e = self.emb(x)
        packed = pack_padded_sequence(e, lengths, batch_first=True, enforce_sorted=False)
        out, h = self.rnn(packed)
        if isinstance(h, tuple):
            h = h[0]
        return self.fc(h[-1]), out


for kind in ["GRU", "LSTM"]:
    torch.manual_seed(0)
    model = WordClassifier(len(vocab), kind)
    print(model)
    print(model.emb.weight[0], model.emb.padding_idx)
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(30):
        logits, out = model(padded, lengths)
        loss = loss_fn(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if epoch % 10 == 0:
            print(f"{kind} epoch {epoch} loss {loss.item():.1f}")
    print(type(out).__name__, out.data.shape, out.batch_sizes[:5])
    print("padding row grad", model.emb.weight.grad[0], model.emb.weight[0].abs().sum())
    with torch.no_grad():
        acc = (model(padded, lengths)[0].argmax(1) == labels).float().mean()
    print(f"{kind} train acc {acc:.1f}")
    out_pad, out_len = pad_packed_sequence(out, batch_first=True, total_length=int(lengths.max()) + 2)
    print(out_pad.shape, torch.equal(out_len, lengths), out_pad[0, lengths[0]:].abs().sum())
emb = nn.Embedding(5, 3, padding_idx=0)
print(emb(torch.tensor([[0, 2], [4, 0]])).shape, emb.weight[0])
e2 = nn.Embedding.from_pretrained(torch.arange(6.0).reshape(3, 2), freeze=True, padding_idx=2)
print(e2, e2.weight.requires_grad, e2(torch.tensor([2, 1])))
gru = nn.GRU(3, 4, num_layers=2, batch_first=True, bidirectional=True)
x = torch.randn(3, 5, 3)
p = pack_padded_sequence(x, torch.tensor([5, 2, 3]), batch_first=True, enforce_sorted=False)
o, h = gru(p)
o, ol = pad_packed_sequence(o, batch_first=True)
print(o.shape, h.shape, ol, o[1, 2:].abs().sum())
print(torch.allclose(o[0, -1, :4], h[-2, 0]), torch.allclose(o[0, 0, 4:], h[-1, 0]))
try:
    gru(torch.randn(3, 5, 4))
except RuntimeError as e:
    print(e)
