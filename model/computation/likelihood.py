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
    """The evidence reduced to what the likelihood needs."""

    signal_loglik: np.ndarray
    """Tempered signal log-likelihood per scenario, shape (4,)."""
    revenue: RevenueObservation
    """The revenue datum (none, partial sum or full year)."""
    nuisance: np.ndarray
    """Nodes and log weights of ``phi R`` for a partial sum, shape (2, n) (empty otherwise)."""

    def revenue_loglik(self, r: np.ndarray) -> np.ndarray:
        """``log p(revenue datum | r)``, broadcast over ``r``."""
        return revenue_loglik(r, self.revenue, self.nuisance)

    def peak_window(self) -> tuple[float, float] | None:
        """The shares where the revenue datum's likelihood is not negligible, when it is narrow (annual datum)."""
        return likelihood_window(self.revenue)

    def with_signal_weight(self, factor: float) -> "Likelihood":
        """The same likelihood with the signal part scaled by ``factor`` (power-scaling)."""
        return Likelihood(self.signal_loglik * factor, self.revenue, self.nuisance)

    def with_revenue(self, revenue: RevenueObservation, nuisance: np.ndarray | None = None) -> "Likelihood":
        return Likelihood(self.signal_loglik, revenue, self.nuisance if nuisance is None else nuisance)


def revenue_datum(a: Assumptions, ev: Evidence) -> RevenueObservation:
    """The revenue datum the evidence implies under the assumptions' measurement settings."""
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
    weight : tempering weight of the signals (default: the assumptions').
    sd_factor : multiplies the measurement error of the revenue datum.
    log_table : ``log P(signal | scenario)`` (default: the assumptions' table).
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
    """``P(z = s | r, E)`` (or given theta too, with ``log_prior = log theta``); last axis = scenario."""
    logw = log_prior + lik.signal_loglik + lik.revenue_loglik(r)
    return np.exp(logw - special.logsumexp(logw, axis=-1, keepdims=True))
