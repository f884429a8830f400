"""Sphinx extension: compute the slowest chapter results in a background process while the notebooks run.

The build executes the chapters one after another, each in its own kernel on one core. The SBC
of the PyMC path (100 NUTS fits) and the explorer's grid are needed only by the last chapters, so
at ``builder-inited`` this starts :func:`model.book.prefetch` in a child process (one worker,
output in ``_build/prefetch.log``) that computes them into the result cache (``model/cache.py``)
on the otherwise idle core. A chapter that needs an entry the child is still computing waits for
it instead of computing it again. What is reused is decided by the cache keys alone, so this
changes when work happens, never a number. Nothing is started when notebooks are not executed,
when the cache is off (``H20_NO_CACHE``) or with ``H20_PREFETCH=0``; the child is stopped when
the build ends.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

LOG = logging.getLogger(__name__)
CHILD = "_h20_prefetch"


def _off(value: str) -> bool:
    return value.strip() not in ("", "0")


def start(app: Sphinx) -> None:
    """Start the background process (unless the notebooks are not executed or the cache is off)."""
    if getattr(app.config, "nb_execution_mode", "off") == "off" or _off(os.environ.get("H20_NO_CACHE", "")):
        return
    if os.environ.get("H20_PREFETCH", "1").strip() == "0":
        return
    log = Path(app.outdir).parent / "prefetch.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "H20_WORKERS": "1"}
    with open(log, "w", encoding="utf-8") as out:
        child = subprocess.Popen(
            [sys.executable, "-c", "from model.book import prefetch; prefetch()"],
            cwd=app.srcdir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    setattr(app, CHILD, child)
    LOG.info(f"h20_prefetch: computing the slowest results in the background (pid {child.pid}, log {log})")


def finish(app: Sphinx, exception: Exception | None) -> None:
    """Stop the background process if it still runs (the chapters computed what they needed)."""
    child: subprocess.Popen | None = getattr(app, CHILD, None)
    if child is None:
        return
    if child.poll() is None:
        child.terminate()
        child.wait(timeout=30)
    LOG.info(f"h20_prefetch: background process ended with exit code {child.returncode}")


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("builder-inited", start)
    app.connect("build-finished", finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
