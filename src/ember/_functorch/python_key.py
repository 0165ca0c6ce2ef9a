"""functorch.make_fx: tracing into a torch.fx graph, which Ember does not
have; importable (functorch's __init__ imports it), refused when called."""

__all__ = ["make_fx"]


def make_fx(f, *args, **kwargs):
    raise NotImplementedError("ember: make_fx (tracing into a torch.fx graph) is not supported")
