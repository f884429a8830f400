"""Charts of the drivers chapter: tornadoes, sweeps, leave-one-out influence, Sobol indices and
what the call rests on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ... import SCENARIOS
from ...computation.sensitivity import Tornado
from ...computation.sobol import SobolResult
from ..numbers import label as plain
from ..numbers import (
    output_label,
    sig,
    sig_resolution,
    times_text,
)
from ..report import influence_rows, tornado_rows
from .style import (
    HEIGHT,
    NEUTRAL,
    SCENARIO_COLORS,
    _fig,
    _legend,
    _row_labels,
    _styled,
    _title,
    _wrap,
)

if TYPE_CHECKING:
    from ...computation.call import CallBasis


def _tornado_into(
    a: plt.Axes, rows: Sequence[dict], output: str, k: float, unit: str, top: int | None, tol: float
) -> tuple[int, int]:
    """Draw one output's tornado on ``a``; returns (bars drawn, inputs left out for having no effect)."""
    rs = [r for r in rows if r["output"] == output]
    rs.sort(key=lambda r: -float(r["swing"]))
    moving = [r for r in rs if abs(float(r["high"]) - float(r["low"])) * k > tol]
    shown = moving[:top] if top else moving
    base = float(rs[0]["default"]) * k if rs else 0.0
    for i, r in enumerate(shown):
        lo, hi = float(r["low"]) * k, float(r["high"]) * k
        a.barh(i, lo - base, left=base, color=NEUTRAL["light"], height=0.36)
        a.barh(i, hi - base, left=base, color=NEUTRAL["dark"], height=0.36)
    y = np.arange(len(shown))
    a.vlines(np.full(len(shown), base), y - 0.22, y + 0.22, color=NEUTRAL["ink"], lw=1.2)  # not through the labels
    _row_labels(a, [str(r["input"]) for r in shown], 0.2)
    a.set_xlabel(f"{output} ({unit}); mark: default {sig(base, 2)}")
    if not shown:
        a.set_xticks([])
    return len(shown), len(rs) - len(moving)


def _tornado_legend(a: plt.Axes) -> None:
    handles = [
        Patch(color=NEUTRAL["light"], label="input at its low end"),
        Patch(color=NEUTRAL["dark"], label="input at its high end"),
    ]
    _legend(a, handles=handles, ncols=2)


TORNADO_UNITS: dict[str, tuple[float, str]] = {
    "scenario_prob": (1.0, "probability"),
    "theta_mean": (1.0, "probability"),
    "share_mean": (100.0, "% of FY2026 revenue"),
    "usd_mean": (1.0, "USD bn"),
}
"""Scale and unit of each tornado output on its axis."""


def _setting_line(a: plt.Axes, x: float, label: str) -> None:
    """The dotted vertical line marking a setting on a sweep (the default, the flip point, the elicited value)."""
    a.axvline(x, color=NEUTRAL["ink"], ls=":", lw=1.5, label=label)


@_styled
def tornado_chart_one(
    t: Tornado,
    var: str,
    scenario: str | None = None,
    top: int | None = 8,
    ax: object = None,
) -> Figure:
    """Tornado of one output (``var``, at ``scenario`` if scenario-indexed): a bar from its value with
    each input at the low end to the high end.

    Inputs sorted by swing, the ``top`` largest shown (None: all that move it); inputs that do not
    move the output at all are left out and counted in the title.
    """
    output, (scale, unit) = output_label(var, scenario), TORNADO_UNITS[var]
    rows = [r for r in tornado_rows(t) if r["output"] == output]
    tol = max(sig_resolution(float(rows[0]["default"]) * scale), 1e-9) if rows else 1e-9  # what the policy prints
    n = len([r for r in rows if abs(float(r["high"]) - float(r["low"])) * scale > tol])
    n = min(n, top) if top else n
    fig, ax = _fig(h=0.42 * n + 1.7 if n else 1.4, ax=ax)  # nothing to draw: a strip with the default's mark
    a = ax[0, 0]
    drawn, dropped = _tornado_into(a, rows, output, scale, unit, top, tol)
    if drawn:
        _tornado_legend(a)
        note = f"\n({dropped} inputs with no visible effect not shown)" if dropped else ""
        _title(fig, a, f"What moves {output}: the {drawn} inputs with the largest swing{note}")
    else:
        _title(fig, a, f"No input moves {output} by as much as its last shown digit")
    return fig


@_styled
def sweep_chart(
    grid: np.ndarray,
    probs: np.ndarray,
    default: float,
    xlabel: str,
    title: str,
    log_x: bool = False,
    ylabel: str = "P(scenario | evidence)",
    ax: object = None,
) -> Figure:
    """One line per scenario as one input sweeps its range; the default marked."""
    fig, ax = _fig(h=HEIGHT["medium"], ax=ax)
    a = ax[0, 0]
    for i, s in enumerate(SCENARIOS):
        a.plot(grid, probs[:, i], color=SCENARIO_COLORS[s], lw=2, label=s)
    _setting_line(a, default, f"default ({default:.3g})")
    if log_x:
        a.set_xscale("log")
        a.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}"))
    a.set(xlabel=_wrap(xlabel, 60), ylabel=_wrap(ylabel, 34), ylim=(0, 1))
    _legend(a, ncols=5, columnspacing=0.8, handlelength=1.2)
    _title(fig, a, title)
    return fig


def kappa_sweep_chart(sweep: xr.Dataset, kappa: float, ax: object = None) -> Figure:
    """Posterior propensities E[theta_s | E] as the prior strength sweeps (``sens.sweep(setup, "kappa_factor")``)."""
    return sweep_chart(
        kappa * sweep.value.values,
        sweep["theta_mean"].sel(scenario=list(SCENARIOS)).values,
        kappa,
        "prior strength (pseudo-observations, log scale)",
        "Posterior propensities as the prior strength varies",
        log_x=True,
        ylabel="posterior propensity of each scenario",
        ax=ax,
    )


@_styled
def influence_chart(influence: xr.Dataset, top: int = 10, ax: object = None) -> Figure:
    """Top items by leave-one-out change in log-odds, one bar per scenario, each item labelled above its bars.

    A symmetric-log axis is used when one item (typically a revenue report) moves the log-odds
    over twenty times more than the next, so the others stay visible.
    """
    rs = influence_rows(influence)[:top]
    fig, ax = _fig(h=0.55 * len(rs) + 1.3, ax=ax)
    a = ax[0, 0]
    h = 0.5 / len(SCENARIOS)
    for j, s in enumerate(SCENARIOS):
        a.barh(
            np.arange(len(rs)) + (j - 1.5) * h + 0.08, [r[s] for r in rs], height=h, color=SCENARIO_COLORS[s], label=s
        )
    labels = [f"{r['id']} · {r['date']} · {plain(str(r['signal']))} ({plain(str(r['confidence']))})" for r in rs]
    _row_labels(a, labels, 0.22)
    a.axvline(0, color=NEUTRAL["ink"], lw=0.8)
    mags = sorted((max(abs(float(r[s])) for s in SCENARIOS) for r in rs), reverse=True)
    symlog = len(mags) > 1 and mags[1] > 0 and mags[0] > 20 * mags[1]
    if symlog:
        a.set_xscale("symlog", linthresh=1.0)
        a.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}".replace("-", "−")))
    a.set_xlabel("log-odds with the item minus without it (nats" + (", symlog scale)" if symlog else ")"))
    _legend(a, ncols=4)
    _title(fig, a, f"The {len(rs)} most influential items of evidence")
    return fig


@_styled
def sobol_chart(res: SobolResult, title: str, ax: object = None) -> Figure:
    """First-order and total Sobol index per input, as paired horizontal bars."""
    fig, ax = _fig(h=0.5 * len(res.names) + 1.5, ax=ax)
    a = ax[0, 0]
    y = np.arange(len(res.names))
    kw = {"capsize": 2, "error_kw": {"ecolor": NEUTRAL["ink"], "lw": 1}}
    a.barh(y - 0.12, res.S1, 0.22, xerr=res.S1_conf, color=NEUTRAL["dark"], label="alone (first order)", **kw)
    a.barh(y + 0.12, res.ST, 0.22, xerr=res.ST_conf, color=NEUTRAL["light"], label="with interactions (total)", **kw)
    _row_labels(a, list(res.names), 0.25)
    a.axvline(0, color=NEUTRAL["ink"], lw=0.8)
    a.set(xlabel="Sobol index (share of the variance)")
    _legend(a, ncols=2)
    _title(fig, a, title)
    return fig


@_styled
def call_weight_chart(sweep: xr.Dataset, basis: CallBasis, ax: object = None) -> Figure:
    """P(leader) and P(rival) as the tempering weight sweeps: the flip point and the range the fact counts justify."""
    fig, ax = _fig(h=HEIGHT["medium"], ax=ax)
    a = ax[0, 0]
    lo, hi = basis.weight_counted
    a.axvspan(lo, hi, color=NEUTRAL["faint"], label="range the events' fact counts justify")
    for s in (basis.leader, basis.rival):
        a.plot(
            sweep.value.values,
            100 * sweep["scenario_prob"].sel(scenario=s).values,
            color=SCENARIO_COLORS[s],
            lw=2,
            label=s,
        )
    if basis.weight_flip is not None:
        _setting_line(a, basis.weight_flip, f"the call flips (w = {sig(basis.weight_flip)})")
    a.set(
        xlabel="tempering weight w (1 = every news item independent)",
        ylabel="probability (%)",
        ylim=(0, 100),
        xlim=(0, 1),
    )
    _legend(a, ncols=2)
    _title(
        fig, a, f"{basis.leader.capitalize()} leads {basis.rival} for every discount of repeated news the counts allow"
    )
    return fig


@_styled
def call_ratio_chart(basis: CallBasis, ax: object = None) -> Figure:
    """P(leader) as the rival's recovery prior is made more or less concentrated near zero (its Bayes factor)."""
    fig, ax = _fig(h=HEIGHT["short"] + 0.4, ax=ax)
    a = ax[0, 0]
    sw = basis.ratio_sweep
    a.plot(
        sw["datum_factor"].values,
        100 * sw["p_leader"].values,
        color=SCENARIO_COLORS[basis.leader],
        lw=2,
        label=f"P({basis.leader})",
    )
    _setting_line(a, basis.datum_factor, f"as elicited ({times_text(basis.datum_factor)})")
    a.set_xscale("log")
    a.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{sig(v, 1)}×"))
    a.set(
        xlabel=f"how much more the revenue datum favours {basis.rival} (Bayes factor, log scale)",
        ylabel="probability (%)",
        ylim=(0, 100),
    )
    _legend(a, ncols=2)
    _title(fig, a, f"The revenue datum leans to {basis.rival}, but far too little to decide the call")
    return fig
