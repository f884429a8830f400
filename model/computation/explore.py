"""The what-if explorer: the exact path precomputed on a grid, and what a reader's browser shows from it.

The exact path factorises (book/method.md, "Two inference paths")::

    P(z = s | E) ∝ m_s · exp(w · S_s(date)) · Z_s,    S_s(date) = sum_c n_c(date) log P(c | s)

``m`` (the base-case slider) and ``w`` (the evidence-discount slider) enter by arithmetic, and
so does the evidence date through the signal counts ``n_c(date)``: the page does that exactly.
``Z_s = ∫ Beta(r; a_s, b_s) p(x | r) dr`` and the posterior of the recovered share given ``s``
depend only on the revenue datum in force at the date (a few distinct states: none, partial
sums, the full year), the measurement-error factor and, for the one scenario whose recovery
interval the sliders move, that interval. Those are computed here by the package's own
quadrature (:func:`model.computation.exact.quadrature`) on a grid of (error factor, lower, upper) and
interpolated by the page, linearly in the logarithm of each. :func:`explorer_value` is the
Python copy of the page's arithmetic (``book/_static/explorer.js``; it and the sliders live in
:mod:`model.computation.explore_page`, the sliders' meaning in :mod:`model.computation.explore_inputs`,
both re-exported here); :func:`exact_value` is the exact path at
the same setting; :func:`interpolation_error` compares them at random settings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import special

from .. import SCENARIOS, SIGNALS
from . import sensitivity as sens
from .evidence import Evidence, log_likelihood_table
from .exact import ScenarioQuadrature, quadrature

# the inputs' and the page's sides, re-exported: the chapters, the widgets and the tests read the explorer as one module
from .explore_inputs import INTERVAL_REACH as INTERVAL_REACH
from .explore_inputs import MIN_RATIO as MIN_RATIO
from .explore_inputs import NODE_STEP as NODE_STEP
from .explore_inputs import IntervalForm, explorer_steps, interval_form, interval_nodes, moved_scenario
from .explore_page import SLIDER_RANGES, Settings, check_settings, explorer_value
from .explore_page import corner_settings as corner_settings
from .explore_page import grid_bytes as grid_bytes
from .explore_page import idle_reasons as idle_reasons
from .explore_page import preset_settings as preset_settings
from .explore_page import random_settings as random_settings
from .explore_page import settings_default as settings_default
from .likelihood import Likelihood, likelihood_of, revenue_datum
from .pipeline import Setup

SD_NODES: tuple[float, ...] = tuple(float(x) for x in 2.0 ** np.linspace(-2.0, 2.0, 13))
"""Grid of the measurement-error factor (a quarter to four times the stated error; 1 is a node)."""
QUANTILE_LEVELS: tuple[float, float, int] = (1e-6, 1.0 - 1e-6, 64)
"""Probabilities at which each scenario's posterior quantile function is stored (logit-spaced: low, high, count)."""
TOLERANCE: dict[str, float] = {"prob": 0.003, "share": 0.02}
"""The stated interpolation error: scenario probabilities within 0.3 percentage points, the mean
and the 5% and 95% quantiles of the recovered share (and USD) within 2% of their exact values.
Set from a measurement with this grid (13 error factors, 8 x 6 interval nodes, MIN_RATIO 7,
:data:`GRID_NODES` nodes per cell) at 240 random settings (seed 23) and 60 in the narrow corner
(seed 24): at most 0.11 points and 1.20%. With 9 error factors the share error reached 2.2% (cubic
interpolation in the error factor when the annual datum is in); with no MIN_RATIO, 2.35 points at
narrow intervals. The chapter reports its own check at build time; tests/computation/test_explore.py checks
another seed."""
GRID_NODES = 1000
"""Quadrature nodes of each grid cell (the exact path uses the assumptions' ``quadrature_nodes``,
4000). At the settings :data:`TOLERANCE` was measured at, the largest share error against the
exact path is 1.20% with 1000 nodes and 1.15% with 4000, the probabilities' 0.11 points with
either; the grid takes 5 s instead of 17 s (2 processes)."""
MEASURED: dict[str, float] = {"n": 300, "corner": 60, "prob": 0.0011, "share": 0.0120}
"""The measurement :data:`TOLERANCE` was set from (settings, of which in the narrow corner, largest errors)."""


def quantile_levels() -> np.ndarray:
    """The probabilities at which quantile functions are stored (:data:`QUANTILE_LEVELS`).

    Returns
    -------
    numpy.ndarray
        Logit-spaced probabilities in (0, 1).
    """
    lo, hi, n = QUANTILE_LEVELS
    return special.expit(np.linspace(special.logit(lo), special.logit(hi), n))


def logit_quantiles(q: ScenarioQuadrature, levels: np.ndarray) -> np.ndarray:
    """The exact inverse of :meth:`ScenarioQuadrature.cdf` at ``levels``, as logit(share).

    Parameters
    ----------
    q : ScenarioQuadrature
        One scenario's quadrature posterior.
    levels : numpy.ndarray
        Probabilities in (0, 1).

    Returns
    -------
    numpy.ndarray
        Same shape as ``levels``: logit(share).
    """
    edges = np.concatenate([[q.t[0] - q.step / 2], q.t + q.step / 2])
    cum = np.concatenate([[0.0], np.cumsum(q.weights)])
    cum = cum / cum[-1]
    keep = np.concatenate([[True], np.diff(cum) > 0])  # drop empty cells: the inverse is then a function
    return np.interp(levels, cum[keep], edges[keep])


GRID_DIGITS: int = 8
"""Significant digits of the grid's parameters: far finer than the page's stated error, far coarser than
the last bits in which two machines' arithmetic differs."""


def _g(x: float, digits: int = GRID_DIGITS) -> float:
    """``x`` to ``digits`` significant digits (the value the page and its download carry)."""
    return float(f"{x:.{digits}g}")


def _cell(q: ScenarioQuadrature) -> dict[str, object]:
    """One quadrature as the page needs it: log Z to 1e-6 nats (a value below that is float noise: 0),
    the mean to six significant digits, the logit quantiles to 1e-4.
    """
    t = logit_quantiles(q, quantile_levels())
    return {"log_z": round(q.log_z, 6) + 0.0, "mean": _g(q.mean(), 6), "q": [round(float(v), 4) for v in t]}


class _CoarseMemo:
    """A :class:`~model.computation.likelihood.Likelihood` that remembers ``log p(datum | r)`` at the first ``r`` it
    is asked for.

    :func:`model.computation.exact.quadrature` first evaluates the likelihood on the same coarse logit grid
    whatever the prior; the grid asks for hundreds of priors under one likelihood, so remembering
    that one array saves about half its time. Values are the likelihood's own, never approximated.
    """

    def __init__(self, lik: Likelihood) -> None:
        self._lik: Likelihood = lik
        self._key: bytes | None = None
        self._val: np.ndarray | None = None

    def revenue_loglik(self, r: np.ndarray) -> np.ndarray:
        key = np.asarray(r, dtype=float).tobytes()
        if self._key is None:
            self._key, self._val = key, self._lik.revenue_loglik(r)
        if key == self._key:
            return self._val  # type: ignore[return-value]
        return self._lik.revenue_loglik(r)

    def peak_window(self) -> tuple[float, float] | None:
        return self._lik.peak_window()


@dataclass(frozen=True)
class _CellsTask:
    """One task of the grid: one revenue datum at one measurement-error factor."""

    setup: Setup
    evidence: Evidence
    form: IntervalForm
    lows: tuple[float, ...]
    highs: tuple[float, ...]
    sd_factor: float


def _cells_of(task: _CellsTask) -> tuple[list[dict[str, object]], list[list[dict[str, object]]]]:
    """The cells of one task: every scenario at its assumed prior, and the moved scenario at each interval node."""
    a, p = task.setup.assumptions, task.setup.priors
    lik = _CoarseMemo(likelihood_of(a, task.evidence, p, sd_factor=task.sd_factor))
    fixed = [_cell(quadrature(p.r_alpha[i], p.r_beta[i], lik, GRID_NODES)) for i in range(len(SCENARIOS))]
    priors = [[task.form.prior(lo, hi) for hi in task.highs] for lo in task.lows]
    return fixed, [[_cell(quadrature(b.alpha, b.beta, lik, GRID_NODES)) for b in row] for row in priors]


def _states(setup: Setup, evidences: list[Evidence], form: IntervalForm, lows, highs) -> list[dict[str, object]]:
    """Everything the page needs about each revenue datum: per error factor, each scenario and the moved one's grid.

    The (datum, error factor) pairs are independent tasks of :func:`model.computation.parallel.map_tasks`.
    """
    from .parallel import map_tasks

    a, p = setup.assumptions, setup.priors
    obs = [revenue_datum(a, ev) for ev in evidences]
    sds = [(1.0,) if o.kind == "none" else SD_NODES for o in obs]
    pairs = [(ev, f) for ev, fs in zip(evidences, sds, strict=True) for f in fs]
    tasks = [_CellsTask(setup, ev, form, tuple(lows), tuple(highs), f) for ev, f in pairs]
    cells = iter(map_tasks(_cells_of, tasks))
    states = []
    for o, fs in zip(obs, sds, strict=True):
        parts = [next(cells) for _ in fs]
        states.append(
            {
                "kind": o.kind,
                "periods": list(o.periods),
                "sd": list(fs),
                "revenue": _g(o.revenue if o.revenue is not None else p.revenue.mean),
                "revenue_reported": o.revenue is not None,
                "fixed": [f for f, _ in parts],
                "moved": [m for _, m in parts],
                "moved_index": SCENARIOS.index(form.scenario),
            }
        )
    return states


def explorer_grid(setup: Setup, scenario: str | None = None) -> dict[str, object]:
    """The explorer's data (JSON-ready): the exact path on a grid, and the arithmetic inputs.

    Parameters
    ----------
    setup : Setup
        The inputs.
    scenario : str, optional
        The scenario whose recovery interval the sliders move (default :func:`moved_scenario`).

    Returns
    -------
    dict
        Scenarios, signals, the log likelihood table, the prior mean, the moved scenario and its
        interval, defaults, nodes of every grid slider, quantile levels, the date steps, one state per
        distinct revenue datum (log Z, mean and logit quantiles of each scenario per grid cell), the
        stated :data:`TOLERANCE`, the rounding and the presets.
    """
    a, p = setup.assumptions, setup.priors
    form = interval_form(setup, scenario or moved_scenario(setup))
    lows, highs = interval_nodes(form)
    steps = explorer_steps(setup)
    keys: list[object] = []
    evidences: list[Evidence] = []
    step_rows = []
    for st in steps:
        obs = revenue_datum(a, st.evidence)
        if obs not in keys:
            keys.append(obs)
            evidences.append(st.evidence)
        counts = st.evidence.signal_counts()
        step_rows.append(
            {
                "date": st.date.isoformat(),
                "label": st.label,
                "counts": [int(c) for c in counts],
                "state": keys.index(obs),
            }
        )
    return {
        "scenarios": list(SCENARIOS),
        "signals": list(SIGNALS),
        "log_table": [[_g(v) for v in row] for row in log_likelihood_table(a)],
        "m": [_g(v) for v in p.m],
        "moved": form.scenario,
        "interval": {"kind": form.kind, "p_lower": form.p_lower, "p_upper": form.p_upper, "text": form.describe()},
        "defaults": {
            "base_mean": _g(p.m[0]),
            "weight": a.signals.tempering_weight.value,
            "sd_factor": 1.0,
            "lower": _g(form.lower, 12),
            "upper": _g(form.upper, 12),
            "step": len(steps) - 1,
        },
        "ranges": {**{k: list(v) for k, v in SLIDER_RANGES.items()}, "sd_factor": [SD_NODES[0], SD_NODES[-1]]},
        "sd_nodes": list(SD_NODES),
        "lower_nodes": [_g(v, 12) for v in lows],
        "upper_nodes": [_g(v, 12) for v in highs],
        "levels": [_g(v) for v in special.logit(quantile_levels())],
        "steps": step_rows,
        "states": _states(setup, evidences, form, lows, highs),
        "tolerance": TOLERANCE,
        "rounding": a.measurement.rounding.value,
        "presets": presets(setup, len(steps)),
    }


PRESETS: tuple[tuple[str, str], ...] = (
    ("article", "The article's view"),
    ("ignore_news", "Ignore the news"),
    ("doubt_nvidia", "Doubt NVIDIA's disclosures"),
)
"""The explorer's preset buttons (key, label); :func:`presets` gives each its slider values."""


def presets(setup: Setup, n_steps: int) -> list[dict[str, object]]:
    """The sliders each preset moves (the others stay at the assumptions), from the assumptions and the sliders' ranges.

    ``article``: the article's own number for the base case (``scenario_prior.base_mean``) at the
    first date position, before any news or report counts: what the article's view implied.
    ``ignore_news``: every news item weighs nothing (the weight slider's lower end, 0); only NVIDIA's
    reported revenue updates the scenarios, all the evidence in.
    ``doubt_nvidia``: NVIDIA's round revenue figures taken as four times less precise than their
    rounding implies (the measurement-error slider's upper end), all the evidence in.

    Parameters
    ----------
    setup : Setup
        The inputs.
    n_steps : int
        Positions of the date slider.

    Returns
    -------
    list of dict
        One per preset of :data:`PRESETS`: ``key``, ``label`` and ``set`` (slider name to value).
    """
    a = setup.assumptions
    last = n_steps - 1
    moves: dict[str, dict[str, float | int]] = {
        "article": {"base_mean": a.scenario_prior.base_mean.value, "step": 0},
        "ignore_news": {"weight": SLIDER_RANGES["weight"][0], "step": last},
        "doubt_nvidia": {"sd_factor": SD_NODES[-1], "step": last},
    }
    return [{"key": k, "label": label, "set": moves[k]} for k, label in PRESETS]


_GRIDS: dict[str, dict[str, object]] = {}
"""This process's grids by the content of their setup (:func:`model.computation.cache.content_digest`)."""


def _save_json(grid: dict[str, object], directory: Path) -> None:
    (directory / "grid.json").write_text(json.dumps(grid, separators=(",", ":")), encoding="utf-8")


def _load_json(directory: Path) -> dict[str, object]:
    return json.loads((directory / "grid.json").read_text(encoding="utf-8"))


def cached_grid(setup: Setup) -> dict[str, object]:
    """:func:`explorer_grid` of ``setup`` (the moved scenario by computation), computed once.

    Kept per process, keyed by the setup's content (two equal setups share one grid, whatever
    objects hold them), and in the package's result cache (:mod:`model.computation.cache`, as the
    JSON the page carries), so the book's two chapters that need it, which run in separate kernels,
    compute it once per distinct input (about half a minute).

    Parameters
    ----------
    setup : Setup
        The inputs.

    Returns
    -------
    dict
        The grid, as read back from its JSON.
    """
    from .cache import cached, content_digest

    memo = content_digest(setup)
    if memo not in _GRIDS:
        _GRIDS[memo] = cached(
            "explore.grid", setup, {}, lambda: json.loads(json.dumps(explorer_grid(setup))), _save_json, _load_json
        )
    return _GRIDS[memo]


# --------------------------------------------------------------------------- the exact path at the same setting


def exact_value(setup: Setup, grid: dict, s: Settings) -> dict[str, object]:
    """The exact path (:func:`model.computation.sensitivity.posterior`) at one setting of the sliders.

    Parameters
    ----------
    setup : Setup
        The inputs.
    grid : dict
        From :func:`explorer_grid` (names the moved scenario).
    s : Settings
        The sliders.

    Returns
    -------
    dict
        ``prob`` (shape (scenarios,)) and ``share`` (``mean``, ``q05``, ``q95``).
    """
    form = interval_form(setup, grid["moved"])
    knobs = sens.Knobs(
        base_mean=s.base_mean,
        weight=s.weight,
        sd_factor=s.sd_factor,
        recovery_prior={form.scenario: form.prior(s.lower, s.upper)},
    )
    ex = sens.posterior(setup, knobs, explorer_steps(setup)[s.step].evidence)
    q05, q95 = ex.share_quantile([0.05, 0.95])
    return {"prob": ex.scenario_prob, "share": {"mean": ex.share_mean(), "q05": float(q05), "q95": float(q95)}}


def errors_at(setup: Setup, grid: dict, s: Settings) -> dict[str, float]:
    """The page's error against the exact path at one setting.

    Parameters
    ----------
    setup, grid, s : Setup, dict, Settings
        As for :func:`exact_value`.

    Returns
    -------
    dict
        ``prob``: largest absolute error of the probabilities; ``share``: largest relative error of
        the share's mean and 5% and 95% quantiles.
    """
    shown, exact = explorer_value(grid, s), exact_value(setup, grid, s)
    rel = [abs(shown["share"][k] / exact["share"][k] - 1.0) for k in ("mean", "q05", "q95")]
    return {"prob": float(np.max(np.abs(shown["prob"] - exact["prob"]))), "share": float(max(rel))}


def interpolation_error(setup: Setup, grid: dict, n: int = 60, seed: int = 1) -> dict[str, float]:
    """The largest errors of :func:`explorer_value` against the exact path at :func:`check_settings`.

    Parameters
    ----------
    setup : Setup
        The inputs.
    grid : dict
        From :func:`explorer_grid`.
    n : int
        Random settings (and ``n // 3`` in the narrow corner).
    seed : int
        Seed of the settings.

    Returns
    -------
    dict
        As :func:`largest_errors`.
    """
    return largest_errors(setup, grid, check_settings(grid, n, seed))


def _errors_task(task: tuple[Setup, dict, list[Settings]]) -> list[dict[str, float]]:
    setup, grid, pts = task
    return [errors_at(setup, grid, s) for s in pts]


def largest_errors(setup: Setup, grid: dict, pts: list[Settings], chunk: int = 10) -> dict[str, float]:
    """The largest errors of :func:`explorer_value` at ``pts``, and their number ``n``.

    The settings go in chunks of ``chunk`` through :func:`model.computation.parallel.map_tasks`.

    Parameters
    ----------
    setup : Setup
        The inputs.
    grid : dict
        From :func:`explorer_grid`.
    pts : list of Settings
        Where to compare.
    chunk : int
        Settings per task.

    Returns
    -------
    dict
        ``prob`` and ``share`` (largest errors, as :func:`errors_at`) and ``n``.
    """
    from .parallel import map_tasks

    tasks = [(setup, grid, pts[i : i + chunk]) for i in range(0, len(pts), chunk)]
    errs = [e for part in map_tasks(_errors_task, tasks) for e in part]
    return {k: max(e[k] for e in errs) for k in ("prob", "share")} | {"n": float(len(pts))}
