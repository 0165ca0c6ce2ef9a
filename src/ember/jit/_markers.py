"""torch.jit's decorators and pass-through helpers: in eager code each one only
marks or returns its argument, exactly as in PyTorch outside TorchScript."""
import builtins
import collections.abc
import types
import typing
import warnings


class FunctionModifiers:
    # The strings PyTorch leaves on functions as `_torchscript_modifier`.
    UNUSED = "unused (ignored and replaced with raising of an exception)"
    IGNORE = "ignore (leave as a call to Python, cannot be torch.jit.save'd)"
    EXPORT = "export (compile this function even if nothing calls it)"
    DEFAULT = "default (compile if called from an exported function / forward)"
    COPY_TO_SCRIPT_WRAPPER = ("if this method is not scripted, copy the python method onto "
                              "the scripted model")
    _DROP = "_drop (function is fully ignored, declaration can be unscriptable)"


def is_scripting():
    """False: Ember never compiles TorchScript."""
    return False


def is_tracing():
    return False


def _mark(fn, modifier):
    fn._torchscript_modifier = modifier
    return fn


def export(fn):
    return _mark(fn, FunctionModifiers.EXPORT)


def _drop(fn):
    return _mark(fn, FunctionModifiers._DROP)


def unused(fn):
    if builtins.isinstance(fn, property):
        _mark(fn.fget, FunctionModifiers.UNUSED)
        if fn.fset:
            _mark(fn.fset, FunctionModifiers.UNUSED)
        return fn
    return _mark(fn, FunctionModifiers.UNUSED)


def ignore(drop=False, **kwargs):
    if callable(drop):  # bare @ignore
        return _mark(drop, FunctionModifiers.IGNORE)
    if not builtins.isinstance(drop, bool):
        raise RuntimeError(f"Argument to @torch.jit.ignore must be a bool or a function but got "
                           f"{drop}")
    drop_on_export = kwargs.pop("drop_on_export", None)
    if drop_on_export or drop:
        what = "ignore(drop_on_export=True)" if drop_on_export else "ignore(True)"
        warnings.warn(f"{what} has been deprecated. TorchScript will now drop the function call "
                      "on compilation. Use torch.jit.unused now. {}", FutureWarning, stacklevel=2)
        drop = bool(drop_on_export) or drop

    def decorator(fn):
        return _mark(fn, FunctionModifiers.UNUSED if drop else FunctionModifiers.IGNORE)
    return decorator


def _overload(func):
    return func


def _overload_method(func):
    return func


def annotate(the_type, the_value):
    return the_value


def Attribute(value, type):  # noqa: A002  (PyTorch's parameter name)
    """`value` itself, as PyTorch returns it outside TorchScript."""
    return value


def interface(obj):
    if not builtins.isinstance(obj, type):
        raise RuntimeError("interface must be applied to a class")
    return obj


_BARE = {dict: "dict", list: "list", tuple: "tuple", typing.Dict: "Dict", typing.List: "List",
         typing.Optional: "Optional", typing.Tuple: "Tuple"}


def _check_args_exist(target_type):
    name = _BARE.get(target_type)
    if name is None:
        return
    example = f"{name}[int, int]" if name in ("dict", "Dict") else f"{name}[int]"
    contained = "contained types" if name in ("dict", "Dict") else "a contained type"
    raise RuntimeError(f"Attempted to use {name} without {contained}. Please add "
                       f"{contained.replace('types', 'type')}, e.g. {example}")


def _warn_if_empty(obj):
    if obj == [] or obj == {} or obj == ():
        warnings.warn("The inner type of a container is lost when calling torch.jit.isinstance "
                      "in eager mode. For example, List[int] would become list and therefore "
                      "falsely return True for List[float] or List[str].", stacklevel=3)


def _element_ok(el, el_type):
    if typing.get_origin(el_type):
        return _container_ok(el, el_type)
    return builtins.isinstance(el, el_type)


def _container_ok(obj, target_type):
    _check_args_exist(target_type)
    origin = typing.get_origin(target_type)
    args = typing.get_args(target_type)
    if origin is list:
        _warn_if_empty(obj)
        return builtins.isinstance(obj, list) and all(_element_ok(e, args[0]) for e in obj)
    if origin is dict:
        _warn_if_empty(obj)
        return builtins.isinstance(obj, dict) and all(
            builtins.isinstance(k, args[0]) and _element_ok(v, args[1]) for k, v in obj.items())
    if origin is tuple:
        _warn_if_empty(obj)
        return (builtins.isinstance(obj, tuple) and len(obj) == len(args)
                and all(_element_ok(e, t) for e, t in zip(obj, args)))
    if origin is typing.Union or origin is types.UnionType:
        if obj is None:
            return True
        for t in args:
            if typing.get_origin(t):
                return _container_ok(obj, t)  # PyTorch decides on the first container type
            if builtins.isinstance(obj, t):
                return True
    return False


def _isinstance(obj, target_type):
    if builtins.isinstance(target_type, collections.abc.Container):
        if not builtins.isinstance(target_type, tuple):
            raise RuntimeError("The second argument to `torch.jit.isinstance` must be a type or "
                               "a tuple of types")
        return any(_isinstance(obj, t) for t in target_type)
    if typing.get_origin(target_type):
        return _container_ok(obj, target_type)
    _check_args_exist(target_type)
    return builtins.isinstance(obj, target_type)


isinstance = _isinstance  # noqa: A001  (torch.jit.isinstance)
