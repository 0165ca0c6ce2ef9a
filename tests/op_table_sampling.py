"""Sample rows for the vision ops declared in ember/ops/sampling*.py and
ops/padding.py: padding, pixel and channel shuffles, affine grids and grid
sampling (the nn.functional forms are tested in test_nn_vision*.py)."""
from op_table import ANY

A = ANY

OPS = [
    ("constant_pad_nd", lambda T, x: T.constant_pad_nd(x, (1, -1, 0, 2), 0.5),
     [((2, 3, 4), A)], True),
    ("pixel_shuffle", lambda T, x: T.pixel_shuffle(x, 2), [((1, 8, 2, 3), A)], True),
    ("pixel_unshuffle", lambda T, x: T.pixel_unshuffle(x, 2), [((1, 2, 4, 6), A)], True),
    ("channel_shuffle", lambda T, x: T.channel_shuffle(x, 3), [((2, 6, 3), A)], True),
    # (native_channel_shuffle has no derivative in PyTorch: it drives one that has)
    ("native_channel_shuffle",
     lambda T, x: T.native_channel_shuffle(T.arange(24.0).reshape(2, 4, 3).to(x.dtype), 2) * x,
     [((2, 4, 3), A)], True),
    ("affine_grid_generator", lambda T, t: T.affine_grid_generator(t, (2, 3, 4, 5), False),
     [((2, 2, 3), A)], True),
    ("grid_sampler", lambda T, x, g: T.grid_sampler(x, g, 0, 0, False),
     [((2, 3, 4, 5), A), ((2, 3, 2, 2), A)], True),
    ("grid_sampler_2d", lambda T, x, g: T.grid_sampler_2d(x, g, 2, 1, True),
     [((1, 2, 4, 5), A), ((1, 3, 2, 2), A)], True),
    ("grid_sampler_3d", lambda T, x, g: T.grid_sampler_3d(x, g, 0, 2, False),
     [((1, 2, 3, 4, 3), A), ((1, 2, 2, 1, 3), A)], True),
]
