"""The evidence files, read line by line: dated, sourced events and the company's reported periods.

Formats in ``model/data/README.md``; every problem is one :class:`~model.computation.errors.InputError` naming the
file, the line, the column and the fix. The filtered evidence set and the signal likelihood are in
:mod:`model.computation.evidence`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

from .. import SIGNALS
from .article import ARTICLE
from .errors import InputError, cell_error, quote
from .inputs import InputPath, as_input, read_csv_rows

FY_LABEL: str = ARTICLE.fiscal_year.label
"""How the article names its fiscal year ('FY2026'), for messages."""
DEFAULT_EVENTS: Path = ARTICLE.path("events") or Path()
"""The events file of the article in force (``model/data/events.csv`` by default)."""

DEFAULT_QUARTERS: Path = ARTICLE.path("quarters") or Path()
"""The reported periods of the article in force (``model/data/quarters.csv`` by default)."""

CONFIDENCE_LEVELS: tuple[str, ...] = ("weak_sources", "one_source", "date_uncertain", "two_sources")
"""Source confidence, weakest first. ``--min-confidence L`` keeps events at L or stronger."""

INDICATORS: tuple[str, ...] = ARTICLE.indicators
"""Indicators an event may name, from the article in force (the H20 article's five plus ``china_policy``)."""

EVENT_COLUMNS = ("id", "date", "summary", "indicators", "signal", "confidence", "source_1", "source_2")

MAX_EVENTS: int = 2_000
"""Most events per file: ``sensitivity`` recomputes the posterior once per event (README, Input limits)."""

MAX_PERIODS: int = 60
"""Most reported periods per file (15 years of quarters and years; memory of the likelihood grows with them)."""

QUARTER_COLUMNS = (
    "fiscal_period",
    "period_type",
    "period_end",
    "reported",
    "total_revenue_usd_bn",
    ARTICLE.columns.in_scope,
    ARTICLE.columns.running_total,
    "confidence",
    "source_1",
)


@dataclass(frozen=True)
class Event:
    """One dated news item of the events file, with its signal class and sources."""

    id: str
    date: dt.date
    summary: str
    indicators: tuple[str, ...]
    signal: str
    confidence: str
    sources: tuple[str, ...]
    restates: tuple[str, ...] = ()
    """Fiscal periods whose reported figures this event only re-reports (then never a signal)."""
    subsumed_by: tuple[str, ...] = ()
    """Fiscal periods whose reported figures measure what this event reports (a signal until they are in)."""
    alt_signal: str | None = None
    """A second defensible reading of the event's class (None where the class is not contested)."""
    fact: str = ""
    """The independent fact the event reports (events that re-report one decision share it; blank: its own)."""
    campaign: str = ""
    """The policy line or stance the fact belongs to (facts of one line share it; blank: its own fact)."""

    @property
    def fact_key(self) -> str:
        """The fact the event reports (its own id when ``fact`` is blank)."""
        return self.fact or self.id

    @property
    def campaign_key(self) -> str:
        """The line of policy the event's fact belongs to (its fact when ``campaign`` is blank)."""
        return self.campaign or self.fact_key


@dataclass(frozen=True)
class Period:
    """One reported fiscal period (quarter or year)."""

    fiscal_period: str
    period_type: str
    period_end: dt.date
    reported: dt.date
    total_revenue_usd_bn: float
    h20_china_revenue_usd_bn: float | None
    confidence: str
    sources: tuple[str, ...]
    h20_post_licence_usd_bn: float | None = None
    """Post-reversal H20 revenue from China earned under the licences, to the period's end, as disclosed
    (a running total; None where not disclosed)."""


def _date(path: str | Path, line: int, col: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise cell_error(path, line, col, f"{quote(text)} is not a date", "write dates as YYYY-MM-DD") from None


def _choice(path: str | Path, line: int, col: str, text: str, allowed: tuple[str, ...]) -> str:
    v = text.strip()
    if v not in allowed:
        raise cell_error(path, line, col, f"unknown value {quote(v)}", f"use one of {', '.join(allowed)}")
    return v


EARLIEST_ZONE = dt.timezone(dt.timedelta(hours=14), "UTC+14")
"""Where a calendar day begins first (Kiritimati): a date is in the future only if it is after today there."""


def latest_today() -> dt.date:
    """Today's date in UTC+14: the latest date that has begun somewhere on Earth.

    "In the future" means after this day, so the same file is valid in every time zone (a news item
    dated today in Shanghai or Auckland is not rejected by a machine in UTC or California).

    Returns
    -------
    datetime.date
    """
    return dt.datetime.now(EARLIEST_ZONE).date()


def _future(day: dt.date, today: dt.date) -> str:
    return f"{day} is in the future (it is {today} in UTC+14, where the day begins first)"


def load_events(path: str | Path | InputPath | None = None, today: dt.date | None = None) -> tuple[Event, ...]:
    """Read and validate an events CSV; future-dated events and unknown classes are errors.

    ``today`` defaults to :func:`latest_today` (the date in UTC+14), whatever the local time zone.

    Parameters
    ----------
    path : the events CSV; ``None``: the article's ``events.csv``
    today : the day after which a date is in the future (default :func:`latest_today`)

    Returns
    -------
    tuple of Event
        Sorted by date, then id.

    Raises
    ------
    InputError
        One line naming the file, the line and column, and the fix.
    """
    src = as_input(path, DEFAULT_EVENTS)
    p = src.shown
    today = today or latest_today()
    out: list[Event] = []
    seen: set[str] = set()
    for line, row in read_csv_rows(src, EVENT_COLUMNS, MAX_EVENTS, "events"):
        eid = row["id"].strip()
        if not eid.isprintable():
            raise cell_error(
                p,
                line,
                "id",
                f"id {quote(eid)} has a line break or tab",
                "give each event a one-line id",
            )
        if not eid or eid in seen:
            raise cell_error(p, line, "id", f"id {quote(eid)} is empty or repeated", "give each event a unique id")
        seen.add(eid)
        date = _date(p, line, "date", row["date"])
        if date > today:
            raise cell_error(
                p,
                line,
                "date",
                _future(date, today),
                "date events when they happened",
            )
        inds = tuple(_choice(p, line, "indicators", t, INDICATORS) for t in row["indicators"].split(";"))
        signal = _choice(p, line, "signal", row["signal"], SIGNALS)
        conf = _choice(p, line, "confidence", row["confidence"], CONFIDENCE_LEVELS)
        sources = tuple(s.strip() for s in (row["source_1"], row["source_2"]) if s.strip())
        if not sources or not all(s.startswith(("http://", "https://")) for s in sources):
            raise cell_error(p, line, "source_1", "no source URL", "give at least one http(s) URL per event")
        out.append(
            Event(eid, date, row["summary"].strip(), inds, signal, conf, sources, **_optional_columns(p, line, row))
        )
    return tuple(sorted(out, key=lambda e: (e.date, e.id)))


def _periods_list(text: str | None) -> tuple[str, ...]:
    return tuple(t.strip() for t in (text or "").split(";") if t.strip())


def _optional_columns(p: str, line: int, row: dict[str, str]) -> dict[str, object]:
    """The optional event columns: ``restates``, ``subsumed_by``, ``alt_signal``, ``fact``, ``campaign``."""
    alt = (row.get("alt_signal") or "").strip()
    out: dict[str, object] = {
        "restates": _periods_list(row.get("restates")),
        "subsumed_by": _periods_list(row.get("subsumed_by")),
        "alt_signal": _choice(p, line, "alt_signal", alt, SIGNALS) if alt else None,
    }
    for col in ("fact", "campaign"):
        v = (row.get(col) or "").strip()
        if not v.isprintable():
            raise cell_error(p, line, col, f"{quote(v)} has a line break or tab", f"write the {col} on one line")
        out[col] = v
    if out["restates"] and out["subsumed_by"]:
        raise cell_error(
            p,
            line,
            "subsumed_by",
            "an event that only re-reports periods (restates) cannot also be subsumed by one",
            "fill restates or subsumed_by, not both",
        )
    if out["alt_signal"] == row["signal"].strip():
        raise cell_error(p, line, "alt_signal", "equals the signal column", "give a different class or leave it empty")
    return out


def _float(path: str | Path, line: int, col: str, text: str, optional: bool = False) -> float | None:
    if optional and not text.strip():
        return None
    try:
        v = float(text)
    except ValueError:
        raise cell_error(path, line, col, f"{quote(text)} is not a number", "give a number in USD bn") from None
    if not math.isfinite(v) or v > 1e6:
        raise cell_error(
            path,
            line,
            col,
            f"{quote(text.strip())} is not a finite amount",
            "give a plain amount in USD bn, e.g. 57.0",
        )
    if v < 0:
        raise cell_error(path, line, col, f"{v} is negative", "give a non-negative amount in USD bn")
    return v


def _period_name(p: str, line: int, fp: str, seen: dict[str, int]) -> str:
    """A fiscal period's name: not empty, on one line, not repeated."""
    field = f"line {line}, column fiscal_period"
    if not fp:
        raise InputError(p, field, "empty", f"name the period, e.g. 'Q3 {FY_LABEL}' or '{FY_LABEL}'")
    if not fp.isprintable():
        raise InputError(p, field, f"{quote(fp)} has a line break or tab", "name the period on one line")
    if fp in seen:
        raise InputError(
            p,
            field,
            f"{quote(fp)} repeats line {seen[fp]}",
            "give each fiscal period one row (delete or merge the duplicate)",
        )
    seen[fp] = line
    return fp


def _period_dates(p: str, line: int, row: dict[str, str], today: dt.date) -> tuple[dt.date, dt.date]:
    """(period_end, reported): reported after the period ends and not in the future."""
    end = _date(p, line, "period_end", row["period_end"])
    if end > _date(p, line, "reported", row["reported"]):
        raise cell_error(
            p,
            line,
            "reported",
            "is before period_end",
            "a period is reported after it ends: check both dates",
        )
    reported = _date(p, line, "reported", row["reported"])
    if reported > today:
        raise cell_error(p, line, "reported", _future(reported, today), "add periods once reported")
    return end, reported


def _period_revenue(p: str, line: int, row: dict[str, str]) -> tuple[float, float | None]:
    """(total revenue, H20 China revenue or None), USD bn: total positive, H20 not above it."""
    total = _float(p, line, "total_revenue_usd_bn", row["total_revenue_usd_bn"])
    assert total is not None
    if total <= 0:
        raise cell_error(p, line, "total_revenue_usd_bn", "not positive", "give total revenue in USD bn")
    col = ARTICLE.columns.in_scope
    h20 = _float(p, line, col, row[col], optional=True)
    if h20 is not None and h20 > total:
        raise cell_error(p, line, col, "exceeds total revenue", "check the units (USD bn)")
    return total, h20


def load_periods(path: str | Path | InputPath | None = None, today: dt.date | None = None) -> tuple[Period, ...]:
    """Read and validate the reported fiscal periods (``reported`` not after :func:`latest_today`).

    Parameters
    ----------
    path : the reported periods CSV; ``None``: the article's ``quarters.csv``
    today : the day after which a report date is in the future (default :func:`latest_today`)

    Returns
    -------
    tuple of Period
        Sorted by report date.

    Raises
    ------
    InputError
        One line naming the file, the line and column, and the fix.
    """
    src = as_input(path, DEFAULT_QUARTERS)
    p = src.shown
    today = today or latest_today()
    out: list[Period] = []
    seen: dict[str, int] = {}
    running = ARTICLE.columns.running_total
    for line, row in read_csv_rows(src, QUARTER_COLUMNS, MAX_PERIODS, "periods"):
        name = _period_name(p, line, row["fiscal_period"].strip(), seen)
        end, reported = _period_dates(p, line, row, today)
        total, h20 = _period_revenue(p, line, row)
        post = _float(p, line, running, row[running], optional=True)
        if post is not None and post > total:
            raise cell_error(
                p,
                line,
                running,
                "exceeds total revenue",
                "check the units (USD bn)",
            )
        out.append(
            Period(
                fiscal_period=name,
                period_type=_choice(p, line, "period_type", row["period_type"], ("quarter", "year")),
                period_end=end,
                reported=reported,
                total_revenue_usd_bn=total,
                h20_china_revenue_usd_bn=h20,
                confidence=_choice(p, line, "confidence", row["confidence"], CONFIDENCE_LEVELS),
                sources=tuple(s.strip() for s in (row["source_1"], row.get("source_2", "")) if s and s.strip()),
                h20_post_licence_usd_bn=post,
            )
        )
    return tuple(sorted(out, key=lambda q: q.reported))
