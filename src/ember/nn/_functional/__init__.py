"""nn.functional, one private module per family; nn/functional.py gathers them."""
