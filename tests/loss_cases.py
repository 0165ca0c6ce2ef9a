"""Sample calls of every loss in torch.nn.functional, shared by the loss
tests: each case runs the same way in Ember and PyTorch (T is the library)
on inputs made from fixed NumPy arrays, some of which require grad.

A case: (id, f(T, *tensors), [(array maker, requires grad)], smooth) where
`smooth` says whether a second derivative exists to gradgradcheck."""
import numpy as np

REDUCTIONS = ("none", "mean", "sum")


def rng(seed):
    return np.random.default_rng(seed)


def normal(*shape, seed=0):
    return lambda: rng(seed).standard_normal(shape)


def unit(*shape, seed=0, lo=0.05, hi=0.95):
    return lambda: rng(seed).uniform(lo, hi, shape)


def signs(*shape, seed=0):
    return lambda: rng(seed).choice([-1.0, 1.0], shape)


def positive(*shape, seed=0):
    return lambda: rng(seed).uniform(0.3, 2.5, shape)


def ints(values):
    return lambda: np.asarray(values, np.int64)


def away(*shape, seed=0, gap=0.15):
    """Normal values kept `gap` away from 0 (no kinks under finite differences)."""
    def make():
        v = rng(seed).standard_normal(shape)
        return np.where(np.abs(v) < gap, np.sign(v + 1e-9) * (gap + np.abs(v)), v)
    return make


def F(T):
    return T.nn.functional


G, C = True, False        # requires grad, or a constant

CASES = []


def case(name, fn, specs, smooth=True):
    CASES.append((name, fn, specs, smooth))


for r in REDUCTIONS:
    case(f"bce-{r}", lambda T, x, t, r=r: F(T).binary_cross_entropy(x, t, reduction=r),
         [(unit(3, 5), G), (unit(3, 5, seed=1, lo=0.0, hi=1.0), G)])
    case(f"bce-weight-{r}",
         lambda T, x, t, w, r=r: F(T).binary_cross_entropy(x, t, weight=w, reduction=r),
         [(unit(4, 3), G), (unit(4, 3, seed=2), C), (positive(3, seed=3), C)])
    case(f"bcel-{r}", lambda T, x, t, r=r: F(T).binary_cross_entropy_with_logits(
        x, t, reduction=r), [(normal(2, 3, 4), G), (unit(2, 3, 4, seed=1), G)])
    case(f"bcel-weights-{r}", lambda T, x, t, w, pw, r=r: F(T).binary_cross_entropy_with_logits(
        x, t, weight=w, pos_weight=pw, reduction=r),
        [(normal(5, 3), G), (unit(5, 3, seed=1), G), (positive(5, 1, seed=2), C),
         (positive(3, seed=3), C)])
    case(f"smooth_l1-{r}", lambda T, x, t, r=r: F(T).smooth_l1_loss(x, t, reduction=r),
         [(normal(4, 3), G), (normal(4, 3, seed=1), G)])
    case(f"smooth_l1-beta-{r}", lambda T, x, t, r=r: F(T).smooth_l1_loss(
        x, t, reduction=r, beta=0.4), [(normal(7,), G), (normal(7, seed=1), G)])
    case(f"smooth_l1-beta0-{r}", lambda T, x, t, r=r: F(T).smooth_l1_loss(
        x, t, reduction=r, beta=0.0), [(normal(3, 2), G), (normal(3, 2, seed=1), G)])
    case(f"huber-{r}", lambda T, x, t, r=r: F(T).huber_loss(x, t, reduction=r),
         [(normal(4, 3), G), (normal(4, 3, seed=1), G)])
    case(f"huber-delta-weight-{r}", lambda T, x, t, w, r=r: F(T).huber_loss(
        x, t, reduction=r, delta=0.3, weight=w),
        [(normal(2, 5), G), (normal(2, 5, seed=1), G), (positive(2, 5, seed=2), C)])
    case(f"soft_margin-{r}", lambda T, x, t, r=r: F(T).soft_margin_loss(x, t, reduction=r),
         [(normal(3, 4), G), (signs(3, 4, seed=1), C)])
    case(f"multilabel_soft_margin-{r}", lambda T, x, t, r=r: F(T).multilabel_soft_margin_loss(
        x, t, reduction=r), [(normal(3, 5), G), (unit(3, 5, seed=1, lo=0, hi=1), G)])
    case(f"multilabel_soft_margin-weight-{r}", lambda T, x, t, w, r=r:
         F(T).multilabel_soft_margin_loss(x, t, weight=w, reduction=r),
         [(normal(4, 3), G), (signs(4, 3, seed=1), C), (positive(3, seed=2), C)])
    case(f"poisson-{r}", lambda T, x, t, r=r: F(T).poisson_nll_loss(x, t, reduction=r),
         [(normal(3, 4), G), (positive(3, 4, seed=1), G)])
    case(f"poisson-full-{r}", lambda T, x, t, r=r: F(T).poisson_nll_loss(
        x, t, log_input=False, full=True, eps=1e-3, reduction=r),
        [(positive(5, 2), G), (positive(5, 2, seed=1), G)])
    case(f"gaussian-{r}", lambda T, x, t, v, r=r: F(T).gaussian_nll_loss(x, t, v, reduction=r),
         [(normal(4, 3), G), (normal(4, 3, seed=1), G), (positive(4, 3, seed=2), G)])
    case(f"gaussian-homoscedastic-full-{r}", lambda T, x, t, v, r=r: F(T).gaussian_nll_loss(
        x, t, v, full=True, eps=0.5, reduction=r),
        [(normal(2, 3, 4), G), (normal(2, 3, 4, seed=1), G), (positive(2, 3, seed=2), G)])
    case(f"gaussian-float-var-{r}", lambda T, x, t, r=r: F(T).gaussian_nll_loss(
        x, t, 0.7, reduction=r), [(normal(5,), G), (normal(5, seed=1), G)])
    case(f"margin_ranking-{r}", lambda T, a, b, y, r=r: F(T).margin_ranking_loss(
        a, b, y, margin=0.2, reduction=r),
        [(away(6), G), (normal(6, seed=1), G), (signs(6, seed=2), C)])
    case(f"hinge-{r}", lambda T, x, y, r=r: F(T).hinge_embedding_loss(
        x, y, margin=1.3, reduction=r), [(away(3, 4), G), (signs(3, 4, seed=1), C)])
    case(f"multilabel_margin-{r}", lambda T, x, y, r=r: F(T).multilabel_margin_loss(
        x, y, reduction=r),
        [(normal(3, 5), G), (ints([[3, 0, -1, 1, 2], [1, 1, 4, -1, 0], [0, 1, 2, 3, 4]]), C)])
    case(f"multilabel_margin-1d-{r}", lambda T, x, y, r=r: F(T).multilabel_margin_loss(
        x, y, reduction=r), [(normal(4), G), (ints([2, 3, -1, 0]), C)])
    case(f"multi_margin-{r}", lambda T, x, y, r=r: F(T).multi_margin_loss(x, y, reduction=r),
         [(normal(5, 4), G), (ints([0, 3, 1, 1, 2]), C)])
    case(f"multi_margin-p2-weight-{r}", lambda T, x, y, w, r=r: F(T).multi_margin_loss(
        x, y, p=2, margin=0.7, weight=w, reduction=r),
        [(normal(4, 3), G), (ints([2, 0, 1, 2]), C), (positive(3, seed=1), C)])
    case(f"multi_margin-1d-{r}", lambda T, x, y, r=r: F(T).multi_margin_loss(
        x, y, reduction=r), [(normal(6), G), (ints([4]), C)])
    case(f"cosine_embedding-{r}", lambda T, a, b, y, r=r: F(T).cosine_embedding_loss(
        a, b, y, margin=-0.2, reduction=r),
        [(normal(4, 5), G), (normal(4, 5, seed=1), G), (ints([1, -1, 1, -1]), C)])
    case(f"triplet-{r}", lambda T, a, p, n, r=r: F(T).triplet_margin_loss(
        a, p, n, margin=2.0, reduction=r),
        [(normal(4, 3), G), (normal(4, 3, seed=1), G), (normal(4, 3, seed=2), G)])
    case(f"triplet-p1-swap-{r}", lambda T, a, p, n, r=r: F(T).triplet_margin_loss(
        a, p, n, margin=1.5, p=1, eps=1e-3, swap=True, reduction=r),
        [(normal(5, 2), G), (normal(5, 2, seed=1), G), (normal(5, 2, seed=2), G)])
    case(f"triplet_distance-{r}", lambda T, a, p, n, r=r: F(T).triplet_margin_with_distance_loss(
        a, p, n, margin=2.5, reduction=r),
        [(normal(3, 4), G), (normal(3, 4, seed=1), G), (normal(3, 4, seed=2), G)])
    case(f"triplet_distance-fn-swap-{r}", lambda T, a, p, n, r=r:
         F(T).triplet_margin_with_distance_loss(
             a, p, n, distance_function=lambda u, v: 1.0 - T.cosine_similarity(u, v),
             margin=1.2, swap=True, reduction=r),
         [(normal(4, 3), G), (normal(4, 3, seed=1), G), (normal(4, 3, seed=2), G)])
    case(f"kl_div-{r}", lambda T, x, t, r=r: F(T).kl_div(x, t, reduction=r),
         [(normal(3, 4), G), (unit(3, 4, seed=1), G)])
    case(f"kl_div-log_target-{r}", lambda T, x, t, r=r: F(T).kl_div(
        x, t, reduction=r, log_target=True), [(normal(3, 4), G), (normal(3, 4, seed=1), G)])
    case(f"l1-weight-{r}", lambda T, x, t, w, r=r: F(T).l1_loss(x, t, reduction=r, weight=w),
         [(normal(3, 4), G), (normal(3, 4, seed=1), G), (positive(3, 4, seed=2), C)])
    case(f"mse-weight-{r}", lambda T, x, t, w, r=r: F(T).mse_loss(x, t, reduction=r, weight=w),
         [(normal(3, 4), G), (normal(3, 4, seed=1), G), (positive(3, 4, seed=2), C)])
    case(f"nll-3d-{r}", lambda T, x, y, w, r=r: F(T).nll_loss(
        x, y, weight=w, ignore_index=1, reduction=r),
        [(normal(2, 3, 4), G), (ints([[0, 1, 2, 2], [1, 0, 0, 2]]), C), (positive(3), C)])
    case(f"nll-4d-{r}", lambda T, x, y, r=r: F(T).nll_loss(x, y, reduction=r),
         [(normal(2, 3, 2, 3), G), (ints([[[0, 1, 2], [2, 2, 0]], [[1, 1, 0], [0, 2, 1]]]), C)])
    case(f"nll-5d-{r}", lambda T, x, y, r=r: F(T).nll_loss(x, y, reduction=r),
         [(normal(2, 2, 2, 1, 3), G), (ints([[[[0, 1, 1]], [[1, 0, 0]]]] * 2), C)])
    case(f"cross_entropy-3d-smooth-{r}", lambda T, x, y, w, r=r: F(T).cross_entropy(
        x, y, weight=w, ignore_index=2, label_smoothing=0.2, reduction=r),
        [(normal(2, 4, 3), G), (ints([[0, 2, 3], [1, 1, 0]]), C), (positive(4), C)])
    case(f"cross_entropy-4d-probs-{r}", lambda T, x, p, r=r: F(T).cross_entropy(
        x, p, label_smoothing=0.1, reduction=r),
        [(normal(2, 3, 2, 2), G), (unit(2, 3, 2, 2, seed=1), G)])
    case(f"ctc-{r}", lambda T, x, y, r=r: F(T).ctc_loss(
        x.log_softmax(2), y, T.tensor([6, 4, 5]), T.tensor([2, 1, 3]), reduction=r),
        [(normal(6, 3, 4), G), (ints([[1, 2, 0], [3, 0, 0], [2, 2, 1]]), C)], False)
    case(f"ctc-concat-blank-zero_inf-{r}", lambda T, x, y, r=r: F(T).ctc_loss(
        x.log_softmax(2), y, (5, 2), (3, 2), blank=2, reduction=r, zero_infinity=True),
        [(normal(5, 2, 4), G), (ints([0, 1, 1, 3, 3]), C)], False)
    case(f"ctc-unbatched-{r}", lambda T, x, y, r=r: F(T).ctc_loss(
        x.log_softmax(1), y, T.tensor(7), T.tensor(3), reduction=r),
        [(normal(7, 5), G), (ints([4, 1, 4]), C)], False)

# Unbatched / odd shapes, once each
case("nll-3d-permuted", lambda T, x, y: F(T).nll_loss(x.permute(0, 2, 1), y, reduction="none"),
     [(normal(2, 4, 3), G), (ints([[0, 1, 2, 2], [1, 0, 0, 2]]), C)])
case("cross_entropy-5d", lambda T, x, y: F(T).cross_entropy(x, y, ignore_index=0),
     [(normal(2, 3, 2, 1, 2), G), (ints([[[[0, 1]], [[2, 2]]], [[[1, 1]], [[0, 2]]]]), C)])
case("bce-0d", lambda T, x, t: F(T).binary_cross_entropy(x, t), [(unit(), G), (unit(seed=1), G)])
case("bcel-broadcast-pos_weight", lambda T, x, t, pw: F(T).binary_cross_entropy_with_logits(
    x, t, pos_weight=pw), [(normal(2, 3, 4), G), (unit(2, 3, 4, seed=1), G),
                           (positive(3, 1, seed=2), C)])
case("smooth_l1-broadcast", lambda T, x, t: F(T).smooth_l1_loss(x, t),
     [(normal(3, 4), G), (normal(4, seed=1), G)])
case("cosine_embedding-0d-target", lambda T, a, b, y: F(T).cosine_embedding_loss(a, b, y),
     [(normal(5), G), (normal(5, seed=1), G), (ints(-1), C)])
case("kl_div-batchmean", lambda T, x, t: F(T).kl_div(x, t, reduction="batchmean"),
     [(normal(3, 4), G), (unit(3, 4, seed=1), G)])
case("kl_div-legacy", lambda T, x, t: F(T).kl_div(x, t, size_average=False),
     [(normal(3, 4), G), (unit(3, 4, seed=1), G)])
case("cross_entropy-probs-weight", lambda T, x, p, w: F(T).cross_entropy(x, p, weight=w),
     [(normal(3, 4), G), (unit(3, 4, seed=1), G), (positive(4, seed=2), C)])
case("multi_margin-0d-target", lambda T, x, y: F(T).multi_margin_loss(x, y, reduction="none"),
     [(normal(4), G), (ints(2), C)])
case("hinge-legacy-reduce", lambda T, x, y: F(T).hinge_embedding_loss(x, y, reduce=False),
     [(away(5), G), (signs(5, seed=1), C)])
case("torch.binary_cross_entropy_with_logits", lambda T, x, t:
     T.binary_cross_entropy_with_logits(x, t, None, None, 2), [(normal(3), G), (unit(3), G)])
case("torch.kl_div", lambda T, x, t: T.kl_div(x, t, 1, log_target=True),
     [(normal(3), G), (normal(3, seed=1), G)])
case("torch.hinge_embedding_loss", lambda T, x, y: T.hinge_embedding_loss(x, y),
     [(away(4), G), (signs(4, seed=1), C)])
case("torch.margin_ranking_loss", lambda T, a, b, y: T.margin_ranking_loss(a, b, y, 0.1, 2),
     [(away(4), G), (normal(4, seed=1), G), (signs(4, seed=2), C)])
case("torch.poisson_nll_loss", lambda T, x, t: T.poisson_nll_loss(x, t, True, True, 1e-8, 0),
     [(normal(4), G), (positive(4, seed=1), G)])
case("torch.cosine_embedding_loss", lambda T, a, b, y: T.cosine_embedding_loss(a, b, y, 0.1, 1),
     [(normal(3, 2), G), (normal(3, 2, seed=1), G), (ints([1, -1, -1]), C)])
case("torch.triplet_margin_loss", lambda T, a, p, n: T.triplet_margin_loss(a, p, n),
     [(normal(3, 2), G), (normal(3, 2, seed=1), G), (normal(3, 2, seed=2), G)])
case("torch.ctc_loss", lambda T, x, y: T.ctc_loss(x.log_softmax(2), y, (4,), (2,)),
     [(normal(4, 1, 3), G), (ints([[1, 2]]), C)], False)


def tensors(T, specs, dtype):
    """The case's inputs in library T: floating arrays as `dtype`."""
    out = []
    for make, grad in specs:
        a = make()
        if a.dtype.kind == "f":
            t = T.tensor(a, dtype=getattr(T, dtype), requires_grad=grad)
        else:
            t = T.tensor(a)
        out.append(t)
    return out
