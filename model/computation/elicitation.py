"""Elicitation: the prior of each family that meets an elicited interval and its mass.

* :func:`elicit_beta`: the maximum-entropy Beta with ``mass`` in ``[lower, upper]`` (the problem
  PreliZ's ``maxent`` solves, here by scalar root-finding and a bounded 1-D search, so every machine
  gets the same bits; a test checks the two agree).
* :func:`elicit_beta_near_zero`: ``Beta(1, b)`` through one elicited quantile, where the natural
  outcome sits at zero; :func:`elicit_beta_quantiles`: the Beta through two elicited quantiles.
* :func:`elicit_kappa`: the Dirichlet strength ``kappa`` for which the marginal
  ``theta_base ~ Beta(kappa m_b, kappa (1 - m_b))`` puts ``mass`` in the base interval.
* :func:`elicit_lognormal`: the maximum-entropy log-normal given an interval (FY2026 revenue, USD bn).

A fit that cannot meet its interval raises :class:`ElicitationError` with what would work.
Method: book/method.md, "Priors".
"""

from __future__ import annotations

import math
import warnings
from functools import lru_cache

import numpy as np
from scipy import optimize, special, stats

from .prior_families import BetaPrior, LogNormalPrior

BETA_MIN, BETA_MAX = 0.05, 1e7
"""A quantile-matched Beta outside these parameters is degenerate (all mass at one end, or a spike)."""

MASS_TOLERANCE: float = 0.005
"""Largest accepted gap between the mass requested in an interval and the mass the fitted prior puts there."""


class ElicitationError(ValueError):
    """No prior of the family meets an elicited interval: what failed and what would work.

    Parameters
    ----------
    family : str
        ``Beta``, ``Dirichlet`` or ``log-normal``.
    lower, upper : float
        The interval's ends (or the two quantiles' values).
    mass : float
        The probability asked inside it.
    problem : str
        What failed, in words.
    fix : str
        What would work, in words.
    """

    def __init__(self, family: str, lower: float, upper: float, mass: float, problem: str, fix: str) -> None:
        """Keep the parts (read by :func:`model.computation.priors.elicited_field`); message ``problem; fix: fix``."""
        self.family, self.lower, self.upper, self.mass = family, lower, upper, mass
        self.problem, self.fix = problem, fix
        super().__init__(f"{problem}; fix: {fix}")


@lru_cache(maxsize=512)
def beta_entropy(a: float, b: float) -> float:
    """Differential entropy of ``Beta(a, b)`` (nats).

    Parameters
    ----------
    a, b : float
        The Beta's parameters (positive).

    Returns
    -------
    float
        Nats.
    """
    return float(
        special.betaln(a, b)
        - (a - 1.0) * special.digamma(a)
        - (b - 1.0) * special.digamma(b)
        + (a + b - 2.0) * special.digamma(a + b)
    )


KAPPA_RANGE: tuple[float, float] = (1e-3, 1e9)
"""Concentrations ``a + b`` searched by :func:`maxent_beta`."""


def _concentration_for(mean: float, lower: float, upper: float, mass: float) -> float | None:
    """The concentration ``k`` at which ``Beta(k mean, k (1 - mean))`` puts ``mass`` in ``[lower, upper]``."""

    def gap(log_k: float) -> float:
        k = math.exp(log_k)  # the C library's exp, not NumPy's: NumPy's SIMD loops differ by CPU in the last bit
        return beta_interval_mass(k * mean, k * (1.0 - mean), lower, upper) - mass

    lo, hi = math.log(KAPPA_RANGE[0]), math.log(KAPPA_RANGE[1])
    with np.errstate(all="ignore"):
        g_lo, g_hi = gap(lo), gap(hi)
        if not (np.isfinite(g_lo) and np.isfinite(g_hi)) or g_lo * g_hi > 0:
            return None
        return math.exp(optimize.brentq(gap, lo, hi, xtol=1e-14, rtol=1e-15, maxiter=500))


def maxent_beta(lower: float, upper: float, mass: float) -> tuple[float, float] | None:
    """The maximum-entropy Beta with ``mass`` in ``[lower, upper]``, as ``(a, b)`` (None if none exists).

    One dimension at a time, with scalar algorithms only, so every machine gets the same bits: for
    a mean inside the interval, the concentration that meets the mass (Brent's root); over the mean,
    the largest entropy (Brent's bounded minimum, to 1e-13). PreliZ's ``maxent`` solves the same
    problem by a general optimiser whose answer differs between BLAS kernels in the fourth digit;
    a test checks the two agree to its tolerance.

    Parameters
    ----------
    lower, upper : float
        Interval ends, shares.
    mass : float
        Probability inside, in (0, 1).

    Returns
    -------
    tuple of float or None
        ``(a, b)``, or None when no Beta puts ``mass`` there.
    """
    lo_m, hi_m = max(lower, 1e-12), min(upper, 1.0 - 1e-12)
    if not lo_m < hi_m:
        return None

    def neg_entropy(mean: float) -> float:
        k = _concentration_for(mean, lower, upper, mass)
        return 1e300 if k is None else -beta_entropy(k * mean, k * (1.0 - mean))

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = optimize.minimize_scalar(neg_entropy, bounds=(lo_m, hi_m), method="bounded", options={"xatol": 1e-13})
    k = _concentration_for(float(res.x), lower, upper, mass)
    return None if k is None else (k * float(res.x), k * (1.0 - float(res.x)))


@lru_cache(maxsize=512)
def elicit_beta(lower: float, upper: float, mass: float) -> BetaPrior:
    """Maximum-entropy Beta with probability ``mass`` in ``[lower, upper]`` (:func:`maxent_beta`).

    Parameters
    ----------
    lower, upper : float
        Interval ends, as shares in [0, 1].
    mass : float
        Probability inside the interval, in (0, 1).

    Returns
    -------
    BetaPrior
        ``method="maxent"``.

    Raises
    ------
    ElicitationError
        No Beta meets the interval (within :data:`MASS_TOLERANCE`), with what would work.
    """
    if lower <= 0.0 and upper >= 1.0:
        fix = "the interval is all of [0, 1], where every Beta has all its mass: narrow it, e.g. [0.01, 0.5]"
    else:
        fix = (
            "widen the interval, keep it away from 0 and 1, or lower the mass "
            "(e.g. 0.9 in an interval at least 0.01 wide)"
        )
    where = f"{mass:g} of the mass in [{lower:g}, {upper:g}]"
    fit = maxent_beta(lower, upper, mass)
    if fit is None or not all(np.isfinite(fit)) or not (BETA_MIN <= min(fit) and max(fit) <= BETA_MAX):
        raise ElicitationError("Beta", lower, upper, mass, f"no Beta prior puts {where}", fix)
    got = beta_interval_mass(*fit, lower, upper)
    if abs(got - mass) > MASS_TOLERANCE:
        raise ElicitationError("Beta", lower, upper, mass, f"the best Beta fit puts {got:.4g}, not {where}", fix)
    return BetaPrior(float(fit[0]), float(fit[1]), lower, upper, mass)


def elicit_beta_near_zero(value: float, prob: float) -> BetaPrior:
    """``Beta(1, b)`` with ``P(r <= value) = prob``.

    ``1 - (1 - value)^b = prob``, so ``b = log(1 - prob) / log(1 - value)``.

    Parameters
    ----------
    value : float
        A share in (0, 1).
    prob : float
        ``P(r <= value)``, in (0, 1).

    Returns
    -------
    BetaPrior
        ``method="near_zero"``.

    Raises
    ------
    ElicitationError
        When ``b`` is not finite or outside [:data:`BETA_MIN`, :data:`BETA_MAX`].
    """
    b = float(np.log1p(-prob) / np.log1p(-value))
    if not (np.isfinite(b) and BETA_MIN <= b <= BETA_MAX):
        raise ElicitationError(
            "Beta",
            0.0,
            value,
            prob,
            f"no Beta(1, b) has P(r <= {value:g}) = {prob:g} (b = {b:g})",
            "give a value in (0, 1) and a probability above it, e.g. value 0.01, prob 0.9",
        )
    return BetaPrior(1.0, b, 0.0, value, prob, method="near_zero")


QUANTILE_STARTS: tuple[float, ...] = (1.0, 0.5, 0.2, 2.0, 5.0)
"""Starting values of ``a`` tried in turn by :func:`elicit_beta_quantiles` (``b`` starts at
``max(1 / x2 - 1, 1)`` for ``a = 1``, ``max(a / x2, 1)`` for the others): ``a = 1`` fits every prior
of the assumptions; a lower start reaches the steep Betas the explorer's sliders can ask for."""


@lru_cache(maxsize=512)
def elicit_beta_quantiles(x1: float, p1: float, x2: float, p2: float) -> BetaPrior:
    """The Beta with ``P(r <= x1) = p1`` and ``P(r <= x2) = p2`` (quantile matching).

    Solved on ``(log a, log b)`` by Powell's hybrid method from each start of :data:`QUANTILE_STARTS`
    in turn; the first solution that meets both quantiles to 1e-9 with ``a`` and ``b`` within
    [:data:`BETA_MIN`, :data:`BETA_MAX`] is returned.

    Parameters
    ----------
    x1, x2 : float
        The two shares, ``0 < x1 < x2 < 1``.
    p1, p2 : float
        Their cumulative probabilities, ``0 < p1 < p2 < 1``.

    Returns
    -------
    BetaPrior
        ``method="quantiles"``, ``lower=x1``, ``upper=x2``, ``mass=p2 - p1``, ``p_lower=p1``.

    Raises
    ------
    ElicitationError
        When no start reaches a Beta within the bounds.
    """

    def gap(v: np.ndarray) -> list[float]:
        a, b = np.exp(v)
        return [float(stats.beta.cdf(x1, a, b) - p1), float(stats.beta.cdf(x2, a, b) - p2)]

    for a0 in QUANTILE_STARTS:
        start = np.log([a0, max(1.0 / x2 - 1.0, 1.0) if a0 == 1.0 else max(a0 / x2, 1.0)])
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sol = optimize.root(gap, start, method="hybr", tol=1e-13)
            miss = max(abs(g) for g in gap(sol.x))
        a, b = np.exp(sol.x)
        if sol.success and np.isfinite(miss) and miss <= 1e-9 and BETA_MIN <= min(a, b) and max(a, b) <= BETA_MAX:
            return BetaPrior(float(a), float(b), x1, x2, p2 - p1, method="quantiles", p_lower=p1)
    raise ElicitationError(
        "Beta",
        x1,
        x2,
        p2 - p1,
        f"no Beta has P(r <= {x1:g}) = {p1:g} and P(r <= {x2:g}) = {p2:g}",
        "move the two quantiles further apart or their probabilities closer to what a Beta allows",
    )


@lru_cache(maxsize=64)
def elicit_lognormal(lower: float, upper: float, mass: float) -> LogNormalPrior:
    """Maximum-entropy log-normal with probability ``mass`` in ``[lower, upper]``.

    A log-normal's entropy is ``mu + log sigma`` plus a constant. For each ``mu`` inside the log
    interval the ``sigma`` that meets the mass is a root (Brent); ``mu`` maximises the entropy
    (Brent's bounded minimum): scalar algorithms, the same bits on every machine (as :func:`maxent_beta`).

    Parameters
    ----------
    lower, upper : float
        Interval ends, USD bn; ``upper / lower`` in [1.01, 1000].
    mass : float
        Probability inside, in (0, 1).

    Returns
    -------
    LogNormalPrior
        The prior.

    Raises
    ------
    ElicitationError
        When the interval is outside those bounds.
    """
    fix = "give an interval whose upper end is 1.01 to 1000 times its lower end, or lower the mass"
    if not (0 < lower < upper and 1.01 <= upper / lower <= 1000.0):
        raise ElicitationError("log-normal", lower, upper, mass, f"no log-normal fits [{lower:g}, {upper:g}]", fix)
    ll, lu = math.log(lower), math.log(upper)

    def sigma_for(mu: float) -> float:
        def gap(log_s: float) -> float:
            s = math.exp(log_s)
            return float(special.ndtr((lu - mu) / s) - special.ndtr((ll - mu) / s)) - mass

        return math.exp(optimize.brentq(gap, math.log(1e-9 * (lu - ll)), math.log(1e3 * (lu - ll)), xtol=1e-14))

    res = optimize.minimize_scalar(
        lambda mu: -(mu + math.log(sigma_for(mu))),
        bounds=(ll + 1e-9, lu - 1e-9),
        method="bounded",
        options={"xatol": 1e-13},
    )
    mu = float(res.x)
    return LogNormalPrior(mu, sigma_for(mu), lower, upper, mass)


def beta_interval_mass(a: float, b: float, lower: float, upper: float) -> float:
    """``P(lower <= X <= upper)`` for ``X ~ Beta(a, b)`` (scalar C code: the same bits on every machine).

    Parameters
    ----------
    a, b : float
        The Beta's parameters.
    lower, upper : float
        Interval ends (clipped to [0, 1]).

    Returns
    -------
    float
        The probability.
    """
    return float(special.betainc(a, b, min(max(upper, 0.0), 1.0)) - special.betainc(a, b, min(max(lower, 0.0), 1.0)))


def elicit_kappa(mean: float, lower: float, upper: float, mass: float) -> float:
    """Dirichlet strength ``kappa`` such that ``Beta(kappa m, kappa (1-m))`` has ``mass`` in the interval.

    The marginal of one Dirichlet component is ``Beta(kappa m_b, kappa (1 - m_b))``; its mass
    in an interval around its mean grows with ``kappa``, so one root exists (Brent on log kappa).

    Parameters
    ----------
    mean : float
        The component's prior mean ``m_b``.
    lower, upper : float
        Interval ends (shares).
    mass : float
        Probability inside.

    Returns
    -------
    float
        ``kappa``, pseudo-observations, in [1e-2, 1e7].

    Raises
    ------
    ElicitationError
        When no strength in that range meets the mass, with what would work.
    """

    def gap(log_k: float) -> float:
        k = math.exp(log_k)
        return beta_interval_mass(k * mean, k * (1 - mean), lower, upper) - mass

    lo, hi = math.log(1e-2), math.log(1e7)
    where = f"no Dirichlet strength puts {mass:g} of the mass in [{lower:g}, {upper:g}] around the mean {mean:g}"
    with np.errstate(all="ignore"):
        least, most = gap(lo) + mass, gap(hi) + mass
    if not (np.isfinite(least) and np.isfinite(most)):
        raise ElicitationError(
            "Dirichlet", lower, upper, mass, where, "keep the mean and the interval inside (0.001, 0.999)"
        )
    if mass < least:
        raise ElicitationError(
            "Dirichlet",
            lower,
            upper,
            mass,
            f"{where}: even the weakest prior puts {least:.4f} there",
            f"raise the mass above {least:.4f} or narrow the interval",
        )
    if mass > most:
        raise ElicitationError(
            "Dirichlet",
            lower,
            upper,
            mass,
            f"{where}: even the strongest prior puts only {most:.4f} there",
            f"lower the mass below {most:.4f} or widen the interval",
        )
    try:
        return math.exp(optimize.brentq(gap, lo, hi, xtol=1e-12))
    except (ValueError, RuntimeError, FloatingPointError) as exc:
        raise ElicitationError(
            "Dirichlet", lower, upper, mass, f"{where} ({exc})", "widen the interval or lower the mass"
        ) from None
