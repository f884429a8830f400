"""The likelihood both inference paths share (book/method.md, "The model").

Given the realised scenario ``z = s`` and its recovery share ``r_s``::

    log p(E | z = s, r_s) = w * sum_c n_c log P(c | s)        tempered signal counts
                          + log p(revenue datum | r_s)          the measurement model

The signal part does not depend on ``r``; the revenue part is
:func:`model.computation.measurement.revenue_loglik` (partial sums or the full year, never both).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy import special

from .assumptions import Assumptions
from .evidence import Evidence, log_likelihood_table, signal_loglik
from .measurement import RevenueObservation, likelihood_window, nuisance_nodes, revenue_loglik, revenue_observation
from .priors import Priors


@dataclass(frozen=True)
class Likelihood:
    """The evidence reduced to what the likelihood needs.

    Attributes
    ----------
    signal_loglik : numpy.ndarray
        Tempered signal log-likelihood per scenario (nats), shape (4,), :data:`model.SCENARIOS` order.
    revenue : RevenueObservation
        The revenue datum (none, partial sum or full year), from ``quarters.csv``.
    nuisance : numpy.ndarray
        Nodes of ``y = log(phi R)`` (``R`` in USD bn) and their log weights for a partial sum, shape (2, n);
        empty otherwise (:func:`model.computation.measurement.nuisance_nodes`).
    """

    signal_loglik: np.ndarray
    """Tempered signal log-likelihood per scenario, shape (4,)."""
    revenue: RevenueObservation
    """The revenue datum (none, partial sum or full year)."""
    nuisance: np.ndarray
    """Nodes and log weights of ``phi R`` for a partial sum, shape (2, n) (empty otherwise)."""

    def revenue_loglik(self, r: np.ndarray) -> np.ndarray:
        """``log p(revenue datum | r)``, broadcast over ``r``.

        Parameters
        ----------
        r : numpy.ndarray
            Recovery shares (fractions of FY2026 revenue, in [0, 1]), any shape.

        Returns
        -------
        numpy.ndarray
            Log-likelihood (nats), the shape of ``r``; 0 everywhere without a revenue datum.
        """
        return revenue_loglik(r, self.revenue, self.nuisance)

    def peak_window(self) -> tuple[float, float] | None:
        """The shares where the revenue datum's likelihood is not negligible, when it is narrow (annual datum).

        Returns
        -------
        tuple of (float, float) or None
            Lower and upper share (fractions), or None when the datum is not narrow (or absent).
        """
        return likelihood_window(self.revenue)

    def with_signal_weight(self, factor: float) -> "Likelihood":
        """The same likelihood with the signal part scaled by ``factor`` (power-scaling).

        Parameters
        ----------
        factor : float
            Multiplies :attr:`signal_loglik` (1 leaves it unchanged, 0 removes the signals).

        Returns
        -------
        Likelihood
            A new likelihood; the revenue part is the same.
        """
        return Likelihood(self.signal_loglik * factor, self.revenue, self.nuisance)

    def with_revenue(self, revenue: RevenueObservation, nuisance: np.ndarray | None = None) -> "Likelihood":
        """The same signals with another revenue datum.

        Parameters
        ----------
        revenue : RevenueObservation
            The revenue datum to use instead.
        nuisance : numpy.ndarray, optional
            Nodes and log weights of ``phi R`` for ``revenue``, shape (2, n); default: this likelihood's.

        Returns
        -------
        Likelihood
            A new likelihood with the same :attr:`signal_loglik`.
        """
        return Likelihood(self.signal_loglik, revenue, self.nuisance if nuisance is None else nuisance)


def revenue_datum(a: Assumptions, ev: Evidence) -> RevenueObservation:
    """The revenue datum the evidence implies under the assumptions' measurement settings.

    Parameters
    ----------
    a : Assumptions
        The assumptions; their ``measurement`` section (fiscal year end, measurement error) is read.
    ev : Evidence
        The evidence in force; its reported periods (``quarters.csv``) are read.

    Returns
    -------
    RevenueObservation
        The latest disclosed running total of post-licence H20 revenue (USD bn): ``annual`` when it covers the
        fiscal year and the year's revenue is reported, else ``partial``; ``none`` before any disclosure.
    """
    m = a.measurement
    return revenue_observation(ev.periods, m, m.fiscal_year_end.value)


def likelihood_of(
    a: Assumptions,
    ev: Evidence,
    priors: Priors,
    *,
    weight: float | None = None,
    sd_factor: float = 1.0,
    log_table: np.ndarray | None = None,
) -> Likelihood:
    """Reduce assumptions and evidence to a :class:`Likelihood` (keywords override the assumptions).

    Parameters
    ----------
    a : Assumptions
        The assumptions (``assumptions.yaml``): signal table, tempering weight, measurement settings.
    ev : Evidence
        The evidence in force (``events.csv``, ``quarters.csv``).
    priors : Priors
        The elicited priors; the FY2026 revenue prior (log-normal, USD bn) sets the nuisance nodes.
    weight : float, optional
        Tempering weight of the signals (default: the assumptions').
    sd_factor : float
        Multiplies the measurement error of the revenue datum (USD bn).
    log_table : numpy.ndarray, optional
        ``log P(signal | scenario)``, shape (signal, 4) (default: the assumptions' table).

    Returns
    -------
    Likelihood
        The signal log-likelihood per scenario, the revenue datum and its nuisance nodes.
    """
    w = a.signals.tempering_weight.value if weight is None else weight
    table = log_likelihood_table(a) if log_table is None else log_table
    obs = revenue_datum(a, ev)
    if sd_factor != 1.0:
        obs = replace(obs, sd=obs.sd * sd_factor)
    return Likelihood(
        signal_loglik=signal_loglik(ev.signal_counts(), table, w),
        revenue=obs,
        nuisance=nuisance_nodes(obs, priors.revenue.mu, priors.revenue.sigma),
    )


def conditional_scenario_prob(log_prior: np.ndarray, lik: Likelihood, r: np.ndarray) -> np.ndarray:
    """``P(z = s | r, E)`` (or given theta too, with ``log_prior = log theta``); last axis = scenario.

    Parameters
    ----------
    log_prior : numpy.ndarray
        Log prior probability of each scenario, shape (..., 4).
    lik : Likelihood
        The likelihood.
    r : numpy.ndarray
        Recovery share (fraction) of the realised scenario, shape (..., 1) to broadcast against the scenarios.

    Returns
    -------
    numpy.ndarray
        Probabilities summing to 1 over the last axis (scenario), the broadcast shape.
    """
    logw = log_prior + lik.signal_loglik + lik.revenue_loglik(r)
    return np.exp(logw - special.logsumexp(logw, axis=-1, keepdims=True))
