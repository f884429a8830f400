"""The prior families of the model: the Beta prior of a recovery share and the log-normal prior of revenue.

Each holds its parameters and how it was elicited (the interval and the mass asked inside it), with the
derived numbers the report and the checks read (mean, pseudo-sample size, the mass achieved). The fits
themselves are in :mod:`model.computation.elicitation`; the model's full set,
:class:`~model.computation.priors.Priors`, in :mod:`model.computation.priors`.

Method: book/method.md, "Priors".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class BetaPrior:
    """A Beta prior of a recovery share, and how it was elicited.

    Attributes
    ----------
    alpha, beta : float
        The Beta's parameters.
    lower, upper : float
        The elicited interval (shares; for ``quantiles`` the two quantiles' values, for
        ``near_zero`` 0 and the value).
    mass_requested : float
        Probability asked inside [lower, upper].
    method : str
        ``maxent`` (mass in [lower, upper], maximum entropy), ``quantiles`` (P(r <= lower) and
        P(r <= upper) matched) or ``near_zero`` (``Beta(1, b)`` with P(r <= upper) matched).
    p_lower : float
        For ``quantiles``: the elicited P(r <= lower).
    """

    alpha: float
    beta: float
    lower: float
    upper: float
    mass_requested: float
    method: str = "maxent"
    p_lower: float = 0.0

    @property
    def mean(self) -> float:
        """Prior mean ``alpha / (alpha + beta)`` (share)."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def description(self) -> str:
        """The elicitation in words, e.g. '90% in [11%, 12%]' or 'P(≤ 0.1%) = 25%, P(≤ 1%) = 90%'."""
        if self.method == "near_zero":
            return f"flat near 0, P(≤ {100 * self.upper:g}%) = {100 * self.mass_requested:g}%"
        if self.method == "quantiles":
            return (
                f"P(≤ {100 * self.lower:g}%) = {100 * self.p_lower:g}%, "
                f"P(≤ {100 * self.upper:g}%) = {100 * (self.p_lower + self.mass_requested):g}%"
            )
        return f"{100 * self.mass_requested:g}% in [{100 * self.lower:g}%, {100 * self.upper:g}%]"

    @property
    def pseudo_n(self) -> float:
        """Implied pseudo-sample size ``alpha + beta`` (observations)."""
        return self.alpha + self.beta

    @property
    def mass_achieved(self) -> float:
        """Probability the fitted Beta puts in [lower, upper] (compare :attr:`mass_requested`)."""
        d = stats.beta(self.alpha, self.beta)
        return float(d.cdf(self.upper) - d.cdf(self.lower))


@dataclass(frozen=True)
class LogNormalPrior:
    """Log-normal prior on FY2026 revenue (USD bn).

    Attributes
    ----------
    mu, sigma : float
        Mean and sd of log revenue (log USD bn).
    lower, upper : float
        The elicited interval, USD bn.
    mass_requested : float
        Probability asked inside it.
    """

    mu: float
    sigma: float
    lower: float
    upper: float
    mass_requested: float

    @property
    def mean(self) -> float:
        """Prior mean ``exp(mu + sigma^2 / 2)``, USD bn."""
        return float(np.exp(self.mu + 0.5 * self.sigma**2))

    @property
    def mass_achieved(self) -> float:
        """Probability the fitted log-normal puts in [lower, upper]."""
        d = stats.lognorm(s=self.sigma, scale=np.exp(self.mu))
        return float(d.cdf(self.upper) - d.cdf(self.lower))
