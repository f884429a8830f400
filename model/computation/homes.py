"""Where the libraries and this package write (home, cache and configuration folders), and a redirect when they can't.

A read-only or missing home directory would make ArviZ (its daily stamp), PyTensor (its compile directory),
Matplotlib and the result cache (:mod:`model.computation.cache`) fail at import or first use, far from the cause:
:func:`redirect_unwritable_caches` points each unwritable location at a scratch directory and says so once.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Mapping, MutableMapping

ENV_DIR = "H20_CACHE_DIR"
"""Environment variable naming the result cache's directory (:mod:`model.computation.cache`)."""
SCRATCH_NAME = "h20-risk-model-caches"
"""The directory under the system's temporary directory that takes the caches a read-only home cannot hold."""


def _home_or_none() -> Path | None:
    try:
        return Path.home()
    except (RuntimeError, KeyError):  # no HOME and no password entry
        return None


def library_cache_dirs(env: Mapping[str, str] = os.environ) -> dict[str, Path | None]:
    """Where the libraries this package imports write at import or first use, by the variable that moves each.

    ``XDG_CACHE_HOME``: ArviZ's once-a-day stamp, Matplotlib's font cache and this package's result
    cache (unless ``H20_CACHE_DIR`` names one); ``MPLCONFIGDIR``: Matplotlib's configuration;
    ``PYTENSOR_FLAGS``: PyTensor's compile directory (``base_compiledir``, ``~/.pytensor``);
    ``IPYTHONDIR`` and ``JUPYTER_RUNTIME_DIR``: what a notebook kernel writes; ``H20_CACHE_DIR``:
    the result cache when set. None: the location cannot be known (no home directory).

    Parameters
    ----------
    env : mapping of str to str
        The environment to read (default: this process's).

    Returns
    -------
    dict of str to pathlib.Path or None
        By the variable that moves it, each location; None where it cannot be known.
    """
    home = _home_or_none()

    def under(var: str, *default: str) -> Path | None:
        value = env.get(var, "").strip()
        if value:
            return Path(value).expanduser()
        return home.joinpath(*default) if home is not None else None

    flags = dict(f.split("=", 1) for f in env.get("PYTENSOR_FLAGS", "").split(",") if "=" in f)
    compiledir = flags.get("base_compiledir", "").strip()
    data = under("JUPYTER_DATA_DIR", ".local", "share", "jupyter")
    xdg_data = env.get("XDG_DATA_HOME", "").strip()
    if xdg_data and not env.get("JUPYTER_DATA_DIR", "").strip():
        data = Path(xdg_data).expanduser() / "jupyter"
    out: dict[str, Path | None] = {
        "XDG_CACHE_HOME": under("XDG_CACHE_HOME", ".cache"),
        "MPLCONFIGDIR": under("MPLCONFIGDIR", ".config", "matplotlib"),
        "PYTENSOR_FLAGS": Path(compiledir).expanduser() if compiledir else (home / ".pytensor" if home else None),
        "IPYTHONDIR": under("IPYTHONDIR", ".ipython"),
        "JUPYTER_RUNTIME_DIR": Path(env["JUPYTER_RUNTIME_DIR"]).expanduser()
        if env.get("JUPYTER_RUNTIME_DIR", "").strip()
        else (data / "runtime" if data else None),
    }
    if env.get(ENV_DIR, "").strip():
        out[ENV_DIR] = Path(env[ENV_DIR].strip()).expanduser()
    return out


def writable(directory: Path) -> bool:
    """Whether a file can be created in ``directory`` (or, while it does not exist, in its nearest existing ancestor).

    Tried, not guessed from modes; nothing is left behind.

    Parameters
    ----------
    directory : pathlib.Path
        The directory, existing or not.

    Returns
    -------
    bool
        True when a temporary file could be created there.
    """
    probe = directory
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    try:
        with tempfile.TemporaryFile(dir=probe):
            return True
    except OSError:
        return False


def scratch_dir() -> Path:
    """This user's directory for redirected caches under the system's temporary directory, kept across runs.

    Owned by the user and private (mode 700); if another user holds that name, a fresh one is made.

    Returns
    -------
    pathlib.Path
        ``<tmp>/h20-risk-model-caches-<uid>``, or a fresh private directory beside it.

    Raises
    ------
    OSError
        When no temporary directory can be written either.
    """
    base = Path(tempfile.gettempdir())
    uid = os.getuid() if hasattr(os, "getuid") else 0
    mine = base / f"{SCRATCH_NAME}-{uid}"
    try:
        mine.mkdir(mode=0o700, exist_ok=True)
        st = mine.lstat()
        if mine.is_symlink() or not mine.is_dir() or (hasattr(os, "getuid") and st.st_uid != uid) or not writable(mine):
            raise PermissionError(f"{mine} is not this user's own directory")
        return mine
    except OSError:
        return Path(tempfile.mkdtemp(prefix=f"{SCRATCH_NAME}-"))


def redirect_unwritable_caches(env: MutableMapping[str, str] = os.environ) -> str | None:
    """Point every cache location of :func:`library_cache_dirs` that cannot be written at a temporary directory.

    Sets the variable that moves each one in ``env`` (child processes, e.g. notebook kernels and the
    prefetch, inherit it) and returns the one-line note to show, or None when every location is
    writable. When no temporary directory can be written either, changes nothing and returns None:
    the first write then fails with an OSError naming the directory (``python -m model`` exits 75).

    Parameters
    ----------
    env : mutable mapping of str to str
        The environment to read and change (default: this process's).

    Returns
    -------
    str or None
        The note naming what was redirected and where, or None when nothing was.
    """
    bad = {var: path for var, path in library_cache_dirs(env).items() if path is None or not writable(path)}
    if not bad:
        return None
    try:
        scratch = scratch_dir()
    except OSError:
        return None
    for var in bad:
        target = scratch / var.lower()
        if var == "PYTENSOR_FLAGS":
            kept = [
                f for f in env.get(var, "").split(",") if f.strip() and not f.strip().startswith("base_compiledir=")
            ]
            env[var] = ",".join([*kept, f"base_compiledir={target}"])
        else:  # XDG_CACHE_HOME also moves the result cache unless H20_CACHE_DIR names it
            env[var] = str(target)
    shown = ", ".join(str(p) if p is not None else f"{v} (no home directory)" for v, p in bad.items())
    return f"note: cannot write {shown}: caches go to {scratch} instead"
