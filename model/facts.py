"""Every fact a chapter's prose states, computed: one function per chapter, glue-ready values.

A chapter's text refers to these by name (``{glue:text}`leader```); a test checks that every
name a chapter uses is produced by its function here, so no number is typed into the prose and
no chapter looks a scenario up by position. Numbers that the prose formats itself (``:.1f``)
stay numbers; everything else is text formatted by :mod:`model.report`.
"""

from __future__ import annotations

from typing import Sequence

import xarray as xr

from . import SCENARIOS, by_scenario
from . import sensitivity as sens
from .checks import PPC_ALPHA, PowerScaling, PredictiveChecks, SBCResult
from .claims import RECOVERY_BAND, audit
from .mcmc import BOUND, FAMILY_ALPHA
from .pipeline import Analysis, Setup, plain
from .priors import Priors
from .report import label, pct, prob_text, range_text, usd_m
from .sensitivity import Revision, Tornado

Facts = dict[str, object]


def article_usd(revenue: float | None) -> str:
    """The article's 11–12% of FY2026 revenue in USD ('—' while unreported)."""
    if revenue is None:
        return "—"
    lo, hi = RECOVERY_BAND
    return f"USD {lo * revenue:.1f}–{hi * revenue:.1f}bn"


def _leaders(an: Analysis, spread: xr.Dataset) -> Facts:
    probs = by_scenario(an.exact.scenario_prob)
    first, second = sens.ranked(probs)[:2]

    def rng(s: str) -> str:
        return range_text(float(spread["min"].sel(scenario=s)), float(spread["max"].sel(scenario=s)))

    w = an.setup.assumptions.signals.weight_range
    return {
        "leader": first,
        "leader_all_w": "at every weight in the range"
        if sens.leader(spread) == first
        else "at the assumed weight only",
        "p_leader": prob_text(float(probs.sel(scenario=first))),
        "leader_range": rng(first),
        "second": second,
        "p_second": prob_text(float(probs.sel(scenario=second))),
        "second_range": rng(second),
        "w_lo": w.low,
        "w_hi": w.high,
        "bounded": ", ".join(s for s in SCENARIOS if float(spread["max"].sel(scenario=s)) < BOUND) or "none",
    }


def _share(an: Analysis) -> Facts:
    post, prior = an.posterior_share(), an.prior_share_exact()
    realised = an.setup.likelihood.revenue.realised_share
    usd = an.posterior_usd()
    return {
        "share_mean": pct(post["mean"]),
        "share_q05": pct(post["q05"]),
        "share_q95": pct(post["q95"]),
        "prior_mean": pct(prior["mean"]),
        "prior_p11": prob_text(prior["p_exceed"]),
        "post_p11": prob_text(post["p_exceed"]),
        "realised": "not yet reported" if realised is None else pct(realised),
        "realised_inside": realised is not None and post["q05"] <= realised <= post["q95"],
        "usd_mean": "—" if usd is None else usd_m(usd["mean"]),
        "usd_q95": "—" if usd is None else usd_m(usd["q95"]),
        "article_usd": article_usd(an.revenue_fy2026),
    }


def _top_input(tornado: Tornado, leader: str) -> tuple[str, str, str]:
    """The input whose range moves P(leader) the most, and P(leader) at its low and high end (text)."""
    top = tornado.most_influential("scenario_prob", leader)
    ends = tornado.select("scenario_prob", leader).sel(input=top)
    return top, prob_text(float(ends.sel(bound="low"))), prob_text(float(ends.sel(bound="high")))


def _drivers(leader: str, tornado: Tornado, influence: xr.Dataset) -> Facts:
    top, lo, hi = _top_input(tornado, leader)
    tied = sens.most_influential_events(influence, leader)
    ev = tied[0]
    first = influence.isel(item=0)
    also = f"; {len(tied) - 1} later events of the same class move it as much" if len(tied) > 1 else ""
    return {
        "top_input": top,
        "top_input_lo": lo,
        "top_input_hi": hi,
        "top_event": f"{ev} ({label(influence['label'].sel(item=ev).item())}, "
        f"{influence['date'].sel(item=ev).item()}{also})",
        "top_event_logodds": f"{float(influence['delta'].sel(item=ev, scenario=leader)):+.2f}",
        "top_item": f"{first.item.item()} ({label(first['label'].item())})",
    }


def marked_events(history: Sequence[Revision], top: int = 4) -> str:
    """The events the Overview's chart labels (:func:`model.sensitivity.biggest_moves`), as MyST with links
    to the events table (label ``events-table``).
    """
    items = []
    for j in sens.biggest_moves(history, top):
        r = history[j]
        eid = sens.first_event(r)
        signal = next(a.split(maxsplit=1)[1] for a in r.arrived if a.startswith(f"{eid} "))
        reports = [a for a in r.arrived if not a.startswith("E")]
        what = ", ".join(reports) if reports else signal.replace("_", " ")  # a report moves more than a re-report
        items.append(f"{{ref}}`{eid} <events-table>` ({r.date.isoformat()}, {what})")
    return "; ".join(items)


def overview(
    an: Analysis, spread: xr.Dataset, tornado: Tornado, influence: xr.Dataset, history: Sequence[Revision]
) -> Facts:
    """The Overview's key findings."""
    st = an.setup
    facts = {**_leaders(an, spread), **_share(an), "marked_events_md": marked_events(history)}
    facts.update(_drivers(str(facts["leader"]), tornado, influence))
    m = by_scenario(st.priors.m)
    facts.update(
        {
            "m_base_pct": plain(100 * float(m.sel(scenario="base")), 1),
            "m_other_pct": plain(100 * float(m.sel(scenario="reban")), 1),
            "as_of": st.evidence.as_of.isoformat(),
            "n_signal": len(st.evidence.signal_events),
        }
    )
    return facts


def article(setup: Setup) -> Facts:
    rev = setup.evidence.fy2026_revenue()
    lines = audit(rev)
    return {
        "tflops_ratio_pct": plain(100 * lines["training_ratio"].value, 1),
        "implied_rev_lo": plain(lines["implied_revenue"].value, 1),
        "fy2026_rev": rev,
    }


def priors(setup: Setup) -> Facts:
    p = setup.priors
    bi, rv = setup.assumptions.scenario_prior.base_interval, setup.assumptions.revenue_fy2026
    return {
        "kappa": plain(p.kappa, 1),
        "bi_mass": plain(100 * bi.mass),
        "bi_lo": plain(100 * bi.lower),
        "bi_hi": plain(100 * bi.upper),
        "rv_mass": plain(100 * rv.mass),
        "rv_lo": plain(rv.lower),
        "rv_hi": plain(rv.upper),
        "n_base": plain(p.recovery["base"].pseudo_n),
    }


def datum_derivation(setup: Setup) -> str:
    """How the revenue datum is formed from the reported periods, in words (with the reported amounts)."""
    obs = setup.likelihood.revenue
    by = {q.fiscal_period: q.h20_china_revenue_usd_bn for q in setup.evidence.periods}

    def amount(p: str) -> str:
        return f"{p}, not disclosed" if by.get(p) is None else f"{p}, USD {by[p]:g}bn"

    if obs.kind == "none":
        return "not yet available (no quarter after the first licence has been reported)"
    if obs.kind == "annual":
        year, *pre = obs.periods
        minus = " and ".join(f"({amount(q)})" for q in pre)
        return f"the full-year H20 figure ({amount(year)})" + (
            f" minus the quarters that ended before the first licence {minus}" if pre else ""
        )
    return "the sum of the quarters reported since the first licence (" + "; ".join(map(amount, obs.periods)) + ")"


def evidence(setup: Setup) -> Facts:
    ev, obs, sig = setup.evidence, setup.likelihood.revenue, setup.assumptions.signals
    return {
        "n_ev": len(ev.events),
        "n_sig": len(ev.signal_events),
        "n_restate": len(ev.events) - len(ev.signal_events),
        "first_date": ev.events[0].date.isoformat(),
        "last_date": ev.events[-1].date.isoformat(),
        "datum_usd": usd_m(obs.usd_bn),
        "datum_sd": usd_m(obs.sd),
        "datum_derivation": datum_derivation(setup),
        "realised": "not yet reported" if obs.realised_share is None else pct(obs.realised_share),
        "licence": setup.assumptions.measurement.first_licence_date.value.isoformat(),
        "w": sig.tempering_weight.value,
        "n_eff": plain(sig.tempering_weight.value * len(ev.signal_events)),
        "w_lo": sig.weight_range.low,
        "w_hi": sig.weight_range.high,
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
        "sweep_upper": pct(false_alarm_bound(int(sweep["n_failures"]), int(sweep["n_seeds"])), 2),
    }


def belief(setup: Setup, history: Sequence[Revision]) -> Facts:
    """The replay of the year as a forecast: the first revenue report and the scores."""
    realised = setup.likelihood.revenue.realised_share
    first_report = next(r for r in history if r.in_sample)
    last_out = [r for r in history if not r.in_sample][-1]
    base = sens.baseline_scores(setup, realised)
    return {
        "q3_date": first_report.date.isoformat(),
        "q3_mean": pct(first_report.share["mean"]),
        "q3_q05": pct(first_report.share["q05"]),
        "q3_q95": pct(first_report.share["q95"]),
        "realised": pct(realised),
        "crps_article": f"{100 * base['article']['crps']:.3f}",
        "crps_uniform": f"{100 * base['uniform']['crps']:.3f}",
        "log_article": f"{base['article']['log_score']:.2f}",
        "last_out_date": last_out.date.isoformat(),
        "crps_last_out": f"{100 * last_out.crps:.3f}",
        "log_last_out": f"{last_out.log_score:.2f}",
    }


def revenue(an: Analysis) -> Facts:
    post, obs = an.posterior_share(), an.setup.likelihood.revenue
    rev = an.revenue_fy2026
    inside = obs.realised_share is not None and post["q05"] <= obs.realised_share <= post["q95"]
    return {
        "ex_mean": pct(post["mean"]),
        "ex_q05": pct(post["q05"]),
        "ex_q95": pct(post["q95"]),
        "realised": "not yet reported" if obs.realised_share is None else pct(obs.realised_share),
        "inside": "inside" if inside else "outside",
        "rev": rev,
        "article_lo": "—" if rev is None else f"{RECOVERY_BAND[0] * rev:.1f}",
        "article_hi": "—" if rev is None else f"{RECOVERY_BAND[1] * rev:.1f}",
        "usd_threshold": "—" if rev is None else f"USD {an.threshold * rev:.1f}bn",
    }


def drivers(setup: Setup, leader: str, tornado: Tornado, scores: xr.Dataset) -> Facts:
    """Tornado leader, the judged outcome and how the article scored against the uniform baseline."""
    top, lo, hi = _top_input(tornado, leader)
    o = setup.assumptions.outcome.scenario
    article_name = next(str(f) for f in scores.forecast.values if str(f).startswith("article"))
    b_art = float(scores["brier"].sel(forecast=article_name, outcome=o.value))
    b_uni = float(scores["brier"].sel(forecast="uniform", outcome=o.value))
    return {
        "leader": leader,
        "top_input": top,
        "top_lo": lo,
        "top_hi": hi,
        "outcome": o.value,
        "outcome_reason": o.provenance.reasoning,
        "brier_article": plain(b_art, 3),
        "brier_uniform": plain(b_uni, 3),
        "article_vs_uniform": "worse than" if b_art > b_uni else "better than",
    }


def checks(setup: Setup, pc: PredictiveChecks, leader: str) -> Facts:
    """The model checks' deterministic results (predictive checks, power-scaling, the earlier priors)."""
    from .checks import earlier_priors

    prior_rev, post_rev, prior_sig, post_sig, ps = (
        pc.prior_revenue, pc.post_revenue, pc.prior_signals, pc.post_signals, pc.power
    )  # fmt: skip
    w = setup.assumptions.signals.tempering_weight.value
    share, dom = ps.of(), ps.of(leader)
    return (
        {
            k: v if isinstance(v, int) else plain(v, 4)
            for k, v in {
                "w": w,
                "n_events": int(prior_sig.n_events),
                "n_facts": int(post_sig.n_facts),
                "x_obs": prior_rev.x_obs,
                "sd": prior_rev.sd,
                "prior_rev_cdf": prior_rev.cdf_obs,
                "prior_rev_p": prior_rev.p_value,
                "post_rev_cdf": post_rev.cdf_obs,
                "post_rev_p": post_rev.p_value,
                "prior_g_p": prior_sig.g_p,
                "post_g_p": post_sig.g_p,
                "post_class_min_p": post_sig.class_p.min(),
                "prior_class_min_p": prior_sig.class_p.min(),
                "alpha": PPC_ALPHA,
                "ps_share_prior": share[0],
                "ps_share_lik": share[1],
                "ps_dom_prior": dom[0],
                "ps_dom_lik": dom[1],
            }.items()
        }
        | {"n_comp": f"{post_sig.n_compositions:,}", "leader": leader}
        | _earlier(*earlier_priors(setup), setup.priors)
    )


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
        "mc_fits": sbc.n,
        "mc_chains": "one chain" if chains == 1 else f"{chains} chains",
        "mc_draws": sbc.notes["draws"],
        "mc_tune": sbc.notes["tune"],
        "mc_div": sbc.notes["divergences"],
        "mc_seconds": plain(sbc.seconds),
        "mc_min_p": plain(min(t.p_value for t in sbc.tests), 3),
    }


def _earlier(before: Priors, ps_before: PowerScaling, now: Priors) -> Facts:
    """The earlier two-quantile re-ban and domestic priors, recomputed for the record."""
    share = ps_before.of()
    return {
        "old_share_prior": plain(share[0], 3),
        "old_share_lik": plain(share[1], 3),
        "old_dom_a": plain(before.recovery["domestic"].alpha, 3),
        "new_dom_b": plain(now.recovery["domestic"].beta, 3),
    }


def explore(grid: dict[str, object], error: dict[str, float], leader: str) -> Facts:
    """The explorer's grid in words, its stated interpolation error and the error measured at build time."""
    from .explore import MEASURED, MIN_RATIO, QUANTILE_LEVELS, TOLERANCE, grid_bytes

    lows, highs, sds = grid["lower_nodes"], grid["upper_nodes"], grid["sd_nodes"]
    d = grid["defaults"]
    return {
        "moved": grid["moved"],
        "moved_leader": leader,
        "moved_form": grid["interval"]["text"],
        "moved_lower": pct(d["lower"]),
        "moved_upper": pct(d["upper"]),
        "lower_range": f"{pct(lows[0])} to {pct(lows[-1])}",
        "upper_range": f"{pct(highs[0])} to {pct(highs[-1])}",
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
        "err_prob": f"{100 * error['prob']:.2f} percentage points",
        "err_share": f"{100 * error['share']:.2f}%",
        "err_n": int(error["n"]),
        "meas_n": int(MEASURED["n"]),
        "meas_random": int(MEASURED["n"] - MEASURED["corner"]),
        "meas_corner": int(MEASURED["corner"]),
        "meas_prob": f"{100 * MEASURED['prob']:.2f} percentage points",
        "meas_share": f"{100 * MEASURED['share']:.2f}%",
    }


def downloads(manifest) -> Facts:  # noqa: ANN001 (model.export.Manifest)
    """What the downloads were built from, and how much there is."""
    total = sum(f.size for f in manifest.files)
    return {
        "dl_version": manifest.version,
        "dl_commit": manifest.commit,
        "dl_files": len(manifest.files),
        "dl_total": f"{total / 1e6:.1f} MB",
    }
