"""The rarer summaries of SummaryWriter, as PyTorch's summary.py makes them:
raw tensors, raw histograms, precision-recall curves, custom-scalar
layouts and audio clips."""
import io
import wave

from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.plugins.custom_scalar import layout_pb2
from tensorboard.plugins.pr_curve.plugin_data_pb2 import PrCurvePluginData

from ..._backend import np
from ... import _dtype as D
from ._convert import make_np

__all__ = ["tensor_proto", "histogram_raw", "pr_curve", "pr_curve_raw", "custom_scalars",
           "audio"]


def _half_bits(t):
    """float16/bfloat16 values for TensorProto's half_val: as PyTorch writes
    them, the bits of each value as a float32, read as an int32."""
    return t.detach().float().numpy().reshape(-1).view(np.int32).tolist()


def _values(t):
    return t.detach().numpy().reshape(-1).tolist()


def _complex(t):
    return np.stack([t.detach().numpy().real, t.detach().numpy().imag], -1).reshape(-1).tolist()


_TENSOR_TYPES = {
    D.float16: ("DT_HALF", "half_val", _half_bits),
    D.bfloat16: ("DT_BFLOAT16", "half_val", _half_bits),
    D.float32: ("DT_FLOAT", "float_val", _values),
    D.float64: ("DT_DOUBLE", "double_val", _values),
    D.int8: ("DT_INT8", "int_val", _values),
    D.uint8: ("DT_UINT8", "uint32_val", _values),
    D.int16: ("DT_INT16", "int_val", _values),
    D.int32: ("DT_INT32", "int_val", _values),
    D.int64: ("DT_INT64", "int64_val", _values),
    D.complex64: ("DT_COMPLEX64", "scomplex_val", _complex),
    D.bool_: ("DT_BOOL", "bool_val", _values),
    D.complex128: ("DT_COMPLEX128", "dcomplex_val", _complex),
}


def tensor_proto(tag, tensor):
    if tensor.numel() * tensor.element_size() >= (1 << 31):
        raise ValueError("tensor is bigger than protocol buffer's hard limit of 2GB in size")
    if tensor.dtype not in _TENSOR_TYPES:
        raise ValueError(f"{tag} has unsupported tensor dtype {tensor.dtype}")
    kind, field, convert = _TENSOR_TYPES[tensor.dtype]
    proto = TensorProto(dtype=kind, tensor_shape=TensorShapeProto(
        dim=[TensorShapeProto.Dim(size=x) for x in tensor.shape]), **{field: convert(tensor)})
    metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="tensor"))
    return Summary(value=[Summary.Value(tag=tag, metadata=metadata, tensor=proto)])


def histogram_raw(name, min, max, num, sum, sum_squares, bucket_limits, bucket_counts):
    hist = HistogramProto(min=min, max=max, num=num, sum=sum, sum_squares=sum_squares,
                          bucket_limit=bucket_limits, bucket=bucket_counts)
    return Summary(value=[Summary.Value(tag=name, histo=hist)])


def _pr_summary(tag, data, num_thresholds):
    content = PrCurvePluginData(version=0, num_thresholds=num_thresholds).SerializeToString()
    metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(
        plugin_name="pr_curves", content=content))
    proto = TensorProto(dtype="DT_FLOAT", float_val=data.reshape(-1).tolist(),
                        tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=s)
                                                           for s in data.shape[:2]]))
    return Summary(value=[Summary.Value(tag=tag, metadata=metadata, tensor=proto)])


def pr_curve_raw(tag, tp, fp, tn, fn, precision, recall, num_thresholds=127, weights=None):
    # (more than 127 thresholds breaks the protobuf, PyTorch says)
    return _pr_summary(tag, np.stack((tp, fp, tn, fn, precision, recall)),
                       min(num_thresholds, 127))


def pr_curve(tag, labels, predictions, num_thresholds=127, weights=None):
    num_thresholds = min(num_thresholds, 127)
    return _pr_summary(tag, compute_curve(labels, predictions, num_thresholds, weights),
                       num_thresholds)


def compute_curve(labels, predictions, num_thresholds=None, weights=None):
    """True/false positives and negatives, precision and recall at each
    threshold (TensorBoard's pr_curve plugin's own computation)."""
    minimum_count = 1e-7
    weights = 1.0 if weights is None else weights
    buckets = np.int32(np.floor(predictions * (num_thresholds - 1)))
    float_labels = labels.astype(np.float64)
    span = (0, num_thresholds - 1)
    tp_buckets, _ = np.histogram(buckets, bins=num_thresholds, range=span,
                                 weights=float_labels * weights)
    fp_buckets, _ = np.histogram(buckets, bins=num_thresholds, range=span,
                                 weights=(1.0 - float_labels) * weights)
    tp = np.cumsum(tp_buckets[::-1])[::-1]
    fp = np.cumsum(fp_buckets[::-1])[::-1]
    tn, fn = fp[0] - fp, tp[0] - tp
    precision = tp / np.maximum(minimum_count, tp + fp)
    recall = tp / np.maximum(minimum_count, tp + fn)
    return np.stack((tp, fp, tn, fn, precision, recall))


def custom_scalars(layout):
    """{category: {chart title: ["Multiline", tags] or ["Margin", [value,
    lower, upper]]}} as the custom_scalars plugin's layout."""
    categories = []
    for category, charts_of in layout.items():
        charts = []
        for title, (kind, tags) in charts_of.items():
            if kind == "Margin":
                if len(tags) != 3:
                    raise AssertionError("len(tags) != 3")
                charts.append(layout_pb2.Chart(title=title, margin=layout_pb2.MarginChartContent(
                    series=[layout_pb2.MarginChartContent.Series(value=tags[0], lower=tags[1],
                                                                 upper=tags[2])])))
            else:
                charts.append(layout_pb2.Chart(
                    title=title, multiline=layout_pb2.MultilineChartContent(tag=tags)))
        categories.append(layout_pb2.Category(title=category, chart=charts))
    metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(
        plugin_name="custom_scalars"))
    proto = TensorProto(dtype="DT_STRING", tensor_shape=TensorShapeProto(),
                        string_val=[layout_pb2.Layout(category=categories).SerializeToString()])
    return Summary(value=[Summary.Value(tag="custom_scalars__config__", tensor=proto,
                                        metadata=metadata)])


def audio(tag, tensor, sample_rate=44100):
    """A mono clip with values in [-1, 1], as 16-bit WAV."""
    array = make_np(tensor).squeeze()
    if abs(array).max() > 1:
        print("warning: audio amplitude out of range, auto clipped.")
        array = array.clip(-1, 1)
    if array.ndim != 1:
        raise AssertionError("input tensor should be 1 dimensional.")
    array = (array * np.iinfo(np.int16).max).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(array.data)
    clip = Summary.Audio(sample_rate=sample_rate, num_channels=1, length_frames=array.shape[-1],
                         encoded_audio_string=out.getvalue(), content_type="audio/wav")
    return Summary(value=[Summary.Value(tag=tag, audio=clip)])
