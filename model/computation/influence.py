"""Influence of the evidence: which news moves the answer. All on the exact path.

* :func:`event_influence`: leave-one-out change in posterior log-odds of each scenario, for every
  item of evidence (:func:`evidence_items`), and the items that move a scenario most
  (:func:`most_influential_events`).
* :func:`evidence_quality`: the posterior with all evidence and with only the best-sourced.

Results are labelled (xarray, a ``scenario`` dim); nothing here formats or prints. Method:
book/method.md, "Sensitivity and scoring".
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import xarray as xr

from .. import SCENARIOS
from .evidence import Evidence, select
from .evidence_files import CONFIDENCE_LEVELS
from .exact import ExactPosterior
from .pipeline import Setup
from .sensitivity import Knobs, posterior, sensitivity_map


def _log_odds_task(task: tuple[Setup, Knobs, Evidence | None]) -> np.ndarray:
    """One task of the influence map: the exact log-odds of each scenario at one setting (stable near 0 and 1)."""
    return posterior(*task).log_odds()


def evidence_items(setup: Setup) -> list[tuple[str, str, dt.date, str, str]]:
    """Every item of evidence that enters the likelihood.

    The signal events, and the revenue datum as one item named by the period that defines it
    (the full year, or the latest quarter of a partial sum); leaving it out falls back to what
    was known without that report.

    Parameters
    ----------
    setup : Setup
        The inputs.

    Returns
    -------
    list of tuple
        ``(id, label, date, confidence, kind)``, ``kind`` ``event`` or ``revenue``.
    """
    ev = setup.evidence
    items = [(e.id, e.signal, e.date, e.confidence, "event") for e in ev.signal_events]
    obs = setup.likelihood.revenue
    if obs.kind != "none":
        key = obs.periods[0] if obs.kind == "annual" else obs.periods[-1]
        q = next(p for p in ev.periods if p.fiscal_period == key)
        label = f"post-reversal H20 USD {obs.usd_bn:.2f}bn"
        items.append((key, label, q.reported, q.confidence, "revenue"))
    return items


def event_influence(setup: Setup) -> xr.Dataset:
    """Leave-one-out: log-odds(s | all evidence) - log-odds(s | all but this item), per scenario.

    Parameters
    ----------
    setup : Setup
        The inputs.

    Returns
    -------
    xarray.Dataset
        ``delta`` with dims (item, scenario), positive where the item raised the scenario, and
        ``max_abs`` (dim ``item``); items carry ``date``, ``label`` (signal class, or the revenue
        datum), ``confidence`` and ``kind`` (``event`` or ``revenue``), and are sorted by the largest
        absolute change over scenarios (ties, e.g. events of one signal class, by date).
    """
    full = posterior(setup).log_odds()
    items = evidence_items(setup)
    left_out = sensitivity_map(_log_odds_task, [(setup, Knobs(), setup.evidence.without(it[0])) for it in items])
    delta = [full - lo for lo in left_out]
    ds = xr.Dataset(
        {"delta": (("item", "scenario"), np.array(delta).reshape(len(items), len(SCENARIOS)))},
        coords={
            "item": [it[0] for it in items],
            "scenario": list(SCENARIOS),
            "label": ("item", [it[1] for it in items]),
            "date": ("item", [it[2].isoformat() for it in items]),
            "confidence": ("item", [it[3] for it in items]),
            "kind": ("item", [it[4] for it in items]),
        },
    )
    ds["max_abs"] = abs(ds["delta"]).max("scenario")
    order = sorted(range(len(items)), key=lambda i: (-round(float(ds["max_abs"][i]), 9), items[i][2]))
    return ds.isel(item=order)


def most_influential_events(influence: xr.Dataset, scenario: str) -> list[str]:
    """The news events (not quarterly reports) that move ``scenario``'s log-odds the most, by date.

    Parameters
    ----------
    influence : xarray.Dataset
        :func:`event_influence`.
    scenario : str
        A scenario.

    Returns
    -------
    list of str
        Event ids; more than one when they tie (events of one signal class move it equally).
    """
    events = influence.isel(item=(influence["kind"] == "event").values)
    move = abs(events["delta"].sel(scenario=scenario)).values
    tied = events.isel(item=move >= move.max() - 1e-12)
    return [str(i) for i in tied.sortby("date").item.values]


def most_influential_event(influence: xr.Dataset, scenario: str) -> str:
    """The earliest of :func:`most_influential_events`.

    Parameters
    ----------
    influence, scenario : xarray.Dataset, str
        As for :func:`most_influential_events`.

    Returns
    -------
    str
        An event id.
    """
    return most_influential_events(influence, scenario)[0]


def evidence_quality(setup: Setup) -> dict[str, ExactPosterior]:
    """The exact posterior with all evidence and with only ``two_sources`` evidence.

    Parameters
    ----------
    setup : Setup
        The inputs.

    Returns
    -------
    dict of str to ExactPosterior
        Keys ``all`` and ``two_sources``.
    """
    st = setup.evidence
    strong = select(st.events, st.periods, st.as_of, CONFIDENCE_LEVELS[-1])
    return {"all": posterior(setup), CONFIDENCE_LEVELS[-1]: posterior(setup, evidence=strong)}
