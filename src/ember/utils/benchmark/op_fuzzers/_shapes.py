"""The parameters both elementwise fuzzers draw, in PyTorch's order (the
order fixes which random numbers each one gets): 1 to 3 dims, each size
log-uniform in [16, 16M] or (one time in five) a power of two, and strides
from slicing steps."""
from ...._backend import np
from ..utils.fuzzer import FuzzedParameter, ParameterAlias

MIN_DIM_SIZE = 16
MAX_DIM_SIZE = 16 * 1024 ** 2
POW_TWO_SIZES = tuple(2 ** i for i in range(int(np.log2(MIN_DIM_SIZE)),
                                            int(np.log2(MAX_DIM_SIZE)) + 1))
STEPS = {1: 0.8, 2: 0.06, 4: 0.06, 8: 0.04, 16: 0.04}


def sizes():
    """dim, k_any_i, k_pow2_i and k_i (the size of dim i)."""
    return [
        FuzzedParameter("dim", distribution={1: 0.3, 2: 0.4, 3: 0.3}, strict=True),
        [FuzzedParameter(name=f"k_any_{i}", minval=MIN_DIM_SIZE, maxval=MAX_DIM_SIZE,
                         distribution="loguniform") for i in range(3)],
        [FuzzedParameter(name=f"k_pow2_{i}",
                         distribution={s: 1. / len(POW_TWO_SIZES) for s in POW_TWO_SIZES})
         for i in range(3)],
        [FuzzedParameter(name=f"k{i}", distribution={ParameterAlias(f"k_any_{i}"): 0.8,
                                                     ParameterAlias(f"k_pow2_{i}"): 0.2},
                         strict=True) for i in range(3)],
    ]


def random_value():
    return FuzzedParameter(name="random_value", minval=0, maxval=2 ** 32 - 1,
                           distribution="uniform")
