"""Charts of the priors chapter: the scenario and recovery priors and their predictive draws."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from scipy import stats

from ... import SCENARIOS
from ...computation.claims import RECOVERY_BAND
from ...computation.priors import Priors
from .style import (
    FONT,
    HEIGHT,
    NEUTRAL,
    SCENARIO_COLORS,
    _band,
    _fig,
    _label_line,
    _legend,
    _styled,
    _title,
)


@_styled
def scenario_prior_densities(p: Priors, ax: object = None) -> Figure:
    """Marginal prior of each scenario probability: theta_s ~ Beta(kappa m_s, kappa (1 - m_s)).

    Scenarios with the same prior share one curve, dashed in their colours in turn, and one label
    that names them all and says the curves coincide.
    """
    fig, ax = _fig(h=HEIGHT["medium"], ax=ax)
    a = ax[0, 0]
    x = np.linspace(0.0005, 0.9995, 800)
    groups: dict[float, list[int]] = {}
    for i in range(len(SCENARIOS)):
        groups.setdefault(round(float(p.m[i]), 12), []).append(i)
    for mean, idx in groups.items():
        al = p.kappa * mean
        y = stats.beta.pdf(x, al, p.kappa - al)
        names = [SCENARIOS[i] for i in idx]
        n = len(idx)
        for k, i in enumerate(idx):  # identical curves: one dashed line whose dashes take each colour in turn
            ls = (4.0 * ((n - k) % n), (4.0, 4.0 * (n - 1))) if n > 1 else "-"
            a.plot(x, y, color=SCENARIO_COLORS[SCENARIOS[i]], lw=2.2, ls=ls)
        j = int(np.argmax(y))
        text = (
            f"{', '.join(names)}\n(identical priors, mean {mean:.3f} each)"
            if len(names) > 1
            else f"{names[0]} (mean {mean:.3f})"
        )
        color = SCENARIO_COLORS[names[0]] if len(names) == 1 else NEUTRAL["ink"]
        _label_line(a, x[j], y[j], text, color)
    a.set(
        xlabel="probability of the scenario",
        ylabel="density",
        xlim=(0, 1),
        ylim=(0, None),
    )
    _title(fig, a, f"Prior of the scenario probabilities (Dirichlet, κ = {p.kappa:.1f})")
    return fig


@_styled
def recovery_prior_densities(p: Priors, ax: object = None) -> Figure:
    """Prior of each scenario's recovery share, on one log-scaled share axis."""
    fig, ax = _fig(h=HEIGHT["medium"], ax=ax)
    a = ax[0, 0]
    x = np.geomspace(1e-4, 0.5, 2000)
    # density per log10 unit: f(x) * x * ln 10, so narrow and wide priors compare by area
    dens = {s: stats.beta.pdf(x, p.recovery[s].alpha, p.recovery[s].beta) * x * np.log(10) for s in SCENARIOS}
    tops = sorted(float(d.max()) for d in dens.values())
    cap = 1.25 * tops[-2] if tops[-1] > 4 * tops[-2] else None  # one spike would flatten the rest: cut it
    for s in SCENARIOS:
        b = p.recovery[s]
        a.plot(
            100 * x, dens[s], color=SCENARIO_COLORS[s], lw=2, label=f"{s}: 90% in {100 * b.lower:g}–{100 * b.upper:g}%"
        )
        if cap is not None and dens[s].max() > cap:
            i = int(np.argmax(dens[s]))
            a.annotate(f"{s} peaks at {dens[s][i]:.0f} (cut off)", (100 * x[i], cap), xytext=(-6, -4),
                       textcoords="offset points", ha="right", va="top", fontsize=FONT["note"],
                       color=SCENARIO_COLORS[s])  # fmt: skip
    if cap is not None:
        a.set_ylim(0, cap)
    a.set_xscale("log")
    a.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}%"))
    a.set(
        xlabel="recovered share of FY2026 revenue (log scale)",
        ylabel="density per log10 unit",
    )
    _legend(a, ncols=2)
    _title(fig, a, "Prior of the recovered share of FY2026 revenue, by scenario")
    return fig


@_styled
def predictive_share_histogram(
    share: np.ndarray, title: str, band: tuple[float, float] = RECOVERY_BAND, ax: object = None
) -> Figure:
    """Histogram of predictive draws of the recovered share, with the article's band."""
    fig, ax = _fig(h=HEIGHT["short"], ax=ax)
    a = ax[0, 0]
    a.hist(100 * np.ravel(share), bins=120, color=NEUTRAL["mid"], density=True, histtype="stepfilled", label="draws")
    a.axvspan(100 * band[0], 100 * band[1], color=NEUTRAL["accent"], alpha=0.35, lw=0, label=_band(band))
    a.set(xlabel="recovered share (% of FY2026 revenue)", ylabel="density (per % point)")
    _legend(a, ncols=2)
    _title(fig, a, title)
    return fig


@_styled
def predictive_usd_histogram(usd: np.ndarray, title: str, ax: object = None) -> Figure:
    """Histogram of predictive draws of the recovered revenue in USD bn."""
    fig, ax = _fig(h=HEIGHT["short"], ax=ax)
    a = ax[0, 0]
    a.hist(np.ravel(usd), bins=120, color=NEUTRAL["mid"], density=True, histtype="stepfilled")
    a.set(xlabel="recovered revenue (USD bn)", ylabel="density (per USD bn)")
    _title(fig, a, title)
    return fig
