"""DDP communication hooks (default_hooks: allreduce_hook, fp16_compress_hook, bf16_compress_hook)."""
from . import default_hooks  # noqa: F401
