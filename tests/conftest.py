"""Shared fixtures: the default setup and one full analysis (PyMC) per test session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The notebooks' kernels (nbval) import this checkout's package, as the tests do (pyproject's
# pythonpath): a venv shared by two checkouts otherwise imports whichever was installed last.
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(ROOT), *(p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != str(ROOT))]
)

from model.assumptions import DEFAULT_ASSUMPTIONS  # noqa: E402
from model.evidence import DEFAULT_EVENTS, DEFAULT_QUARTERS  # noqa: E402
from model.pipeline import Analysis, Setup, analyse, prepare  # noqa: E402
from model.resolution import DEFAULT_RESOLUTION  # noqa: E402

PREFETCH_FOR = ("08_checks.ipynb", "09_explore.ipynb")
"""Chapters whose slowest results :func:`model.book.prefetch` computes (as during the book build)."""


def pytest_collection_finish(session: pytest.Session) -> None:
    """When the session replays a chapter that needs them, compute the SBC of PyMC and the explorer's
    grid into the result cache in a child process (one worker) while the unit tests run.

    The chapters read the same entries, or wait for one the child is still computing
    (``model/cache.py``); nothing changes but when the work happens. Off with ``H20_PREFETCH=0``
    or ``H20_NO_CACHE=1``; the child is stopped when the session ends.
    """
    if not any(Path(str(item.fspath)).name in PREFETCH_FOR for item in session.items):
        return
    if os.environ.get("H20_NO_CACHE", "").strip() not in ("", "0") or os.environ.get("H20_PREFETCH") == "0":
        return
    from model.book import start_prefetch

    session.config.h20_prefetch = start_prefetch()  # type: ignore[attr-defined]


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop the prefetch child if it still runs."""
    child = getattr(session.config, "h20_prefetch", None)
    if child is not None and child.poll() is None:
        child.terminate()
        child.wait(timeout=30)


USER_INPUT_VARS = ("H20_ASSUMPTIONS", "H20_EVENTS", "H20_QUARTERS", "H20_RESOLUTION")
"""A user's own input files: the book and the notebooks follow them, the unit tests test the shipped inputs."""
_HIDDEN = "_h20_hidden_env"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Hide :data:`USER_INPUT_VARS` from every unit test (a test of them sets them with ``monkeypatch``).

    ``H20_ASSUMPTIONS=my.yaml pytest`` then tests the package as shipped; the notebooks (nbval,
    outside this directory) still run on the user's files, and :func:`pytest_report_header` says so.
    Runs before any fixture of the test, session-scoped ones (``setup``) included.
    """
    hidden = {k: os.environ.pop(k) for k in USER_INPUT_VARS if k in os.environ}
    setattr(item.config, _HIDDEN, {**getattr(item.config, _HIDDEN, {}), **hidden})


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """Give the hidden variables back (the next item may be a notebook)."""
    os.environ.update(getattr(item.config, _HIDDEN, {}))
    setattr(item.config, _HIDDEN, {})


def pytest_report_header(config: pytest.Config) -> list[str]:
    """One line when a user's input file is in force: nbval compares against outputs of the shipped inputs."""
    named = [f"{k}={os.environ[k]}" for k in USER_INPUT_VARS if os.environ.get(k, "").strip()]
    if not named:
        return []
    return [
        f"h20: {', '.join(named)}: unit tests use the shipped inputs; the notebooks run on yours and nbval "
        "compares them with the shipped outputs (refresh them with python scripts/execute_notebooks.py)"
    ]


@pytest.fixture(scope="session")
def setup() -> Setup:
    return prepare()


@pytest.fixture(scope="session")
def analysis(setup: Setup) -> Analysis:
    return analyse(setup, mcmc=True)


@pytest.fixture()
def inputs(tmp_path: Path) -> dict[str, Path]:
    """Editable copies of the shipped input files (the originals are never touched)."""
    out = {}
    shipped = (
        ("assumptions", DEFAULT_ASSUMPTIONS),
        ("events", DEFAULT_EVENTS),
        ("quarters", DEFAULT_QUARTERS),
        ("resolution", DEFAULT_RESOLUTION),
    )
    for key, src in shipped:
        dst = tmp_path / src.name
        shutil.copy(src, dst)
        out[key] = dst
    return out


@pytest.fixture(scope="session")
def analysis_exact(setup: Setup) -> Analysis:
    return analyse(setup, mcmc=False)


FILE_VARS = ("H20_ASSUMPTIONS", "H20_EVENTS", "H20_QUARTERS", "H20_RESOLUTION")


def run_model(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: int = 600
) -> subprocess.CompletedProcess[str]:
    """``python -m model ARGS`` in a subprocess, as a user runs it.

    The user's ``H20_*`` file variables are cleared (``H20_SEED`` is kept, so a seed sweep of the
    test suite reaches the CLI too); ``env`` adds or overrides variables.
    """
    full = {k: v for k, v in os.environ.items() if k not in FILE_VARS}
    full["PYTHONPATH"] = str(ROOT)
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "model", *args], capture_output=True, text=True, timeout=timeout, env=full, cwd=cwd
    )


@pytest.fixture()
def run_cli():
    """The one way tests run the command line: :func:`run_model`."""
    return run_model
