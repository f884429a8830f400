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
from .mcmc_result import MCMCResult
from .priors import Priors


def rng_for(seed: int, stream: str) -> np.random.Generator:
    """The generator of one named stream, derived from the single seed of the assumptions.

    Parameters
    ----------
    seed : int
        The one seed in force (:attr:`model.computation.pipeline.Setup.seed`).
    stream : str
        Name of the stream (``prior_predictive``, ``posterior_predictive``, ...): independent per name.

    Returns
    -------
    numpy.random.Generator
        Seeded by ``[seed, crc32(stream)]``.
    """
    return np.random.default_rng([seed, zlib.crc32(stream.encode())])


@dataclass(frozen=True)
class Draws:
    """Predictive draws, shape (chain, draw) each (one chain for independent draws).

    Attributes
    ----------
    z : numpy.ndarray
        Index of the realised scenario in :data:`model.SCENARIOS` (int).
    share : numpy.ndarray
        Recovered share of FY2026 revenue (fraction).
    usd : numpy.ndarray
        Recovered revenue, USD bn.
    """

    z: np.ndarray
    share: np.ndarray
    usd: np.ndarray
    """Recovered revenue, USD bn."""


def draw_revenue(priors: Priors, size: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Draws of FY2026 revenue from its log-normal prior.

    Parameters
    ----------
    priors : Priors
        The elicited priors (``priors.revenue``: ``mu``, ``sigma`` of log USD bn).
    size : tuple of int
        Shape of the draws.
    rng : numpy.random.Generator
        The stream to draw from.

    Returns
    -------
    numpy.ndarray
        Revenue in USD bn, shape ``size``.
    """
    return rng.lognormal(priors.revenue.mu, priors.revenue.sigma, size=size)


def prior_predictive(priors: Priors, n: int, rng: np.random.Generator) -> Draws:
    """Independent draws of the recovered share and USD under the prior.

    Parameters
    ----------
    priors : Priors
        The elicited priors.
    n : int
        Number of draws (``inference.forward_draws``).
    rng : numpy.random.Generator
        The stream to draw from (:func:`rng_for`).

    Returns
    -------
    Draws
        One chain of ``n`` draws: shape (1, n) each.
    """
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
    priors : Priors
        The elicited priors (FY2026 revenue's, when ``revenue`` is None).
    lik : Likelihood
        The likelihood the fit was made with.
    mcmc : MCMCResult
        The PyMC fit; its ``p_z`` and share draws are read.
    rng : numpy.random.Generator
        The stream to draw from (:func:`rng_for`).
    revenue : float, optional
        Reported FY2026 revenue (USD bn); ``None`` draws it from its prior.

    Returns
    -------
    Draws
        Shape (chain, draw) each, the fit's.
    """
    p = mcmc.draws("p_z")
    z = (p.cumsum(axis=-1) < rng.random(p.shape[:-1] + (1,))).sum(axis=-1)
    z = np.minimum(z, len(SCENARIOS) - 1)  # guard against cumsum rounding just below 1
    share = mcmc.share_draws(z)  # the realised scenario's share, whichever scenario that is
    rev = np.full(share.shape, revenue) if revenue is not None else draw_revenue(priors, share.shape, rng)
    return Draws(z, share, share * rev)


@dataclass(frozen=True)
class Estimate:
    """A Monte Carlo estimate and its standard error.

    Attributes
    ----------
    value : float
        The estimate, in the units of the quantity summarised.
    mcse : float
        Its Monte Carlo standard error (same units).
    """

    value: float
    mcse: float


@dataclass(frozen=True)
class Summary:
    """Mean, median, 5% and 95% quantiles and P(X >= threshold), each with its MCSE.

    Attributes
    ----------
    mean, median, q05, q95 : Estimate
        In the units of the draws (share fraction or USD bn).
    p_exceed : Estimate
        P(X >= threshold), a probability.
    threshold : float
        The threshold, in the units of the draws.
    """

    mean: Estimate
    median: Estimate
    q05: Estimate
    q95: Estimate
    p_exceed: Estimate
    threshold: float

    def as_dict(self) -> dict[str, dict[str, float]]:
        """The summary as plain numbers.

        Returns
        -------
        dict of str to dict of str to float
            ``{"mean": {"value": ..., "mcse": ...}, ...}`` for mean, median, q05, q95 and p_exceed.
        """
        out = {
            k: {"value": getattr(self, k).value, "mcse": getattr(self, k).mcse}
            for k in ("mean", "median", "q05", "q95", "p_exceed")
        }
        return out


def summarise(x: np.ndarray, threshold: float) -> Summary:
    """Summaries of draws of shape (chain, draw), MCSE from ArviZ (ESS-based, per quantity).

    Parameters
    ----------
    x : numpy.ndarray
        Draws, shape (chain, draw) (1-D counts as one chain).
    threshold : float
        In the units of ``x``: ``p_exceed`` is the share of draws at or above it.

    Returns
    -------
    Summary
        Each statistic with its Monte Carlo standard error.
    """
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
