"""Inference, two paths that must agree.

Model (DESIGN §2)::

    theta ~ Dirichlet(kappa m)                      scenario probabilities
    r_s   ~ Beta(a_s, b_s),  s in SCENARIOS         recovery share per scenario
    z | theta ~ Categorical(theta)                  realised scenario (marginalised)
    log p(E | z=s, r_s) = w sum_e log P(c_e | s) + sum_q log N(y_q | r_s, sigma_q)

1. :func:`exact_posterior`: ``P(z=s | E) ∝ m_s exp(S_s) ∫ Beta(r; a_s, b_s) Π_q N(y_q | r, σ) dr``
   (theta integrates out because ``E[theta_s] = m_s``), the 1-D integral by quadrature on
   the logit scale; ``E[theta | E] = (kappa m + P(z | E)) / (kappa + 1)``
   (Dirichlet-categorical conjugacy).
2. :func:`fit_mcmc`: PyMC NUTS on ``(theta, r)`` with ``z`` summed out by log-sum-exp.
   ``P(z=s | E)`` is estimated by the Rao-Blackwellised average of ``P(z=s | r, E)`` over
   draws, with ``theta`` integrated analytically (lower variance than averaging
   ``P(z=s | theta, r, E)``; both are unbiased).
"""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from dataclasses import dataclass
from typing import Iterator

import numpy as np
from scipy import special

from . import SCENARIOS
from .assumptions import Assumptions, InferenceSettings
from .errors import ConvergenceError
from .evidence import Evidence, log_likelihood_table, signal_loglik
from .priors import Priors

LOG_2PI = float(np.log(2.0 * np.pi))


@dataclass(frozen=True)
class Likelihood:
    """The evidence reduced to what the likelihood needs."""

    signal_loglik: np.ndarray
    """Tempered signal log-likelihood per scenario, shape (4,)."""
    y: np.ndarray
    """Observed post-reversal quarterly H20 China revenue shares."""
    sigma: float
    """Standard deviation of one quarter's share around the recovered share."""


def likelihood_of(a: Assumptions, ev: Evidence, *, weight: float | None = None, sigma: float | None = None,
                  log_table: np.ndarray | None = None) -> Likelihood:
    """Reduce assumptions and evidence to a :class:`Likelihood` (keywords override the assumptions)."""
    w = a.signals.tempering_weight.value if weight is None else weight
    table = log_likelihood_table(a) if log_table is None else log_table
    return Likelihood(
        signal_loglik=signal_loglik(ev.signal_counts(), table, w),
        y=ev.quarterly_shares(a.quarterly.reversal_date.value),
        sigma=a.quarterly.sigma.value if sigma is None else sigma,
    )


def quarterly_loglik(r: np.ndarray, y: np.ndarray, sigma: float) -> np.ndarray:
    """``sum_q log N(y_q | r, sigma)`` for every element of ``r`` (broadcast over r's shape)."""
    r = np.asarray(r, dtype=float)
    if y.size == 0:
        return np.zeros_like(r)
    z = (y - r[..., None]) / sigma
    return np.sum(-0.5 * z**2 - np.log(sigma) - 0.5 * LOG_2PI, axis=-1)


def conditional_scenario_prob(log_prior: np.ndarray, lik: Likelihood, r: np.ndarray) -> np.ndarray:
    """``P(z = s | r, E)`` (or given theta too, with ``log_prior = log theta``); last axis = scenario."""
    logw = log_prior + lik.signal_loglik + quarterly_loglik(r, lik.y, lik.sigma)
    return np.exp(logw - special.logsumexp(logw, axis=-1, keepdims=True))


# --------------------------------------------------------------------------- exact path


@dataclass(frozen=True)
class ExactPosterior:
    """Posterior by closed form and 1-D quadrature."""

    scenario_prob: np.ndarray
    """P(z = s | E), shape (4,)."""
    log_evidence: np.ndarray
    """log p(E | z = s), shape (4,)."""
    theta_mean: np.ndarray
    """E[theta_s | E]."""
    r_mean: np.ndarray
    """E[r_s | E] (marginal over z)."""
    r_cond_mean: np.ndarray
    """E[r_s | z = s, E]."""
    nodes: np.ndarray
    """Quadrature nodes in r, shape (4, N)."""
    weights: np.ndarray
    """Normalised posterior weights of the nodes given z = s, shape (4, N)."""

    def _mixture(self) -> tuple[np.ndarray, np.ndarray]:
        v = self.nodes.ravel()
        w = (self.scenario_prob[:, None] * self.weights).ravel()
        order = np.argsort(v)
        return v[order], np.cumsum(w[order])

    def share_mean(self) -> float:
        """E[r_z | E]: the expected recovered share."""
        return float(self.scenario_prob @ self.r_cond_mean)

    def share_quantile(self, q: float | np.ndarray) -> np.ndarray:
        """Quantiles of the recovered share r_z."""
        v, c = self._mixture()
        return np.interp(q, c / c[-1], v)

    def share_exceed(self, t: float | np.ndarray) -> np.ndarray:
        """P(r_z >= t | E)."""
        v, c = self._mixture()
        below = np.interp(t, v, c / c[-1], left=0.0, right=1.0)
        return 1.0 - below


def _log_beta_pdf(r: np.ndarray, a: float, b: float) -> np.ndarray:
    return (a - 1.0) * np.log(r) + (b - 1.0) * np.log1p(-r) - special.betaln(a, b)


def posterior_nodes(a: float, b: float, lik: Likelihood, n_nodes: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Quadrature of ``∫ Beta(r; a, b) L(r) dr`` on the logit scale, where it is smooth.

    With ``r = expit(t)``, the integrand is ``Beta(r) L(r) r (1 - r)`` in ``t``. A coarse pass
    over ``t`` in [-40, 40] finds where the log integrand is within 60 nats of its peak;
    ``n_nodes`` midpoints over that range then carry the trapezoid-exact weights.

    Returns
    -------
    nodes : r values, shape (n_nodes,)
    weights : normalised posterior weights of the nodes (sum 1)
    log_z : log of the integral (log marginal likelihood of the quarters given z = s)
    """

    def log_f(t: np.ndarray) -> np.ndarray:
        r = special.expit(t)
        with np.errstate(divide="ignore"):  # r rounds to 0 or 1 at the far ends: log density -inf
            return _log_beta_pdf(r, a, b) + quarterly_loglik(r, lik.y, lik.sigma) + np.log(r) + np.log1p(-r)

    coarse = np.linspace(-40.0, 40.0, 8001)
    lf = log_f(coarse)
    keep = np.flatnonzero(lf >= lf.max() - 60.0)
    lo, hi = coarse[max(keep[0] - 1, 0)], coarse[min(keep[-1] + 1, coarse.size - 1)]
    step = (hi - lo) / n_nodes
    t = lo + (np.arange(n_nodes) + 0.5) * step
    lf = log_f(t)
    log_z = float(special.logsumexp(lf) + np.log(step))
    return special.expit(t), np.exp(lf - special.logsumexp(lf)), log_z


def exact_posterior(priors: Priors, lik: Likelihood, n_nodes: int = 20000) -> ExactPosterior:
    """Exact posterior of the scenario, theta and the recovery shares (see :func:`posterior_nodes`)."""
    parts = [posterior_nodes(priors.r_alpha[i], priors.r_beta[i], lik, n_nodes) for i in range(len(SCENARIOS))]
    nodes = np.vstack([p[0] for p in parts])
    weights = np.vstack([p[1] for p in parts])
    log_z = np.array([p[2] for p in parts])
    log_evidence = lik.signal_loglik + log_z
    logp = np.log(priors.m) + log_evidence
    p = np.exp(logp - special.logsumexp(logp))
    r_cond = np.sum(weights * nodes, axis=1)
    r_prior = priors.r_alpha / (priors.r_alpha + priors.r_beta)
    return ExactPosterior(
        scenario_prob=p,
        log_evidence=log_evidence,
        theta_mean=(priors.kappa * priors.m + p) / (priors.kappa + 1.0),
        r_mean=p * r_cond + (1.0 - p) * r_prior,
        r_cond_mean=r_cond,
        nodes=nodes,
        weights=weights,
    )


# --------------------------------------------------------------------------- MCMC path


@contextlib.contextmanager
def quiet_pymc() -> Iterator[None]:
    """Keep PyMC's INFO chatter (sampler choice, timings) out of outputs."""
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
    """The PyMC model with the realised scenario marginalised out.

    ``log p(E | theta, r) = logsumexp_s [log theta_s + S_s + sum_q log N(y_q | r_s, sigma)]``
    """
    import pymc as pm

    with pm.Model(coords={"scenario": list(SCENARIOS)}) as model:
        theta = pm.Dirichlet("theta", a=priors.dirichlet_alpha, dims="scenario")
        r = pm.Beta("r", alpha=priors.r_alpha, beta=priors.r_beta, dims="scenario")
        ll = pm.math.constant(lik.signal_loglik)
        if lik.y.size:
            z = (lik.y[None, :] - r[:, None]) / lik.sigma
            ll = ll + pm.math.sum(-0.5 * z**2, axis=1) - lik.y.size * (np.log(lik.sigma) + 0.5 * LOG_2PI)
        pm.Potential("evidence", pm.math.logsumexp(pm.math.log(theta) + ll))
    return model


def mcse_mean(x: np.ndarray, batches_per_chain: int = 10) -> float:
    """Monte Carlo standard error of a mean, robust to rare large values.

    The larger of ArviZ's ESS-based MCSE and a batch-means MCSE (``batches_per_chain``
    contiguous batches per chain). A rare excursion inflates the spread of the batch means
    even where the autocorrelation estimate behind the ESS misses it.

    Parameters
    ----------
    x : array of shape (chain, draw)
    """
    import arviz as az

    x = np.asarray(x, dtype=float)
    if np.ptp(x) == 0.0:
        return 0.0
    ess_based = float(np.ravel(az.mcse(x, method="mean"))[0])
    n_chain, n_draw = x.shape
    size = n_draw // batches_per_chain
    means = x[:, : size * batches_per_chain].reshape(n_chain * batches_per_chain, size).mean(axis=1)
    batch = float(means.std(ddof=1) / np.sqrt(means.size))
    return max(ess_based, batch)


@dataclass(frozen=True)
class Quantity:
    """One reported posterior quantity with its diagnostics."""

    name: str
    mean: float
    mcse: float
    ess_bulk: float
    r_hat: float
    khat: float
    """Pareto k-hat of the draws' upper tail: above 0.7 the mean is dominated by rare draws."""


@dataclass(frozen=True)
class MCMCResult:
    idata: object
    """ArviZ InferenceData of the fit."""
    p_z: np.ndarray
    """P(z = s | r, E) per draw, shape (chain, draw, 4)."""
    quantities: tuple[Quantity, ...]
    divergences: int

    def quantity(self, name: str) -> Quantity:
        return next(q for q in self.quantities if q.name == name)

    def draws(self, var: str) -> np.ndarray:
        """Posterior draws of ``theta`` or ``r``, shape (chain, draw, 4)."""
        return np.asarray(self.idata.posterior[var].values)  # type: ignore[attr-defined]

    def scenario_prob(self) -> tuple[np.ndarray, np.ndarray]:
        """(estimate, MCSE) of P(z = s | E)."""
        qs = [self.quantity(f"P(z={s})") for s in SCENARIOS]
        return np.array([q.mean for q in qs]), np.array([q.mcse for q in qs])


def _diagnose(name: str, x: np.ndarray) -> Quantity:
    import arviz as az

    if np.ptp(x) == 0.0:
        return Quantity(name, float(x.mean()), 0.0, float(x.size), 1.0, float("-inf"))
    return Quantity(
        name,
        float(x.mean()),
        mcse_mean(x),
        float(az.ess(x, method="bulk")),
        float(az.rhat(x, method="rank")),
        tail_khat(x),
    )


def tail_khat(x: np.ndarray) -> float:
    """Pareto k-hat of the upper tail of positive draws (ArviZ ``psislw`` on their logs).

    The MCMC estimate of a tiny ``P(z = s | E)`` averages per-draw probabilities that are
    near zero except in rare draws; k-hat > 0.7 says the average rests on those few.
    """
    import arviz as az

    v = np.asarray(x, dtype=float).ravel()
    if np.any(v <= 0):
        v = v - v.min() + 1e-300
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # exp overflow inside psislw on tiny logs
        _, k = az.psislw(np.log(v), reff=1.0)
    return float(np.ravel(k)[0])


def check_convergence(result: MCMCResult, settings: InferenceSettings) -> None:
    """Fail loudly: divergences, r_hat above the bar or bulk ESS below it raise ConvergenceError."""
    problems = []
    if result.divergences:
        problems.append(f"{result.divergences} divergent transitions")
    for q in result.quantities:
        if not q.r_hat <= settings.max_rhat:
            problems.append(f"{q.name}: r_hat {q.r_hat:.4f} > {settings.max_rhat}")
        if not q.ess_bulk >= settings.min_ess:
            problems.append(f"{q.name}: bulk ESS {q.ess_bulk:.0f} < {settings.min_ess:.0f}")
    if problems:
        raise ConvergenceError("MCMC failed its diagnostics: " + "; ".join(problems) + "; raise inference.draws or inference.target_accept")


def fit_mcmc(priors: Priors, lik: Likelihood, settings: InferenceSettings, seed: int, check: bool = True) -> MCMCResult:
    """Sample the posterior with PyMC NUTS and summarise every reported quantity.

    Parameters
    ----------
    seed : the single seed; chains get independent streams derived from it by PyMC.
    check : raise :class:`ConvergenceError` when the diagnostics fail.
    """
    import pymc as pm

    model = build_model(priors, lik)
    with quiet_pymc(), model:
        idata = pm.sample(
            draws=settings.draws,
            tune=settings.tune,
            chains=settings.chains,
            cores=min(settings.chains, os.cpu_count() or 1),
            random_seed=seed,
            target_accept=settings.target_accept,
            progressbar=False,
            compute_convergence_checks=False,
        )
    theta = np.asarray(idata.posterior["theta"].values)
    r = np.asarray(idata.posterior["r"].values)
    p_z = conditional_scenario_prob(np.log(priors.m), lik, r)
    quantities = []
    for i, s in enumerate(SCENARIOS):
        quantities.append(_diagnose(f"P(z={s})", p_z[..., i]))
    for i, s in enumerate(SCENARIOS):
        quantities.append(_diagnose(f"theta[{s}]", theta[..., i]))
    for i, s in enumerate(SCENARIOS):
        quantities.append(_diagnose(f"r[{s}]", r[..., i]))
    result = MCMCResult(idata, p_z, tuple(quantities), int(idata.sample_stats["diverging"].values.sum()))
    if check:
        check_convergence(result, settings)
    return result


NEGLIGIBLE: float = 1e-6
"""Probabilities below this print as 0.0000 everywhere; agreement there is checked as 'both negligible'."""

NUMERICAL_TOL: float = 1e-9
"""Absolute floating-point and quadrature error of the exact path (the quadrature of a normalised
density is 1 to ~1e-12); a difference this small agrees even where the MCSE is zero (no evidence:
every draw gives the same P(z | r) = m)."""


@dataclass(frozen=True)
class Agreement:
    quantity: str
    exact: float
    mcmc: float
    mcse: float

    @property
    def z(self) -> float:
        """Difference in Monte Carlo standard errors."""
        diff = self.mcmc - self.exact
        if self.mcse > 0:
            return float(diff / self.mcse)
        # zero MCSE (no evidence: every draw gives P(z | r) = m): equal up to the exact path's rounding
        return 0.0 if abs(diff) <= NUMERICAL_TOL else float("inf")

    @property
    def negligible(self) -> bool:
        """Both values below :data:`NEGLIGIBLE` (a tail-dominated MCMC average of a tiny probability)."""
        return max(abs(self.exact), abs(self.mcmc)) < NEGLIGIBLE

    @property
    def ok(self) -> bool:
        """Within 3 MCSE (see :attr:`z`), or both negligible."""
        return abs(self.z) <= 3.0 or self.negligible


def agreement(exact: ExactPosterior, mcmc: MCMCResult) -> list[Agreement]:
    """Exact vs MCMC for every reported quantity; ``ok`` when within 3 MCSE."""
    exact_values = {
        **{f"P(z={s})": exact.scenario_prob[i] for i, s in enumerate(SCENARIOS)},
        **{f"theta[{s}]": exact.theta_mean[i] for i, s in enumerate(SCENARIOS)},
        **{f"r[{s}]": exact.r_mean[i] for i, s in enumerate(SCENARIOS)},
    }
    return [Agreement(q.name, float(exact_values[q.name]), q.mean, q.mcse) for q in mcmc.quantities]
