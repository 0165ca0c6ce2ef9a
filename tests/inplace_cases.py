"""In-place methods in the situations autograd treats apart, shared by
tests/test_inplace_sweep.py: each case is f(T, rep), run the same way in
Ember and PyTorch (T is the library); rep(label, value) reports what the
case saw (a tensor as its state()), step() an operation that may fail (its
error is reported, and the case goes on). Methods whose results are random
report no values."""
import warnings

X = [[0.2, 0.5, 0.7], [0.3, 0.9, 0.4]]
XC = [[0.2 + 0.1j, 0.5 - 0.3j, 0.7 + 0.2j], [0.3 + 0.0j, 0.9 + 0.4j, 0.4 - 0.1j]]
RANDOM = {"bernoulli_", "cauchy_", "exponential_", "geometric_", "log_normal_", "normal_",
          "random_", "uniform_"}


def A(*a, **k):
    return lambda T, x: (a, k)


# args per method, given T and a float32 tensor x of shape (2, 3)
ARGS = {
    "add_": A(1.0), "sub_": A(0.5), "mul_": A(2.0), "div_": A(2.0), "divide_": A(2.0),
    "multiply_": A(2.0), "subtract_": A(0.5), "true_divide_": A(2.0), "floor_divide_": A(0.3),
    "addcdiv_": lambda T, x: ((T.ones(2, 3), T.full((2, 3), 2.0)), {}),
    "addcmul_": lambda T, x: ((T.ones(2, 3), T.full((2, 3), 2.0)), {}),
    "addmm_": lambda T, x: ((T.ones(2, 4), T.ones(4, 3)), {}),
    "addbmm_": lambda T, x: ((T.ones(2, 2, 4), T.ones(2, 4, 3)), {}),
    "baddbmm_": None, "addmv_": None,
    "addr_": lambda T, x: ((T.ones(2), T.ones(3)), {}),
    "arctan2_": A(2.0), "atan2_": lambda T, x: ((T.full((2, 3), 2.0),), {}),
    "gt_": lambda T, x: ((T.full((2, 3), 0.5),), {}), "bernoulli_": lambda T, x: ((T.full((2, 3), 0.5),), {}), "bitwise_and_": None, "bitwise_or_": None,
    "bitwise_xor_": None, "bitwise_not_": None, "bitwise_left_shift_": None,
    "bitwise_right_shift_": None, "gcd_": None, "lcm_": None,
    "clamp_": A(0.3, 0.6), "clamp_max_": A(0.5), "clamp_min_": A(0.5), "clip_": A(0.3, 0.6),
    "copysign_": A(-1.0), "copy_": lambda T, x: ((T.full((2, 3), 3.0),), {}),
    "cumprod_": A(1), "cumsum_": A(1), "eq_": A(0.5), "ge_": A(0.5),
    "le_": A(0.5), "lt_": A(0.5), "ne_": A(0.5), "greater_": A(0.5), "greater_equal_": A(0.5),
    "less_": A(0.5), "less_equal_": A(0.5), "not_equal_": A(0.5),
    "fill_": A(3.0), "fill_diagonal_": A(5.0), "float_power_": None,
    "fmod_": A(0.3), "remainder_": A(0.3), "heaviside_": None,
    "hypot_": lambda T, x: ((T.ones(2, 3),), {}),
    "igamma_": lambda T, x: ((T.ones(2, 3),), {}), "igammac_": lambda T, x: ((T.ones(2, 3),), {}),
    "index_add_": lambda T, x: ((0, T.tensor([1]), T.ones(1, 3)), {}),
    "index_copy_": lambda T, x: ((0, T.tensor([1]), T.ones(1, 3)), {}),
    "index_fill_": lambda T, x: ((1, T.tensor([0, 2]), 2.0), {}),
    "index_put_": lambda T, x: (((T.tensor([0, 1]), T.tensor([2, 0])), T.tensor(5.0)), {}),
    "index_reduce_": lambda T, x: ((0, T.tensor([1]), T.full((1, 3), 2.0), "prod"), {}),
    "ldexp_": lambda T, x: ((T.ones(2, 3),), {}),
    "lerp_": lambda T, x: ((T.ones(2, 3), 0.25), {}),
    "logical_and_": lambda T, x: ((T.ones(2, 3),), {}), "logical_or_": lambda T, x: ((T.zeros(2, 3),), {}),
    "logical_xor_": lambda T, x: ((T.ones(2, 3),), {}),
    "logical_not_": A(), "logit_": A(), "masked_fill_": lambda T, x: ((x > 0.45, 2.0), {}),
    "masked_scatter_": lambda T, x: ((x > 0.45, T.full((2, 3), 7.0)), {}),
    "mvlgamma_": None, "nan_to_num_": A(), "nextafter_": lambda T, x: ((T.ones(2, 3),), {}),
    "polygamma_": A(1), "pow_": A(2.0), "put_": lambda T, x: ((T.tensor([0, 4]), T.tensor([8.0, 9.0])), {}),
    "renorm_": A(2, 0, 0.5),
    "scatter_": lambda T, x: ((1, T.tensor([[0], [2]]), T.full((2, 1), 6.0)), {}),
    "scatter_add_": lambda T, x: ((1, T.tensor([[0], [2]]), T.full((2, 1), 6.0)), {}),
    "scatter_reduce_": lambda T, x: ((1, T.tensor([[0], [2]]), T.full((2, 1), 6.0), "sum"), {}),
    "tril_": A(), "triu_": A(), "xlogy_": A(2.0), "round_": A(), "zero_": A(),
    "squeeze_": A(), "unsqueeze_": A(0), "t_": A(), "transpose_": A(0, 1), "swapaxes_": A(0, 1),
    "swapdims_": A(0, 1), "as_strided_": A((3, 2), (1, 3)), "resize_": A(3, 2),
    "resize_as_": lambda T, x: ((T.ones(3, 2),), {}), "set_": lambda T, x: ((T.ones(3, 2),), {}),
    "requires_grad_": A(), "detach_": A(), "share_memory_": A(), "relu_": A(),
    "apply_": None, "map_": None, "map2_": None,
    "cauchy_": A(), "exponential_": A(), "geometric_": A(0.5),
    "log_normal_": A(), "normal_": A(), "random_": A(0, 5), "uniform_": A(),
}
# the in-place operators, which PyTorch routes to the methods
ARGS.update({
    "__iadd__": A(1.0), "__isub__": A(0.5), "__imul__": A(2.0), "__itruediv__": A(2.0),
    "__ifloordiv__": A(0.3), "__imod__": A(0.3), "__ipow__": A(2.0), "__iand__": A(1),
    "__ior__": A(True), "__ixor__": A(1), "__ilshift__": A(1), "__irshift__": A(1),
    "__imatmul__": lambda T, x: ((T.eye(3),), {}),
})
UNARY = ("abs absolute acos acosh arccos arccosh arcsin arcsinh arctan arctanh asin asinh atan "
         "atanh ceil conj_physical cos cosh deg2rad digamma erf erfc erfinv exp2 exp expm1 fix "
         "floor frac i0 lgamma log10 log1p log2 log neg negative rad2deg reciprocal rsqrt sgn "
         "sigmoid sign sin sinc sinh sqrt square tan tanh trunc").split()
for u in UNARY:
    ARGS[u + "_"] = A()
ARGS = {k: v for k, v in ARGS.items() if v is not None}


def error(e):
    """An error as a result: its type and message, the library's name as Ember's."""
    return ("ERR", type(e).__name__, str(e).replace("torch", "ember"))


def state(t, values=True):
    """What an in-place op may change or refuse to: the node (read first: a
    view that may not take its base's history refuses to show it), flags,
    version, values (not a random fill's) and the gradient of a leaf."""
    fn = t.grad_fn
    return (type(fn).__name__ if fn is not None else None, t.requires_grad, t.is_leaf,
            t._version, t.detach().clone() if values else (str(t.dtype), tuple(t.shape)),
            t.grad if t.is_leaf else None, t._base is not None)


def run_case(fn, T, values=True):
    """The case's reports (and the warnings, each once: once-only warnings
    are given every time, so that what other tests warned first does not
    matter, and how often a kernel warns is not the question here)."""
    out = []

    def rep(label, value):
        if hasattr(value, "grad_fn") and hasattr(value, "_version"):
            try:
                value = state(value, values)
            except Exception as e:  # noqa: BLE001 - an error is a result here
                value = error(e)
        out.append((label, value))
    always = T.is_warn_always_enabled()
    T.set_warn_always(True)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                fn(T, rep)
            except Exception as e:  # noqa: BLE001
                out.append(("raised", error(e)))
    finally:
        T.set_warn_always(always)
    out.extend(dict.fromkeys(("WARN", w.category.__name__,
                              str(w.message).replace("torch", "ember")) for w in caught))
    return out


def step(rep, label, f):
    """Run f(); report "ok" or its error (and go on)."""
    try:
        r = f()
        rep(label, "ok")
        return r
    except Exception as e:  # noqa: BLE001
        rep(label, error(e))


def weights(T, t):
    return T.arange(1, t.numel() + 1, dtype=t.dtype).reshape(t.shape)


def method_cases(values=X, prefix=""):
    """Every method in every situation, on a tensor of `values` (X, or XC:
    complex); the case names begin with `prefix`."""
    cases = {}
    for name, argf in sorted(ARGS.items()):
        def call(T, t, name=name, argf=argf):
            a, k = argf(T, t.detach())
            return getattr(t, name)(*a, **k)

        def leaf(T, rep, call=call):
            x = T.tensor(values, requires_grad=True)
            step(rep, "op", lambda: call(T, x))
            rep("x", x)
        cases[f"{prefix}{name}/leaf"] = leaf

        def leaf_nograd(T, rep, call=call):
            x = T.tensor(values, requires_grad=True)
            with T.no_grad():
                r = step(rep, "op", lambda: call(T, x))
            rep("same", r is x)
            rep("x", x)
        cases[f"{prefix}{name}/leaf_nograd"] = leaf_nograd

        def view_of_leaf(T, rep, call=call):
            x = T.tensor(values, requires_grad=True)
            v = x[:, :]
            step(rep, "op", lambda: call(T, v))
            rep("x", x); rep("v", v)
        cases[f"{prefix}{name}/view_of_leaf"] = view_of_leaf

        def nonleaf(T, rep, call=call):
            x = T.tensor(values, requires_grad=True)
            y = x * 1
            r = step(rep, "op", lambda: call(T, y))
            rep("same", r is y)
            rep("y", y)
            step(rep, "bw", lambda: (y * weights(T, y)).sum().backward())
            rep("x", x)
        cases[f"{prefix}{name}/nonleaf"] = nonleaf

        def view_of_nonleaf(T, rep, call=call):
            x = T.tensor(values, requires_grad=True)
            y = x * 1
            v = y[:, :]
            step(rep, "op", lambda: call(T, v))
            rep("v", v); rep("y", y); rep("base", v._base is y)
            step(rep, "bw", lambda: (y * weights(T, y)).sum().backward())
            rep("x", x)
        cases[f"{prefix}{name}/view_of_nonleaf"] = view_of_nonleaf

        def saved_out(T, rep, call=call):
            x = T.tensor(values, requires_grad=True)
            y = x.exp()
            step(rep, "op", lambda: call(T, y))
            rep("y", y)
            step(rep, "bw", lambda: (y * 1).sum().backward())
            rep("x", x)
        cases[f"{prefix}{name}/saved_out"] = saved_out

        def saved_in(T, rep, call=call):
            x = T.tensor(values, requires_grad=True)
            y = x * 1
            z = y.sin()
            step(rep, "op", lambda: call(T, y))
            step(rep, "bw", lambda: z.sum().backward())
            rep("x", x)
        cases[f"{prefix}{name}/saved_in"] = saved_in
    return cases
