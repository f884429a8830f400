"""How the article held up: the resolution, the outcome and the scores, forecast kept apart from hindsight.

Three things are compared, never mixed:

* the **article's stated forecast**: its probability of its first scenario and its share of the fiscal
  year's revenue (for the H20 article: 45% on the base case and about 11-12% of FY2026 revenue;
  the article's claims file, whatever a user's assumptions say);
* the **book's own forecasts out of sample**: the exact forecast on each evidence date, from what
  was known then, before the first revenue datum arrived (:func:`model.computation.history.forecast_history`);
* the **outcome**: the base case's resolution and the realised share, with the rounding of
  NVIDIA's disclosure as its uncertainty.

The posterior that conditions on the reported revenue is what the reports imply (hindsight), not
a forecast; it is not scored here. Method: book/method.md, "Resolution and scoring".
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .. import SCENARIOS
from . import priors as priors_module
from .article import ARTICLE
from .claims import RECOVERY_BAND, stated_base_probability
from .errors import InputError
from .history import Revision, forecast_history
from .inputs import as_input
from .pipeline import Setup
from .priors import Priors
from .resolution import ResolutionResult
from .scoring import Forecast, Score, baseline_scores, score, time_averaged
from .yaml_input import load_yaml

MODEL_COVERAGE: float = 0.9
"""The book's forecast intervals are 5%-95%."""

FIRST_PRIORS: Path | None = ARTICLE.path("first_priors")
"""The recovery priors as first committed, before any check ran on the data (:func:`first_priors`);
None when the article names no such file (its priors were never revised)."""

PRIOR_REVISIONS: Path | None = ARTICLE.path("prior_revisions")
"""Every change to a prior or to the measurement model: when, with what data already known, and why
(None when the article names no such file)."""


def first_priors(priors: Priors) -> Priors:
    """``priors`` with the recovery priors of :data:`FIRST_PRIORS` in place of the current ones.

    Parameters
    ----------
    priors : the priors in force

    Returns
    -------
    Priors
        The same priors when the article names no first priors.

    Raises
    ------
    InputError
        The file names a scenario the article does not have, or is not a mapping of intervals.
    """
    if FIRST_PRIORS is None:
        return priors
    src = as_input(FIRST_PRIORS, FIRST_PRIORS)
    spec = load_yaml(src)
    rec = spec.get("recovery") if isinstance(spec, dict) else None
    if not isinstance(rec, dict):
        raise InputError(
            src.shown, "recovery", "missing or not a mapping", "give recovery: {scenario: {lower, upper, mass}}"
        )
    first = {}
    for s, v in rec.items():
        if s not in SCENARIOS:
            raise InputError(
                src.shown, f"recovery.{s}", "not a scenario of the article", f"use one of {', '.join(SCENARIOS)}"
            )
        try:
            lower, upper, mass = float(v["lower"]), float(v["upper"]), float(v["mass"])
        except (TypeError, KeyError, ValueError):
            raise InputError(
                src.shown, f"recovery.{s}", "not an interval", "give lower, upper and mass as numbers"
            ) from None
        first[s] = priors_module.elicit_beta(lower, upper, mass)  # looked up at call time (tests may patch it)
    return priors.with_(recovery={**priors.recovery, **first})


def prior_revisions() -> list[dict[str, str]]:
    """The rows of :data:`PRIOR_REVISIONS`, oldest first.

    Returns
    -------
    list of dict
        Column -> text; empty when the article names no revisions file.
    """
    if PRIOR_REVISIONS is None:
        return []
    with open(PRIOR_REVISIONS, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@dataclass(frozen=True)
class Outcome:
    """What happened to the recovered share: the disclosed figure and the shares its rounding allows."""

    share: float
    low: float
    high: float
    usd_bn: float
    rounding: float
    revenue: float
    period: str


@dataclass(frozen=True)
class Retrospective:
    """The article's forecast and the book's out-of-sample forecasts, scored against the resolution."""

    resolution: ResolutionResult
    outcome: Outcome | None
    """None while the full year is unreported (then nothing is scored)."""
    article: Score | None
    model: tuple[Score, ...]
    """The book's forecasts made before the first revenue datum, in date order (the first is its prior)."""
    baselines: dict[str, tuple[float | None, float | None]]
    hindsight_from: dt.date | None
    """The day the first revenue datum arrived: from then on a forecast has seen the sales it is scored on."""
    time_averaged: dict[str, float | None]
    """The book's out-of-sample Brier and interval scores averaged over the days each forecast stood."""
    model_first: tuple[Score, ...] = ()
    """The same forecasts made with the recovery priors as first committed (:data:`FIRST_PRIORS`), before the
    priors were revised on these data: the only out-of-sample scores free of that hindsight."""

    @property
    def last_out_of_sample(self) -> Score | None:
        """The book's last forecast made before the first revenue datum (None if there is none)."""
        return self.model[-1] if self.model else None


def outcome_of(setup: Setup) -> Outcome | None:
    """The realised share from the full-year disclosure in force (None before it).

    Parameters
    ----------
    setup : the inputs in force

    Returns
    -------
    Outcome or None
    """
    obs = setup.likelihood.revenue
    rng = obs.realised_share_range()
    if rng is None or obs.realised_share is None or obs.revenue is None:
        return None
    return Outcome(obs.realised_share, rng[0], rng[1], obs.usd_bn, obs.rounding, obs.revenue, obs.periods[0])


def article_forecast(setup: Setup) -> Forecast:
    """The article's stated numbers as a forecast dated the day of the reversal.

    Parameters
    ----------
    setup : the inputs in force (the window's start and the interval's coverage)

    Returns
    -------
    Forecast
        The stated scenario's probability and the stated share, from the article's claims file.
    """
    lo, hi = RECOVERY_BAND
    cov = setup.assumptions.resolution.interval_coverage.value
    start = setup.assumptions.resolution.window_start
    return Forecast("the article", start, stated_base_probability(), lo, hi, (lo + hi) / 2.0, cov)


def model_forecast(r: Revision, first: bool) -> Forecast:
    """One of the book's forecasts (its first row is the prior built from the article and the book's judgements).

    Parameters
    ----------
    r : one row of :func:`model.computation.history.forecast_history`
    first : whether it is the first row (the book's prior)

    Returns
    -------
    Forecast
    """
    name = "the book's prior" if first else "the book"
    p_base = float(r.prob_after.sel(scenario=SCENARIOS[0]))
    return Forecast(name, r.date, p_base, r.share["q05"], r.share["q95"], r.share["median"], MODEL_COVERAGE)


def _oos_scores(history: Sequence[Revision], res: ResolutionResult, out: Outcome) -> tuple[Score, ...]:
    oos = [r for r in history if not r.in_sample]
    return tuple(score(model_forecast(r, i == 0), res, out.share, (out.low, out.high)) for i, r in enumerate(oos))


def retrospective(
    setup: Setup, history: Sequence[Revision], resolution: ResolutionResult | None = None
) -> Retrospective:
    """Resolve, then score the article and the book's out-of-sample forecasts (see the module docstring).

    Parameters
    ----------
    setup : the inputs in force
    history : :func:`model.computation.history.forecast_history` of ``setup``
    resolution : the resolution to score against (default: the setup's)

    Returns
    -------
    Retrospective
        Nothing scored while the full year is unreported.
    """
    res = resolution or setup.resolution
    assert res is not None, "prepare() resolves every setup"
    out = outcome_of(setup)
    oos = [r for r in history if not r.in_sample]
    hindsight = next((r.date for r in history if r.in_sample), None)
    if out is None:
        return Retrospective(res, None, None, (), baseline_scores(res), hindsight, {})
    model = _oos_scores(history, res, out)
    end = hindsight or res.window[1]
    first_setup = dataclasses.replace(setup, priors=first_priors(setup.priors))
    before = oos[-1].date if oos else res.window[0]
    first = _oos_scores(forecast_history(first_setup, until=before), res, out)
    return Retrospective(
        resolution=res,
        outcome=out,
        article=score(article_forecast(setup), res, out.share, (out.low, out.high)),
        model=model,
        baselines=baseline_scores(res),
        hindsight_from=hindsight,
        time_averaged={k: time_averaged(model, end, k) for k in ("brier", "interval")},
        model_first=first,
    )
