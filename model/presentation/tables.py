"""Tables for people: every table the book shows, through one renderer.

Each builder takes results from the computation layer and returns a :class:`Table`: human
headers with units, numbers already formatted (:mod:`model.presentation.report`'s helpers: percentages with
sensible digits, "—" for a missing value, "yes"/"no", no signed zero), long text wrapped, and
no index column unless it names the row. A long table shows its first rows and keeps the rest in
a "show all" dropdown. The book styles the ``h20-table`` class in ``book/_static/book.css``.
Jupyter and the book render :meth:`Table._repr_html_`; a terminal gets
the plain-text form.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Iterable, Sequence
from urllib.parse import urlparse

import numpy as np
import xarray as xr

from .. import SCENARIOS, SIGNALS
from ..computation.assumptions import RecoverySpec, SignalsSpec
from ..computation.call import CallBasis, Variant, tiny_bounds
from ..computation.checks import Check, PowerScaling
from ..computation.claims import AuditLine
from ..computation.evidence import Evidence, Period
from ..computation.exact import ExactPosterior
from ..computation.gates import Agreement
from ..computation.history import Revision
from ..computation.mcmc import TAIL_KHAT, MCMCResult
from ..computation.priors import Priors
from ..computation.resolution import ResolutionResult
from ..computation.retrospective import Retrospective
from ..computation.scoring import BASELINES
from ..computation.sensitivity import Tornado
from ..computation.simulate import Summary
from ..computation.sobol import SobolResult
from .report import (
    bound_text,
    label,
    num,
    pct_pm,
    prob_text,
    quantity_label,
    score_text,
    share_range,
    share_text,
    sig,
    signed,
    times_range,
    usd_m,
    usd_text,
    yes_no,
)


@dataclass(frozen=True)
class Link:
    """A cell that links somewhere: ``text`` shown, ``href`` followed."""

    text: str
    href: str


Cell = str | Link | tuple[Link, ...]


def _cell_html(c: Cell) -> str:
    if isinstance(c, Link):
        if not c.href:
            return html.escape(c.text)
        return f'<a href="{html.escape(c.href)}">{html.escape(c.text)}</a>'
    if isinstance(c, tuple):
        return ", ".join(_cell_html(x) for x in c)
    return html.escape(c)


def _cell_text(c: Cell) -> str:
    if isinstance(c, Link):
        return c.text
    if isinstance(c, tuple):
        return ", ".join(x.text for x in c)
    return c


@dataclass(frozen=True)
class Table:
    """A formatted table.

    ``numeric`` marks right-aligned columns (by header); ``wide`` marks columns of running text
    (given a minimum width so they wrap at sentence length); ``show`` rows are shown, the rest sit
    in a dropdown named by ``noun``. On a phone each row becomes a card, every value beside its
    header (``data-label``; ``book/_static/book.css``), so no table scrolls sideways.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    numeric: frozenset[str] = frozenset()
    wide: frozenset[str] = frozenset()
    show: int | None = None
    noun: str = "rows"

    def _table_html(self, rows: Sequence[tuple[Cell, ...]]) -> str:
        def cls(h: str) -> str:
            c = " ".join(x for x, on in (("n", h in self.numeric), ("w", h in self.wide)) if on)
            return f' class="{c}"' if c else ""

        def td(h: str, c: Cell) -> str:  # data-label: the header, shown beside the value when rows become cards
            return f'<td{cls(h)} data-label="{html.escape(h, quote=True)}"><span>{_cell_html(c)}</span></td>'

        head = "".join(f"<th{cls(h)}>{html.escape(h)}</th>" for h in self.header)
        body = "".join("<tr>" + "".join(td(h, c) for h, c in zip(self.header, r, strict=True)) + "</tr>" for r in rows)
        table = f'<table class="h20-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
        return f'<div class="h20-wrap">{table}</div>'

    def _repr_html_(self) -> str:
        if self.show is None or len(self.rows) <= self.show:
            return self._table_html(self.rows)
        rest = self.rows[self.show :]
        return (
            self._table_html(self.rows[: self.show])
            + f'<details class="h20-more"><summary>Show the other {len(rest)} {self.noun}</summary>'
            + self._table_html(rest)
            + "</details>"
        )

    def text(self) -> str:
        """Plain text, columns padded (what a terminal or ``repr`` shows)."""
        cells = [list(self.header)] + [[_cell_text(c) for c in r] for r in self.rows]
        widths = [max(len(r[i]) for r in cells) for i in range(len(self.header))]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells)

    def __repr__(self) -> str:
        return self.text()

    def column(self, header: str) -> list[str]:
        """The plain text of one column (tests, downloads)."""
        i = self.header.index(header)
        return [_cell_text(r[i]) for r in self.rows]


def table(
    rows: Iterable[dict[str, Cell]],
    numeric: Iterable[str] = (),
    wide: Iterable[str] = (),
    show: int | None = None,
    noun: str = "rows",
) -> Table:
    """A :class:`Table` from dicts whose keys are the headers."""
    rows = list(rows)
    header = tuple(rows[0]) if rows else ()
    return Table(
        header, tuple(tuple(r[h] for h in header) for r in rows), frozenset(numeric), frozenset(wide), show, noun
    )


def _domain(url: str) -> str:
    host = urlparse(url).hostname or url
    return host.removeprefix("www.")


def sources(urls: Sequence[str]) -> tuple[Link, ...]:
    """Source URLs as links named by their site; an entry that is not a URL (e.g. "seed article") as text."""
    return tuple(Link(_domain(u), u) if u.startswith(("http://", "https://")) else Link(u, "") for u in urls if u)


# --------------------------------------------------------------------------- the overview


# --------------------------------------------------------------------------- the article


def claims_table(claims: Sequence[dict[str, str]]) -> Table:
    return table(
        (
            {
                "claim": c["claim"],
                "article (Chinese)": c["quote_zh"],
                "English gloss": c["gloss_en"],
                "how the model uses it": c["model_use"],
            }
            for c in claims
        ),
        wide={"English gloss", "how the model uses it"},
    )


def audit_table(lines: Sequence[AuditLine]) -> Table:
    return table(
        (
            {"check": a.check, "article says": a.article_says, "arithmetic": a.arithmetic, "verdict": a.verdict}
            for a in lines
        ),
        wide={"verdict"},
    )


def claims_check_table(rows: Sequence[dict[str, str]]) -> Table:
    return table(
        (
            {
                "claim": r["claim"],
                "article": r["article_value"],
                "checked": r["checked_value"],
                "verdict": r["verdict"],
                "sources": sources([r["source_1"], r.get("source_2", "")]),
            }
            for r in rows
        ),
        wide={"checked"},
    )


# --------------------------------------------------------------------------- priors


def prior_table(p: Priors) -> Table:
    """One row per elicited prior (:func:`model.presentation.summaries.prior_rows`)."""
    from .summaries import prior_rows

    def acts_like(r: dict) -> str:
        n = r["pseudo-sample size"]
        return "—" if n is None else sig(n, 2) + (" (overconfident)" if r["overconfident"] else "")

    return table(
        (
            {
                "prior": r["prior"],
                "distribution": r["family"],
                "interval (mass asked → achieved)": f"{r['interval']} "
                f"({prob_text(r['mass requested'])} → {prob_text(r['mass achieved'])})",
                "mean": sig(r["mean"], 2),
                "acts like (observations)": acts_like(r),
            }
            for r in prior_rows(p)
        ),
        numeric={"mean", "acts like (observations)"},
    )


def recovery_reasoning_table(p: Priors, recovery: RecoverySpec) -> Table:
    """Each scenario's recovery prior as elicited, with the reasoning (or the article's words) behind it."""

    def why(s: str) -> str:
        prov = recovery.of(s).provenance
        return prov.reasoning or prov.gloss_en or "—"

    return table(
        ({"scenario": s, "elicitation": p.recovery[s].description, "reasoning": why(s)} for s in SCENARIOS),
        wide={"reasoning"},
    )


def summary_table(
    named: dict[str, dict[str, float]], threshold: float, unit: str = "%", first: str = "distribution"
) -> Table:
    """Exact summaries (mean, median, 5% and 95% quantiles, P(≥ threshold)) one row per name.

    ``unit``: "%" shows shares as percentages (``threshold`` a share); "USD" shows USD bn amounts
    (``threshold`` in USD bn). Every label is computed from the value it names.
    """
    show = share_text if unit == "%" else usd_text
    threshold = show(threshold)  # type: ignore[assignment]
    return table(
        (
            {
                first: name,
                "mean": show(d["mean"]),
                "median": show(d["median"]),
                "5%": show(d["q05"]),
                "95%": show(d["q95"]),
                f"P(≥ {threshold})": prob_text(d["p_exceed"]),
            }
            for name, d in named.items()
        ),
        numeric={"mean", "median", "5%", "95%", f"P(≥ {threshold})"},
    )


def mc_table(named: dict[str, Summary], unit: str = "%") -> Table:
    """Monte Carlo summaries 'value ± MCSE', one row per statistic, one column per estimate."""

    def pm(e: Summary, k: str) -> str:
        est = getattr(e, k)
        if unit == "%":
            return pct_pm(est.value, est.mcse)
        return f"{usd_m(est.value)} ± {usd_m(est.mcse).removeprefix('USD ')}"

    def exceed(s: Summary) -> str:
        p = s.p_exceed
        return prob_text(p.value) if p.mcse == 0 else f"{prob_text(p.value)} ± {100 * p.mcse:.2g} pp"

    thr = {f"{100 * s.threshold:g}%" if unit == "%" else f"USD {s.threshold:.1f}bn" for s in named.values()}
    rows = [{"statistic": h, **{n: pm(s, k) for n, s in named.items()}} for h, k in
            (("mean", "mean"), ("median", "median"), ("5% quantile", "q05"), ("95% quantile", "q95"))]  # fmt: skip
    rows.append({"statistic": f"P(≥ {thr.pop()})" if len(thr) == 1 else "P(≥ threshold)"} | {
        n: exceed(s) for n, s in named.items()})  # fmt: skip
    return table(rows, numeric=set(named))


# --------------------------------------------------------------------------- evidence


def events_table(ev: Evidence, show: int = 8) -> Table:
    """Every event with its signal class, confidence and sources (links); the first ``show`` rows open."""
    return table(
        (
            {
                "event": e.id,
                "date": e.date.isoformat(),
                "what happened": e.summary,
                "signal": ev.role(e).replace("_", " "),
                "confidence": e.confidence.replace("_", " "),
                "sources": sources(e.sources),
            }
            for e in ev.events
        ),
        wide={"what happened"},
        show=show,
        noun="events",
    )


def quarters_table(periods: Sequence[Period]) -> Table:
    return table(
        (
            {
                "period": q.fiscal_period,
                "ended": q.period_end.isoformat(),
                "reported": q.reported.isoformat(),
                "revenue (USD bn)": f"{q.total_revenue_usd_bn:,.1f}",
                "H20 China (USD bn)": "not disclosed"
                if q.h20_china_revenue_usd_bn is None
                else f"{q.h20_china_revenue_usd_bn:g}",
                "of it under the licences (USD bn)": "—"
                if q.h20_post_licence_usd_bn is None
                else f"about {q.h20_post_licence_usd_bn:g}",
                "confidence": q.confidence.replace("_", " "),
            }
            for q in periods
        ),
        numeric={"revenue (USD bn)", "H20 China (USD bn)", "of it under the licences (USD bn)"},
    )


def signal_likelihood_table(signals: SignalsSpec) -> Table:
    """P(signal | scenario) per signal class, with the reasoning."""
    lik = signals.likelihood
    return table(
        (
            {
                "signal": c.replace("_", " "),
                **{s: num(lik[c].of(s), 2) for s in SCENARIOS},
                "reasoning": lik[c].reasoning,
            }
            for c in SIGNALS
        ),
        numeric=set(SCENARIOS),
        wide={"reasoning"},
    )


# --------------------------------------------------------------------------- inference


def _khat_text(k: float) -> str:
    """Pareto k for people: '—' for constant draws, '> 1' when the tail fit diverges."""
    if k == float("-inf"):
        return "—"
    return "> 1" if not np.isfinite(k) or k > 1 else f"{k:.2f}"


def _value_text(var: str, x: float) -> str:
    return prob_text(x) if var == "p_z" else f"{x:.4g}"


def diagnostics_table(fit: MCMCResult) -> Table:
    """MCMC diagnostics per reported quantity."""
    return table(
        (
            {
                "quantity": quantity_label(q.var, q.scenario),
                "mean": _value_text(q.var, q.mean),
                "MCSE": f"{q.mcse:.2g}",
                "bulk ESS": f"{q.ess_bulk:,.0f}",
                "r̂": f"{q.r_hat:.3f}",
                "Pareto k": _khat_text(q.khat),
            }
            for q in fit.quantities
        ),
        numeric={"mean", "MCSE", "bulk ESS", "r̂", "Pareto k"},
    )


def agreement_table(rows: Sequence[Agreement]) -> Table:
    """The agreement gate: exact vs MCMC per quantity, how it is judged and the verdict."""
    return table(
        (
            {
                "quantity": quantity_label(g.var, g.scenario),
                "exact": _value_text(g.var, g.exact),
                "MCMC ± MCSE": f"{g.mcmc:.4g} ± {g.mcse:.2g}",
                "z": "—" if g.method != "z" else signed(g.z, 2),
                "rule": g.reason,
                "agrees": "yes" if g.ok else "NO",
            }
            for g in rows
        ),
        numeric={"exact", "MCMC ± MCSE", "z"},
    )


TAIL_NOTE = f"Pareto k above {TAIL_KHAT}: the mean rests on a few draws."


# --------------------------------------------------------------------------- belief over time


def _pct_digits(p: float) -> str:
    """A probability in percent without the sign, as :func:`model.presentation.report.prob_text` words it."""
    return prob_text(p).removesuffix("%")


def revision_table(history: Sequence[Revision], show: int = 6) -> Table:
    """The forecast after each evidence date: what arrived, P(scenario), the share forecast, its scores."""
    head = "P(" + " · ".join(SCENARIOS) + "), %"

    def row(r: Revision) -> dict[str, Cell]:
        share = r.share
        return {
            "date": r.date.isoformat(),
            "what arrived": label("; ".join(r.arrived)),
            head: " · ".join(_pct_digits(float(r.prob_after.sel(scenario=s))) for s in SCENARIOS),
            "share: median (90%)": f"{share_text(share['median'])} ({share_range(share['q05'], share['q95'])})",
            "log score": score_text(r.log_score, 1),
            "CRPS (pp)": "—" if r.crps is None else sig(100 * r.crps, 2),
            "out of sample": "no" if r.in_sample else "yes",
        }

    return table(
        (row(r) for r in history),
        numeric={"log score", "CRPS (pp)"},
        show=show,
        noun="revision dates",
    )


# --------------------------------------------------------------------------- drivers


def _output_text(var: str, x: float) -> str:
    if var == "scenario_prob":
        return prob_text(x)
    if var == "share_mean":
        return share_text(x)
    if var == "usd_mean":
        return usd_text(x)
    return sig(x, 2)


def _swing_text(var: str, x: float) -> str:
    if var in ("scenario_prob", "theta_mean", "share_mean"):
        if 100 * x < 5e-5:  # below the last digit any other cell shows: no effect
            return "0"
        return f"{sig(100 * x, 2)} pp"
    return usd_text(x).removeprefix("USD ")


def tornado_table(t: Tornado, var: str, scenario: str | None = None) -> Table:
    """The tornado of one output: value at the low and high end of each input, the swing, how the range was set."""
    da, swing = t.select(var, scenario), t.swing(var, scenario)
    return table(
        (
            {
                "input": label(str(i)),
                "at low": _output_text(var, float(da.sel(input=i, bound="low"))),
                "at high": _output_text(var, float(da.sel(input=i, bound="high"))),
                "swing": _swing_text(var, float(swing.sel(input=i))),
                "how the range was set": str(t.at.reasoning.sel(input=i).values),
            }
            for i in swing.input.values
        ),
        numeric={"at low", "at high", "swing"},
        wide={"how the range was set"},
    )


def influence_table(infl: xr.Dataset, show: int = 10) -> Table:
    """Leave-one-out influence: change in each scenario's log-odds, top items first, the rest in a dropdown."""
    return table(
        (
            {
                "item": str(item),
                "date": str(infl["date"].sel(item=item).values),
                "signal": label(str(infl["label"].sel(item=item).values)),
                "confidence": str(infl["confidence"].sel(item=item).values).replace("_", " "),
                **{f"Δ {s}": signed(float(infl["delta"].sel(item=item, scenario=s))) for s in SCENARIOS},
            }
            for item in infl.item.values
        ),
        numeric={f"Δ {s}" for s in SCENARIOS},
        show=show,
        noun="items",
    )


def quality_table(posts: dict[str, ExactPosterior]) -> Table:
    """Exact posteriors under different evidence filters (one row per filter)."""
    return table(
        (
            {
                "evidence used": name.replace("_", " "),
                **{f"P({s})": prob_text(float(p.labelled()["scenario_prob"].sel(scenario=s))) for s in SCENARIOS},
                "mean share": share_text(p.share_mean()),
                "90% interval": share_range(*p.share_quantile([0.05, 0.95])),
            }
            for name, p in posts.items()
        ),
        numeric={*(f"P({s})" for s in SCENARIOS), "mean share", "90% interval"},
    )


SOBOL_INPUTS: dict[str, str] = {
    **{f"g_{s}": f"propensity weight of {s} (Gamma draw)" for s in SCENARIOS},
    **{f"r_{s}": f"recovery share under {s}" for s in SCENARIOS},
    "revenue": "FY2026 revenue",
}
"""The Sobol inputs for people: the Dirichlet is drawn as normalised Gammas, one per scenario."""


def sobol_table(results: dict[str, SobolResult]) -> Table:
    """Sobol indices with their 95% confidence half-widths, one row per output and input."""
    return table(
        (
            {
                "output": out,
                "input": SOBOL_INPUTS.get(n, label(n)),
                "first-order index": f"{num(r.S1[i])} ± {num(r.S1_conf[i])}",
                "total index": f"{num(r.ST[i])} ± {num(r.ST_conf[i])}",
            }
            for out, r in results.items()
            for i, n in enumerate(r.names)
        ),
        numeric={"first-order index", "total index"},
    )


# --------------------------------------------------------------------------- how the article held up

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


def checks_table(checks: Sequence[Check]) -> Table:
    """Pass/fail checks: name, p-value, verdict, detail."""
    return table(
        (
            {
                "check": label(c.name).replace(".", " · "),
                "statistic": num(c.statistic, 3),
                "p-value": num(c.p_value, 3),
                "passed": yes_no(c.passed),
                "detail": c.detail or c.rule,
            }
            for c in checks
        ),
        numeric={"statistic", "p-value"},
        wide={"detail"},
    )


def power_scaling_table(ps: PowerScaling) -> Table:
    return table(
        (
            {
                "quantity": q,
                "prior sensitivity": num(float(ps.prior[i]), 3),
                "likelihood sensitivity": num(float(ps.likelihood[i]), 3),
                "diagnosis": ps.diagnosis(i),
            }
            for i, q in enumerate(ps.quantities)
        ),
        numeric={"prior sensitivity", "likelihood sensitivity"},
    )


def downloads_table(manifest, href: str) -> Table:  # noqa: ANN001 (model.presentation.export.Manifest)
    """Every downloadable file: link, what it holds, size and SHA-256 (``href``: the folder's URL)."""
    return table(
        (
            {
                "file": Link(f.name, href + f.name),
                "what it holds": f.description,
                "size": f"{f.size / 1000:,.1f} kB",
                "SHA-256": f.sha256,
            }
            for f in manifest.files
        ),
        numeric={"size"},
        wide={"what it holds"},
    )
