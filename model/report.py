"""Presentation of results: the headline JSON, text summaries and number formatting.

Computation lives in the computation layer (exact, mcmc, simulate, sensitivity, checks); this
module only arranges and rounds what those return.
"""

from __future__ import annotations

import numpy as np

from . import SCENARIOS
from .mcmc import BOUND
from .pipeline import Analysis
from .simulate import Summary


def rnd(x: float | None, digits: int = 6) -> float | None:
    """A float rounded for JSON (None stays None)."""
    return None if x is None else float(round(float(x), digits))


def prob_text(p: float, digits: int = 2) -> str:
    """A probability in percent, or the bound '< 0.01%' below 1e-4 (model error dwarfs smaller values)."""
    if p < BOUND:
        return "< 0.01%"
    return f"{100 * p:.{digits}f}%"


def range_text(lo: float, hi: float, digits: int = 1) -> str:
    """A probability range in percent, as a bound when both ends are below 1e-4."""
    if hi < BOUND:
        return "< 0.01% under every variant"
    return f"{prob_text(lo, digits)}–{prob_text(hi, digits)}"


def _rounded(d: dict[str, float] | None, digits: int = 6) -> dict[str, float | None] | None:
    return None if d is None else {k: rnd(v, digits) for k, v in d.items()}


def _mc(s: Summary) -> dict[str, object]:
    return {**{k: {"value": rnd(v["value"]), "mcse": rnd(v["mcse"])} for k, v in s.as_dict().items()}, "threshold": rnd(s.threshold)}


def headline(an: Analysis, spread: dict[str, dict[str, float]] | None = None) -> dict[str, object]:
    """The headline numbers as a JSON-ready dict (keys documented in the README).

    Exact values are the headline; Monte Carlo values sit under ``checks`` with their MCSE.
    ``spread``: min and max of each scenario's probability across the tempering-weight range.
    """
    st, ex = an.setup, an.exact
    obs = st.likelihood.revenue
    z_prior = an.prior_draws.z.ravel()
    n = z_prior.size
    freq = np.array([np.mean(z_prior == i) for i in range(len(SCENARIOS))])
    out: dict[str, object] = {
        "inputs": {
            "assumptions": st.assumptions.source_file,
            "events": st.events_file,
            "quarters": st.quarters_file,
            "as_of": st.evidence.as_of.isoformat(),
            "min_confidence": st.evidence.min_confidence,
            "n_events": len(st.evidence.events),
            "n_signal_events": len(st.evidence.signal_events),
            "revenue_datum": {"kind": obs.kind, "usd_bn": rnd(obs.usd_bn), "sd_usd_bn": rnd(obs.sd), "periods": list(obs.periods)},
            "seed": st.seed,
        },
        "prior": {
            "scenario_prob": {s: rnd(st.priors.m[i]) for i, s in enumerate(SCENARIOS)},
            "share": _rounded(an.prior_share_exact()),
            "usd_bn": _rounded(an.prior_usd_exact()),
        },
        "posterior": {
            "scenario_prob": {s: rnd(ex.scenario_prob[i], 10) for i, s in enumerate(SCENARIOS)},
            "scenario_prob_text": {s: prob_text(ex.scenario_prob[i]) for i, s in enumerate(SCENARIOS)},
            "theta_mean": {s: rnd(ex.theta_mean[i]) for i, s in enumerate(SCENARIOS)},
            "share": _rounded(an.posterior_share(), 8),
            "usd_bn": _rounded(an.posterior_usd()),
            "realised_share": rnd(obs.realised_share, 8),
            "fy2026_revenue_reported_usd_bn": an.revenue_fy2026,
        },
        "checks": {
            "prior_forward_mc": {
                "scenario_prob": {s: {"value": rnd(freq[i]), "mcse": rnd(np.sqrt(freq[i] * (1 - freq[i]) / n))} for i, s in enumerate(SCENARIOS)},
                "share": _mc(an.prior_share),
                "usd_bn": _mc(an.prior_usd),
            },
        },
        "warnings": list(st.priors.warnings),
    }
    if spread is not None:
        post = out["posterior"]
        assert isinstance(post, dict)
        post["scenario_prob_range"] = {s: {k: rnd(v, 10) for k, v in spread[s].items()} for s in SCENARIOS}
    if an.mcmc is not None and an.post_share is not None and an.post_usd is not None:
        checks = out["checks"]
        assert isinstance(checks, dict)
        checks["mcmc"] = {
            "scenario_prob": {s: {"value": rnd(an.mcmc.quantity(f"P(z={s})").mean, 10), "mcse": rnd(an.mcmc.quantity(f"P(z={s})").mcse, 10)} for s in SCENARIOS},
            "theta_mean": {s: {"value": rnd(an.mcmc.quantity(f"theta[{s}]").mean), "mcse": rnd(an.mcmc.quantity(f"theta[{s}]").mcse)} for s in SCENARIOS},
            "share": _mc(an.post_share),
            "usd_bn": _mc(an.post_usd),
        }
        out["diagnostics"] = {
            "divergences": an.mcmc.divergences,
            "max_rhat": rnd(max(q.r_hat for q in an.mcmc.quantities)),
            "min_ess_bulk": rnd(min(q.ess_bulk for q in an.mcmc.quantities), 1),
            "agreement_ok": all(g.ok for g in an.agreement),
            "agreement": [
                {"quantity": g.quantity, "exact": rnd(g.exact, 10), "mcmc": rnd(g.mcmc, 10), "mcse": rnd(g.mcse, 10),
                 "z": rnd(g.z, 3), "pareto_k": rnd(g.khat, 3), "method": g.method, "ok": g.ok, "rule": g.reason}
                for g in an.agreement
            ],
        }
    return out


def summary_text(h: dict) -> str:
    """The headline as plain text for the terminal."""
    inp, prior, post = h["inputs"], h["prior"], h["posterior"]
    lines = [
        f"H20 export-reversal model — evidence as of {inp['as_of']} ({inp['n_signal_events']} signal events, "
        f"revenue datum: {inp['revenue_datum']['kind']}, min confidence {inp['min_confidence']}), seed {inp['seed']}",
        "",
        "Scenario probabilities (exact path)",
        f"  {'scenario':<10}{'prior':>10}{'posterior':>12}" + (f"{'range over w':>30}" if "scenario_prob_range" in post else ""),
    ]
    for s in SCENARIOS:
        line = f"  {s:<10}{100 * prior['scenario_prob'][s]:>9.1f}%{post['scenario_prob_text'][s]:>12}"
        if "scenario_prob_range" in post:
            r = post["scenario_prob_range"][s]
            line += f"{range_text(r['min'], r['max']):>30}"
        lines.append(line)

    def block(title: str, d: dict | None, scale: float, unit: str, thr: float) -> None:
        if d is None:
            return
        lines.extend(["", title])
        lines.append(f"  mean {d['mean'] * scale:.4g} {unit}, median {d['median'] * scale:.4g} {unit}, "
                     f"5–95% [{d['q05'] * scale:.4g}, {d['q95'] * scale:.4g}] {unit}, P(≥ {thr * scale:.4g} {unit}) {prob_text(d['p_exceed'])}")

    thr = h["checks"]["prior_forward_mc"]["share"]["threshold"]
    block("Prior: recovered share of FY2026 revenue (exact)", prior["share"], 100, "%", thr)
    block("Posterior: recovered share of FY2026 revenue (exact)", post["share"], 100, "%", thr)
    if post["usd_bn"] is not None:
        block("Posterior: recovered revenue (exact, at the reported FY2026 revenue)", post["usd_bn"], 1, "USD bn",
              thr * post["fy2026_revenue_reported_usd_bn"])
    if post["realised_share"] is not None:
        lines.append(f"  realised (reported) share: {100 * post['realised_share']:.4f}%")
    if "diagnostics" in h:
        d = h["diagnostics"]
        bad = [g["quantity"] for g in d["agreement"] if not g["ok"]]
        lines.extend(["", f"Checks: MCMC {d['divergences']} divergences, max r_hat {d['max_rhat']:.4f}, min bulk ESS {d['min_ess_bulk']:.0f}; "
                      f"exact vs MCMC agreement gate: {'pass' if d['agreement_ok'] else 'FAIL (' + ', '.join(bad) + ')'}"])
    lines.extend(f"warning: {w}" for w in h["warnings"])
    return "\n".join(lines)
