"""In-place changes in the situations autograd treats apart (views of all
kinds, made with and without grad; saved values; dtype, shape and overlap
conflicts; out=), shared by tests/test_inplace_sweep.py: each case is
f(T, rep) as in inplace_cases.py."""
from inplace_cases import X, step, weights

VIEWS = {
    "slice": lambda T, x: x[:, 1:],
    "view": lambda T, x: x.view(3, 2),
    "t": lambda T, x: x.t(),
    "expand": lambda T, x: x[0:1].expand(2, 3),
    "unbind": lambda T, x: x.unbind()[1],
    "split": lambda T, x: x.split(1)[0],
    "chunk": lambda T, x: x.chunk(2, 1)[1],
    "diagonal": lambda T, x: x.diagonal(),
    "select": lambda T, x: x.select(1, 2),
    "as_strided": lambda T, x: x.as_strided((2, 2), (3, 1), 1),
    "view_of_view": lambda T, x: x[1:][:, ::2],
    "narrow": lambda T, x: x.narrow(1, 0, 2),
    "permute": lambda T, x: x.permute(1, 0),
    "unsqueeze": lambda T, x: x.unsqueeze(0),
    "flatten": lambda T, x: x.flatten(),
    "detach": lambda T, x: x.detach(),
    "unfold": lambda T, x: x.unfold(1, 2, 1),
}
INPL = {
    "add_": lambda T, v: v.add_(1.0),
    "mul_": lambda T, v: v.mul_(2.0),
    "zero_": lambda T, v: v.zero_(),
    "copy_": lambda T, v: v.copy_(T.full(v.shape, 3.0)),
    "setitem": lambda T, v: v.__setitem__(0, 7.0),
    "iadd": lambda T, v: v.__iadd__(2.0),
    "exp_": lambda T, v: v.exp_(),
}


def cases():
    c = {}
    for vn, vf in VIEWS.items():
        for on, of in INPL.items():
            def leafv(T, rep, vf=vf, of=of):
                x = T.tensor(X, requires_grad=True)
                v = vf(T, x)
                step(rep, "op", lambda: of(T, v))
                rep("x", x); rep("v", v)
            c[f"view_leaf/{vn}/{on}"] = leafv

            def nonleafv(T, rep, vf=vf, of=of):
                x = T.tensor(X, requires_grad=True)
                y = x * 1
                v = vf(T, y)
                step(rep, "op", lambda: of(T, v))
                rep("v", v); rep("y", y); rep("base_is_y", v._base is y)
                step(rep, "bw", lambda: (y * weights(T, y)).sum().backward())
                rep("x", x)
            c[f"view_nonleaf/{vn}/{on}"] = nonleafv

            def nonleafv_bw_view(T, rep, vf=vf, of=of):
                x = T.tensor(X, requires_grad=True)
                y = x * 1
                v = vf(T, y)
                step(rep, "op", lambda: of(T, v))
                step(rep, "bw", lambda: (v * weights(T, v)).sum().backward())
                rep("x", x)
            c[f"view_nonleaf_bwv/{vn}/{on}"] = nonleafv_bw_view

            def base_changed(T, rep, vf=vf, of=of):
                x = T.tensor(X, requires_grad=True)
                y = x * 1
                v = vf(T, y)
                step(rep, "op", lambda: of(T, y))
                rep("v", v)
                step(rep, "bw", lambda: (v * weights(T, v)).sum().backward())
                rep("x", x)
            c[f"base_changed/{vn}/{on}"] = base_changed

        def nograd_view(T, rep, vf=vf):
            x = T.tensor(X, requires_grad=True)
            y = x * 1
            with T.no_grad():
                v = vf(T, y)
            rep("v0", v)
            step(rep, "op", lambda: v.mul_(2.0))
            rep("v", v); rep("y", y)
            step(rep, "bw", lambda: (y * weights(T, y)).sum().backward())
            rep("x", x)
        c[f"nograd_view/{vn}"] = nograd_view

        def nograd_view_leaf(T, rep, vf=vf):
            x = T.tensor(X, requires_grad=True)
            with T.no_grad():
                v = vf(T, x)
            step(rep, "op", lambda: v.mul_(2.0))
            rep("v", v); rep("x", x)
        c[f"nograd_view_leaf/{vn}"] = nograd_view_leaf

        def view_modified_nograd(T, rep, vf=vf):
            x = T.tensor(X, requires_grad=True)
            y = x * 1
            v = vf(T, y)
            with T.no_grad():
                step(rep, "op", lambda: v.mul_(2.0))
            rep("v", v); rep("y", y)
            step(rep, "bw", lambda: (y * weights(T, y)).sum().backward())
            rep("x", x)
        c[f"view_modified_nograd/{vn}"] = view_modified_nograd

        def leafview_modified_nograd(T, rep, vf=vf):
            x = T.tensor(X, requires_grad=True)
            v = vf(T, x)
            with T.no_grad():
                step(rep, "op", lambda: v.mul_(2.0))
            rep("v", v); rep("x", x)
            step(rep, "bw", lambda: (v * weights(T, v)).sum().backward())
            rep("x2", x)
        c[f"leafview_modified_nograd/{vn}"] = leafview_modified_nograd

        def inference_view(T, rep, vf=vf):
            y = T.tensor(X)
            with T.inference_mode():
                v = vf(T, y)
            step(rep, "op", lambda: v.mul_(2.0))
            rep("v", v); rep("y", y)
        c[f"inference_view/{vn}"] = inference_view

        def inference_tensor(T, rep, vf=vf):
            with T.inference_mode():
                y = T.tensor(X)
                v = vf(T, y)
            step(rep, "op", lambda: v.mul_(2.0))
            step(rep, "op2", lambda: y.add_(1))
            rep("v", v); rep("y", y)
        c[f"inference_tensor/{vn}"] = inference_tensor

    # a tensor that does not require grad takes a value that does
    SOURCES = {
        "add_": lambda T, t, x: t.add_(x),
        "mul_": lambda T, t, x: t.mul_(x),
        "copy_": lambda T, t, x: t.copy_(x),
        "setitem": lambda T, t, x: t.__setitem__(slice(None), x),
        "addcmul_": lambda T, t, x: t.addcmul_(x, x),
        "lerp_": lambda T, t, x: t.lerp_(x, 0.5),
        "index_add_": lambda T, t, x: t.index_add_(0, T.tensor([0]), x[None]),
        "masked_scatter_": lambda T, t, x: t.masked_scatter_(T.tensor([True, False, True]), x),
        "where_out": lambda T, t, x: T.where(T.tensor([True, False, True]), x, t, out=t),
    }
    for on, of in SOURCES.items():
        def plain(T, rep, of=of):
            x = T.tensor([0.5, 2.0, 3.0], requires_grad=True)
            t = T.ones(3)
            step(rep, "op", lambda: of(T, t, x))
            rep("t", t)
            step(rep, "bw", lambda: (t * T.tensor([1.0, 2.0, 3.0])).sum().backward())
            rep("x", x)
        c[f"grad_source/{on}"] = plain

        def through_view(T, rep, of=of):
            x = T.tensor([0.5, 2.0, 3.0], requires_grad=True)
            buf = T.ones(2, 3)
            step(rep, "op", lambda: of(T, buf[0], x))
            rep("buf", buf)
            step(rep, "bw", lambda: (buf * T.arange(6.0).view(2, 3)).sum().backward())
            rep("x", x)
        c[f"grad_source_view/{on}"] = through_view

    def premade_view(T, rep):
        x = T.tensor([0.5, 2.0, 3.0], requires_grad=True)
        buf = T.ones(2, 3)
        whole = buf[:]
        buf[0] = x
        rep("whole", whole)
        step(rep, "bw", lambda: (whole * T.arange(6.0).view(2, 3)).sum().backward())
        rep("x", x)
    c["grad_source_premade_view"] = premade_view

    # complex real/imag views
    for part in ("real", "imag"):
        for on, of in INPL.items():
            def cplx(T, rep, part=part, of=of):
                x = T.tensor([1 + 2j, 3 - 1j], requires_grad=True)
                y = x * 1
                v = getattr(y, part)
                step(rep, "op", lambda: of(T, v))
                rep("v", v); rep("y", y)
                step(rep, "bw", lambda: (y.abs() * T.tensor([1.0, 2.0])).sum().backward())
                rep("x", x)
            c[f"complex/{part}/{on}"] = cplx

            def cplx_leaf(T, rep, part=part, of=of):
                x = T.tensor([1 + 2j, 3 - 1j], requires_grad=True)
                v = getattr(x, part)
                step(rep, "op", lambda: of(T, v))
                rep("v", v); rep("x", x)
            c[f"complex_leaf/{part}/{on}"] = cplx_leaf

    # saved values: version numbers
    SAVERS = {"exp_out": lambda y: y.exp(), "sin_in": lambda y: y.sin(), "mul_in": lambda y: y * y,
              "pow_in": lambda y: y ** 2, "sigmoid_out": lambda y: y.sigmoid(),
              "tanh_out": lambda y: y.tanh(), "relu_out": lambda y: y.relu(),
              "add_none": lambda y: y + 1, "view_none": lambda y: y.view(6),
              "sum_none": lambda y: y.sum(), "matmul_in": lambda y: y @ y.t(),
              "div_in": lambda y: 1 / y, "sqrt_out": lambda y: y.sqrt(),
              "index_in": lambda y: y[0], "clone": lambda y: y.clone()}
    for sn, sf in SAVERS.items():
        for times in (1, 2):
            def saved(T, rep, sf=sf, times=times):
                x = T.tensor(X, requires_grad=True)
                y = x * 1
                z = sf(y)
                for _ in range(times):
                    y.add_(1)
                rep("y", y)
                step(rep, "bw", lambda: z.sum().backward())
                rep("x", x)
            c[f"saved/{sn}/{times}"] = saved

            def saved_out_changed(T, rep, sf=sf, times=times):
                x = T.tensor(X, requires_grad=True)
                y = x * 1
                z = sf(y)
                for _ in range(times):
                    step(rep, "op", lambda: z.mul_(2))
                rep("z", z)
                step(rep, "bw", lambda: z.sum().backward())
                rep("x", x)
            c[f"saved_out_changed/{sn}/{times}"] = saved_out_changed

    # dtype, shape, overlap conflicts
    CONFLICTS = {
        "int_add_float": (lambda T: T.tensor([1, 2, 3]), lambda T, a: a.add_(1.5)),
        "int_mul_float_t": (lambda T: T.tensor([1, 2, 3]), lambda T, a: a.mul_(T.ones(3))),
        "int_div": (lambda T: T.tensor([1, 2, 3]), lambda T, a: a.div_(2)),
        "int_itruediv": (lambda T: T.tensor([1, 2, 3]), lambda T, a: a.__itruediv__(2)),
        "bool_add": (lambda T: T.tensor([True, False]), lambda T, a: a.add_(1)),
        "float_add_complex": (lambda T: T.ones(3), lambda T, a: a.add_(1j)),
        "float_add_cplx_t": (lambda T: T.ones(3), lambda T, a: a.add_(T.ones(3, dtype=T.complex64))),
        "int_sqrt": (lambda T: T.tensor([1, 4]), lambda T, a: a.sqrt_()),
        "int_sin": (lambda T: T.tensor([1, 4]), lambda T, a: a.sin_()),
        "int_pow_float": (lambda T: T.tensor([1, 4]), lambda T, a: a.pow_(0.5)),
        "float_add_double": (lambda T: T.ones(3), lambda T, a: a.add_(T.ones(3, dtype=T.float64))),
        "shape_grow": (lambda T: T.ones(3), lambda T, a: a.add_(T.ones(2, 3))),
        "shape_grow2": (lambda T: T.ones(1, 3), lambda T, a: a.mul_(T.ones(2, 1))),
        "shape_bad": (lambda T: T.ones(3), lambda T, a: a.add_(T.ones(4))),
        "copy_shape": (lambda T: T.ones(3), lambda T, a: a.copy_(T.ones(2, 3))),
        "copy_bad": (lambda T: T.ones(3), lambda T, a: a.copy_(T.ones(4))),
        "expand_add": (lambda T: T.ones(1, 3), lambda T, a: a.expand(3, 3).add_(1)),
        "expand_zero": (lambda T: T.ones(1, 3), lambda T, a: a.expand(3, 3).zero_()),
        "expand_fill": (lambda T: T.ones(1, 3), lambda T, a: a.expand(3, 3).fill_(2)),
        "expand_copy": (lambda T: T.ones(1, 3), lambda T, a: a.expand(3, 3).copy_(T.zeros(3, 3))),
        "expand_setitem": (lambda T: T.ones(1, 3), lambda T, a: a.expand(3, 3).__setitem__(0, 5.)),
        "expand_exp": (lambda T: T.ones(1, 3), lambda T, a: a.expand(3, 3).exp_()),
        "expand_uniform": (lambda T: T.ones(1, 3), lambda T, a: a.expand(3, 3).uniform_()),
        "int_iand_float": (lambda T: T.tensor([1, 2]), lambda T, a: a.__iand__(1.5)),
        "float_ior": (lambda T: T.ones(2), lambda T, a: a.__ior__(1)),
        "float_ilshift": (lambda T: T.ones(2), lambda T, a: a.__ilshift__(1)),
        "int_imatmul": (lambda T: T.ones(2, 2), lambda T, a: a.__imatmul__(T.ones(2, 2))),
        "imatmul_shape": (lambda T: T.ones(2, 3), lambda T, a: a.__imatmul__(T.ones(3, 3))),
        "imatmul_bad": (lambda T: T.ones(2, 3), lambda T, a: a.__imatmul__(T.ones(3, 2))),
        "int_ifloordiv": (lambda T: T.tensor([7, 8]), lambda T, a: a.__ifloordiv__(2)),
        "int_imod": (lambda T: T.tensor([7, 8]), lambda T, a: a.__imod__(3)),
        "int_ipow": (lambda T: T.tensor([7, 8]), lambda T, a: a.__ipow__(2)),
        "int_ipow_neg": (lambda T: T.tensor([7, 8]), lambda T, a: a.__ipow__(-1)),
        "int_ixor": (lambda T: T.tensor([7, 8]), lambda T, a: a.__ixor__(3)),
        "int_irshift": (lambda T: T.tensor([7, 8]), lambda T, a: a.__irshift__(1)),
        "int_isub_bool": (lambda T: T.tensor([True]), lambda T, a: a.__isub__(True)),
    }
    for cn, (mk, op) in CONFLICTS.items():
        def conflict(T, rep, mk=mk, op=op):
            a = mk(T)
            step(rep, "op", lambda: op(T, a))
            rep("a", a)
        c[f"conflict/{cn}"] = conflict

        def conflict_leaf(T, rep, mk=mk, op=op):
            a = mk(T)
            if not (a.is_floating_point() or a.is_complex()):
                return
            a.requires_grad_()
            step(rep, "op", lambda: op(T, a))
            rep("a", a)
        c[f"conflict_leaf/{cn}"] = conflict_leaf

        def conflict_nonleaf(T, rep, mk=mk, op=op):
            a0 = mk(T)
            if not (a0.is_floating_point() or a0.is_complex()):
                return
            a0.requires_grad_()
            a = a0 * 1
            step(rep, "op", lambda: op(T, a))
            rep("a", a)
        c[f"conflict_nonleaf/{cn}"] = conflict_nonleaf

    # out= forms
    OUTS = {
        "add_wrong_dtype": lambda T, x, o: T.add(x, 1, out=o(T.zeros(2, 3, dtype=T.int64))),
        "add_wrong_shape": lambda T, x, o: T.add(x, 1, out=o(T.zeros(4))),
        "add_empty": lambda T, x, o: T.add(x, 1, out=o(T.empty(0))),
        "add_out_rg": lambda T, x, o: T.add(x, 1, out=o(T.zeros(2, 3, requires_grad=True))),
        "add_out_rg_nograd": lambda T, x, o: T.add(x.detach(), 1, out=o(T.zeros(2, 3, requires_grad=True))),
        "sin_out_rg": lambda T, x, o: T.sin(x, out=o(T.zeros(2, 3, requires_grad=True))),
        "sin_out_x": lambda T, x, o: T.sin(x, out=x),
        "sin_out_xd": lambda T, x, o: T.sin(x.detach(), out=o(x.detach())),
        "add_out_alias": lambda T, x, o: T.add(x.detach(), x.detach(), out=o(x.detach())),
        "mm_out_alias": lambda T, x, o: T.mm(x.detach()[:, :2], x.detach()[:2], out=o(x.detach()[:2])),
        "sum_out": lambda T, x, o: T.sum(x.detach(), 0, out=o(T.zeros(3))),
        "sum_out_shape": lambda T, x, o: T.sum(x.detach(), 0, out=o(T.zeros(2))),
        "sum_out_dtype": lambda T, x, o: T.sum(x.detach(), 0, out=o(T.zeros(3, dtype=T.int64))),
        "exp_out_int": lambda T, x, o: T.exp(x.detach(), out=o(T.zeros(2, 3, dtype=T.int32))),
        "exp_out_double": lambda T, x, o: T.exp(x.detach(), out=o(T.zeros(2, 3, dtype=T.float64))),
        "mul_out_grad": lambda T, x, o: T.mul(x, x, out=o(T.zeros(2, 3))),
        "mul_out_nograd_grad": lambda T, x, o: T.mul(x.detach(), 2, out=o(T.zeros(2, 3))),
        "add_out_expanded": lambda T, x, o: T.add(x.detach(), 1, out=o(T.zeros(1, 3).expand(2, 3))),
        "cat_out": lambda T, x, o: T.cat([x.detach(), x.detach()], out=o(T.zeros(4, 3))),
        "cat_out_rg": lambda T, x, o: T.cat([x, x], out=o(T.zeros(4, 3))),
        "matmul_out_rg": lambda T, x, o: T.matmul(x, x.t(), out=o(T.zeros(2, 2))),
        "clamp_out_rg": lambda T, x, o: T.clamp(x, 0.3, out=o(T.zeros(2, 3))),
        "where_out": lambda T, x, o: T.where(x > 0.4, x.detach(), 0.0, out=o(T.zeros(2, 3))),
    }
    for name, f in OUTS.items():
        def outcase(T, rep, f=f):
            x = T.tensor(X, requires_grad=True)
            keep = []
            def o(t):
                keep.append(t)
                return t
            r = step(rep, "op", lambda: f(T, x, o))
            for i, t in enumerate(keep):
                rep(f"out{i}", t)
                if r is not None:
                    rep("same", r is t)
            rep("x", x)
        c[f"out/{name}"] = outcase

        def outcase_nograd(T, rep, f=f):
            x = T.tensor(X, requires_grad=True)
            keep = []
            def o(t):
                keep.append(t)
                return t
            with T.no_grad():
                step(rep, "op", lambda: f(T, x, o))
            for i, t in enumerate(keep):
                rep(f"out{i}", t)
            rep("x", x)
        c[f"out_nograd/{name}"] = outcase_nograd

    return c
