"""Every check of the chapter "Does the model fit?": the deterministic ones, both SBCs and power-scaling."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ... import SCENARIOS
from ..evidence import log_likelihood_table
from ..exact import exact_posterior
from ..simulate import rng_for
from .common import Check
from .power import PowerScaling, power_scaling
from .predictive import SignalCheck, signal_check
from .revenue import RevenueCheck, forecast_revenue_check, posterior_revenue_check, prior_revenue_check
from .sbc import SBCResult, sbc_exact
from .sbc_pymc import sbc_mcmc

if TYPE_CHECKING:
    from ..pipeline import Setup

# --------------------------------------------------------------------------- everything


@dataclass(frozen=True)
class PredictiveChecks:
    """The deterministic checks: prior, forecast and posterior predictive checks, and power-scaling.

    Attributes
    ----------
    prior_revenue : RevenueCheck or None
        Prior predictive check of the full-year datum (None without one).
    prior_signals : SignalCheck
        Prior predictive check of the signal counts.
    forecast_revenue : RevenueCheck or None
        The full-year figure predicted from the evidence the day before it was reported.
    post_revenue : RevenueCheck or None
        Posterior predictive check of the full-year datum (shown, not counted).
    post_signals : SignalCheck
        Posterior predictive check of the signal counts.
    power : PowerScaling
        Power-scaling sensitivity.
    seconds : dict of str to float
        Wall-clock time of each part, in seconds.
    """

    prior_revenue: RevenueCheck | None
    prior_signals: SignalCheck
    forecast_revenue: RevenueCheck | None
    post_revenue: RevenueCheck | None
    post_signals: SignalCheck
    power: PowerScaling
    seconds: dict[str, float]

    def checks(self) -> list[Check]:
        """The predictive checks (prior, forecast, then posterior) as pass/fail rows.

        Returns
        -------
        list of Check
            Power-scaling not included (:meth:`CheckReport.checks` adds it).
        """
        revenue = (self.prior_revenue, self.forecast_revenue)
        out: list[Check] = [c.check() for c in revenue if c is not None]
        out += self.prior_signals.checks()
        out += [] if self.post_revenue is None else [self.post_revenue.check()]
        return out + self.post_signals.checks()


@dataclass(frozen=True)
class CheckReport:
    """Every check: the deterministic ones, the SBC of the exact path and (optionally) of PyMC.

    Attributes
    ----------
    predictive : PredictiveChecks
        The deterministic checks.
    sbc_exact : SBCResult
        SBC of the exact path.
    sbc_mcmc : SBCResult or None
        SBC of the PyMC path, when it was run.
    seconds : dict of str to float
        Wall-clock time of each part, in seconds.
    bounds : dict of str to float
        Scenarios below 1e-4: their largest probability under robust revenue likelihoods
        (:mod:`model.computation.call`).
    """

    predictive: PredictiveChecks
    sbc_exact: SBCResult
    sbc_mcmc: SBCResult | None
    seconds: dict[str, float]
    bounds: dict[str, float] = field(default_factory=dict)

    @property
    def power(self) -> PowerScaling:
        """Power-scaling sensitivity (of :attr:`predictive`)."""
        return self.predictive.power

    def checks(self) -> list[Check]:
        """Every check as a pass/fail row: predictive, SBC of the exact path, of PyMC, power-scaling.

        Returns
        -------
        list of Check
            In that order.
        """
        out = self.predictive.checks() + self.sbc_exact.checks()
        if self.sbc_mcmc is not None:
            out += self.sbc_mcmc.checks()
        return out + self.power.checks()

    @property
    def passed(self) -> bool:
        """Every counted check passed (a check that cannot fail by construction is not counted)."""
        return all(c.passed for c in self.checks() if c.counted)

    @property
    def first_failure(self) -> Check | None:
        """The first counted check that failed (None when all pass)."""
        return next((c for c in self.checks() if c.counted and not c.passed), None)


def predictive_checks(setup: Setup) -> PredictiveChecks:
    """Predictive checks of the revenue datum (full-year datum only) and the signal counts, and power-scaling.

    Power-scaling also scales the recovery priors of the leading scenario and its rival one at a
    time: the call rests on their ratio near zero (:mod:`model.computation.call`).

    Parameters
    ----------
    setup : Setup
        The inputs.

    Returns
    -------
    PredictiveChecks
        Every deterministic check, with their times.
    """
    t: dict[str, float] = {}
    lik, priors = setup.likelihood, setup.priors
    w = setup.assumptions.signals.tempering_weight.value
    table = log_likelihood_table(setup.assumptions)
    counts = setup.evidence.signal_counts()
    nodes = setup.assumptions.inference.quadrature_nodes
    t0 = time.perf_counter()
    annual = lik.revenue.kind == "annual"
    prior_rev = prior_revenue_check(priors, lik.revenue) if annual else None
    prior_sig = signal_check(counts, table, w, priors.m, "prior_predictive", rng_for(setup.seed, "prior_check"))
    t["prior_predictive"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    forecast = forecast_revenue_check(setup)
    t["forecast_check"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    post = exact_posterior(priors, lik, nodes)
    post_rev = posterior_revenue_check(post, lik.revenue) if annual else None
    post_sig = signal_check(counts, table, w, post.scenario_prob, "posterior_predictive", rng_for(setup.seed, "ppc"))
    t["posterior_predictive"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    order = np.argsort(-post.scenario_prob, kind="stable")[:2]
    ps = power_scaling(priors, lik, nodes, single_priors=[SCENARIOS[i] for i in order])
    t["power_scaling"] = time.perf_counter() - t0
    return PredictiveChecks(prior_rev, prior_sig, forecast, post_rev, post_sig, ps, t)


def run_checks(setup: Setup, mcmc_sbc: bool = False, n_sbc: int = 1000, sbc_nodes: int | None = None) -> CheckReport:
    """Every check of the chapter "Does the model fit?".

    Parameters
    ----------
    setup : Setup
        The inputs.
    mcmc_sbc : bool
        Also run the SBC of PyMC (100 fits: minutes).
    n_sbc : int
        Datasets of the SBC of the exact path.
    sbc_nodes : int, optional
        Quadrature nodes of that SBC (default: the assumptions').

    Returns
    -------
    CheckReport
        The checks, the SBC runs, the bounds of the scenarios below 1e-4 and the times.
    """
    pc = predictive_checks(setup)
    t = dict(pc.seconds)
    sbc = sbc_exact(setup, n_sbc, sbc_nodes)
    t["sbc_exact"] = sbc.seconds
    mc = sbc_mcmc(setup) if mcmc_sbc else None
    if mc is not None:
        t["sbc_mcmc"] = mc.seconds
    from ..call import robust_variants, tiny_bounds

    t0 = time.perf_counter()
    bounds = tiny_bounds(robust_variants(setup))
    t["bounds"] = time.perf_counter() - t0
    return CheckReport(pc, sbc, mc, t, bounds)
