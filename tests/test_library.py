"""torch.library (custom operators) and torch.ops, against PyTorch.

Each scenario runs twice, once with PyTorch and once with Ember as `T`, in
namespaces of its own (both libraries keep a process-wide operator registry)."""
import itertools
import typing

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

_ids = itertools.count()


def _ns():
    return f"embertest{next(_ids)}"


def _both(scenario):
    """scenario(T, ns) for PyTorch and Ember, each in a fresh namespace:
    (PyTorch's result, Ember's result with its namespace and `ember.`
    written as PyTorch's)."""
    ns_t, ns_e = _ns(), _ns()
    t, e = scenario(torch, ns_t), scenario(ember, ns_e)
    return t, e, lambda value: _norm(value, ns_t, ns_e)


def _norm(text, ns_t, ns_e):
    return str(text).replace("ember.", "torch.").replace(ns_e, ns_t)


def _signatures(T):
    Tensor = T.Tensor

    def f1(pic: Tensor, box: typing.Sequence[int]) -> Tensor: ...

    def f2(x: Tensor, y: typing.Optional[Tensor], s: float, b: bool = True, *, val: float = 1.0,
           name: str = "a") -> typing.Tuple[Tensor, Tensor]: ...

    def f3(xs: typing.List[Tensor], ws: list[float], d: T.dtype, dev: T.device,
           n: typing.Optional[int] = None) -> list[Tensor]: ...

    def f4(x: Tensor, out: Tensor) -> None: ...

    def f5(x: Tensor, k: int = 2, s: T.types.Number = 3, dt: T.dtype = T.float64) -> int: ...

    def f6(x: Tensor) -> typing.Tuple[Tensor]: ...
    return [(f1, ()), (f2, ()), (f3, ()), (f4, {"out"}), (f5, "unknown"), (f6, [])]


def test_infer_schema_as_pytorch():
    for (ft, mt), (fe, me) in zip(_signatures(torch), _signatures(ember)):
        assert ember.library.infer_schema(fe, mutates_args=me) == \
            torch.library.infer_schema(ft, mutates_args=mt)
    ft, mt = _signatures(torch)[0]
    fe, me = _signatures(ember)[0]
    assert ember.library.infer_schema(fe, mutates_args=me, op_name="crop") == \
        torch.library.infer_schema(ft, mutates_args=mt, op_name="crop")


BAD = ["def g(x: Tensor, y: dict) -> Tensor: ...",
       "def g(x: Tensor) -> dict: ...",
       "def g(x: Tensor, *args) -> Tensor: ...",
       "def g(x, y: int) -> Tensor: ...",
       "def g(x: Tensor, y: int) -> Tensor: ...",
       "def g(x: Tensor):\n    pass",
       "def g(x: Tensor, y: int = [1]) -> Tensor: ..."]


@pytest.mark.parametrize("source", BAD)
@pytest.mark.parametrize("mutates", [(), {"y"}, {"z"}, "unknown", "some"])
def test_infer_schema_errors_as_pytorch(source, mutates):
    outcomes = []
    for T in (torch, ember):
        ns = {"Tensor": T.Tensor}
        exec(source, ns)
        try:
            outcomes.append(T.library.infer_schema(ns["g"], mutates_args=mutates))
        except ValueError as exc:
            # (the table of valid types prints typing's spelling of Number differently)
            outcomes.append(("ValueError", str(exc).split(" The valid types")[0]
                             .replace("ember.", "torch.")))
    assert outcomes[0] == outcomes[1]


def _crop_scenario(T, ns):
    @T.library.custom_op(f"{ns}::crop", mutates_args=())
    def crop(pic: T.Tensor, box: typing.Sequence[int]) -> T.Tensor:
        x0, y0, x1, y1 = box
        return T.from_numpy(pic.numpy()[:, y0:y1, x0:x1].copy())

    @crop.register_fake
    def _(pic, box):
        x0, y0, x1, y1 = box
        return pic.new_empty(pic.shape[0], y1 - y0, x1 - x0)

    def setup_context(ctx, inputs, output):
        pic, box = inputs
        ctx.shape, ctx.box = pic.shape, box

    def backward(ctx, grad):
        g = grad.new_zeros(ctx.shape)
        x0, y0, x1, y1 = ctx.box
        g[:, y0:y1, x0:x1] = grad
        return g, None

    crop.register_autograd(backward, setup_context=setup_context)
    img = T.arange(48.0).reshape(3, 4, 4).requires_grad_()
    out = crop(img, (1, 0, 3, 2))
    (out * out).sum().backward()
    fake = crop(T.empty(3, 9, 9, device="meta"), [0, 0, 5, 2])
    via_ops = getattr(getattr(T.ops, ns), "crop")(img, [0, 0, 2, 2])
    return dict(repr=repr(crop), out=out.detach().numpy(), grad_fn=type(out.grad_fn).__name__,
                grad=img.grad.numpy(), fake=(tuple(fake.shape), str(fake.dtype), fake.is_meta),
                ops=(str(T.ops.__getattr__(ns).crop), str(T.ops.__getattr__(ns).crop.default),
                     repr(T.ops.__getattr__(ns).crop), via_ops.shape),
                opcheck=T.library.opcheck(crop, (T.randn(3, 5, 5, requires_grad=True),
                                                 [0, 1, 2, 3])))


def test_custom_op_with_gradient_fake_kernel_and_ops_namespace():
    t, e, norm = _both(_crop_scenario)
    assert np.array_equal(e.pop("out"), t.pop("out"))
    assert np.array_equal(e.pop("grad"), t.pop("grad"))
    assert norm(e) == str(t)


def _errors_scenario(T, ns):
    found = {}

    def catch(key, fn):
        try:
            found[key] = ("ok", fn())
        except Exception as exc:
            found[key] = (type(exc).__name__, str(exc).split(" This could be")[0])

    @T.library.custom_op(f"{ns}::same", mutates_args=())
    def same(x: T.Tensor) -> T.Tensor:
        return x
    catch("alias", lambda: same(T.ones(2)))

    @T.library.custom_op(f"{ns}::nograd", mutates_args=())
    def nograd(x: T.Tensor) -> T.Tensor:
        return x.sin()
    y = nograd(T.ones(2, requires_grad=True))
    found["nograd_fn"] = type(y.grad_fn).__name__
    catch("backward", lambda: y.sum().backward())
    catch("fake", lambda: nograd(T.empty(2, device="meta")))
    found["opcheck"] = {k: v if isinstance(v, str) else (type(v).__name__, str(v)) for k, v in
                        T.library.opcheck(nograd, (T.ones(2, requires_grad=True),),
                                          raise_exception=False).items()}

    @T.library.custom_op(f"{ns}::mut", mutates_args={"out"})
    def mut(x: T.Tensor, out: T.Tensor) -> None:
        out.copy_(x * 2)
    o = T.zeros(3)
    found["mut"] = (mut(T.ones(3), o), o.tolist(), o._version, str(mut._opoverload._schema))
    catch("mut_autograd", lambda: mut.register_autograd(lambda ctx, g: g))

    @T.library.custom_op(f"{ns}::liar", mutates_args=())
    def liar(x: T.Tensor) -> T.Tensor:
        x.add_(1)
        return x.clone()
    found["liar"] = {k: v if isinstance(v, str) else (type(v).__name__, str(v)) for k, v in
                     T.library.opcheck(liar, (T.ones(2),), raise_exception=False,
                                       test_utils="test_schema").items()}

    @T.library.custom_op(f"{ns}::gpu", mutates_args=(), device_types="cuda")
    def gpu(x: T.Tensor) -> T.Tensor:
        return x.clone()
    catch("no_kernel", lambda: gpu(T.ones(2)))
    catch("no_mutates", lambda: T.library.custom_op(f"{ns}::x")(lambda x: x))
    catch("overload", lambda: T.ops.aten.add.nosuch)
    catch("no_op", lambda: T.ops.__getattr__(ns).nosuch)
    return found


def test_custom_op_errors_as_pytorch():
    t, e, norm = _both(_errors_scenario)
    alias_t, alias_e = t.pop("alias"), e.pop("alias")
    assert alias_e[0] == alias_t[0] == "RuntimeError"
    # (the module named is the one holding the kernel's wrapper: PyTorch's or Ember's)
    assert alias_e[1].split("): ", 1)[1] == alias_t[1].split("): ", 1)[1]
    assert norm(e) == str(t)


def _kernels_scenario(T, ns):
    @T.library.custom_op(f"{ns}::f", mutates_args=())
    def f(x: T.Tensor) -> T.Tensor:
        return T.zeros(1)
    seen = [f(T.ones(1)).item()]

    @f.register_kernel("cpu")
    def _(x):
        return T.ones(1)
    seen.append(f(T.ones(1)).item())
    with f.set_kernel_enabled("cpu", enabled=False):
        seen.append(f(T.ones(1)).item())
    seen.append(f(T.ones(1)).item())

    @T.library.custom_op(f"{ns}::wsum", mutates_args=())
    def wsum(tensors: list[T.Tensor], weights: list[float]) -> T.Tensor:
        return sum(t * w for t, w in zip(tensors, weights))
    wsum.register_autograd(lambda ctx, g: ([g * w for w in ctx.w], None),
                           setup_context=lambda ctx, inputs, output: setattr(ctx, "w", inputs[1]))
    a = T.full((2,), 1.5, requires_grad=True)
    b = T.full((2,), 2.0, requires_grad=True)
    wsum([a, b], [0.25, 0.75]).sum().backward()
    seen += [a.grad.tolist(), b.grad.tolist()]

    @T.library.custom_op(f"{ns}::scale", mutates_args=())
    def scale(x: T.Tensor, *, val: float = 2.0) -> T.Tensor:
        return T.from_numpy(x.numpy() * val)
    scale.register_autograd(lambda ctx, g: g * ctx.val,
                            setup_context=lambda ctx, inputs, keyword_only_inputs, output:
                            setattr(ctx, "val", keyword_only_inputs["val"]))
    x = T.ones(3, requires_grad=True)
    seen.append(T.autograd.grad(scale(x, val=3.0).sum(), x)[0].tolist())
    seen.append(T.autograd.grad(scale(x).sum(), x)[0].tolist())
    return seen


def test_kernels_lists_and_keyword_only_inputs_as_pytorch():
    t, e, _ = _both(_kernels_scenario)
    assert e == t


def _library_scenario(T, ns):
    lib = T.library.Library(ns, "DEF")
    seen = [repr(lib)]
    lib.define("twice(Tensor x) -> Tensor")
    lib.impl("twice", lambda x: x * 2, "CPU")
    op = T.ops.__getattr__(ns).twice
    y = op(T.ones(2, requires_grad=True))
    seen += [y.tolist(), type(y.grad_fn).__name__]
    lib.define("thrice(Tensor x, *, float s=3.0) -> Tensor")
    lib.impl("thrice", lambda x, s=3.0: x * s, "CompositeImplicitAutograd")
    x = T.ones(2, requires_grad=True)
    y = T.ops.__getattr__(ns).thrice(x, s=4.0)
    y.sum().backward()
    seen += [y.tolist(), type(y.grad_fn).__name__, x.grad.tolist()]
    for bad in (lambda: lib.define("twice(Tensor x) -> Tensor"),
                lambda: T.library.Library(ns, "FOO")):
        try:
            bad()
        except Exception as exc:
            seen.append((type(exc).__name__, str(exc)[:140].replace(ns, "NS")))
    T.library.define(f"{ns}::neg", "(Tensor x) -> Tensor")
    T.library.impl(f"{ns}::neg", "cpu", lambda x: -x)
    seen.append(T.ops.__getattr__(ns).neg(T.ones(2)).tolist())
    return seen


def test_library_define_and_impl_as_pytorch():
    t, e, norm = _both(_library_scenario)
    assert norm(e) == str(t)


def test_aten_namespace_calls_embers_ops():
    x, y = ember.tensor([1.0, 2.0]), ember.tensor([3.0, 4.0])
    assert ember.ops.aten.add.Tensor(x, y, alpha=2).tolist() == [7.0, 10.0]
    assert ember.ops.aten.sin.default(x).tolist() == ember.sin(x).tolist()
    assert repr(ember.ops.aten.sin) == repr(torch.ops.aten.sin)
    assert repr(ember.ops.aten.sin.default) == repr(torch.ops.aten.sin.default)
    assert str(ember.ops.aten.add.Tensor) == str(torch.ops.aten.add.Tensor)
    assert ember.ops.aten.add.Tensor.name() == torch.ops.aten.add.Tensor.name()
    with pytest.raises(OSError, match="Could not load this library"):
        ember.ops.load_library("/nonexistent.so")
    # Ember's own package attributes still fail as before
    with pytest.raises(ImportError):
        exec("from ember.ops import no_such_name")


def _vmap_rules(T, ns):
    # register_vmap returns None, as a function or a decorator (the function
    # it decorates is None after); the rule's op still vmaps
    @T.library.custom_op(f"{ns}::f", mutates_args=())
    def f(x: T.Tensor) -> T.Tensor:
        return x.clone() * 2

    def rule(info, in_dims, x):
        return f(x), in_dims[0]
    given = [T.library.register_vmap(f, rule), f.register_vmap(rule)]

    @f.register_vmap
    def decorated(info, in_dims, x):
        return f(x), in_dims[0]

    @T.library.register_vmap(f"{ns}::f")
    def by_name(info, in_dims, x):
        return f(x), in_dims[0]
    decorator = T.library.register_vmap(f"{ns}::f", None)
    return given, decorated, by_name, type(decorator).__name__, T.vmap(f)(T.ones(2, 3)).tolist()


def test_register_vmap_returns_as_pytorch():
    t, e, norm = _both(_vmap_rules)
    assert norm(e) == norm(t)
