"""The exact prior predictive: the recovered share and recovered USD before any evidence, and the CRPS.

The prior predictive of the recovered share is the mixture ``sum_s m_s Beta(a_s, b_s)``; of
recovered USD, that mixture scaled by the log-normal FY2026 revenue (1-D quadrature over R).
Deterministic, like the posterior (:mod:`model.computation.exact`).

Method: book/method.md, "Two inference paths".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from .exact import mixture_quantile
from .numerics import fdot
from .priors import Priors


@dataclass(frozen=True)
class ExactPrior:
    """The prior predictive of the recovered share and of recovered USD, exactly.

    Attributes
    ----------
    priors : Priors
        The elicited priors.
    revenue_nodes : numpy.ndarray
        Quantile-midpoint nodes of FY2026 revenue (USD bn, equal weights), shape (n_revenue,).
    """

    priors: Priors
    revenue_nodes: np.ndarray
    """Quantile-midpoint nodes of FY2026 revenue (equal weights)."""

    def share_cdf(self, x: float | np.ndarray) -> np.ndarray:
        """P(r_z <= x): the prior mixture ``sum_s m_s Beta(a_s, b_s)``.

        Parameters
        ----------
        x : float or numpy.ndarray
            Shares (fractions), any shape.

        Returns
        -------
        numpy.ndarray
            Probabilities, the shape of ``x``.
        """
        p = self.priors
        return sum(m * stats.beta.cdf(x, a, b) for m, a, b in zip(p.m, p.r_alpha, p.r_beta, strict=True))

    def usd_cdf(self, u: float | np.ndarray) -> np.ndarray:
        """P(r_z R <= u): the share CDF averaged over revenue nodes.

        Parameters
        ----------
        u : float or numpy.ndarray
            Recovered revenue (USD bn), any shape.

        Returns
        -------
        numpy.ndarray
            Probabilities, the shape of ``u``.
        """
        u = np.asarray(u, dtype=float)
        return np.mean(self.share_cdf(np.clip(u[..., None] / self.revenue_nodes, 0.0, 1.0)), axis=-1)

    def share_density(self, x: float) -> float:
        """Prior predictive density of the recovered share at ``x`` (per unit share).

        Parameters
        ----------
        x : float
            A share in (0, 1).

        Returns
        -------
        float
            ``sum_s m_s Beta(x; a_s, b_s)``.
        """
        p = self.priors
        return float(sum(m * stats.beta.pdf(x, a, b) for m, a, b in zip(p.m, p.r_alpha, p.r_beta, strict=True)))

    def share_mean(self) -> float:
        """E[r_z] under the prior.

        Returns
        -------
        float
            A fraction of FY2026 revenue.
        """
        p = self.priors
        return fdot(p.m, p.r_alpha / (p.r_alpha + p.r_beta))

    def share_quantile(self, q: float | np.ndarray) -> np.ndarray:
        """Prior quantiles of the recovered share.

        Parameters
        ----------
        q : float or numpy.ndarray
            Probabilities in (0, 1), a scalar or 1-D.

        Returns
        -------
        numpy.ndarray
            Shares (fractions): a scalar for a scalar ``q``, else shape (len(q),).
        """
        return mixture_quantile(self.share_cdf, q)

    def share_summary(self, threshold: float) -> dict[str, float]:
        """Mean, median, 5% and 95% quantiles and P(share >= threshold) under the prior.

        Parameters
        ----------
        threshold : float
            A share (fraction).

        Returns
        -------
        dict of str to float
            ``mean``, ``median``, ``q05``, ``q95`` (fractions) and ``p_exceed`` (a probability).
        """
        q05, q50, q95 = mixture_quantile(self.share_cdf, [0.05, 0.5, 0.95])
        return {
            "mean": self.share_mean(),
            "median": float(q50),
            "q05": float(q05),
            "q95": float(q95),
            "p_exceed": float(1.0 - self.share_cdf(threshold)),
        }

    def usd_summary(self, threshold: float) -> dict[str, float]:
        """Mean, median, 5% and 95% quantiles and P(USD >= threshold) of recovered revenue under the prior.

        Parameters
        ----------
        threshold : float
            Recovered revenue (USD bn).

        Returns
        -------
        dict of str to float
            ``mean``, ``median``, ``q05``, ``q95`` (USD bn) and ``p_exceed`` (a probability).
        """
        top = float(self.revenue_nodes.max())
        qs = [
            optimize.brentq(lambda u, q=q: float(self.usd_cdf(u)) - q, 0.0, top, xtol=1e-10) for q in (0.05, 0.5, 0.95)
        ]
        mean = self.share_summary(0.5)["mean"] * self.priors.revenue.mean
        return {
            "mean": mean,
            "median": qs[1],
            "q05": qs[0],
            "q95": qs[2],
            "p_exceed": float(1.0 - self.usd_cdf(threshold)),
        }


def exact_prior(priors: Priors, n_revenue: int = 2000) -> ExactPrior:
    """The exact prior predictive of the recovered share and of recovered USD.

    Parameters
    ----------
    priors : Priors
        The elicited priors; FY2026 revenue is log-normal (USD bn).
    n_revenue : int
        Number of equal-weight quantile-midpoint nodes of FY2026 revenue.

    Returns
    -------
    ExactPrior
        The priors and the revenue nodes, shape (n_revenue,).
    """
    u = (np.arange(n_revenue) + 0.5) / n_revenue
    rev = stats.lognorm.ppf(u, s=priors.revenue.sigma, scale=np.exp(priors.revenue.mu))
    return ExactPrior(priors, rev)
