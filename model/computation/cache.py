"""Content-addressed cache of expensive, deterministic results: one computation per distinct input.

A result (the PyMC fit, an SBC run, a sensitivity table) is stored under a key that hashes
everything it depends on:

* the name of the computation and the arguments that matter (settings, seed, options);
* the *bytes* of the three input files in force (assumptions, events, quarters) and the evidence
  filter (``as_of``, ``min_confidence``);
* the meaning of every module of the computation layer (:func:`model.computation.fingerprint.computation_digest`:
  the syntax tree without comments or docstrings): any change of code that can move a number is a
  new key, while a comment, a docstring, the layout, or the presentation layer (plots, tables,
  report formatting, facts) and the entry points never are;
* the versions of Python and of the numerical dependencies (:data:`NUMERICAL`) and the platform.

So a changed input, seed, setting, computation code or library can never show an old number.
Location: ``$H20_CACHE_DIR``, else ``$XDG_CACHE_HOME/h20-risk-model``, else
``~/.cache/h20-risk-model``. ``H20_NO_CACHE=1`` (the CLI's ``--no-cache``) bypasses it: nothing
is read or written. Entries are written to a temporary directory, then renamed into place, so
concurrent writers (a book build and a test session) never leave a half-written entry; a
corrupt or unreadable entry is a miss (recomputed and rewritten), never an error.
Clear it with ``rm -rf`` of the directory.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import os
import pickle
import platform
import shutil
import tempfile
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeVar

import numpy as np

from .fingerprint import computation_digest, file_digest, files_digest  # noqa: F401 - files_digest: re-exported
from .homes import ENV_DIR

if TYPE_CHECKING:
    from .pipeline import Setup

T = TypeVar("T")

ENV_OFF = "H20_NO_CACHE"
"""Environment variable that bypasses the cache when set to anything but ``''`` or ``0``."""
NUMERICAL: tuple[str, ...] = ("numpy", "scipy", "pymc", "pytensor", "arviz", "nutpie", "numba", "xarray", "preliz")
"""Distributions whose versions are part of every key."""
PACKAGE_DIR = Path(__file__).resolve().parents[1]
FORMAT = 1
"""Layout version of an entry; bump it to orphan every existing entry."""


def cache_dir() -> Path:
    """Where entries live: ``$H20_CACHE_DIR``, else ``$XDG_CACHE_HOME/h20-risk-model``, else ``~/.cache/...``.

    Returns
    -------
    pathlib.Path
        The directory (not created here).
    """
    explicit = os.environ.get(ENV_DIR, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "h20-risk-model"


def enabled() -> bool:
    """False when ``H20_NO_CACHE`` is set to anything but ``''`` or ``0``.

    Returns
    -------
    bool
        Whether :func:`cached` reads and writes entries.
    """
    return os.environ.get(ENV_OFF, "").strip() in ("", "0")


def source_digest(package: Path = PACKAGE_DIR) -> str:
    """The meaning of the package's computation layer (:func:`model.computation.fingerprint.computation_digest`).

    Comments, docstrings, layout and the presentation layer and entry points are not part of it.

    Parameters
    ----------
    package : pathlib.Path
        The package directory (default: this package's).

    Returns
    -------
    str
        Hex digest, 64 characters.
    """
    return computation_digest(package)


@functools.lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """Python, platform, the numerical dependencies' versions, and what of the machine can change last digits.

    Returns
    -------
    dict of str to str
        ``python``, ``machine``, ``system``, each of :data:`NUMERICAL` (``absent`` when not installed), and
        :func:`arithmetic`'s ``blas`` and ``simd``.
    """
    out = {"python": platform.python_version(), "machine": platform.machine(), "system": platform.system()}
    for name in NUMERICAL:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return {**out, **arithmetic()}


def arithmetic() -> dict[str, str]:
    """The BLAS libraries' kernels and thread counts, and the SIMD paths NumPy dispatches to on this CPU.

    MCMC draws and any BLAS-backed sum differ in the last bits between machines of one kind (an
    AVX-512 kernel on one, Haswell on another): a cache copied between them must miss, not carry
    another machine's digits. SciPy's BLAS is loaded first, so the list is the same whether or not the
    caller had imported SciPy (NumPy and SciPy each bring one): a process that asks before importing
    SciPy gets the key of one that asks after. :func:`versions` keeps the first answer for the process;
    the thread counts follow ``OPENBLAS_NUM_THREADS`` (or ``OMP_NUM_THREADS``) at its start, so
    processes started with the same environment get the same key.

    Returns
    -------
    dict of str to str
        ``blas`` (kernel, version, architecture, threads; ``none`` or ``unknown``) and ``simd`` (the CPU features
        NumPy uses, comma-separated; ``unknown`` when NumPy does not say).
    """
    out = {"blas": "unknown", "simd": "unknown"}
    try:
        import scipy.linalg  # noqa: F401 - loads SciPy's own BLAS: listed whatever the caller imported first
        from threadpoolctl import threadpool_info

        blas = [
            f"{i.get('internal_api')}-{i.get('version')}-{i.get('architecture')}-{i.get('num_threads')}"
            for i in threadpool_info()
            if i.get("user_api") == "blas"
        ]
        out["blas"] = ";".join(sorted(blas)) or "none"
    except Exception:  # a key part, never a failure
        pass
    try:
        from numpy._core._multiarray_umath import __cpu_features__

        out["simd"] = ",".join(sorted(k for k, on in __cpu_features__.items() if on))
    except Exception:  # likewise
        pass
    return out


def canonical(obj: Any) -> Any:
    """A JSON-ready, order-stable form of ``obj`` (dataclasses, pydantic models, arrays, dates).

    Parameters
    ----------
    obj : object
        A dataclass, pydantic model, NumPy array or scalar, dict, list, tuple, date, path, str, number or None,
        nested.

    Returns
    -------
    object
        Dicts (sorted keys), lists, strings, ints and None; a float as its shortest exact repr, an array as its
        dtype, shape and the sha256 of its bytes.

    Raises
    ------
    TypeError
        For any other type.
    """
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        fields = {f.name: canonical(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        return {"__dc__": type(obj).__name__, **fields}
    if hasattr(obj, "model_dump"):
        return canonical(obj.model_dump())
    if isinstance(obj, np.ndarray):
        return {"__nd__": str(obj.dtype), "shape": list(obj.shape), "sha256": hashlib.sha256(obj.tobytes()).hexdigest()}
    if isinstance(obj, dict):
        return {str(k): canonical(v) for k, v in sorted(obj.items(), key=lambda kv: str(kv[0]))}
    if isinstance(obj, (list, tuple)):
        return [canonical(v) for v in obj]
    if isinstance(obj, (float, np.floating)):
        return repr(float(obj))  # the shortest exact repr: 0.1 and 0.1000000000000001 differ
    if isinstance(obj, (bool, int, str)) or obj is None:
        return obj
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, (dt.date, Path)):
        return str(obj)
    raise TypeError(f"cannot fingerprint a {type(obj).__name__}")


def content_digest(obj: Any) -> str:
    """sha256 of :func:`canonical` ``obj``: equal for equal content, whatever object holds it.

    The key of an in-process memo of a value that is not hashable (a :class:`~model.computation.pipeline.Setup`
    holds arrays and pydantic models), never its ``id()``.

    Parameters
    ----------
    obj : object
        Anything :func:`canonical` takes (dataclasses, pydantic models, arrays, numbers, dates, paths).

    Returns
    -------
    str
        64 hexadecimal digits.

    Raises
    ------
    TypeError
        When ``obj`` holds a value :func:`canonical` cannot fingerprint.
    """
    return hashlib.sha256(json.dumps(canonical(obj), sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def input_files(setup: Setup) -> dict[str, str]:
    """sha256 of the bytes of each input file in force (the article, assumptions, events, quarters, verdicts).

    Parameters
    ----------
    setup : Setup
        The inputs in force.

    Returns
    -------
    dict of str to str
        Hex digests by ``article``, ``assumptions``, ``events``, ``quarters``, ``resolution``.
    """
    from .article import ARTICLE

    files = {
        "article": ARTICLE.source_file,
        "assumptions": setup.assumptions.source_file,
        "events": setup.events_file,
        "quarters": setup.quarters_file,
        "resolution": setup.resolution_file,
    }
    return {k: file_digest(v) for k, v in files.items()}


def key(name: str, setup: Setup | None, params: dict[str, Any], package: Path = PACKAGE_DIR) -> str:
    """The content address of computation ``name`` on ``setup`` with ``params``.

    Parameters
    ----------
    name : str
        What is computed (e.g. ``"fit_mcmc"``).
    setup : Setup or None
        The inputs in force (None for a computation that depends on ``params`` only).
    params : dict of str to object
        The arguments that matter besides the inputs (settings, seed, options), as :func:`canonical` takes them.
    package : pathlib.Path
        The package directory whose computation layer is hashed (:func:`source_digest`).

    Returns
    -------
    str
        Hex digest, 64 characters.

    Raises
    ------
    TypeError
        When ``params`` holds a value :func:`canonical` cannot fingerprint.
    """
    parts: dict[str, Any] = {
        "format": FORMAT,
        "name": name,
        "params": canonical(params),
        "source": source_digest(package),
        "versions": versions(),
    }
    if setup is not None:
        parts["files"] = input_files(setup)
        parts["evidence"] = {"as_of": str(setup.evidence.as_of), "min_confidence": setup.evidence.min_confidence}
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _publish(tmp: Path, final: Path) -> None:
    """Rename a finished temporary entry into place; if another writer got there first, keep theirs."""
    try:
        os.replace(tmp, final)
    except OSError:  # a non-empty directory already there: a concurrent writer finished first
        shutil.rmtree(tmp, ignore_errors=True)


def cached(
    name: str,
    setup: Setup | None,
    params: dict[str, Any],
    compute: Callable[[], T],
    save: Callable[[T, Path], None] | None = None,
    load: Callable[[Path], T] | None = None,
) -> T:
    """The result of ``compute()``, from the cache when an entry for its key exists.

    ``save(value, directory)`` writes an entry's files and ``load(directory)`` reads them back
    (default: one pickle). A missing, corrupt or unreadable entry is recomputed; a cache that
    cannot be written (read-only home, full disk) is skipped silently.

    Parameters
    ----------
    name : str
        What is computed; entries live under ``cache_dir() / name``.
    setup : Setup or None
        The inputs in force (None when ``params`` says everything).
    params : dict of str to object
        The arguments that matter besides the inputs (:func:`key`).
    compute : callable
        ``compute() -> value``: called on a miss, or always when the cache is off (:func:`enabled`).
    save : callable, optional
        ``save(value, directory)``: writes an entry's files (default: one pickle).
    load : callable, optional
        ``load(directory) -> value``: reads them back (default: the pickle).

    Returns
    -------
    object
        The value ``compute()`` returns, or returned under the same key before.

    Raises
    ------
    TypeError
        When ``params`` holds a value :func:`canonical` cannot fingerprint.
    """
    if not enabled():
        return compute()
    save = save or _save_pickle
    load = load or _load_pickle
    k = key(name, setup, params)
    entry = cache_dir() / name / k
    hit = _read(entry, load)
    if hit is not _MISS:
        return hit
    with _Claim(entry):
        hit = _read(entry, load)  # another process may have computed it meanwhile
        if hit is not _MISS:
            return hit
        value = compute()
        try:
            tmp = Path(tempfile.mkdtemp(prefix=f".{k[:12]}-", dir=entry.parent))
            save(value, tmp)
            (tmp / "done").write_text(json.dumps({"name": name, "params": canonical(params)}), encoding="utf-8")
            _publish(tmp, entry)
        except Exception:  # caching is an optimisation: never fail the computation
            if "tmp" in locals():
                shutil.rmtree(tmp, ignore_errors=True)
    return value


_MISS = object()


def _read(entry: Path, load: Callable[[Path], T]) -> Any:
    """The entry's value, or :data:`_MISS` when it is absent or unreadable (then removed)."""
    if (entry / "done").is_file():
        try:
            return load(entry)
        except Exception:  # a corrupt entry is a miss, never an error
            shutil.rmtree(entry, ignore_errors=True)
    return _MISS


WAIT_LIMIT_S = 3600.0
"""Longest wait for another process's computation of the same entry before computing it here."""


class _Claim:
    """An exclusive claim on computing one entry: a ``<key>.lock`` file holding the owner's PID.

    The first process to create it computes; a process that finds it waits until the owner has
    published the entry, has exited (a dead PID: the claim is stale) or :data:`WAIT_LIMIT_S` has
    passed, then reads the entry or computes it itself. So the book build's background process
    (:func:`model.entry.book.prefetch`) and a chapter, or a build and a test session, never compute the
    same result twice at once. A claim that cannot be made (read-only cache) is simply not owned.
    """

    def __init__(self, entry: Path) -> None:
        self.lock = entry.parent / f"{entry.name}.lock"
        self.entry = entry
        self.owned = False

    def __enter__(self) -> "_Claim":
        import time

        start = time.monotonic()
        while True:
            try:
                self.lock.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                if (self.entry / "done").is_file() or time.monotonic() - start > WAIT_LIMIT_S:
                    return self
                if not owner_alive(self.lock):
                    self.lock.unlink(missing_ok=True)  # stale: its owner died
                    continue
                time.sleep(0.2)
                continue
            except OSError:
                return self
            with os.fdopen(fd, "w") as f:
                f.write(str(os.getpid()))
            self.owned = True
            return self

    def __exit__(self, *exc: object) -> None:
        if self.owned:
            self.lock.unlink(missing_ok=True)


def owner_alive(lock: Path) -> bool:
    """Whether the process whose PID ``lock`` holds still runs (a zombie does not; a lock still being written does).

    The claim on a cache entry (:class:`_Claim`) and the build's lock (``book/_ext/h20_build.py``) use it to
    take over the lock of a process that died (``benchmarks/prefetch.md``: the build's prefetch child keeps them).

    Parameters
    ----------
    lock : Path
        A lock file holding its owner's PID (empty for a moment after it is created).

    Returns
    -------
    bool
        False when the file is gone, its PID has ended or is a zombie, or it stayed empty for 10 s.
    """
    try:
        pid = int(lock.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, ValueError):  # empty: just created, or its owner died before writing its PID
        try:
            return _age(lock) < 10.0
        except OSError:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _age(path: Path) -> float:
    import time

    return time.time() - path.stat().st_mtime


def _save_pickle(value: object, directory: Path) -> None:
    with open(directory / "value.pickle", "wb") as f:
        pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)


def _load_pickle(directory: Path) -> Any:
    """The pickled value of an entry (written by this package, under a key that hashes its source)."""
    with open(directory / "value.pickle", "rb") as f:
        return pickle.load(f)  # the user's own cache; the key pins the classes' source
