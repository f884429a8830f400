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
# Another article (H20_ARTICLE) changes the scenarios the package reads at import; every test and chapter here is
# about the shipped one, so the whole session (this process, the notebooks' kernels, the command line) runs on it.
USER_ARTICLE = os.environ.pop("H20_ARTICLE", None)

from model.computation.assumptions import DEFAULT_ASSUMPTIONS  # noqa: E402
from model.computation.evidence_files import DEFAULT_EVENTS, DEFAULT_QUARTERS  # noqa: E402
from model.computation.pipeline import Analysis, Setup, analyse, prepare  # noqa: E402
from model.computation.resolution import DEFAULT_RESOLUTION  # noqa: E402

TIER_MARKERS: tuple[str, ...] = (
    "slow",
    "browser",
    "nbval",
    "subprocess",
    "dask",
    "mcmc",
    "grid",
    "figures",
    "cli",
    "history",
    "sbc",
    "ppc",
    "quadrature",
    "preliz",
    "fuzz",
    "book",
)
"""Markers of tests that need more than this process and the exact path (see pyproject.toml); every other test is
``quick``.
"""
NEEDS_TEXT: dict[str, tuple[str, ...]] = {
    "subprocess": ("subprocess", "run_model(", "sys.executable", "Popen("),
    "mcmc": ("mcmc=True", "fit_mcmc(", "cached_fit(", "sbc_mcmc(", "compile_logp("),
    "quadrature": ("integrate.quad(",),
    "preliz": ("import preliz",),
    "grid": ("cached_grid(", "explorer_grid("),
    "history": ("forecast_history(", "belief_over_time(", "retrospective("),
    "sbc": ("sbc_exact(",),
    "ppc": ("predictive_checks(", "forecast_revenue_check("),
}
"""Text in a test's own source (or a helper or fixture of its module it names) that shows what it needs: another
process (the command line, a kernel, another interpreter), a PyMC fit, the explorer's grid, the forecast at every
evidence date, a simulation-based calibration, the chapters' predictive checks, an adaptive-quadrature reference
(scipy's ``integrate.quad``), PreliZ's own fits as a reference (importing PreliZ takes seconds).
"""


def _source_needs(fn: object, module: object, seen: set[str]) -> set[str]:
    """The :data:`NEEDS_TEXT` markers that ``fn``'s source, or that of the functions of ``module`` or of
    ``conftest`` it names, earns.
    """
    import ast
    import inspect
    import textwrap

    try:
        source = inspect.getsource(fn)  # type: ignore[arg-type]
    except (OSError, TypeError):
        return set()
    out = {marker for marker, texts in NEEDS_TEXT.items() if any(t in source for t in texts)}

    for node in ast.walk(ast.parse(textwrap.dedent(source))):
        name = node.id if isinstance(node, ast.Name) else None
        if name and name not in seen:
            seen.add(name)
            obj = getattr(module, name, None)
            if inspect.isfunction(obj) and obj.__module__ in (getattr(module, "__name__", None), __name__):
                out |= _source_needs(obj, module, seen)
    return out


def _needs(item: pytest.Item) -> set[str]:
    """The tier markers ``item`` earns by what it uses: its path, its fixtures, its own source and that of the
    helpers and fixtures of its module it calls.
    """
    needs = {m.name for m in item.iter_markers() if m.name in TIER_MARKERS}
    path = Path(str(item.fspath))
    fixtures = set(getattr(item, "fixturenames", ()))
    if path.suffix == ".ipynb":
        needs.add("nbval")
    if path.name == "test_parallel.py" or "dask" in fixtures:
        needs.add("dask")
    if "analysis" in fixtures:  # the session's full PyMC fit
        needs.add("mcmc")
    if "chapter" in fixtures:  # a model.entry.book.Chapter: every result a chapter shows (PyMC fit and grid included)
        needs.add("book")
    if "run_cli" in fixtures:
        needs.add("subprocess")
    if path.name == "test_plots.py":  # draws every figure of the book
        needs.add("figures")
    if path.name == "test_cli.py":  # the command line end to end (in this process or another)
        needs.add("cli")
    fn, module = getattr(item, "function", None), getattr(item, "module", None)
    if getattr(fn, "is_hypothesis_test", False):  # a property test: many examples
        needs.add("fuzz")
    if fn is not None and module is not None:
        defs = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
        local = [d[-1].func for n, d in defs.items() if d and getattr(d[-1].func, "__module__", "") == module.__name__]
        for f in [fn, *local]:
            needs |= _source_needs(f, module, set())
    return needs


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test by what it needs (:data:`TIER_MARKERS`), and ``quick`` when it needs none of them.

    Runs before ``-m`` selects, so ``pytest -m quick`` is the unit tests of the exact path in this process;
    the default ``pytest`` (``-m 'not slow'``) still runs everything.
    """
    for item in items:
        needs = _needs(item)
        for name in sorted(needs):
            item.add_marker(name)
        if not needs:
            item.add_marker("quick")


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
    article = [f"h20: H20_ARTICLE={USER_ARTICLE} is ignored: the tests and chapters are about the shipped article"]
    if not named:
        return article if USER_ARTICLE else []
    return [
        *(article if USER_ARTICLE else []),
        f"h20: {', '.join(named)}: unit tests use the shipped inputs; the notebooks run on yours and nbval "
        "compares them with the shipped outputs (refresh them with python scripts/execute_notebooks.py)",
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


FILE_VARS = ("H20_ASSUMPTIONS", "H20_EVENTS", "H20_QUARTERS", "H20_RESOLUTION", "H20_ARTICLE")


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
