"""The scatter family's argument checks, with PyTorch's errors: index
dtypes and bounds, and arguments of the wrong type."""
from ._common import Tensor, np
from .selection import _gather_order


def index_array(index, message):
    """The index's array; int32 or int64, else PyTorch's `message`."""
    if not isinstance(index, Tensor) or index._data.dtype not in (np.int32, np.int64):
        raise RuntimeError(message)
    return index._data


def check_bounds(ids, d, size, shape=None):
    """PyTorch's error for the first index outside [0, size) that its kernel
    meets (in the order the gather/scatter kernel visits the index)."""
    if ids.min() < 0 or ids.max() >= size:
        bad = (ids < 0) | (ids >= size)
        if shape is not None and ids.ndim > 1:
            order = _gather_order(shape, d, ids.shape)
            first = np.transpose(ids, order)[np.transpose(bad, order)][0]
        else:
            first = ids[bad][0]
        raise RuntimeError(f"index {first} is out of bounds for dimension {d} with size {size}")


def bool_key(x, idx):
    """The key of a 0-d input: it is written (one element) or not."""
    return (bool(idx.size > 0),)


def is_number(v):
    return isinstance(v, (int, float, bool, complex, np.number, np.bool_))


def _fits(param, v):
    kind = param.split()[0]
    if kind == "Tensor":
        return isinstance(v, Tensor)
    if kind == "int":
        return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))
    return is_number(v)


def invalid_combination(name, args, kwargs, signatures):
    """PyTorch's TypeError for a call that fits none of the method's
    overloads; `signatures`: (parameters, needs a keyword) pairs. An overload
    that takes as many arguments explains which ones did not fit."""
    from .conditional import _arg_type
    got = [_arg_type(a) for a in args] + [f"{k}={_arg_type(v)}" for k, v in kwargs.items()]
    # PyTorch checks an argument against the first overload's parameter of that name.
    first = {}
    for params, _ in signatures:
        for p in params:
            first.setdefault(p.split()[1], p)
    lines = []
    for params, keyword in signatures:
        lines.append(f" * ({', '.join(params)}{', *, str reduce' if keyword else ''})")
        if not kwargs and not keyword and len(params) == len(args):
            marks = [_arg_type(a, True) if _fits(first[p.split()[1]], a)
                     else f"!{_arg_type(a, True)}!"
                     for p, a in zip(params, args)]
            lines.append("      didn't match because some of the arguments have invalid "
                         f"types: ({', '.join(marks)})")
    return TypeError(f"{name}() received an invalid combination of arguments - got "
                     f"({', '.join(got)}), but expected one of:\n" + "\n".join(lines) + "\n")


def need_tensor(value, name, arg, position):
    """PyTorch's TypeError for a non-tensor where a tensor argument goes
    (positions as the method counts them)."""
    if not isinstance(value, Tensor):
        from .conditional import _arg_type
        raise TypeError(f"{name}(): argument '{arg}' (position {position}) must be Tensor, not "
                        f"{_arg_type(value)}")
