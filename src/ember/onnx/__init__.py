"""ember.onnx: importable, so programs that offer an optional ONNX export
(pytorch/examples' word-language model, for one) run; exporting itself is
not built: `export` raises NotImplementedError before touching any file."""
import enum

__all__ = ["export", "is_in_onnx_export", "OnnxExporterError", "TrainingMode",
           "OperatorExportTypes"]


class OnnxExporterError(RuntimeError):
    """Errors raised by the ONNX exporter (Ember has none to raise)."""


class TrainingMode(enum.IntEnum):
    EVAL = 0
    PRESERVE = 1
    TRAINING = 2


class OperatorExportTypes(enum.IntEnum):
    ONNX = 0
    ONNX_ATEN = 1
    ONNX_ATEN_FALLBACK = 2
    ONNX_FALLTHROUGH = 3


_NOT_BUILT = ("ember.onnx.export is not implemented: Ember cannot write ONNX files (it has "
              "no graph capture to translate). Nothing was written{where}. To export, build "
              "the model in PyTorch, load Ember's state_dict into it (ember.save writes "
              "PyTorch's checkpoint format) and call torch.onnx.export.")


def export(model, args=(), f=None, *, kwargs=None, **options):
    """Not implemented: raises NotImplementedError and writes nothing."""
    where = f" to {f!r}" if f is not None else ""
    raise NotImplementedError(_NOT_BUILT.format(where=where))


def is_in_onnx_export():
    """Whether an ONNX export is running (never, in Ember)."""
    return False
