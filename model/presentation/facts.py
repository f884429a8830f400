"""Every fact a chapter's prose states, computed: one function per chapter, glue-ready values.

A chapter's text refers to these by name (``{glue:text}`leader```); a test checks that every
name a chapter uses is produced by its function here, so no number is typed into the prose and
no chapter looks a scenario up by position. Numbers that the prose formats itself (``:.1f``)
stay numbers; everything else is text formatted by :mod:`model.presentation.report`.
"""

from __future__ import annotations

from typing import Sequence

import xarray as xr

from .. import SCENARIOS
from ..computation.call import MISREPORT, CallBasis, tiny_bounds
from ..computation.checks import PPC_ALPHA, PredictiveChecks, SBCResult
from ..computation.claims import RECOVERY_BAND, audit, stated, stated_base_probability
from ..computation.history import Revision
from ..computation.mcmc import BOUND, FAMILY_ALPHA
from ..computation.pipeline import Analysis, Setup, plain
from ..computation.retrospective import Retrospective
from ..computation.scoring import BASELINES, OUTCOME_VALUE, brier, interval_score, time_averaged
from ..computation.sensitivity import Tornado
from .report import (
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

Facts = dict[str, object]


def _top_input(tornado: Tornado, leader: str) -> tuple[str, str, str]:
    """The input whose range moves P(leader) the most, and P(leader) at its low and high end (text)."""
    top = tornado.most_influential("scenario_prob", leader)
    ends = tornado.select("scenario_prob", leader).sel(input=top)
    return top, prob_text(float(ends.sel(bound="low"))), prob_text(float(ends.sel(bound="high")))


def call_facts(basis: CallBasis) -> Facts:
    """The call and what it rests on (:mod:`model.computation.call`), in words: shown wherever the call is stated."""
    lo, hi = basis.weight_counted
    variants = {v.name: v for v in basis.classification}
    against = variants.get("every reading against the call")
    strong = variants.get("two-source evidence only")
    leader_p = lambda v: float(v.probs.sel(scenario=basis.leader))  # noqa: E731
    rival_p = lambda v: float(v.probs.sel(scenario=basis.rival))  # noqa: E731
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
    post = an.posterior_share()
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


def article(setup: Setup) -> Facts:
    rev = setup.fy_revenue()
    lines = audit(rev)
    return {
        "tflops_ratio_pct": float(sig(100 * lines["training_ratio"].value, 2)),
        "implied_rev_lo": float(sig(lines["implied_revenue"].value, 2).replace(",", "")),
        "fy2026_rev": rev,
    }


def credit(kind: str, matches_article: bool) -> str:
    """Whom a number shown as an input is due to: the article only if the input says so and still holds its value."""
    return "the article's number" if kind == "article" and matches_article else "this build's assumption"


def base_mean_source(setup: Setup) -> str:
    """The credit for the base case's prior mean (:func:`credit`)."""
    e = setup.assumptions.scenario_prior.base_mean
    return credit(e.provenance.kind, abs(e.value - stated_base_probability()) < 1e-12)


def priors(setup: Setup) -> Facts:
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


def false_alarm_bound(failures: int, runs: int, level: float = 0.95) -> float:
    """One-sided Clopper-Pearson upper bound on a false-alarm rate seen ``failures`` times in ``runs``."""
    from scipy import stats

    return 1.0 if failures >= runs else float(stats.beta.ppf(level, failures + 1, runs - failures))


def inference(setup: Setup, sweep: dict[str, object]) -> Facts:
    cfg = setup.assumptions.inference
    return {
        "chains": cfg.chains,
        "draws": cfg.draws,
        "rhat_bar": cfg.max_rhat,
        "ess_bar": plain(cfg.min_ess),
        "family_alpha": FAMILY_ALPHA,
        "sweep_seeds": sweep["n_seeds"],
        "sweep_failures": sweep["n_failures"],
        "sweep_bar": f"{sweep['z_bar']:.2f}",
        "sweep_upper": prob_text(false_alarm_bound(int(sweep["n_failures"]), int(sweep["n_seeds"]))),
    }


def belief(setup: Setup, history: Sequence[Revision]) -> Facts:
    """The replay of the year as a forecast: the first revenue report, and where hindsight begins."""
    realised = setup.likelihood.revenue.realised_share
    first_report = next((r for r in history if r.in_sample), None)
    last_out = [r for r in history if not r.in_sample][-1]
    if first_report is None:
        return {
            "q3_date": "—",
            "q3_median": "—",
            "q3_range": "—",
            "realised": "not yet reported",
            "last_out_date": f"{last_out.date:%-d %B %Y}",
        }
    return {
        "q3_date": f"{first_report.date:%-d %B %Y}",
        "q3_median": share_text(first_report.share["median"]),
        "q3_range": share_range(first_report.share["q05"], first_report.share["q95"]),
        "realised": "not yet reported" if realised is None else share_text(realised),
        "last_out_date": f"{last_out.date:%-d %B %Y}",
    }


def revenue(an: Analysis) -> Facts:
    post, obs = an.posterior_share(), an.setup.likelihood.revenue
    rev = an.revenue_fy2026
    lo, hi = RECOVERY_BAND
    return {
        "ex_mean": share_text(post["mean"]),
        "ex_range": share_range(post["q05"], post["q95"]),
        "realised": "not yet reported" if obs.realised_share is None else share_text(obs.realised_share),
        "realised_range": "—" if obs.realised_share_range() is None else share_range(*obs.realised_share_range()),
        "datum_usd": usd_text(obs.usd_bn),
        "rev": "—" if rev is None else usd_text(rev, 3),
        "article_band": share_range(lo, hi),
        "article_usd": "—" if rev is None else usd_range(lo * rev, hi * rev),
        "usd_threshold": "—" if rev is None else usd_text(an.threshold * rev),
        "threshold": share_text(an.threshold),
    }


def _restate_sentence(n: int) -> str:
    """How many events only re-report an earnings release, as the sentence's opening words."""
    if n == 0:
        return "No event only re-reports an earnings release (an event that did would not be a signal:"
    events, verb = ("event", "re-reports") if n == 1 else ("events", "re-report")
    return f"{n} {events} only {verb} an earnings release (so not signals:"


def drivers(setup: Setup, leader: str, tornado: Tornado, basis: CallBasis) -> Facts:
    """The tornado's top input and what the call rests on."""
    top, lo, hi = _top_input(tornado, leader)
    return {**call_facts(basis), "leader": leader, "top_input": top, "top_lo": lo, "top_hi": hi}


def _p(x: float) -> str:
    """A p-value or tail probability to two significant figures."""
    return sig(x, 2)


def checks(setup: Setup, pc: PredictiveChecks, leader: str) -> Facts:
    """The model checks' deterministic results (predictive checks, the forecast check, power-scaling)."""
    prior_rev, post_rev, prior_sig, post_sig, ps = (
        pc.prior_revenue, pc.post_revenue, pc.prior_signals, pc.post_signals, pc.power
    )  # fmt: skip
    fc = pc.forecast_revenue
    share, dom = ps.of(), ps.of(leader)
    counted = [c for c in pc.checks() + ps.checks() if c.counted]
    failed = [c.name for c in counted if not c.passed]
    edge = [c for c in counted if c.passed and PPC_ALPHA <= c.p_value < 2 * PPC_ALPHA]
    verdict = (
        f"{len(failed)} of {len(counted)} checks fail ({', '.join(failed)})"
        if failed
        else (f"all {len(counted)} counted checks pass")
    )
    if edge:
        verdict += f"; {len(edge)} only just (p below twice the threshold)"
    single = {s: float(v.max()) for s, v in ps.single.items()}
    out: Facts = {
        "w": sig(setup.assumptions.signals.tempering_weight.value),
        "n_events": int(prior_sig.n_events),
        "n_facts": int(post_sig.n_facts),
        "x_obs": usd_text(prior_rev.x_obs) if prior_rev else "—",
        "sd": usd_text(prior_rev.sd) if prior_rev else "—",
        "prior_rev_cdf": _p(prior_rev.cdf_obs) if prior_rev else "—",
        "prior_rev_p": _p(prior_rev.p_value) if prior_rev else "—",
        "post_rev_cdf": _p(post_rev.cdf_obs) if post_rev else "—",
        "post_rev_p": _p(post_rev.p_value) if post_rev else "—",
        "fc_cdf": _p(fc.cdf_obs) if fc else "—",
        "fc_p": _p(fc.p_value) if fc else "—",
        "fc_passed": "passes" if fc is None or fc.p_value >= PPC_ALPHA else "fails",
        "prior_g_p": _p(prior_sig.g_p),
        "post_g_p": _p(post_sig.g_p),
        "post_class_min_p": _p(post_sig.class_p.min()),
        "prior_class_min_p": _p(prior_sig.class_p.min()),
        "alpha": sig(PPC_ALPHA, 1),
        "ps_share_prior": score_text(share[0], 3),
        "ps_share_lik": score_text(share[1], 3),
        "ps_dom_prior": score_text(dom[0], 3),
        "ps_dom_lik": score_text(dom[1], 3),
        "ps_single_md": "; ".join(f"*{s}* alone {score_text(v, 3)}" for s, v in single.items()) or "none",
        "ps_single_max": score_text(max(single.values(), default=0.0), 3),
        "ps_threshold": sig(ps.threshold, 1),
        "n_comp": f"{post_sig.n_compositions:,}",
        "leader": leader,
        "checks_verdict": verdict,
        "n_uncounted": sum(not c.counted for c in pc.checks() + ps.checks()),
    }
    return out | {"new_dom_b": sig(setup.priors.recovery["domestic"].beta, 2)}


def sbc_exact(sbc: SBCResult) -> Facts:
    """SBC of the exact path (Monte Carlo: changes with the seed)."""
    return {
        "sbc_min_p": plain(min(t.p_value for t in sbc.tests), 3),
        "sbc_cal_p": plain(sbc.calibration.p_value, 3),
        "sbc_node_diff": f"{sbc.notes['node_check']['max_pit_diff']:.1e}",
        "sbc_seconds": plain(sbc.seconds, 1),
    }


def sbc_mcmc(sbc: SBCResult) -> Facts:
    """SBC of the PyMC path (Monte Carlo: changes with the seed and the machine)."""
    chains = sbc.notes["chains"]
    return {
        "mc_fits": sbc.n_datasets,
        "mc_chains": "one chain" if chains == 1 else f"{chains} chains",
        "mc_draws": sbc.notes["draws"],
        "mc_tune": sbc.notes["tune"],
        "mc_div": sbc.notes["divergences"],
        "mc_seconds": plain(sbc.seconds),
        "mc_min_p": plain(min(t.p_value for t in sbc.tests), 3),
    }


def explore(grid: dict[str, object], error: dict[str, float], leader: str) -> Facts:
    """The explorer's grid in words, its stated interpolation error and the error measured at build time."""
    from ..computation.explore import MEASURED, MIN_RATIO, QUANTILE_LEVELS, SLIDER_RANGES, TOLERANCE, grid_bytes

    lows, highs, sds = grid["lower_nodes"], grid["upper_nodes"], grid["sd_nodes"]
    d = grid["defaults"]
    moves = {p["key"]: p["set"] for p in grid["presets"]}
    labels = {p["key"]: p["label"] for p in grid["presets"]}
    return {
        "preset_article": labels["article"],
        "preset_news": labels["ignore_news"],
        "preset_doubt": labels["doubt_nvidia"],
        "preset_base": prob_text(moves["article"]["base_mean"]),
        "preset_weight": f"{moves['ignore_news']['weight']:g}",
        "preset_sd": f"{moves['doubt_nvidia']['sd_factor']:g}",
        "idle_bound": f"{sig(100 * BOUND, 1)}%",
        "base_top": prob_text(SLIDER_RANGES["base_mean"][1]),
        "moved": grid["moved"],
        "moved_leader": leader,
        "moved_form": grid["interval"]["text"],
        "moved_lower": share_text(d["lower"]),
        "moved_upper": share_text(d["upper"]),
        "lower_range": f"{share_text(lows[0])} to {share_text(lows[-1])}",
        "upper_range": f"{share_text(highs[0])} to {share_text(highs[-1])}",
        "n_lower": len(lows),
        "n_upper": len(highs),
        "n_sd": len(sds),
        "min_ratio": f"{MIN_RATIO:g}",
        "sd_range": f"×{sds[0]:g} to ×{sds[-1]:g}",
        "n_levels": QUANTILE_LEVELS[2],
        "n_steps": len(grid["steps"]),
        "n_states": len(grid["states"]),
        "grid_kb": f"{grid_bytes(grid) / 1000:,.0f} kB",
        "tol_prob": f"{100 * TOLERANCE['prob']:g} percentage points",
        "tol_share": f"{100 * TOLERANCE['share']:g}%",
        "err_prob": f"{sig(100 * error['prob'], 2)} percentage points",
        "err_share": share_text(error["share"]),
        "err_n": int(error["n"]),
        "meas_n": int(MEASURED["n"]),
        "meas_random": int(MEASURED["n"] - MEASURED["corner"]),
        "meas_corner": int(MEASURED["corner"]),
        "meas_prob": f"{sig(100 * MEASURED['prob'], 2)} percentage points",
        "meas_share": share_text(MEASURED["share"]),
    }


def downloads(manifest) -> Facts:  # noqa: ANN001 (model.presentation.export.Manifest)
    """What the downloads were built from, and how much there is."""
    total = sum(f.size for f in manifest.files)
    return {
        "dl_version": manifest.version,
        "dl_commit": manifest.commit,
        "dl_files": len(manifest.files),
        "dl_total": f"{total / 1e6:.1f} MB",
    }
