"""Autograd's refusals around in-place changes (backward twice, .grad of a
non-leaf, retain_grad, requires_grad_, assigning .grad and .data, set_,
resize_, detach_), shared by tests/test_inplace_sweep.py: each case is
f(T, rep) as in inplace_cases.py."""
from inplace_cases import X, step, weights


def cases():
    c = {}
    # misc autograd refusals
    def bw_twice(T, rep, fn):
        x = T.tensor(X, requires_grad=True)
        y = fn(x).sum()
        step(rep, "bw1", lambda: y.backward())
        step(rep, "bw2", lambda: y.backward())
        rep("x", x)
    TWICE = {"exp": lambda x: x.exp(), "add": lambda x: x + 1, "mul_scalar": lambda x: x * 2,
             "mul": lambda x: x * x, "view": lambda x: x.view(6), "sum": lambda x: x,
             "neg": lambda x: -x, "sin": lambda x: x.sin(), "relu": lambda x: x.relu(),
             "index": lambda x: x[0], "mean": lambda x: x.mean(), "clone": lambda x: x.clone(),
             "t": lambda x: x.t(), "expand": lambda x: x[0:1].expand(3, 3),
             "pow": lambda x: x ** 2, "div_scalar": lambda x: x / 2, "matmul": lambda x: x @ x.t(),
             "cat": lambda x: T_cat(x), "abs": lambda x: x.abs(), "setitem": lambda x: set_item(x)}
    for n, fn in TWICE.items():
        c[f"twice/{n}"] = lambda T, rep, fn=fn: bw_twice(T, rep, fn)

    def twice_retain(T, rep):
        x = T.tensor(X, requires_grad=True)
        y = x.exp().sum()
        step(rep, "bw1", lambda: y.backward(retain_graph=True))
        step(rep, "bw2", lambda: y.backward())
        step(rep, "bw3", lambda: y.backward())
        rep("x", x)
    c["twice/retain"] = twice_retain

    def twice_grad(T, rep):
        x = T.tensor(X, requires_grad=True)
        y = x.exp().sum()
        step(rep, "g1", lambda: T.autograd.grad(y, x))
        step(rep, "g2", lambda: T.autograd.grad(y, x))
    c["twice/grad"] = twice_grad

    def twice_saved_access(T, rep):
        x = T.tensor(X, requires_grad=True)
        y = x.exp()
        y.sum().backward()
        step(rep, "res", lambda: y.grad_fn._saved_result)
    c["twice/saved_access"] = twice_saved_access

    def nonleaf_grad(T, rep):
        x = T.tensor(X, requires_grad=True)
        y = x * 2
        y.sum().backward()
        rep("ygrad", y.grad)
    c["misc/nonleaf_grad"] = nonleaf_grad

    def nonleaf_grad_retained(T, rep):
        x = T.tensor(X, requires_grad=True)
        y = x * 2
        y.retain_grad()
        rep("retains", y.retains_grad)
        y.sum().backward()
        rep("ygrad", y.grad)
        rep("y", y)
    c["misc/nonleaf_grad_retained"] = nonleaf_grad_retained

    def leaf_retain(T, rep):
        x = T.tensor(X, requires_grad=True)
        step(rep, "rg", lambda: x.retain_grad())
        rep("retains", x.retains_grad)
        x.sum().backward()
        rep("x", x)
    c["misc/leaf_retain"] = leaf_retain

    def noreq_retain(T, rep):
        x = T.tensor(X)
        step(rep, "rg", lambda: x.retain_grad())
        rep("x", x)
    c["misc/noreq_retain"] = noreq_retain

    def retain_then_inplace(T, rep):
        x = T.tensor(X, requires_grad=True)
        y = x * 2
        y.retain_grad()
        y.add_(1)
        (y * weights(T, y)).sum().backward()
        rep("y", y); rep("x", x); rep("retains", y.retains_grad)
    c["misc/retain_then_inplace"] = retain_then_inplace

    RG = {
        "nonleaf_true": lambda T: (T.tensor(X, requires_grad=True) * 2).requires_grad_(),
        "nonleaf_false": lambda T: (T.tensor(X, requires_grad=True) * 2).requires_grad_(False),
        "int": lambda T: T.tensor([1, 2]).requires_grad_(),
        "int_false": lambda T: T.tensor([1, 2]).requires_grad_(False),
        "bool": lambda T: T.tensor([True]).requires_grad_(),
        "int_ctor": lambda T: T.tensor([1, 2], requires_grad=True),
        "int_attr": lambda T: setattr(T.tensor([1, 2]), "requires_grad", True),
        "int_ones": lambda T: T.ones(2, dtype=T.int64, requires_grad=True),
        "complex": lambda T: T.tensor([1j]).requires_grad_(),
        "leaf_false": lambda T: T.tensor(X, requires_grad=True).requires_grad_(False),
        "nonleaf_attr_false": lambda T: setattr(T.tensor(X, requires_grad=True) * 2, "requires_grad", False),
        "half": lambda T: T.ones(2, dtype=T.float16).requires_grad_(),
        "uint8": lambda T: T.ones(2, dtype=T.uint8).requires_grad_(),
        "arg_str": lambda T: T.ones(2).requires_grad_("yes"),
        "arg_none": lambda T: T.ones(2).requires_grad_(None),
        "detach_leaf": lambda T: T.tensor(X, requires_grad=True).detach_(),
        "detach_nonleaf": lambda T: (T.tensor(X, requires_grad=True) * 2).detach_(),
        "detach_view": lambda T: (T.tensor(X, requires_grad=True) * 2)[0].detach_(),
        "detach_view_leaf": lambda T: T.tensor(X, requires_grad=True)[0].detach_(),
        "detach_view_nograd": lambda T: T.tensor(X)[0].detach_(),
    }
    for n, f in RG.items():
        c[f"requires_grad/{n}"] = lambda T, rep, f=f: rep("r", f(T))

    GRADSET = {
        "shape": lambda T, x: setattr(x, "grad", T.zeros(3, 2)),
        "shape_same_numel": lambda T, x: setattr(x, "grad", T.zeros(6)),
        "dtype": lambda T, x: setattr(x, "grad", T.zeros(2, 3, dtype=T.float64)),
        "int": lambda T, x: setattr(x, "grad", T.zeros(2, 3, dtype=T.int64)),
        "ok": lambda T, x: setattr(x, "grad", T.ones(2, 3)),
        "none": lambda T, x: setattr(x, "grad", None),
        "self": lambda T, x: setattr(x, "grad", x),
        "list": lambda T, x: setattr(x, "grad", [1.0]),
        "scalar": lambda T, x: setattr(x, "grad", T.tensor(1.0)),
        "rg": lambda T, x: setattr(x, "grad", T.ones(2, 3, requires_grad=True)),
        "then_bw": lambda T, x: (setattr(x, "grad", T.ones(2, 3)), x.exp().sum().backward()),
        "del": lambda T, x: delattr(x, "grad"),
        "expanded_then_bw": lambda T, x: (setattr(x, "grad", T.ones(1, 3).expand(2, 3)), (x * 2).sum().backward()),
        "grad_inplace": lambda T, x: ((x * 2).sum().backward(), x.grad.add_(1)),
        "grad_zero": lambda T, x: ((x * 2).sum().backward(), x.grad.zero_()),
    }
    for n, f in GRADSET.items():
        def gs(T, rep, f=f):
            x = T.tensor(X, requires_grad=True)
            step(rep, "op", lambda: f(T, x))
            rep("x", x)
        c[f"gradset/{n}"] = gs

        def gs_nonleaf(T, rep, f=f):
            x = T.tensor(X, requires_grad=True) * 1
            step(rep, "op", lambda: f(T, x))
            rep("x", x)
        c[f"gradset_nonleaf/{n}"] = gs_nonleaf

    # .data, set_, resize_
    DATA = {
        "data_assign": lambda T, x: setattr(x, "data", T.zeros(2, 3)),
        "data_assign_shape": lambda T, x: setattr(x, "data", T.zeros(4)),
        "data_assign_dtype": lambda T, x: setattr(x, "data", T.zeros(2, 3, dtype=T.float64)),
        "data_assign_int": lambda T, x: setattr(x, "data", T.zeros(2, dtype=T.int64)),
        "data_assign_list": lambda T, x: setattr(x, "data", [1.0]),
        "data_inplace": lambda T, x: x.data.add_(1),
        "data_zero": lambda T, x: x.data.zero_(),
        "data_setitem": lambda T, x: x.data.__setitem__(0, 5.0),
        "data_mul_ver": lambda T, x: x.data.mul_(2),
        "detach_inplace": lambda T, x: x.detach().add_(1),
        "set_t": lambda T, x: x.set_(T.zeros(3)),
        "set_nograd": lambda T, x: no_grad_do(T, lambda: x.set_(T.zeros(3))),
        "set_empty": lambda T, x: x.set_(),
        "resize": lambda T, x: x.resize_(3),
        "resize_nograd": lambda T, x: no_grad_do(T, lambda: x.resize_(3)),
        "resize_same": lambda T, x: x.resize_(2, 3),
        "resize_as": lambda T, x: x.resize_as_(T.zeros(6)),
        "copy_self": lambda T, x: x.copy_(x),
        "copy_nograd": lambda T, x: no_grad_do(T, lambda: x.copy_(T.zeros(2, 3))),
        "zero_nograd": lambda T, x: no_grad_do(T, lambda: x.zero_()),
        "fill_nograd": lambda T, x: no_grad_do(T, lambda: x.fill_(2)),
        "setitem_nograd": lambda T, x: no_grad_do(T, lambda: x.__setitem__(0, 2.)),
        "setitem": lambda T, x: x.__setitem__(0, 2.),
        "setitem_adv": lambda T, x: x.__setitem__(T.tensor([0]), 2.),
        "setitem_mask": lambda T, x: x.__setitem__(x > 0.4, 2.),
        "iadd": lambda T, x: x.__iadd__(1),
        "iadd_nograd": lambda T, x: no_grad_do(T, lambda: x.__iadd__(1)),
        "imatmul": lambda T, x: x.__imatmul__(T.ones(3, 3)),
        "requires_grad_false_then_add": lambda T, x: (x.requires_grad_(False), x.add_(1)),
        "t_": lambda T, x: x.t_(),
        "squeeze_": lambda T, x: x.unsqueeze_(0),
    }
    for n, f in DATA.items():
        def dc(T, rep, f=f):
            x = T.tensor(X, requires_grad=True)
            step(rep, "op", lambda: f(T, x))
            rep("x", x)
            step(rep, "bw", lambda: (x * 2).sum().backward())
            rep("x2", x)
        c[f"data/{n}"] = dc

        def dcn(T, rep, f=f):
            x0 = T.tensor(X, requires_grad=True)
            x = x0 * 1
            z = x.exp()
            step(rep, "op", lambda: f(T, x))
            rep("x", x)
            step(rep, "bw", lambda: (x * 2).sum().backward())
            rep("x0", x0)
            step(rep, "bwz", lambda: z.sum().backward())
            rep("x0b", x0)
        c[f"data_nonleaf/{n}"] = dcn

    # base of several views / _base after ops
    def bases(T, rep):
        x = T.tensor(X, requires_grad=True)
        y = x * 1
        v = y[0]
        w = v[1:]
        rep("wbase", w._base is y)
        w.mul_(3)
        rep("w", w); rep("v", v); rep("y", y)
        (y * weights(T, y)).sum().backward()
        rep("x", x)
    c["misc/view_of_view_base"] = bases

    def two_views(T, rep):
        x = T.tensor(X, requires_grad=True)
        y = x * 1
        a, b = y[0], y[:, 0]
        a.mul_(2)
        rep("b", b)
        b.add_(1)
        rep("a", a); rep("y", y)
        (y * weights(T, y)).sum().backward()
        rep("x", x)
    c["misc/two_views"] = two_views

    def unbind_base_changed(T, rep):
        x = T.tensor(X, requires_grad=True)
        y = x * 1
        a = y.unbind(0)[0]
        y.add_(1)
        step(rep, "fn", lambda: a.grad_fn)
        step(rep, "bw", lambda: a.sum().backward())
    c["misc/unbind_base_changed"] = unbind_base_changed

    def unbind_nograd_base(T, rep):
        x = T.tensor(X, requires_grad=True)
        y = x * 1
        with T.no_grad():
            a = y.unbind(0)[0]
        step(rep, "op", lambda: a.add_(1))
        rep("a", a)
    c["misc/unbind_nograd"] = unbind_nograd_base

    def custom_fn_name(T, rep):
        class F(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * 2
            @staticmethod
            def backward(ctx, g):
                x, = ctx.saved_tensors
                return g * 2
        x = T.tensor(X, requires_grad=True)
        y = x * 1
        z = F.apply(y)
        y.add_(1)
        step(rep, "bw", lambda: z.sum().backward())
        w = F.apply(x)
        w2 = w.sin()
        w.add_(1)
        step(rep, "bw2", lambda: w2.sum().backward())
    c["misc/custom_fn"] = custom_fn_name

    def version_props(T, rep):
        x = T.tensor(X)
        v = x[0]
        x.add_(1); v.mul_(2); x[1] = 3.0
        rep("x", x); rep("v", v)
        y = x.detach(); y.add_(1)
        rep("xv", x._version)
        z = x.clone(); rep("z", z)
        x.data.add_(1)
        rep("x2", x)
    c["misc/versions"] = version_props

    def out_version(T, rep):
        o = T.zeros(3)
        T.add(T.ones(3), 1, out=o)
        rep("o", o)
        T.add(T.ones(3), 1, out=o[:2].view(2)) if False else None
        T.sum(T.ones(2, 3), 0, out=o)
        rep("o2", o)
        T.sin(T.ones(4), out=o)
        rep("o3", o)
    c["misc/out_version"] = out_version
    return c


def T_cat(x):
    import importlib
    T = importlib.import_module(type(x).__module__.split(".")[0])
    return T.cat([x, x])


def set_item(x):
    y = x * 1
    y[0] = 5.0
    return y


def no_grad_do(T, f):
    with T.no_grad():
        return f()
