"""Prior and posterior predictive checks of the signal counts (the revenue datum: :mod:`.revenue`).

Computation only: every function returns a dataclass; nothing prints. Method: book/method.md,
"Model checks".

Generative reading of the tempered signal likelihood
-----------------------------------------------------
``w`` is read as 1 / (number of reports per independent fact). The ``n`` signal events are
``K = round(w n)`` independent *facts*, drawn ``Multinomial(K, P(. | z))``, each reported
``1 / w`` times. The tempered likelihood ``w * sum_c n_c log P(c | s)`` is then exactly the
likelihood of the facts ``f_c = w n_c``. Replicated signals are therefore facts ``f ~
Multinomial(K, P(. | z))`` reported as counts ``f / w``; the observed counts enter the
discrepancies as facts ``K n_c / n`` (the observed class proportions at the replicated size,
since ``w n`` need not be a whole number). Prior predictive, posterior predictive and SBC all
use this reading, so what is generated is what is inferred.

Verdict rule (every predictive check)
--------------------------------------
A check passes when its tail probability is at least :data:`PPC_ALPHA` = 0.01: two-sided
(``2 min(P(T_rep <= T_obs), P(T_rep >= T_obs))``, capped at 1) for a single observed
quantity, one-sided (``P(D_rep >= D_obs)``) for an omnibus discrepancy, where only a large
misfit is a failure. Posterior predictive p-values are conservative (under the model they pile
up near 0.5, not uniformly), so 0.01 is a false-alarm rate of at most 1% per check; the book
shows every p-value, not just the verdict.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from scipy import special, stats

from ... import SCENARIOS, SIGNALS
from .common import Check, two_sided

if TYPE_CHECKING:
    pass

PPC_ALPHA: float = 0.01
"""A predictive check fails when its tail probability is below this."""
ENUMERATION_LIMIT: int = 2_000_000
"""Signal-count checks are exact (every composition of K facts enumerated) up to this many compositions."""
PPC_DRAWS: int = 200_000
"""Monte Carlo replicates when enumeration is too large."""


# --------------------------------------------------------------------------- helpers


def n_facts(counts: np.ndarray, weight: float) -> int:
    """Number of independent facts behind ``counts`` signal events: ``round(w n)``.

    Parameters
    ----------
    counts : numpy.ndarray
        Shape (classes,): signal events per class.
    weight : float
        The tempering weight ``w`` (reports per fact, inverted).

    Returns
    -------
    int
        ``K``.
    """
    return int(round(weight * float(np.sum(counts))))


def observed_facts(counts: np.ndarray, weight: float) -> np.ndarray:
    """Observed facts at the replicated size: ``K n_c / n`` (zeros when there are no events).

    Parameters
    ----------
    counts : numpy.ndarray
        Shape (classes,): signal events per class.
    weight : float
        The tempering weight.

    Returns
    -------
    numpy.ndarray
        Shape (classes,), summing to ``K`` (not necessarily whole numbers).
    """
    n, k = float(np.sum(counts)), n_facts(counts, weight)
    return np.zeros_like(counts, dtype=float) if n == 0 else k * np.asarray(counts, dtype=float) / n


def g_statistic(y: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Likelihood-ratio discrepancy ``G = 2 sum_c y_c log(y_c / (K p_c))`` (last axis = class).

    Parameters
    ----------
    y : numpy.ndarray
        Shape (..., classes): facts per class.
    probs : numpy.ndarray
        Shape broadcastable to ``y``: class probabilities.

    Returns
    -------
    numpy.ndarray
        Shape ``y.shape[:-1]``.
    """
    y = np.asarray(y, dtype=float)
    k = y.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(y > 0, y * np.log(y / (k * probs)), 0.0)
    return 2.0 * terms.sum(axis=-1)


@lru_cache(maxsize=8)
def _compositions(k: int, c: int) -> np.ndarray:
    """Every way to put ``k`` facts into ``c`` classes (stars and bars), shape (N, c); read-only (shared)."""
    bars = np.array(list(itertools.combinations(range(k + c - 1), c - 1)), dtype=np.int64).reshape(-1, c - 1)
    edges = np.concatenate([np.full((bars.shape[0], 1), -1), bars, np.full((bars.shape[0], 1), k + c - 1)], axis=1)
    out = np.diff(edges, axis=1) - 1
    out.flags.writeable = False  # every caller gets this one array: none may change it
    return out


def _multinomial_logpmf(y: np.ndarray, probs: np.ndarray) -> np.ndarray:
    k = y.sum(axis=-1)
    with np.errstate(divide="ignore"):
        return special.gammaln(k + 1) - special.gammaln(y + 1).sum(axis=-1) + (y * np.log(probs)).sum(axis=-1)


# --------------------------------------------------------------------------- signal-count checks


@dataclass(frozen=True)
class SignalCheck:
    """Predictive check of the signal-class counts, ``z`` drawn from ``scenario_weights``.

    The per-class tails are exact; the omnibus tail :attr:`g_p` is exact (every composition
    enumerated) or Monte Carlo, as :attr:`method` says, with its MCSE in :attr:`g_mcse`.

    Attributes
    ----------
    label : str
        ``prior_predictive`` or ``posterior_predictive``.
    counts : numpy.ndarray
        Shape (classes,): observed events per class.
    weight : float
        The tempering weight.
    n_facts : int
        ``K``, the independent facts behind the counts.
    scenario_weights : numpy.ndarray
        Shape (scenarios,): P(z) of the predictive (the prior mean ``m`` or the posterior).
    expected : numpy.ndarray
        Shape (classes,): expected events per class under the predictive (report units: facts / w).
    lower, upper : numpy.ndarray
        Shape (classes,): 5% and 95% predictive quantiles per class (report units).
    class_p : numpy.ndarray
        Shape (classes,): two-sided tail probability of each class's count (exact).
    g_obs : numpy.ndarray
        Shape (scenarios,): G discrepancy of the observed facts against each scenario.
    g_p : float
        ``P(G_rep >= G_obs)`` (z drawn from the predictive, G against that z).
    g_mcse : float
        Monte Carlo standard error of :attr:`g_p` (0 when exact, by enumeration).
    g_grid : numpy.ndarray
        Grid of ``G_rep - G_obs(z)``.
    g_cdf : numpy.ndarray
        Predictive CDF of ``G_rep - G_obs(z)`` on :attr:`g_grid` (for the plot: the observed value sits at 0).
    method : str
        How :attr:`g_p` was computed: ``exact over N compositions`` or ``Monte Carlo, N replicates``.
    n_compositions : int
        Compositions of the facts over the classes (enumerated when at most :data:`ENUMERATION_LIMIT`).
    """

    label: str
    counts: np.ndarray
    weight: float
    n_facts: int
    scenario_weights: np.ndarray
    expected: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    class_p: np.ndarray
    g_obs: np.ndarray
    g_p: float
    g_mcse: float
    g_grid: np.ndarray
    g_cdf: np.ndarray
    method: str
    n_compositions: int = 0

    @property
    def n_events(self) -> float:
        """Observed signal events, all classes."""
        return float(self.counts.sum())

    def checks(self) -> list[Check]:
        """The omnibus test, then each class, as pass/fail rows.

        Returns
        -------
        list of Check
            Named ``label.signals.omnibus`` and ``label.signals.<class>``.
        """
        out = [
            Check(
                f"{self.label}.signals.omnibus",
                float(self.scenario_weights @ self.g_obs),
                self.g_p,
                self.g_p >= PPC_ALPHA,
                f"one-sided P(G_rep >= G_obs) >= {PPC_ALPHA}",
                f"G discrepancy, {self.method}",
            )
        ]
        for i, c in enumerate(SIGNALS):
            out.append(
                Check(
                    f"{self.label}.signals.{c}",
                    float(self.counts[i]),
                    float(self.class_p[i]),
                    bool(self.class_p[i] >= PPC_ALPHA),
                    f"two-sided tail >= {PPC_ALPHA}",
                    f"observed {self.counts[i]:g}, predictive 90% [{self.lower[i]:g}, {self.upper[i]:g}]",
                )
            )
        return out


def _class_tails(counts_facts: np.ndarray, k: int, probs: np.ndarray, sw: np.ndarray, weight: float):
    """Per class, ``f_c ~ sum_z P(z) Binomial(K, P(c | z))``: two-sided tail p and 5%/95% quantiles (report units)."""
    support = np.arange(k + 1)
    pmf = np.einsum("z,zcy->cy", sw, stats.binom.pmf(support[None, None, :], k, probs[:, :, None]))
    cdf = np.cumsum(pmf, axis=1)
    classes = range(len(SIGNALS))
    lo_p = np.array([cdf[c, int(np.floor(counts_facts[c] + 1e-9))] for c in classes])
    above = [int(np.ceil(counts_facts[c] - 1e-9)) for c in classes]
    hi_p = np.array([1.0 - (cdf[c, above[c] - 1] if above[c] >= 1 else 0.0) for c in classes])
    class_p = np.array([two_sided(a, b) for a, b in zip(lo_p, hi_p, strict=True)])

    def q(p: float) -> np.ndarray:
        return np.array([support[np.searchsorted(cdf[c], p - 1e-12)] for c in classes]) / weight

    return class_p, q(0.05), q(0.95)


def _omnibus_exact(k: int, probs: np.ndarray, sw: np.ndarray, g_obs: np.ndarray, grid: np.ndarray):
    """P(G_rep >= G_obs) and the CDF of G_rep - G_obs by enumerating every composition of ``k`` facts."""
    y = _compositions(k, len(SIGNALS))
    g_p, g_cdf = 0.0, np.zeros_like(grid)
    for z in np.flatnonzero(sw > 0):
        p_y = np.exp(_multinomial_logpmf(y, probs[z]))
        diff = g_statistic(y, probs[z]) - g_obs[z]
        g_p += sw[z] * float(p_y[diff >= -1e-9].sum())
        order = np.argsort(diff)
        g_cdf += sw[z] * np.interp(grid, diff[order], np.cumsum(p_y[order]), left=0.0, right=1.0)
    return g_p, 0.0, g_cdf


def _omnibus_mc(k: int, probs: np.ndarray, sw: np.ndarray, g_obs: np.ndarray, grid: np.ndarray, rng):
    """The same by Monte Carlo (:data:`PPC_DRAWS` replicates), with its MCSE."""
    zs = rng.choice(len(SCENARIOS), size=PPC_DRAWS, p=sw / sw.sum())
    y = np.stack([rng.multinomial(k, probs[z]) for z in zs])
    diff = g_statistic(y, probs[zs]) - g_obs[zs]
    hit = diff >= -1e-9
    g_cdf = np.searchsorted(np.sort(diff), grid, side="right") / diff.size
    return float(hit.mean()), float(hit.std(ddof=1) / np.sqrt(hit.size)), g_cdf


def signal_check(
    counts: np.ndarray,
    log_table: np.ndarray,
    weight: float,
    scenario_weights: np.ndarray,
    label: str,
    rng: np.random.Generator | None = None,
) -> SignalCheck:
    """Predictive check of the signal counts with ``z`` drawn from ``scenario_weights``.

    Per class: ``f_c ~ sum_z P(z) Binomial(K, P(c | z))`` exactly. Omnibus: the G discrepancy
    of the facts against the scenario that generated them, ``P(G(f_rep, z) >= G(f_obs, z))``,
    exact by enumerating every composition of ``K`` facts when there are at most
    :data:`ENUMERATION_LIMIT`, else Monte Carlo (:data:`PPC_DRAWS` replicates).

    Parameters
    ----------
    counts : numpy.ndarray
        Shape (classes,): observed events per class.
    log_table : numpy.ndarray
        Shape (classes, scenarios): ``log P(c | s)``.
    weight : float
        The tempering weight.
    scenario_weights : numpy.ndarray
        Shape (scenarios,): P(z) of the predictive.
    label : str
        Prefix of the checks' names.
    rng : numpy.random.Generator, optional
        Stream of the Monte Carlo branch (a fixed one by default).

    Returns
    -------
    SignalCheck
        Per-class and omnibus tails.
    """
    counts = np.asarray(counts, dtype=float)
    probs = np.exp(log_table).T  # (scenario, class)
    k = n_facts(counts, weight)
    sw = np.asarray(scenario_weights, dtype=float)
    grid = np.linspace(-60.0, 30.0, 901)
    n_comp = math.comb(k + len(SIGNALS) - 1, len(SIGNALS) - 1)
    zeros = np.zeros(len(SIGNALS))
    if k == 0:
        return SignalCheck(
            label, counts, weight, 0, sw, zeros, zeros, zeros, np.ones(len(SIGNALS)), np.zeros(len(SCENARIOS)),
            1.0, 0.0, grid, (grid >= 0).astype(float), "no signal events", n_comp,
        )  # fmt: skip
    y_obs = observed_facts(counts, weight)
    class_p, lower, upper = _class_tails(y_obs, k, probs, sw, weight)
    g_obs = g_statistic(y_obs, probs)
    if n_comp <= ENUMERATION_LIMIT:
        g_p, mcse, g_cdf = _omnibus_exact(k, probs, sw, g_obs, grid)
        method = f"exact over {n_comp:,} compositions"
    else:
        g_p, mcse, g_cdf = _omnibus_mc(k, probs, sw, g_obs, grid, rng or np.random.default_rng(0))
        method = f"Monte Carlo, {PPC_DRAWS:,} replicates"
    expected = (sw @ probs) * k / weight
    return SignalCheck(
        label, counts, weight, k, sw, expected, lower, upper, class_p, g_obs, float(min(g_p, 1.0)), mcse, grid,
        g_cdf, method, n_comp,
    )  # fmt: skip
