# Lab 5 - Autograd: the code cells of lab05_autograd.txt as one runnable script.
#
# This copy runs the lab on Ember: the only change from the seed script is
# `import torch` -> `import ember as torch` (swap it back to run on PyTorch).
# Plots use matplotlib's Agg backend and are saved as PNG files in
# $LAB05_PLOT_DIR (default: the current directory) instead of being shown.
# Cells that raise in current PyTorch are wrapped in try/except and print
# "ErrorClass: message", so the script runs to the end.
# Reference output: tests/data/lab05_autograd.torch-2.13.out (torch 2.13.0, CPU).

import os

import matplotlib
matplotlib.use("Agg")

import ember as torch

import matplotlib.pyplot as plt
import matplotlib.ticker as ticker
import math

torch.manual_seed(0)

PLOT_DIR = os.environ.get("LAB05_PLOT_DIR", ".")


def save_plot(name):
    plt.savefig(os.path.join(PLOT_DIR, name))
    plt.close()


# --- A Simple Example ---
a = torch.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
print(a)

b = torch.sin(a)
plt.figure()
plt.plot(a.detach(), b.detach())  # can't plot tensors that require grad: detach first
save_plot("lab05_plot1_sin.png")

print(b)

c = 2 * b
print(f'c = {c}')

d = c + 1
print(f'd = {d}')

out = d.sum()
print(out)

# --- Tracking the computations ---
print('d:')
print(d.grad_fn)
print(d.grad_fn.next_functions)
print(d.grad_fn.next_functions[0][0].next_functions)
print(d.grad_fn.next_functions[0][0].next_functions[0][0].next_functions)
print(d.grad_fn.next_functions[0][0].next_functions[0][0].next_functions[0][0].next_functions)
print('\nc:')
print(c.grad_fn)
print('\nb:')
print(b.grad_fn)
print('\na:')
print(a.grad_fn)

out.backward()
print(a.grad)
plt.figure()
plt.plot(a.detach(), a.grad.detach())
save_plot("lab05_plot2_grad.png")

# --- Exercise (Q4-Q10, answered) ---
# Q4: the floats 0..4, tracking history
x = torch.tensor([0., 1., 2., 3., 4.], requires_grad=True)

# Q5: y = x . x
y = torch.dot(x, x)
print(y)

# Q6-Q7: backpropagate and print the gradient
y.backward()
print(x.grad)

# Q9: plot x against its gradient
plt.figure()
plt.plot(x.detach(), x.grad.detach())
save_plot("lab05_plot3_exercise.png")

# Q10: dy/dx == 2x
print(x.grad == 2 * x)

# --- Autograd in NN Training ---
BATCH_SIZE = 16
DIM_IN = 1000
HIDDEN_SIZE = 100
DIM_OUT = 10


class TinyModel(torch.nn.Module):

    def __init__(self):
        super(TinyModel, self).__init__()

        self.layer1 = torch.nn.Linear(1000, 100)
        self.relu = torch.nn.ReLU()
        self.layer2 = torch.nn.Linear(100, 10)

    def forward(self, x):
        x = self.layer1(x)
        x = self.relu(x)
        x = self.layer2(x)
        return x


some_input = torch.randn(BATCH_SIZE, DIM_IN, requires_grad=False)
ideal_output = torch.randn(BATCH_SIZE, DIM_OUT, requires_grad=False)

model = TinyModel()

# --- Initial Parameter Values ---
print(f"Layer2 sample weights = \n{model.layer2.weight[0][0:10]}")  # just a small slice
print(f"Layer2 sample bias = \n{model.layer2.bias[0]}")  # just one bias

print("\nGradients:")
print(f"Weights = {model.layer2.weight.grad}")
print(f"Bias = {model.layer2.bias.grad}")

# --- Forward Pass & Loss Calculation ---
optimizer = torch.optim.SGD(model.parameters(), lr=0.001)

prediction = model(some_input)

loss = (ideal_output - prediction).pow(2).sum()  # MSE
print(loss)

# --- Backpropagating the Loss: backward() ---
loss.backward()
print("Parameters:")
print(f"Layer2 sample weights = {model.layer2.weight[0][0:10]}")
print(f"Layer2 sample bias = {model.layer2.bias[0]}")

print("\nGradients:")
print(f"Layer2 sample weight gradients = {model.layer2.weight.grad[0][0:10]}")
print(f"Layer2 sample bias gradient = {model.layer2.bias.grad[0]}")

# --- Updating the Parameters with the Optimiser: step() ---
optimizer.step()
print("Parameter updates:")
print(f"Layer2 weights = {model.layer2.weight[0][0:10]}")
print(f"Layer2 bias = {model.layer2.bias[0]}")

print("\nGradients:")
print(f"Layer2 weight gradients = {model.layer2.weight.grad[0][0:10]}")
print(f"Layer2 bias gradients = {model.layer2.bias.grad[0]}")

# --- Resetting the gradients: zero_grad() ---
print(f"Layer2 some weights: \n{model.layer2.weight[0][0:10]}")
print(f"Layer2 one bias: {model.layer2.bias[0]}")

for i in range(0, 5):
    prediction = model(some_input)
    loss = (ideal_output - prediction).pow(2).sum()
    loss.backward()

print("\nAfter a few iterations of training:")
print(f"Layer2 some weights GRADs: \n{model.layer2.weight.grad[0][0:10]}")
print(f"Layer2 one bias GRAD: {model.layer2.bias.grad[0]}")

optimizer.zero_grad()

print("\nAfter resetting gradients:")
# zero_grad() sets .grad to None by default (set_to_none=True since PyTorch 2.0),
# so indexing the gradient raises; the notebook cell stops at the first line.
try:
    print(f"Layer2 some weights = {model.layer2.weight.grad[0][0:10]}")
    print(f"Layer2 one bias = {model.layer2.bias.grad[0]}")
except Exception as e:
    print(f"{type(e).__name__}: {e}")

# --- Turning Autograd Off and On ---
a = torch.ones(2, 3, requires_grad=True)
print(f'a = {a}')

b1 = 2 * a
print(f'b1 = {b1}')

a.requires_grad = False
b2 = 2 * a
print(f'b2 = {b2}')

a = torch.ones(2, 3, requires_grad=True) * 2
b = torch.ones(2, 3, requires_grad=True) * 3

c1 = a + b
print(f"c1: \n{c1}")

with torch.no_grad():
    c2 = a + b

print(f"c2: \n{c2}")

c3 = a * b
print(f"c3: \n{c3}")


def add_tensors1(x, y):
    return x + y


@torch.no_grad()
def add_tensors2(x, y):
    return x + y


a = torch.ones(2, 3, requires_grad=True) * 2
b = torch.ones(2, 3, requires_grad=True) * 3

c1 = add_tensors1(a, b)
print(c1)

c2 = add_tensors2(a, b)
print(c2)

x = torch.rand(5, requires_grad=True)
y = x.detach()

print(x)
print(y)
