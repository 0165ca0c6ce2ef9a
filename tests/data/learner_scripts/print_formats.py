# How learners print: f-strings, %-formatting, round(), reprs of tensors, models, optimizers.
import math
import torch
import torch.nn as nn

torch.manual_seed(0)
loss = torch.tensor(0.123456789, requires_grad=True) * 2
print(loss)
print(f"{loss}")
print(f"{loss:.4f}", "%.3f" % loss, "{:.2e}".format(loss.item()), round(loss.item(), 4))
print(f"{loss.item():>10.3f}|", str(loss), repr(loss.detach()))
x = torch.randn(3, 4)
print(f"{x}")
print("x = %s" % x[0])
print(x.tolist()[0][:2], x[0, 0].item(), type(x[0, 0].item()).__name__)
print(torch.tensor([1e-8, 1.0]), torch.tensor([1e10, 1.0]), torch.tensor([123456.7, 0.1]))
print(torch.tensor([1.0, float("nan"), float("inf")]), torch.tensor([-0.0, 0.5]))
print(torch.arange(12).reshape(3, 4), torch.tensor([True, False]))
print(torch.zeros(2, 0), torch.ones(1, 1, 1), torch.tensor(5), torch.tensor([]))
print(torch.randn(2, 2, dtype=torch.float64), torch.tensor([1, 2], dtype=torch.int8))
print(torch.linspace(0, 1, 5), torch.logspace(0, 2, 3), torch.arange(0, 1, 0.25))
print(torch.randn(20))
print(torch.arange(2000))
print(torch.eye(3) * math.pi)
torch.set_printoptions(precision=2)
print(x)
torch.set_printoptions(profile="default")
print(torch.tensor([0.1, 0.25]) * 3)
v = torch.tensor(3.14159)
print("%.2f" % v, "{:.1f}".format(v), f"{v:.3f}", int(v), float(v), format(v, ".2f"))
try:
    print(f"{torch.ones(2):.2f}")
except TypeError as e:
    print("TypeError", e)
print(f"{torch.tensor([1.5]).item():.1f}", f"{torch.tensor(7)}", f"{torch.tensor(7):d}")
model = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(8),
                      nn.ReLU(inplace=True), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
                      nn.Linear(8, 2), nn.LogSoftmax(dim=1))
print(model)
print(nn.LSTM(10, 20, 2, dropout=0.1), nn.Embedding(100, 8, padding_idx=0), nn.GRU(3, 4, bidirectional=True))
print(nn.TransformerEncoderLayer(8, 2), nn.MaxPool2d(2, 2), nn.Dropout(p=0.2), nn.Identity())
print(nn.ModuleList([nn.Linear(2, 2)] * 2), nn.ModuleDict({"a": nn.Tanh()}))
print(nn.ParameterList([nn.Parameter(torch.ones(2))]))
print(nn.Parameter(torch.ones(2)), nn.Linear(2, 1).weight)
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=5e-4)
print(opt)
print(torch.optim.Adam(model.parameters()), torch.optim.Adagrad(model.parameters(), lr=0.1))
print(torch.optim.lr_scheduler.StepLR(opt, 5))
print(loss.grad_fn, loss.grad_fn.next_functions)
print(x.shape, x.size(), tuple(x.shape), list(x.shape), x.shape == (3, 4), x.dtype, str(x.dtype))
print(torch.float32, torch.long, torch.get_default_dtype(), torch.device("cpu"))
print(torch.Size([2, 3]), torch.Size([2, 3]).numel(), type(x.shape).__name__)
print(torch.finfo(torch.float32).eps, torch.iinfo(torch.int64).max, torch.finfo(torch.float16))
