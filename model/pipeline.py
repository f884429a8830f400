"""The whole analysis in one call: load, elicit, infer both ways, simulate, summarise.

Every entry point (CLI, notebooks, tests) goes through :func:`prepare` and :func:`analyse`,
so a user's own assumptions or evidence files flow everywhere the same way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import SCENARIOS
from .assumptions import Assumptions, load_assumptions
from .evidence import DEFAULT_EVENTS, DEFAULT_QUARTERS, Evidence, load_evidence
from .inference import (
    Agreement,
    ExactPosterior,
    Likelihood,
    MCMCResult,
    agreement,
    exact_posterior,
    fit_mcmc,
    likelihood_of,
)
from .priors import Priors, elicit_priors
from .simulate import Draws, Summary, posterior_predictive, prior_predictive, rng_for, summarise


@dataclass(frozen=True)
class Setup:
    """Validated inputs: assumptions, priors, evidence and the likelihood they imply."""

    assumptions: Assumptions
    priors: Priors
    evidence: Evidence
    likelihood: Likelihood
    events_file: str
    quarters_file: str


ENV_FILES = {"assumptions": "H20_ASSUMPTIONS", "events": "H20_EVENTS", "quarters": "H20_QUARTERS"}
"""Environment variables that point the default inputs at a user's own files."""


def prepare(
    assumptions: str | Path | None = None,
    events: str | Path | None = None,
    quarters: str | Path | None = None,
    as_of: dt.date | None = None,
    min_confidence: str = "weak_sources",
) -> Setup:
    """Load and validate every input.

    ``None`` takes the file named by the environment variable in :data:`ENV_FILES`
    (``H20_ASSUMPTIONS``, ``H20_EVENTS``, ``H20_QUARTERS``) if set, else the file shipped in
    ``model/data``. An empty variable counts as unset; an empty argument (``--assumptions ''``)
    is an error. A relative path in a variable is found from ``$PWD`` (where the user ran
    ``jupyter-book build``), then from the working directory.
    """
    from .inputs import resolve_input

    assumptions = resolve_input(assumptions, "--assumptions", ENV_FILES["assumptions"])
    events = resolve_input(events, "--events", ENV_FILES["events"])
    quarters = resolve_input(quarters, "--quarters", ENV_FILES["quarters"])
    a = load_assumptions(assumptions)
    ev = load_evidence(events, quarters, as_of, min_confidence)
    return Setup(
        assumptions=a,
        priors=elicit_priors(a),
        evidence=ev,
        likelihood=likelihood_of(a, ev),
        events_file=str(events or DEFAULT_EVENTS),
        quarters_file=str(quarters or DEFAULT_QUARTERS),
    )


@dataclass(frozen=True)
class Analysis:
    setup: Setup
    exact: ExactPosterior
    prior_draws: Draws
    prior_share: Summary
    prior_usd: Summary
    mcmc: MCMCResult | None = None
    post_draws: Draws | None = None
    post_share: Summary | None = None
    post_usd: Summary | None = None
    agreement: list[Agreement] = field(default_factory=list)

    @property
    def revenue_fy2026(self) -> float | None:
        return self.setup.evidence.fy2026_revenue()


def analyse(setup: Setup, mcmc: bool = True) -> Analysis:
    """Run the exact path, the forward prior predictive and (by default) PyMC with its checks."""
    a, p, lik = setup.assumptions, setup.priors, setup.likelihood
    settings, seed = a.inference, a.seed.value
    thr = settings.recovery_threshold
    exact = exact_posterior(p, lik, settings.quadrature_nodes)
    prior = prior_predictive(p, settings.forward_draws, rng_for(seed, "prior_predictive"))
    out = Analysis(setup, exact, prior, summarise(prior.share, thr), summarise(prior.usd, thr * p.revenue.mean))
    if not mcmc:
        return out
    fit = fit_mcmc(p, lik, settings, seed)
    revenue = setup.evidence.fy2026_revenue()
    post = posterior_predictive(p, lik, fit, rng_for(seed, "posterior_predictive"), revenue)
    usd_thr = thr * (revenue if revenue is not None else p.revenue.mean)
    return dataclasses.replace(
        out,
        mcmc=fit,
        post_draws=post,
        post_share=summarise(post.share, thr),
        post_usd=summarise(post.usd, usd_thr),
        agreement=agreement(exact, fit),
    )


def _r(x: float, digits: int = 6) -> float:
    return float(round(float(x), digits))


def _summary_json(s: Summary) -> dict[str, object]:
    d: dict[str, object] = {k: {"value": _r(v["value"]), "mcse": _r(v["mcse"])} for k, v in s.as_dict().items()}
    d["threshold"] = _r(s.threshold)
    return d


def headline(an: Analysis) -> dict[str, object]:
    """The headline numbers as a JSON-ready dict (keys documented in the README)."""
    st, ex = an.setup, an.exact
    z_prior = an.prior_draws.z.ravel()
    n = z_prior.size
    out: dict[str, object] = {
        "inputs": {
            "assumptions": st.assumptions.source_file,
            "events": st.events_file,
            "quarters": st.quarters_file,
            "as_of": st.evidence.as_of.isoformat(),
            "min_confidence": st.evidence.min_confidence,
            "n_events": len(st.evidence.events),
            "n_quarterly_observations": int(st.likelihood.y.size),
            "seed": st.assumptions.seed.value,
        },
        "prior": {
            "scenario_prob": {s: _r(st.priors.m[i]) for i, s in enumerate(SCENARIOS)},
            "scenario_prob_forward_mc": {
                s: {"value": _r(np.mean(z_prior == i)), "mcse": _r(np.sqrt(np.mean(z_prior == i) * (1 - np.mean(z_prior == i)) / n))}
                for i, s in enumerate(SCENARIOS)
            },
            "share": _summary_json(an.prior_share),
            "usd_bn": _summary_json(an.prior_usd),
        },
        "posterior": {
            "scenario_prob_exact": {s: _r(ex.scenario_prob[i], 10) for i, s in enumerate(SCENARIOS)},
            "theta_mean_exact": {s: _r(ex.theta_mean[i]) for i, s in enumerate(SCENARIOS)},
            "share_exact": {
                "mean": _r(ex.share_mean()),
                "median": _r(ex.share_quantile(0.5)),
                "q05": _r(ex.share_quantile(0.05)),
                "q95": _r(ex.share_quantile(0.95)),
                "p_exceed": _r(ex.share_exceed(st.assumptions.inference.recovery_threshold), 10),
            },
        },
        "warnings": list(st.priors.warnings),
    }
    if an.mcmc is not None and an.post_share is not None and an.post_usd is not None:
        post = out["posterior"]
        assert isinstance(post, dict)
        post["scenario_prob_mcmc"] = {s: {"value": _r(an.mcmc.quantity(f"P(z={s})").mean, 10), "mcse": _r(an.mcmc.quantity(f"P(z={s})").mcse, 10)} for s in SCENARIOS}
        post["theta_mean_mcmc"] = {s: {"value": _r(an.mcmc.quantity(f"theta[{s}]").mean), "mcse": _r(an.mcmc.quantity(f"theta[{s}]").mcse)} for s in SCENARIOS}
        post["share"] = _summary_json(an.post_share)
        post["usd_bn"] = _summary_json(an.post_usd)
        post["fy2026_revenue_reported_usd_bn"] = an.revenue_fy2026
        out["diagnostics"] = {
            "divergences": an.mcmc.divergences,
            "max_rhat": _r(max(q.r_hat for q in an.mcmc.quantities)),
            "min_ess_bulk": _r(min(q.ess_bulk for q in an.mcmc.quantities), 1),
            "agreement_ok": all(g.ok for g in an.agreement),
            "agreement": [
                {"quantity": g.quantity, "exact": _r(g.exact, 10), "mcmc": _r(g.mcmc, 10), "mcse": _r(g.mcse, 10), "z": _r(g.z, 3), "ok": g.ok}
                for g in an.agreement
            ],
        }
    return out


def plain(x: float, digits: int | None = None) -> float | int:
    """``x`` rounded to a plain Python number, whose repr is short and stable across runs."""
    return int(round(float(x))) if digits is None else float(round(float(x), digits))
