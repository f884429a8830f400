"""Prior, forecast and posterior predictive checks of the full-year revenue datum (exact, by quadrature).

Verdict rule as every predictive check (:mod:`.predictive`): two-sided tail probability at least
:data:`PPC_ALPHA`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import stats

from ..exact import ExactPosterior, exact_posterior
from ..measurement import RevenueObservation
from ..numerics import fdot
from ..prior_families import LogNormalPrior
from ..priors import Priors
from .common import Check, two_sided
from .predictive import PPC_ALPHA

if TYPE_CHECKING:
    from ..pipeline import Setup


# --------------------------------------------------------------------------- revenue-datum checks


@dataclass(frozen=True)
class RevenueCheck:
    """Predictive check of the full-year revenue datum ``x_FY`` (USD bn); every probability is exact
    (quadrature).

    Attributes
    ----------
    label : str
        ``prior``, ``forecast`` or ``posterior``.
    x_obs : float
        The disclosed figure, USD bn.
    sd : float
        Its measurement error (sd), USD bn.
    revenue : float
        FY2026 revenue ``R``, USD bn (NaN for the prior check, where it is drawn).
    cdf_obs : float
        ``P(x_rep <= x_obs)``.
    p_value : float
        Two-sided tail probability of ``x_obs``.
    grid : numpy.ndarray
        USD bn.
    cdf : numpy.ndarray
        Predictive CDF of ``x_rep`` on ``grid``.
    density : numpy.ndarray or None
        Predictive density (per USD bn) on ``grid``, where cheap to compute (posterior).
    informative : bool
        False when the check cannot fail by construction (one datum, fitted by a free recovery share).
    """

    label: str
    x_obs: float
    sd: float
    revenue: float
    cdf_obs: float
    p_value: float
    grid: np.ndarray
    cdf: np.ndarray
    density: np.ndarray | None = None

    informative: bool = True

    def check(self) -> Check:
        """This check as a pass/fail row (not counted when it is not informative).

        Returns
        -------
        Check
            Named ``label.revenue``.
        """
        rule = f"two-sided tail >= {PPC_ALPHA}"
        if not self.informative:
            rule = "cannot fail by construction (one datum and a free recovery share): shown, not counted"
        return Check(
            f"{self.label}.revenue",
            self.x_obs,
            self.p_value,
            self.p_value >= PPC_ALPHA,
            rule,
            f"P(x_rep <= {self.x_obs:.3f}) = {self.cdf_obs:.3f}",
            counted=self.informative,
        )


def _eps_nodes(n: int) -> np.ndarray:
    return stats.norm.ppf((np.arange(n) + 0.5) / n)


def prior_revenue_cdf(priors: Priors, x: np.ndarray, sd: float, n_eps: int = 4000, n_rev: int = 200) -> np.ndarray:
    """Prior predictive ``P(x_rep <= x)`` of the full-year datum ``x_rep = r_z R + sd eps``.

    ``= sum_s m_s E_{eps, R}[F_s((x - sd eps) / R)]`` with ``F_s`` the Beta CDF; quantile-midpoint
    nodes for ``eps ~ N(0, 1)`` and ``R ~ LogNormal`` (deterministic).

    Parameters
    ----------
    priors : Priors
        The elicited priors.
    x : numpy.ndarray
        Shape (n,): values of the datum, USD bn.
    sd : float
        Measurement error, USD bn.
    n_eps, n_rev : int
        Nodes in ``eps`` and in ``R``.

    Returns
    -------
    numpy.ndarray
        Shape (n,): the CDF at ``x``.
    """
    x = np.atleast_1d(np.asarray(x, dtype=float))
    eps = _eps_nodes(n_eps)
    rev = stats.lognorm.ppf((np.arange(n_rev) + 0.5) / n_rev, s=priors.revenue.sigma, scale=np.exp(priors.revenue.mu))
    out = np.zeros(x.shape)
    for j, xv in enumerate(x):
        share = np.clip((xv - sd * eps)[:, None] / rev[None, :], 0.0, 1.0)
        out[j] = sum(
            m * stats.beta.cdf(share, a, b).mean()
            for m, a, b in zip(priors.m, priors.r_alpha, priors.r_beta, strict=True)
        )
    return out


def prior_revenue_check(priors: Priors, obs: RevenueObservation) -> RevenueCheck:
    """Prior predictive tail probability of the full-year datum (exact to quadrature error).

    Parameters
    ----------
    priors : Priors
        The elicited priors.
    obs : RevenueObservation
        The full-year datum.

    Returns
    -------
    RevenueCheck
        Labelled ``prior``.
    """
    c = float(prior_revenue_cdf(priors, np.array([obs.usd_bn]), obs.sd)[0])
    grid = np.concatenate([-np.geomspace(0.2, 1e-3, 20), [0.0], np.geomspace(1e-3, 60.0, 100)])
    cdf = prior_revenue_cdf(priors, grid, obs.sd, n_eps=200, n_rev=40)
    return RevenueCheck("prior", obs.usd_bn, obs.sd, float("nan"), c, two_sided(c, 1.0 - c), grid, cdf)


def posterior_revenue_check(post: ExactPosterior, obs: RevenueObservation) -> RevenueCheck:
    """``P(x_rep <= x_obs | E) = sum_s P(s | E) sum_i w_i Phi((x_obs - r_i R) / sd)`` over the posterior nodes.

    Not informative: one datum, fitted by a free recovery share.

    Parameters
    ----------
    post : ExactPosterior
        The exact posterior given the datum.
    obs : RevenueObservation
        The full-year datum (with its ``revenue``).

    Returns
    -------
    RevenueCheck
        Labelled ``posterior``, with its density.
    """
    assert obs.revenue is not None
    grid = np.linspace(obs.usd_bn - 6 * obs.sd, obs.usd_bn + 6 * obs.sd, 401)

    def mix(f, x: np.ndarray) -> np.ndarray:
        return sum(
            p * (q.weights[None, :] * f((x[:, None] - q.nodes[None, :] * obs.revenue) / obs.sd)).sum(axis=1)
            for p, q in zip(post.scenario_prob, post.parts, strict=True)
            if p > 0
        )

    c = float(mix(stats.norm.cdf, np.array([obs.usd_bn]))[0])
    return RevenueCheck(
        "posterior",
        obs.usd_bn,
        obs.sd,
        obs.revenue,
        c,
        two_sided(c, 1.0 - c),
        grid,
        mix(stats.norm.cdf, grid),
        mix(stats.norm.pdf, grid) / obs.sd,
        informative=False,
    )


# --------------------------------------------------------------------------- forecasting the datum


FORECAST_GRID: int = 6000
"""Nodes in log X (post-licence revenue, USD bn) of the forecast check."""


def _prior_x_density(a: float, b: float, revenue: LogNormalPrior, log_x: np.ndarray, n_rev: int = 400) -> np.ndarray:
    """Density of ``log X`` for ``X = r R``, ``r ~ Beta(a, b)``, ``R`` log-normal (quantile-midpoint nodes in R)."""
    rev = stats.lognorm.ppf((np.arange(n_rev) + 0.5) / n_rev, s=revenue.sigma, scale=np.exp(revenue.mu))
    x = np.exp(log_x)
    share = np.clip(x[:, None] / rev[None, :], 0.0, 1.0)
    with np.errstate(divide="ignore"):
        dens = stats.beta.pdf(share, a, b) / rev[None, :]
    return np.nan_to_num(dens).mean(axis=1) * x


def _partial_likelihood(obs: RevenueObservation, log_x: np.ndarray, n_phi: int = 2000) -> np.ndarray:
    """``p(c | X) = E_phi[Normal(c | phi X, sd)]`` of a running total ``c`` (quantile-midpoint nodes in phi)."""
    a = obs.fraction_mean * obs.fraction_concentration
    b = (1.0 - obs.fraction_mean) * obs.fraction_concentration
    phi = stats.beta.ppf((np.arange(n_phi) + 0.5) / n_phi, a, b)
    x = np.exp(log_x)
    return stats.norm.pdf(obs.usd_bn, phi[None, :] * x[:, None], obs.sd).mean(axis=1)


def forecast_revenue_check(setup: Setup) -> RevenueCheck | None:
    """Predict the full-year disclosure from the evidence the day before it, then compare (a check with power).

    On the day before the annual datum was reported, the model had the news and the running total
    disclosed so far (a partial datum). Its predictive distribution of the year's figure is
    ``sum_s P(s | E_t) ∫ p_s(X | c) Phi((x - X) / sd) dX`` with ``p_s(X | c) ∝ p_s(X) p(c | X)`` on a
    grid in ``log X`` (``p_s``: the recovery prior times the revenue prior). The tail probability of
    the disclosed figure is two-sided.

    Parameters
    ----------
    setup : Setup
        The inputs (evidence, assumptions, priors).

    Returns
    -------
    RevenueCheck or None
        Labelled ``forecast``; None when no full-year figure is in force.
    """
    from ..evidence import select
    from ..likelihood import likelihood_of

    obs = setup.likelihood.revenue
    if obs.kind != "annual":
        return None
    year = next(p for p in setup.evidence.periods if p.fiscal_period == obs.periods[0])
    ev = setup.evidence
    before = select(ev.events, ev.periods, year.reported - dt.timedelta(days=1), ev.min_confidence)
    lik_t = likelihood_of(setup.assumptions, before, setup.priors)
    post_t = exact_posterior(setup.priors, lik_t, setup.assumptions.inference.quadrature_nodes)
    p = setup.priors
    log_x = np.linspace(np.log(1e-7), np.log(2.0 * p.revenue.upper), FORECAST_GRID)
    like = _partial_likelihood(lik_t.revenue, log_x) if lik_t.revenue.kind == "partial" else np.ones_like(log_x)
    grid = np.concatenate([[0.0], np.geomspace(1e-4, 100.0, 400)])
    cdf_grid = np.zeros(grid.shape)
    c = 0.0
    for k, prob in enumerate(post_t.scenario_prob):
        if prob <= 0:
            continue
        w = _prior_x_density(p.r_alpha[k], p.r_beta[k], p.revenue, log_x) * like
        if w.sum() <= 0:
            continue
        w = w / w.sum()
        x_nodes = np.exp(log_x)
        c += prob * fdot(w, stats.norm.cdf((obs.usd_bn - x_nodes) / obs.sd))
        cdf_grid += prob * (w[None, :] * stats.norm.cdf((grid[:, None] - x_nodes[None, :]) / obs.sd)).sum(axis=1)
    c = float(np.clip(c, 0.0, 1.0))
    return RevenueCheck("forecast", obs.usd_bn, obs.sd, obs.revenue, c, two_sided(c, 1.0 - c), grid, cdf_grid)
