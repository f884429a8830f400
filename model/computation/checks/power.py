"""Power-scaling sensitivity of the headline quantities on the exact path (Kallioinen et al. 2023)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Sequence

import numpy as np
from scipy import special

from ... import SCENARIOS
from ..exact import ExactPosterior, exact_posterior
from ..likelihood import Likelihood
from ..priors import Priors
from .common import Check

PS_LOG2_ALPHA: float = 0.1
"""Power-scaling perturbation: alpha = 2**(+-0.1)."""
PS_THRESHOLD: float = 0.05
"""Power-scaling sensitivity above this is 'sensitive' (Kallioinen et al. 2023)."""


# --------------------------------------------------------------------------- power-scaling


def powered_priors(priors: Priors, alpha: float) -> Priors:
    """Every prior density raised to ``alpha``: Dirichlet ``alpha (kappa m - 1) + 1``, Beta ``alpha (a - 1) + 1``.

    Valid while every parameter stays positive (for ``a < 1``: ``alpha < 1 / (1 - a)``).
    FY2026 revenue is observed once the full year is reported, so its prior plays no part.

    Parameters
    ----------
    priors : Priors
        The elicited priors.
    alpha : float
        The power (1 leaves them unchanged).

    Returns
    -------
    Priors
        The power-scaled priors.

    Raises
    ------
    ValueError
        When a parameter would not be positive.
    """
    conc = alpha * (priors.dirichlet_alpha - 1.0) + 1.0
    a = alpha * (priors.r_alpha - 1.0) + 1.0
    b = alpha * (priors.r_beta - 1.0) + 1.0
    if min(conc.min(), a.min(), b.min()) <= 0:
        raise ValueError(f"power-scaling the prior by {alpha} leaves a non-positive parameter")
    kappa = float(conc.sum())
    rec = {s: replace(priors.recovery[s], alpha=float(a[i]), beta=float(b[i])) for i, s in enumerate(SCENARIOS)}
    return priors.with_(m=conc / kappa, kappa=kappa, recovery=rec)


def powered_recovery(priors: Priors, scenario: str, alpha: float) -> Priors:
    """Only one scenario's recovery prior raised to ``alpha`` (``Beta(alpha (a - 1) + 1, alpha (b - 1) + 1)``).

    Parameters
    ----------
    priors : Priors
        The elicited priors.
    scenario : str
        The scenario whose recovery prior is scaled.
    alpha : float
        The power.

    Returns
    -------
    Priors
        The priors with that one recovery prior scaled.

    Raises
    ------
    ValueError
        When a parameter would not be positive.
    """
    i = SCENARIOS.index(scenario)
    a = alpha * (priors.r_alpha[i] - 1.0) + 1.0
    b = alpha * (priors.r_beta[i] - 1.0) + 1.0
    if min(a, b) <= 0:
        raise ValueError(f"power-scaling the {scenario} prior by {alpha} leaves a non-positive parameter")
    return priors.with_(recovery={**priors.recovery, scenario: replace(priors.recovery[scenario], alpha=a, beta=b)})


def powered_likelihood(lik: Likelihood, alpha: float) -> Likelihood:
    """The likelihood raised to ``alpha``: signal weight ``w alpha``, measurement sd ``sd / sqrt(alpha)``.

    A Normal density to the power alpha is the Normal with sd / sqrt(alpha), up to a constant
    that is the same for every scenario and share, so it cancels.

    Parameters
    ----------
    lik : Likelihood
        The likelihood of the evidence.
    alpha : float
        The power.

    Returns
    -------
    Likelihood
        The power-scaled likelihood.
    """
    out = lik.with_signal_weight(alpha)
    if lik.revenue.kind != "none":
        out = out.with_revenue(replace(lik.revenue, sd=lik.revenue.sd / np.sqrt(alpha)))
    return out


def js_distance(p: np.ndarray, q: np.ndarray) -> float:
    """Jensen-Shannon distance (base 2) between two discrete distributions.

    Parameters
    ----------
    p, q : numpy.ndarray
        Same shape, each summing to 1.

    Returns
    -------
    float
        The distance, in [0, 1].
    """
    m = 0.5 * (p + q)

    def kl(a: np.ndarray) -> float:
        pos = a > 0
        return float(np.sum(a[pos] * np.log2(a[pos] / m[pos])))

    return float(np.sqrt(max(0.0, 0.5 * kl(p) + 0.5 * kl(q))))


def cjs_distance(x: np.ndarray, f: np.ndarray, g: np.ndarray) -> float:
    """Cumulative Jensen-Shannon distance between CDFs ``f`` and ``g`` on grid ``x`` (Nguyen & Vreeken 2015).

    ``CJS(F||G) = int F log2(F / ((F + G) / 2)) + (G - F) / (2 ln 2) dx``; the distance is
    ``sqrt((CJS(F||G) + CJS(G||F)) / int (F + G) dx)``, as ``arviz-stats``' psense computes it
    from weighted draws; here from exact CDFs (trapezoid rule).

    Parameters
    ----------
    x : numpy.ndarray
        Shape (n,): increasing grid.
    f, g : numpy.ndarray
        Shape (n,): the two CDFs on ``x``.

    Returns
    -------
    float
        The distance (0 when both CDFs vanish on the grid).
    """
    f, g = np.clip(f, 0.0, 1.0), np.clip(g, 0.0, 1.0)

    def cjs(a: np.ndarray, b: np.ndarray) -> float:
        m = 0.5 * (a + b)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(a > 0, a * np.log2(a / m), 0.0) + (b - a) / (2 * np.log(2))
        return max(0.0, float(np.trapezoid(t, x)))

    bound = float(np.trapezoid(f + g, x))
    return 0.0 if bound <= 0 else float(np.sqrt((cjs(f, g) + cjs(g, f)) / bound))


@dataclass(frozen=True)
class PowerScaling:
    """psense-style sensitivity of the headline quantities on the exact path.

    Attributes
    ----------
    quantities : tuple of str
        :meth:`label` of each scenario, then :attr:`SHARE`.
    prior, likelihood : numpy.ndarray
        Shape (quantities,): sensitivity to scaling every prior, and the likelihood.
    log2_alpha : float
        The perturbation: ``alpha = 2**(+-log2_alpha)``.
    threshold : float
        Sensitivity at or above this is flagged.
    single : dict of str to numpy.ndarray
        Sensitivity to one scenario's recovery prior alone (by scenario; shape (quantities,)): scaling
        one of two priors that compete near zero moves their ratio, which scaling all priors together
        leaves fixed.
    SHARE : str
        Name of the share among :attr:`quantities`.
    """

    quantities: tuple[str, ...]
    prior: np.ndarray
    likelihood: np.ndarray
    log2_alpha: float
    threshold: float
    single: dict[str, np.ndarray] = field(default_factory=dict)

    SHARE = "recovered share"

    @staticmethod
    def label(scenario: str) -> str:
        """Name of P(z = scenario | E) among :attr:`quantities`.

        Parameters
        ----------
        scenario : str
            A scenario.

        Returns
        -------
        str
            ``P(z=scenario)``.
        """
        return f"P(z={scenario})"

    def of(self, scenario: str | None = None) -> tuple[float, float]:
        """(prior, likelihood) sensitivity of P(z = scenario | E), or of the share.

        Parameters
        ----------
        scenario : str, optional
            A scenario; None for the recovered share.

        Returns
        -------
        tuple of float
            ``(prior, likelihood)``.
        """
        i = self.quantities.index(self.SHARE if scenario is None else self.label(scenario))
        return float(self.prior[i]), float(self.likelihood[i])

    def diagnosis(self, i: int) -> str:
        """The psense diagnosis of one quantity.

        Parameters
        ----------
        i : int
            Index into :attr:`quantities`.

        Returns
        -------
        str
            ``potential prior-data conflict`` (both at or above the threshold), ``potential strong prior /
            weak likelihood`` (the prior only) or ``ok``.
        """
        p, lk = self.prior[i] >= self.threshold, self.likelihood[i] >= self.threshold
        if p and lk:
            return "potential prior-data conflict"
        if p:
            return "potential strong prior / weak likelihood"
        return "ok"

    def rows(self) -> list[dict[str, object]]:
        """One row per quantity: its prior and likelihood sensitivity and :meth:`diagnosis`.

        Returns
        -------
        list of dict
            Keys ``quantity``, ``prior``, ``likelihood``, ``diagnosis``.
        """
        return [
            {
                "quantity": q,
                "prior": float(self.prior[i]),
                "likelihood": float(self.likelihood[i]),
                "diagnosis": self.diagnosis(i),
            }
            for i, q in enumerate(self.quantities)
        ]

    def single_rows(self) -> list[dict[str, object]]:
        """Sensitivity of each quantity to each scenario's recovery prior scaled alone.

        Returns
        -------
        list of dict
            Keys ``recovery prior``, ``quantity``, ``prior``, ``likelihood``.
        """
        return [
            {"recovery prior": s, "quantity": q, "prior": float(v[i]), "likelihood": float(self.likelihood[i])}
            for s, v in self.single.items()
            for i, q in enumerate(self.quantities)
        ]

    def checks(self) -> list[Check]:
        """Each quantity, and each recovery prior scaled alone, as a pass/fail row.

        Returns
        -------
        list of Check
            Failing on a potential prior-data conflict only.
        """
        rule = f"not both prior and likelihood sensitivity >= {self.threshold}"
        out = [
            Check(
                f"power_scaling.{q}",
                float(self.prior[i]),
                float("nan"),
                self.diagnosis(i) != "potential prior-data conflict",
                rule,
                f"prior {self.prior[i]:.3f}, likelihood {self.likelihood[i]:.3f}: {self.diagnosis(i)}",
            )
            for i, q in enumerate(self.quantities)
        ]
        for s, v in self.single.items():
            worst = int(np.argmax(v))
            conflict = v[worst] >= self.threshold and self.likelihood[worst] >= self.threshold
            out.append(
                Check(
                    f"power_scaling.recovery prior of {s} alone",
                    float(v[worst]),
                    float("nan"),
                    not conflict,
                    rule,
                    f"largest on {self.quantities[worst]}: prior {v[worst]:.3f}, "
                    f"likelihood {self.likelihood[worst]:.3f}",
                )
            )
        return out


PS_REFERENCE_DRAWS: int = 4000
"""The share's CJS distance is integrated between the base posterior's 1/N and 1 - 1/N quantiles,
the range N = 4,000 draws would span (the distance's normalisation depends on the range)."""


def _share_grid(post: ExactPosterior) -> np.ndarray:
    lo, hi = post.share_quantile([1.0 / PS_REFERENCE_DRAWS, 1.0 - 1.0 / PS_REFERENCE_DRAWS])
    return special.expit(np.linspace(special.logit(lo), special.logit(hi), 20001))


def power_scaling(
    priors: Priors,
    lik: Likelihood,
    n_nodes: int = 4000,
    log2_alpha: float = PS_LOG2_ALPHA,
    threshold: float = PS_THRESHOLD,
    single_priors: Sequence[str] = (),
) -> PowerScaling:
    """Prior and likelihood sensitivity of ``P(z = s | E)`` (each a Bernoulli) and of the recovered share.

    Sensitivity ``= (D(alpha_-) + D(alpha_+)) / (2 * log2_alpha)`` with ``alpha_+- = 2**(+-log2_alpha)``
    and ``D`` the distance between the base posterior and the power-scaled one: Jensen-Shannon
    (base 2) for the Bernoulli ``z = s``; for the share the larger cumulative Jensen-Shannon
    distance of the CDF and of the survival function (as psense takes ``x`` and ``-x``), over
    the range :data:`PS_REFERENCE_DRAWS` draws would span. Every posterior is exact.

    Parameters
    ----------
    priors : Priors
        The elicited priors.
    lik : Likelihood
        The likelihood of the evidence.
    n_nodes : int
        Quadrature nodes of each exact posterior.
    log2_alpha : float
        The perturbation.
    threshold : float
        Sensitivity flagged at or above this.
    single_priors : sequence of str
        Scenarios whose recovery prior is also scaled alone (:attr:`PowerScaling.single`).

    Returns
    -------
    PowerScaling
        The sensitivities.
    """
    base = exact_posterior(priors, lik, n_nodes)
    alphas = (2.0**-log2_alpha, 2.0**log2_alpha)
    names = (*(PowerScaling.label(s) for s in SCENARIOS), PowerScaling.SHARE)

    def dists(post: ExactPosterior, grid: np.ndarray, f0: np.ndarray) -> np.ndarray:
        d = [
            js_distance(np.array([p0, 1 - p0]), np.array([p1, 1 - p1]))
            for p0, p1 in zip(base.scenario_prob, post.scenario_prob, strict=True)
        ]
        f1 = post.share_cdf(grid)
        d.append(max(cjs_distance(grid, f0, f1), cjs_distance(-grid[::-1], 1 - f0[::-1], 1 - f1[::-1])))
        return np.array(d)

    grid = _share_grid(base)
    f0 = base.share_cdf(grid)

    def sensitivity(powered) -> np.ndarray:
        return sum(dists(powered(a), grid, f0) for a in alphas) / (2 * log2_alpha)

    prior = sensitivity(lambda a: exact_posterior(powered_priors(priors, a), lik, n_nodes))
    likelihood = sensitivity(lambda a: exact_posterior(priors, powered_likelihood(lik, a), n_nodes))
    single = {
        s: sensitivity(lambda a, s=s: exact_posterior(powered_recovery(priors, s, a), lik, n_nodes))
        for s in (single_priors or ())
    }
    return PowerScaling(names, prior, likelihood, log2_alpha, threshold, single)
