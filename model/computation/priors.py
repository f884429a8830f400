"""Priors: every prior of the model, built from the assumptions, with pseudo-sample sizes.

* Recovery shares ``r_s ~ Beta(a_s, b_s)``: maximum-entropy Beta with ``mass`` in
  ``[lower, upper]``, or, where the natural outcome sits at zero, ``Beta(1, b)`` through one
  elicited quantile, or the Beta through two quantiles (:mod:`model.computation.elicitation`).
  Pseudo-sample size ``a + b`` (the Beta mean of ``a`` successes in ``a + b`` trials).
* Scenario probabilities ``theta ~ Dirichlet(kappa m)``: ``m`` from the article's 45% and
  the split weights; ``kappa`` solved so that the marginal
  ``theta_base ~ Beta(kappa m_b, kappa (1 - m_b))`` puts ``mass`` in the base interval.
  Pseudo-sample size ``kappa``.
* FY2026 revenue ``R ~ LogNormal(mu, sigma)`` (USD bn), maximum entropy given the interval.

The families are in :mod:`model.computation.prior_families`, their fits in
:mod:`model.computation.elicitation`; this module builds :class:`Priors` from the assumptions
(:func:`elicit_priors`) and turns a failed fit into an input error naming the field.
Method: book/method.md, "Priors".
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from .. import SCENARIOS
from .assumptions import Assumptions, RecoveryPrior, ShareInterval, ShareNearZero, scenario_mean
from .elicitation import (
    ElicitationError,
    elicit_beta,
    elicit_beta_near_zero,
    elicit_beta_quantiles,
    elicit_kappa,
    elicit_lognormal,
)
from .errors import InputError
from .prior_families import BetaPrior, LogNormalPrior

OVERCONFIDENT_N: float = 1000.0
"""A prior that acts like more than this many observations gets a warning."""


@dataclass(frozen=True)
class Priors:
    """All priors of the model, as numbers (arrays in :data:`model.SCENARIOS` order).

    Attributes
    ----------
    m : numpy.ndarray
        Shape (scenarios,): prior mean of theta (sums to 1).
    kappa : float
        Dirichlet strength (pseudo-observations).
    kappa_interval : tuple of float
        ``(lower, upper, mass)`` of the base case's interval ``kappa`` was elicited from.
    recovery : dict of str to BetaPrior
        Recovery-share prior by scenario.
    revenue : LogNormalPrior
        FY2026 revenue prior (USD bn).
    warnings : tuple of str
        Overconfidence warnings (:func:`overconfidence_warnings`).
    """

    m: np.ndarray
    kappa: float
    kappa_interval: tuple[float, float, float]
    recovery: dict[str, BetaPrior]
    revenue: LogNormalPrior
    warnings: tuple[str, ...] = field(default=())

    @property
    def dirichlet_alpha(self) -> np.ndarray:
        """Dirichlet concentration ``kappa * m``."""
        return self.kappa * self.m

    @property
    def r_alpha(self) -> np.ndarray:
        """Shape (scenarios,): the recovery priors' ``alpha``."""
        return np.array([self.recovery[s].alpha for s in SCENARIOS])

    @property
    def r_beta(self) -> np.ndarray:
        """Shape (scenarios,): the recovery priors' ``beta``."""
        return np.array([self.recovery[s].beta for s in SCENARIOS])

    def with_(self, **changes: object) -> "Priors":
        """A copy with some fields replaced (used by sensitivity sweeps).

        Parameters
        ----------
        **changes
            Field names and their new values.

        Returns
        -------
        Priors
            The copy.
        """
        return replace(self, **changes)


def overconfidence_warnings(recovery: dict[str, BetaPrior], kappa: float) -> tuple[str, ...]:
    """Warnings for priors that act like more than :data:`OVERCONFIDENT_N` observations.

    Parameters
    ----------
    recovery : dict of str to BetaPrior
        Recovery priors by scenario.
    kappa : float
        Dirichlet strength.

    Returns
    -------
    tuple of str
        One line per overconfident prior (empty when none).
    """
    out = []
    for key, p in recovery.items():
        if p.pseudo_n > OVERCONFIDENT_N:
            out.append(
                f"recovery.{key}: {p.mass_requested:.0%} in [{p.lower:g}, {p.upper:g}] acts like "
                f"{p.pseudo_n:,.0f} observations (> {OVERCONFIDENT_N:,.0f}): overconfident"
            )
    if kappa > OVERCONFIDENT_N:
        out.append(
            f"scenario_prior: kappa = {kappa:,.0f} pseudo-observations (> {OVERCONFIDENT_N:,.0f}): overconfident"
        )
    return tuple(out)


def elicit_recovery(spec: RecoveryPrior, scale: float = 1.0) -> BetaPrior:
    """The Beta prior of one recovery share, in the assumptions' form (interval, near zero or two quantiles).

    Parameters
    ----------
    spec : RecoveryPrior
        The assumptions' entry.
    scale : float
        Multiplies the elicited shares (sensitivity; a scaled share is capped below 1).

    Returns
    -------
    BetaPrior
        The prior.

    Raises
    ------
    ElicitationError
        When no Beta meets the elicited values.
    """

    def scaled(x: float, cap: float) -> float:  # a scaled share stays inside (0, 1)
        return x if scale == 1.0 else min(x * scale, cap)

    if isinstance(spec, ShareInterval):
        return elicit_beta(scaled(spec.lower, 0.98), scaled(spec.upper, 0.99), spec.mass)
    if isinstance(spec, ShareNearZero):
        return elicit_beta_near_zero(scaled(spec.near_zero.value, 0.99), spec.near_zero.prob)
    (q1, q2) = spec.quantiles
    return elicit_beta_quantiles(scaled(q1.value, 0.98), q1.prob, scaled(q2.value, 0.99), q2.prob)


def _fields_named(fn: Callable[[Assumptions], Priors]) -> Callable[[Assumptions], Priors]:
    """Turn any failure of an elicitation into an :class:`InputError` naming the interval in the assumptions."""

    @functools.wraps(fn)
    def wrapper(a: Assumptions) -> Priors:
        try:
            return fn(a)
        except InputError:
            raise
        except ElicitationError as exc:
            raise InputError(a.source_file or "(assumptions)", elicited_field(a, exc), exc.problem, exc.fix) from None
        except Exception as exc:  # a solver failing on odd intervals is still the input's doing
            raise InputError(
                a.source_file or "(assumptions)",
                "(priors)",
                f"cannot elicit the priors ({type(exc).__name__}: {exc})",
                "check the intervals in scenario_prior, recovery and revenue_fy2026",
            ) from None

    return wrapper


def elicited_field(a: Assumptions, exc: ElicitationError) -> str:
    """The assumptions field whose interval ``exc`` could not meet.

    Parameters
    ----------
    a : Assumptions
        The assumptions.
    exc : ElicitationError
        The failure.

    Returns
    -------
    str
        A dotted field, e.g. ``recovery.domestic`` (``recovery`` when no interval matches).
    """
    if exc.family == "Dirichlet":
        return "scenario_prior.base_interval"
    if exc.family == "log-normal":
        return "revenue_fy2026"
    for s in SCENARIOS:
        spec = a.recovery.of(s)
        if isinstance(spec, ShareInterval):
            ends = (spec.lower, spec.upper)
        elif isinstance(spec, ShareNearZero):
            ends = (0.0, spec.near_zero.value)
        else:
            ends = tuple(q.value for q in spec.quantiles)
        if ends == (exc.lower, exc.upper):
            return f"recovery.{s}"
    return "recovery"


@_fields_named
def elicit_priors(a: Assumptions) -> Priors:
    """Elicit every prior from the assumptions.

    Parameters
    ----------
    a : Assumptions
        The assumptions.

    Returns
    -------
    Priors
        The priors, with their overconfidence warnings.

    Raises
    ------
    InputError
        Naming the assumptions file, the field and the fix, when an elicitation fails.
    """
    m_map = scenario_mean(a)
    m = np.array([m_map[s] for s in SCENARIOS])
    bi = a.scenario_prior.base_interval
    kappa = elicit_kappa(m[0], bi.lower, bi.upper, bi.mass)
    recovery = {s: elicit_recovery(a.recovery.of(s)) for s in SCENARIOS}
    rv = a.revenue_fy2026
    revenue = elicit_lognormal(rv.lower, rv.upper, rv.mass)
    return Priors(
        m=m,
        kappa=kappa,
        kappa_interval=(bi.lower, bi.upper, bi.mass),
        recovery=recovery,
        revenue=revenue,
        warnings=overconfidence_warnings(recovery, kappa),
    )
