"""Forward Monte Carlo: vectorised NumPy draws of the recovered share and recovered USD.

Generative story (book/method.md)::

    theta ~ Dirichlet(kappa m);  z ~ Categorical(theta);  r_z ~ Beta(a_z, b_z)
    R ~ LogNormal(mu, sigma)  (FY2026 revenue, USD bn);   recovered USD = r_z * R

Prior predictive draws from the priors; posterior predictive reuses the MCMC draws of
``(theta, r)`` and draws ``z`` from ``P(z | theta, r, E)``; once FY2026 revenue is reported,
``R`` is that figure. Every summary carries its Monte Carlo standard error.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from .. import SCENARIOS
from .likelihood import Likelihood
from .mcmc import MCMCResult
from .priors import Priors


def rng_for(seed: int, stream: str) -> np.random.Generator:
    """The generator of one named stream, derived from the single seed of the assumptions."""
    return np.random.default_rng([seed, zlib.crc32(stream.encode())])


@dataclass(frozen=True)
class Draws:
    """Predictive draws, shape (chain, draw) each (one chain for independent draws)."""

    z: np.ndarray
    share: np.ndarray
    usd: np.ndarray
    """Recovered revenue, USD bn."""


def draw_revenue(priors: Priors, size: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    return rng.lognormal(priors.revenue.mu, priors.revenue.sigma, size=size)


def prior_predictive(priors: Priors, n: int, rng: np.random.Generator) -> Draws:
    """Independent draws of the recovered share and USD under the prior."""
    theta = rng.dirichlet(priors.dirichlet_alpha, size=n)
    z = (theta.cumsum(axis=1) < rng.random((n, 1))).sum(axis=1)
    share = rng.beta(priors.r_alpha[z], priors.r_beta[z])
    usd = share * draw_revenue(priors, (n,), rng)
    return Draws(z[None, :], share[None, :], usd[None, :])


def posterior_predictive(
    priors: Priors, lik: Likelihood, mcmc: MCMCResult, rng: np.random.Generator, revenue: float | None = None
) -> Draws:
    """Posterior predictive from the MCMC draws: z from P(z | theta, share, E), the realised share as drawn.

    Parameters
    ----------
    revenue : reported FY2026 revenue (USD bn); ``None`` draws it from its prior.
    """
    p = mcmc.draws("p_z")
    z = (p.cumsum(axis=-1) < rng.random(p.shape[:-1] + (1,))).sum(axis=-1)
    z = np.minimum(z, len(SCENARIOS) - 1)  # guard against cumsum rounding just below 1
    share = mcmc.share_draws(z)  # the realised scenario's share, whichever scenario that is
    rev = np.full(share.shape, revenue) if revenue is not None else draw_revenue(priors, share.shape, rng)
    return Draws(z, share, share * rev)


@dataclass(frozen=True)
class Estimate:
    value: float
    mcse: float


@dataclass(frozen=True)
class Summary:
    """Mean, median, 5% and 95% quantiles and P(X >= threshold), each with its MCSE."""

    mean: Estimate
    median: Estimate
    q05: Estimate
    q95: Estimate
    p_exceed: Estimate
    threshold: float

    def as_dict(self) -> dict[str, dict[str, float]]:
        out = {
            k: {"value": getattr(self, k).value, "mcse": getattr(self, k).mcse}
            for k in ("mean", "median", "q05", "q95", "p_exceed")
        }
        return out


def summarise(x: np.ndarray, threshold: float) -> Summary:
    """Summaries of draws of shape (chain, draw), MCSE from ArviZ (ESS-based, per quantity)."""
    import arviz as az

    x = np.atleast_2d(np.asarray(x, dtype=float))

    def mcse(method: str, **kw: float) -> float:
        return float(np.ravel(az.mcse(x, method=method, **kw))[0])

    def quant(q: float) -> Estimate:
        return Estimate(float(np.quantile(x, q)), mcse("quantile", prob=q))

    hit = (x >= threshold).astype(float)
    p_mcse = float(np.ravel(az.mcse(hit, method="mean"))[0]) if np.ptp(hit) > 0 else 0.0
    return Summary(
        mean=Estimate(float(x.mean()), mcse("mean")),
        median=quant(0.5),
        q05=quant(0.05),
        q95=quant(0.95),
        p_exceed=Estimate(float(hit.mean()), p_mcse),
        threshold=threshold,
    )
