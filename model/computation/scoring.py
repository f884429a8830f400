"""Scoring forecasts against the resolution, as forecasting platforms score them.

Only numbers a forecaster stated are scored. The article stated two: 45% on the base case (a
probability, scored against the base case's resolution by the Brier and the log score, beside
a uniform 25% over the four scenarios and a no-skill 50%), and "about 11-12%" of FY2026 revenue
(an interval, scored by the interval score at the coverage read into it, with the ratio of its
midpoint to the outcome). The book's own forecasts are scored the same way, out of sample only:
each one made on an evidence date from what was known then, before the first revenue datum (from
that report on, a forecast has seen the sales the outcome is made of: that is hindsight).

Rules (lower is better for Brier and interval score; higher for the log score):

* Brier ``(p - o)^2`` with ``o`` 1 for YES, 0 for NO; a PARTLY resolution is not scored;
* log score ``log p`` if YES, ``log(1 - p)`` if NO (natural log);
* interval score (Gneiting and Raftery 2007) of a central ``1 - alpha`` interval ``[l, u]``:
  ``(u - l) + (2 / alpha) (l - x) 1[x < l] + (2 / alpha) (x - u) 1[x > u]``, in share units.

Method: book/method.md, "Resolution and scoring".
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .. import SCENARIOS
from .resolution import ResolutionResult

OUTCOME_VALUE: dict[str, float] = {"yes": 1.0, "no": 0.0}
"""A resolution as a binary outcome; PARTLY has none and is not scored."""

_COUNTS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
UNIFORM: str = f"uniform over the {_COUNTS[len(SCENARIOS)]} scenarios"
"""The name of the uniform reference forecast (the article in force sets how many scenarios)."""
BASELINES: dict[str, float] = {UNIFORM: 1.0 / len(SCENARIOS), "no skill (a coin flip)": 0.5}
"""Reference forecasts of the base case's probability."""


def brier(p: float, outcome: float) -> float:
    """Brier score of a probability ``p`` for an event whose outcome is 1 or 0 (0 is perfect, 1 is worst).

    Parameters
    ----------
    p : float
        Forecast probability of the event, in [0, 1].
    outcome : float
        1.0 if the event happened (YES), 0.0 if not (NO).

    Returns
    -------
    float
        ``(p - outcome)^2``, in [0, 1].
    """
    return (p - outcome) ** 2


def log_score(p: float, outcome: float) -> float:
    """Logarithmic score (natural log; 0 is perfect, -inf is worst).

    Parameters
    ----------
    p, outcome : float
        As for :func:`brier`.

    Returns
    -------
    float
        ``log p`` if YES, ``log(1 - p)`` if NO (nats, <= 0); ``-inf`` for a probability of 0 on what happened.
    """
    q = p if outcome == 1.0 else 1.0 - p
    return math.log(q) if q > 0 else -math.inf


def interval_score(lower: float, upper: float, x: float, alpha: float) -> float:
    """Interval score of the central ``1 - alpha`` interval ``[lower, upper]`` at the outcome ``x``.

    Parameters
    ----------
    lower, upper : float
        The interval's ends (shares of FY2026 revenue, fractions).
    x : float
        The outcome (the same units).
    alpha : float
        One minus the interval's coverage probability, in (0, 1).

    Returns
    -------
    float
        Width plus ``2 / alpha`` times the miss (the same units as ``x``; lower is better).
    """
    return (upper - lower) + (2.0 / alpha) * max(lower - x, 0.0) + (2.0 / alpha) * max(x - upper, 0.0)


@dataclass(frozen=True)
class Forecast:
    """A forecast as stated on one date: a probability for the base case and an interval for the share.

    Attributes
    ----------
    forecaster : str
        Who stated it (the article, or the model).
    date : datetime.date
        When it was stated (an evidence date for the model).
    p_base : float
        Probability of the base case, in [0, 1].
    lower, upper : float
        The interval for the recovered share of FY2026 revenue (fractions).
    centre : float
        The forecast's point (fraction).
    coverage : float
        The interval's probability, in (0, 1).
    """

    forecaster: str
    date: dt.date
    p_base: float
    lower: float
    upper: float
    centre: float
    """The forecast's point: the interval's midpoint for the article, the median for the model."""
    coverage: float
    """The interval's probability (read into the article's words; the model's own 90%)."""


@dataclass(frozen=True)
class Score:
    """One forecast scored against the resolution and the outcome.

    Attributes
    ----------
    forecast : Forecast
        The forecast scored.
    base_outcome : float or None
        1 (YES) or 0 (NO) for the base case; None when it resolved PARTLY.
    brier, log : float or None
        Brier and log score of ``forecast.p_base`` (None when not scored).
    interval : float
        Interval score of the share interval (share units; lower is better).
    covered : bool
        Whether the interval holds the outcome share.
    ratio : float
        The forecast's point over the outcome.
    ratio_range : tuple of (float, float)
        The ratio over the shares the outcome's rounding allows.
    """

    forecast: Forecast
    base_outcome: float | None
    """1 (YES) or 0 (NO); None when the base case resolved PARTLY (not scored)."""
    brier: float | None
    log: float | None
    interval: float
    covered: bool
    ratio: float
    """The forecast's point over the outcome (how many times too high)."""
    ratio_range: tuple[float, float] = (math.nan, math.nan)
    """The ratio over the shares the outcome's rounding allows (its uncertainty, for display)."""


def score(
    f: Forecast, resolution: ResolutionResult, outcome_share: float, outcome_range: tuple[float, float] | None = None
) -> Score:
    """Score one forecast: its base-case probability against the resolution, its interval against the share.

    Parameters
    ----------
    f : Forecast
        The forecast.
    resolution : ResolutionResult
        The resolved verdicts (``resolution.csv``); the base case's is scored.
    outcome_share : float
        The recovered share of FY2026 revenue that happened (fraction, > 0).
    outcome_range : tuple of (float, float), optional
        The shares the outcome's rounding allows (default: the point).

    Returns
    -------
    Score
        The forecast's Brier, log and interval scores, coverage and ratio to the outcome.
    """
    o = OUTCOME_VALUE.get(resolution.stated_verdict)
    lo, hi = outcome_range or (outcome_share, outcome_share)
    return Score(
        forecast=f,
        base_outcome=o,
        brier=None if o is None else brier(f.p_base, o),
        log=None if o is None else log_score(f.p_base, o),
        interval=interval_score(f.lower, f.upper, outcome_share, 1.0 - f.coverage),
        covered=f.lower <= outcome_share <= f.upper,
        ratio=f.centre / outcome_share,
        ratio_range=(f.centre / hi, f.centre / lo if lo > 0 else math.inf),
    )


def baseline_scores(resolution: ResolutionResult) -> dict[str, tuple[float | None, float | None]]:
    """(Brier, log score) of each reference forecast of the base case (:data:`BASELINES`).

    Parameters
    ----------
    resolution : ResolutionResult
        The resolved verdicts; the base case's is scored.

    Returns
    -------
    dict of str to tuple of (float or None, float or None)
        By baseline name; ``(None, None)`` when the base case resolved PARTLY.
    """
    o = OUTCOME_VALUE.get(resolution.stated_verdict)
    return {k: (None, None) if o is None else (brier(p, o), log_score(p, o)) for k, p in BASELINES.items()}


def time_averaged(scores: Sequence[Score], end: dt.date, field: str) -> float | None:
    """A score averaged over time, each forecast weighted by the days it stood (until ``end``), as platforms do.

    Parameters
    ----------
    scores : sequence of Score
        Scores of one forecaster's forecasts, in date order.
    end : datetime.date
        When the question closed; forecasts made on or after it are left out.
    field : str
        The :class:`Score` field to average: ``"brier"``, ``"log"`` or ``"interval"``.

    Returns
    -------
    float or None
        The day-weighted mean, or None when no forecast stood before ``end`` with that score.
    """
    rows = [s for s in scores if s.forecast.date < end and getattr(s, field) is not None]
    if not rows:
        return None
    dates = [s.forecast.date for s in rows] + [end]
    days = [(b - a).days for a, b in zip(dates[:-1], dates[1:], strict=True)]
    total = sum(days)
    return sum(getattr(s, field) * d for s, d in zip(rows, days, strict=True)) / total if total else None


def crps(cdf, x_obs: float) -> float:
    """Continuous ranked probability score ``∫ (F(x) - 1[x >= x_obs])^2 dx`` over [0, 1] (lower is better).

    Trapezoid rule on a grid dense on the log scale near 0 and around ``x_obs``.

    Parameters
    ----------
    cdf : callable
        The forecast's CDF of the share, vectorised: ``cdf(numpy.ndarray) -> numpy.ndarray``.
    x_obs : float
        The observed share (fraction).

    Returns
    -------
    float
        The score, in share units (>= 0).
    """
    grid = np.unique(
        np.concatenate(
            [np.geomspace(1e-9, 1.0, 20001), np.linspace(0.0, 1.0, 20001), x_obs * np.linspace(0.5, 1.5, 2001), [x_obs]]
        )
    )
    f = np.asarray(cdf(grid), dtype=float) - (grid >= x_obs)
    return float(np.trapezoid(f**2, grid))
