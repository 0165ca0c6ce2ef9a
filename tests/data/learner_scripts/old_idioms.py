# Idioms from older PyTorch: Variable, .data, FloatTensor, .type(), numpy round trips.
import numpy as np
import torch
from torch.autograd import Variable

a = torch.FloatTensor([[1, 2], [3, 4]])
b = torch.LongTensor([1, 0])
c = torch.Tensor(2, 3).zero_()
d = torch.IntTensor(3).fill_(7)
print(a, b, c, d)
print(a.type(), b.type(), torch.DoubleTensor([1.5]).type(), torch.ByteTensor([1, 2]))
print(torch.BoolTensor([True, False]), torch.HalfTensor([1.5]), torch.CharTensor([-1]))
print(a.type(torch.LongTensor), a.type("torch.IntTensor"), a.type(torch.float64).dtype)
print(a.long(), a.int().dtype, a.double(), a.half(), a.byte(), a.bool(), a.char().dtype, a.short().dtype)
dtype = torch.cuda.FloatTensor if torch.cuda.is_available() else torch.FloatTensor
print(torch.ones(2, dtype=torch.long).type(dtype), dtype.__name__)
v = Variable(a, requires_grad=True)
print(v, type(v).__name__, v.requires_grad)
out = (v * v).sum()
out.backward()
print(v.grad, v.grad.data, v.data)
print(Variable(torch.ones(2)).requires_grad, v.data.requires_grad)
x = np.arange(6, dtype=np.float64).reshape(2, 3)
t = torch.from_numpy(x)
t[0, 0] = 100
print(x[0, 0], t.dtype, t.numpy() is x, np.shares_memory(t.numpy(), x))
t2 = torch.tensor(x)
t2[0, 1] = -1
print(x[0, 1], torch.as_tensor(x).data_ptr() == t.data_ptr())
print(torch.Tensor(x).dtype, torch.FloatTensor(x).dtype, torch.tensor(x, dtype=torch.float32))
print(torch.tensor(np.float64(3.5)), torch.tensor(np.int64(3)).dtype, torch.tensor(np.float32(2)).dtype)
print(torch.ones(3) + np.float64(1.0), (torch.ones(3) * np.float64(2)).dtype)
print(torch.ones(3, dtype=torch.float64) * np.float32(2), np.float64(2.0) * torch.ones(2))
print(type(np.float64(2.0) * torch.ones(2)).__name__, type(torch.ones(2) * np.float64(2)).__name__)
print(torch.tensor([np.float64(1.0), 2]), torch.tensor([1, 2.5, True]))
print(torch.tensor([[1, 2], [3, 4]]).numpy().dtype, torch.zeros(2, dtype=torch.bool).numpy())
print(torch.ones(2).numpy(), torch.arange(3).numpy(), torch.ones(2).tolist())
print(float(torch.tensor(2.5)), int(torch.tensor(3.9)), bool(torch.tensor(0.)))
print(torch.tensor([3]).item(), torch.tensor(2.0) == 2.0, 2 in torch.tensor([1, 2]))
y = torch.arange(10)
print(y[y > 5], y[[1, 3]], y[torch.tensor([True] * 5 + [False] * 5)])
try:
    torch.tensor([torch.tensor(1.0), torch.tensor(2.0)])
    print("list of 0-d tensors ok")
except Exception as e:
    print(type(e).__name__, e)
try:
    torch.tensor([torch.ones(2), torch.ones(2)])
except Exception as e:
    print(type(e).__name__, e)
print(torch.stack([torch.ones(2), torch.zeros(2)]), torch.tensor([t.item() for t in [torch.tensor(1.), torch.tensor(2.)]]))
try:
    torch.ones(2, requires_grad=True).numpy()
except Exception as e:
    print(type(e).__name__, e)
print(torch.ones(2, requires_grad=True).detach().numpy())
try:
    torch.tensor([1, 2]) + torch.tensor([1, 2, 3])
except Exception as e:
    print(type(e).__name__, e)
try:
    torch.ones(2, 3) @ torch.ones(2, 3)
except Exception as e:
    print(type(e).__name__, e)
try:
    torch.ones(2).view(3)
except Exception as e:
    print(type(e).__name__, e)
try:
    torch.ones(2, 3).t().view(-1)
except Exception as e:
    print(type(e).__name__, e)
print(torch.ones(2, 3).t().reshape(-1).shape, torch.ones(2, 3).t().is_contiguous())
print(torch.Tensor([1, 2]).data, torch.Tensor(), torch.Tensor().shape, torch.LongTensor().dtype)
print(torch.FloatTensor(2, 2).shape, torch.zeros_like(a).type(), torch.randn(2).new_zeros(3))
print(a.size(), a.size(0), a.shape[1], a.dim(), a.ndimension(), a.nelement(), a.numel(), len(a))
