"""parameters_to_vector / vector_to_parameters, as torch/nn/utils/convert_parameters.py."""
from ... import _public_name
from ..._tensor import Tensor
from ...utils._params import typename

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters):
    from ... import cat
    return cat([param.view(-1) for param in parameters])


def vector_to_parameters(vec, parameters):
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected {_public_name.name}.Tensor, but got: {typename(vec)}")
    pointer = 0
    for param in parameters:
        num_param = param.numel()
        # As torch: `.data` is replaced, so the parameter views the vector.
        param.data = vec[pointer:pointer + num_param].view_as(param).data
        pointer += num_param
