# Tensor-manipulation homework: indexing, broadcasting, views, scatter/gather, promotion, printing.
import torch

torch.manual_seed(0)
# Q1 indexing
A = torch.arange(24).reshape(2, 3, 4)
print(A[1, :, ::2], A[..., -1], A[:, [0, 2]][:, :, [1, 3]].shape, A[[0, 1], [1, 2], [2, 3]])
print(A[A % 5 == 0], A[0][A[0] > 6].tolist(), A[:, None, 1].shape, A[1:, 1:, 1:].stride())
B = torch.zeros(3, 4)
B[[0, 2], 1:3] = torch.tensor([1.0, 2.0])
B[1] += 5
B[:, -1] = torch.arange(3.0)
idx = torch.tensor([0, 0, 2])
B.index_put_((idx, torch.tensor([0, 0, 0])), torch.tensor([1.0, 1.0, 1.0]), accumulate=True)
print(B)
print(torch.nonzero(B), torch.nonzero(B, as_tuple=True)[1], torch.where(B > 1), B.masked_select(B > 1))
# Q2 broadcasting
a = torch.arange(3).reshape(3, 1)
b = torch.arange(4)
print(a + b, (a * b).shape, torch.broadcast_shapes((3, 1), (1, 4), (2, 1, 1)))
print(torch.broadcast_tensors(a, b)[0].stride(), a.expand(3, 4).is_contiguous())
try:
    torch.ones(2, 3) + torch.ones(3, 2)
except RuntimeError as e:
    print("broadcast:", e)
try:
    a.add_(b)
except RuntimeError as e:
    print("in-place broadcast:", e)
# Q3 view / reshape / contiguous
C = torch.arange(12).reshape(3, 4)
Ct = C.t()
print(Ct.is_contiguous(), Ct.stride(), Ct.contiguous().stride(), C.view(2, 6).data_ptr() == C.data_ptr())
try:
    Ct.view(12)
except RuntimeError as e:
    print("view:", e)
print(Ct.reshape(12), Ct.flatten().is_contiguous(), C.permute(1, 0).equal(Ct), C.transpose(0, 1).shape)
print(C.unsqueeze(1).shape, C.unfold(1, 2, 2).shape, C.narrow(1, 1, 2), C.movedim(0, 1).shape)
try:
    C.view(5, -1)
except RuntimeError as e:
    print("view size:", e)
try:
    C.reshape(-1, -1)
except RuntimeError as e:
    print("reshape:", e)
# Q4 gather / scatter
scores = torch.tensor([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]])
target = torch.tensor([1, 0])
print(scores.gather(1, target.unsqueeze(1)).squeeze(1), scores[torch.arange(2), target])
onehot = torch.zeros(2, 3).scatter_(1, target.unsqueeze(1), 1.0)
print(onehot, torch.zeros(5).scatter_add_(0, torch.tensor([0, 1, 1, 4]), torch.ones(4)))
print(torch.zeros(2, 3).scatter_(1, torch.tensor([[2], [0]]), 7.5, reduce="add"))
print(torch.zeros(3).index_add_(0, torch.tensor([0, 2, 0]), torch.tensor([1.0, 2.0, 3.0])),
      torch.ones(4).scatter_reduce(0, torch.tensor([0, 0, 1, 1]), torch.tensor([5.0, 2.0, 3.0, 4.0]), "amax"))
print(torch.zeros(2, 2, dtype=torch.long).index_fill_(1, torch.tensor([1]), -1))
# Q5 masks, where, sorting
x = torch.randn(8)
print(x.masked_fill(x < 0, 0.0), torch.where(x > 0, x, 0.0), torch.where(x > 0, 1, -1))
vals, inds = x.topk(3)
print(vals, inds, x.topk(2, largest=False).indices, x.sort(descending=True).indices[:3])
print(x.argsort(stable=True)[:4], x.kthvalue(3))
t = torch.tensor([3, 1, 2, 3, 3, 1, 0])
print(t.unique(), t.unique(return_counts=True), t.unique(sorted=True, return_inverse=True)[1])
print(torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 1])), t.bincount(), t.sort(stable=True))
print(torch.searchsorted(torch.tensor([1, 3, 5, 7]), torch.tensor([0, 3, 6])), torch.bucketize(torch.tensor([2, 5]), torch.tensor([1, 5, 9]), right=True))
# Q6 einsum and joining
P, Q = torch.randn(2, 3), torch.randn(3, 4)
print(torch.allclose(torch.einsum("ik,kj->ij", P, Q), P @ Q), torch.einsum("ij->", P).shape, torch.einsum("i,j->ij", torch.arange(3), torch.arange(2)))
print(torch.cat([P, P], dim=1).shape, torch.stack([P, P], dim=2).shape, torch.vstack([P, P]).shape, torch.dstack([P, P]).shape)
print([c.shape for c in torch.arange(10).chunk(3)], [s.tolist() for s in torch.arange(7).split([2, 5])])
print([s.tolist() for s in torch.arange(7).split(3)], torch.arange(7).tensor_split(3), torch.arange(6).reshape(2, 3).unbind(1))
try:
    torch.arange(7).split([2, 4])
except RuntimeError as e:
    print("split:", e)
print(torch.arange(3).repeat_interleave(2), torch.arange(3).repeat(2), torch.meshgrid(torch.arange(2), torch.arange(3), indexing="ij")[1])
print(torch.tril(torch.ones(3, 3)), torch.triu(torch.ones(2, 3), diagonal=1), torch.diag(torch.tensor([1, 2])))
# Q7 dtype promotion
i, f, d, bo, u8 = torch.tensor([1, 2]), torch.tensor([1.0, 2.0]), torch.tensor([1.0], dtype=torch.float64), torch.tensor([True, False]), torch.tensor([200], dtype=torch.uint8)
print((i + f).dtype, (i + d).dtype, (f + d).dtype, (i * 2.5).dtype, (i / 2).dtype, (i // 2).dtype, (bo + bo).dtype, (bo + 1).dtype)
print((u8 + torch.tensor([1], dtype=torch.int8)).dtype, u8 + 100, (f + 1j).dtype, (i * True).dtype, (torch.tensor(1.0) + i).dtype)
print(torch.result_type(i, 1.0), torch.promote_types(torch.int32, torch.float16), torch.can_cast(torch.float32, torch.int32))
print(torch.tensor([-7, 7]) // 2, torch.tensor([-7, 7]) % 3, torch.div(torch.tensor([-7, 7]), 2, rounding_mode="trunc"), torch.tensor([5]) / torch.tensor([2]))
try:
    i ** -1
except RuntimeError as e:
    print("pow:", e)
try:
    i += 0.5
except RuntimeError as e:
    print("promotion:", e)
print(i.float().dtype, i.to(torch.float16), f.to(torch.int32), torch.tensor([2.7, -2.7]).long(), torch.tensor(3.7).int())
# Q8 autograd bookkeeping
w = torch.ones(3, requires_grad=True)
try:
    w.add_(1)
except RuntimeError as e:
    print("leaf:", e)
with torch.no_grad():
    w.mul_(2)
print(w, w.is_leaf, w.grad_fn)
v = w * 3
print(v.is_leaf, v.requires_grad, v.detach().requires_grad, v.clone().grad_fn, v.detach().data_ptr() == v.data_ptr())
u = torch.zeros(2).requires_grad_()
print(u, u.requires_grad_(False), u.requires_grad)
try:
    v.requires_grad_(False)
except RuntimeError as e:
    print("non-leaf:", e)
with torch.set_grad_enabled(False):
    print((w * 2).requires_grad, torch.is_grad_enabled())
print(torch.is_grad_enabled(), (w.detach() * 2).requires_grad)
e = w.expand(2, 3)
try:
    with torch.no_grad():
        e.add_(1)
except RuntimeError as err:
    print("expand:", str(err)[:80])
# Q9 printing
print(torch.arange(10, dtype=torch.int64) * 10 ** 10, torch.tensor([[True, False], [False, True]]))
print(torch.tensor([1.5, 2.25], dtype=torch.float64), torch.tensor([1e-5, 1e5], dtype=torch.float64), torch.tensor([0.1], dtype=torch.float64) * 3)
print(torch.randn(100, 100))
print(torch.arange(1500.0).reshape(3, 500))
torch.set_printoptions(threshold=5, edgeitems=2)
print(torch.arange(10), torch.arange(20).reshape(4, 5))
torch.set_printoptions(profile="default")
torch.set_printoptions(sci_mode=False)
print(torch.tensor([1e-6, 1.0, 1e6]))
torch.set_printoptions(sci_mode=None, linewidth=40)
print(torch.linspace(0, 1, 12))
torch.set_printoptions(profile="default")
print(torch.tensor([1 + 2j, -0.5j]), torch.tensor([1, 2], dtype=torch.int16), torch.empty(0, 3), torch.tensor([[]]))
