"""Evidence: dated, sourced events and NVIDIA's reported quarters, with filters and likelihoods.

Files (shipped in ``model/data/``, format documented in ``model/data/README.md``):

* ``events.csv``: one event per row: ``id, date, summary, indicators, signal, confidence,
  source_1, source_2``, and optionally ``alt_signal`` (a second defensible class), ``fact`` and
  ``campaign`` (the independent fact, and the policy line, an event reports), ``restates`` and
  ``subsumed_by`` (reported periods whose figures the event re-reports or anticipates).
* ``quarters.csv``: NVIDIA's reported revenue per fiscal period, with H20 China revenue and the
  running total of post-reversal H20 revenue from China where disclosed.

Signal likelihood (book/method.md): events are conditionally independent given the scenario,
each tempered by ``w``::

    log p(signals | z = s) = w * sum_e log P(signal_e | s)

An event that only re-reports an earnings release (``restates`` names the fiscal periods) is
not a signal: those figures enter once, through the revenue measurement model
(:mod:`model.computation.measurement`). An event that anticipates a figure a later report measures
(``subsumed_by``) is a signal until that report is in the evidence, and not after: each fact
enters once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

import numpy as np

from .. import SCENARIOS, SIGNALS
from .assumptions import Assumptions
from .errors import InputError, quote
from .evidence_files import (
    CONFIDENCE_LEVELS,
    DEFAULT_EVENTS,
    FY_LABEL,
    Event,
    Period,
    latest_today,
    load_events,
    load_periods,
)
from .inputs import InputPath
from .numerics import fvecmat

DATA_DIR = Path(str(resources.files("model") / "data"))
"""The data folder shipped with the package (the H20 article's files)."""


@dataclass(frozen=True)
class Evidence:
    """A filtered evidence set: events and reported periods known at ``as_of``."""

    events: tuple[Event, ...]
    periods: tuple[Period, ...]
    as_of: dt.date
    min_confidence: str

    @property
    def signal_events(self) -> tuple[Event, ...]:
        """Events that enter the signal likelihood: not re-reports of earnings, not subsumed by a report in force."""
        reported = {q.fiscal_period for q in self.periods}
        return tuple(e for e in self.events if not e.restates and not (set(e.subsumed_by) & reported))

    def is_signal(self, e: Event) -> bool:
        """Whether event ``e`` enters the signal likelihood in this evidence.

        Parameters
        ----------
        e : an event of this evidence

        Returns
        -------
        bool
        """
        return e.id in {x.id for x in self.signal_events}

    def role(self, e: Event) -> str:
        """How event ``e`` enters: its signal class, or why it does not (in words).

        Parameters
        ----------
        e : Event
            As for :meth:`is_signal`.

        Returns
        -------
        str
            Its signal class, or a phrase saying why it is not a signal.
        """
        if e.restates:
            return f"re-reports {', '.join(e.restates)} (not a signal)"
        if not self.is_signal(e):
            return f"measured by {', '.join(e.subsumed_by)} (no longer a signal)"
        return e.signal

    def signal_counts(self) -> np.ndarray:
        """Number of signal events of each class, in :data:`model.SIGNALS` order.

        Returns
        -------
        numpy.ndarray
            Float counts, shape (len(SIGNALS),).
        """
        return np.array([sum(e.signal == s for e in self.signal_events) for s in SIGNALS], dtype=float)

    def n_facts(self) -> int:
        """Independent facts among the signal events (events sharing a ``fact`` count once).

        Returns
        -------
        int
        """
        return len({e.fact_key for e in self.signal_events})

    def n_campaigns(self) -> int:
        """Policy lines among the signal events (facts sharing a ``campaign`` count once).

        Returns
        -------
        int
        """
        return len({e.campaign_key for e in self.signal_events})

    def reclassified(self, signals: dict[str, str]) -> "Evidence":
        """The same evidence with some events' signal classes replaced (by event id).

        Parameters
        ----------
        signals : event id -> its new signal class

        Returns
        -------
        Evidence
        """
        return replace(self, events=tuple(replace(e, signal=signals.get(e.id, e.signal)) for e in self.events))

    def without(self, item_id: str) -> "Evidence":
        """The same evidence with one item left out: an event (by id) or a period (by fiscal_period).

        Parameters
        ----------
        item_id : an event id or a fiscal period's name

        Returns
        -------
        Evidence
        """
        return replace(
            self,
            events=tuple(e for e in self.events if e.id != item_id),
            periods=tuple(q for q in self.periods if q.fiscal_period != item_id),
        )

    def year_revenue(self, year_end: dt.date) -> float | None:
        """Reported revenue (USD bn) of the fiscal year ending ``year_end``, if reported by ``as_of``.

        Parameters
        ----------
        year_end : the fiscal year's last day

        Returns
        -------
        float or None
            None when the year is not reported in this evidence.
        """
        for p in self.periods:
            if p.period_type == "year" and p.period_end == year_end:
                return p.total_revenue_usd_bn
        return None

    def dates(self) -> list[dt.date]:
        """Sorted distinct dates on which evidence arrived (events and reports).

        Returns
        -------
        list of datetime.date
        """
        return sorted({e.date for e in self.events} | {p.reported for p in self.periods})


def select(
    events: tuple[Event, ...],
    periods: tuple[Period, ...],
    as_of: dt.date | None = None,
    min_confidence: str = "weak_sources",
) -> Evidence:
    """Keep evidence dated on or before ``as_of`` and at least as confident as ``min_confidence``.

    Parameters
    ----------
    events, periods : everything in the evidence files
    as_of : the last day kept (default: the latest date in the files)
    min_confidence : one of :data:`CONFIDENCE_LEVELS`

    Returns
    -------
    Evidence

    Raises
    ------
    InputError
        ``min_confidence`` is not a level.
    """
    if min_confidence not in CONFIDENCE_LEVELS:
        raise InputError(
            "--min-confidence",
            "min_confidence",
            f"unknown level {quote(min_confidence)}",
            f"use one of {', '.join(CONFIDENCE_LEVELS)}",
        )
    rank = CONFIDENCE_LEVELS.index(min_confidence)
    last = as_of or max([e.date for e in events] + [q.reported for q in periods], default=latest_today())

    def ok(c: str) -> bool:
        return CONFIDENCE_LEVELS.index(c) >= rank

    return Evidence(
        events=tuple(e for e in events if e.date <= last and ok(e.confidence)),
        periods=tuple(q for q in periods if q.reported <= last and ok(q.confidence)),
        as_of=last,
        min_confidence=min_confidence,
    )


def load_evidence(
    events_path: str | Path | InputPath | None = None,
    quarters_path: str | Path | InputPath | None = None,
    as_of: dt.date | None = None,
    min_confidence: str = "weak_sources",
) -> Evidence:
    """Load both evidence files, check that re-reported periods exist, and apply the filters.

    Parameters
    ----------
    events_path, quarters_path : the files (``None``: the article's)
    as_of, min_confidence : the filters of :func:`select`

    Returns
    -------
    Evidence

    Raises
    ------
    InputError
        A bad row, or an event that re-reports or is subsumed by a period the quarters file lacks.
    """
    events, periods = load_events(events_path), load_periods(quarters_path)
    known = {q.fiscal_period for q in periods}
    for e in events:
        for col in ("restates", "subsumed_by"):
            unknown = [t for t in getattr(e, col) if t not in known]
            if unknown:
                raise InputError(
                    events_path or DEFAULT_EVENTS,
                    f"event {e.id}, column {col}",
                    f"unknown fiscal period {unknown[0]!r}",
                    f"name periods exactly as in the quarters file (e.g. 'Q3 {FY_LABEL}'), separated by ';'",
                )
    return select(events, periods, as_of, min_confidence)


def log_likelihood_table(a: Assumptions) -> np.ndarray:
    """``log P(signal | scenario)``, shape (len(SIGNALS), len(SCENARIOS)).

    Parameters
    ----------
    a : validated assumptions (``signals.likelihood``)

    Returns
    -------
    numpy.ndarray
        Rows in :data:`model.SIGNALS` order, columns in :data:`model.SCENARIOS` order.
    """
    lik = a.signals.likelihood
    return np.log(np.array([[lik[c].of(s) for s in SCENARIOS] for c in SIGNALS]))


def signal_loglik(counts: np.ndarray, log_table: np.ndarray, weight: float) -> np.ndarray:
    """Tempered signal log-likelihood per scenario: ``w * sum_c n_c log P(c | s)``.

    Parameters
    ----------
    counts : signal events per class, shape (len(SIGNALS),)
    log_table : :func:`log_likelihood_table`, shape (len(SIGNALS), len(SCENARIOS))
    weight : the tempering weight ``w`` in (0, 1]

    Returns
    -------
    numpy.ndarray
        Shape (len(SCENARIOS),).
    """
    return weight * fvecmat(counts, log_table)
