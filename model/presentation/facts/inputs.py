"""Facts of the chapters on what goes in: the article, the priors, the evidence."""

from __future__ import annotations

from ... import SCENARIOS
from ...computation.claims import RECOVERY_BAND, audit
from ...computation.pipeline import Setup, plain
from ..numbers import (
    prob_text,
    share_range,
    share_text,
    sig,
    usd_text,
)
from .common import (
    Facts,
    _restate_sentence,
    base_mean_source,
    credit,
)


def article(setup: Setup) -> Facts:
    """Facts of the article chapter: the arithmetic checks of its claims and the revenue they imply.
    Glue name -> value (text, or a number the prose formats), from the inputs in force.
    """
    rev = setup.fy_revenue()
    lines = audit(rev)
    return {
        "tflops_ratio_pct": float(sig(100 * lines["training_ratio"].value, 2)),
        "implied_rev_lo": float(sig(lines["implied_revenue"].value, 2).replace(",", "")),
        "fy2026_rev": rev,
    }


def priors(setup: Setup) -> Facts:
    """Facts of the priors chapter: the scenario prior, its strength, the recovery priors and their sources.
    Glue name -> value (text, or a number the prose formats), from the inputs in force.
    """
    p = setup.priors
    a = setup.assumptions
    bi, rv = a.scenario_prior.base_interval, a.revenue_fy2026
    base = a.recovery.base
    band = (getattr(base, "lower", None), getattr(base, "upper", None))
    weights = set(a.scenario_prior.split_weights.value.values())
    near = [s for s in SCENARIOS if p.recovery[s].method == "near_zero"]
    return {
        "base_desc": p.recovery["base"].description,
        "base_source": credit(base.provenance.kind, band == RECOVERY_BAND),
        "m_base": prob_text(float(p.m[0])),
        "m_base_source": base_mean_source(setup),
        "split_words": "equally" if len(weights) == 1 else "by the stated weights",
        "near_zero_md": "; ".join(f"*{s}*: {p.recovery[s].description}" for s in near) or "none",
        "threshold": share_text(a.inference.recovery_threshold),
        "kappa": plain(p.kappa, 1),
        "bi_mass": plain(100 * bi.mass),
        "bi_lo": plain(100 * bi.lower),
        "bi_hi": plain(100 * bi.upper),
        "rv_mass": plain(100 * rv.mass),
        "rv_lo": plain(rv.lower),
        "rv_hi": plain(rv.upper),
        "n_base": int(float(sig(p.recovery["base"].pseudo_n, 2).replace(",", ""))),
    }


def datum_derivation(setup: Setup) -> str:
    """Where the revenue datum comes from, in words: the disclosure in force and what it states."""
    obs = setup.likelihood.revenue
    if obs.kind == "none":
        return "not yet available (no running total of post-licence H20 revenue has been disclosed)"
    period = obs.periods[0]
    what = "the full-year report" if obs.kind == "annual" else "a quarterly report"
    return (
        f"the running total of post-licence H20 revenue from China that NVIDIA disclosed in {what} "
        f"for {period}: about {usd_text(obs.usd_bn)}"
    )


def evidence(setup: Setup) -> Facts:
    """Facts of the evidence chapter: event and signal counts, the tempering weight, the revenue datum.
    Glue name -> value (text, or a number the prose formats), from the inputs in force.
    """
    ev, obs, sg = setup.evidence, setup.likelihood.revenue, setup.assumptions.signals
    subsumed = [e for e in ev.events if e.subsumed_by and not ev.is_signal(e)]
    res = setup.assumptions.resolution
    return {
        "n_ev": len(ev.events),
        "n_sig": len(ev.signal_events),
        "restate_sentence": _restate_sentence(sum(bool(e.restates) for e in ev.events)),
        "n_subsumed": len(subsumed),
        "subsumed_md": ", ".join(f"{{ref}}`{e.id} <events-table>`" for e in subsumed) or "none",
        "n_facts": ev.n_facts(),
        "n_campaigns": ev.n_campaigns(),
        "n_contested": sum(bool(e.alt_signal) for e in ev.signal_events),
        "first_date": f"{ev.events[0].date:%-d %B %Y}",
        "last_date": f"{ev.events[-1].date:%-d %B %Y}",
        "coverage_end": f"{res.coverage_end:%-d %B %Y}",
        "window_end": f"{res.window_end:%-d %B %Y}",
        "datum_usd": usd_text(obs.usd_bn),
        "datum_rounding": usd_text(obs.rounding),
        "datum_half": usd_text(obs.rounding / 2),
        "datum_sd": usd_text(obs.sd),
        "datum_derivation": datum_derivation(setup),
        "realised": "not yet reported" if obs.realised_share is None else share_text(obs.realised_share),
        "realised_range": "—" if obs.realised_share_range() is None else share_range(*obs.realised_share_range()),
        "licence": f"{setup.assumptions.measurement.first_licence_date.value:%-d %B %Y}",
        "w": sg.tempering_weight.value,
        "w_facts": f"{ev.n_facts() / max(len(ev.signal_events), 1):.2f}",
        "w_campaigns": f"{ev.n_campaigns() / max(len(ev.signal_events), 1):.2f}",
        "w_lo": sg.weight_range.low,
        "w_hi": sg.weight_range.high,
    }
