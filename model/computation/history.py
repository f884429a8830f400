"""History of the forecast: the exact posterior after each evidence date. All on the exact path.

* :func:`belief_over_time`: P(z = s | evidence up to d) at the article's date and each evidence date.
* :func:`forecast_history`: the forecast of scenario and recovered share after each evidence date
  (:class:`Revision`), scored against the realised share.

Results are labelled (xarray, a ``scenario`` dim); nothing here formats or prints. Method:
book/method.md, "Sensitivity and scoring".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import xarray as xr

from .. import SCENARIOS, by_scenario
from .evidence import Evidence, select
from .likelihood import revenue_datum
from .pipeline import Setup
from .sensitivity import Knobs, posterior, sensitivity_map


def _probs_task(task: tuple[Setup, Knobs, Evidence | None]) -> np.ndarray:
    """One task of a sensitivity map: the exact ``P(z = s | E)`` at one setting."""
    return posterior(*task).scenario_prob


def belief_over_time(setup: Setup, start: dt.date | None = None) -> xr.DataArray:
    """Exact P(z = s | evidence up to d): the article's date, then each evidence date.

    Parameters
    ----------
    setup : Setup
        The inputs.
    start : datetime.date, optional
        The first date (default: the reversal date).

    Returns
    -------
    xarray.DataArray
        Dims (date, scenario).
    """
    ev = setup.evidence
    start = start or setup.assumptions.measurement.reversal_date.value
    dates = [start] + [d for d in ev.dates() if d > start]
    probs = sensitivity_map(
        _probs_task, [(setup, Knobs(), select(ev.events, ev.periods, d, ev.min_confidence)) for d in dates]
    )
    return xr.DataArray(
        np.array(probs), dims=("date", "scenario"), coords={"date": dates, "scenario": list(SCENARIOS)}, name="P(z|E)"
    )


@dataclass(frozen=True)
class Revision:
    """The forecast after one evidence date, and how it scores against the realised share.

    Attributes
    ----------
    date : datetime.date
        The evidence date.
    arrived : tuple of str
        What arrived that day: event ids with their signal class, or a report.
    prob_before : xarray.DataArray
        P(z = s | evidence before this date), dim ``scenario``.
    prob_after : xarray.DataArray
        P(z = s | evidence up to this date), dim ``scenario``.
    share : dict of str to float
        Exact forecast of the recovered share: mean, median, q05, q95, p_exceed.
    log_score : float or None
        Log density of the realised share under the forecast (higher is better; None unscored).
    crps : float or None
        Continuous ranked probability score against the realised share, in share units (lower is better).
    in_sample : bool
        The forecast already saw a revenue datum (a quarter's or the year's H20 sales), which is what
        the realised share is made of: its score is not a test of forecasting.
    """

    date: dt.date
    arrived: tuple[str, ...]
    prob_before: xr.DataArray
    prob_after: xr.DataArray
    share: dict[str, float]
    log_score: float | None
    crps: float | None
    in_sample: bool = False


def arrivals(ev: Evidence, d: dt.date) -> tuple[str, ...]:
    """What arrived on one evidence date, in words.

    Parameters
    ----------
    ev : Evidence
        The evidence (its events and reported periods).
    d : datetime.date
        The date.

    Returns
    -------
    tuple of str
        Each event that day with its signal class (or ``(not a signal)``), then each report, e.g. ``FY2026 report``.
    """
    items = [f"{e.id} {e.signal}" if ev.is_signal(e) else f"{e.id} (not a signal)" for e in ev.events if e.date == d]
    items += [f"{q.fiscal_period} report" for q in ev.periods if q.reported == d]
    return tuple(items)


def forecast_history(setup: Setup, realised: float | None = None, until: dt.date | None = None) -> list[Revision]:
    """The exact forecast of scenario and recovered share after each evidence date, scored.

    The first row is the article's view (the prior, before any evidence).

    Parameters
    ----------
    setup : Setup
        The inputs.
    realised : float, optional
        The realised share (default: that of the full evidence; None while FY2026 is unreported,
        and then nothing is scored).
    until : datetime.date, optional
        The last evidence date replayed (default: every one).

    Returns
    -------
    list of Revision
        In date order.
    """
    from .scoring import crps as crps_score

    ev = setup.evidence
    realised = realised if realised is not None else setup.likelihood.revenue.realised_share
    thr = setup.assumptions.inference.recovery_threshold
    start = setup.assumptions.measurement.reversal_date.value
    dates = [d for d in ev.dates() if d >= start and (until is None or d <= until)]
    rows: list[Revision] = []
    before = by_scenario(setup.priors.m)
    for i, d in enumerate([start, *dates]):
        sub = select(ev.events, ev.periods, d, ev.min_confidence) if i else replace_evidence(ev, d)
        post = posterior(setup, evidence=sub)
        rows.append(
            Revision(
                date=d,
                arrived=arrivals(sub, d) if i else ("the article (prior)",),
                prob_before=before,
                prob_after=by_scenario(post.scenario_prob),
                share=post.share_summary(thr),
                log_score=None if realised is None else float(np.log(max(post.share_density(realised), 1e-300))),
                crps=None if realised is None else crps_score(post.share_cdf, realised),
                in_sample=revenue_datum(setup.assumptions, sub).kind != "none",
            )
        )
        before = rows[-1].prob_after
    return rows


def replace_evidence(ev: Evidence, as_of: dt.date) -> Evidence:
    """No evidence at all, dated ``as_of`` (the article's view).

    Parameters
    ----------
    ev : Evidence
        Gives the confidence level.
    as_of : datetime.date
        The date.

    Returns
    -------
    Evidence
        Empty.
    """
    return select((), (), as_of, ev.min_confidence)
