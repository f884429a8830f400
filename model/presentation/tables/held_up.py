"""Tables of how the article held up and what the call rests on (overview, drivers, held up)."""

from __future__ import annotations

from typing import Sequence

from ...computation.call import CallBasis, Variant, tiny_bounds
from ...computation.resolution import ResolutionResult
from ...computation.retrospective import Retrospective
from ...computation.scoring import BASELINES
from ..numbers import (
    bound_text,
    prob_text,
    score_text,
    share_range,
    sig,
    times_range,
    usd_text,
    yes_no,
)
from .base import (
    Cell,
    Link,
    Table,
    table,
)

EVENTS_HREF = "03_evidence.html#events-table"
"""Where a cited event is listed (from a chapter's page)."""


def cited(events: Sequence[str], periods: Sequence[str] = ()) -> tuple[Link, ...]:
    """Cited events as links to the events table, then cited reports as text."""
    return tuple(Link(e, EVENTS_HREF) for e in events) + tuple(Link(q, "") for q in periods)


def resolution_table(res: ResolutionResult) -> Table:
    """One row per scenario: the question, the verdict and the evidence the verdict cites."""
    return table(
        (
            {
                "scenario": s,
                "the question": r.question,
                "verdict": r.verdict,
                "cites": cited(r.events, tuple(dict.fromkeys(q for c in r.conditions for q in c.periods))),
            }
            for s, r in res.scenarios.items()
        ),
        wide={"the question"},
    )


def conditions_table(res: ResolutionResult, readings: bool = False) -> Table:
    """Every condition of the main criteria (or of the other readings): its wording, verdict and finding."""
    chosen = res.readings.values() if readings else res.scenarios.values()
    return table(
        (
            {
                "scenario": r.scenario if not readings else f"{r.scenario}: {r.name}",
                "condition": c.text + (" (defining)" if c.defining else ""),
                "verdict": c.verdict + (" (computed)" if c.computed else ""),
                "what the evidence shows": c.finding,
                "cites": cited(c.events, c.periods),
            }
            for r in chosen
            for c in r.conditions
        ),
        wide={"condition", "what the evidence shows"},
        show=None if readings else 4,
        noun="conditions",
    )


def readings_table(res: ResolutionResult) -> Table:
    """The other defensible readings of the scenarios' words, each resolved."""
    return table(
        (
            {"scenario": r.scenario, "read as": r.name, "verdict": r.verdict, "main reading": res.verdict(r.scenario)}
            for r in res.readings.values()
        )
    )


def quarter_bounds_table(res: ResolutionResult) -> Table:
    """The quarters that decide the base case's shipments condition, with what the reports allow."""
    return table(
        (
            {
                "quarter": q.fiscal_period,
                "ended": q.period_end.isoformat(),
                "post-licence H20 revenue from China": "not bounded"
                if q.upper is None
                else (usd_text(q.known) if q.known is not None else f"at most {usd_text(q.upper)}"),
                "from": q.basis,
            }
            for q in res.quarters
        ),
        wide={"from"},
    )


def article_scores_table(retro: Retrospective) -> Table:
    """The article's 45% on the base case against the baselines (Brier and log score)."""
    rows = []
    if retro.article is not None:
        a = retro.article
        rows.append(
            {
                "forecast of the base case": f"the article: {prob_text(a.forecast.p_base)}",
                "Brier (0 best)": score_text(a.brier),
                "log score (0 best)": score_text(a.log),
            }
        )
    for name, p in BASELINES.items():
        b, lg = retro.baselines[name]
        rows.append(
            {
                "forecast of the base case": f"{name}: {prob_text(p)}",
                "Brier (0 best)": score_text(b),
                "log score (0 best)": score_text(lg),
            }
        )
    return table(rows, numeric={"Brier (0 best)", "log score (0 best)"})


def oos_table(retro: Retrospective, show: int = 6) -> Table:
    """The article and the book's out-of-sample forecasts, each scored the same way."""
    scored = ([retro.article] if retro.article else []) + list(retro.model)
    first = [None] * (len(scored) - len(retro.model_first)) + list(retro.model_first)
    return table(
        (
            {
                "forecast": s.forecast.forecaster,
                "made on": s.forecast.date.isoformat(),
                "P(base)": prob_text(s.forecast.p_base),
                "share: interval": share_range(s.forecast.lower, s.forecast.upper),
                "interval probability": prob_text(s.forecast.coverage),
                "Brier": score_text(s.brier),
                "interval score (pp)": sig(100 * s.interval),
                "with the first priors (pp)": "—" if f is None else sig(100 * f.interval),
                "outcome inside": yes_no(s.covered),
                "too high by": times_range(*s.ratio_range),
            }
            for s, f in zip(scored, first, strict=True)
        ),
        numeric={"P(base)", "Brier", "interval score (pp)", "with the first priors (pp)", "too high by"},
        show=show,
        noun="forecasts",
    )


def call_variants_table(basis: CallBasis) -> Table:
    """The call under other readings of the evidence and other revenue likelihoods."""

    def row(v: Variant, kind: str) -> dict[str, Cell]:
        lead, riv = float(v.probs.sel(scenario=basis.leader)), float(v.probs.sel(scenario=basis.rival))
        return {
            "what changes": kind,
            "variant": v.description,
            f"P({basis.leader})": prob_text(lead),
            f"P({basis.rival})": prob_text(riv),
            "leads": basis.leader if lead >= riv else basis.rival,
        }

    rows = [row(v, "classification") for v in basis.classification]
    rows += [row(v, "revenue likelihood") for v in basis.robust[1:]]
    return table(rows, numeric={f"P({basis.leader})", f"P({basis.rival})"}, wide={"variant"})


def bounds_table(basis: CallBasis) -> Table:
    """Tiny probabilities under the model's likelihood and their largest value under the robust ones."""
    rows = []
    for s, top in tiny_bounds(basis.robust).items():
        worst = max(basis.robust, key=lambda v: float(v.probs.sel(scenario=s)))
        rows.append(
            {
                "scenario": s,
                "under the model": prob_text(float(basis.robust[0].probs.sel(scenario=s))),
                "largest under a robust likelihood": f"{sig(100 * top, 1)}%",
                "which": worst.description,
                "reported as": bound_text(top),
            }
        )
    return table(rows, wide={"which"})


def revisions_table(rows: Sequence[dict[str, str]]) -> Table:
    """Every change to a prior or to the measurement model: when, with what data known, and why."""
    return table(
        (
            {
                "date": r["date"],
                "what changed": f"{r['input']}: {r['before']} → {r['after']}",
                "why": f"{r['trigger'][0].upper()}{r['trigger'][1:]}. {r['reason']} "
                f"Data already known: {r['data_seen']}.",
            }
            for r in rows
        ),
        wide={"what changed", "why"},
    )
