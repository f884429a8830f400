"""Reported revenue as a measurement of the recovered share (book/method.md, "Reported revenue").

The recovered share is ``r = X / R``: ``X`` the post-reversal H20 revenue from China in the
fiscal year, ``R`` the year's revenue (USD bn). NVIDIA discloses ``X`` as a running total: the
H20 revenue earned *to date* under the post-reversal licences (the ``h20_china_post_licence_usd_bn``
column of the quarters file: "about USD 50m" in the Q3 FY2026 10-Q, "about USD 60m" in the FY2026
10-K). The latest disclosure in force is the datum, in one of two forms, never both:

* **annual** (the disclosure at the fiscal year's end): ``x ~ Normal(r R, sd)`` with ``R`` the
  reported revenue;
* **partial** (a disclosure before the year ends): it is a fraction ``phi`` of the year's total,
  ``c ~ Normal(r phi R, sd)``, with ``phi ~ Beta`` centred on the share of licensed days elapsed
  and ``R`` from its prior.

``sd`` is the precision of the disclosure: a figure stated to the nearest ``rounding`` has a
uniform rounding error of standard deviation ``rounding / sqrt(12)``. A period without a
disclosed running total is missing, never zero; a period that ended before the first licence
carries no post-reversal sale and is never a datum.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import special, stats

from .assumptions import MeasurementSpec
from .evidence_files import Period

LOG_2PI = float(np.log(2.0 * np.pi))


def normal_logpdf(y: float, mu, sd: float):  # works on NumPy arrays and PyTensor tensors alike
    """``log Normal(y | mu, sd)``; the one copy used by the exact path and by PyMC.

    Parameters
    ----------
    y : the observed value
    mu : the mean (a float, a NumPy array or a PyTensor tensor)
    sd : the standard deviation, positive

    Returns
    -------
    The log density, shaped as ``mu``.
    """
    return -0.5 * ((y - mu) / sd) ** 2 - float(np.log(sd)) - 0.5 * LOG_2PI


def rounding_sd(rounding: float) -> float:
    """Standard deviation of the error of a figure rounded to the nearest ``rounding`` (uniform error).

    Parameters
    ----------
    rounding : the step the figure is rounded to (USD bn)

    Returns
    -------
    float
        ``rounding / sqrt(12)`` (USD bn).
    """
    return rounding / float(np.sqrt(12.0))


@dataclass(frozen=True)
class RevenueObservation:
    """What the reports say about the recovered share, as of some date."""

    kind: Literal["none", "partial", "annual"]
    usd_bn: float = 0.0
    """Disclosed post-reversal H20 China revenue to date (USD bn): the year's, or the running total so far."""
    sd: float = 1.0
    """Measurement error of that figure (USD bn)."""
    revenue: float | None = None
    """The fiscal year's revenue (USD bn) once reported; the partial kind leaves it to its prior."""
    fraction_mean: float = 1.0
    """Expected fraction of the year's post-licence sales inside a running total."""
    fraction_concentration: float = 1.0
    periods: tuple[str, ...] = ()
    """The fiscal period whose disclosure is the datum."""
    rounding: float = 0.0
    """The precision the figure is stated to (USD bn): it is known to within half of this either way."""
    misreport: float = 0.0
    """Robustness variants only: the chance that the disclosure is unrelated to the truth (the reported
    figure then uniform on [0, misreport_width])."""
    misreport_width: float = 1.0
    tail_df: float = 0.0
    """Robustness variants only: Student-t errors with this many degrees of freedom (0: Normal)."""

    @property
    def realised_share(self) -> float | None:
        """The point estimate ``x / R`` once the full year is reported."""
        return self.usd_bn / self.revenue if self.kind == "annual" and self.revenue else None

    def realised_share_range(self) -> tuple[float, float] | None:
        """The shares the rounded full-year figure allows: ``(x -+ rounding / 2) / R`` (None before the year).

        Returns
        -------
        tuple of float or None
        """
        if self.kind != "annual" or not self.revenue:
            return None
        half = self.rounding / 2.0
        return max(self.usd_bn - half, 0.0) / self.revenue, (self.usd_bn + half) / self.revenue


PEAK_SDS: float = 40.0
"""Half-width, in measurement errors, of the region where an annual datum's likelihood is searched for."""


def likelihood_window(obs: RevenueObservation) -> tuple[float, float] | None:
    """The shares where an annual datum's likelihood is not negligible: ``(x -+ PEAK_SDS sd) / R`` (else None).

    A datum stated to a few million dollars of a revenue in the hundreds of billions is a spike far
    narrower than any prior: the quadrature searches this window as well as its coarse grid.

    Parameters
    ----------
    obs : the revenue datum

    Returns
    -------
    tuple of float or None
        ``(low, high)`` shares, None for a partial or missing datum.
    """
    if obs.kind != "annual" or not obs.revenue:
        return None
    lo = (obs.usd_bn - PEAK_SDS * obs.sd) / obs.revenue
    hi = (obs.usd_bn + PEAK_SDS * obs.sd) / obs.revenue
    return (lo, hi) if hi > 0 and lo < 1 else None


def _in_year(p: Period, spec: MeasurementSpec, fy_end: dt.date) -> bool:
    """A period whose running total can be a datum: it ended on or after the first licence, by the year's end."""
    return spec.first_licence_date.value <= p.period_end <= fy_end and p.h20_post_licence_usd_bn is not None


def latest_disclosure(periods: tuple[Period, ...], spec: MeasurementSpec, fy_end: dt.date) -> Period | None:
    """The most recent period with a disclosed running total of post-licence H20 revenue in the year.

    Parameters
    ----------
    periods : the reported periods in force
    spec : the measurement assumptions (first licence date)
    fy_end : the fiscal year's last day

    Returns
    -------
    Period or None
        None when no period of the year discloses a running total.
    """
    found = [p for p in periods if _in_year(p, spec, fy_end)]
    return max(found, key=lambda p: (p.period_end, p.period_type == "year", p.reported)) if found else None


def revenue_observation(periods: tuple[Period, ...], spec: MeasurementSpec, fy_end: dt.date) -> RevenueObservation:
    """The revenue datum the reported periods imply: the latest disclosed running total (annual or partial).

    Parameters
    ----------
    periods : the reported periods in force
    spec : the measurement assumptions (first licence date, rounding, timing concentration)
    fy_end : the fiscal year's last day

    Returns
    -------
    RevenueObservation
        Kind ``none`` when nothing is disclosed yet.
    """
    p = latest_disclosure(periods, spec, fy_end)
    if p is None:
        return RevenueObservation(kind="none")
    assert p.h20_post_licence_usd_bn is not None
    rounding = spec.rounding.value
    common = {"usd_bn": float(p.h20_post_licence_usd_bn), "sd": rounding_sd(rounding), "rounding": rounding}
    year = next((q for q in periods if q.period_type == "year" and q.period_end == fy_end), None)
    if p.period_end == fy_end and year is not None:
        return RevenueObservation(
            kind="annual", revenue=year.total_revenue_usd_bn, periods=(p.fiscal_period,), **common
        )
    licence = spec.first_licence_date.value
    elapsed = (p.period_end - licence).days / (fy_end - licence).days
    return RevenueObservation(
        kind="partial",
        fraction_mean=min(max(elapsed, 1e-3), 1.0 - 1e-3),
        fraction_concentration=spec.timing_concentration.value,
        periods=(p.fiscal_period,),
        **common,
    )


def nuisance_nodes(obs: RevenueObservation, revenue_mu: float, revenue_sigma: float) -> np.ndarray:
    """Nodes and log weights of ``y = log(phi R)`` for the partial-sum likelihood, shape (2, n) (empty otherwise).

    The density of ``log phi`` (``phi ~ Beta``) is convolved with that of ``log R ~ Normal`` on a
    grid of step ``h``; the grid reaches ``phi`` down to its 1e-15 quantile, so a quarter with few
    sales (small ``phi``) is weighed as the model says even when ``r`` is large. ``h`` resolves the
    likelihood's width in ``y`` (about ``sd / c``), between 0.002 and 0.02.

    Parameters
    ----------
    obs : the revenue datum
    revenue_mu, revenue_sigma : the log-normal revenue prior's parameters (log USD bn)

    Returns
    -------
    numpy.ndarray
        Shape (2, n): nodes of ``y`` and their log weights; shape (2, 0) unless the datum is partial.
    """
    if obs.kind != "partial":
        return np.empty((2, 0))
    a, b = obs.fraction_mean * obs.fraction_concentration, (1.0 - obs.fraction_mean) * obs.fraction_concentration
    h = float(np.clip(obs.sd / (5.0 * max(obs.usd_bn, 1e-12)), 0.002, 0.02))
    v_lo = float(np.log(max(stats.beta.ppf(1e-15, a, b), 1e-300)))
    v = np.arange(v_lo, h / 2, h)  # log phi, up to 0
    with np.errstate(divide="ignore"):
        log_q = stats.beta.logpdf(np.exp(v), a, b) + v  # density of log phi
    y = np.arange(v[0] + revenue_mu - 8.5 * revenue_sigma, revenue_mu + 8.5 * revenue_sigma + h, h)
    log_n = stats.norm.logpdf(y[:, None] - v[None, :], revenue_mu, revenue_sigma)  # density of log R = y - log phi
    log_p = special.logsumexp(log_n + log_q[None, :], axis=1) + 2.0 * np.log(h)  # cell masses of y
    keep = log_p > log_p.max() - 60.0
    log_w = log_p[keep] - special.logsumexp(log_p[keep])
    return np.vstack([np.exp(y[keep]), log_w])


def revenue_loglik(r: np.ndarray, obs: RevenueObservation, g: np.ndarray) -> np.ndarray:
    """``log p(revenue datum | r)`` for every element of ``r`` (NumPy; broadcast over r's shape).

    ``g``: the nodes and log weights of ``phi R`` from :func:`nuisance_nodes` (partial sums only).

    Parameters
    ----------
    r : recovered shares, any shape
    obs : the revenue datum
    g : :func:`nuisance_nodes` of the datum

    Returns
    -------
    numpy.ndarray
        Shaped as ``r``; zeros when there is no datum.
    """
    r = np.asarray(r, dtype=float)
    if obs.kind == "none":
        return np.zeros_like(r)
    if obs.kind == "annual":
        assert obs.revenue is not None
        return _robust(_error_logpdf(obs, r * obs.revenue), obs)
    return _robust(_partial_loglik(r, obs, g), obs)


def _error_logpdf(obs: RevenueObservation, mu: np.ndarray) -> np.ndarray:
    """Log density of the disclosed figure around ``mu``: Normal, or Student-t in the robustness variants."""
    if obs.tail_df <= 0:
        return normal_logpdf(obs.usd_bn, mu, obs.sd)
    return stats.t.logpdf(obs.usd_bn, obs.tail_df, loc=mu, scale=obs.sd)


def _robust(loglik: np.ndarray, obs: RevenueObservation) -> np.ndarray:
    """Mix in the misreport component of a robustness variant (unchanged when ``misreport`` is 0)."""
    if obs.misreport <= 0:
        return loglik
    return np.logaddexp(np.log1p(-obs.misreport) + loglik, np.log(obs.misreport / obs.misreport_width))


def _partial_loglik(r: np.ndarray, obs: RevenueObservation, g: np.ndarray) -> np.ndarray:
    nodes, log_w = g
    out = np.empty_like(r)
    flat_r, flat_out = r.ravel(), out.ravel()
    for i in range(0, flat_r.size, 512):  # chunks keep memory at 512 x len(nodes)
        chunk = flat_r[i : i + 512]
        log_terms = _error_logpdf(obs, chunk[:, None] * nodes[None, :]) + log_w
        flat_out[i : i + 512] = special.logsumexp(log_terms, axis=1)
    return flat_out.reshape(r.shape)
