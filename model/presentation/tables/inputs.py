"""Tables of what goes in: the article's claims, the priors and the evidence (chapters 1–3)."""

from __future__ import annotations

from typing import Sequence

from ... import SCENARIOS, SIGNALS
from ...computation.assumptions import RecoverySpec, SignalsSpec
from ...computation.claims import AuditLine
from ...computation.evidence import Evidence
from ...computation.evidence_files import Period
from ...computation.priors import Priors
from ...computation.simulate import Summary
from ..numbers import (
    num,
    pct_pm,
    prob_text,
    share_text,
    sig,
    usd_m,
    usd_text,
)
from .base import (
    Table,
    sources,
    table,
)


def claims_table(claims: Sequence[dict[str, str]]) -> Table:
    """The article's claims: the Chinese quote, an English gloss and how the book uses each."""
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
    """The arithmetic audit of the article: each check, what the article says, the arithmetic, the verdict."""
    return table(
        (
            {"check": a.check, "article says": a.article_says, "arithmetic": a.arithmetic, "verdict": a.verdict}
            for a in lines
        ),
        wide={"verdict"},
    )


def claims_check_table(rows: Sequence[dict[str, str]]) -> Table:
    """Each claim's value as the article gives it beside the value checked against its sources."""
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


def prior_table(p: Priors) -> Table:
    """One row per elicited prior (:func:`model.presentation.summaries.prior_rows`)."""
    from ..summaries import prior_rows

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
    """NVIDIA's reported periods: when each ended and was reported, its revenue, H20 China figures, confidence."""
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
