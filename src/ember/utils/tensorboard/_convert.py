"""Arrays for the summaries: tensors and numbers as NumPy arrays, images laid
out HWC (a batch tiled into a grid, as PyTorch's make_grid), PNG encoding,
and matplotlib figures rendered to arrays."""
import io
import struct
import zlib

from ..._backend import np

__all__ = ["make_np", "convert_to_HWC", "make_grid", "encode_png", "figure_to_image"]


def make_np(x):
    """x (a Tensor, a NumPy array or a Python number) as a NumPy array."""
    from ..._tensor import Tensor
    if isinstance(x, np.ndarray):
        return x
    if np.isscalar(x):
        return np.array([x])
    if isinstance(x, Tensor):
        return x.detach().numpy()
    raise NotImplementedError(f"Got {type(x)}, but numpy array or torch tensor are expected.")


def make_grid(images, ncols=8):
    """A batch NCHW (1 or 3 channels) tiled row by row into one CHW image."""
    if not isinstance(images, np.ndarray):
        raise AssertionError("plugin error, should pass numpy array here")
    if images.shape[1] == 1:
        images = np.concatenate([images, images, images], 1)
    if images.ndim != 4 or images.shape[1] != 3:
        raise AssertionError("Input should be a 4D numpy array with 3 channels")
    n, _, h, w = images.shape
    ncols = min(n, ncols)
    nrows = -(-n // ncols)
    canvas = np.zeros((3, h * nrows, w * ncols), dtype=images.dtype)
    for i in range(n):
        y, x = divmod(i, ncols)
        canvas[:, y * h:(y + 1) * h, x * w:(x + 1) * w] = images[i]
    return canvas


def convert_to_HWC(tensor, input_format):
    """An image (or batch, or grey HW plane) in `input_format`'s layout as
    HWC with 3 channels where it had 1 (or none)."""
    if len(set(input_format)) != len(input_format):
        raise AssertionError(f"You can not use the same dimension shorthand twice. "
                             f"        input_format: {input_format}")
    if len(tensor.shape) != len(input_format):
        raise AssertionError(f"size of input tensor and input format are different. "
                             f"        tensor shape: {tensor.shape}, input_format: {input_format}")
    input_format = input_format.upper()
    if len(input_format) == 4:
        nchw = tensor.transpose([input_format.find(c) for c in "NCHW"])
        return make_grid(nchw).transpose(1, 2, 0)
    if len(input_format) == 3:
        hwc = tensor.transpose([input_format.find(c) for c in "HWC"])
        return np.concatenate([hwc, hwc, hwc], 2) if hwc.shape[2] == 1 else hwc
    hw = tensor.transpose([input_format.find(c) for c in "HW"])
    return np.stack([hw, hw, hw], 2)


def encode_png(hwc, size=None):
    """A uint8 HWC image (1 to 4 channels) as PNG bytes, resampled to `size`
    (width, height) with Lanczos if given. PyTorch's writer encodes with
    Pillow, so Ember does too when it is installed: the files then match
    byte for byte (its adaptive row filters and deflate settings are its
    own). Without Pillow, a plain encoder writes the same pixels."""
    hwc = np.ascontiguousarray(hwc, dtype=np.uint8)
    try:
        from PIL import Image
    except ImportError:
        if size is not None and size != hwc.shape[1::-1]:
            raise
        return _plain_png(hwc)
    image = Image.fromarray(hwc[:, :, 0] if hwc.shape[2] == 1 else hwc)
    if size is not None:
        image = image.resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _plain_png(hwc):
    """PNG bytes of one IDAT of unfiltered rows, zlib-compressed."""
    h, w, c = hwc.shape
    color = {1: 0, 2: 4, 3: 2, 4: 6}[c]
    rows = np.concatenate([np.zeros((h, 1), np.uint8),
                           hwc.reshape(h, w * c)], 1)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", w, h, 8, color, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6)) + chunk(b"IEND", b""))


def figure_to_image(figures, close=True):
    """A matplotlib figure (CHW uint8 RGB) or a list of them (NCHW)."""
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    def render(figure):
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        data = np.frombuffer(canvas.buffer_rgba(), dtype=np.uint8)
        w, h = figure.canvas.get_width_height()
        chw = np.moveaxis(data.reshape(h, w, 4)[:, :, :3], 2, 0)
        if close:
            plt.close(figure)
        return chw
    if isinstance(figures, list):
        return np.stack([render(f) for f in figures])
    return render(figures)
