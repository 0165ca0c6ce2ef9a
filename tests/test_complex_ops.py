"""The op catalogue on complex tensors: each row gradchecked (both Wirtinger
derivatives) and gradgradchecked in complex128, forward mode checked, and
compared with PyTorch in complex64 and complex128 (values, dtype, grad_fn
chain, gradients); PyTorch's refusals of complex inputs."""
import zlib

import numpy as np
import pytest

import ember
from compare_torch import chain, check, check_error
from complex_linalg_rows import OTHER_ROWS, ROWS as LINALG_ROWS

C = "c"        # complex, |z| in (0.4, 1.6), away from the axes' branch cuts
CP = "cpos"    # complex in the right half-plane (log, sqrt, non-integer powers)
R = "r"        # real, in (-2, 2) away from 0
RP = "rpos"    # real in (0.5, 2)

M = [((3, 4), C)]
V = [((4,), C)]

# name, f(T, *xs), [(shape, domain), ...]
ROWS = [
    ("neg", lambda T, x: -x, M),
    ("add", lambda T, x, y: x + y, [((3, 4), C), ((4,), C)]),
    ("add_alpha", lambda T, x, y: T.add(x, y, alpha=2), [((3, 4), C), ((3, 4), C)]),
    ("add_real", lambda T, x, y: x + y, [((3, 4), C), ((4,), R)]),
    ("sub", lambda T, x, y: x - y, [((3, 1), C), ((1, 4), C)]),
    ("rsub_scalar", lambda T, x: (2 - 1j) - x, M),
    ("mul", lambda T, x, y: x * y, [((2, 3, 4), C), ((3, 1), C)]),
    ("mul_real", lambda T, x, y: x * y, [((3, 4), R), ((3, 4), C)]),
    ("mul_scalar", lambda T, x: x * (0.5 + 2j), M),
    ("mul_real_scalar", lambda T, x: x * 1j, [((3, 4), R)]),
    ("div", lambda T, x, y: x / y, [((3, 4), C), ((3, 4), C)]),
    ("div_real", lambda T, x, y: y / x, [((4,), C), ((4,), R)]),
    ("rdiv_scalar", lambda T, x: (1 + 1j) / x, M),
    ("square", lambda T, x: T.square(x), M),
    ("pow_int", lambda T, x: x ** 3, M),
    ("pow_real", lambda T, x: x ** 2.5, [((3, 4), CP)]),
    ("pow_complex", lambda T, x: x.pow(0.5 - 1j), [((3, 4), CP)]),
    ("pow_tensor", lambda T, x, y: x ** y, [((3, 4), CP), ((3, 4), C)]),
    ("rpow", lambda T, x: (1.5 + 0.5j) ** x, M),
    ("rpow_real", lambda T, x: 2 ** x, M),
    ("exp", lambda T, x: T.exp(x), M),
    ("exp2", lambda T, x: T.exp2(x), V),
    ("expm1", lambda T, x: T.expm1(x), V),
    ("log", lambda T, x: T.log(x), [((3, 4), CP)]),
    ("log2", lambda T, x: T.log2(x), [((4,), CP)]),
    ("log10", lambda T, x: T.log10(x), [((4,), CP)]),
    ("log1p", lambda T, x: T.log1p(x), [((4,), CP)]),
    ("sqrt", lambda T, x: T.sqrt(x), [((3, 4), CP)]),
    ("rsqrt", lambda T, x: T.rsqrt(x), [((3, 4), CP)]),
    ("sin", lambda T, x: T.sin(x), M),
    ("cos", lambda T, x: T.cos(x), M),
    ("tan", lambda T, x: T.tan(x), M),
    ("sinh", lambda T, x: T.sinh(x), M),
    ("cosh", lambda T, x: T.cosh(x), M),
    ("tanh", lambda T, x: T.tanh(x), M),
    ("sigmoid", lambda T, x: T.sigmoid(x), M),
    ("reciprocal", lambda T, x: T.reciprocal(x), M),
    ("abs", lambda T, x: T.abs(x), M),
    ("sgn", lambda T, x: T.sgn(x), M),
    ("angle", lambda T, x: T.angle(x), M),
    ("conj", lambda T, x: T.conj(x) * x, M),
    ("conj_physical", lambda T, x: T.conj_physical(x), M),
    ("resolve_conj", lambda T, x: T.resolve_conj(x.conj()), M),
    ("real", lambda T, x: x.real * 2, M),
    ("imag", lambda T, x: T.imag(x) * 3, M),
    ("real_imag_mix", lambda T, x: x.real * x.imag + x.abs(), M),
    ("view_as_real", lambda T, x: T.view_as_real(x), M),
    ("view_as_complex", lambda T, x: T.view_as_complex(x), [((3, 2), R)]),
    ("complex", lambda T, x, y: T.complex(x, y), [((3, 4), R), ((4,), R)]),
    ("polar", lambda T, r, a: T.polar(r, a), [((4,), RP), ((4,), R)]),
    ("to_complex", lambda T, x: x.to(T.complex128 if x.dtype == T.float64 else T.complex64)
     * (1 + 2j), [((4,), R)]),
    ("sum", lambda T, x: x.sum(), M),
    ("sum_dim", lambda T, x: x.sum(1), M),
    ("mean", lambda T, x: x.mean(), M),
    ("mean_dim", lambda T, x: x.mean(0, keepdim=True), M),
    ("prod", lambda T, x: x.prod(), [((2, 3), C)]),
    ("var", lambda T, x: x.var(), M),
    ("var_mean", lambda T, x: T.var_mean(x, 1)[0] * T.var_mean(x, 1)[1], M),
    ("logsumexp", lambda T, x: T.logsumexp(x, 1), M),
    ("sinc", lambda T, x: T.sinc(x), M),
    ("float_power", lambda T, x: T.float_power(x, 2), M),
    ("where", lambda T, x, y: T.where(x.real > 0, x, y), [((3, 4), C), ((3, 4), C)]),
    ("where_scalar", lambda T, x: T.where(x.real > 0, x, 1j), M),
    ("std_dim", lambda T, x: x.std(1, keepdim=True), M),
    ("norm", lambda T, x: x.norm(), M),
    ("vector_norm_1", lambda T, x: T.linalg.vector_norm(x, 1, dim=0), M),
    ("vector_norm_3", lambda T, x: T.linalg.vector_norm(x, 3, dim=1), M),
    ("prod_dim", lambda T, x: x.prod(1), M),
    ("matmul", lambda T, x, y: x @ y, [((3, 4), C), ((4, 2), C)]),
    ("matmul_batched", lambda T, x, y: T.matmul(x, y), [((2, 3, 4), C), ((4, 2), C)]),
    ("matmul_vec", lambda T, x, y: T.matmul(x, y), [((3, 4), C), ((4,), C)]),
    ("mm", lambda T, x, y: T.mm(x, y), [((3, 4), C), ((4, 2), C)]),
    ("bmm", lambda T, x, y: T.bmm(x, y), [((2, 3, 4), C), ((2, 4, 2), C)]),
    ("mv", lambda T, x, y: T.mv(x, y), [((3, 4), C), ((4,), C)]),
    ("dot", lambda T, x, y: T.dot(x, y), [((4,), C), ((4,), C)]),
    ("vdot", lambda T, x, y: T.vdot(x, y), [((4,), C), ((4,), C)]),
    ("outer", lambda T, x, y: T.outer(x, y), [((3,), C), ((4,), C)]),
    ("addmm", lambda T, b, x, y: T.addmm(b, x, y), [((2,), C), ((3, 4), C), ((4, 2), C)]),
    ("mH", lambda T, x, y: x.mH @ y, [((3, 4), C), ((3, 2), C)]),
    ("lerp", lambda T, x, y: T.lerp(x, y, 0.3), [((3, 4), C), ((3, 4), C)]),
    ("lerp_tensor", lambda T, x, y, w: T.lerp(x, y, w), [((3, 4), C), ((3, 4), C), ((4,), C)]),
    ("addcmul", lambda T, x, y, z: T.addcmul(x, y, z, value=2), [((3, 4), C)] * 3),
    ("addcdiv", lambda T, x, y, z: T.addcdiv(x, y, z, value=0.5), [((3, 4), C)] * 3),
    ("reshape", lambda T, x: x.reshape(4, 3) * 1, M),
    ("view", lambda T, x: x.view(2, 6) * 1, M),
    ("transpose", lambda T, x: x.t() * 1, M),
    ("permute", lambda T, x: x.permute(2, 0, 1) * 1, [((2, 3, 4), C)]),
    ("getitem", lambda T, x: x[1:, ::2] * 1, M),
    ("getitem_index", lambda T, x: x[[0, 2, 2]] * 1, M),
    ("cat", lambda T, x, y: T.cat([x, y], 1), [((3, 4), C), ((3, 2), C)]),
    ("stack", lambda T, x, y: T.stack([x, y]), [((3, 4), C), ((3, 4), C)]),
    ("unsqueeze", lambda T, x: x.unsqueeze(1).squeeze(2) * 1, [((3, 1), C)]),
    ("flatten", lambda T, x: x.flatten() * 1, M),
    ("expand", lambda T, x: x.expand(3, 4) * 1, [((1, 4), C)]),
    ("flip", lambda T, x: x.flip(0), M),
    ("clone", lambda T, x: x.clone(), M),
    ("asinh", lambda T, x: T.asinh(x), M),
    ("acosh", lambda T, x: T.acosh(x + 2), M),
    ("atanh", lambda T, x: T.atanh(x * 0.5), M),
    ("asin", lambda T, x: T.asin(x * 0.5), M),
    ("acos", lambda T, x: T.acos(x * 0.5), M),
    ("atan", lambda T, x: T.atan(x * 0.5), M),
    ("cumsum", lambda T, x: x.cumsum(1), M),
    ("cumprod", lambda T, x: x.cumprod(1), M),
    ("cross", lambda T, x, y: T.linalg.cross(x, y), [((2, 3), C), ((2, 3), C)]),
    ("kron", lambda T, x, y: T.kron(x, y), [((2, 2), C), ((2, 1), C)]),
    ("trace", lambda T, x: x.trace(), [((3, 3), C)]),
    ("diag", lambda T, x: T.diag(x), [((3, 3), C)]),
    ("tril", lambda T, x: x.tril(), M),
    ("einsum", lambda T, x, y: T.einsum("ij,jk->ik", x, y), [((3, 4), C), ((4, 2), C)]),
    ("tensordot", lambda T, x, y: T.tensordot(x, y, 1), [((3, 4), C), ((4, 2), C)]),
    ("baddbmm", lambda T, b, x, y: T.baddbmm(b, x, y), [((2,), C), ((2, 3, 4), C), ((2, 4, 2), C)]),
    ("addr", lambda T, b, x, y: T.addr(b, x, y), [((3, 4), C), ((3,), C), ((4,), C)]),
    ("addmv", lambda T, b, m, v: T.addmv(b, m, v), [((3,), C), ((3, 4), C), ((4,), C)]),
    ("linear", lambda T, x, w, b: T.nn.functional.linear(x, w, b), [((2, 4), C), ((3, 4), C),
                                                                    ((3,), C)]),
    ("index_select", lambda T, x: x.index_select(1, T.tensor([0, 2, 2])), M),
    ("gather", lambda T, x: x.gather(1, T.tensor([[0, 3], [1, 1], [2, 0]])), M),
    ("scatter_add", lambda T, x, y: x.scatter_add(0, T.tensor([[0, 1, 2, 0]]), y),
     [((3, 4), C), ((1, 4), C)]),
    ("masked_select", lambda T, x: x.masked_select(x.real > 0), M),
    ("take", lambda T, x: x.take(T.tensor([0, 5, 5])), M),
    ("repeat", lambda T, x: x.repeat(2, 1), M),
    ("narrow", lambda T, x: x.narrow(1, 1, 2), M),
    ("roll", lambda T, x: x.roll(1, 0), M),
    ("diag_embed", lambda T, x: T.diag_embed(x), V),
    ("pad", lambda T, x: T.nn.functional.pad(x, (1, 2)), M),
    ("l1_loss", lambda T, x, y: T.nn.functional.l1_loss(x, y), [((3, 4), C), ((3, 4), C)]),
]
ROWS += LINALG_ROWS + OTHER_ROWS
IDS = [r[0] for r in ROWS]


def sample(shape, domain, seed, dtype):
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    if domain in (C, CP):
        r = rng.uniform(0.4, 1.6, n)
        half = np.pi / 2 - 0.2 if domain == CP else np.pi - 0.2
        a = rng.uniform(-half, half, n) + (0 if domain == CP else rng.choice([0, np.pi], n))
        vals = r * np.exp(1j * a)
    elif domain == RP:
        vals = rng.uniform(0.5, 2.0, n)
    else:
        vals = rng.uniform(0.2, 2.0, n) * rng.choice([-1.0, 1.0], n)
    real = np.float64 if dtype == np.complex128 else np.float32
    return vals.reshape(shape).astype(dtype if domain in (C, CP) else real)


def inputs_for(row, dtype=np.complex128):
    name, _, specs = row
    return [sample(shape, dom, zlib.crc32(f"{name}-{i}".encode()), dtype)
            for i, (shape, dom) in enumerate(specs)]


def _leaves(lib, arrays):
    return [lib.tensor(a, requires_grad=True) for a in arrays]


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_gradcheck_complex128(row):
    xs = _leaves(ember, inputs_for(row))
    assert ember.autograd.gradcheck(lambda *a: row[1](ember, *a), xs, eps=1e-6, atol=1e-5)


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_gradgradcheck_complex128(row):
    xs = _leaves(ember, inputs_for(row))
    assert ember.autograd.gradgradcheck(lambda *a: row[1](ember, *a), xs, eps=1e-6,
                                        atol=1e-4)


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_forward_ad_complex128(row):
    xs = _leaves(ember, inputs_for(row))
    assert ember.autograd.gradcheck(lambda *a: row[1](ember, *a), xs, eps=1e-6, atol=1e-5,
                                    check_forward_ad=True, check_backward_ad=False)


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_matches_torch(row, dtype):
    torch = pytest.importorskip("torch")
    f = row[1]
    arrays = inputs_for(row, dtype)
    ex, tx = _leaves(ember, arrays), _leaves(torch, arrays)
    ey, ty = f(ember, *ex), f(torch, *tx)
    assert ey.dtype.name == str(ty.dtype).replace("torch.", "")
    assert tuple(ey.shape) == tuple(ty.shape)
    tol = dict(rtol=2e-5, atol=2e-6) if dtype == np.complex64 else dict(rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().resolve_conj().numpy(), **tol)
    assert chain(ey) == chain(ty)
    rng = np.random.default_rng(0)
    g = rng.standard_normal(tuple(ty.shape))
    if ty.is_complex():
        g = g + 1j * rng.standard_normal(tuple(ty.shape))
    g = g.astype(ty.detach().resolve_conj().numpy().dtype)
    ey.backward(ember.tensor(g))
    ty.backward(torch.tensor(g))
    for e, t in zip(ex, tx):
        assert e.grad.dtype.name == str(t.grad.dtype).replace("torch.", "")
        np.testing.assert_allclose(e.grad.numpy(), t.grad.resolve_conj().numpy(), rtol=tol["rtol"] * 5,
                                   atol=tol["atol"] * 5)


def _z(T):
    return (T.tensor([[1 + 2j, -0.5 + 0.25j], [0.75 - 1j, 2j]]),)


REFUSED = [
    ("lt", lambda T, x: x < x), ("gt", lambda T, x: x > 1), ("le", lambda T, x: x.le(x)),
    ("ge", lambda T, x: x.ge(1)), ("max", lambda T, x: x.max()), ("min", lambda T, x: x.min()),
    ("max_dim", lambda T, x: T.max(x, 0)), ("min_dim", lambda T, x: x.min(1)),
    ("amax", lambda T, x: x.amax()), ("amin", lambda T, x: x.amin(0)),
    ("argmax", lambda T, x: x.argmax()), ("argmin", lambda T, x: x.argmin()),
    ("maximum", lambda T, x: T.maximum(x, x)), ("minimum", lambda T, x: T.minimum(x, x)),
    ("clamp", lambda T, x: x.clamp(0, 1)), ("clamp_min", lambda T, x: x.clamp(min=0)),
    ("clamp_max", lambda T, x: T.clamp(x, max=1)),
    ("sort", lambda T, x: x.sort()), ("topk", lambda T, x: x.topk(1)),
    ("floor", lambda T, x: x.floor()), ("ceil", lambda T, x: x.ceil()),
    ("trunc", lambda T, x: x.trunc()), ("round", lambda T, x: x.round()),
    ("relu", lambda T, x: x.relu()), ("sign", lambda T, x: x.sign()),
    ("remainder", lambda T, x: x % 2), ("floor_divide", lambda T, x: x // 2),
    ("fmod", lambda T, x: x.fmod(2)), ("atan2", lambda T, x: T.atan2(x, x)),
    ("abs_", lambda T, x: x.abs_()), ("unique", lambda T, x: T.unique(x)),
    ("unique_dim", lambda T, x: T.unique(x, dim=0)), ("H_of_1d", lambda T, x: x[0].H),
    ("kthvalue", lambda T, x: x.kthvalue(1)), ("cummax", lambda T, x: x.cummax(0)),
    ("frac", lambda T, x: x.frac()), ("hypot", lambda T, x: T.hypot(x, x)),
    ("erf", lambda T, x: x.erf()), ("lgamma", lambda T, x: x.lgamma()),
    ("digamma", lambda T, x: x.digamma()), ("i0", lambda T, x: x.i0()),
    ("logit", lambda T, x: x.logit()), ("xlogy", lambda T, x: T.xlogy(x, x)),
    ("copysign", lambda T, x: T.copysign(x, x)), ("heaviside", lambda T, x: T.heaviside(x, x)),
    ("deg2rad", lambda T, x: x.deg2rad()), ("rad2deg", lambda T, x: x.rad2deg()),
    ("signbit", lambda T, x: x.signbit()), ("nansum", lambda T, x: x.nansum()),
    ("nanmean", lambda T, x: x.nanmean()), ("hardtanh", lambda T, x: T.nn.functional.hardtanh(x)),
    ("relu6", lambda T, x: T.nn.functional.relu6(x)),
    ("threshold", lambda T, x: T.nn.functional.threshold(x, 0.5, 0.0)),
    ("leaky_relu", lambda T, x: T.nn.functional.leaky_relu(x)),
    ("gelu", lambda T, x: T.nn.functional.gelu(x)),
    ("softplus", lambda T, x: T.nn.functional.softplus(x)),
    ("fmax", lambda T, x: T.fmax(x, x)), ("isposinf", lambda T, x: T.isposinf(x)),
    ("isneginf", lambda T, x: T.isneginf(x)), ("aminmax", lambda T, x: T.aminmax(x)),
    ("mode", lambda T, x: x.mode()), ("searchsorted", lambda T, x: T.searchsorted(x[0], x[1])),
    ("mse_loss", lambda T, x: T.nn.functional.mse_loss(x, x)),
    ("backward", lambda T, x: x.clone().requires_grad_().sum().backward()),
]


@pytest.mark.parametrize("name,op", REFUSED, ids=[r[0] for r in REFUSED])
def test_refusals_of_complex_as_pytorch(name, op):
    check_error(_z, op)


def test_equality_of_complex():
    check(lambda T: (_z(T)[0] == _z(T)[0].conj(), _z(T)[0] != 1 + 2j, T.eq(_z(T)[0], 2j),
                     T.equal(_z(T)[0], _z(T)[0]), T.isclose(_z(T)[0], _z(T)[0] + 1e-9)))


def test_complex_scalar_backward_refused_real_loss_gets_real_grad():
    def f(T):
        x = T.tensor([0.5, -1.0], requires_grad=True)
        y = (x * (1 + 2j)).abs().sum()
        y.backward()
        return x.grad, y
    check(f)
