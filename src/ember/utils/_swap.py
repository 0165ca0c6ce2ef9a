"""utils.swap_tensors: two tensors trade contents, each keeping its identity."""
import copyreg
import weakref

__all__ = ["swap_tensors"]


def swap_tensors(t1, t2):
    """Makes t1 hold what t2 held and t2 what t1 held: class, attributes
    (gradient, hooks, version counter included) and data with its autograd
    state, while every reference to t1 (an optimizer's, a module's) keeps
    seeing t1. Unlike PyTorch, tensors still used elsewhere (a view's base, a
    graph that saved them) are not detected: they see the swapped contents."""
    if weakref.getweakrefs(t1):
        raise RuntimeError("Cannot swap t1 because it has weakref associated with it")
    if weakref.getweakrefs(t2):
        raise RuntimeError("Cannot swap t2 because it has weakref associated with it")
    slots = set(copyreg._slotnames(t1.__class__))
    if slots != set(copyreg._slotnames(t2.__class__)):
        raise RuntimeError("Cannot swap t1 and t2 if they have different slots")

    def swap(name):
        held = getattr(t1, name)
        setattr(t1, name, getattr(t2, name))
        setattr(t2, name, held)

    swap("__class__")
    swap("__dict__")
    # (Tensor's own slots are its data and autograd state: PyTorch's at::Tensor)
    for name in slots:
        if hasattr(t1, name) and hasattr(t2, name):
            swap(name)
        elif hasattr(t1, name):
            setattr(t2, name, getattr(t1, name))
            delattr(t1, name)
        elif hasattr(t2, name):
            setattr(t1, name, getattr(t2, name))
            delattr(t2, name)
