"""Helpers shared by the nn.Module API case files (module_api_*.py): each
file's build(T) gives its cases bound to one library, ember or torch, and
test_module_mechanics.py compares what they return or raise."""


def helpers(T):
    """(case decorator and its list, tdesc, lin, net) bound to the library T."""
    nn = T.nn
    cases = []

    def case(f):
        cases.append(f)
        return f

    def tdesc(v):
        """A tensor as type/dtype/shape/requires_grad/grad_fn/first values."""
        if v is None:
            return None
        if isinstance(v, T.Tensor):
            g = type(v.grad_fn).__name__ if v.grad_fn is not None else None
            if v.is_meta:
                vals = "meta"
            else:
                vals = [complex(round(x.real, 4), round(x.imag, 4)) if isinstance(x, complex)
                        else round(x, 4) for x in v.detach().flatten()[:4].tolist()]
            return f"{type(v).__name__}/{v.dtype}/{tuple(v.shape)}/{v.requires_grad}/{g}/{vals}"
        if isinstance(v, (tuple, list)):
            return type(v)(tdesc(x) for x in v)
        return repr(v)

    def lin():
        T.manual_seed(0)
        return nn.Linear(3, 2)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(3, 4)
            self.b = nn.Sequential(nn.ReLU(), nn.Linear(4, 2))
            self.register_buffer('rb', T.ones(2))
            self.register_buffer('np', T.zeros(1), persistent=False)

        def forward(self, x):
            return self.b(self.a(x)) + self.rb

    def net():
        T.manual_seed(0)
        return Net()

    return case, cases, tdesc, lin, net
