"""Does the model fit? Predictive checks, simulation-based calibration and power-scaling.

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

SBC (simulation-based calibration)
----------------------------------
Datasets are simulated from the prior with the observed design (the observed number of signal
events, the full-year revenue datum with its ``sd`` and ``R`` = the drawn FY2026 revenue); the
exact posterior of each gives the PIT ``F(true value | E)`` of ``r_z``, each ``theta_s`` and
each ``r_s``. Uniformity is tested with simultaneous ECDF bands (Säilynoja, Bürkner & Vehtari
2022, simulation method): the statistic is the smallest two-sided binomial tail probability of
the ECDF over ``K`` evaluation points; its p-value is its rank among the same statistic for
uniform samples (fixed seed, so the band is deterministic). The tests of one SBC run share a
family-wise false-alarm rate :data:`SBC_FAMILY_ALPHA` by Bonferroni.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
import os
import time
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Sequence

import numpy as np
from scipy import special, stats

from .. import SCENARIOS, SIGNALS
from .evidence import log_likelihood_table
from .exact import ExactPosterior, exact_posterior
from .likelihood import Likelihood
from .measurement import RevenueObservation
from .numerics import fdot
from .priors import LogNormalPrior, Priors
from .simulate import rng_for

PPC_ALPHA: float = 0.01
"""A predictive check fails when its tail probability is below this."""
SBC_FAMILY_ALPHA: float = 0.01
"""Family-wise false-alarm rate of the uniformity tests of one SBC run (Bonferroni-split)."""
ENUMERATION_LIMIT: int = 2_000_000
"""Signal-count checks are exact (every composition of K facts enumerated) up to this many compositions."""
PPC_DRAWS: int = 200_000
"""Monte Carlo replicates when enumeration is too large."""
BAND_SIMULATIONS: int = 20_000
"""Uniform samples behind the ECDF-band statistic's null distribution."""
MAX_DIVERGENT_FRACTION: float = 0.01
"""SBC of PyMC fails when more than this fraction of all its draws diverged."""
PS_LOG2_ALPHA: float = 0.1
"""Power-scaling perturbation: alpha = 2**(+-0.1)."""
PS_THRESHOLD: float = 0.05
"""Power-scaling sensitivity above this is 'sensitive' (Kallioinen et al. 2023)."""


# --------------------------------------------------------------------------- common pieces


@dataclass(frozen=True)
class Check:
    """One pass/fail check."""

    name: str
    statistic: float
    p_value: float
    passed: bool
    rule: str
    detail: str = ""
    counted: bool = True
    """False for a check that cannot fail by construction: shown, labelled, and not counted as a pass."""

    @property
    def reason(self) -> str:
        p = f"p = {self.p_value:.3g} " if np.isfinite(self.p_value) else ""
        return f"{self.detail + '; ' if self.detail else ''}{p}(rule: {self.rule})"


def two_sided(lower: float, upper: float) -> float:
    """``min(1, 2 min(P(T <= t), P(T >= t)))``."""
    return float(min(1.0, 2.0 * min(lower, upper)))


def n_facts(counts: np.ndarray, weight: float) -> int:
    """Number of independent facts behind ``counts`` signal events: ``round(w n)``."""
    return int(round(weight * float(np.sum(counts))))


def observed_facts(counts: np.ndarray, weight: float) -> np.ndarray:
    """Observed facts at the replicated size: ``K n_c / n`` (zeros when there are no events)."""
    n, k = float(np.sum(counts)), n_facts(counts, weight)
    return np.zeros_like(counts, dtype=float) if n == 0 else k * np.asarray(counts, dtype=float) / n


def g_statistic(y: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Likelihood-ratio discrepancy ``G = 2 sum_c y_c log(y_c / (K p_c))`` (last axis = class)."""
    y = np.asarray(y, dtype=float)
    k = y.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(y > 0, y * np.log(y / (k * probs)), 0.0)
    return 2.0 * terms.sum(axis=-1)


@lru_cache(maxsize=8)
def _compositions(k: int, c: int) -> np.ndarray:
    """Every way to put ``k`` facts into ``c`` classes (stars and bars), shape (N, c)."""
    bars = np.array(list(itertools.combinations(range(k + c - 1), c - 1)), dtype=np.int64).reshape(-1, c - 1)
    edges = np.concatenate([np.full((bars.shape[0], 1), -1), bars, np.full((bars.shape[0], 1), k + c - 1)], axis=1)
    return np.diff(edges, axis=1) - 1


def _multinomial_logpmf(y: np.ndarray, probs: np.ndarray) -> np.ndarray:
    k = y.sum(axis=-1)
    with np.errstate(divide="ignore"):
        return special.gammaln(k + 1) - special.gammaln(y + 1).sum(axis=-1) + (y * np.log(probs)).sum(axis=-1)


# --------------------------------------------------------------------------- signal-count checks


@dataclass(frozen=True)
class SignalCheck:
    """Predictive check of the signal-class counts under scenario weights ``weights``."""

    label: str
    """'prior' or 'posterior'."""
    counts: np.ndarray
    """Observed events per class."""
    weight: float
    n_facts: int
    scenario_weights: np.ndarray
    expected: np.ndarray
    """Expected events per class under the predictive (report units: facts / w)."""
    lower: np.ndarray
    upper: np.ndarray
    """5% and 95% predictive quantiles per class (report units)."""
    class_p: np.ndarray
    """Two-sided tail probability of each class's count."""
    g_obs: np.ndarray
    """G discrepancy of the observed facts against each scenario."""
    g_p: float
    """P(G_rep >= G_obs) (z drawn from the predictive, G against that z)."""
    g_mcse: float
    """0 when exact (enumeration), else the Monte Carlo standard error."""
    g_grid: np.ndarray
    g_cdf: np.ndarray
    """Predictive CDF of G_rep - G_obs(z) (for the plot: the observed value sits at 0)."""
    method: str
    n_compositions: int = 0
    """Compositions of the facts over the classes (enumerated when at most :data:`ENUMERATION_LIMIT`)."""

    @property
    def n_events(self) -> float:
        return float(self.counts.sum())

    def checks(self) -> list[Check]:
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


def _class_tails(counts_facts: np.ndarray, k: int, probs: np.ndarray, sw: np.ndarray, weight: float):  # noqa: ANN202
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


def _omnibus_exact(k: int, probs: np.ndarray, sw: np.ndarray, g_obs: np.ndarray, grid: np.ndarray):  # noqa: ANN202
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


def _omnibus_mc(k: int, probs: np.ndarray, sw: np.ndarray, g_obs: np.ndarray, grid: np.ndarray, rng):  # noqa: ANN001, ANN202
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
    :data:`ENUMERATION_LIMIT`, else Monte Carlo from ``rng``.
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


# --------------------------------------------------------------------------- revenue-datum checks


@dataclass(frozen=True)
class RevenueCheck:
    """Predictive check of the full-year revenue datum ``x_FY`` (USD bn)."""

    label: str
    x_obs: float
    sd: float
    revenue: float
    cdf_obs: float
    """P(x_rep <= x_obs)."""
    p_value: float
    grid: np.ndarray
    cdf: np.ndarray
    """Predictive CDF of x_rep on ``grid`` (USD bn)."""
    density: np.ndarray | None = None
    """Predictive density (per USD bn) on ``grid``, where cheap to compute (posterior)."""

    informative: bool = True
    """False when the check cannot fail by construction (one datum, fitted by a free recovery share)."""

    def check(self) -> Check:
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
    """Prior predictive tail probability of the full-year datum (exact to quadrature error)."""
    c = float(prior_revenue_cdf(priors, np.array([obs.usd_bn]), obs.sd)[0])
    grid = np.concatenate([-np.geomspace(0.2, 1e-3, 20), [0.0], np.geomspace(1e-3, 60.0, 100)])
    cdf = prior_revenue_cdf(priors, grid, obs.sd, n_eps=200, n_rev=40)
    return RevenueCheck("prior", obs.usd_bn, obs.sd, float("nan"), c, two_sided(c, 1.0 - c), grid, cdf)


def posterior_revenue_check(post: ExactPosterior, obs: RevenueObservation) -> RevenueCheck:
    """``P(x_rep <= x_obs | E) = sum_s P(s | E) sum_i w_i Phi((x_obs - r_i R) / sd)`` over the posterior nodes."""
    assert obs.revenue is not None
    grid = np.linspace(obs.usd_bn - 6 * obs.sd, obs.usd_bn + 6 * obs.sd, 401)

    def mix(f, x: np.ndarray) -> np.ndarray:  # noqa: ANN001
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


def forecast_revenue_check(setup) -> RevenueCheck | None:  # noqa: ANN001
    """Predict the full-year disclosure from the evidence the day before it, then compare (a check with power).

    On the day before the annual datum was reported, the model had the news and the running total
    disclosed so far (a partial datum). Its predictive distribution of the year's figure is
    ``sum_s P(s | E_t) ∫ p_s(X | c) Phi((x - X) / sd) dX`` with ``p_s(X | c) ∝ p_s(X) p(c | X)`` on a
    grid in ``log X`` (``p_s``: the recovery prior times the revenue prior). The tail probability of
    the disclosed figure is two-sided. None when no full-year figure is in force.
    """
    from .evidence import select
    from .likelihood import likelihood_of

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


# --------------------------------------------------------------------------- ECDF uniformity test


@lru_cache(maxsize=32)
def _null_min_tail(n: int, k: int, sims: int = BAND_SIMULATIONS) -> np.ndarray:
    """Sorted null distribution of the smallest two-sided binomial tail of a uniform ECDF (fixed seed)."""
    rng = np.random.default_rng([n, k, 2022])
    counts = np.cumsum(rng.multinomial(n, np.full(k, 1.0 / k), size=sims), axis=1)[:, :-1]
    return np.sort(_min_tail(counts, n, k))


def _min_tail(counts: np.ndarray, n: int, k: int) -> np.ndarray:
    z = np.arange(1, k) / k
    lo = stats.binom.cdf(counts, n, z)
    hi = stats.binom.sf(counts - 1, n, z)
    return np.minimum(1.0, 2.0 * np.minimum(lo, hi)).min(axis=-1)


@dataclass(frozen=True)
class UniformityTest:
    """Simultaneous ECDF-band test that PIT values are uniform (Säilynoja et al. 2022)."""

    name: str
    pit: np.ndarray
    k: int
    """Evaluation points z_i = i / k."""
    statistic: float
    """Smallest two-sided binomial tail probability of the ECDF over the evaluation points."""
    p_value: float
    alpha: float
    band: tuple[np.ndarray, np.ndarray, np.ndarray]
    """(z, lower, upper) of the simultaneous (1 - alpha) band for the ECDF."""

    @property
    def passed(self) -> bool:
        return self.p_value >= self.alpha

    @property
    def ecdf_diff(self) -> tuple[np.ndarray, np.ndarray]:
        """(z, ECDF(z) - z) at the evaluation points."""
        z = np.arange(1, self.k) / self.k
        return z, np.searchsorted(np.sort(self.pit), z, side="right") / self.pit.size - z

    def check(self, prefix: str) -> Check:
        return Check(
            f"{prefix}.{self.name}",
            self.statistic,
            self.p_value,
            self.passed,
            f"ECDF inside the simultaneous band: p >= {self.alpha:.2g}",
            f"{self.pit.size} ranks",
        )


def uniformity_test(name: str, pit: np.ndarray, alpha: float, k: int = 100) -> UniformityTest:
    """Test PIT values in [0, 1] (or discrete ranks mapped to cell midpoints) for uniformity."""
    pit = np.asarray(pit, dtype=float)
    n = pit.size
    k = min(k, n)
    z = np.arange(1, k) / k
    counts = np.searchsorted(np.sort(pit), z, side="right")
    stat = float(_min_tail(counts[None, :], n, k)[0])
    null = _null_min_tail(n, k)
    p = float((1 + np.searchsorted(null, stat, side="right")) / (null.size + 1))
    gamma = float(np.quantile(null, alpha))
    lower = stats.binom.ppf(gamma / 2, n, z) / n
    upper = stats.binom.ppf(1 - gamma / 2, n, z) / n
    return UniformityTest(name, pit, k, stat, min(p, 1.0), alpha, (z, lower, upper))


# --------------------------------------------------------------------------- calibration of P(z | E)


def poisson_binomial_pmf(p: np.ndarray) -> np.ndarray:
    """Distribution of a sum of independent Bernoulli(p_i) (exact recursion)."""
    pmf = np.zeros(p.size + 1)
    pmf[0] = 1.0
    for i, pi in enumerate(p):
        pmf[1 : i + 2] = pmf[1 : i + 2] * (1 - pi) + pmf[: i + 1] * pi
        pmf[0] *= 1 - pi
    return pmf


@dataclass(frozen=True)
class Reliability:
    """Reliability of the predicted P(z = s | E) over SBC datasets (all scenarios pooled)."""

    edges: np.ndarray
    n: np.ndarray
    """Predictions per bin."""
    mean_pred: np.ndarray
    observed: np.ndarray
    """Observed frequency of the event per bin."""
    expected: np.ndarray
    """Expected number of events per bin (sum of predictions)."""
    hits: np.ndarray
    bin_p: np.ndarray
    """Two-sided Poisson-binomial tail probability of the hits in each bin."""
    lower: np.ndarray
    upper: np.ndarray
    """Central 99% Poisson-binomial interval of the observed frequency per bin, under calibration."""
    p_value: float
    """Bonferroni-adjusted smallest bin p-value."""
    alpha: float

    @property
    def passed(self) -> bool:
        return self.p_value >= self.alpha

    def check(self, prefix: str) -> Check:
        worst = int(np.nanargmin(self.bin_p))
        return Check(
            f"{prefix}.calibration_P(z)",
            float(self.bin_p[worst]),
            self.p_value,
            self.passed,
            f"Bonferroni over bins: p >= {self.alpha:.2g}",
            f"worst bin [{self.edges[worst]:.1f}, {self.edges[worst + 1]:.1f}): {int(self.hits[worst])} hits, "
            f"{self.expected[worst]:.1f} expected",
        )


def reliability(pred: np.ndarray, truth: np.ndarray, alpha: float, n_bins: int = 10) -> Reliability:
    """Bins of predicted probability vs observed frequency, each tested against its Poisson binomial.

    ``pred`` (dataset, scenario) are predicted probabilities, ``truth`` (dataset,) the true
    scenario index. Predictions of one dataset sum to 1, so their outcomes are negatively
    correlated; treating them as independent overstates the variance of a bin's hits, so the
    test is conservative.
    """
    p = np.ravel(pred)
    y = np.ravel(np.asarray(truth)[:, None] == np.arange(pred.shape[1])[None, :]).astype(float)
    edges = np.linspace(0, 1, n_bins + 1)
    b = np.clip(np.digitize(p, edges) - 1, 0, n_bins - 1)
    rows = []
    for i in range(n_bins):
        pi, yi = p[b == i], y[b == i]
        if pi.size == 0:
            rows.append((0, np.nan, np.nan, 0.0, 0.0, 1.0, np.nan, np.nan))
            continue
        pmf = poisson_binomial_pmf(pi)
        cdf = np.cumsum(pmf)
        h = int(yi.sum())
        bp = two_sided(cdf[h], 1.0 - (cdf[h - 1] if h > 0 else 0.0))
        lo, hi = np.searchsorted(cdf, 0.005), np.searchsorted(cdf, 0.995)
        rows.append((pi.size, pi.mean(), h / pi.size, pi.sum(), h, bp, lo / pi.size, hi / pi.size))
    n, mp, obs, exp_, hits, bp, lo, hi = (np.array(v, dtype=float) for v in zip(*rows, strict=True))
    used = int((n > 0).sum())
    return Reliability(edges, n, mp, obs, exp_, hits, bp, lo, hi, float(min(1.0, np.min(bp) * used)), alpha)


# --------------------------------------------------------------------------- SBC of the exact path


@dataclass(frozen=True)
class SBCDesign:
    """What one simulated dataset looks like: the observed design."""

    n_events: int
    weight: float
    sd: float
    log_table: np.ndarray


def design_of(setup) -> SBCDesign:  # noqa: ANN001
    lik = setup.likelihood
    sd = lik.revenue.sd if lik.revenue.kind == "annual" else setup.assumptions.measurement.annual_sd.value
    return SBCDesign(
        int(setup.evidence.signal_counts().sum()),
        setup.assumptions.signals.tempering_weight.value,
        sd,
        log_likelihood_table(setup.assumptions),
    )


@dataclass(frozen=True)
class Simulated:
    theta: np.ndarray
    z: np.ndarray
    r: np.ndarray
    revenue: np.ndarray
    facts: np.ndarray
    x: np.ndarray


def simulate_datasets(priors: Priors, design: SBCDesign, n: int, rng: np.random.Generator) -> Simulated:
    """Draw ``n`` (parameters, dataset) pairs from the prior with the observed design."""
    theta = rng.dirichlet(priors.dirichlet_alpha, size=n)
    z = np.minimum((theta.cumsum(axis=1) < rng.random((n, 1))).sum(axis=1), len(SCENARIOS) - 1)
    r = rng.beta(priors.r_alpha[None, :], priors.r_beta[None, :], size=(n, len(SCENARIOS)))
    rev = rng.lognormal(priors.revenue.mu, priors.revenue.sigma, size=n)
    k = int(round(design.weight * design.n_events))
    probs = np.exp(design.log_table).T
    facts = np.stack([rng.multinomial(k, probs[zi]) for zi in z]).astype(float)
    x = rng.normal(r[np.arange(n), z] * rev, design.sd)
    return Simulated(theta, z, r, rev, facts, x)


def likelihood_for(facts: np.ndarray, log_table: np.ndarray, x: float, sd: float, revenue: float) -> Likelihood:
    """The likelihood of one simulated dataset: facts (= w * counts) and a full-year datum."""
    return Likelihood(
        signal_loglik=facts @ log_table,
        revenue=RevenueObservation(kind="annual", usd_bn=float(x), sd=sd, revenue=float(revenue)),
        nuisance=np.empty(0),
    )


def theta_cdf(priors: Priors, scenario_prob: np.ndarray, s: int, x: float) -> float:
    """Posterior CDF of theta_s: ``sum_j P(j | E) Beta(kappa m_s + 1[j = s], kappa (1 - m_s) + 1[j != s])``."""
    a = priors.kappa * priors.m[s]
    b = priors.kappa - a
    return float(scenario_prob[s] * stats.beta.cdf(x, a + 1, b) + (1 - scenario_prob[s]) * stats.beta.cdf(x, a, b + 1))


def r_cdf(priors: Priors, post: ExactPosterior, s: int, x: float) -> float:
    """Posterior CDF of r_s: the quadrature posterior given z = s, the prior otherwise."""
    p = post.scenario_prob[s]
    return float(p * post.parts[s].cdf(x) + (1 - p) * stats.beta.cdf(x, priors.r_alpha[s], priors.r_beta[s]))


@dataclass(frozen=True)
class SBCResult:
    label: str
    n: int
    tests: tuple[UniformityTest, ...]
    calibration: Reliability | None
    seconds: float
    notes: dict = field(default_factory=dict)

    def checks(self) -> list[Check]:
        out = [t.check(self.label) for t in self.tests]
        if self.calibration is not None:
            out.append(self.calibration.check(self.label))
        for key, (value, ok, rule) in self.notes.get("gates", {}).items():
            out.append(Check(f"{self.label}.{key}", value, float("nan"), ok, rule))
        return out


def sbc_pits(
    priors: Priors, sim: Simulated, design: SBCDesign, n_nodes: int, posterior=exact_posterior
) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """PIT of (r_z, theta_s x 4, r_s x 4) per dataset, and P(z | E) per dataset."""
    n = sim.z.size
    pit = np.empty((n, 1 + 2 * len(SCENARIOS)))
    pz = np.empty((n, len(SCENARIOS)))
    for i in range(n):
        lik = likelihood_for(sim.facts[i], design.log_table, sim.x[i], design.sd, sim.revenue[i])
        post = posterior(priors, lik, n_nodes)
        pz[i] = post.scenario_prob
        pit[i, 0] = float(post.share_cdf(sim.r[i, sim.z[i]]))
        for s in range(len(SCENARIOS)):
            pit[i, 1 + s] = theta_cdf(priors, post.scenario_prob, s, sim.theta[i, s])
            pit[i, 1 + len(SCENARIOS) + s] = r_cdf(priors, post, s, sim.r[i, s])
    return pit, pz


SBC_QUANTITIES: tuple[str, ...] = ("r_z", *(f"theta[{s}]" for s in SCENARIOS), *(f"r[{s}]" for s in SCENARIOS))


def sbc_exact(
    setup,
    n_sims: int = 1000,
    n_nodes: int | None = None,
    rng: np.random.Generator | None = None,  # noqa: ANN001
    design: SBCDesign | None = None,
    priors: Priors | None = None,
    posterior=exact_posterior,  # noqa: ANN001
    node_check: int = 100,
) -> SBCResult:
    """SBC of the exact path: ``n_sims`` prior datasets, exact posterior of each, uniformity of PITs.

    ``posterior`` (default :func:`model.computation.exact.exact_posterior`) and ``priors`` can be replaced to
    show that the test catches a wrong posterior. ``n_nodes`` defaults to the pipeline's
    quadrature nodes; the first ``node_check`` datasets are redone with four times as many: the
    largest PIT difference is reported and must be below 1e-3 (1,000 nodes are not enough: up
    to 4e-3). With every default (the seed's own stream, the shipped posterior) the result is
    computed once per distinct input (:mod:`model.computation.cache`); the datasets' posteriors are a map
    (:func:`model.computation.parallel.map_tasks`).
    """
    if rng is None and design is None and priors is None and posterior is exact_posterior:
        from .cache import cached

        nodes = n_nodes or setup.assumptions.inference.quadrature_nodes
        params = {"n_sims": n_sims, "n_nodes": nodes, "node_check": node_check, "seed": setup.seed}
        params.update(priors=setup.priors, design=design_of(setup))  # all the SBC reads of the inputs
        return cached("sbc_exact", None, params, lambda: _sbc_exact(setup, n_sims, n_nodes, None, None, None))
    return _sbc_exact(setup, n_sims, n_nodes, rng, design, priors, posterior, node_check)


SBC_CHUNK: int = 50
"""Datasets per task of the SBC of the exact path."""


def _pits_task(task: tuple) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """One task of :func:`sbc_pits_map`: the PITs of a chunk of datasets."""
    return sbc_pits(*task)


def sbc_pits_map(
    priors: Priors, sim: Simulated, design: SBCDesign, n_nodes: int, posterior=exact_posterior
) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """:func:`sbc_pits` in chunks of :data:`SBC_CHUNK` datasets, through
    :func:`model.computation.parallel.map_tasks`.
    """
    from .parallel import map_tasks

    n = sim.z.size
    chunks = [
        (priors, Simulated(*(getattr(sim, f.name)[i : i + SBC_CHUNK] for f in dataclasses.fields(Simulated))), design)
        for i in range(0, n, SBC_CHUNK)
    ]
    tasks = [(*c, n_nodes, posterior) for c in chunks]
    # ~10 ms a dataset: on 2 cores local processes measured no faster than serial (README, "Expected
    # times"), so they run here; a Dask cluster (H20_DASK_SCHEDULER) gets them
    parts = map_tasks(_pits_task, tasks, local_processes=False)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _sbc_exact(
    setup,
    n_sims: int,
    n_nodes: int | None,
    rng: np.random.Generator | None,  # noqa: ANN001
    design: SBCDesign | None,
    priors: Priors | None,
    posterior=exact_posterior,  # noqa: ANN001
    node_check: int = 100,
) -> SBCResult:
    start = time.perf_counter()
    n_nodes = n_nodes or setup.assumptions.inference.quadrature_nodes
    rng = rng or rng_for(setup.seed, "sbc")
    design = design or design_of(setup)
    gen_priors = setup.priors
    sim = simulate_datasets(gen_priors, design, n_sims, rng)
    pit, pz = sbc_pits_map(priors or gen_priors, sim, design, n_nodes, posterior)
    n_tests = len(SBC_QUANTITIES) + 1
    alpha = SBC_FAMILY_ALPHA / n_tests
    tests = tuple(uniformity_test(q, pit[:, j], alpha) for j, q in enumerate(SBC_QUANTITIES))
    cal = reliability(pz, sim.z, alpha)
    notes: dict = {"z_counts": np.bincount(sim.z, minlength=len(SCENARIOS)), "alpha_per_test": alpha}
    if node_check:
        sub = Simulated(*(getattr(sim, f.name)[:node_check] for f in dataclasses.fields(Simulated)))
        pit_full, _ = sbc_pits_map(priors or gen_priors, sub, design, 4 * n_nodes, posterior)
        notes.update(_node_check(pit[:node_check], pit_full, n_nodes))
    return SBCResult("sbc.exact", n_sims, tests, cal, time.perf_counter() - start, notes)


def _node_check(pit: np.ndarray, pit_full: np.ndarray, n_nodes: int) -> dict:
    """The largest PIT change from ``n_nodes`` to four times as many quadrature nodes, and its gate (< 1e-3)."""
    diff, full = float(np.abs(pit_full - pit).max()), 4 * n_nodes
    return {
        "node_check": {"nodes": n_nodes, "reference_nodes": full, "max_pit_diff": diff},
        "gates": {"quadrature_nodes": (diff, diff < 1e-3, f"max |PIT({n_nodes} nodes) - PIT({full} nodes)| < 1e-3")},
    }


# --------------------------------------------------------------------------- SBC of the PyMC path


def build_data_model(priors: Priors, sd: float):  # -> pm.Model
    """:func:`model.computation.mcmc.build_model` for a full-year datum, with the data in ``pm.Data``.

    Same density (tested against ``build_model``); the data can be swapped without recompiling.
    """
    import pymc as pm

    from .mcmc import log_beta
    from .measurement import normal_logpdf

    with pm.Model(coords={"scenario": list(SCENARIOS)}) as model:
        sig = pm.Data("signal_loglik", np.zeros(len(SCENARIOS)), dims="scenario")
        x = pm.Data("x", 0.0)
        rev = pm.Data("revenue", 200.0)
        theta = pm.Dirichlet("theta", a=priors.dirichlet_alpha, dims="scenario")
        share = pm.Uniform("share", 0.0, 1.0)
        ll = pm.math.logsumexp(pm.math.log(theta) + sig + log_beta(priors, share))
        pm.Potential("evidence", ll + normal_logpdf(x, share * rev, sd))
    return model


_COMPILED: dict[str, object] = {}
"""Compiled SBC models of this process by fingerprint of (priors, sd); forked local workers inherit them."""


def _compiled_data_model(priors: Priors, sd: float):  # noqa: ANN202
    """The nutpie-compiled :func:`build_data_model` (compiled once per process and design)."""
    import hashlib
    import json

    from .cache import canonical

    tag = hashlib.sha256(json.dumps(canonical({"priors": priors, "sd": sd}), sort_keys=True).encode()).hexdigest()
    if tag not in _COMPILED:
        import nutpie

        _COMPILED[tag] = nutpie.compile_pymc_model(build_data_model(priors, sd), backend="numba")
    return _COMPILED[tag]


def _nutpie_ranks(compiled, seed: int, task: "SBCFit") -> tuple[np.ndarray, int]:  # noqa: ANN001
    """One SBC fit: ranks of the true (theta, r) among ``thin_to`` thinned draws, and the divergences.

    The collapsed model samples the realised share only; the four shares are completed from the
    draws exactly (:func:`model.computation.mcmc.complete_shares`), with a stream of their own.
    """
    import nutpie

    from .mcmc import complete_shares, realised_prob

    tr = nutpie.sample(compiled, cores=1, seed=seed, progress_bar=False, **task.settings)
    th = tr.posterior["theta"].values.reshape(-1, len(SCENARIOS))
    share = tr.posterior["share"].values.reshape(-1)
    p_z = realised_prob(task.priors, np.asarray(task.data["signal_loglik"]), th, share)
    rr = complete_shares(task.priors, p_z, share, np.random.default_rng(seed))
    thin_to, truth = task.thin_to, task.truth
    keep = np.linspace(0, th.shape[0] - 1, thin_to).round().astype(int)
    post = np.concatenate([th[keep], rr[keep]], axis=1)
    return (post < truth[None, :]).sum(axis=0), int(tr.sample_stats["diverging"].values.sum())


@dataclass(frozen=True)
class SBCFit:
    """One task of the SBC of PyMC: the design, one simulated dataset and its true parameters."""

    priors: Priors
    sd: float
    data: dict
    truth: np.ndarray
    thin_to: int
    settings: dict


def _started_at(compiled, share: float):  # noqa: ANN001, ANN202 - nutpie's CompiledModel
    """The compiled model with every chain started at ``share`` (the other coordinates as nutpie draws them).

    The simulated datum is a spike in the share (:func:`model.computation.mcmc.start_share` does the same for the
    real data); the start changes no target density.
    """
    names, slices = compiled.shape_info[0], compiled.shape_info[1]
    i = slices[names.index("share_interval__")].start
    base = compiled.initial_point_func
    logit = float(special.logit(np.clip(share, 1e-6, 1.0 - 1e-6)))

    def init(seed):  # noqa: ANN001, ANN202
        v = np.array(base(seed), dtype=float)
        v[i] = logit
        return v

    return dataclasses.replace(compiled, initial_point_func=init)


def sbc_fit(task: SBCFit, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """Ranks and divergences of one SBC fit (nutpie, seeded from the task's own stream)."""
    compiled = _compiled_data_model(task.priors, task.sd).with_data(**task.data)
    compiled = _started_at(compiled, float(task.data["x"]) / float(task.data["revenue"]))
    seed = int(rng.integers(0, 2**31))
    return _nutpie_ranks(compiled, seed, task)


def sbc_mcmc(
    setup,
    n_fits: int = 100,
    draws: int = 500,
    tune: int = 500,
    chains: int = 1,
    thin_to: int = 99,  # noqa: ANN001
    rng: np.random.Generator | None = None,
    target_accept: float | None = None,
) -> SBCResult:
    """SBC of the PyMC model: ``n_fits`` prior datasets, NUTS (nutpie, one chain, compiled once) on each.

    Ranks of the true ``theta_s`` and ``r_s`` among ``thin_to`` thinned draws (``thin_to + 1``
    possible ranks, mapped to the midpoints of their cells in [0, 1]); uniformity by the same
    ECDF-band test at ``K = 20`` evaluation points (each a multiple of 1 / (thin_to + 1)).
    The fits are a map (:func:`model.computation.parallel.map_tasks`, each fit seeded from its own stream of
    the one seed); with the seed's own stream (``rng=None``) the result is computed once per
    distinct input (:mod:`model.computation.cache`). One chain per fit: the tuning dominates a fit's time, and
    the ranks need draws, not chains (two chains of 500 took twice as long for the same test).
    """
    args = (n_fits, draws, tune, chains, thin_to, rng, target_accept)
    if rng is not None:
        return _sbc_mcmc(setup, *args)
    from .cache import cached

    params = dict(zip(("n_fits", "draws", "tune", "chains", "thin_to"), args[:5], strict=True))
    accept = target_accept or setup.assumptions.inference.target_accept
    params.update(seed=setup.seed, target_accept=accept, priors=setup.priors, design=design_of(setup))
    return cached("sbc_mcmc", None, params, lambda: _sbc_mcmc(setup, *args))


def _sbc_mcmc(
    setup,  # noqa: ANN001
    n_fits: int,
    draws: int,
    tune: int,
    chains: int,
    thin_to: int,
    rng: np.random.Generator | None,
    target_accept: float | None,
) -> SBCResult:
    from .parallel import backend, map_tasks

    start = time.perf_counter()
    rng = rng or rng_for(setup.seed, "sbc_mcmc")
    design = design_of(setup)
    priors = setup.priors
    sim = simulate_datasets(priors, design, n_fits, rng)
    target_accept = target_accept or setup.assumptions.inference.target_accept
    names = [*(f"theta[{s}]" for s in SCENARIOS), *(f"r[{s}]" for s in SCENARIOS)]
    settings = {"draws": draws, "tune": tune, "chains": chains, "target_accept": target_accept}
    tasks = [
        SBCFit(
            priors,
            design.sd,
            {
                "signal_loglik": sim.facts[i] @ design.log_table,
                "x": np.asarray(sim.x[i]),
                "revenue": np.asarray(sim.revenue[i]),
            },
            np.concatenate([sim.theta[i], sim.r[i]]),
            thin_to,
            settings,
        )
        for i in range(n_fits)
    ]
    task_seed = int(rng.integers(0, 2**32))  # the fits' streams: from the one seed, after the datasets
    if backend(n_fits) == "processes":  # compile here, once: the forked workers inherit it (~20 s each, cold)
        _compiled_data_model(priors, design.sd)
    results = map_tasks(sbc_fit, tasks, seed=task_seed, stream="sbc_mcmc_fits")
    ranks = np.array([r[0] for r in results], dtype=float).reshape(n_fits, len(names))
    divergences = sum(r[1] for r in results)
    pit = (ranks + 0.5) / (thin_to + 1)
    alpha = SBC_FAMILY_ALPHA / len(names)
    tests = tuple(uniformity_test(nm, pit[:, j], alpha, k=20) for j, nm in enumerate(names))
    frac = divergences / (n_fits * chains * draws)
    notes = {
        "draws": draws,
        "tune": tune,
        "chains": chains,
        "divergences": divergences,
        "gates": {
            "divergent_fraction": (
                frac,
                frac < MAX_DIVERGENT_FRACTION,
                f"divergent transitions < {MAX_DIVERGENT_FRACTION:.0%} of draws",
            )
        },
        "target_accept": target_accept,
        "alpha_per_test": alpha,
        "sampler": f"nutpie (numba backend), compiled once per process; map: {backend(n_fits)}",
    }
    return SBCResult("sbc.mcmc", n_fits, tests, None, time.perf_counter() - start, notes)


# --------------------------------------------------------------------------- power-scaling


def powered_priors(priors: Priors, alpha: float) -> Priors:
    """Every prior density raised to ``alpha``: Dirichlet ``alpha (kappa m - 1) + 1``, Beta ``alpha (a - 1) + 1``.

    Valid while every parameter stays positive (for ``a < 1``: ``alpha < 1 / (1 - a)``).
    FY2026 revenue is observed once the full year is reported, so its prior plays no part.
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
    """Only one scenario's recovery prior raised to ``alpha`` (``Beta(alpha (a - 1) + 1, alpha (b - 1) + 1)``)."""
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
    """
    out = lik.with_signal_weight(alpha)
    if lik.revenue.kind != "none":
        out = out.with_revenue(replace(lik.revenue, sd=lik.revenue.sd / np.sqrt(alpha)))
    return out


def js_distance(p: np.ndarray, q: np.ndarray) -> float:
    """Jensen-Shannon distance (base 2) between two discrete distributions."""
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
    """psense-style sensitivity of the headline quantities on the exact path."""

    quantities: tuple[str, ...]
    prior: np.ndarray
    likelihood: np.ndarray
    log2_alpha: float
    threshold: float
    single: dict[str, np.ndarray] = field(default_factory=dict)
    """Sensitivity to one scenario's recovery prior alone (by scenario): scaling one of two priors that
    compete near zero moves their ratio, which scaling all priors together leaves fixed."""

    SHARE = "recovered share"
    """Name of the share among :attr:`quantities`; the others are :meth:`label` of each scenario."""

    @staticmethod
    def label(scenario: str) -> str:
        return f"P(z={scenario})"

    def of(self, scenario: str | None = None) -> tuple[float, float]:
        """(prior, likelihood) sensitivity of P(z = scenario | E), or of the share when ``scenario`` is None."""
        i = self.quantities.index(self.SHARE if scenario is None else self.label(scenario))
        return float(self.prior[i]), float(self.likelihood[i])

    def diagnosis(self, i: int) -> str:
        p, lk = self.prior[i] >= self.threshold, self.likelihood[i] >= self.threshold
        if p and lk:
            return "potential prior-data conflict"
        if p:
            return "potential strong prior / weak likelihood"
        return "ok"

    def rows(self) -> list[dict[str, object]]:
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
        """Sensitivity of each quantity to each scenario's recovery prior scaled alone."""
        return [
            {"recovery prior": s, "quantity": q, "prior": float(v[i]), "likelihood": float(self.likelihood[i])}
            for s, v in self.single.items()
            for i, q in enumerate(self.quantities)
        ]

    def checks(self) -> list[Check]:
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
    the range :data:`PS_REFERENCE_DRAWS` draws would span. ``single_priors``: scenarios whose
    recovery prior is also scaled alone (:attr:`PowerScaling.single`).
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

    def sensitivity(powered) -> np.ndarray:  # noqa: ANN001 - alpha -> ExactPosterior
        return sum(dists(powered(a), grid, f0) for a in alphas) / (2 * log2_alpha)

    prior = sensitivity(lambda a: exact_posterior(powered_priors(priors, a), lik, n_nodes))
    likelihood = sensitivity(lambda a: exact_posterior(priors, powered_likelihood(lik, a), n_nodes))
    single = {
        s: sensitivity(lambda a, s=s: exact_posterior(powered_recovery(priors, s, a), lik, n_nodes))
        for s in (single_priors or ())
    }
    return PowerScaling(names, prior, likelihood, log2_alpha, threshold, single)


# --------------------------------------------------------------------------- everything


@dataclass(frozen=True)
class PredictiveChecks:
    """The deterministic checks: prior, forecast and posterior predictive checks, and power-scaling."""

    prior_revenue: RevenueCheck | None
    prior_signals: SignalCheck
    forecast_revenue: RevenueCheck | None
    """The full-year figure predicted from the evidence the day before it was reported."""
    post_revenue: RevenueCheck | None
    post_signals: SignalCheck
    power: PowerScaling
    seconds: dict[str, float]

    def checks(self) -> list[Check]:
        """The predictive checks (prior, forecast, then posterior) as pass/fail rows."""
        revenue = (self.prior_revenue, self.forecast_revenue)
        out: list[Check] = [c.check() for c in revenue if c is not None]
        out += self.prior_signals.checks()
        out += [] if self.post_revenue is None else [self.post_revenue.check()]
        return out + self.post_signals.checks()


@dataclass(frozen=True)
class CheckReport:
    """Every check: the deterministic ones, the SBC of the exact path and (optionally) of PyMC."""

    predictive: PredictiveChecks
    sbc: SBCResult
    sbc_mcmc: SBCResult | None
    seconds: dict[str, float]
    bounds: dict[str, float] = field(default_factory=dict)
    """Scenarios below 1e-4: their largest probability under robust revenue likelihoods
    (:mod:`model.computation.call`).
    """

    @property
    def power(self) -> PowerScaling:
        return self.predictive.power

    def checks(self) -> list[Check]:
        out = self.predictive.checks() + self.sbc.checks()
        if self.sbc_mcmc is not None:
            out += self.sbc_mcmc.checks()
        return out + self.power.checks()

    @property
    def passed(self) -> bool:
        """Every counted check passed (a check that cannot fail by construction is not counted)."""
        return all(c.passed for c in self.checks() if c.counted)

    @property
    def first_failure(self) -> Check | None:
        return next((c for c in self.checks() if c.counted and not c.passed), None)


def predictive_checks(setup) -> PredictiveChecks:  # noqa: ANN001
    """Predictive checks of the revenue datum (full-year datum only) and the signal counts, and power-scaling.

    Power-scaling also scales the recovery priors of the leading scenario and its rival one at a
    time: the call rests on their ratio near zero (:mod:`model.computation.call`).
    """
    t: dict[str, float] = {}
    lik, priors = setup.likelihood, setup.priors
    w = setup.assumptions.signals.tempering_weight.value
    table = log_likelihood_table(setup.assumptions)
    counts = setup.evidence.signal_counts()
    nodes = setup.assumptions.inference.quadrature_nodes
    t0 = time.perf_counter()
    annual = lik.revenue.kind == "annual"
    prior_rev = prior_revenue_check(priors, lik.revenue) if annual else None
    prior_sig = signal_check(counts, table, w, priors.m, "prior_predictive", rng_for(setup.seed, "prior_check"))
    t["prior_predictive"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    forecast = forecast_revenue_check(setup)
    t["forecast_check"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    post = exact_posterior(priors, lik, nodes)
    post_rev = posterior_revenue_check(post, lik.revenue) if annual else None
    post_sig = signal_check(counts, table, w, post.scenario_prob, "posterior_predictive", rng_for(setup.seed, "ppc"))
    t["posterior_predictive"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    order = np.argsort(-post.scenario_prob, kind="stable")[:2]
    ps = power_scaling(priors, lik, nodes, single_priors=[SCENARIOS[i] for i in order])
    t["power_scaling"] = time.perf_counter() - t0
    return PredictiveChecks(prior_rev, prior_sig, forecast, post_rev, post_sig, ps, t)


def run_checks(setup, mcmc_sbc: bool = False, n_sbc: int = 1000, sbc_nodes: int | None = None) -> CheckReport:  # noqa: ANN001
    """Every check of the chapter 'Does the model fit?' (SBC of PyMC only with ``mcmc_sbc``)."""
    pc = predictive_checks(setup)
    t = dict(pc.seconds)
    sbc = sbc_exact(setup, n_sbc, sbc_nodes)
    t["sbc_exact"] = sbc.seconds
    mc = sbc_mcmc(setup) if mcmc_sbc else None
    if mc is not None:
        t["sbc_mcmc"] = mc.seconds
    from .call import robust_variants, tiny_bounds

    t0 = time.perf_counter()
    bounds = tiny_bounds(robust_variants(setup))
    t["bounds"] = time.perf_counter() - t0
    return CheckReport(pc, sbc, mc, t, bounds)


def require(checks: Sequence[Check]) -> None:
    """Raise AssertionError naming every failed check (nothing happens, and nothing prints, when all pass)."""
    failed = [f"{c.name}: {c.reason}" for c in checks if not c.passed]
    assert not failed, "; ".join(failed)


def report_dict(rep: CheckReport) -> dict:
    """JSON-ready summary: every check with its statistic, p-value and verdict."""

    def num(x: float) -> float | None:
        return None if x is None or not np.isfinite(x) else float(x)

    return {
        "passed": rep.passed,
        "first_failure": None
        if rep.first_failure is None
        else {"name": rep.first_failure.name, "reason": rep.first_failure.reason},
        "checks": [
            {
                "name": c.name,
                "statistic": num(c.statistic),
                "p_value": num(c.p_value),
                "passed": bool(c.passed),
                "counted": bool(c.counted),
                "rule": c.rule,
                "detail": c.detail,
            }
            for c in rep.checks()
        ],
        "power_scaling": rep.power.rows(),
        "power_scaling_single": rep.power.single_rows(),
        "bounds": {s: {"largest_over_variants": v} for s, v in rep.bounds.items()},
        "sbc_exact": {
            "n": rep.sbc.n,
            "seconds": rep.sbc.seconds,
            "node_check": rep.sbc.notes.get("node_check"),
            "alpha_per_test": rep.sbc.notes["alpha_per_test"],
        },
        "sbc_mcmc": None
        if rep.sbc_mcmc is None
        else {
            "n": rep.sbc_mcmc.n,
            "seconds": rep.sbc_mcmc.seconds,
            **{k: v for k, v in rep.sbc_mcmc.notes.items() if k != "gates"},
        },
        "seconds": rep.seconds,
        "cpu_count": os.cpu_count(),
    }


def report_text(rep: CheckReport) -> str:
    """Plain-text summary: one line per check, then the power-scaling table and run times."""
    lines = ["Does the model fit?", ""]
    for c in rep.checks():
        p = "" if not np.isfinite(c.p_value) else f"p = {c.p_value:.3f}  "
        verdict = ("PASS" if c.passed else "FAIL") if c.counted else "----"
        lines.append(f"{verdict}  {c.name:<44} {p}{c.detail}" + ("" if c.counted else " (not counted: cannot fail)"))
    lines += ["", "Power-scaling sensitivity (exact path; threshold 0.05):"]
    lines += [
        f"  {r['quantity']:<16} prior {r['prior']:.3f}  likelihood {r['likelihood']:.3f}  {r['diagnosis']}"
        for r in rep.power.rows()
    ]
    lines += [
        f"  {r['recovery prior']} prior alone: {r['quantity']:<16} prior {r['prior']:.3f}"
        for r in rep.power.single_rows()
    ]
    lines += [f"Bound: P(z={s}) stays below {v:.1e} under every robust likelihood" for s, v in rep.bounds.items()]
    lines += ["", "Run time (s): " + ", ".join(f"{k} {v:.1f}" for k, v in rep.seconds.items())]
    bad = rep.first_failure
    lines.append("All checks pass." if bad is None else f"FAILED: {bad.name}: {bad.reason}")
    return "\n".join(lines)
