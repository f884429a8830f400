"""The what-if explorer's inputs: how the interval sliders set the moved scenario's recovery prior,
their nodes, and the date slider's steps (the evidence known at each).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .. import SCENARIOS
from . import sensitivity as sens
from .assumptions import ShareInterval, ShareNearZero
from .elicitation import elicit_beta, elicit_beta_quantiles
from .evidence import Evidence, select

# the page's side, re-exported: the chapters, the widgets and the tests read the explorer as one module
from .explore_page import corner_settings as corner_settings
from .explore_page import grid_bytes as grid_bytes
from .explore_page import idle_reasons as idle_reasons
from .explore_page import preset_settings as preset_settings
from .explore_page import random_settings as random_settings
from .explore_page import settings_default as settings_default
from .history import arrivals, replace_evidence
from .pipeline import Setup
from .prior_families import BetaPrior

INTERVAL_REACH: tuple[float, float] = (8.0, 4.0)
"""The lower end's slider reaches down to an eighth of its assumed value, the upper end's up to four times its own."""
MIN_RATIO = 7.0
"""Narrowest interval the sliders allow: upper / lower >= this anywhere in their ranges (narrower
priors change shape too fast between nodes to interpolate within the stated error)."""
NODE_STEP = 1.6
"""Largest ratio between neighbouring nodes of an interval end (log-spaced)."""


@dataclass(frozen=True)
class IntervalForm:
    """How the two interval sliders set one scenario's recovery prior.

    ``interval``: maximum-entropy Beta with ``mass`` in [lower, upper] (the assumptions' form).
    ``quantiles``: the Beta with P(r <= lower) = ``p_lower`` and P(r <= upper) = ``p_upper``
    (a near-zero prior ``P(r <= value) = prob`` becomes ``upper = value`` and ``lower`` its
    ``(1 - prob) / 2`` quantile, so the assumed prior is the default).

    Attributes
    ----------
    scenario : str
        The scenario whose recovery prior the sliders move.
    kind : str
        ``interval`` or ``quantiles``.
    lower, upper : float
        The assumed ends (shares, in (0, 1)).
    p_lower : float
        ``P(r <= lower)`` (``quantiles``; 0 for ``interval``).
    p_upper : float
        ``P(r <= upper)`` (``quantiles``) or the mass in [lower, upper] (``interval``).
    default : BetaPrior
        The assumed prior, returned at the assumed ends.
    """

    scenario: str
    kind: str
    lower: float
    upper: float
    p_lower: float
    p_upper: float
    default: BetaPrior

    def prior(self, lower: float, upper: float) -> BetaPrior:
        """The recovery prior at one setting of the two sliders.

        Parameters
        ----------
        lower, upper : float
            The two ends, shares.

        Returns
        -------
        BetaPrior
            :attr:`default` at the assumed ends, else elicited anew
            (:func:`model.computation.elicitation.elicit_beta` or
            :func:`model.computation.elicitation.elicit_beta_quantiles`).

        Raises
        ------
        model.computation.elicitation.ElicitationError
            When no Beta meets the two ends.
        """
        if (lower, upper) == (self.lower, self.upper):
            return self.default
        if self.kind == "interval":
            return elicit_beta(float(lower), float(upper), self.p_upper)
        return elicit_beta_quantiles(float(lower), self.p_lower, float(upper), self.p_upper)

    def describe(self) -> str:
        """The two ends in words, e.g. 'P(r ≤ lower) = 5% and P(r ≤ upper) = 90%'.

        Returns
        -------
        str
            One phrase.
        """
        if self.kind == "interval":
            return f"{100 * self.p_upper:g}% of the prior between the lower and the upper end"
        return f"P(r ≤ lower) = {100 * self.p_lower:g}% and P(r ≤ upper) = {100 * self.p_upper:g}%"


def moved_scenario(setup: Setup, tornado: sens.Tornado | None = None) -> str:
    """The scenario whose recovery interval moves the leading scenario's probability the most (tornado).

    Parameters
    ----------
    setup : Setup
        The inputs.
    tornado : Tornado, optional
        :func:`model.computation.sensitivity.tornado` of ``setup`` (computed when not given).

    Returns
    -------
    str
        A scenario.
    """
    t = tornado or sens.tornado(setup)
    leader = sens.ranked(t.default["scenario_prob"])[0]
    names = {sens.recovery_input(s): s for s in SCENARIOS}
    return next(names[str(i)] for i in t.swing("scenario_prob", leader).input.values if str(i) in names)


def interval_form(setup: Setup, scenario: str) -> IntervalForm:
    """The interval sliders of ``scenario``, defaulting to its assumed prior.

    Parameters
    ----------
    setup : Setup
        The inputs.
    scenario : str
        The scenario whose recovery prior the sliders move.

    Returns
    -------
    IntervalForm
        From the assumptions' form of that prior (interval, near zero or two quantiles).
    """
    spec, default = setup.assumptions.recovery.of(scenario), setup.priors.recovery[scenario]
    if isinstance(spec, ShareInterval):
        return IntervalForm(scenario, "interval", spec.lower, spec.upper, 0.0, spec.mass, default)
    if isinstance(spec, ShareNearZero):
        p_lo = (1.0 - spec.near_zero.prob) / 2.0
        lo = float(stats.beta.ppf(p_lo, default.alpha, default.beta))
        return IntervalForm(scenario, "quantiles", lo, spec.near_zero.value, p_lo, spec.near_zero.prob, default)
    q1, q2 = spec.quantiles
    return IntervalForm(scenario, "quantiles", q1.value, q2.value, q1.prob, q2.prob, default)


def _geom(a: float, b: float) -> np.ndarray:
    """Log-spaced nodes from ``a`` to ``b`` (both included), neighbours at most :data:`NODE_STEP` apart."""
    n = max(int(np.ceil(np.log(b / a) / np.log(NODE_STEP) - 1e-9)), 1) + 1
    return np.geomspace(a, b, n)


def interval_nodes(form: IntervalForm) -> tuple[np.ndarray, np.ndarray]:
    """Grid of the lower end and of the upper end; the assumed values are nodes.

    The lower end runs from an eighth of its assumed value up to ``c`` times it, the upper end from
    its assumed value over ``c`` up to four times it (at most 0.6), with ``c`` chosen so that every
    setting of the two sliders keeps ``upper / lower >= MIN_RATIO`` (``c = 1`` when the assumed
    interval is already narrower).

    Parameters
    ----------
    form : IntervalForm
        The sliders.

    Returns
    -------
    tuple of numpy.ndarray
        Increasing nodes of the lower end and of the upper end (shares).
    """
    lo, hi = form.lower, form.upper
    down, up = INTERVAL_REACH
    c = float(np.clip(np.sqrt(hi / lo / MIN_RATIO), 1.0, up))
    lows = np.concatenate([_geom(lo / down, lo)[:-1], [lo], _geom(lo, c * lo)[1:]] if c > 1 else [_geom(lo / down, lo)])
    top = min(up * hi, 0.6)
    highs = np.concatenate([_geom(hi / c, hi)[:-1], [hi], _geom(hi, top)[1:]] if c > 1 else [_geom(hi, top)])
    return lows, highs


@dataclass(frozen=True)
class Step:
    """One position of the date slider: the evidence known that day.

    Attributes
    ----------
    date : datetime.date
        The day.
    label : str
        What arrived that day, in words.
    evidence : Evidence
        Everything known that day.
    """

    date: dt.date
    label: str
    evidence: Evidence


def explorer_steps(setup: Setup) -> list[Step]:
    """The article's view (no evidence), then each evidence date from the reversal on (as
    :func:`model.computation.history.forecast_history`).

    Parameters
    ----------
    setup : Setup
        The inputs.

    Returns
    -------
    list of Step
        In date order.
    """
    ev = setup.evidence
    start = setup.assumptions.measurement.reversal_date.value
    steps = [Step(start, "the article (prior)", replace_evidence(ev, start))]
    for d in (d for d in ev.dates() if d >= start):
        steps.append(Step(d, "; ".join(arrivals(ev, d)), select(ev.events, ev.periods, d, ev.min_confidence)))
    return steps
