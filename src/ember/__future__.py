"""torch.__future__: switches for behaviours that will become the default.

set_overwrite_module_params_on_conversion(True): Module.to(), .float(), ...
give each parameter a new Parameter object instead of changing its data in
place. set_swap_module_params_on_conversion(True) (which takes precedence):
they, and load_state_dict(), swap the new contents into the existing
Parameter with utils.swap_tensors, so references to it see them."""
_overwrite_module_params_on_conversion = False
_swap_module_params_on_conversion = False

__all__ = ["set_overwrite_module_params_on_conversion",
           "get_overwrite_module_params_on_conversion",
           "set_swap_module_params_on_conversion", "get_swap_module_params_on_conversion"]


def set_overwrite_module_params_on_conversion(value):
    global _overwrite_module_params_on_conversion
    _overwrite_module_params_on_conversion = value


def get_overwrite_module_params_on_conversion():
    return _overwrite_module_params_on_conversion


def set_swap_module_params_on_conversion(value):
    global _swap_module_params_on_conversion
    _swap_module_params_on_conversion = value


def get_swap_module_params_on_conversion():
    return _swap_module_params_on_conversion
