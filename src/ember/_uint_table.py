"""The survey behind _uint_ops.py: how PyTorch 2.13 takes each op of Ember's
catalogue on uint16, uint32 and uint64 tensors (the same for the three).

Found by running every registered op and Tensor method with one, two and
three such tensors, a number or a dim (and, for those that needed them, the
arguments in tests/test_uint_dtypes.py). Names are PyTorch's, functions and
methods alike; namespaced ops as "linalg.x", "special.x", "fft.x",
"nn.functional.x". Ops whose refusal depends on their arguments have rules
in _uint_ops.py.
"""

# Ops PyTorch runs on these dtypes (function and method alike; namespaced ops
# as "linalg.x", "special.x", "fft.x", "nn.functional.x").
_OK = """
_is_view acos acosh adaptive_avg_pool1d adjoint alias_copy all allclose angle any arccos
arccosh arcsin arcsinh arctan arctan2 arctanh argsort asarray asin asinh atan atan2 atanh
atleast_1d atleast_2d atleast_3d bfloat16 bitwise_and bitwise_and_ bitwise_or bitwise_or_
bitwise_xor bitwise_xor_ block_diag bool broadcast_tensors byte cdouble ceil ceil_ cfloat
chain_matmul chalf char chunk clone conj conj_physical conj_physical_ contiguous copy_ copysign
corrcoef cos cosh cov cpu cumprod cumsum data_ptr deg2rad detach detach_ detach_copy diag
diag_embed diagflat diagonal diagonal_copy digamma dim dim_order div divide double element_size
eq eq_ equal erf erfc erfinv exp exp2 expand_as expm1 fft.fft fft.fft2 fft.fftn fft.fftshift
fft.hfft fft.hfft2 fft.hfftn fft.ifft fft.ifft2 fft.ifftn fft.ifftshift fft.ihfft fft.ihfft2
fft.ihfftn fft.irfft fft.irfft2 fft.irfftn fft.rfft fft.rfft2 fft.rfftn fill fill_
fill_diagonal_ fix fix_ flatten flipud float float_power floor floor_ get_device half i0 int
is_complex is_conj is_contiguous is_distributed is_floating_point is_inference is_neg is_pinned
is_same_size is_set_to is_shared is_signed isclose isfinite isinf isnan isneginf isposinf
isreal kron ldexp lgamma linalg.diagonal linalg.vander log log10 log1p log2 logit logsumexp
long module_load msort mul mul_ multiply multiply_ mvlgamma nan_to_num nan_to_num_ nansum
ndimension ne ne_ nelement new new_empty new_ones new_tensor new_zeros
nn.functional.adaptive_avg_pool1d nn.functional.alpha_dropout nn.functional.dropout
nn.functional.dropout1d nn.functional.dropout2d nn.functional.dropout3d
nn.functional.feature_alpha_dropout nn.functional.poisson_nll_loss nn.functional.sigmoid
nn.functional.tanh nn.functional.tanhshrink not_equal not_equal_ numel polygamma positive prod
rad2deg random_ ravel real reciprocal repeat_interleave reshape_as resize_ resize_as resize_as_
resolve_conj resolve_neg roll rot90 round round_ rsqrt set_ short sigmoid signbit sin sinc sinh
size slice_copy slice_scatter sort special.airy_ai special.bessel_j0 special.bessel_j1
special.bessel_y0 special.bessel_y1 special.chebyshev_polynomial_t
special.chebyshev_polynomial_u special.chebyshev_polynomial_v special.chebyshev_polynomial_w
special.digamma special.entr special.erf special.erfc special.erfcx special.erfinv special.exp2
special.expit special.expm1 special.gammaln special.hermite_polynomial_h
special.hermite_polynomial_he special.i0 special.i0e special.i1 special.i1e
special.laguerre_polynomial_l special.legendre_polynomial_p special.log1p special.log_ndtr
special.logit special.logsumexp special.modified_bessel_i0 special.modified_bessel_i1
special.modified_bessel_k0 special.modified_bessel_k1 special.multigammaln special.ndtr
special.ndtri special.psi special.scaled_modified_bessel_k0 special.scaled_modified_bessel_k1
special.shifted_chebyshev_polynomial_t special.shifted_chebyshev_polynomial_u
special.shifted_chebyshev_polynomial_v special.shifted_chebyshev_polynomial_w special.sinc
special.spherical_bessel_j0 special.xlog1py special.xlogy special.zeta split split_copy sqrt
squeeze squeeze_ squeeze_copy storage storage_offset storage_type stride sum t t_ t_copy tan
tanh tensor_split tile to true_divide trunc trunc_ type type_as unbind unbind_copy unique
unique_consecutive unsafe_chunk unsafe_split unsqueeze unsqueeze_ unsqueeze_copy
untyped_storage view_as vsplit xlogy zero_
view expand repeat reshape unflatten permute narrow select transpose swapaxes swapdims movedim
moveaxis flip broadcast_to cat stack hstack vstack dstack column_stack hsplit dsplit
split_with_sizes unsafe_split_with_sizes index_select where select_scatter diagonal_scatter
outer ger meshgrid cartesian_prod unfold as_strided new_full new_empty_strided sum_to_size
is_nonzero nn.functional.embedding_renorm_ embedding nn.functional.embedding
tensor as_tensor zeros ones full empty zeros_like ones_like full_like empty_like
scalar_tensor randint randint_like empty_strided empty_permuted __pos__ __getitem__ __contains__
__truediv__ __rtruediv__ __itruediv__ __mul__ __rmul__ __imul__ __and__ __rand__ __iand__
__or__ __ror__ __ior__ __xor__ __rxor__ __ixor__ __eq__ __ne__ dropout feature_alpha_dropout
alpha_dropout
"""

# Ops whose refusal of these dtypes is their own dtype check, which Ember's
# code makes as PyTorch's does (mean: "could not infer output dtype", the
# in-place float functions: "result type Float can't be cast...").
_OWN_CHECK = """
mean var std var_mean std_mean norm linalg.vector_norm linalg.matrix_norm linalg.norm frexp
nanmean quantile nanquantile linalg.det linalg.inv det inverse imag view_as_real
view_as_complex requires_grad_ exp_ div_ divide_ true_divide_ copysign_ addcdiv addcdiv_
nn.functional.one_hot acos_ acosh_ arccos_ arccosh_ arcsin_ arcsinh_ arctan2_ arctan_ arctanh_
asin_ asinh_ atan2_ atan_ atanh_ cos_ cosh_ deg2rad_ digamma_ erf_ erfc_ erfinv_ exp2_ expm1_
float_power_ i0_ lgamma_ log10_ log1p_ log2_ log_ logit_ rad2deg_ reciprocal_ rsqrt_ sigmoid_
sin_ sinc_ sinh_ sqrt_ tan_ tanh_ xlogy_ ldexp_ bartlett_window blackman_window hamming_window
hann_window kaiser_window fft.fftfreq fft.rfftfreq hash_tensor
cdist complex cosine_similarity frobenius_norm linalg.cond linalg.pinv linalg.qr linalg.svd
linalg.svdvals linalg.vecdot pinverse polar qr svd nn.functional.cosine_similarity
nn.functional.cross_entropy nn.functional.gumbel_softmax nn.functional.normalize
"""

# Ops the survey could not run with simple arguments (and no case of
# tests/test_uint_dtypes.py runs yet): refused under their own names.
_UNSURE = """
affine_grid_generator as_strided_ as_strided_copy as_strided_scatter batch_norm bilinear
cholesky cholesky_inverse cholesky_solve constant_pad_nd conv3d conv_transpose1d
conv_transpose2d conv_transpose3d convolution cosine_embedding_loss ctc_loss embedding_bag
expand_copy feature_dropout feature_dropout_ geometric_ grid_sampler grid_sampler_2d
grid_sampler_3d group_norm gru_cell index_reduce index_reduce_ instance_norm istft kl_div
layer_norm linalg.cholesky linalg.cholesky_ex linalg.eig linalg.eigh linalg.eigvals
linalg.eigvalsh linalg.householder_product linalg.inv_ex linalg.lstsq linalg.lu_solve
linalg.matrix_exp linalg.matrix_power linalg.matrix_rank linalg.multi_dot linalg.slogdet
linalg.solve linalg.solve_ex linalg.solve_triangular linalg.tensorinv linalg.tensorsolve logdet
lstm_cell lu_solve lu_unpack matrix_exp matrix_power max_pool2d max_pool3d multinomial
mvlgamma_ narrow_copy native_batch_norm native_dropout native_group_norm native_layer_norm
nuclear_norm orgqr pdist permute_copy pixel_shuffle pixel_unshuffle poisson_nll_loss polygamma_
prelu renorm renorm_ rms_norm rnn_relu_cell rnn_tanh_cell select_copy slogdet special.polygamma
split_with_sizes_copy swapaxes_ swapdims_ threshold threshold_ transpose_ transpose_copy
triangular_solve unfold_copy vander view_copy cauchy_ exponential_ binomial native_norm
matrix_rank pca_lowrank svd_lowrank
"""

# PyTorch's kernel refusing them: kernel -> the ops it refuses.
_REFUSED = {
    "GeluKernelImpl": "nn.functional.gelu",
    "abs_cpu": "__abs__ abs abs_ absolute absolute_ nn.functional.softsign",
    "adaptive_max_pool2d": "adaptive_max_pool1d nn.functional.adaptive_max_pool1d "
                           "nn.functional.adaptive_max_pool1d_with_indices",
    "add_stub": "add add_ cumulative_trapezoid dist gradient hinge_embedding_loss "
                "margin_ranking_loss nn.functional.hinge_embedding_loss nn.functional.l1_loss "
                "nn.functional.margin_ranking_loss nn.functional.max_unpool1d "
                "nn.functional.max_unpool2d nn.functional.max_unpool3d "
                "nn.functional.pairwise_distance nn.functional.triplet_margin_loss "
                "nn.functional.triplet_margin_with_distance_loss pairwise_distance rsub sub "
                "sub_ subtract subtract_ trapezoid triplet_margin_loss __add__ __radd__ "
                "__iadd__ __sub__ __rsub__ __isub__",
    "addcmul_cpu_out": "addcmul addcmul_",
    "addmm_impl_cpu_": "inner nn.functional.linear nn.functional.linear_cross_entropy mm "
                       "matmul linalg.matmul addmm addmm_ __matmul__ __rmatmul__",
    "addmv_impl_cpu": "mv addmv addmv_",
    "bmm": "bmm baddbmm baddbmm_ addbmm addbmm_ einsum",
    "dot": "dot vdot tensordot",
    "aminmax_cpu": "aminmax histc",
    "arange_cpu": "arange nn.functional.embedding_bag",
    "linspace_cpu": "linspace",
    "eye": "eye",
    "randperm": "randperm",
    "argmax_cpu": "argmax",
    "argmin_cpu": "argmin",
    "avg_pool2d": "avg_pool1d nn.functional.avg_pool1d nn.functional.avg_pool2d",
    "max_pool2d": "max_pool1d_with_indices nn.functional.max_pool1d_with_indices "
                  "nn.functional.max_pool2d",
    "bernoulli_scalar_cpu_": "bernoulli_",
    "bernoulli_tensor_cpu_self_": "bernoulli",
    "binary_cross_entropy": "nn.functional.binary_cross_entropy",
    "bincount_cpu": "bincount",
    "bitwise_not_cpu": "__invert__ bitwise_not bitwise_not_",
    "check_uniform_bounds": "uniform_ rand rand_like",
    "normal_kernel_cpu": "normal_ randn randn_like normal",
    "logspace_cpu": "logspace",
    "range_cpu": "range",
    "tril_indices": "tril_indices",
    "triu_indices": "triu_indices",
    "clamp_min_scalar_cpu": "nn.functional.relu nn.functional.relu_ relu relu_",
    "clamp_scalar_cpu": "nn.functional.hardtanh nn.functional.hardtanh_ nn.functional.relu6",
    "cross": "cross linalg.cross",
    "cummax_cpu": "cummax",
    "cummin_cpu": "cummin",
    "cumprod_out_cpu": "cumprod_",
    "cumsum_out_cpu": "cumsum_",
    "reflection_pad1d": "stft",
    "poisson_cpu": "poisson",
    "slow_conv2d_cpu": "conv1d conv2d nn.functional.conv1d nn.functional.conv2d",
    "min_all": "nn.functional.multilabel_margin_loss",
    "div_floor_cpu": "floor_divide floor_divide_ nn.functional.group_norm __floordiv__ "
                     "__rfloordiv__ __ifloordiv__",
    "elu_cpu": "celu celu_ nn.functional.celu nn.functional.celu_ nn.functional.elu "
               "nn.functional.elu_ nn.functional.selu nn.functional.selu_ selu selu_",
    "flip_cpu": "fliplr",
    "fmod_cpu": "fmod fmod_",
    "frac_cpu": "frac frac_",
    "gcd_cpu": "gcd gcd_",
    "ge_cpu": "ge ge_ greater_equal greater_equal_ __ge__",
    "geqrf_cpu": "geqrf",
    "glu_cpu": "nn.functional.glu",
    "gt_cpu": "greater greater_ gt gt_ __gt__",
    "hardshrink_cpu": "hardshrink nn.functional.hardshrink",
    "hardsigmoid_cpu": "nn.functional.hardsigmoid",
    "hardswish_cpu": "nn.functional.hardswish",
    "heaviside_cpu": "heaviside heaviside_",
    "histogramdd": "histogram histogramdd",
    "huber_cpu": "nn.functional.huber_loss",
    "hypot_cpu": "hypot hypot_",
    "igamma_cpu": "igamma igamma_ special.gammainc",
    "igammac_cpu": "igammac igammac_ special.gammaincc",
    "kthvalue_cpu": "kthvalue",
    "lcm_cpu": "lcm lcm_",
    "le_cpu": "le le_ less_equal less_equal_ __le__",
    "leaky_relu_cpu": "nn.functional.leaky_relu nn.functional.leaky_relu_ nn.functional.rrelu "
                      "nn.functional.rrelu_ rrelu rrelu_",
    "log_normal_cpu": "log_normal_",
    "log_sigmoid_cpu": "binary_cross_entropy_with_logits "
                       "nn.functional.binary_cross_entropy_with_logits nn.functional.logsigmoid "
                       "nn.functional.multilabel_soft_margin_loss",
    "log_softmax_kernel_impl": "log_softmax special.log_softmax",
    "log_softmax_lastdim_kernel_impl": "nn.functional.log_softmax",
    "logaddexp2_cpu": "logaddexp2",
    "logaddexp_cpu": "logaddexp",
    "logcumsumexp_out_cpu": "logcumsumexp",
    "logical_and_cpu": "logical_and logical_and_",
    "logical_not_cpu": "logical_not logical_not_",
    "logical_or_cpu": "logical_or logical_or_",
    "logical_xor_cpu": "logical_xor logical_xor_",
    "lshift_cpu": "bitwise_left_shift bitwise_left_shift_ __lshift__ __rlshift__ __ilshift__",
    "lt_cpu": "less less_ lt lt_ nn.functional.gaussian_nll_loss __lt__",
    "lu_cpu": "linalg.lu linalg.lu_factor linalg.lu_factor_ex lu",
    "max_pool1d_impl": "max_pool1d nn.functional.max_pool1d",
    "max_values_cpu": "amax",
    "maximum_cpu": "clamp_min clamp_min_ fmax maximum",
    "median_cpu": "median nanmedian",
    "min_values_cpu": "amin",
    "minimum_cpu": "clamp_max clamp_max_ fmin minimum",
    "mish_cpu": "nn.functional.mish",
    "mode_cpu": "mode",
    "mse_cpu": "nn.functional.mse_loss",
    "neg_cpu": "__neg__ neg neg_ negative negative_ nn.functional.soft_margin_loss "
               "nn.functional.softmin",
    "nextafter_cpu": "nextafter nextafter_",
    "nonzero_count_cpu": "argwhere nonzero nonzero_static",
    "pow": "nn.functional.lp_pool1d nn.functional.lp_pool2d square square_ __rpow__",
    "remainder_cpu": "remainder remainder_ __mod__ __rmod__ __imod__",
    "round_vml_cpu": "special.round",
    "rshift_cpu": "bitwise_right_shift bitwise_right_shift_ __rshift__ __rrshift__ __irshift__",
    "searchsorted_out_cpu": "searchsorted bucketize",
    "sign_cpu": "sgn sgn_ sign sign_",
    "silu_cpu": "nn.functional.silu",
    "smooth_l1_cpu": "nn.functional.smooth_l1_loss",
    "softmax_kernel_impl": "softmax special.softmax",
    "softmax_lastdim_kernel_impl": "nn.functional.softmax",
    "softplus_cpu": "nn.functional.softplus",
    "softshrink_check": "nn.functional.softshrink",
    "topk_cpu": "topk",
    "trace": "trace",
    "tril": "tril tril_",
    "triu": "triu triu_",
    "scatter_gather_tensor_cpu": "gather take_along_dim scatter_add scatter_add_ scatter_reduce "
                                 "scatter_reduce_ index_add index_add_",
    "take_cpu": "take",
    "take_put_cpu": "put put_",
    "masked_select": "masked_select combinations",
    "masked_fill": "masked_fill masked_fill_",
    "masked_scatter": "masked_scatter masked_scatter_",
    "index_copy_cpu": "index_copy index_copy_",
    "index_fill_cpu": "index_fill index_fill_",
    "index_put": "index_put index_put_",
    "channel_shuffle": "nn.functional.channel_shuffle channel_shuffle "
                       "nn.functional.native_channel_shuffle native_channel_shuffle",
    "compute_indices_weights_nearest": "nn.functional.interpolate",
}
