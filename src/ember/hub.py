"""torch.hub: models published as a `hubconf.py`, and weights by URL.

    model = torch.hub.load("owner/repo", "entrypoint", pretrained=True)
    model = torch.hub.load("path/to/dir", "entrypoint", source="local")
    state = torch.hub.load_state_dict_from_url(url)

The cache is PyTorch's: $TORCH_HOME/hub (TORCH_HOME defaults to
$XDG_CACHE_HOME/torch, that to ~/.cache), so repositories and checkpoints
already downloaded by PyTorch are found, and used without a network. A
GitHub repository is fetched as a zip archive, as PyTorch does; a repository
owner outside PyTorch's trusted list is asked about once (trust_repo).
"""
import contextlib
import errno
import hashlib
import importlib.util
import json
import os
import re
import shutil
import sys
import tempfile
import uuid
import warnings
import zipfile
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlparse
from urllib.request import Request, urlopen

__all__ = ["download_url_to_file", "get_dir", "help", "list", "load",
           "load_state_dict_from_url", "set_dir"]

HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
ENV_GITHUB_TOKEN = "GITHUB_TOKEN"
ENV_TORCH_HOME = "TORCH_HOME"
ENV_XDG_CACHE_HOME = "XDG_CACHE_HOME"
DEFAULT_CACHE_DIR = "~/.cache"
VAR_DEPENDENCY = "dependencies"
MODULE_HUBCONF = "hubconf.py"
READ_DATA_CHUNK = 128 * 1024
_TRUSTED_REPO_OWNERS = ("facebookresearch", "facebookincubator", "pytorch", "fairinternal")
_hub_dir = None


def _get_torch_home():
    default = os.path.join(os.getenv(ENV_XDG_CACHE_HOME, DEFAULT_CACHE_DIR), "torch")
    return os.path.expanduser(os.getenv(ENV_TORCH_HOME, default))


def get_dir():
    """The hub's cache directory: set_dir's, else $TORCH_HOME/hub."""
    if os.getenv("TORCH_HUB"):
        warnings.warn("TORCH_HUB is deprecated, please use env TORCH_HOME instead", stacklevel=2)
    if _hub_dir is not None:
        return _hub_dir
    return os.path.join(_get_torch_home(), "hub")


def set_dir(d):
    """Use directory `d` for the hub's downloads."""
    global _hub_dir
    _hub_dir = os.path.expanduser(d)


# -- hubconf.py -----------------------------------------------------------------------

@contextlib.contextmanager
def _on_sys_path(path):
    sys.path.insert(0, path)
    try:
        yield
    finally:
        sys.path.remove(path)


def _hubconf(repo_dir):
    """The repository's hubconf.py, imported (with the repository on sys.path
    meanwhile, so it can import its own modules)."""
    with _on_sys_path(repo_dir):
        path = os.path.join(repo_dir, MODULE_HUBCONF)
        spec = importlib.util.spec_from_file_location(MODULE_HUBCONF, path)
        if spec is None:
            raise AssertionError(f"failed to load spec from {path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


def _entrypoint(module, model):
    if not isinstance(model, str):
        raise ValueError("Invalid input: model should be a string of function name")
    missing = [name for name in getattr(module, VAR_DEPENDENCY, None) or ()
               if importlib.util.find_spec(name) is None]
    if missing:
        raise RuntimeError(f"Missing dependencies: {', '.join(missing)}")
    func = getattr(module, model, None) if model in dir(module) else None
    if func is None or not callable(func):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return func


def list(github, force_reload=False, skip_validation=False, trust_repo="check", verbose=True):
    """The entrypoints (public callables) of a repository's hubconf.py."""
    module = _hubconf(_repo_dir(github, force_reload, trust_repo, verbose, skip_validation))
    return [name for name in dir(module)
            if callable(getattr(module, name)) and not name.startswith("_")]


def help(github, model, force_reload=False, skip_validation=False, trust_repo="check"):
    """The docstring of entrypoint `model`."""
    module = _hubconf(_repo_dir(github, force_reload, trust_repo, True, skip_validation))
    return _entrypoint(module, model).__doc__


def load(repo_or_dir, model, *args, source="github", trust_repo="check", force_reload=False,
         verbose=True, skip_validation=False, **kwargs):
    """Call entrypoint `model` of the hubconf.py of a GitHub repository
    ("owner/name[:ref]") or, with source="local", of a directory."""
    source = source.lower()
    if source not in ("github", "local"):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    if source == "github":
        repo_or_dir = _repo_dir(repo_or_dir, force_reload, trust_repo, verbose,
                                skip_validation)
    with _on_sys_path(repo_or_dir):
        entry = _entrypoint(_hubconf(repo_or_dir), model)
        return entry(*args, **kwargs)


# -- GitHub repositories ----------------------------------------------------------------

def _parse_repo_info(github):
    repo_info, ref = github.split(":") if ":" in github else (github, None)
    owner, name = repo_info.split("/")
    if ref is None:
        try:
            with urlopen(f"https://github.com/{owner}/{name}/tree/main/"):
                ref = "main"
        except HTTPError as exc:
            if exc.code != 404:
                raise
            ref = "master"
        except URLError as exc:
            # offline: a cached copy of either default branch will do
            ref = next((r for r in ("main", "master")
                        if os.path.exists(f"{get_dir()}/{owner}_{name}_{r}")), None)
            if ref is None:
                raise RuntimeError("It looks like there is no internet connection and the repo "
                                   f"could not be found in the cache ({get_dir()})") from exc
    return owner, name, ref


def _repo_dir(github, force_reload, trust_repo, verbose=True, skip_validation=False):
    """The repository's directory in the cache, downloaded unless there."""
    hub_dir = get_dir()
    os.makedirs(hub_dir, exist_ok=True)
    owner, name, ref = _parse_repo_info(github)
    branch = ref.replace("/", "_")
    owner_name_branch = f"{owner}_{name}_{branch}"
    repo_dir = os.path.join(hub_dir, owner_name_branch)
    _check_trusted(owner, name, owner_name_branch, trust_repo)
    if not force_reload and os.path.exists(repo_dir):
        if verbose:
            sys.stderr.write(f"Using cache found in {repo_dir}\n")
        return repo_dir
    if not skip_validation:
        _validate_not_a_forked_repo(owner, name, ref)
    archive = os.path.join(hub_dir, branch + ".zip")
    _remove(archive)
    url = f"https://github.com/{owner}/{name}/zipball/{ref}"
    sys.stdout.write(f'Downloading: "{url}" to {archive}\n')
    try:
        download_url_to_file(url, archive, progress=False)
    except HTTPError as exc:
        if exc.code != 300:
            raise
        warnings.warn(f"The ref {ref} is ambiguous. Perhaps it is both a tag and a branch in the "
                      "repo? Torchhub will now assume that it's a branch. You can disambiguate "
                      "tags and branches by explicitly passing refs/heads/branch_name or "
                      "refs/tags/tag_name as the ref. That might require using "
                      "skip_validation=True.", stacklevel=2)
        download_url_to_file(f"https://github.com/{owner}/{name}/zipball/refs/heads/{ref}",
                             archive, progress=False)
    with zipfile.ZipFile(archive) as z:
        extracted = os.path.join(hub_dir, z.infolist()[0].filename)
        _remove(extracted)
        _safe_extract(z, hub_dir)
    _remove(archive)
    _remove(repo_dir)
    shutil.move(extracted, repo_dir)
    return repo_dir


def _check_trusted(owner, name, owner_name_branch, trust_repo):
    hub_dir = get_dir()
    path = os.path.join(hub_dir, "trusted_list")
    Path(path).touch()
    with open(path) as f:
        trusted = tuple(line.strip() for line in f)
    owner_name = f"{owner}_{name}"
    is_trusted = (owner_name in trusted or owner in _TRUSTED_REPO_OWNERS
                  or owner_name_branch in next(os.walk(hub_dir))[1])   # (a legacy download)
    if trust_repo is False or (trust_repo == "check" and not is_trusted):
        response = input(
            f"The repository {owner_name} does not belong to the list of trusted repositories "
            "and as such cannot be downloaded. Do you trust this repository and wish to add it "
            "to the trusted list of repositories (y/N)?")
        if response.lower() in ("y", "yes"):
            if is_trusted:
                print("The repository is already trusted.")
        elif response.lower() in ("n", "no", ""):
            raise Exception("Untrusted repository.")
        else:
            raise ValueError(f"Unrecognized response {response}.")
    if not is_trusted:
        with open(path, "a") as f:
            f.write(owner_name + "\n")


def _validate_not_a_forked_repo(owner, name, ref):
    """`ref` must be a branch, tag or commit of this repository itself (a
    commit of a fork is reachable through its parent's archive links)."""
    headers = {"Accept": "application/vnd.github.v3+json"}
    token = os.environ.get(ENV_GITHUB_TOKEN)
    if token is not None:
        headers["Authorization"] = f"token {token}"
    for kind in ("branches", "tags"):
        page = 0
        while True:
            page += 1
            url = f"https://api.github.com/repos/{owner}/{name}/{kind}?per_page=100&page={page}"
            try:
                response = json.loads(_read_url(Request(url, headers=headers)))
            except HTTPError:
                headers.pop("Authorization", None)     # (a token without the permission)
                response = json.loads(_read_url(Request(url, headers=headers)))
            if not response:
                break
            if any(r["name"] == ref or r["commit"]["sha"].startswith(ref) for r in response):
                return
    raise ValueError(f"Cannot find {ref} in https://github.com/{owner}/{name}. If it's a "
                     "commit from a forked repo, please call hub.load() with forked repo "
                     "directly.")


def _read_url(url):
    with urlopen(url) as r:
        return r.read().decode(r.headers.get_content_charset("utf-8"))


def _remove(path):
    if os.path.isfile(path):
        os.remove(path)
    elif os.path.exists(path):
        shutil.rmtree(path)


def _safe_extract(archive, target):
    """Extract a zip file, refusing entries that would land outside `target`."""
    target = Path(target).resolve(strict=False)
    for member in archive.infolist():
        name = os.path.normpath(member.filename)
        if name.startswith(("/", "\\")) or (len(name) >= 2 and name[1] == ":"
                                            and name[0].isalpha()):
            raise ValueError(f"Archive entry has absolute path: {member.filename}")
        if ".." in re.split(r"[/\\]", name):
            raise ValueError(f"Archive entry contains directory traversal: {member.filename}")
        if not (target / name).resolve(strict=False).is_relative_to(target):
            raise ValueError(f"Archive entry escapes target directory: {member.filename}")
        archive.extract(member, target)


# -- files by URL -----------------------------------------------------------------------

class _Progress:
    """What tqdm shows, when tqdm (optional) is not installed."""

    def __init__(self, total=None, disable=False, **kwargs):
        self.total, self.disable, self.n = total, disable, 0

    def update(self, n):
        if not self.disable:
            self.n += n
            sys.stderr.write(f"\r{self.n:.1f} bytes" if self.total is None
                             else f"\r{100 * self.n / float(self.total):.1f}%")
            sys.stderr.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if not self.disable:
            sys.stderr.write("\n")


def _progress_bar(**kwargs):
    try:
        from tqdm import tqdm
    except ImportError:
        return _Progress(**kwargs)
    return tqdm(**kwargs)


def download_url_to_file(url, dst, hash_prefix=None, progress=True):
    """Download `url` to the file `dst` (through a temporary file beside it);
    with `hash_prefix`, the file's SHA-256 must start with it."""
    dst = os.path.expanduser(dst)
    for _ in range(tempfile.TMP_MAX):
        partial = f"{dst}.{uuid.uuid4().hex}.partial"
        try:
            f = open(partial, "x+b")
        except FileExistsError:
            continue
        break
    else:
        raise FileExistsError(errno.EEXIST, "No usable temporary file name found")
    try:
        with urlopen(Request(url, headers={"User-Agent": "torch.hub"})) as u:
            length = u.info().get_all("Content-Length")
            size = int(length[0]) if length else None
            sha256 = hashlib.sha256() if hash_prefix is not None else None
            with _progress_bar(total=size, disable=not progress, unit="B", unit_scale=True,
                               unit_divisor=1024) as bar:
                while True:
                    chunk = u.read(READ_DATA_CHUNK)
                    if not chunk:
                        break
                    f.write(chunk)
                    if sha256 is not None:
                        sha256.update(chunk)
                    bar.update(len(chunk))
            f.close()
            if sha256 is not None:
                digest = sha256.hexdigest()
                if digest[:len(hash_prefix)] != hash_prefix:
                    raise RuntimeError(
                        f'invalid hash value (expected "{hash_prefix}", got "{digest}")')
        shutil.move(f.name, dst)
    finally:
        f.close()
        if os.path.exists(f.name):
            os.remove(f.name)


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True,
                             check_hash=False, file_name=None, weights_only=False):
    """torch.load of the file at `url`, downloaded once into model_dir
    (default: <hub dir>/checkpoints) and read from there afterwards."""
    from .serialization import load as _load
    if os.getenv("TORCH_MODEL_ZOO"):
        warnings.warn("TORCH_MODEL_ZOO is deprecated, please use env TORCH_HOME instead",
                      stacklevel=2)
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name if file_name is not None else os.path.basename(urlparse(url).path)
    cached = os.path.join(model_dir, filename)
    if not os.path.exists(cached):
        sys.stdout.write(f'Downloading: "{url}" to {cached}\n')
        found = HASH_REGEX.search(filename) if check_hash else None
        download_url_to_file(url, cached, found.group(1) if found else None, progress=progress)
    if _is_legacy_zip(cached):
        warnings.warn("Falling back to the old format < 1.6. This support will be deprecated in "
                      "favor of default zipfile format introduced in 1.6. Please redo "
                      "torch.save() to save it in the new zipfile format.", FutureWarning,
                      stacklevel=2)
        with zipfile.ZipFile(cached) as z:
            members = z.infolist()
            _safe_extract(z, model_dir)
        cached = os.path.join(model_dir, members[0].filename)
    return _load(cached, map_location=map_location, weights_only=weights_only)


def _is_legacy_zip(path):
    """A zip holding one file (pre-1.6 torch.save inside a zip), not a
    torch.save archive (which holds a directory of records)."""
    if not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as z:
        members = z.infolist()
    return len(members) == 1 and not members[0].is_dir()
