"""torch.nn.utils.rnn: PackedSequence and the functions that pack, pad and
unpad sequences of different lengths, with PyTorch's graphs and errors."""
from collections.abc import Iterable
from typing import NamedTuple

from ..._backend import np
from ... import _creation, _dtype as D
from ..._ranges import arange
from ..._tensor import Tensor
from ...ops import _common as C
from ...ops._registry import grad_fn
from ...ops import shape as S
from ...ops import sorting as _sorting

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence",
           "pad_sequence", "unpad_sequence", "pack_sequence", "unpack_sequence"]


class PackedSequence_(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


def bind(optional, fn):
    return None if optional is None else fn(optional)


class PackedSequence(PackedSequence_):
    """The rows of a batch of sequences, step after step (`data`), with how
    many sequences are still running at each step (`batch_sizes`); the
    permutation that sorted the batch by length and its inverse."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        return super().__new__(cls, *_packed_sequence_init_args(
            data, batch_sizes, sorted_indices, unsorted_indices))

    def pin_memory(self):
        return type(self)(self.data.pin_memory(), self.batch_sizes,
                          bind(self.sorted_indices, lambda t: t.pin_memory()),
                          bind(self.unsorted_indices, lambda t: t.pin_memory()))

    def to(self, *args, **kwargs):
        """data.to(*args, **kwargs); the indices follow data's device,
        batch_sizes stays where it is (as PyTorch)."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        move = lambda t: t.to(data.device)      # noqa: E731
        return type(self)(data, self.batch_sizes, bind(self.sorted_indices, move),
                          bind(self.unsorted_indices, move))

    def cuda(self, *args, **kwargs):
        kwargs["device"] = "cuda"
        return self.to(*args, **kwargs)

    def cpu(self, *args, **kwargs):
        kwargs["device"] = "cpu"
        return self.to(*args, **kwargs)

    def double(self):
        return self.to(dtype=D.float64)

    def float(self):
        return self.to(dtype=D.float32)

    def half(self):
        return self.to(dtype=D.float16)

    def long(self):
        return self.to(dtype=D.int64)

    def int(self):
        return self.to(dtype=D.int32)

    def short(self):
        return self.to(dtype=D.int16)

    def char(self):
        return self.to(dtype=D.int8)

    def byte(self):
        return self.to(dtype=D.uint8)

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return False


def _packed_sequence_init_args(data, batch_sizes=None, sorted_indices=None,
                               unsorted_indices=None):
    if unsorted_indices is None:
        unsorted_indices = invert_permutation(sorted_indices)
    if batch_sizes is not None:
        if batch_sizes.device.type != "cpu":
            raise ValueError(
                "batch_sizes should always be on CPU. Instances of PackedSequence should never "
                "be created manually. They should be instantiated by functions like "
                "pack_sequence and pack_padded_sequences in nn.utils.rnn. "
                "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence")
        return data, batch_sizes, sorted_indices, unsorted_indices
    if not (isinstance(data, (list, tuple)) and len(data) == 2):
        raise AssertionError("Expected data to be a list or tuple of length 2")
    return data[0], data[1], sorted_indices, unsorted_indices


def invert_permutation(permutation):
    if permutation is None:
        return None
    out = _creation.empty_like(permutation)
    return out.scatter_(0, permutation, arange(0, permutation.numel()))


# The gradient of packing puts each row back where it came from (zeros in
# the padding); its own gradient packs again.
PackPaddedSequenceBackward0 = grad_fn(
    "PackPaddedSequenceBackward0",
    input=lambda xp, grad, shape, key: xp.index_backward(grad, shape, key, False))


def _rows(batch_sizes, batch_first):
    """The (time, batch) position of every packed row, time-major."""
    bs = np.asarray(batch_sizes, dtype=np.int64)
    t = np.repeat(np.arange(len(bs)), bs)
    b = np.arange(len(t)) - np.repeat(np.cumsum(bs) - bs, bs)
    return (b, t) if batch_first else (t, b)


def _pack_padded(input, lengths, batch_first):
    """ATen's _pack_padded_sequence: (data, batch_sizes)."""
    x = input._data
    if x.size == 0:
        raise RuntimeError("Cannot pack empty tensors.")
    if lengths._data.ndim != 1:
        raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got "
                           f"{lengths._data.ndim}D cpu Long tensor")
    lens = lengths._data
    batch = x.shape[0 if batch_first else 1]
    if len(lens) != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{len(lens)} (batch_size={batch})")
    if lens[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    if np.any(lens[1:] > lens[:-1]):
        raise RuntimeError(
            "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
            "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence "
            "to sidestep this requirement if you do not need ONNX exportability.")
    steps = int(lens[0])
    batch_sizes = (lens[None, :] > np.arange(steps)[:, None]).sum(1).astype(np.int64)
    key = _rows(batch_sizes, batch_first)
    data = C.recorded(PackPaddedSequenceBackward0, x[key], (input,), (x.shape, key))
    return data, C.wrap(batch_sizes)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    if not isinstance(lengths, Tensor):
        lengths = _creation.as_tensor(lengths, dtype=D.int64)
    else:
        lengths = lengths.to(dtype=D.int64)
    if enforce_sorted:
        sorted_indices = None
    else:
        lengths, sorted_indices = _sorting.sort(lengths, descending=True)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    data, batch_sizes = _pack_padded(input, lengths, batch_first)
    return PackedSequence(data, batch_sizes, sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    batch_sizes = sequence.batch_sizes._data
    max_len = len(batch_sizes)
    if total_length is not None:
        if total_length < max_len:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in "
                f"input, but got total_length={total_length} and max sequence length being "
                f"{max_len}")
        max_len = total_length
    data = sequence.data
    batch = int(batch_sizes[0])
    out = _creation.full((max_len, batch) + tuple(data.shape[1:]), padding_value,
                         dtype=data.dtype)
    # As ATen: one copy per run of steps with the same batch size.
    offset, t, steps = 0, 0, len(batch_sizes)
    while t < steps:
        n = int(batch_sizes[t])
        run = t
        while run < steps and int(batch_sizes[run]) == n:
            run += 1
        rows = (run - t) * n
        out[t:run, :n] = S.narrow(data, 0, offset, rows).view((run - t, n) + tuple(data.shape[1:]))
        offset += rows
        t = run
    lengths = (batch_sizes[None, :] > np.arange(batch)[:, None]).sum(1).astype(np.int64)
    if batch_first:
        out = out.transpose(0, 1)
    lengths = C.wrap(lengths)
    if sequence.unsorted_indices is not None:
        return (out.index_select(0 if batch_first else 1, sequence.unsorted_indices),
                lengths[sequence.unsorted_indices])
    return out, lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    if not isinstance(sequences, Iterable):
        raise RuntimeError("pad_sequence: Expected iterable for input sequences, but got arg "
                           f"of type: {type(sequences)}")
    sequences = tuple(sequences)
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got "
                           f"{padding_side}.")
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    first = sequences[0]
    trailing = tuple(first.shape[1:])
    max_len = max(s.shape[0] for s in sequences)
    batch = len(sequences)
    shape = (batch, max_len) if batch_first else (max_len, batch)
    out = _creation.full(shape + trailing, padding_value, dtype=first.dtype)
    for i, s in enumerate(sequences):
        n = s.shape[0]
        dest = (n,) + trailing
        if not _fits(tuple(s.shape), dest):
            raise C.broadcast_error(dest, tuple(s.shape))
        span = slice(0, n) if padding_side == "right" else slice(max_len - n, max_len)
        out[(i, span) if batch_first else (span, i)] = s
    return out


def _fits(src, dest):
    """Whether copy_ can broadcast `src` into `dest`."""
    return len(src) <= len(dest) and all(a in (1, b) for a, b in zip(src[::-1], dest[::-1]))


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    if not batch_first:
        padded_sequences.transpose_(0, 1)     # (in place, as PyTorch does)
    max_length = padded_sequences.shape[1]
    idx = arange(max_length)
    return [seq[idx < length] for seq, length in zip(padded_sequences, lengths, strict=True)]


def pack_sequence(sequences, enforce_sorted=True):
    lengths = _creation.as_tensor([v.size(0) for v in sequences])
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
