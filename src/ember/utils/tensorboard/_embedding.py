"""The projector's files for SummaryWriter.add_embedding: tensors.tsv,
metadata.tsv, sprite.png and projector_config.pbtxt."""
import math

from tensorboard.compat import tf
from tensorboard.plugins.projector.projector_config_pb2 import EmbeddingInfo

from ..._backend import np
from ._convert import encode_png, make_grid, make_np

__all__ = ["make_tsv", "make_sprite", "make_mat", "get_embedding_info", "write_pbtxt"]


def _join(a, b):
    # (TensorFlow's gfile has join; tensorboard's stub of it, used without
    # TensorFlow, has it on the filesystem)
    if hasattr(tf.io.gfile, "join"):
        return tf.io.gfile.join(a, b)
    return tf.io.gfile.get_filesystem(a).join(a, b)


def _write(path, data):
    with tf.io.gfile.GFile(path, "wb") as f:
        f.write(data)


def make_tsv(metadata, save_path, metadata_header=None):
    if not metadata_header:
        lines = [str(x) for x in metadata]
    else:
        if len(metadata_header) != len(metadata[0]):
            raise AssertionError("len of header must be equal to the number of columns in "
                                 "metadata")
        lines = ["\t".join(str(e) for e in row) for row in [metadata_header] + list(metadata)]
    _write(_join(save_path, "metadata.tsv"), ("\n".join(lines) + "\n").encode())


def make_sprite(label_img, save_path):
    """The label images tiled into one square sprite (floats in [0, 1])."""
    nrow = math.ceil(label_img.shape[0] ** 0.5)
    chw = make_grid(make_np(label_img), ncols=nrow)
    square = np.zeros((chw.shape[2], chw.shape[2], 3))
    square[:chw.shape[1], :, :] = chw.transpose(1, 2, 0)
    _write(_join(save_path, "sprite.png"),
           encode_png(np.uint8((square * 255).clip(0, 255))))


def make_mat(mat, save_path):
    rows = ["\t".join(str(v.item()) for v in row) for row in mat]
    _write(_join(save_path, "tensors.tsv"), "".join(r + "\n" for r in rows).encode())


def get_embedding_info(metadata, label_img, subdir, global_step, tag):
    info = EmbeddingInfo()
    info.tensor_name = f"{tag}:{str(global_step).zfill(5)}"
    info.tensor_path = _join(subdir, "tensors.tsv")
    if metadata is not None:
        info.metadata_path = _join(subdir, "metadata.tsv")
    if label_img is not None:
        info.sprite.image_path = _join(subdir, "sprite.png")
        info.sprite.single_image_dim.extend([label_img.shape[3], label_img.shape[2]])
    return info


def write_pbtxt(save_path, contents):
    _write(_join(save_path, "projector_config.pbtxt"), contents.encode())
