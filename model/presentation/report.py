"""Presentation of results: the headline JSON, text summaries and number formatting.

Computation lives in the computation layer (exact, mcmc, simulate, sensitivity, checks); this
module only arranges and rounds what those return.
"""

from __future__ import annotations

import re

import numpy as np
import xarray as xr

from .. import SCENARIOS
from ..computation import sensitivity as sens
from ..computation.call import MISREPORT, CallBasis
from ..computation.gates import Agreement
from ..computation.influence import event_influence
from ..computation.mcmc_result import BOUND
from ..computation.pipeline import Analysis, Setup
from ..computation.resolution import ConditionVerdict, Resolution, ResolutionResult
from ..computation.retrospective import Retrospective
from ..computation.scoring import Score
from ..computation.sensitivity import Tornado
from ..computation.simulate import Summary
from .numbers import (
    bound_text,
    output_label,
    prob_text,
    quantity_label,
    range_text,
    rnd,
    score_text,
    share_range,
    share_text,
    sig,
    times_range,
    times_text,
    usd_text,
)


def _rounded(d: dict[str, float] | None, digits: int = 6) -> dict[str, float | None] | None:
    return None if d is None else {k: rnd(v, digits) for k, v in d.items()}


def _by_scenario(values: np.ndarray | xr.DataArray, digits: int = 6) -> dict[str, float | None]:
    return {s: rnd(v, digits) for s, v in zip(SCENARIOS, np.asarray(values), strict=True)}


def _mc(s: Summary) -> dict[str, object]:
    return {
        **{k: {"value": rnd(v["value"]), "mcse": rnd(v["mcse"])} for k, v in s.as_dict().items()},
        "threshold": rnd(s.threshold),
    }


def _estimates(
    mean: np.ndarray | xr.DataArray, mcse: np.ndarray | xr.DataArray, digits: int = 6
) -> dict[str, dict[str, float | None]]:
    return {
        s: {"value": rnd(m, digits), "mcse": rnd(e, digits)}
        for s, m, e in zip(SCENARIOS, np.asarray(mean), np.asarray(mcse), strict=True)
    }


def _inputs(an: Analysis) -> dict[str, object]:
    st, obs = an.setup, an.setup.likelihood.revenue
    return {
        "assumptions": st.assumptions.source_file,
        "events": st.events_file,
        "quarters": st.quarters_file,
        "as_of": st.evidence.as_of.isoformat(),
        "min_confidence": st.evidence.min_confidence,
        "n_events": len(st.evidence.events),
        "n_signal_events": len(st.evidence.signal_events),
        "revenue_datum": {
            "kind": obs.kind,
            "usd_bn": rnd(obs.usd_bn),
            "sd_usd_bn": rnd(obs.sd),
            "periods": list(obs.periods),
        },
        "seed": st.seed,
    }


def _posterior(an: Analysis, spread: xr.Dataset | None) -> dict[str, object]:
    ex, obs = an.exact_posterior, an.setup.likelihood.revenue
    out: dict[str, object] = {
        "scenario_prob": _by_scenario(ex.scenario_prob, 10),
        "scenario_prob_text": {s: prob_text(p) for s, p in zip(SCENARIOS, ex.scenario_prob, strict=True)},
        "theta_mean": _by_scenario(ex.theta_mean),
        "share": _rounded(an.posterior_share_exact(), 8),
        "usd_bn": _rounded(an.posterior_usd_exact()),
        "realised_share": rnd(obs.realised_share, 8),
        "fy2026_revenue_reported_usd_bn": an.revenue_fy2026,
    }
    if spread is not None:
        out["scenario_prob_range"] = {
            s: {k: rnd(float(spread[k].sel(scenario=s)), 10) for k in ("min", "max")} for s in SCENARIOS
        }
    return out


def _prior_forward_mc(an: Analysis) -> dict[str, object]:
    z = an.prior_draws.z.ravel()
    freq = np.array([np.mean(z == i) for i in range(len(SCENARIOS))])
    return {
        "scenario_prob": _estimates(freq, np.sqrt(freq * (1 - freq) / z.size)),
        "share": _mc(an.prior_share_mc),
        "usd_bn": _mc(an.prior_usd_mc),
    }


def _mcmc_checks(an: Analysis) -> dict[str, object]:
    p_z, theta = an.mcmc.estimate("p_z"), an.mcmc.estimate("theta")
    return {
        "scenario_prob": _estimates(p_z["mean"], p_z["mcse"], 10),
        "theta_mean": _estimates(theta["mean"], theta["mcse"]),
        "share": _mc(an.posterior_share_mc),
        "usd_bn": _mc(an.posterior_usd_mc),
    }


def _gate_row(g: Agreement) -> dict[str, object]:
    return {
        "quantity": quantity_label(g.var, g.scenario),
        "exact": rnd(g.exact, 10),
        "mcmc": rnd(g.mcmc, 10),
        "mcse": rnd(g.mcse, 10),
        "z": rnd(g.z, 3),
        "pareto_k": rnd(g.khat, 3),
        "method": g.method,
        "ok": g.ok,
        "rule": g.reason,
    }


def _diagnostics(an: Analysis) -> dict[str, object]:
    qs = an.mcmc.quantities
    return {
        "divergences": an.mcmc.divergences,
        "max_rhat": rnd(max(q.r_hat for q in qs)),
        "min_ess_bulk": rnd(min(q.ess_bulk for q in qs), 1),
        "agreement_ok": all(g.ok for g in an.agreement),
        "agreement": [_gate_row(g) for g in an.agreement],
    }


def _condition(c: ConditionVerdict) -> dict[str, object]:
    return {
        "id": c.id,
        "text": c.text,
        "defining": c.defining,
        "verdict": c.verdict,
        "computed": c.computed,
        "events": list(c.events),
        "periods": list(c.periods),
        "finding": c.finding,
    }


def _resolved(r: Resolution) -> dict[str, object]:
    out: dict[str, object] = {"verdict": r.verdict, "question": r.question, "reasoning": r.reasoning}
    if not r.main:
        out = {"scenario": r.scenario, "name": r.name, **out}
    return {**out, "conditions": [_condition(c) for c in r.conditions]}


def resolution_json(res: ResolutionResult) -> dict[str, object]:
    """The resolution: window, rule, verdict and cited events per scenario, other readings, the best description."""
    return {
        "window": {"start": res.window[0].isoformat(), "end": res.window[1].isoformat()},
        "criteria_written": res.written.isoformat(),
        "best_description": res.best,
        "scenarios": {s: _resolved(r) for s, r in res.scenarios.items()},
        "readings": {k: _resolved(r) for k, r in res.readings.items()},
        "quarters": [
            {"fiscal_period": q.fiscal_period, "upper_usd_bn": q.upper, "known_usd_bn": q.known, "basis": q.basis}
            for q in res.quarters
        ],
    }


def _score(s: Score) -> dict[str, object]:
    f = s.forecast
    return {
        "forecaster": f.forecaster,
        "date": f.date.isoformat(),
        "p_base": rnd(f.p_base, 10),
        "interval": {"lower": rnd(f.lower, 10), "upper": rnd(f.upper, 10), "coverage": f.coverage},
        "point": rnd(f.centre, 10),
        "brier": rnd(s.brier, 6),
        "log_score": rnd(s.log, 6),
        "interval_score": rnd(s.interval, 8),
        "covered": s.covered,
        "ratio_to_outcome": rnd(s.ratio, 4),
        "ratio_range": [rnd(s.ratio_range[0], 4), rnd(s.ratio_range[1], 4)],
    }


def scores_json(rt: Retrospective) -> dict[str, object]:
    """The article's stated numbers and the book's out-of-sample forecasts, scored (None before the outcome)."""
    if rt.outcome is None or rt.article is None:
        return {"outcome": None}
    o = rt.outcome
    return {
        "outcome": {
            "base_verdict": rt.resolution.stated_verdict,
            "share": rnd(o.share, 10),
            "share_low": rnd(o.low, 10),
            "share_high": rnd(o.high, 10),
            "usd_bn": o.usd_bn,
            "rounding_usd_bn": o.rounding,
            "revenue_usd_bn": o.revenue,
            "disclosed_in": o.period,
        },
        "hindsight_from": None if rt.hindsight_from is None else rt.hindsight_from.isoformat(),
        "article": _score(rt.article),
        "baselines_p_base": {k: {"brier": rnd(b, 6), "log_score": rnd(lg, 6)} for k, (b, lg) in rt.baselines.items()},
        "model_out_of_sample": [_score(s) for s in rt.model],
        "last_out_of_sample": None if rt.last_out_of_sample is None else _score(rt.last_out_of_sample),
        "model_time_averaged": {k: rnd(v, 8) for k, v in rt.time_averaged.items()},
    }


def call_json(cb: CallBasis) -> dict[str, object]:
    """What the scenario call rests on (:mod:`model.computation.call`)."""
    lo, hi = cb.weight_counted
    return {
        "leader": cb.leader,
        "rival": cb.rival,
        "log_odds": {**{k: rnd(v, 6) for k, v in cb.parts.items()}, "total": rnd(cb.total, 6)},
        "tempering_weight": cb.weight,
        "weight_flip": rnd(cb.weight_flip, 6),
        "weight_counted": {
            "n_signal_events": cb.n_signals,
            "n_facts": cb.n_facts,
            "n_campaigns": cb.n_campaigns,
            "campaigns_per_event": rnd(lo, 6),
            "facts_per_event": rnd(hi, 6),
        },
        "datum_bayes_factor_rival_over_leader": rnd(cb.datum_factor, 6),
        "flip_bayes_factor": rnd(cb.flip_factor, 4),
        "hyperprior_scenario_prob": _by_scenario(cb.hyperprior, 10),
        "classification": [
            {"variant": v.name, "description": v.description, "scenario_prob": _by_scenario(v.probs, 10)}
            for v in cb.classification
        ],
        "robust_likelihoods": [
            {"variant": v.name, "description": v.description, "scenario_prob": _by_scenario(v.probs, 12)}
            for v in cb.robust
        ],
    }


def headline(
    an: Analysis,
    spread: xr.Dataset | None = None,
    retro: Retrospective | None = None,
    call: CallBasis | None = None,
) -> dict[str, object]:
    """The headline numbers as a JSON-ready dict (keys documented in the README).

    Exact values are the headline; Monte Carlo values sit under ``checks`` with their MCSE.
    ``spread``: min and max of each scenario's probability across the tempering-weight range
    (:func:`model.computation.sensitivity.weight_spread`); ``retro``: the resolution and the scores
    (:func:`model.computation.retrospective.retrospective`); ``call``: what the call rests on.
    """
    st = an.setup
    checks: dict[str, object] = {"prior_forward_mc": _prior_forward_mc(an)}
    out: dict[str, object] = {
        "inputs": _inputs(an),
        "prior": {
            "scenario_prob": _by_scenario(st.priors.m),
            "share": _rounded(an.prior_share_exact()),
            "usd_bn": _rounded(an.prior_usd_exact()),
        },
        "posterior": _posterior(an, spread),
        "checks": checks,
        "warnings": list(st.priors.warnings),
    }
    if retro is not None:
        out["resolution"] = resolution_json(retro.resolution)
        out["scores"] = scores_json(retro)
    if call is not None:
        out["call"] = call_json(call)
        texts = out["posterior"]["scenario_prob_text"]  # type: ignore[index]
        for s in SCENARIOS:
            if float(an.exact_posterior.scenario_prob[SCENARIOS.index(s)]) < BOUND:
                texts[s] = bound_text(call.bound(s)) + f" under every variant (misreports up to {max(MISREPORT):.0%})"
    if an.mcmc is not None and an.posterior_share_mc is not None and an.posterior_usd_mc is not None:
        checks["mcmc"] = _mcmc_checks(an)
        out["diagnostics"] = _diagnostics(an)
    return out


def _scenario_lines(h: dict) -> list[str]:
    from ..computation.article import ARTICLE

    prior, post = h["prior"], h["posterior"]
    ranged = "scenario_prob_range" in post
    lines = [
        f"Scenario probabilities (exact path; the posterior conditions on {ARTICLE.company}'s reports: "
        "hindsight, not a forecast)",
        f"  {'scenario':<10}{'prior':>8}  {'posterior':<52}" + ("range over the tempering weight" if ranged else ""),
    ]
    for s in SCENARIOS:
        line = f"  {s:<10}{prob_text(prior['scenario_prob'][s]):>8}  {post['scenario_prob_text'][s]:<52}"
        if ranged:
            r = post["scenario_prob_range"][s]
            line += range_text(r["min"], r["max"])
        lines.append(line.rstrip())
    return lines


def _summary_block(title: str, d: dict | None, fmt, thr: float) -> list[str]:
    if d is None:
        return []
    return [
        "",
        title,
        f"  mean {fmt(d['mean'])}, median {fmt(d['median'])}, 5–95% {fmt(d['q05'])} to {fmt(d['q95'])}, "
        f"P(≥ {fmt(thr)}) {prob_text(d['p_exceed'])}",
    ]


def _check_line(d: dict) -> list[str]:
    bad = [g["quantity"] for g in d["agreement"] if not g["ok"]]
    gate = "pass" if d["agreement_ok"] else "FAIL (" + ", ".join(bad) + ")"
    return [
        "",
        f"Checks: MCMC {d['divergences']} divergences, max r_hat {d['max_rhat']:.4f}, "
        f"min bulk ESS {d['min_ess_bulk']:.0f}; exact vs MCMC agreement gate: {gate}",
    ]


def _pseudo_counts_at_policy(warning: str) -> str:
    """A prior's warning with its effective number of observations to two significant figures
    ('acts like 11,010 observations' -> 'acts like 11,000 observations'; the JSON keeps the warning as written).
    """

    def two(m: re.Match) -> str:
        return m.group(1) + sig(float(m.group(2).replace(",", "")), 2) + m.group(3)

    return re.sub(r"(acts like |kappa = )([\d,]+)( (?:pseudo-)?observations)", two, warning)


def summary_text(h: dict) -> str:
    """The headline as plain text for the terminal (the article's words from the article in force)."""
    from ..computation.article import ARTICLE

    inp, prior, post = h["inputs"], h["prior"], h["posterior"]
    thr = h["checks"]["prior_forward_mc"]["share"]["threshold"]
    quantity, fy = ARTICLE.quantity, ARTICLE.fiscal_year.label
    lines = [
        f"{ARTICLE.name} model — evidence as of {inp['as_of']} ({inp['n_signal_events']} signal events, "
        f"revenue datum: {inp['revenue_datum']['kind']}, min confidence {inp['min_confidence']}), seed {inp['seed']}",
        "",
        *_scenario_lines(h),
        *_summary_block(f"Prior: {quantity} (exact)", prior["share"], share_text, thr),
        *_summary_block(f"Posterior: {quantity} (exact)", post["share"], share_text, thr),
    ]
    if post["usd_bn"] is not None:
        title = f"Posterior: recovered revenue (exact, at the reported {fy} revenue)"
        lines += _summary_block(title, post["usd_bn"], usd_text, thr * post["fy2026_revenue_reported_usd_bn"])
    if post["realised_share"] is not None:
        lines.append(f"  realised (reported) share: {share_text(post['realised_share'])}")
    if "resolution" in h:
        lines += _resolution_lines(h["resolution"], h.get("scores"))
    if "call" in h:
        lines += _call_lines(h["call"])
    if "diagnostics" in h:
        lines += _check_line(h["diagnostics"])
    lines.extend(f"warning: {_pseudo_counts_at_policy(w)}" for w in h["warnings"])
    return "\n".join(lines)


def _resolution_lines(res: dict, scores: dict | None) -> list[str]:
    w = res["window"]
    lines = [
        "",
        f"Resolution of the article's scenarios ({w['start']} to {w['end']}; "
        f"criteria written {res['criteria_written']})",
    ]
    for s, r in res["scenarios"].items():
        cited = sorted({e for c in r["conditions"] for e in c["events"]})
        lines.append(f"  {s:<10}{r['verdict'].upper():<8}cites {', '.join(cited) or 'the reported figures'}")
    lines.append(f"  best description of the window: {res['best_description'] or 'none (a tie)'}")
    for k, r in res["readings"].items():
        lines.append(f"  other reading of {r['scenario']} ({r['name']}): {r['verdict'].upper()}")
    if scores and scores.get("outcome"):
        a, last = scores["article"], scores["last_out_of_sample"]
        lines += [
            "",
            "Scores (only stated numbers; the book's forecasts out of sample)",
            f"  article: {prob_text(a['p_base'])} on {SCENARIOS[0]} -> Brier {score_text(a['brier'])}, "
            f"log {score_text(a['log_score'])}; {share_range(a['interval']['lower'], a['interval']['upper'])} -> "
            f"interval score {sig(100 * a['interval_score'])} pp, {times_range(*a['ratio_range'])} the outcome",
        ]
        for name, b in scores["baselines_p_base"].items():
            lines.append(f"  baseline {name}: Brier {score_text(b['brier'])}, log {score_text(b['log_score'])}")
        if last:
            lines.append(
                f"  book, last out of sample ({last['date']}): P({SCENARIOS[0]}) {prob_text(last['p_base'])}, "
                f"Brier {score_text(last['brier'])}, interval score {sig(100 * last['interval_score'])} pp, "
                f"outcome inside its 90% interval: {'yes' if last['covered'] else 'no'}"
            )
    return lines


def _call_lines(c: dict) -> list[str]:
    flip = c["weight_flip"]
    lo, hi = c["weight_counted"]["campaigns_per_event"], c["weight_counted"]["facts_per_event"]
    return [
        "",
        f"The call: {c['leader']} over {c['rival']} (log-odds {c['log_odds']['total']:+.2f} = "
        f"signals {c['log_odds']['signals']:+.2f}, revenue datum {c['log_odds']['revenue']:+.2f}, "
        f"prior {c['log_odds']['prior']:+.2f})",
        f"  holds for tempering weight above {flip:.2g}" if flip else "  holds at every tempering weight",
        f"  the events' own fact counts put the weight between {lo:.2f} and {hi:.2f}",
        f"  revenue datum favours {c['rival']} by {times_text(c['datum_bayes_factor_rival_over_leader'])} "
        f"(the ratio of their recovery priors near zero); the call flips above {times_text(c['flip_bayes_factor'])}",
    ] + [
        f"  {v['variant']}: P({c['leader']}) {prob_text(v['scenario_prob'][c['leader']])}" for v in c["classification"]
    ]


# --------------------------------------------------------------------------- sensitivity (CLI)


def tornado_rows(t: Tornado) -> list[dict[str, object]]:
    """The tornado as rows (input, output, default, low, high, swing), outputs in order, largest swing first."""
    rows: list[dict[str, object]] = []
    for var in t.at.data_vars:
        for scenario in t.at[var].coords["scenario"].values if "scenario" in t.at[var].dims else [None]:
            da, swing = t.select(var, scenario), t.swing(var, scenario)
            default = t.default[var] if scenario is None else t.default[var].sel(scenario=scenario)
            rows += [
                {
                    "input": str(i),
                    "output": output_label(var, scenario),
                    "default": float(default),
                    "low": float(da.sel(input=i, bound="low")),
                    "high": float(da.sel(input=i, bound="high")),
                    "swing": float(swing.sel(input=i)),
                }
                for i in swing.input.values
            ]
    return rows


def influence_rows(infl: xr.Dataset) -> list[dict[str, object]]:
    """Leave-one-out influence as rows: item, date, label, confidence, kind and the change per scenario."""
    return [
        {
            "id": str(item),
            "date": str(infl["date"].sel(item=item).values),
            "signal": str(infl["label"].sel(item=item).values),
            **{k: str(infl[k].sel(item=item).values) for k in ("confidence", "kind")},
            **{s: float(infl["delta"].sel(item=item, scenario=s)) for s in SCENARIOS},
            "max_abs": float(infl["max_abs"].sel(item=item)),
        }
        for item in infl.item.values
    ]


def sensitivity_json(setup: Setup, top: int = 10) -> dict[str, object]:
    """Tornado and event influence, JSON-ready (``python -m model sensitivity --json``)."""

    def rounded(row: dict[str, object]) -> dict[str, object]:
        return {k: (rnd(v) if isinstance(v, float) else v) for k, v in row.items()}

    return {
        "as_of": setup.evidence.as_of.isoformat(),
        "tornado": [rounded(r) for r in tornado_rows(sens.tornado(setup))],
        "event_influence": [rounded(r) for r in influence_rows(event_influence(setup))[:top]],
    }


def sensitivity_text(rep: dict) -> str:
    """:func:`sensitivity_json` as plain text for the terminal."""
    lines, last = [f"Sensitivity on the exact path, evidence as of {rep['as_of']}"], None
    for row in rep["tornado"]:
        if row["output"] != last:
            last = row["output"]
            lines += [
                "",
                f"Tornado: {last} (default {row['default']:.4g})",
                f"  {'input':<36}{'low':>12}{'high':>12}{'swing':>12}",
            ]
        if row["swing"] > 0:
            lines.append(f"  {row['input']:<36}{row['low']:>12.4g}{row['high']:>12.4g}{row['swing']:>12.4g}")
    lines += ["", "Most influential evidence (log-odds with minus without the item)"]
    lines.append(f"  {'id':<11}{'date':<12}{'signal':<20}{'confidence':<16}" + "".join(f"{s:>10}" for s in SCENARIOS))
    for row in rep["event_influence"]:
        lines.append(
            f"  {row['id']:<11}{row['date']:<12}{row['signal']:<20}{row['confidence']:<16}"
            + "".join(f"{row[s]:>10.3f}" for s in SCENARIOS)
        )
    return "\n".join(lines)
