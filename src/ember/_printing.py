"""Tensor printing, character for character as PyTorch's ``torch/_tensor_str.py``.

The layout rules mirror PyTorch's: one ``_Formatter`` decides, from the
elements that will be shown, whether floats print as integers (``1.``), in
fixed point (``0.5000``) or in scientific notation (``1.0000e-05``) and how
wide every element is; then the nested lists are laid out row by row with
80-column wrapping, summarised with ``...`` past ``threshold`` elements, and
suffixes such as ``dtype=ember.int32`` and ``grad_fn=<SinBackward0>`` are
appended, moving to a new line when they do not fit.
"""
import contextlib
import math

from ._backend import np

from . import _dtype

__all__ = ["format_tensor", "set_printoptions", "get_printoptions", "printoptions"]

_PREFIX = "tensor("


class _PrintOptions:
    """The global print options, with PyTorch's defaults."""

    __slots__ = ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")

    def __init__(self):
        self.precision = 4
        self.threshold = 1000
        self.edgeitems = 3
        self.linewidth = 80
        self.sci_mode = None


PRINT_OPTS = _PrintOptions()

# profile name -> (precision, threshold, edgeitems, linewidth), as in PyTorch.
_PROFILES = {
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}


def set_printoptions(precision=None, threshold=None, edgeitems=None,
                     linewidth=None, profile=None, sci_mode=None):
    """torch.set_printoptions: a profile first, then the explicit options on top.

    As in PyTorch, ``sci_mode`` is always assigned, so any call that does not
    pass it resets it to None (automatic); an unknown profile is ignored.
    """
    if profile is not None and profile in _PROFILES:
        (PRINT_OPTS.precision, PRINT_OPTS.threshold,
         PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth) = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """The current options, as keyword arguments for set_printoptions()."""
    return {name: getattr(PRINT_OPTS, name) for name in _PrintOptions.__slots__}


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change the print options (torch._tensor_str.printoptions)."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


# --------------------------------------------------------------------------
# Element formatting
# --------------------------------------------------------------------------

class _Formatter:
    """Chooses the element format and common width, as torch's _Formatter.

    ``values`` holds the elements that will be printed (the summarised data
    when the tensor is summarised). PyTorch formats every one of them to find
    the widest; here the widest is found from a handful of extreme values,
    because the formatted length only grows with the magnitude of a value of
    a given sign (see ``_width_candidates``).
    """

    def __init__(self, values, floating):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = values.reshape(-1)

        if not floating:
            if flat.size:
                # str() of an int (or bool) is longest at the smallest or largest value.
                extremes = (flat.min().item(), flat.max().item())
                self.max_width = max(1, *(len(str(v)) for v in extremes))
            return

        # Only nonzero finite values decide the mode and width: zeros, nan
        # and inf are formatted afterwards but never widen the column.
        vals = flat[np.isfinite(flat) & (flat != 0)]
        if vals.size == 0:
            return
        # Float16 is widened to double in PyTorch too (1e8 overflows half);
        # the division and comparisons below are in float64.
        vals = vals.astype(np.float64)
        absvals = np.abs(vals)
        vmin, vmax = absvals.min(), absvals.max()

        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        if PRINT_OPTS.sci_mode is None:
            with np.errstate(over="ignore"):  # e.g. 1e200 / 1e-150 is inf: sci, as in torch
                ratio = vmax / vmin
            self.sci_mode = bool(ratio > 1000.0 or vmax > 1.0e8 or vmin < 1.0e-4)
        else:
            self.sci_mode = bool(PRINT_OPTS.sci_mode)

        p = PRINT_OPTS.precision
        if self.sci_mode:
            spec, extra = f".{p}e", 0
        elif self.int_mode:
            # The trailing "." that marks a float ("25.") is one more character.
            spec, extra = ".0f", 1
        else:
            spec, extra = f".{p}f", 0
        self.max_width = max(
            [1] + [len(format(v, spec)) + extra for v in _width_candidates(vals)])

    def format(self, value):
        """One element (a Python float, int or bool), right-aligned to the width."""
        if not self.floating:
            ret = str(value)
        elif self.sci_mode:
            ret = f"{value:{self.max_width}.{PRINT_OPTS.precision}e}"
        elif self.int_mode:
            ret = f"{value:.0f}"
            if math.isfinite(value):
                ret += "."
        else:
            ret = f"{value:.{PRINT_OPTS.precision}f}"
        # No truncation: e.g. "-0.0000" is wider than a width taken from 0.5.
        return ret.rjust(self.max_width)


def _width_candidates(vals):
    """The values whose formatted strings can be the longest.

    For values of one sign, the rounded magnitude is monotonic in the value,
    so fixed-point strings are longest at the largest magnitude; scientific
    strings can also be longest at the smallest magnitude (a three-digit
    negative exponent, e.g. 1e-100). So the smallest and largest of each sign
    suffice.
    """
    out = []
    for part in (vals[vals > 0], vals[vals < 0]):
        if part.size:
            out += [part.min().item(), part.max().item()]
    return out


# --------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------

def _summarized_data(data):
    """The elements that are shown when summarising (torch's get_summarized_data).

    Along every dimension longer than 2 * edgeitems only the first and last
    ``edgeitems`` are kept. With edgeitems == 0 nothing but "..." is shown.
    """
    e = PRINT_OPTS.edgeitems
    if data.ndim == 0:
        return data
    if not e:
        return data[:0]
    for axis, n in enumerate(data.shape):
        if n > 2 * e:
            keep = np.r_[0:e, n - e:n]
            data = np.take(data, keep, axis=axis)
    return data


class _ComplexFormatter:
    """Two formatters, of the real and of the imaginary parts, as PyTorch
    formats a complex element: "1.5000-2.0000j" (the sign glued on)."""

    def __init__(self, real, imag):
        self.real, self.imag = real, imag
        # the imaginary part's width and its "j" count in an element's length
        self.max_width = real.max_width + imag.max_width + 1

    def format(self, value):
        re = self.real.format(value.real)
        im = (self.imag.format(value.imag) + "j").lstrip()
        return re + im if im[0] in "+-" else re + "+" + im


def _vector_str(data, indent, summarize, formatter):
    """A 1-d row: elements joined by ", ", wrapped to the line width."""
    e = PRINT_OPTS.edgeitems
    # Each element takes its width plus ", ".
    element_length = formatter.max_width + 2
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))

    fmt = formatter.format
    if summarize and not e:
        items = ["..."]
    elif summarize and data.shape[0] > 2 * e:
        # " ..." is an element of its own; joined it reads ",  ...,".
        items = ([fmt(v) for v in data[:e].tolist()] + [" ..."]
                 + [fmt(v) for v in data[-e:].tolist()])
    else:
        items = [fmt(v) for v in data.tolist()]

    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str_with_formatter(data, indent, summarize, formatter):
    """Nested brackets; dimension d's slices are separated by d-1 blank lines."""
    dim = data.ndim
    if dim == 0:
        return formatter.format(data.item())
    if dim == 1:
        return _vector_str(data, indent, summarize, formatter)

    e = PRINT_OPTS.edgeitems
    n = data.shape[0]

    def sub(i):
        return _tensor_str_with_formatter(data[i], indent + 1, summarize, formatter)

    if summarize and n > 2 * e:
        slices = ([sub(i) for i in range(e)] + ["..."]
                  + [sub(i) for i in range(n - e, n)])
    else:
        slices = [sub(i) for i in range(n)]
    return "[" + ("," + "\n" * (dim - 1) + " " * (indent + 1)).join(slices) + "]"


def _tensor_str(data, indent, floating):
    """The bracketed contents of a non-empty tensor."""
    summarize = data.size > PRINT_OPTS.threshold
    if data.dtype.kind == "c":
        data = data.astype(np.complex128, copy=False)
        shown = _summarized_data(data) if summarize else data
        formatter = _ComplexFormatter(_Formatter(shown.real, True), _Formatter(shown.imag, True))
        return _tensor_str_with_formatter(data, indent, summarize, formatter)
    if floating:
        # float16/float32 -> float64 is exact and gives Python floats from
        # tolist(), which is what PyTorch formats (tensor.item()).
        data = data.astype(np.float64, copy=False)
    shown = _summarized_data(data) if summarize else data
    formatter = _Formatter(shown, floating)
    return _tensor_str_with_formatter(data, indent, summarize, formatter)


def _add_suffixes(tensor_str, suffixes, indent):
    """Append ", suffix" to the last line, or ",\\n<indent>suffix" if it would not fit."""
    parts = [tensor_str]
    # PyTorch's count (rfind gives -1 when there is no newline): it overstates
    # the last line by 2 without a newline, and by 1 after one. Kept as is.
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def format_tensor(data, dtype, *, suffixes=(), prefix=_PREFIX):
    """repr() of a tensor holding ``data`` (a NumPy array) of ember ``dtype``.

    ``suffixes`` are preformatted strings such as ``"grad_fn=<SinBackward0>"``
    or ``"requires_grad=True"``; they follow the size/dtype suffixes this
    function adds itself.
    """
    data = np.asarray(data)
    indent = len(prefix)
    default = _dtype.get_default_dtype()
    own = []
    if data.size == 0:
        # NumPy-like: the shape is shown unless it is (0,). And with no
        # elements to tell int64 from float, any non-default dtype is shown.
        if data.ndim != 1:
            own.append("size=" + str(tuple(data.shape)))
        if dtype is not default:
            own.append("dtype=" + repr(dtype))
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            # Nothing but "..." is shown, so the shape is given instead.
            own.append("size=" + str(tuple(data.shape)))
        if dtype not in (default, _dtype.default_complex(), _dtype.int64, _dtype.bool_):
            own.append("dtype=" + repr(dtype))
        body = _tensor_str(data, indent, dtype.is_floating_point)
    return _add_suffixes(prefix + body, own + list(suffixes), indent)


def format_meta(data, dtype, suffixes=(), prefix=_PREFIX):
    """repr() of a meta tensor: no values, its size (and any dtype but the
    default: int64 too, unlike a tensor with values)."""
    own = ["device='meta'", "size=" + str(tuple(data.shape))]
    if dtype is not _dtype.get_default_dtype():
        own.append("dtype=" + repr(dtype))
    return _add_suffixes(prefix + "...", own + list(suffixes), len(prefix))


def tensor_repr(t):
    """repr(t): its values, then grad_fn= or requires_grad= and tangent=."""
    from ._tensor import Tensor
    suffixes = ()
    if "_retain_at" in t.__dict__:
        from .autograd._retain import read
        read(t)       # (PyTorch reads grad_fn here, which moves a view's retain_grad)
    if t._grad_fn is not None:
        # (CopySlices' name() is namespaced; the repr shows the bare name)
        suffixes = (f"grad_fn=<{t._grad_fn.name().rsplit('::', 1)[-1]}>",)
    elif t._requires_grad:
        suffixes = ("requires_grad=True",)
    tangent = t.__dict__.get("_fw_grad")
    if tangent is not None:
        suffixes += (f"tangent={tangent!r}",)
    # (a subclass of the user's prints its own name, as PyTorch's _str_intern)
    cls = type(t)
    prefix = "tensor(" if cls is Tensor or cls.__name__ == "Parameter" and \
        cls.__module__.startswith("ember.") else f"{cls.__name__}("
    if t.is_meta:
        text = format_meta(t._data, t.dtype, suffixes, prefix)
    else:
        text = format_tensor(t._data, t.dtype, suffixes=suffixes, prefix=prefix)
    # (a parameter of a subclass of the program's)
    return f"Parameter({text})" if t.__dict__.get("_is_param") else text
