"""How the article's forecast resolved: stated criteria applied to the cited evidence.

The criteria (``resolution`` in the assumptions file) were written before any verdict was
recorded. The verdicts live in a separate file (``model/data/resolution.csv``: one row per
condition, with the events and reported periods it cites and the finding in words). This module
checks that the two fit together and that every citation exists inside the window, decides the
conditions that the reported figures decide (:class:`model.computation.assumptions.QuarterlyRevenueMeasure`)
from the quarters file itself, and combines condition verdicts into a scenario's verdict by the
stated rule:

* YES when every condition holds;
* NO when the defining condition fails;
* PARTLY otherwise.

The scenarios overlap in the world, so the book also applies other defensible readings of
their words (``resolution.readings``) and names the scenario that best describes the window:
the one whose verdict under its main criterion is highest (none when two tie).

Method: book/method.md, "Resolution and scoring".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .. import SCENARIOS
from .article import ARTICLE
from .assumptions import VERDICTS, Condition, Criterion, MeasurementSpec, QuarterlyRevenueMeasure, ResolutionSpec
from .errors import InputError, cell_error, quote
from .evidence_files import Event, Period
from .inputs import InputPath, as_input, read_csv_rows

DEFAULT_RESOLUTION: Path = ARTICLE.path("resolution") or Path()
"""The verdicts of the article in force (the shipped ``model/data/resolution.csv`` by default), one row per
condition of every criterion and reading."""

RESOLUTION_COLUMNS = ("criterion", "condition", "verdict", "events", "periods", "finding")
MAX_ROWS = 200


@dataclass(frozen=True)
class QuarterBound:
    """What the reports say about one fiscal quarter's post-licence H20 revenue from China (USD bn)."""

    fiscal_period: str
    period_end: dt.date
    upper: float | None
    """Largest amount the reports allow (None: nothing disclosed bounds it)."""
    known: float | None
    """The quarter's own disclosed figure (None where not disclosed)."""
    basis: str
    """How the bound follows from the reports, in words."""


@dataclass(frozen=True)
class ConditionVerdict:
    """One condition, its verdict and what the verdict cites."""

    id: str
    text: str
    defining: bool
    verdict: str
    events: tuple[str, ...]
    periods: tuple[str, ...]
    finding: str
    computed: bool
    """Decided by the reported figures (the quarters file), not by reading."""


@dataclass(frozen=True)
class Resolution:
    """A criterion (a scenario's main one, or another reading) applied to the evidence."""

    key: str
    """The scenario key for a main criterion, else the reading's id."""
    scenario: str
    name: str
    question: str
    reasoning: str
    conditions: tuple[ConditionVerdict, ...]
    verdict: str
    main: bool

    @property
    def events(self) -> tuple[str, ...]:
        """Every event the verdicts cite, in order of first citation."""
        return tuple(dict.fromkeys(e for c in self.conditions for e in c.events))


@dataclass(frozen=True)
class ResolutionResult:
    """The four scenarios resolved by their main criteria, the other readings, and the quarters behind them."""

    scenarios: dict[str, Resolution]
    readings: dict[str, Resolution]
    quarters: tuple[QuarterBound, ...]
    window: tuple[dt.date, dt.date]
    written: dt.date

    @property
    def best(self) -> str | None:
        """The scenario that best describes the window: the highest main verdict, if no other ties it."""
        rank = {s: VERDICTS.index(r.verdict) for s, r in self.scenarios.items()}
        top = max(rank.values())
        leaders = [s for s in SCENARIOS if rank[s] == top]
        return leaders[0] if len(leaders) == 1 and top > 0 else None

    def verdict(self, scenario: str) -> str:
        """The main verdict of one scenario.

        Parameters
        ----------
        scenario : a scenario key of the article in force

        Returns
        -------
        str
            ``yes``, ``no`` or ``partly``.
        """
        return self.scenarios[scenario].verdict

    @property
    def stated_verdict(self) -> str:
        """The main verdict of the scenario the article stated a probability for (the first; the one scored)."""
        return self.verdict(SCENARIOS[0])

    def readings_of(self, scenario: str) -> list[Resolution]:
        """The other readings of one scenario.

        Parameters
        ----------
        scenario : a scenario key of the article in force

        Returns
        -------
        list of Resolution
            In the order of the assumptions' ``resolution.readings``.
        """
        return [r for r in self.readings.values() if r.scenario == scenario]


def combine(verdicts: list[str], defining: int) -> str:
    """The stated rule: YES when all hold, NO when the defining condition fails, PARTLY otherwise.

    Parameters
    ----------
    verdicts : each condition's verdict (yes, no or partly), in the criterion's order
    defining : the index of the defining condition

    Returns
    -------
    str
        ``yes``, ``no`` or ``partly``.
    """
    if verdicts[defining] == "no":
        return "no"
    return "yes" if all(v == "yes" for v in verdicts) else "partly"


def quarter_bounds(
    periods: tuple[Period, ...], spec: MeasurementSpec, window: tuple[dt.date, dt.date]
) -> tuple[QuarterBound, ...]:
    """Each fiscal quarter that ended inside the window, with what the reports allow for its post-licence sales.

    A quarter that ended before the first licence sold nothing under it. A quarter's own disclosed
    H20 China figure is known. Otherwise a running total disclosed at or after the quarter's end in
    the same fiscal year bounds it (plus half the rounding); with neither, nothing bounds it.

    Parameters
    ----------
    periods : every reported period
    spec : the measurement assumptions (first licence date, rounding)
    window : the forecast window's first and last day

    Returns
    -------
    tuple of QuarterBound
        In order of the quarters' ends.
    """
    licence, half = spec.first_licence_date.value, spec.rounding.value / 2.0
    years = sorted((p for p in periods if p.period_type == "year"), key=lambda p: p.period_end)
    out = []
    for q in sorted((p for p in periods if p.period_type == "quarter"), key=lambda p: p.period_end):
        if not window[0] <= q.period_end <= window[1]:
            continue
        if q.period_end < licence:
            out.append(QuarterBound(q.fiscal_period, q.period_end, 0.0, 0.0, "ended before the first licence"))
            continue
        if q.h20_china_revenue_usd_bn is not None:
            v = q.h20_china_revenue_usd_bn
            out.append(QuarterBound(q.fiscal_period, q.period_end, v, v, "the quarter's disclosed figure"))
            continue
        year_end = next((y.period_end for y in years if y.period_end >= q.period_end), None)
        totals = [
            (p.h20_post_licence_usd_bn, p.fiscal_period)
            for p in periods
            if p.h20_post_licence_usd_bn is not None and q.period_end <= p.period_end <= (year_end or q.period_end)
        ]
        if totals:
            v, name = min(totals)
            out.append(
                QuarterBound(q.fiscal_period, q.period_end, v + half, None, f"at most the running total to {name}")
            )
        else:
            out.append(QuarterBound(q.fiscal_period, q.period_end, None, None, "not disclosed"))
    return tuple(out)


def measured_verdict(measure: QuarterlyRevenueMeasure, bounds: tuple[QuarterBound, ...]) -> str | None:
    """YES if enough quarters are known to reach the amount, NO if too few could, None if the reports cannot tell.

    Parameters
    ----------
    measure : the amount and the number of quarters the condition asks for
    bounds : :func:`quarter_bounds` of the window

    Returns
    -------
    str or None
    """
    reached = sum(b.known is not None and b.known >= measure.usd_bn for b in bounds)
    possible = sum(b.upper is None or b.upper >= measure.usd_bn for b in bounds)
    if reached >= measure.quarters:
        return "yes"
    return "no" if possible < measure.quarters else None


def _ids(text: str) -> tuple[str, ...]:
    """The ``;``-separated ids of a cell, stripped, empty ones dropped."""
    return tuple(x.strip() for x in text.split(";") if x.strip())


@dataclass(frozen=True)
class _Row:
    line: int
    verdict: str
    events: tuple[str, ...]
    periods: tuple[str, ...]
    finding: str


def load_application(path: str | Path | InputPath | None = None) -> tuple[str, dict[tuple[str, str], _Row]]:
    """The verdicts file: {(criterion, condition): row}; each (criterion, condition) once.

    Parameters
    ----------
    path : the verdicts CSV (``None``: the article's ``resolution.csv``)

    Returns
    -------
    tuple
        The file as shown in messages, and {(criterion, condition): row}.

    Raises
    ------
    InputError
        A missing column, an unknown verdict, a repeated (criterion, condition).
    """
    src = as_input(path, DEFAULT_RESOLUTION)
    p = src.shown
    rows: dict[tuple[str, str], _Row] = {}
    for line, row in read_csv_rows(src, RESOLUTION_COLUMNS, MAX_ROWS, "verdicts"):
        key = (row["criterion"].strip(), row["condition"].strip())
        if key in rows:
            raise cell_error(
                p,
                line,
                "condition",
                f"{key[0]}.{key[1]} repeats line {rows[key].line}",
                "give each condition one row",
            )
        verdict = row["verdict"].strip()
        if verdict and verdict not in VERDICTS:
            raise cell_error(p, line, "verdict", f"unknown verdict {quote(verdict)}", "use yes, no or partly")
        rows[key] = _Row(line, verdict, _ids(row["events"]), _ids(row["periods"]), row["finding"].strip())
    return p, rows


def _check_citations(
    shown: str, row: _Row, events: dict[str, Event], periods: dict[str, Period], window: tuple[dt.date, dt.date]
) -> None:
    for eid in row.events:
        if eid not in events:
            raise cell_error(
                shown, row.line, "events", f"unknown event {quote(eid)}", "cite event ids from the events file"
            )
        if not window[0] <= events[eid].date <= window[1]:
            raise cell_error(
                shown,
                row.line,
                "events",
                f"event {eid} ({events[eid].date}) is outside the window {window[0]} to {window[1]}",
                "cite only what happened inside the forecast window",
            )
    for name in row.periods:
        if name not in periods:
            raise cell_error(
                shown,
                row.line,
                "periods",
                f"unknown fiscal period {quote(name)}",
                "cite periods as named in the quarters file",
            )
    if not row.finding:
        raise cell_error(shown, row.line, "finding", "empty", "say in words what the cited evidence shows")


def _condition(
    shown: str, key: str, c: Condition, rows: dict[tuple[str, str], _Row], bounds: tuple[QuarterBound, ...]
) -> ConditionVerdict:
    row = rows.get((key, c.id))
    if row is None:
        raise InputError(
            shown, f"criterion {key}, condition {c.id}", "no verdict row", "add a row for it (yes, no or partly)"
        )
    verdict, computed = row.verdict, c.measure is not None
    if c.measure is not None:
        got = measured_verdict(c.measure, bounds)
        if got is None:
            raise cell_error(
                shown,
                row.line,
                "verdict",
                f"the reports cannot decide {key}.{c.id} yet",
                "wait for the quarters to be reported, or word the condition so that they decide it",
            )
        if verdict and verdict != got:
            raise cell_error(
                shown,
                row.line,
                "verdict",
                f"says {verdict}, the reported figures say {got}",
                f"write {got} or leave it empty",
            )
        verdict = got
    elif not verdict:
        raise cell_error(
            shown,
            row.line,
            "verdict",
            "empty",
            "give yes, no or partly (only measured conditions are computed)",
        )
    return ConditionVerdict(c.id, c.text, c.defining, verdict, row.events, row.periods, row.finding, computed)


def _apply(
    shown: str,
    key: str,
    scenario: str,
    name: str,
    crit: Criterion,
    rows: dict,
    bounds: tuple[QuarterBound, ...],
    main: bool,
) -> Resolution:
    conds = tuple(_condition(shown, key, c, rows, bounds) for c in crit.conditions)
    defining = next(i for i, c in enumerate(crit.conditions) if c.defining)
    verdict = combine([c.verdict for c in conds], defining)
    return Resolution(key, scenario, name, crit.question, crit.reasoning, conds, verdict, main)


def resolve(
    spec: ResolutionSpec,
    measurement: MeasurementSpec,
    events: tuple[Event, ...],
    periods: tuple[Period, ...],
    path: str | Path | InputPath | None = None,
) -> ResolutionResult:
    """Apply every criterion and reading to the verdicts file, checking each citation.

    Parameters
    ----------
    spec : the criteria (``resolution`` in the assumptions file).
    measurement : how the reported figures measure the quantity (``measurement`` in the assumptions file).
    events, periods : everything in the evidence files (no confidence filter: a verdict cites what happened).
    path : the verdicts file (default: the shipped ``model/data/resolution.csv``).

    Raises
    ------
    InputError
        A verdict row is missing, repeated, unknown, cites an unknown or out-of-window item, or
        disagrees with what the reported figures decide.

    Returns
    -------
    ResolutionResult
    """
    shown, rows = load_application(path)
    window = (spec.window_start, spec.window_end)
    by_id, by_name = {e.id: e for e in events}, {p.fiscal_period: p for p in periods}
    for row in rows.values():
        _check_citations(shown, row, by_id, by_name, window)
    known = {(s, c.id) for s, crit in spec.criteria.items() for c in crit.conditions}
    known |= {(k, c.id) for k, r in spec.readings.items() for c in r.conditions}
    extra = sorted(set(rows) - known)
    if extra:
        k = extra[0]
        raise InputError(
            shown,
            f"line {rows[k].line}, column criterion",
            f"{k[0]}.{k[1]} is not a condition of any criterion",
            "match the ids in the assumptions file's resolution section",
        )
    bounds = quarter_bounds(periods, measurement, window)
    scenarios = {
        s: _apply(shown, s, s, "as the article wrote it", spec.criteria[s], rows, bounds, True) for s in SCENARIOS
    }
    readings = {k: _apply(shown, k, r.scenario, r.name, r, rows, bounds, False) for k, r in spec.readings.items()}
    return ResolutionResult(scenarios, readings, bounds, window, spec.written)
