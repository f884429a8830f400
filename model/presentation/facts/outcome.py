"""Facts of the overview and of how the article held up: the outcome, the scores, the call."""

from __future__ import annotations

import xarray as xr

from ... import SCENARIOS
from ...computation.call import MISREPORT, CallBasis, Variant, tiny_bounds
from ...computation.claims import stated
from ...computation.mcmc_result import BOUND
from ...computation.pipeline import Analysis, Setup
from ...computation.retrospective import Retrospective
from ...computation.scoring import BASELINES, OUTCOME_VALUE, brier, interval_score, time_averaged
from ..numbers import (
    bound_text,
    prob_text,
    range_text,
    score_text,
    share_range,
    share_text,
    sig,
    times_range,
    times_text,
    usd_range,
    usd_text,
)
from .common import (
    Facts,
    base_mean_source,
)


def call_facts(basis: CallBasis) -> Facts:
    """The call and what it rests on (:mod:`model.computation.call`), in words: shown wherever the call is stated."""
    lo, hi = basis.weight_counted
    variants = {v.name: v for v in basis.classification}
    against = variants.get("every reading against the call")
    strong = variants.get("two-source evidence only")

    def leader_p(v: Variant) -> float:
        return float(v.probs.sel(scenario=basis.leader))

    def rival_p(v: Variant) -> float:
        return float(v.probs.sel(scenario=basis.rival))

    return {
        "leader": basis.leader,
        "rival": basis.rival,
        "p_leader": prob_text(float(basis.probs.sel(scenario=basis.leader))),
        "p_rival": prob_text(float(basis.probs.sel(scenario=basis.rival))),
        "w": sig(basis.weight),
        "w_flip": "none in (0, 1]" if basis.weight_flip is None else sig(basis.weight_flip),
        "w_counted": f"{lo:.2f}–{hi:.2f}",
        "n_signal": basis.n_signals,
        "n_facts": basis.n_facts,
        "n_campaigns": basis.n_campaigns,
        "datum_factor": times_text(basis.datum_factor),
        "flip_factor": times_text(basis.flip_factor),
        "lo_signals": score_text(basis.parts["signals"], 1),
        "lo_revenue": score_text(basis.parts["revenue"], 1),
        "lo_prior": score_text(basis.parts["prior"], 1),
        "lo_total": score_text(basis.total, 1),
        "p_leader_hyper": prob_text(float(basis.hyperprior.sel(scenario=basis.leader))),
        "p_leader_strong": "—" if strong is None else prob_text(leader_p(strong)),
        "p_leader_against": "—" if against is None else prob_text(leader_p(against)),
        "p_rival_against": "—" if against is None else prob_text(rival_p(against)),
        "n_against": 0 if against is None else int(against.description.split()[1]),
        "against_leads": "—"
        if against is None
        else (basis.rival if rival_p(against) > leader_p(against) else basis.leader),
        "bound_pct": f"{sig(100 * BOUND, 1)}%",
    }


def _outcome(retro: Retrospective) -> Facts:
    o = retro.outcome
    if o is None:
        return {"outcome_usd": "not yet reported", "outcome_share": "—", "outcome_range": "—"}
    return {
        "outcome_usd": usd_text(o.usd_bn),
        "outcome_usd_range": usd_range(o.usd_bn - o.rounding / 2, o.usd_bn + o.rounding / 2),
        "outcome_share": share_text(o.share),
        "outcome_range": share_range(o.low, o.high),
        "outcome_period": o.period,
        "fy_revenue": usd_text(o.revenue, 3),
    }


def _scores(retro: Retrospective) -> Facts:
    """The article's and the book's out-of-sample scores in words (empty before the outcome)."""
    a, last = retro.article, retro.last_out_of_sample
    if a is None or last is None or retro.outcome is None:
        return {}
    rev = retro.outcome.revenue
    uniform, coin = (retro.baselines[k] for k in BASELINES)
    f = last.forecast
    return {
        "base_verdict": retro.resolution.verdict("base"),
        "article_p_base": prob_text(a.forecast.p_base),
        "article_band": share_range(a.forecast.lower, a.forecast.upper),
        "article_usd": usd_range(a.forecast.lower * rev, a.forecast.upper * rev),
        "article_ratio": times_range(*a.ratio_range),
        "article_brier": score_text(a.brier),
        "article_log": score_text(a.log),
        "article_interval": f"{sig(100 * a.interval)} percentage points",
        "uniform_p": prob_text(BASELINES["uniform over the four scenarios"]),
        "coin_p": prob_text(BASELINES["no skill (a coin flip)"]),
        "uniform_brier": score_text(uniform[0]),
        "uniform_log": score_text(uniform[1]),
        "coin_brier": score_text(coin[0]),
        "coin_log": score_text(coin[1]),
        "article_vs_uniform": "worse than" if (a.brier or 0) > (uniform[0] or 0) else "better than",
        "article_vs_coin": "worse than" if (a.brier or 0) > (coin[0] or 0) else "better than",
        "last_date": f"{f.date:%-d %B %Y}",
        "last_median": share_text(f.centre),
        "last_q05": share_text(f.lower),
        "last_q95": share_text(f.upper),
        "last_usd": usd_range(f.lower * rev, f.upper * rev),
        "last_p_base": prob_text(f.p_base),
        "last_brier": score_text(last.brier),
        "last_interval": f"{sig(100 * last.interval)} percentage points",
        "last_ratio": times_range(*last.ratio_range),
        "last_covered": "inside" if last.covered else ("below" if retro.outcome.share < f.lower else "above"),
        "last_interval_first": "—"
        if not retro.model_first
        else f"{sig(100 * retro.model_first[-1].interval)} percentage points",
        "first_p_base": prob_text(retro.model[1].forecast.p_base) if len(retro.model) > 1 else "—",
        "first_brier": score_text(retro.model[1].brier) if len(retro.model) > 1 else "—",
        "first_date": f"{retro.model[1].forecast.date:%-d %B %Y}" if len(retro.model) > 1 else "—",
        "article_own_usd": usd_text(stated("china_fy2025")[0]),
        **{
            f"article_interval_{int(100 * cov)}": sig(100 * interval_score(lo, hi, retro.outcome.share, 1.0 - cov))
            for cov in (0.5, 0.99)
            for lo, hi in [(a.forecast.lower, a.forecast.upper)]
        },
        "hindsight_from": "—" if retro.hindsight_from is None else f"{retro.hindsight_from:%-d %B %Y}",
    }


def overview(an: Analysis, spread: xr.Dataset, retro: Retrospective, basis: CallBasis) -> Facts:
    """The Overview: the lede (article, the book's last out-of-sample forecast, outcome), the hindsight
    posterior labelled as what the reports imply, and the call with what it rests on.
    """
    st = an.setup
    res = retro.resolution
    m_base = float(st.priors.m[0])
    post = an.posterior_share_exact()
    facts: Facts = {
        **_outcome(retro),
        **_scores(retro),
        **call_facts(basis),
        "best": res.best or "none",
        "best_verdict": "—" if res.best is None else res.verdict(res.best),
        "as_of": f"{st.evidence.as_of:%-d %B %Y}",
        "window_end": f"{res.window[1]:%-d %B %Y}",
        "coverage_end": f"{st.assumptions.resolution.coverage_end:%-d %B %Y}",
        "post_share": share_text(post["mean"]),
        "post_range": share_range(post["q05"], post["q95"]),
        "bounded": ", ".join(s for s in SCENARIOS if s in basis_bounds(basis)) or "none",
        "bound_text": bound_text(max(basis_bounds(basis).values(), default=0.0)),
        "misreport_max": f"{max(MISREPORT):.0%}",
        "m_base_pct": prob_text(m_base),
        "m_base_source": base_mean_source(st),
        "m_other_pct": prob_text(float(st.priors.m[1])),
        "leader_range": range_text(*(float(spread[k].sel(scenario=basis.leader)) for k in ("min", "max"))),
    }
    facts["verdict_md"] = "; ".join(f"*{s}* {r.verdict}" for s, r in res.scenarios.items())
    return facts


def basis_bounds(basis: CallBasis) -> dict[str, float]:
    """Tiny probabilities as the largest value over the robust likelihoods
    (:func:`model.computation.call.tiny_bounds`).
    """
    return tiny_bounds(basis.robust)


def held_up(setup: Setup, retro: Retrospective, basis: CallBasis) -> Facts:
    """The chapter 'How the article held up': resolution, scores, what the call rests on."""
    res = retro.resolution
    spec = setup.assumptions.resolution
    facts: Facts = {
        **_outcome(retro),
        **_scores(retro),
        **call_facts(basis),
        "window_start": f"{res.window[0]:%-d %B %Y}",
        "window_end": f"{res.window[1]:%-d %B %Y}",
        "written": f"{res.written:%-d %B %Y}",
        "rule_md": spec.rule,
        "best": res.best or "none",
        "coverage": prob_text(spec.interval_coverage.value),
        "n_oos": len(retro.model),
        "time_brier": score_text(retro.time_averaged.get("brier")),
        "time_interval_first": "—"
        if not retro.model_first
        else f"{sig(100 * time_averaged(retro.model_first, retro.hindsight_from or res.window[1], 'interval'))} "
        "percentage points",
        "best_rule": "the scenario whose verdict under its own words is highest, when no other ties it",
        "time_interval": "—"
        if retro.time_averaged.get("interval") is None
        else f"{sig(100 * retro.time_averaged['interval'])} percentage points",
        "coverage_end": f"{spec.coverage_end:%-d %B %Y}",
        "coverage_note_md": spec.coverage_note,
    }
    base_other = res.readings_of("base")
    if base_other and retro.article is not None:
        r = base_other[0]
        o = OUTCOME_VALUE.get(r.verdict)
        facts["base_reading"] = r.name
        facts["base_reading_verdict"] = r.verdict
        facts["article_brier_reading"] = "—" if o is None else score_text(brier(retro.article.forecast.p_base, o))
    return facts
