"""The exact path: closed form and 1-D quadrature, deterministic to the printed digits.

``P(z = s | E) ∝ m_s exp(S_s) ∫ Beta(r; a_s, b_s) L(r) dr``: theta integrates out because
``E[theta_s] = m_s``; the integral is taken by the midpoint rule on the logit scale over the
range where the integrand is not negligible. ``E[theta | E] = (kappa m + P(z | E)) / (kappa + 1)``
by Dirichlet-categorical conjugacy. Share quantiles come from per-scenario CDFs (cumulative
cell masses, linear in logit within a cell), root-found on their mixture.

The prior predictive (before any evidence) is in :mod:`model.computation.exact_prior`.

Method: book/method.md, "Two inference paths".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from .. import SCENARIOS, by_scenario
from .likelihood import Likelihood
from .numerics import fdot
from .priors import Priors

T_RANGE = (-80.0, 40.0)
"""Logit range searched for the integrand's support (r from 1.8e-35 to 1 - 4e-18)."""
WINDOW_NATS = 60.0
"""Nodes cover where the log integrand is within this many nats of its peak."""


def _log_beta_pdf(r: np.ndarray, a: float, b: float) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return (a - 1.0) * np.log(r) + (b - 1.0) * np.log1p(-r) - special.betaln(a, b)


@dataclass(frozen=True)
class ScenarioQuadrature:
    """The posterior of ``r_s`` given ``z = s`` on midpoint nodes in ``t = logit(r)``.

    Attributes
    ----------
    t : numpy.ndarray
        Node centres on the logit scale, shape (n_nodes,), increasing.
    step : float
        The nodes' spacing in ``t``.
    weights : numpy.ndarray
        Normalised cell masses, shape (n_nodes,), summing to 1.
    log_z : float
        ``log ∫ Beta(r; a, b) L(r) dr`` (nats): the marginal likelihood of the revenue datum given ``z = s``.
    """

    t: np.ndarray
    """Node centres (logit scale)."""
    step: float
    weights: np.ndarray
    """Normalised cell masses (sum 1)."""
    log_z: float
    """log ∫ Beta(r; a, b) L(r) dr: the marginal likelihood of the revenue datum given z = s."""

    @property
    def nodes(self) -> np.ndarray:
        """Node centres as shares (fractions in (0, 1)), shape (n_nodes,)."""
        return special.expit(self.t)

    def mean(self) -> float:
        """E[r_s | z = s, E] (a fraction).

        Returns
        -------
        float
            The cell masses' mean of the nodes, correctly rounded (:func:`model.computation.numerics.fdot`).
        """
        return fdot(self.weights, self.nodes)

    def cdf(self, x: np.ndarray) -> np.ndarray:
        """P(r_s <= x | z = s, E): cumulative cell masses, linear in logit inside a cell.

        Parameters
        ----------
        x : numpy.ndarray
            Shares (fractions), any shape; clipped to [0, 1].

        Returns
        -------
        numpy.ndarray
            Probabilities in [0, 1], the shape of ``x``.
        """
        edges = np.concatenate([[self.t[0] - self.step / 2], self.t + self.step / 2])
        cum = np.concatenate([[0.0], np.cumsum(self.weights)])
        with np.errstate(divide="ignore"):
            tx = special.logit(np.clip(np.asarray(x, dtype=float), 0.0, 1.0))
        return np.interp(tx, edges, cum, left=0.0, right=1.0)


def quadrature(a: float, b: float, lik: Likelihood, n_nodes: int) -> ScenarioQuadrature:
    """Quadrature of ``∫ Beta(r; a, b) L(r) dr`` on the logit scale, where it is smooth.

    With ``r = expit(t)`` the integrand in ``t`` is ``Beta(r) L(r) r (1 - r)``. A coarse pass
    over :data:`T_RANGE` finds where its log is within :data:`WINDOW_NATS` of the peak; ``n_nodes``
    midpoints over that range carry the cell masses.

    Parameters
    ----------
    a, b : float
        The Beta prior of the scenario's recovery share (``a, b > 0``).
    lik : Likelihood
        The likelihood; only its revenue part depends on ``r``.
    n_nodes : int
        Number of midpoint nodes (``inference.quadrature_nodes``).

    Returns
    -------
    ScenarioQuadrature
        Nodes, normalised cell masses and the log marginal likelihood.

    Raises
    ------
    ValueError
        When the prior and the revenue datum leave no finite density on (0, 1).
    """

    def log_f(t: np.ndarray) -> np.ndarray:
        r = special.expit(t)
        with np.errstate(divide="ignore"):
            return _log_beta_pdf(r, a, b) + lik.revenue_loglik(r) + np.log(r) + np.log1p(-r)

    coarse = np.linspace(*T_RANGE, 2401)
    window = lik.peak_window()
    if window is not None:  # a datum far narrower than the coarse step: search where it lies too
        lo_r, hi_r = max(window[0], float(special.expit(T_RANGE[0]))), min(window[1], float(special.expit(T_RANGE[1])))
        coarse = np.union1d(coarse, special.logit(np.linspace(lo_r, hi_r, 801)))
    lf = np.nan_to_num(log_f(coarse), nan=-np.inf)
    if not np.isfinite(lf.max()):
        raise ValueError(f"Beta({a:g}, {b:g}) and the revenue datum leave no finite density on (0, 1)")
    keep = np.flatnonzero(lf >= lf.max() - WINDOW_NATS)
    lo, hi = coarse[max(keep[0] - 1, 0)], coarse[min(keep[-1] + 1, coarse.size - 1)]
    step = (hi - lo) / n_nodes
    t = lo + (np.arange(n_nodes) + 0.5) * step
    lf = log_f(t)
    norm = special.logsumexp(lf)
    return ScenarioQuadrature(t=t, step=float(step), weights=np.exp(lf - norm), log_z=float(norm + np.log(step)))


@dataclass(frozen=True)
class ExactPosterior:
    """Posterior by closed form and 1-D quadrature (arrays in :data:`model.SCENARIOS` order).

    Every array has shape (4,), dim ``scenario``; shares are fractions of FY2026 revenue.

    Attributes
    ----------
    scenario_prob : numpy.ndarray
        P(z = s | E), summing to 1.
    log_evidence : numpy.ndarray
        log p(E | z = s) (nats).
    theta_mean : numpy.ndarray
        E[theta_s | E].
    r_mean : numpy.ndarray
        E[r_s | E], marginal over z.
    r_cond_mean : numpy.ndarray
        E[r_s | z = s, E].
    parts : tuple of ScenarioQuadrature
        The per-scenario quadratures, one per scenario.
    log_weights : numpy.ndarray or None
        ``log m_s + log p(E | z = s)``: the unnormalised log posterior of each scenario.
    """

    scenario_prob: np.ndarray
    """P(z = s | E)."""
    log_evidence: np.ndarray
    """log p(E | z = s)."""
    theta_mean: np.ndarray
    """E[theta_s | E]."""
    r_mean: np.ndarray
    """E[r_s | E] (marginal over z: the posterior given s with probability P(z = s | E), else the prior)."""
    r_cond_mean: np.ndarray
    """E[r_s | z = s, E]."""
    parts: tuple[ScenarioQuadrature, ...]
    log_weights: np.ndarray | None = None
    """``log m_s + log p(E | z = s)``: the unnormalised log posterior of each scenario."""

    def log_odds(self) -> np.ndarray:
        """``log P(z = s | E) / P(z != s | E)`` per scenario, from the log weights (stable where P is near 0 or 1).

        Returns
        -------
        numpy.ndarray
            Log-odds (nats), shape (4,), dim ``scenario``.
        """
        lw = np.asarray(self.log_weights, dtype=float)
        others = np.array([special.logsumexp(np.delete(lw, i)) for i in range(lw.size)])
        return lw - others

    def labelled(self):  # -> xarray.Dataset
        """The scenario-indexed results (P(z = s | E), E[theta_s | E], E[r_s | E], E[r_s | z = s, E]) by name.

        Returns
        -------
        xarray.Dataset
            ``scenario_prob``, ``theta_mean``, ``r_mean``, ``r_cond_mean``, dim ``scenario``.
        """
        import xarray as xr

        names = ("scenario_prob", "theta_mean", "r_mean", "r_cond_mean")
        return xr.Dataset({n: by_scenario(getattr(self, n)) for n in names})

    def share_mean(self) -> float:
        """E[r_z | E]: the expected recovered share.

        Returns
        -------
        float
            A fraction of FY2026 revenue.
        """
        return fdot(self.scenario_prob, self.r_cond_mean)

    def share_cdf(self, x: float | np.ndarray) -> np.ndarray:
        """P(r_z <= x | E).

        Parameters
        ----------
        x : float or numpy.ndarray
            Shares (fractions), any shape.

        Returns
        -------
        numpy.ndarray
            Probabilities, the shape of ``x``.
        """
        return sum(p * q.cdf(x) for p, q in zip(self.scenario_prob, self.parts, strict=True))

    def share_quantile(self, q: float | np.ndarray) -> np.ndarray:
        """Quantiles of the recovered share ``r_z`` (root of the mixture CDF, to 1e-12 in r).

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

    def share_exceed(self, t: float | np.ndarray) -> np.ndarray:
        """P(r_z >= t | E).

        Parameters
        ----------
        t : float or numpy.ndarray
            Thresholds (fractions), any shape.

        Returns
        -------
        numpy.ndarray
            Probabilities, the shape of ``t``.
        """
        return 1.0 - self.share_cdf(t)

    def share_density(self, x: float) -> float:
        """Posterior density of the recovered share at ``x`` in (0, 1) (per unit share).

        Parameters
        ----------
        x : float
            A share in (0, 1).

        Returns
        -------
        float
            The density, interpolated between the quadrature nodes.
        """
        tx = float(special.logit(x))
        dens_t = sum(
            p * np.interp(tx, q.t, q.weights / q.step, left=0.0, right=0.0)
            for p, q in zip(self.scenario_prob, self.parts, strict=True)
        )
        return float(dens_t / (x * (1.0 - x)))

    def share_summary(self, threshold: float) -> dict[str, float]:
        """Mean, median, 5% and 95% quantiles and P(share >= threshold).

        Parameters
        ----------
        threshold : float
            A share (fraction), e.g. ``inference.recovery_threshold``.

        Returns
        -------
        dict of str to float
            ``mean``, ``median``, ``q05``, ``q95`` (fractions) and ``p_exceed`` (a probability).
        """
        q05, q50, q95 = self.share_quantile([0.05, 0.5, 0.95])
        return {
            "mean": self.share_mean(),
            "median": float(q50),
            "q05": float(q05),
            "q95": float(q95),
            "p_exceed": float(self.share_exceed(threshold)),
        }


def mixture_quantile(cdf, q: float | np.ndarray) -> np.ndarray:
    """Invert a continuous CDF on [0, 1] by Brent's method, elementwise.

    Parameters
    ----------
    cdf : callable
        ``cdf(x) -> float`` for ``x`` in [0, 1], continuous and increasing from 0 to 1.
    q : float or numpy.ndarray
        Probabilities in (0, 1), a scalar or 1-D.

    Returns
    -------
    numpy.ndarray
        ``x`` with ``cdf(x) = q`` (to 1e-12 relative): a scalar for a scalar ``q``, else shape (len(q),).
    """
    qs = np.atleast_1d(np.asarray(q, dtype=float))
    out = np.array([optimize.brentq(lambda x, p=p: float(cdf(x)) - p, 0.0, 1.0, xtol=1e-13, rtol=1e-12) for p in qs])
    return out if np.ndim(q) else out[0]


def exact_posterior(priors: Priors, lik: Likelihood, n_nodes: int = 4000) -> ExactPosterior:
    """Exact posterior of the scenario, theta and the recovery shares (see :func:`quadrature`).

    Parameters
    ----------
    priors : Priors
        The elicited priors (``assumptions.yaml``).
    lik : Likelihood
        The likelihood of the evidence in force.
    n_nodes : int
        Quadrature nodes per scenario (``inference.quadrature_nodes``).

    Returns
    -------
    ExactPosterior
        P(z = s | E), E[theta | E], E[r_s | E] and the per-scenario quadratures.

    Raises
    ------
    ValueError
        When a scenario's prior and the revenue datum leave no finite density (:func:`quadrature`).
    """
    parts = tuple(quadrature(priors.r_alpha[i], priors.r_beta[i], lik, n_nodes) for i in range(len(SCENARIOS)))
    log_evidence = lik.signal_loglik + np.array([q.log_z for q in parts])
    logp = np.log(priors.m) + log_evidence
    p = np.exp(logp - special.logsumexp(logp))
    p = p / p.sum()  # exactly 1 in floating point, whatever the spread of the log evidence
    r_cond = np.array([q.mean() for q in parts])
    r_prior = priors.r_alpha / (priors.r_alpha + priors.r_beta)
    return ExactPosterior(
        scenario_prob=p,
        log_evidence=log_evidence,
        log_weights=logp,
        theta_mean=(priors.kappa * priors.m + p) / (priors.kappa + 1.0),
        r_mean=p * r_cond + (1.0 - p) * r_prior,
        r_cond_mean=r_cond,
        parts=parts,
    )
