"""Calls missing a required argument: PyTorch's argument parser's TypeError.

`torch.gather(x, 0)` says `gather() missing 1 required positional arguments:
"index"` (PyTorch's wording), `torch.add(x)` lists add's signature, `x.view()`
lists view's overloads; Ember's functions would raise Python's own binding
error. The names below come from sweeping every function, nn.functional
function and Tensor method both libraries have, called with nothing and with
one tensor (ops/_missing.py, ops/_parser_signatures_*.py).
"""
import pytest

from compare_torch import check

FUNCTION_NO_ARGUMENTS = """
    acos_ acosh_ adaptive_avg_pool1d adaptive_max_pool1d add addbmm addcdiv addcmul addmm
    addmv addmv_ addr adjoint affine_grid_generator alias_copy all allclose alpha_dropout
    alpha_dropout_ amax amin aminmax angle any arange arccos_ arccosh_ arcsin_ arcsinh_
    arctan2 arctan_ arctanh_ argmax argmin argsort argwhere as_strided_copy
    as_strided_scatter asarray asin_ asinh_ atan2 atan_ atanh_ avg_pool1d baddbmm
    bartlett_window batch_norm bilinear binary_cross_entropy_with_logits bincount
    bitwise_and bitwise_left_shift bitwise_or bitwise_right_shift bitwise_xor
    blackman_window bmm broadcast_to bucketize cat ceil ceil_ celu celu_ channel_shuffle
    cholesky cholesky_inverse cholesky_solve clamp clamp_ clamp_max_ clamp_min_ clip
    column_stack combinations complex concat concatenate constant_pad_nd conv1d conv2d
    conv3d conv_transpose1d conv_transpose2d conv_transpose3d convolution copysign corrcoef
    cos_ cosh_ cosine_embedding_loss cosine_similarity count_nonzero cov cross ctc_loss
    cummax cummin cumprod cumsum cumulative_trapezoid deg2rad_ det diag diag_embed diagflat
    diagonal diagonal_copy diagonal_scatter diff digamma dist div divide dot dropout
    dropout_ dsplit dstack embedding embedding_bag embedding_renorm_ empty empty_like
    empty_strided eq equal erf erf_ erfc erfc_ erfinv exp2_ exp_ expand_copy expm1_ eye
    feature_alpha_dropout feature_alpha_dropout_ feature_dropout feature_dropout_ fix fix_
    flip fliplr flipud float_power floor floor_ floor_divide fmax fmin fmod frac frac_ frexp
    frobenius_norm frombuffer full full_like gather gcd gcd_ ge geqrf ger gradient greater
    greater_equal grid_sampler grid_sampler_2d grid_sampler_3d group_norm gru_cell gt
    hamming_window hann_window hardshrink heaviside hinge_embedding_loss histc histogram
    histogramdd hsplit hstack hypot i0 i0_ igamma igammac index_add index_copy index_fill
    index_put index_put_ index_reduce index_select inner instance_norm inverse isclose isin
    isneginf isposinf isreal kaiser_window kl_div kron kthvalue layer_norm lcm lcm_ ldexp
    ldexp_ le lerp less less_equal lgamma linspace log10_ log1p_ log2_ log_ log_softmax
    logaddexp logaddexp2 logcumsumexp logdet logical_and logical_or logical_xor logit logit_
    logspace logsumexp lstm_cell lt lu_solve lu_unpack margin_ranking_loss masked_fill
    masked_scatter masked_select matmul matrix_exp matrix_power max max_pool1d
    max_pool1d_with_indices max_pool2d max_pool3d mean median min mm mode moveaxis movedim
    msort mul multiply mv mvlgamma nan_to_num nan_to_num_ nanmean nanmedian nanquantile
    nansum narrow_copy native_batch_norm native_channel_shuffle native_dropout
    native_group_norm native_layer_norm ne neg_ negative_ nextafter normal not_equal
    nuclear_norm ones ones_like orgqr outer pairwise_distance pdist permute_copy pinverse
    pixel_shuffle pixel_unshuffle poisson_nll_loss polar polygamma positive pow prelu prod
    put qr quantile rad2deg_ rand rand_like randint randint_like randn randn_like randperm
    range ravel reciprocal_ relu_ remainder renorm rms_norm rnn_relu_cell rnn_tanh_cell roll
    rot90 round round_ row_stack rrelu rrelu_ rsqrt_ rsub scalar_tensor scatter scatter_add
    scatter_reduce searchsorted select_copy select_scatter selu selu_ sigmoid_ signbit sin_
    sinc sinc_ sinh_ slice_copy slice_scatter slogdet softmax sort split_copy
    split_with_sizes split_with_sizes_copy sqrt_ square square_ squeeze_copy stack std
    std_mean sub subtract sum svd t_copy take take_along_dim tan_ tanh_ tensor tensor_split
    threshold threshold_ tile topk trace transpose_copy trapezoid trapz triangular_solve
    tril tril_indices triplet_margin_loss triu triu_indices true_divide trunc trunc_
    unbind_copy unfold_copy unsafe_chunk unsafe_split unsafe_split_with_sizes unsqueeze_copy
    vander var var_mean vdot view_copy vsplit vstack where xlogy xlogy_ zeros zeros_like
""".split()

FUNCTION_ONE_TENSOR = """
    adaptive_avg_pool1d adaptive_max_pool1d add addbmm addcdiv addcmul addmm addmv addmv_
    addr affine_grid_generator allclose alpha_dropout alpha_dropout_ arctan2 as_strided_copy
    as_strided_scatter atan2 avg_pool1d baddbmm batch_norm bilinear
    binary_cross_entropy_with_logits bitwise_and bitwise_left_shift bitwise_or
    bitwise_right_shift bitwise_xor bmm broadcast_to bucketize channel_shuffle
    cholesky_solve clamp_max_ clamp_min_ complex constant_pad_nd conv1d conv2d conv3d
    conv_transpose1d conv_transpose2d conv_transpose3d convolution copysign
    cosine_embedding_loss cosine_similarity cross ctc_loss cummax cummin cumprod cumsum
    diagonal_scatter dist div divide dot dropout dropout_ embedding embedding_bag
    embedding_renorm_ eq equal expand_copy feature_alpha_dropout feature_alpha_dropout_
    feature_dropout feature_dropout_ flip float_power floor_divide fmax fmin fmod
    frobenius_norm frombuffer full_like gather gcd gcd_ ge ger greater greater_equal
    grid_sampler grid_sampler_2d grid_sampler_3d group_norm gru_cell gt heaviside
    hinge_embedding_loss histogramdd hypot igamma igammac index_add index_copy index_fill
    index_put index_put_ index_reduce index_select inner instance_norm isclose isin kl_div
    kron kthvalue layer_norm lcm lcm_ ldexp ldexp_ le lerp less less_equal linspace
    log_softmax logaddexp logaddexp2 logcumsumexp logical_and logical_or logical_xor
    logspace logsumexp lstm_cell lt lu_solve lu_unpack margin_ranking_loss masked_fill
    masked_scatter masked_select matmul matrix_power max_pool1d max_pool1d_with_indices
    max_pool2d max_pool3d mm moveaxis movedim mul multiply mv mvlgamma nanquantile
    narrow_copy native_batch_norm native_channel_shuffle native_dropout native_group_norm
    native_layer_norm ne nextafter not_equal orgqr outer pairwise_distance permute
    permute_copy pixel_shuffle pixel_unshuffle poisson_nll_loss polar pow prelu put quantile
    randint remainder renorm rms_norm rnn_relu_cell rnn_tanh_cell roll rsub scatter
    scatter_add scatter_reduce searchsorted select_copy select_scatter slice_scatter softmax
    split_copy split_with_sizes split_with_sizes_copy sub subtract take take_along_dim
    threshold threshold_ tile topk transpose_copy triangular_solve triplet_margin_loss
    true_divide unfold_copy unsafe_chunk unsafe_split unsafe_split_with_sizes unsqueeze_copy
    vdot view_copy xlogy xlogy_
""".split()

NN_NO_ARGUMENTS = """
    adaptive_avg_pool1d avg_pool1d avg_pool2d avg_pool3d bilinear celu_ channel_shuffle
    conv1d conv2d conv3d conv_transpose1d conv_transpose2d conv_transpose3d
    cosine_similarity gelu hardshrink linear logsigmoid native_channel_shuffle one_hot
    pairwise_distance pdist pixel_shuffle pixel_unshuffle prelu rrelu_
    scaled_dot_product_attention selu_ softplus softshrink threshold_
""".split()

NN_ONE_TENSOR = """
    adaptive_avg_pool1d avg_pool1d avg_pool2d avg_pool3d bilinear channel_shuffle conv1d
    conv2d conv3d conv_transpose1d conv_transpose2d conv_transpose3d cosine_similarity
    linear native_channel_shuffle pairwise_distance pixel_shuffle pixel_unshuffle prelu
    scaled_dot_product_attention threshold_
""".split()

METHOD_NO_ARGUMENTS = """
    add addbmm addcdiv addcmul addmm addmv addr allclose arctan2 as_strided_scatter atan2
    baddbmm bitwise_and bitwise_left_shift bitwise_or bitwise_right_shift bitwise_xor bmm
    broadcast_to cholesky_solve copysign cross cummax cummin cumprod cumsum diagonal_scatter
    dist div divide dot eq equal expand flip float_power floor_divide fmax fmin fmod gcd ge
    ger greater greater_equal gt heaviside hypot igamma igammac index_add index_copy
    index_fill index_put index_reduce index_select inner isclose kron kthvalue lcm ldexp le
    lerp less less_equal log_softmax logaddexp logaddexp2 logcumsumexp logical_and
    logical_or logical_xor logsumexp lt masked_fill masked_scatter masked_select matmul
    matrix_power mm moveaxis movedim mul multiply mv mvlgamma nanquantile ne new_empty
    new_ones new_zeros nextafter not_equal orgqr outer permute polygamma pow prelu put
    quantile remainder renorm repeat reshape roll scatter scatter_add scatter_reduce
    select_scatter slice_scatter softmax split_with_sizes sub subtract take take_along_dim
    tile topk triangular_solve true_divide unsafe_chunk unsafe_split unsafe_split_with_sizes
    vdot view where xlogy
""".split()


def _x(T):
    return T.ones(2, 3)


@pytest.mark.parametrize("name", FUNCTION_NO_ARGUMENTS)
def test_function_without_arguments(name):
    check(lambda T: getattr(T, name)())


@pytest.mark.parametrize("name", FUNCTION_ONE_TENSOR)
def test_function_with_only_a_tensor(name):
    check(lambda T: getattr(T, name)(_x(T)))


@pytest.mark.parametrize("name", NN_NO_ARGUMENTS)
def test_nn_function_without_arguments(name):
    check(lambda T: getattr(T.nn.functional, name)())


@pytest.mark.parametrize("name", NN_ONE_TENSOR)
def test_nn_function_with_only_a_tensor(name):
    check(lambda T: getattr(T.nn.functional, name)(_x(T)))


@pytest.mark.parametrize("name", METHOD_NO_ARGUMENTS)
def test_method_without_arguments(name):
    check(lambda T: getattr(_x(T), name)())


@pytest.mark.parametrize("call", [
    lambda T: T.gather(_x(T), 0),                      # one left: "arguments"
    lambda T: T.gather(_x(T), index=T.zeros(2, 3, dtype=T.int64)),   # listed from dim on
    lambda T: T.add(_x(T), alpha=2),                   # one signature listed
    lambda T: T.mul(_x(T), out=T.empty(2, 3)),
    lambda T: T.clamp(min=1, max=2),                   # keywords only: "(max=int, min=int, )"
    lambda T: T.clip(),                                # an alias names itself
    lambda T: T.clamp_(),
    lambda T: T.arctan2(_x(T)),
    lambda T: T.movedim(_x(T)),                        # the function's overloads
    lambda T: _x(T).movedim(),                         # the method's
    lambda T: T.full_like(_x(T)),
    lambda T: T.where(),
    lambda T: _x(T).where(),
    lambda T: T.where(_x(T) > 0, _x(T)),
    lambda T: _x(T).mm(),
    lambda T: T.clamp_max_(_x(T)),                     # the in-place function's overloads
    lambda T: T.cat(),
    lambda T: T.nn.functional.linear(_x(T)),
    lambda T: _x(T).view(),
], ids=["gather_dim", "gather_index_keyword", "add_alpha", "mul_out", "clamp_keywords", "clip",
        "clamp_", "arctan2", "movedim", "method_movedim", "full_like", "where",
        "method_where", "where_two", "method_mm", "clamp_max_", "cat", "linear", "view"])
def test_prefixes(call):
    check(call)


def test_missing_argument_changes_nothing():
    def call(T):
        x, out = _x(T), T.zeros(2, 3)
        try:
            T.mul(x, out=out)
        except TypeError as e:
            return str(e), x, out
    check(call)


@pytest.mark.parametrize("call", [
    lambda T: T.sin(_x(T), _x(T)),
    lambda T: T.mul(_x(T), _x(T), _x(T)),
    lambda T: T.transpose(_x(T), 0, 1, 2),
    lambda T: T.gather(_x(T), 0, T.zeros(2, 3, dtype=T.int64), 1),
], ids=["sin", "mul", "transpose", "gather"])
def test_too_many_arguments_keep_their_words(call):
    # (parameters without defaults: Python's "takes 2 positional arguments",
    # which defaults would make "takes from 0 to 2")
    check(call)
