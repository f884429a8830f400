"""Reported revenue as a measurement of the recovered share (book/method.md, "Reported revenue").

The recovered share is ``r = X / R``: ``X`` the post-reversal FY2026 H20 revenue from China,
``R`` FY2026 revenue (USD bn). NVIDIA's reports measure it in one of two ways, never both:

* **annual** (once the full year is reported): ``X`` is the year's H20 China total minus the
  quarters that ended before the first licence, so ``x_FY ~ Normal(r R, sd_FY)`` with ``R``
  the reported revenue;
* **partial** (before that): the post-licence quarters reported so far sum to a fraction
  ``phi`` of ``X``: ``c ~ Normal(r phi R, sd_q)``, with ``phi ~ Beta`` centred on the share of
  licensed days elapsed and ``R`` from its prior. An undisclosed quarter ends the partial sum
  (missing, not zero).

Quarters that ended before the first licence carry no post-reversal sale and never enter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

from .assumptions import MeasurementSpec
from .evidence import Period

LOG_2PI = float(np.log(2.0 * np.pi))
FISCAL_YEAR = "FY2026"


def normal_logpdf(y: float, mu, sd: float):  # noqa: ANN001, ANN201 - works on NumPy arrays and PyTensor tensors alike
    """``log Normal(y | mu, sd)``; the one copy used by the exact path and by PyMC."""
    return -0.5 * ((y - mu) / sd) ** 2 - float(np.log(sd)) - 0.5 * LOG_2PI


@dataclass(frozen=True)
class RevenueObservation:
    """What the reports say about the recovered share, as of some date."""

    kind: Literal["none", "partial", "annual"]
    usd_bn: float = 0.0
    """Observed post-reversal H20 China revenue (USD bn): the year's, or the partial sum so far."""
    sd: float = 1.0
    """Measurement error of that figure (USD bn)."""
    revenue: float | None = None
    """FY2026 revenue (USD bn) once reported; the partial kind leaves it to its prior."""
    fraction_mean: float = 1.0
    """Expected fraction of the year's post-licence sales inside the partial sum."""
    fraction_concentration: float = 1.0
    periods: tuple[str, ...] = ()
    """Fiscal periods the datum is built from."""

    @property
    def realised_share(self) -> float | None:
        """The point estimate ``x_FY / R`` once the full year is reported."""
        return self.usd_bn / self.revenue if self.kind == "annual" and self.revenue else None


def _fy_quarters(periods: tuple[Period, ...], fy_end: dt.date) -> list[Period]:
    """Quarters of the fiscal year ending ``fy_end``, in order."""
    start = fy_end - dt.timedelta(days=371)
    return sorted(
        (p for p in periods if p.period_type == "quarter" and start < p.period_end <= fy_end),
        key=lambda p: p.period_end,
    )


def _annual(periods: tuple[Period, ...], spec: MeasurementSpec, fy_end: dt.date) -> RevenueObservation | None:
    year = next((p for p in periods if p.period_type == "year" and p.period_end == fy_end), None)
    if year is None or year.h20_china_revenue_usd_bn is None:
        return None
    pre = [q for q in _fy_quarters(periods, fy_end) if q.period_end < spec.first_licence_date.value]
    if any(q.h20_china_revenue_usd_bn is None for q in pre):
        return None  # the pre-licence part is not disclosed: the year cannot be split
    x = year.h20_china_revenue_usd_bn - sum(q.h20_china_revenue_usd_bn or 0.0 for q in pre)
    return RevenueObservation(
        kind="annual",
        usd_bn=float(x),
        sd=spec.annual_sd.value,
        revenue=year.total_revenue_usd_bn,
        periods=(year.fiscal_period, *(q.fiscal_period for q in pre)),
    )


def _partial(periods: tuple[Period, ...], spec: MeasurementSpec, fy_end: dt.date) -> RevenueObservation:
    licence = spec.first_licence_date.value
    post = [q for q in _fy_quarters(periods, fy_end) if q.period_end >= licence]
    used: list[Period] = []
    for q in post:  # the partial sum stops at the first undisclosed quarter
        if q.h20_china_revenue_usd_bn is None:
            break
        used.append(q)
    if not used:
        return RevenueObservation(kind="none")
    days = (fy_end - licence).days
    elapsed = (used[-1].period_end - licence).days
    return RevenueObservation(
        kind="partial",
        usd_bn=float(sum(q.h20_china_revenue_usd_bn or 0.0 for q in used)),
        sd=spec.quarterly_sd.value,
        fraction_mean=min(max(elapsed / days, 1e-3), 1.0 - 1e-3),
        fraction_concentration=spec.timing_concentration.value,
        periods=tuple(q.fiscal_period for q in used),
    )


def revenue_observation(periods: tuple[Period, ...], spec: MeasurementSpec, fy_end: dt.date) -> RevenueObservation:
    """The revenue datum implied by the reported periods: the full year once out, else the partial sum."""
    return _annual(periods, spec, fy_end) or _partial(periods, spec, fy_end)


def nuisance_nodes(obs: RevenueObservation, revenue_mu: float, revenue_sigma: float) -> np.ndarray:
    """Nodes and log weights of ``y = log(phi R)`` for the partial-sum likelihood, shape (2, n) (empty otherwise).

    The density of ``log phi`` (``phi ~ Beta``) is convolved with that of ``log R ~ Normal`` on a
    grid of step ``h``; the grid reaches ``phi`` down to its 1e-15 quantile, so a quarter with few
    sales (small ``phi``) is weighed as the model says even when ``r`` is large. ``h`` resolves the
    likelihood's width in ``y`` (about ``sd / c``), between 0.002 and 0.02.
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
    from scipy.special import logsumexp

    log_p = logsumexp(log_n + log_q[None, :], axis=1) + 2.0 * np.log(h)  # cell masses of y
    keep = log_p > log_p.max() - 60.0
    log_w = log_p[keep] - logsumexp(log_p[keep])
    return np.vstack([np.exp(y[keep]), log_w])


def revenue_loglik(r: np.ndarray, obs: RevenueObservation, g: np.ndarray) -> np.ndarray:
    """``log p(revenue datum | r)`` for every element of ``r`` (NumPy; broadcast over r's shape).

    ``g``: the nodes and log weights of ``phi R`` from :func:`nuisance_nodes` (partial sums only).
    """
    r = np.asarray(r, dtype=float)
    if obs.kind == "none":
        return np.zeros_like(r)
    if obs.kind == "annual":
        assert obs.revenue is not None
        return normal_logpdf(obs.usd_bn, r * obs.revenue, obs.sd)
    from scipy.special import logsumexp

    nodes, log_w = g
    out = np.empty_like(r)
    flat_r, flat_out = r.ravel(), out.ravel()
    for i in range(0, flat_r.size, 512):  # chunks keep memory at 512 x len(nodes)
        chunk = flat_r[i : i + 512]
        log_terms = normal_logpdf(obs.usd_bn, chunk[:, None] * nodes[None, :], obs.sd) + log_w
        flat_out[i : i + 512] = logsumexp(log_terms, axis=1)
    return flat_out.reshape(r.shape)
