"""Ready-made fuzzers for elementwise ops (torch.utils.benchmark.op_fuzzers)."""
