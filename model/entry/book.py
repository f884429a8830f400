"""The notebooks' one set-up call: ``chapter = open_chapter("overview")``.

It loads the inputs (the user's own files and seed when ``H20_*`` variables are set), sets the
figure output (SVG, reproducible ids), computes every fact the chapter's prose states
(:mod:`model.presentation.facts`) and glues them for myst-nb. Results a chapter shares with others
(the analysis, the weight spread, the tornado, the event influence, the forecast history) are
computed once, when first asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, TypeVar

import xarray as xr

from ..computation import explore
from ..computation import sensitivity as sens
from ..computation.call import CallBasis, call_basis
from ..computation.checks import PredictiveChecks, SBCResult, predictive_checks, sbc_mcmc
from ..computation.evidence import DATA_DIR
from ..computation.gates import GATE_SWEEP, load_gate_sweep, mcmc_gate
from ..computation.history import Revision, belief_over_time, forecast_history
from ..computation.influence import event_influence
from ..computation.pipeline import Analysis, Setup, analyse, analyse_exact, prepare
from ..computation.retrospective import Retrospective, retrospective
from ..computation.sensitivity import Tornado
from ..presentation import facts
from ..presentation.export import ExportInputs, Manifest, export

T = TypeVar("T")
DOWNLOADS_DIR = Path(__file__).resolve().parents[2] / "book" / "_static" / "downloads"
"""Where the "Data and downloads" chapter writes the files at build time (copied into _build/html/_static)."""
DOWNLOADS_HREF = "../_static/downloads/"
"""The same folder as a link from a chapter's page (notebooks/*.html)."""
EXPLORER_CHECK = (60, 20250715)
"""Random settings at which the explorer chapter measures its interpolation error: count, seed."""
SBC_FITS = 100
"""Simulated datasets of the SBC of the PyMC path that the checks chapter shows."""


@dataclass
class Chapter:
    """One chapter's inputs and the results it draws on (computed lazily, once)."""

    setup: Setup
    facts: facts.Facts = field(default_factory=dict)
    """What :func:`open_chapter` glued, by name."""
    _analyses: dict[bool, Analysis] = field(default_factory=dict, repr=False)

    def analysis(self, mcmc: bool = False) -> Analysis:
        """The exact path and forward Monte Carlo; with ``mcmc=True`` also the PyMC fit and its gate."""
        if mcmc not in self._analyses:  # the PyMC fit itself is cached by analyse; the rest takes a second
            self._analyses[mcmc] = analyse(self.setup, mcmc=True) if mcmc else self.shared(analyse_exact)
        return self._analyses[mcmc]

    def shared(self, fn: Callable[[Setup], T]) -> T:
        """``fn(setup)``, computed once per distinct input across chapters and builds
        (:mod:`model.computation.cache`).
        """
        from ..computation.cache import cached

        return cached(f"book.{fn.__name__}", self.setup, {"seed": self.setup.seed}, lambda: fn(self.setup))

    @cached_property
    def spread(self) -> xr.Dataset:
        """Shares and probabilities across tempering weights (:func:`model.computation.sensitivity.weight_spread`)."""
        return self.shared(sens.weight_spread)

    @cached_property
    def tornado(self) -> Tornado:
        """One-at-a-time swings of every input (:func:`model.computation.sensitivity.tornado`)."""
        return self.shared(sens.tornado)

    @cached_property
    def influence(self) -> xr.Dataset:
        """Each evidence item's leave-one-out influence (:func:`model.computation.influence.event_influence`)."""
        return self.shared(event_influence)

    @cached_property
    def history(self) -> list[Revision]:
        """The forecast at every evidence date (:func:`model.computation.history.forecast_history`)."""
        return self.shared(forecast_history)

    @cached_property
    def belief(self) -> xr.DataArray:
        """P(scenario) after each evidence date (:func:`model.computation.history.belief_over_time`)."""
        return self.shared(belief_over_time)

    @cached_property
    def retro(self) -> Retrospective:
        """The resolution and the scores of the article and of the book's out-of-sample forecasts."""
        return retrospective(self.setup, self.history)

    @cached_property
    def call(self) -> CallBasis:
        """What the scenario call rests on (:func:`model.computation.call.call_basis`)."""
        return self.shared(call_basis)

    @cached_property
    def predictive(self) -> PredictiveChecks:
        """The prior and posterior predictive checks (:func:`model.computation.checks.predictive_checks`)."""
        return self.shared(predictive_checks)

    @cached_property
    def leader(self) -> str:
        """The most probable scenario after all the evidence (exact path)."""
        return sens.ranked(self.analysis().exact_posterior.labelled()["scenario_prob"])[0]

    @cached_property
    def grid(self) -> dict[str, object]:
        """The what-if explorer's grid (:func:`model.computation.explore.explorer_grid`)."""
        return explore.cached_grid(self.setup)

    @cached_property
    def grid_error(self) -> dict[str, float]:
        """The explorer's largest errors against the exact path at :data:`EXPLORER_CHECK` random settings."""
        from ..computation.cache import cached

        n, seed = EXPLORER_CHECK
        return cached(
            "explore.grid_error",
            self.setup,
            {"n": n, "seed": seed},
            lambda: explore.interpolation_error(self.setup, self.grid, n, seed),
        )

    @cached_property
    def sbc_mcmc(self) -> SBCResult:
        """The SBC of the PyMC path (:data:`SBC_FITS` fits), computed once per distinct input."""
        return sbc_mcmc(self.setup, n_fits=SBC_FITS)

    @cached_property
    def manifest(self) -> Manifest:
        """Write the downloads into :data:`DOWNLOADS_DIR` (the PyMC fit is this chapter's one fit)."""
        inputs = ExportInputs(
            self.analysis(mcmc=True), self.spread, self.tornado, self.influence, self.history, self.grid
        )
        return export(inputs, DOWNLOADS_DIR)

    def glue(self, values: facts.Facts) -> None:
        """Glue each value under its name for the chapter's text (nothing is displayed)."""
        from IPython.display import Markdown
        from myst_nb import glue

        for key, value in values.items():  # a name ending in _md is MyST, pasted with {glue:md}`name:myst`
            glue(key, Markdown(str(value)) if key.endswith("_md") else value, display=False)
        self.facts.update(values)

    def check_mcmc(self) -> None:
        """Raise unless the PyMC fit converged and agrees with the exact path (prints nothing).

        Raises
        ------
        model.computation.gates.GateError
            Naming every diagnostic that failed and every quantity that disagrees
            (:func:`model.computation.gates.mcmc_gate`).
        """
        an = self.analysis(mcmc=True)
        mcmc_gate(an.exact_posterior, an.mcmc, self.setup.assumptions.inference).raise_if_failed()


CHAPTER_FACTS: dict[str, Callable[[Chapter], facts.Facts]] = {
    "overview": lambda c: facts.overview(c.analysis(), c.spread, c.retro, c.call),
    "held_up": lambda c: facts.held_up(c.setup, c.retro, c.call),
    "article": lambda c: facts.article(c.setup),
    "priors": lambda c: facts.priors(c.setup),
    "evidence": lambda c: facts.evidence(c.setup),
    "inference": lambda c: facts.inference(c.setup, load_gate_sweep()),
    "belief": lambda c: facts.belief(c.setup, c.history),
    "revenue": lambda c: facts.revenue(c.analysis()),
    "drivers": lambda c: facts.drivers(c.setup, c.leader, c.tornado, c.call),
    "checks": lambda c: facts.checks(c.setup, c.predictive, c.leader),
    "explore": lambda c: facts.explore(c.grid, c.grid_error, c.leader),
    "downloads": lambda c: facts.downloads(c.manifest),
}
"""The facts each chapter states (the checks chapter glues its Monte Carlo ones in the cells that compute them)."""


def figure_output() -> None:
    """Charts as HTML pictures: a wide and a narrow SVG drawing, picked by screen width (:func:`plots.chart_html`).

    The SVGs have reproducible ids and no timestamp (same bytes on every build). Outside Jupyter
    nothing changes.
    """
    import matplotlib
    from matplotlib.figure import Figure

    from ..presentation import plots

    matplotlib.rcParams["svg.hashsalt"] = "h20-risk-book"
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # outside Jupyter
        return
    shell = get_ipython()
    if shell is None:
        return
    # Loads the inline backend now (which registers its own formatters once), then clears them.
    set_matplotlib_formats("svg", metadata={"Date": None})
    formatters = shell.display_formatter.formatters
    for mime in ("image/png", "image/svg+xml", "image/jpeg", "application/pdf"):
        formatters[mime].pop(Figure, None)  # one picture per chart, not the same one twice
    formatters["text/html"].for_type(Figure, plots.chart_html)


def open_chapter(name: str, glue: bool = True) -> Chapter:
    """Set up a chapter: load the inputs, configure figures, glue the facts its text states.

    Stops (:class:`model.OtherCheckoutError`, one line naming both) when the kernel runs in one
    checkout and imported the package of another (one venv shared by two checkouts).
    """
    from .. import check_checkout

    check_checkout()
    chapter = Chapter(prepare())
    figure_output()
    if glue:
        chapter.glue(CHAPTER_FACTS[name](chapter))
    else:
        chapter.facts.update(CHAPTER_FACTS[name](chapter))
    return chapter


def prefetch(log: Callable[[str], None] = print) -> None:
    """Compute the results the last chapters wait longest for into the result cache.

    Run by the book build in a background process (``book/_ext/h20_build.py``) while the first
    chapters execute: the SBC of the PyMC path (the checks chapter), then the explorer's grid and
    its accuracy check. The chapters read the same entries, or wait for one this process is
    computing (:mod:`model.computation.cache`); the keys decide what is reused, so no number changes. Each
    step is logged with its time (``_build/prefetch.log``); a step under a second came from the cache.
    """
    import time

    start = time.perf_counter()
    chapter = Chapter(prepare())
    log(f"prefetch: inputs loaded in {time.perf_counter() - start:.1f} s (seed {chapter.setup.seed})")
    for name in PREFETCHED:
        t = time.perf_counter()
        getattr(chapter, name)
        log(f"prefetch: {name} ready in {time.perf_counter() - t:.1f} s")
    log(f"prefetch: done in {time.perf_counter() - start:.1f} s")


PREFETCHED: tuple[str, ...] = ("sbc_mcmc", "grid", "grid_error")
"""The :class:`Chapter` results :func:`prefetch` computes, in this order."""

PR_SET_PDEATHSIG = 1
"""``prctl`` option (Linux): the signal a process gets when its parent dies."""


def die_with_parent(parent: int, poll_s: float = 1.0) -> None:
    """End this process when process ``parent`` ends, however it ends (SIGKILL included).

    On Linux the kernel sends SIGTERM at the parent's death (``prctl(PR_SET_PDEATHSIG)``); everywhere
    a daemon thread also checks every ``poll_s`` seconds that the parent is still this process's
    parent. A parent already gone ends this process at once.
    """
    import os
    import signal
    import sys
    import threading
    import time

    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no prctl: the thread below still notices

    def orphaned() -> bool:
        return os.getppid() != parent

    def watch() -> None:
        while not orphaned():
            time.sleep(poll_s)
        os.kill(os.getpid(), signal.SIGTERM)

    if orphaned():
        os.kill(os.getpid(), signal.SIGTERM)
    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def prefetch_child(parent: int) -> None:
    """The prefetch process's main: end with ``parent``, log each step with a time stamp, flushed."""
    import os
    import sys
    import time

    die_with_parent(parent)

    def log(line: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} {line}", flush=True)

    from ..computation.parallel import local_workers

    log(
        f"prefetch: pid {os.getpid()}, parent {parent}, {local_workers()} worker(s), "
        f"python {sys.version.split()[0]}, package {PACKAGE_DIR}"
    )
    prefetch(log)


PACKAGE_DIR = Path(__file__).resolve().parents[1]
CHILD_CODE = "import sys; from model.entry.book import prefetch_child; prefetch_child(int(sys.argv[1]))"
"""What the prefetch process runs (its argument: the parent's PID)."""


ENV_PREFETCH = "H20_PREFETCH"
"""``H20_PREFETCH=0`` turns the prefetch off (:func:`start_prefetch` then starts nothing)."""


def prefetch_wanted() -> bool:
    """Whether :func:`start_prefetch` starts a child: not under ``H20_PREFETCH=0``, nor with the result cache
    off (``H20_NO_CACHE``: the child would fill nothing anyone reads).
    """
    import os

    from ..computation.cache import enabled

    return enabled() and os.environ.get(ENV_PREFETCH, "").strip() != "0"


def start_prefetch(log: Path | None = None):  # -> subprocess.Popen | None
    """:func:`prefetch` in a child process with one worker (the caller keeps the other core), or None
    when it is not wanted (:func:`prefetch_wanted`).

    Output goes to ``log`` (discarded when None). The book build (``book/_ext/h20_build.py``) starts
    it and stops it at its end (:func:`stop_prefetch`); if the caller dies without stopping it, it
    ends by itself (:func:`die_with_parent`). It runs in this package's checkout, with this package
    first on its path. What it buys (a third to a half of a cold build; nothing for ``pytest``, which no longer
    starts it): ``benchmarks/prefetch.md``.
    """
    import os
    import subprocess
    import sys

    if not prefetch_wanted():
        return None
    root = PACKAGE_DIR.parent
    path = os.pathsep.join([str(root), *(p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p)])
    out = open(log, "w", encoding="utf-8") if log else subprocess.DEVNULL
    try:
        return subprocess.Popen(
            [sys.executable, "-c", CHILD_CODE, str(os.getpid())],
            cwd=root,
            env={**os.environ, "H20_WORKERS": "1", "PYTHONPATH": path, "PYTHONUNBUFFERED": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    finally:
        if log:
            out.close()


def stop_prefetch(child) -> int | None:
    """Stop the prefetch child if it still runs (SIGTERM, SIGKILL after 30 s); its exit code (None: no child)."""
    import subprocess

    if child is None:
        return None
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    return child.returncode


NEUTRAL_ENV: frozenset[str] = frozenset(
    {"H20_PREFETCH", "H20_WORKERS", "H20_DASK_SCHEDULER", "H20_CACHE_DIR", "H20_BUILD_WAIT"}
)
"""``H20_*`` variables that change where work runs or is kept, never what a chapter shows."""


def build_stamp(package: Path = PACKAGE_DIR) -> dict[str, str]:
    """What the executed chapters depend on, as two digests (the build's notebook-execution cache).

    ``inputs``: the result-cache key (:func:`model.computation.cache.key`: the input files' bytes, the evidence
    filter, the computation layer's code, the numerical libraries and the machine's arithmetic)
    extended by the code of every other module (:func:`model.computation.fingerprint.package_digest`: the
    presentation layer and entry points draw and write what the chapters show), the seed, every
    ``H20_*`` variable but :data:`NEUTRAL_ENV`, the files in ``model/data`` (the article's claims),
    the stored gate sweep, the commit and the version of every installed distribution (matplotlib,
    myst-nb, ...). ``downloads``: the files the downloads chapter wrote. ``book/_ext/h20_build.py``
    re-executes every notebook unless both equal the stamp of the last build that executed them.

    Parameters
    ----------
    package : the package directory whose code is hashed (a copy, in tests)
    """
    import hashlib
    import os
    from importlib import metadata

    from ..computation.cache import key
    from ..computation.fingerprint import file_digest, files_digest, package_digest
    from ..presentation.export import git_commit

    setup = prepare()
    root = Path(__file__).resolve().parents[2]
    dists = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    params = {
        "seed": setup.seed,
        "package": package_digest(package),
        "env": {k: v for k, v in os.environ.items() if k.startswith("H20_") and k not in NEUTRAL_ENV},
        "gate_sweep": file_digest(root / GATE_SWEEP),
        "data": files_digest(DATA_DIR),  # the shipped files besides the inputs (the article's claims)
        "commit": git_commit(),
        "distributions": hashlib.sha256("\n".join(dists).encode()).hexdigest(),
    }
    return {"inputs": key("book.chapters", setup, params, package), "downloads": files_digest(DOWNLOADS_DIR)}
