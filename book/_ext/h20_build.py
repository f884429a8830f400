"""Sphinx extension: build this checkout, one build at a time, from valid inputs; execute the chapters
only when something they read changed, and start the slowest results early.

**This checkout.** The chapters, this extension and the prefetch import the package of the checkout
being built: its root goes first on ``sys.path`` and on ``PYTHONPATH`` (the kernels inherit it),
whatever checkout a shared virtual environment installed last. If ``model`` was already imported
from elsewhere, the build stops with one line naming both.

**One build per build directory.** A ``.h20-build.lock`` file in the build directory (``_build``)
names the owner's PID. A second build of the same checkout waits for the first to end
(``H20_BUILD_WAIT`` seconds, default 3600; ``0`` stops at once) and then reuses what it executed;
a dead owner's lock is taken over. So no build empties the Jupyter cache under another.

**Inputs first.** Before any chapter executes, the inputs in force (``H20_ASSUMPTIONS``,
``H20_EVENTS``, ``H20_QUARTERS``, ``H20_SEED``) go through :func:`model.computation.pipeline.prepare`, the
command line's own path: a bad input stops the build with the command line's one line (file,
field, fix) as the last line of the output, exit status 2.

**Execution cache.** The book is built with myst-nb's ``cache`` execution mode: a notebook whose
code cells are unchanged gets its outputs from the Jupyter cache (``_build/.jupyter_cache``)
instead of being re-executed. The chapters also read the input files, the seed, ``model/``,
the libraries, the commit and the files the downloads chapter wrote; none of that is in the
Jupyter cache's key. So at ``builder-inited`` this computes :func:`model.entry.book.build_stamp` and
empties the Jupyter cache unless the stamp equals the one stored by the last build that executed
the notebooks; when a build that executed them ends, their stamp is stored. A Jupyter cache that
cannot be read or written (a corrupt or read-only database, missing files, another version of
jupyter-cache) is a miss: emptied, one log line, every chapter executed. ``H20_NO_CACHE`` always
re-executes.

**Prefetch.** When the chapters will be executed, the SBC of the PyMC path (100 NUTS fits) and
the explorer's grid, needed only by the last chapters, are computed into the result cache by
:func:`model.entry.book.prefetch` in a child process (one worker, its log in ``_build/prefetch.log``)
on the core the chapters leave idle; a chapter that needs an entry the child is still computing
waits for it. The cache keys decide what is reused, so this changes when work happens, never a
number. Measured on 2 cores (``benchmarks/prefetch.md``): a cold build takes a third to a half less
time with it, for the same CPU time. ``H20_PREFETCH=0`` (or ``H20_NO_CACHE``) turns it off
(:func:`model.entry.book.prefetch_wanted`); the child is stopped when the build ends
(:func:`model.entry.book.stop_prefetch`), and exits by itself if the build dies.

**The build's own kernel.** Whatever kernelspec a notebook carries (JupyterLab saves the name of
the kernel it ran, e.g. ``h20-venv``), ``_config.yml`` aliases every name to ``h20-book``
(``nb_kernel_rgx_aliases``), a kernelspec this extension writes into the build directory and puts
first on ``JUPYTER_PATH``: this Python, so the chapters run in the build's own environment.

**Quiet kernels.** ipykernel warns on every kernel start that runs over TCP without encryption
unless the kernel manager provisions CurveZMQ keys; jupyter_client's setting for that,
``KernelManager.transport_encryption``, is set to ``auto`` for this build (encrypted wherever the
kernelspec supports it, as the standard ``python3`` one does).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import NoReturn

from sphinx.application import Sphinx
from sphinx.util import logging

LOG = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
"""The checkout this extension belongs to (``book/_ext/`` is two levels below its root)."""
CHILD = "_h20_prefetch"
STAMP = "_h20_stamp"
EXECUTED = "_h20_executed"
LOCK = "_h20_lock"
STAMP_FILE = "h20-stamp.json"
LOCK_FILE = ".h20-build.lock"
WAIT_ENV = "H20_BUILD_WAIT"
WAIT_DEFAULT_S = 3600.0
EXIT_INPUT, EXIT_ENVIRONMENT = 2, 75
"""The command line's exit codes (``model/entry/cli.py``): bad input; a problem of the environment."""


def _off(value: str) -> bool:
    return value.strip() not in ("", "0")


def stop(line: str, code: int) -> NoReturn:
    """End the build now with ``line`` as the last line of its output (no traceback, no summary after it)."""
    sys.stdout.flush()
    print(line, file=sys.stderr, flush=True)
    raise SystemExit(code)


def use_this_checkout(root: Path = ROOT) -> None:
    """Import the package of ``root`` here and in every kernel and child of the build, or stop with one line."""
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(root), *(p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != str(root))]
    )
    if str(root) in sys.path:
        sys.path.remove(str(root))
    sys.path.insert(0, str(root))
    import model

    imported = Path(model.__file__).resolve().parent
    if imported != root / "model":
        stop(
            f"error: building {root} with the package of another place, {imported}; "
            f"fix: run the build in a fresh process (jupyter-book build {root}) or pip install -e {root}",
            EXIT_ENVIRONMENT,
        )


def encrypted_kernels() -> None:
    """Kernels started by this process ask for CurveZMQ keys (no "running over TCP without encryption")."""
    try:
        import zmq
        from jupyter_client.manager import KernelManager
    except ImportError:
        return
    trait = KernelManager.class_traits().get("transport_encryption")
    if trait is not None and zmq.has("curve"):
        trait.default_value = "auto"  # myst-nb makes its kernel managers without a config to set it in


KERNEL = "h20-book"
"""The kernel every chapter runs in (``_config.yml`` aliases every kernelspec name to it)."""


def book_kernel(directory: Path) -> Path:
    """Write the :data:`KERNEL` kernelspec (this Python) under ``directory`` and put it first on ``JUPYTER_PATH``."""
    spec = directory / "kernels" / KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    kernel = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (the book build's environment)",
        "language": "python",
        "metadata": {"supported_encryption": ["curve"]},
    }
    (spec / "kernel.json").write_text(json.dumps(kernel, indent=1) + "\n", encoding="utf-8")
    others = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p and p != str(directory)]
    os.environ["JUPYTER_PATH"] = os.pathsep.join([str(directory), *others])
    return spec


def build_dir(app: Sphinx) -> Path:
    """The build directory (``_build``, or the ``--path-output``): the HTML's parent."""
    return Path(app.outdir).parent


def jupyter_cache(app: Sphinx) -> Path:
    """Where myst-nb keeps executed notebooks (its own default when the configuration names none)."""
    configured = getattr(app.config, "nb_execution_cache_path", "")
    return Path(configured) if configured else build_dir(app) / ".jupyter_cache"


# --------------------------------------------------------------------------- one build per build directory


class BuildLock:
    """``<build dir>/.h20-build.lock``, holding the owner's PID, for as long as one build runs."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / LOCK_FILE
        self.owned = False

    def acquire(self, wait_s: float) -> int | None:
        """Take the lock, waiting up to ``wait_s`` seconds for a live owner; the PID still holding it, or None."""
        from model.computation.cache import owner_alive

        start, told = time.monotonic(), False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                owner = self.owner()
                if not owner_alive(self.path):
                    LOG.info(f"h20_build: taking over the lock of a build that died (pid {owner})")
                    self.path.unlink(missing_ok=True)
                    continue
                if time.monotonic() - start >= wait_s:
                    return owner
                if not told:
                    LOG.info(
                        f"h20_build: another build (pid {owner}) is using {self.path.parent}; waiting for it to end "
                        f"({WAIT_ENV}=0 stops instead)"
                    )
                    told = True
                time.sleep(0.5)
                continue
            with os.fdopen(fd, "w") as f:
                f.write(str(os.getpid()))
            self.owned = True
            atexit.register(self.release)  # also when the build stops early (bad input) or fails
            return None

    def owner(self) -> int | None:
        try:
            return int(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def release(self) -> None:
        if self.owned and self.owner() == os.getpid():
            self.path.unlink(missing_ok=True)
        self.owned = False


def _wait_s() -> float:
    text = os.environ.get(WAIT_ENV, "").strip()
    try:
        return max(0.0, float(text)) if text else WAIT_DEFAULT_S
    except ValueError:
        stop(f"error: {WAIT_ENV}={text!r}: not a number of seconds; fix: set it to e.g. 600, or 0", EXIT_INPUT)


def lock_build(app: Sphinx) -> None:
    """One build per build directory: wait for (or stop at) another live build of it."""
    lock = BuildLock(build_dir(app))
    try:
        owner = lock.acquire(_wait_s())
    except OSError as exc:
        stop(f"error: environment: cannot lock {lock.path} ({exc.strerror}); fix: make it writable", EXIT_ENVIRONMENT)
    if owner is not None:
        stop(
            f"error: another build (pid {owner}) is using {lock.path.parent}; fix: wait for it to end, "
            f"or build elsewhere with --path-output",
            EXIT_ENVIRONMENT,
        )
    setattr(app, LOCK, lock)


# --------------------------------------------------------------------------- inputs, Jupyter cache, stamp


def validate_inputs() -> None:
    """The inputs in force through the command line's path; a bad one stops the build with its one line."""
    from model.computation.errors import InputError
    from model.computation.pipeline import prepare
    from model.entry.cli import environment_cause, environment_line

    try:
        prepare()
    except InputError as exc:
        cause = environment_cause(exc)
        stop(environment_line(cause) if cause else f"error: {exc}", EXIT_ENVIRONMENT if cause else EXIT_INPUT)
    except OSError as exc:
        stop(environment_line(exc), EXIT_ENVIRONMENT)


def cache_problem(cache: Path) -> str | None:
    """What makes the Jupyter cache at ``cache`` unusable, or None (absent, or readable and writable)."""
    if not cache.exists():
        return None
    if not cache.is_dir():
        return "not a directory"
    try:
        import jupyter_cache
        from jupyter_cache import get_cache

        db = cache / "global.db"
        version = (cache / "__version__.txt").read_text(encoding="utf-8").strip() if db.exists() else None
        if db.exists() and version != jupyter_cache.__version__:
            return f"written by jupyter-cache {version}, this is {jupyter_cache.__version__}"
        if not db.exists():
            return None if not any(p.name != STAMP_FILE for p in cache.iterdir()) else "files without a database"
        with sqlite3.connect(f"file:{db}?mode=rw", uri=True, timeout=1) as con:
            con.execute("BEGIN IMMEDIATE")  # the write lock each executed notebook needs
            con.execute("ROLLBACK")
        c = get_cache(str(cache))
        for record in c.list_cache_records():
            c.get_cache_bundle(record.pk)  # the executed notebook is there and parses
        c.list_project_records()
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": ")
    return None


def empty(cache: Path) -> None:
    """Remove the Jupyter cache, or stop with one line when it cannot be removed."""
    if cache.is_dir() and not cache.is_symlink():
        shutil.rmtree(cache, ignore_errors=True)
    elif cache.exists() or cache.is_symlink():
        cache.unlink(missing_ok=True)
    if cache.exists():
        stop(f"error: environment: cannot empty the Jupyter cache {cache}; fix: remove it by hand", EXIT_ENVIRONMENT)


def stamp(app: Sphinx) -> dict[str, str] | None:
    """:func:`model.entry.book.build_stamp` (None when it fails: then nothing is reused)."""
    try:
        from model.entry.book import build_stamp

        return build_stamp()
    except Exception:
        return None


def start(app: Sphinx) -> None:
    """Lock the build directory, check the inputs, keep the Jupyter cache only if the stamp is unchanged and
    the cache is sound, and start the prefetch when chapters will run.
    """
    mode = getattr(app.config, "nb_execution_mode", "off")
    if mode == "off":
        return
    lock_build(app)
    validate_inputs()
    no_cache = _off(os.environ.get("H20_NO_CACHE", ""))
    current = stamp(app)
    setattr(app, STAMP, current)
    if mode == "cache":
        cache = jupyter_cache(app)
        problem = cache_problem(cache)
        if problem is not None:
            LOG.info(
                f"h20_build: the Jupyter cache {cache} is unusable ({problem}): emptied, every notebook is executed"
            )
            empty(cache)
        stored = cache / STAMP_FILE
        try:
            previous = json.loads(stored.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            previous = None
        if current is not None and previous == current and not no_cache:
            LOG.info("h20_build: nothing the chapters read changed; executed notebooks reused")
            return
        empty(cache)
        setattr(app, EXECUTED, True)
        LOG.info("h20_build: inputs, code or environment changed: every notebook is executed")
    from model.entry.book import prefetch_wanted, start_prefetch, stop_prefetch

    if not prefetch_wanted():
        return
    log = build_dir(app) / "prefetch.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    child = start_prefetch(log)
    setattr(app, CHILD, child)
    atexit.register(stop_prefetch, child)
    LOG.info(f"h20_build: computing the slowest results in the background (pid {child.pid}, log {log})")


def finish(app: Sphinx, exception: Exception | None) -> None:
    """Stop the prefetch if it still runs; store the stamp the executed notebooks correspond to; unlock."""
    child: subprocess.Popen | None = getattr(app, CHILD, None)
    if child is not None:
        from model.entry.book import stop_prefetch

        LOG.info(f"h20_build: background process ended with exit code {stop_prefetch(child)}")
    try:
        before: dict[str, str] | None = getattr(app, STAMP, None)
        if exception is not None or before is None or not getattr(app, EXECUTED, False):
            return  # a failed build, an unknown stamp, or notebooks reused under the stored stamp
        after = stamp(app)  # the downloads chapter has written its files by now
        cache = jupyter_cache(app)
        if after is not None and after["inputs"] == before["inputs"] and cache.is_dir():
            (cache / STAMP_FILE).write_text(json.dumps(after), encoding="utf-8")
    finally:
        lock: BuildLock | None = getattr(app, LOCK, None)
        if lock is not None:
            lock.release()


def setup(app: Sphinx) -> dict[str, object]:
    use_this_checkout()
    encrypted_kernels()
    book_kernel(Path(app.outdir).parent / ".h20-jupyter")
    app.connect("builder-inited", start)
    app.connect("build-finished", finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
