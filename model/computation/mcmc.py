"""The MCMC path: PyMC NUTS on the full model (its draws' meaning and diagnostics: :mod:`model.computation.mcmc_result`;
agreement: :mod:`model.computation.gates`).

``theta ~ Dirichlet(kappa m)``, ``r ~ Beta(a, b)`` per scenario; the realised scenario is summed
out by log-sum-exp, so NUTS explores only continuous parameters (plus ``phi`` and FY2026
revenue ``R`` while only a partial sum of the year is reported). ``P(z = s | E)`` is the
Rao-Blackwellised average over draws of ``P(z = s | r, E)``, theta integrated analytically.

The MCMC path is a *check* of the exact path, never the source of a headline number: its draws
differ from one CPU to another even with the same seed.
"""

from __future__ import annotations

import contextlib
import logging
import os
from typing import TYPE_CHECKING, Iterator

import numpy as np
from scipy import special

from .. import SCENARIOS
from .assumptions import InferenceSettings
from .errors import ConvergenceError
from .likelihood import Likelihood
from .mcmc_result import (
    MCMC_VARS,
    MCMCResult,
    check_convergence,
    diagnose,
    log_beta,
    realised_prob,
    shares_rao_blackwell,
)
from .measurement import RevenueObservation, normal_logpdf
from .priors import Priors

if TYPE_CHECKING:
    pass


@contextlib.contextmanager
def quiet_pymc() -> Iterator[None]:
    """Keep PyMC's INFO chatter (sampler choice, timings) out of outputs.

    Yields
    ------
    None
        Inside the block the PyMC loggers are at ERROR; their levels are restored on exit.
    """
    loggers = [logging.getLogger(n) for n in ("pymc", "pymc.sampling", "pymc.stats.convergence")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, lv in zip(loggers, levels, strict=True):
            lg.setLevel(lv)


def build_model(priors: Priors, lik: Likelihood):  # -> pm.Model
    """The PyMC model, collapsed: the realised scenario summed out, one recovery share for it.

    Only the realised scenario's share meets the data; the others integrate to one under their
    priors. So the model samples ``theta`` and ``share`` (= ``r_z``) with density
    ``Dir(theta) sum_s theta_s e^{S_s} Beta_s(share) L(share)``: the same posterior as the exact
    path, in a form NUTS can sample even when the revenue datum is a narrow spike (with one share
    per scenario, the spike would sit on whichever scenario's share happens to be in it, and a
    chain could never move it to another). The per-scenario shares are recovered from the draws
    (:func:`realised_prob`, :func:`shares_rao_blackwell`).

    Parameters
    ----------
    priors : Priors
        The elicited priors.
    lik : Likelihood
        The likelihood of the evidence in force.

    Returns
    -------
    pymc.Model
        With coords ``scenario``: ``theta`` (dims ``scenario``) and ``share`` (with ``phi`` and ``revenue``
        for a partial sum); without a revenue datum, ``theta`` and ``r`` per scenario.
    """
    import pymc as pm

    obs = lik.revenue
    if obs.kind == "none":
        return _model_without_datum(priors, lik)
    with pm.Model(coords={"scenario": list(SCENARIOS)}) as model:
        theta = pm.Dirichlet("theta", a=priors.dirichlet_alpha, dims="scenario")
        share = pm.Uniform("share", 0.0, 1.0, initval=start_share(obs, priors))
        ll = pm.math.logsumexp(pm.math.log(theta) + lik.signal_loglik + log_beta(priors, share))
        if obs.kind == "annual":
            ll = ll + normal_logpdf(obs.usd_bn, share * obs.revenue, obs.sd)
        elif obs.kind == "partial":
            f, c = obs.fraction_mean, obs.fraction_concentration
            phi = pm.Beta("phi", alpha=f * c, beta=(1.0 - f) * c)
            rev = pm.LogNormal("revenue", mu=priors.revenue.mu, sigma=priors.revenue.sigma)
            ll = ll + normal_logpdf(obs.usd_bn, share * phi * rev, obs.sd)
        pm.Potential("evidence", ll)
    return model


def _model_without_datum(priors: Priors, lik: Likelihood):  # -> pm.Model
    """Without a revenue datum the shares meet no data: one per scenario, each under its own prior.

    (The collapsed form's single share would then follow the four-humped prior mixture, which NUTS
    cannot cross; here each share is unimodal and the scenario is summed out of the signals alone.)
    """
    import pymc as pm

    with pm.Model(coords={"scenario": list(SCENARIOS)}) as model:
        theta = pm.Dirichlet("theta", a=priors.dirichlet_alpha, dims="scenario")
        pm.Beta("r", alpha=priors.r_alpha, beta=priors.r_beta, dims="scenario")
        pm.Potential("evidence", pm.math.logsumexp(pm.math.log(theta) + lik.signal_loglik))
    return model


def start_share(obs: RevenueObservation, priors: Priors) -> float:
    """Where the chains start: the share the revenue datum points at (the prior mean without one).

    A datum stated to a few million dollars is a spike in the share; a chain started far from it
    spends its tuning finding it. The start changes no target density, only how soon it is reached.

    Parameters
    ----------
    obs : RevenueObservation
        The revenue datum (USD bn).
    priors : Priors
        The elicited priors (FY2026 revenue's mean for a partial sum; the share prior means without a datum).

    Returns
    -------
    float
        A share in [1e-6, 1 - 1e-6].
    """
    if obs.kind == "annual" and obs.revenue:
        x = obs.usd_bn / obs.revenue
    elif obs.kind == "partial":
        x = obs.usd_bn / (obs.fraction_mean * priors.revenue.mean)
    else:
        x = float(priors.m @ (priors.r_alpha / (priors.r_alpha + priors.r_beta)))
    return float(np.clip(x, 1e-6, 1.0 - 1e-6))


def sample(model, settings: InferenceSettings, seed: int):  # pm.Model -> az.InferenceData
    """NUTS draws of ``model`` with the sampler the settings name: nutpie (default) or PyMC's own.

    nutpie compiles the model with numba and samples in Rust; ``benchmarks/bench_inference.py``
    measures it against PyMC's NUTS end to end (README, "Sampler"). Both are NUTS on the same
    density, so either passes the same agreement gate.

    Parameters
    ----------
    model : pymc.Model
        The model (:func:`build_model`).
    settings : InferenceSettings
        ``sampler``, ``chains``, ``draws``, ``tune``, ``target_accept``.
    seed : int
        The one seed; chains get independent streams derived from it by the sampler.

    Returns
    -------
    arviz.InferenceData
        The draws after tuning, with sample stats.
    """
    cores = min(settings.chains, os.cpu_count() or 1)
    if settings.sampler == "nutpie":
        import nutpie

        with quiet_pymc():
            compiled = nutpie.compile_pymc_model(model, backend="numba")
            return nutpie.sample(
                compiled,
                draws=settings.draws,
                tune=settings.tune,
                chains=settings.chains,
                cores=cores,
                seed=seed,
                target_accept=settings.target_accept,
                progress_bar=False,
            )
    import pymc as pm

    with quiet_pymc(), model:
        return pm.sample(
            draws=settings.draws,
            tune=settings.tune,
            chains=settings.chains,
            cores=cores,
            random_seed=seed,
            target_accept=settings.target_accept,
            progressbar=False,
            compute_convergence_checks=False,
        )


def fit_mcmc(priors: Priors, lik: Likelihood, settings: InferenceSettings, seed: int, check: bool = True) -> MCMCResult:
    """Sample the posterior (:func:`sample`) and summarise every reported quantity.

    Parameters
    ----------
    priors : Priors
        The elicited priors.
    lik : Likelihood
        The likelihood of the evidence in force.
    settings : InferenceSettings
        The sampler's settings and the convergence bars (``assumptions.yaml``, ``inference``).
    seed : int
        The single seed; chains get independent streams derived from it by the sampler.
    check : bool
        Raise :class:`ConvergenceError` when the diagnostics fail.

    Returns
    -------
    MCMCResult
        The fit with ``p_z`` and the Rao-Blackwellised ``r`` added to its posterior, and every quantity's
        diagnostics.

    Raises
    ------
    ConvergenceError
        With ``check``, when :func:`check_convergence` finds a problem.
    """
    idata = sample(build_model(priors, lik), settings, seed)
    post = idata.posterior
    theta = post["theta"].transpose("chain", "draw", "scenario")
    # P(z = s | share, E) with theta integrated out (E[theta_s] = m_s): a Rao-Blackwell step, as in the exact path
    m = np.broadcast_to(priors.m, theta.shape)
    if "share" in post:  # the collapsed model (a revenue datum): per-scenario shares by Rao-Blackwell too
        share = np.asarray(post["share"].transpose("chain", "draw").values)
        p_z = realised_prob(priors, lik.signal_loglik, m, share)
        post["r"] = theta.copy(data=shares_rao_blackwell(priors, p_z, share))
    else:  # no datum: the scenario depends on the signals only
        logw = np.log(m) + lik.signal_loglik
        p_z = np.exp(logw - special.logsumexp(logw, axis=-1, keepdims=True))
    post["p_z"] = theta.copy(data=p_z)
    quantities = tuple(
        diagnose(var, s, np.asarray(post[var].sel(scenario=s).values)) for var in MCMC_VARS for s in SCENARIOS
    )
    result = MCMCResult(idata, quantities, int(idata.sample_stats["diverging"].values.sum()))
    problems = check_convergence(result, settings)
    if check and problems:
        raise ConvergenceError(
            "MCMC failed its diagnostics: " + "; ".join(problems) + "; raise inference.draws or inference.target_accept"
        )
    return result
