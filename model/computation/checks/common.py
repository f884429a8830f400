"""What every check shares: the pass/fail row :class:`Check`, the ECDF uniformity test and the
reliability test of predicted probabilities (both SBC paths use them).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import stats

SBC_FAMILY_ALPHA: float = 0.01
"""Family-wise false-alarm rate of the uniformity tests of one SBC run (Bonferroni-split)."""
BAND_SIMULATIONS: int = 20_000
"""Uniform samples behind the ECDF-band statistic's null distribution."""


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
