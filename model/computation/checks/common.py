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
    """One pass/fail check, as the chapter and ``python -m model check`` list it.

    Attributes
    ----------
    name : str
        Dotted name, e.g. ``posterior_predictive.signals.omnibus`` or ``sbc.exact.r_z``.
    statistic : float
        The test statistic (its units depend on the check; NaN when there is none).
    p_value : float
        Tail probability of the statistic (NaN for a gate with no p-value).
    passed : bool
        Whether the check passed its rule.
    rule : str
        The rule, in words.
    detail : str
        What was observed, in words.
    counted : bool
        False for a check that cannot fail by construction: shown, labelled, and not counted as a pass.
    """

    name: str
    statistic: float
    p_value: float
    passed: bool
    rule: str
    detail: str = ""
    counted: bool = True

    @property
    def reason(self) -> str:
        """Detail, p-value and rule in one line (why it passed or failed)."""
        p = f"p = {self.p_value:.3g} " if np.isfinite(self.p_value) else ""
        return f"{self.detail + '; ' if self.detail else ''}{p}(rule: {self.rule})"


def two_sided(lower: float, upper: float) -> float:
    """Two-sided tail probability from the two one-sided ones: ``min(1, 2 min(P(T <= t), P(T >= t)))``.

    Parameters
    ----------
    lower : float
        ``P(T <= t)``.
    upper : float
        ``P(T >= t)``.

    Returns
    -------
    float
        The two-sided p-value, in [0, 1].
    """
    return float(min(1.0, 2.0 * min(lower, upper)))


# --------------------------------------------------------------------------- ECDF uniformity test


@lru_cache(maxsize=32)
def _null_min_tail(n: int, k: int, sims: int = BAND_SIMULATIONS) -> np.ndarray:
    """Sorted null distribution of the smallest two-sided binomial tail of a uniform ECDF (fixed seed); read-only."""
    rng = np.random.default_rng([n, k, 2022])
    counts = np.cumsum(rng.multinomial(n, np.full(k, 1.0 / k), size=sims), axis=1)[:, :-1]
    out = np.sort(_min_tail(counts, n, k))
    out.flags.writeable = False  # every caller gets this one array: none may change it
    return out


def _min_tail(counts: np.ndarray, n: int, k: int) -> np.ndarray:
    z = np.arange(1, k) / k
    lo = stats.binom.cdf(counts, n, z)
    hi = stats.binom.sf(counts - 1, n, z)
    return np.minimum(1.0, 2.0 * np.minimum(lo, hi)).min(axis=-1)


@dataclass(frozen=True)
class UniformityTest:
    """Simultaneous ECDF-band test that PIT values are uniform (Säilynoja et al. 2022).

    Attributes
    ----------
    name : str
        The quantity tested, e.g. ``r_z`` or ``theta[base]``.
    pit : numpy.ndarray
        Shape (datasets,): PIT values in [0, 1] (exact path) or Monte Carlo ranks mapped to the
        midpoints of their cells (PyMC path).
    k : int
        Evaluation points ``z_i = i / k``.
    statistic : float
        Smallest two-sided binomial tail probability of the ECDF over the evaluation points.
    p_value : float
        Rank of ``statistic`` among its null distribution (uniform samples, fixed seed).
    alpha : float
        The test's false-alarm rate (the family-wise rate Bonferroni-split).
    band : tuple of numpy.ndarray
        ``(z, lower, upper)`` of the simultaneous ``(1 - alpha)`` band for the ECDF, each shape (k - 1,).
    """

    name: str
    pit: np.ndarray
    k: int
    statistic: float
    p_value: float
    alpha: float
    band: tuple[np.ndarray, np.ndarray, np.ndarray]

    @property
    def passed(self) -> bool:
        """``p_value >= alpha``."""
        return self.p_value >= self.alpha

    @property
    def ecdf_diff(self) -> tuple[np.ndarray, np.ndarray]:
        """(z, ECDF(z) - z) at the evaluation points."""
        z = np.arange(1, self.k) / self.k
        return z, np.searchsorted(np.sort(self.pit), z, side="right") / self.pit.size - z

    def check(self, prefix: str) -> Check:
        """This test as a pass/fail row.

        Parameters
        ----------
        prefix : str
            The SBC run's label (``sbc.exact`` or ``sbc.mcmc``).

        Returns
        -------
        Check
            Named ``prefix.name``.
        """
        return Check(
            f"{prefix}.{self.name}",
            self.statistic,
            self.p_value,
            self.passed,
            f"ECDF inside the simultaneous band: p >= {self.alpha:.2g}",
            f"{self.pit.size} ranks",
        )


def uniformity_test(name: str, pit: np.ndarray, alpha: float, k: int = 100) -> UniformityTest:
    """Test PIT values in [0, 1] (or discrete ranks mapped to cell midpoints) for uniformity.

    Parameters
    ----------
    name : str
        The quantity tested.
    pit : numpy.ndarray
        Shape (datasets,), values in [0, 1].
    alpha : float
        False-alarm rate of this test.
    k : int
        Evaluation points (at most the number of values).

    Returns
    -------
    UniformityTest
        Statistic, p-value and simultaneous band.
    """
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
    """Distribution of a sum of independent Bernoulli(p_i) (exact recursion).

    Parameters
    ----------
    p : numpy.ndarray
        Shape (n,): the success probabilities.

    Returns
    -------
    numpy.ndarray
        Shape (n + 1,): ``P(sum = j)`` for ``j = 0..n``.
    """
    pmf = np.zeros(p.size + 1)
    pmf[0] = 1.0
    for i, pi in enumerate(p):
        pmf[1 : i + 2] = pmf[1 : i + 2] * (1 - pi) + pmf[: i + 1] * pi
        pmf[0] *= 1 - pi
    return pmf


@dataclass(frozen=True)
class Reliability:
    """Reliability of the predicted P(z = s | E) over SBC datasets (all scenarios pooled), by bin of prediction.

    Every array has shape (bins,); empty bins hold NaN (or 0 counts).

    Attributes
    ----------
    edges : numpy.ndarray
        Shape (bins + 1,): bin edges of the predicted probability, 0 to 1.
    n : numpy.ndarray
        Predictions per bin.
    mean_pred : numpy.ndarray
        Mean predicted probability per bin.
    observed : numpy.ndarray
        Observed frequency of the event per bin.
    expected : numpy.ndarray
        Expected number of events per bin (sum of predictions).
    hits : numpy.ndarray
        Observed number of events per bin.
    bin_p : numpy.ndarray
        Two-sided Poisson-binomial tail probability of the hits in each bin.
    lower, upper : numpy.ndarray
        Central 99% Poisson-binomial interval of the observed frequency per bin, under calibration.
    p_value : float
        Bonferroni-adjusted smallest bin p-value.
    alpha : float
        The test's false-alarm rate.
    """

    edges: np.ndarray
    n: np.ndarray
    mean_pred: np.ndarray
    observed: np.ndarray
    expected: np.ndarray
    hits: np.ndarray
    bin_p: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    p_value: float
    alpha: float

    @property
    def passed(self) -> bool:
        """``p_value >= alpha``."""
        return self.p_value >= self.alpha

    def check(self, prefix: str) -> Check:
        """This test as a pass/fail row, its detail the worst bin.

        Parameters
        ----------
        prefix : str
            The SBC run's label.

        Returns
        -------
        Check
            Named ``prefix.calibration_P(z)``.
        """
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

    Predictions of one dataset sum to 1, so their outcomes are negatively correlated; treating them
    as independent overstates the variance of a bin's hits, so the test is conservative.

    Parameters
    ----------
    pred : numpy.ndarray
        Shape (datasets, scenarios): predicted probabilities.
    truth : numpy.ndarray
        Shape (datasets,): the true scenario's index.
    alpha : float
        The test's false-alarm rate.
    n_bins : int
        Equal-width bins over [0, 1].

    Returns
    -------
    Reliability
        Per-bin frequencies, tail probabilities and the Bonferroni-adjusted p-value.
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
