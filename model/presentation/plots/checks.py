"""Charts of the checks chapter (:mod:`model.computation.checks`): does the model fit, does it
recover what it simulates, how much does each prior matter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ... import SCENARIOS, SIGNALS
from ..numbers import label as plain
from .style import (
    FONT,
    HEIGHT,
    NEUTRAL,
    SCENARIO_COLORS,
    _fig,
    _lay,
    _legend,
    _own,
    _row_labels,
    _styled,
    _title,
    _wrap,
)

if TYPE_CHECKING:
    from ...computation.checks import PowerScaling, Reliability, RevenueCheck, SBCResult, SignalCheck


def _revenue_into(a: plt.Axes, c: RevenueCheck) -> None:
    """Prior check: predictive CDF on a symlog axis; posterior check: predictive density."""
    prior = c.density is None or c.label.startswith("prior")
    if prior:
        a.plot(c.grid, c.cdf, color=NEUTRAL["ink"], lw=2)
        a.set_xscale("symlog", linthresh=0.01)
        a.set(
            xlabel="replicated full-year H20 figure (USD bn, symlog scale)",
            ylabel="probability of a figure ≤ x",
            ylim=(0, 1),
        )
        y = 0.5
    else:
        a.plot(c.grid, c.density, color=NEUTRAL["ink"], lw=2)
        a.set(xlabel="replicated full-year figure (USD bn)", ylabel="density (per USD bn)", ylim=(0, None))
        y = 0.05 * float(np.max(c.density))
    a.axvline(c.x_obs, color=NEUTRAL["accent"], ls="--", lw=1.5)
    a.annotate(f"observed {c.x_obs:.2f}", (c.x_obs, y), xytext=(5, 0), textcoords="offset points",
               color=NEUTRAL["accent"], fontsize=FONT["tick"])  # fmt: skip


@_styled
def revenue_check_one(check: RevenueCheck, ax: object = None) -> Figure:
    """One predictive check of the full-year revenue datum (prior: CDF; posterior: density), observed value marked."""
    fig, ax = _fig(h=HEIGHT["short"], ax=ax)
    a = ax[0, 0]
    _revenue_into(a, check)
    kind = "Prior" if check.density is None or check.label.startswith("prior") else "Posterior"
    _title(
        fig,
        a,
        f"{kind} predictive of the FY2026 H20 China revenue vs the reported value (two-sided p = {check.p_value:.3f})",
    )
    return fig


def _signal_classes_into(a: plt.Axes, sc: SignalCheck) -> None:
    y = np.arange(len(SIGNALS))
    a.hlines(y, sc.lower, sc.upper, color=NEUTRAL["light"], lw=7, label="replicated 90% interval")
    a.plot(sc.expected, y, "|", color=NEUTRAL["dark"], ms=13, mew=2, label="replicated mean")
    a.plot(sc.counts, y, "o", color=NEUTRAL["accent"], label="observed")
    _row_labels(a, [f"{plain(s)}  (p = {sc.class_p[i]:.2f})" for i, s in enumerate(SIGNALS)], 0.22)
    a.set_xlim(-0.5, max(sc.upper.max(), sc.counts.max()) + 1)
    a.set(xlabel="signal events per class (count)")


def _signal_omnibus_into(a: plt.Axes, sc: SignalCheck) -> None:
    a.plot(sc.g_grid, sc.g_cdf, color=NEUTRAL["ink"], lw=2)
    a.axvline(0.0, color=NEUTRAL["accent"], ls="--", lw=1.5)
    a.set(xlabel="G replicated − G observed (nats × 2)", ylabel="P(difference ≤ d)", ylim=(0, 1))


def _check_name(sc: SignalCheck) -> str:
    return plain(sc.label).capitalize()


@_styled
def signal_check_plot(sc: SignalCheck, ax: object = None) -> Figure:
    """The signal-class check: replicated counts per class (90% interval, mean) against the observed ones, each
    class's two-sided p, and below it the predictive CDF of the omnibus G statistic minus its observed value.
    """
    fig, ax = _fig(h=0.42 * len(SIGNALS) + HEIGHT["short"] + 1.6, nrows=2, ax=ax,
                   gridspec_kw={"height_ratios": [len(SIGNALS) + 2, 5]})  # fmt: skip
    a, b = ax[0, 0], ax[1, 0]
    _signal_classes_into(a, sc)
    _signal_omnibus_into(b, sc)
    _legend(a, ncols=3, columnspacing=0.8)
    b.set_title(f"Omnibus G (p = {sc.g_p:.2f})")
    if _own(fig):
        text = f"{_check_name(sc)} check of the signal-class counts: per class (two-sided p), omnibus"
        fig.suptitle(_wrap(text, _lay().title_chars), x=0.01, ha="left")
    else:
        a.set_title("Per class (two-sided p)")
    return fig


def _scenario_of(name: str) -> str | None:
    return next((s for s in SCENARIOS if f"[{s}]" in name), None)


SBC_NAMES: dict[str, str] = {"r_z": "recovered share", "theta": "probability of {}", "r": "recovery share of {}"}
"""Human names of the SBC quantities ('theta[base]' -> 'probability of base')."""


def _sbc_name(name: str) -> str:
    var, _, rest = name.partition("[")
    return SBC_NAMES.get(var, name).format(rest.rstrip("]")) if var in SBC_NAMES else plain(name)


@_styled
def sbc_ecdf_plot(res: SBCResult, title: str, ax: object = None) -> Figure:
    """ECDF minus uniform CDF of the SBC ranks, with the simultaneous band of each test (small multiples)."""
    tests = res.tests
    ncols = 2 if _lay().compact else 3  # a phone: two panels a row
    nrows = int(np.ceil(len(tests) / ncols))
    fig, ax = _fig(h=1.75 * nrows + 1.3, ncols=ncols, nrows=nrows, sharex=True, sharey=True, ax=ax)
    for k, t in enumerate(tests):
        a = ax.flat[k]
        z, lo, hi = t.band
        a.fill_between(z, lo - z, hi - z, color=NEUTRAL["faint"], step="mid", lw=0)
        zz, d = t.ecdf_diff
        s = _scenario_of(t.name)
        a.plot(zz, d, color=SCENARIO_COLORS[s] if s else NEUTRAL["ink"], lw=1.4)
        a.axhline(0, color=NEUTRAL["mid"], lw=0.6)
        a.set_title(f"{_sbc_name(t.name)}\np = {t.p_value:.2f}", fontsize=FONT["note"], loc="left")
        a.set_xticks([0, 0.5, 1], ["0", "0.5", "1"])
    for a in ax.flat[len(tests) :]:
        a.set_visible(False)
    for a in ax[-1, :]:
        a.set_xlabel("PIT")
    for a in ax[:, 0]:
        a.set_ylabel("ECDF − uniform")
    if _own(fig):
        fig.suptitle(
            _wrap(
                f"{title} ({res.n_datasets} datasets; "
                f"grey: band at family-wise {100 * len(tests) * tests[0].alpha:.0f}%)",
                _lay().title_chars,
            ),
            x=0.01,
            ha="left",
        )
    return fig


@_styled
def reliability_plot(rel: Reliability, ax: object = None) -> Figure:
    """Predicted P(z = s | E) against the observed frequency of z = s, per bin, with 99% intervals."""
    fig, ax = _fig(h=HEIGHT["tall"], ax=ax)
    a = ax[0, 0]
    a.plot([0, 1], [0, 1], color=NEUTRAL["mid"], ls="--", label="perfect calibration")
    ok = rel.n > 0
    a.errorbar(
        rel.mean_pred[ok],
        rel.mean_pred[ok],
        yerr=[rel.mean_pred[ok] - rel.lower[ok], rel.upper[ok] - rel.mean_pred[ok]],
        fmt="none",
        ecolor=NEUTRAL["light"],
        elinewidth=6,
        label="99% range if calibrated",
    )
    a.plot(rel.mean_pred[ok], rel.observed[ok], "o", color=NEUTRAL["ink"], label="observed")
    for x, yv, n in zip(rel.mean_pred[ok], rel.observed[ok], rel.n[ok], strict=True):
        a.annotate(f"{int(n)}", (x, yv), xytext=(6, -12), textcoords="offset points", fontsize=FONT["note"],
                   color=NEUTRAL["dark"])  # fmt: skip
    a.set(
        xlim=(-0.02, 1.02),
        ylim=(-0.02, 1.02),
        xlabel="predicted P(z = s | E), bin mean",
        ylabel="observed frequency of z = s",
    )
    _legend(a, ncols=3, columnspacing=0.8)
    _title(fig, a, f"Calibration over simulated datasets (p = {rel.p_value:.2f}; numbers: predictions per bin)")
    return fig


@_styled
def power_scaling_plot(ps: PowerScaling, ax: object = None) -> Figure:
    """Prior and likelihood power-scaling sensitivity per headline quantity, with the 0.05 threshold."""
    fig, ax = _fig(h=0.42 * len(ps.quantities) + 1.6, ax=ax)
    a = ax[0, 0]
    y = np.arange(len(ps.quantities))
    a.barh(y - 0.19, ps.prior, 0.36, color=NEUTRAL["light"], label="prior")
    a.barh(y + 0.19, ps.likelihood, 0.36, color=NEUTRAL["dark"], label="likelihood")
    a.axvline(ps.threshold, color=NEUTRAL["accent"], ls="--", lw=1.5, label=f"threshold {ps.threshold}")
    a.set_yticks(y, ps.quantities)
    a.invert_yaxis()
    a.set(xlabel=f"sensitivity (JS distance per log2 α, α = 2^±{ps.log2_alpha})", ylabel="quantity")
    _legend(a, ncols=3)
    _title(fig, a, "Power-scaling sensitivity of the headline quantities (exact path)")
    return fig
