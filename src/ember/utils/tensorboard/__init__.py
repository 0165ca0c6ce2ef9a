"""torch.utils.tensorboard: SummaryWriter, writing TensorBoard's event files
through the `tensorboard` package's own event-file writer (an optional extra:
pip install ember[tensorboard]). Without the package, importing this module
raises the ImportError PyTorch's does."""
import tensorboard

if tuple(int(p) for p in getattr(tensorboard, "__version__", "0").split(".")[:2]
         if p.isdigit()) < (1, 15):
    raise ImportError("TensorBoard logging requires TensorBoard version 1.15 or above")

del tensorboard

from .writer import FileWriter, SummaryWriter  # noqa: E402
from tensorboard.summary.writer.record_writer import RecordWriter  # noqa: E402

__all__ = ["FileWriter", "RecordWriter", "SummaryWriter"]
