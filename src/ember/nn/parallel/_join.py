"""torch.distributed.algorithms.join: training on uneven inputs. (Kept beside
DistributedDataParallel, which is a Joinable: importing it from
ember.distributed would import that package while ember.nn still loads.)

A rank that runs out of inputs leaves the `with Join([...])` block and then
shadows, iteration by iteration, the collectives the other ranks still run
(each Joinable's JoinHook.main_hook), until every rank has left; then the
post-hooks run (DDP: every rank takes the last joiner's model).

Each iteration starts with one all-reduce of [1, requires_sync] from the ranks
still training (notify_join_context) and [0, 0] from the joined ones: its
first element counts the ranks still training, its second says whether this
iteration's backward synchronises gradients (not under no_sync()).
"""
from abc import ABC, abstractmethod
from typing import NamedTuple

__all__ = ["JoinHook", "Joinable", "Join"]


class JoinHook:
    """What a joined rank runs: main_hook once per iteration the others still
    run, post_hook(is_last_joiner) once all have joined."""

    def main_hook(self):
        pass

    def post_hook(self, is_last_joiner):
        pass


class Joinable(ABC):
    @abstractmethod
    def __init__(self):
        super().__init__()
        self._join_config = _JoinConfig.construct_disabled_join_config()

    @abstractmethod
    def join_hook(self, **kwargs):
        ...

    @property
    @abstractmethod
    def join_device(self):
        ...

    @property
    @abstractmethod
    def join_process_group(self):
        ...


class _JoinConfig(NamedTuple):
    enable: bool
    throw_on_early_termination: bool
    is_first_joinable: bool

    @staticmethod
    def construct_disabled_join_config():
        return _JoinConfig(enable=False, throw_on_early_termination=False,
                           is_first_joinable=False)


def _all_reduce(values, group):
    from ... import distributed as dist
    from ..._creation import tensor
    from ..._dtype import float32
    t = tensor(values, dtype=float32)
    dist.all_reduce(t, group=group)
    return t.tolist()


class Join:
    _WARN_THRESHOLD = 1000

    def __init__(self, joinables, enable=True, throw_on_early_termination=False, **kwargs):
        if len(joinables) == 0:
            raise ValueError("The join context manager requires at least one joinable")
        self._joinables = joinables
        self._join_hooks = [joinable.join_hook(**kwargs) for joinable in joinables]
        self._enable = enable
        self._throw_on_early_termination = throw_on_early_termination
        for i, joinable in enumerate(joinables):
            joinable._join_config = _JoinConfig(enable, throw_on_early_termination, i == 0)
        self._process_group = None
        for joinable in joinables:
            if self._process_group is None:
                self._process_group = joinable.join_process_group
            elif self._process_group != joinable.join_process_group:
                raise ValueError("Using join context manager with multiple process groups")
        from ... import distributed as dist
        self._rank = dist.get_rank(self._process_group)

    def __enter__(self):
        pass

    def __exit__(self, type, value, traceback):
        if not self._enable or type:
            return      # an exception propagates as it is
        import warnings
        is_last_joiner, skew = True, 0
        while True:
            if skew > self._WARN_THRESHOLD:
                warnings.warn(
                    f"Detected uneven input skew of greater than {self._WARN_THRESHOLD}. This "
                    f"means that rank {self._rank} has at least {self._WARN_THRESHOLD} fewer "
                    "inputs than other currently-active ranks. This level of skew could lead "
                    "to performance degradation during training.", stacklevel=2)
            training, sync = _all_reduce([0.0, 0.0], self._process_group)
            if training == 0:
                break
            if self._throw_on_early_termination:
                _all_reduce([1.0], self._process_group)
                raise RuntimeError(f"Rank {self._rank} exhausted all inputs.")
            for hook in self._join_hooks:
                hook.main_hook(sync != 0) if isinstance(hook, _IterationHook) \
                    else hook.main_hook()
            is_last_joiner = False
            skew += 1
        for hook in self._join_hooks:
            hook.post_hook(is_last_joiner)

    @staticmethod
    def notify_join_context(joinable):
        """Called by a Joinable before its iteration's collectives: tells the
        joined ranks this one still trains (and whether its backward syncs)."""
        if not hasattr(joinable, "_join_config"):
            raise AssertionError(f"Check that the {type(joinable)} constructor calls the "
                                 "``Joinable`` constructor")
        config = joinable._join_config
        if not config.is_first_joinable or not config.enable:
            return None
        sync = bool(getattr(joinable, "require_backward_grad_sync", True))
        _all_reduce([1.0, float(sync)], joinable.join_process_group)
        if config.throw_on_early_termination:
            if _all_reduce([0.0], joinable.join_process_group)[0]:
                raise RuntimeError("Detected at least one rank that exhausted inputs. "
                                   "Throwing across all ranks.")
        return None


class _IterationHook(JoinHook):
    """A JoinHook whose main_hook is told whether the iteration it shadows
    synchronises gradients (Ember's DDP hook)."""
