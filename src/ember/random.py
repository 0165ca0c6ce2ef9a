"""torch.random: the CPU generator's seeding and state, and `fork_rng`."""
import contextlib
import warnings

from ._random import default_generator, manual_seed, seed, initial_seed

__all__ = ["set_rng_state", "get_rng_state", "manual_seed", "seed", "initial_seed", "fork_rng",
           "thread_safe_generator"]

_fork_rng_warned_already = False


def get_rng_state():
    """The default CPU generator's state as a uint8 tensor."""
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices",
             device_type=None):
    """Restores the CPU generator (and those of `devices` on `device_type`,
    "cuda" by default) to its state on entry when the block exits."""
    global _fork_rng_warned_already
    import ember
    if device_type is None:
        accelerator = ember.accelerator.current_accelerator()
        device_type = accelerator.type if accelerator is not None else "cuda"
    device_mod = ember.get_device_module(device_type)
    if not enabled:
        yield
        return
    if devices is None:
        count = device_mod.device_count()
        if count > 1 and not _fork_rng_warned_already:
            kind = device_type.upper()
            warnings.warn(
                f"{kind} reports that you have {count} available devices, and you have used "
                f"{_caller} without explicitly specifying which devices are being used. For "
                f"safety, we initialize *every* {kind} device by default, which can be quite slow "
                f"if you have a lot of {kind}s. If you know that you are only making use of a few "
                f"{kind} devices, set the environment variable {kind}_VISIBLE_DEVICES or the "
                f"'{_devices_kw}' keyword argument of {_caller} with the set of devices you are "
                "actually using. For example, if you are using CPU only, set "
                f"device.upper()_VISIBLE_DEVICES= or devices=[]; if you are using device 0 only, "
                f"set {kind}_VISIBLE_DEVICES=0 or devices=[0].  To initialize all devices and "
                f"suppress this warning, set the '{_devices_kw}' keyword argument to "
                f"`range(torch.{device_type}.device_count())`.", stacklevel=3)
            _fork_rng_warned_already = True
        devices = list(range(count))
    else:
        devices = list(devices)  # a generator would be used up by the first pass
    cpu_state = get_rng_state()
    device_states = [device_mod.get_rng_state(d) for d in devices]
    try:
        yield
    finally:
        set_rng_state(cpu_state)
        for d, state in zip(devices, device_states):
            device_mod.set_rng_state(state, d)


def thread_safe_generator():
    """None: Ember's DataLoader workers are processes or the main thread, whose
    draws use the global generator."""
    return None
