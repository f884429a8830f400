"""Sphinx extension: execute the chapters only when something they read changed, and start the
slowest results early.

**Execution cache.** The book is built with myst-nb's ``cache`` execution mode: a notebook whose
code cells are unchanged gets its outputs from the Jupyter cache (``_build/.jupyter_cache``)
instead of being re-executed. The chapters also read the input files, the seed, ``model/``,
the libraries, the commit and the files the downloads chapter wrote; none of that is in the
Jupyter cache's key. So at ``builder-inited`` this computes :func:`model.book.build_stamp` and
empties the Jupyter cache unless the stamp equals the one stored by the last build that executed
the notebooks; when a build that executed them ends, their stamp is stored. A rebuild with
nothing changed therefore executes nothing, and any change re-executes every chapter (the expensive results
then come from the result cache, ``model/cache.py``, keyed by what they read). ``H20_NO_CACHE``
always re-executes.

**Prefetch.** When the chapters will be executed, the SBC of the PyMC path (100 NUTS fits) and
the explorer's grid, needed only by the last chapters, are computed into the result cache by
:func:`model.book.prefetch` in a child process (one worker, output in ``_build/prefetch.log``)
on the core the chapters leave idle; a chapter that needs an entry the child is still computing
waits for it. The cache keys decide what is reused, so this changes when work happens, never a
number. ``H20_PREFETCH=0`` turns it off; the child is stopped when the build ends.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

LOG = logging.getLogger(__name__)
CHILD = "_h20_prefetch"
STAMP = "_h20_stamp"
EXECUTED = "_h20_executed"
STAMP_FILE = "h20-stamp.json"


def _off(value: str) -> bool:
    return value.strip() not in ("", "0")


def jupyter_cache(app: Sphinx) -> Path:
    """Where myst-nb keeps executed notebooks (its own default when the configuration names none)."""
    configured = getattr(app.config, "nb_execution_cache_path", "")
    return Path(configured) if configured else Path(app.outdir).parent / ".jupyter_cache"


def stamp(app: Sphinx) -> dict[str, str] | None:
    """:func:`model.book.build_stamp` (None when it fails, e.g. on bad inputs: the chapters then report them)."""
    try:
        from model.book import build_stamp

        return build_stamp()
    except Exception:  # noqa: BLE001 - unknown stamp: nothing is reused
        return None


def start(app: Sphinx) -> None:
    """Keep the Jupyter cache only if the stamp is unchanged; start the prefetch when chapters will run."""
    mode = getattr(app.config, "nb_execution_mode", "off")
    if mode == "off":
        return
    no_cache = _off(os.environ.get("H20_NO_CACHE", ""))
    current = stamp(app)
    setattr(app, STAMP, current)
    if mode == "cache":
        cache = jupyter_cache(app)
        stored = cache / STAMP_FILE
        try:
            previous = json.loads(stored.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            previous = None
        if current is not None and previous == current and not no_cache:
            LOG.info("h20_build: nothing the chapters read changed; executed notebooks reused")
            return
        shutil.rmtree(cache, ignore_errors=True)
        setattr(app, EXECUTED, True)
        LOG.info("h20_build: inputs, code or environment changed: every notebook is executed")
    if no_cache or os.environ.get("H20_PREFETCH", "1").strip() == "0":
        return
    from model.book import start_prefetch

    log = Path(app.outdir).parent / "prefetch.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    child = start_prefetch(log)
    setattr(app, CHILD, child)
    LOG.info(f"h20_build: computing the slowest results in the background (pid {child.pid}, log {log})")


def finish(app: Sphinx, exception: Exception | None) -> None:
    """Stop the prefetch if it still runs; store the stamp the executed notebooks correspond to."""
    child: subprocess.Popen | None = getattr(app, CHILD, None)
    if child is not None:
        if child.poll() is None:
            child.terminate()
            child.wait(timeout=30)
        LOG.info(f"h20_build: background process ended with exit code {child.returncode}")
    before: dict[str, str] | None = getattr(app, STAMP, None)
    if exception is not None or before is None or not getattr(app, EXECUTED, False):
        return  # a failed build, an unknown stamp, or notebooks reused under the stored stamp
    after = stamp(app)  # the downloads chapter has written its files by now
    cache = jupyter_cache(app)
    if after is not None and after["inputs"] == before["inputs"] and cache.is_dir():
        (cache / STAMP_FILE).write_text(json.dumps(after), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("builder-inited", start)
    app.connect("build-finished", finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
