"""Charts of the inference, belief-over-time and revenue chapters: what the evidence did to the
priors, the forecast as the news came in, and the model's graph.
"""

from __future__ import annotations

from typing import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ... import SCENARIOS
from ...computation.history import Revision
from ..numbers import (
    prob_text,
    share_text,
)
from .style import (
    FONT,
    HEIGHT,
    NEUTRAL,
    SCENARIO_COLORS,
    _band,
    _date_axis,
    _fig,
    _legend,
    _styled,
    _title,
)


@_styled
def prior_vs_posterior(
    prior: np.ndarray, exact: np.ndarray, spread: xr.Dataset | None = None, ax: object = None
) -> Figure:
    """Scenario probabilities: prior (pale) and exact posterior (solid), with the range over the tempering weight."""
    fig, ax = _fig(h=HEIGHT["medium"], ax=ax)
    a = ax[0, 0]
    x = np.arange(len(SCENARIOS))
    colors = [SCENARIO_COLORS[s] for s in SCENARIOS]
    a.bar(x - 0.2, prior, 0.38, color=colors, alpha=0.3, edgecolor=colors)
    err = None
    if spread is not None:
        lo, hi = (spread[k].sel(scenario=list(SCENARIOS)).values for k in ("min", "max"))
        err = np.array([exact - lo, hi - exact])
    a.bar(x + 0.2, exact, 0.38, color=colors, yerr=err, capsize=4, ecolor=NEUTRAL["ink"])
    for i in x:
        a.annotate(prob_text(prior[i]), (i - 0.2, prior[i]), xytext=(0, 2), textcoords="offset points", ha="center",
                   va="bottom", fontsize=FONT["note"], color=NEUTRAL["dark"])  # fmt: skip
        top = exact[i] if err is None else exact[i] + err[1, i]
        a.annotate(prob_text(exact[i]), (i + 0.2, top), xytext=(0, 2), textcoords="offset points", ha="center",
                   va="bottom", fontsize=FONT["note"])  # fmt: skip
    handles = [
        Patch(facecolor=NEUTRAL["faint"], edgecolor=NEUTRAL["mid"], label="prior (pale, left)"),
        Patch(facecolor=NEUTRAL["dark"], label="posterior (solid, right)"),
    ]
    if spread:
        handles.append(plt.Line2D([], [], color=NEUTRAL["ink"], marker="_", ms=10, ls="-", label="range over w"))
    a.set_xticks(x, SCENARIOS)
    a.set(xlabel="scenario", ylabel="probability", ylim=(0, 1.08))
    _legend(a, handles=handles, ncols=len(handles))
    _title(fig, a, "Scenario probabilities before and after the evidence")
    return fig


@_styled
def belief_over_time(belief: xr.DataArray, ax: object = None) -> Figure:
    """Stacked area of P(z = s | evidence up to date) over time
    (:func:`model.computation.history.belief_over_time`).
    """
    fig, ax = _fig(h=HEIGHT["medium"], ax=ax)
    a = ax[0, 0]
    dates = list(belief.date.values)
    probs = belief.sel(scenario=list(SCENARIOS)).transpose("date", "scenario").values
    a.stackplot(
        dates, probs.T, labels=list(SCENARIOS), colors=[SCENARIO_COLORS[s] for s in SCENARIOS], step="post", alpha=0.85
    )
    _date_axis(a)
    a.set(xlabel="date", ylabel="P(scenario | evidence to date)", ylim=(0, 1), xlim=(dates[0], dates[-1]))
    _legend(a, ncols=4)
    _title(fig, a, "Belief in each scenario as the evidence arrived")
    return fig


@_styled
def share_cdfs(
    prior_cdf: Callable[[np.ndarray], np.ndarray],
    post_cdf: Callable[[np.ndarray], np.ndarray],
    realised: float | None,
    band: tuple[float, float],
    ax: object = None,
) -> Figure:
    """Prior and posterior CDF of the recovered share on a log axis, with the article's band and the realised share."""
    fig, ax = _fig(h=HEIGHT["medium"], ax=ax)
    a = ax[0, 0]
    x = np.geomspace(1e-6, 0.3, 1200)
    a.plot(100 * x, prior_cdf(x), color=NEUTRAL["mid"], lw=2, label="prior (the article's view)")
    a.plot(100 * x, post_cdf(x), color=NEUTRAL["ink"], lw=2, label="posterior (all evidence)")
    a.axvspan(100 * band[0], 100 * band[1], color=NEUTRAL["accent"], alpha=0.3, lw=0, label=_band(band))
    if realised is not None:
        a.axvline(100 * realised, color=NEUTRAL["accent"], ls="--", lw=1.5, label=f"realised: {share_text(realised)}")
    a.set_xscale("log")
    a.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}%"))
    a.set(xlabel="recovered share x of FY2026 revenue (log scale)", ylabel="P(recovered share ≤ x)", ylim=(0, 1.02))
    _legend(a, ncols=2)
    _title(fig, a, "How much FY2026 revenue did the reversal restore?")
    return fig


@_styled
def forecast_over_time(
    rows: Sequence[Revision], realised: float | None, band: tuple[float, float], ax: object = None
) -> Figure:
    """The exact forecast of the recovered share (mean and 90% interval) after each evidence date."""
    fig, ax = _fig(h=HEIGHT["medium"], ax=ax)
    a = ax[0, 0]
    dates = [r.date for r in rows]
    mean, lo, hi = (np.array([r.share[k] for r in rows]) for k in ("mean", "q05", "q95"))
    a.fill_between(dates, 100 * lo, 100 * hi, step="post", color=NEUTRAL["light"], lw=0, label="90% interval")
    a.step(dates, 100 * mean, where="post", color=NEUTRAL["ink"], lw=2, label="forecast mean")
    a.axhspan(100 * band[0], 100 * band[1], color=NEUTRAL["accent"], alpha=0.3, lw=0, label=_band(band))
    if realised is not None:
        a.axhline(100 * realised, color=NEUTRAL["accent"], ls="--", lw=1.5, label=f"realised: {share_text(realised)}")
    a.set_yscale("log")
    a.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}%"))
    _date_axis(a)
    a.set(xlabel="date", ylabel="recovered share (log scale)")
    _legend(a, ncols=2)
    _title(fig, a, "Forecast of the recovered share of FY2026 revenue as the evidence arrived")
    return fig


def _dist_name(var: object) -> str:
    owner = getattr(var, "owner", None)
    name = type(owner.op).__name__ if owner is not None else ""
    return name.removesuffix("RV") if name.endswith("RV") else "Potential"


@_styled
def model_graph(model: object, ax: plt.Axes | None = None) -> Figure:
    """The PyMC model's graph drawn with matplotlib (no Graphviz binary needed).

    Nodes are laid out in layers from the roots down; nodes sharing a dimension sit in a
    plate labelled with it. Deterministic: names are sorted within a layer.
    """
    from pymc.model_graph import ModelGraph

    mg = ModelGraph(model)
    parents = {k: set(v) for k, v in mg.make_compute_graph().items()}
    depth: dict[str, int] = {}

    def d(n: str) -> int:
        if n not in depth:
            depth[n] = 0 if not parents.get(n) else 1 + max(d(p) for p in parents[n])
        return depth[n]

    names = sorted(parents)
    for n in names:
        d(n)
    plates = {v.var.name: p.dim_info for p in mg.get_plates() for v in p.variables}
    if ax is None:
        fig, axes = _fig(4.5, 1.0 + 1.25 * (max(depth.values()) + 1))  # a small diagram: narrow, so larger on a phone
        ax = axes[0, 0]
    else:
        fig = ax.figure
    pos: dict[str, tuple[float, float]] = {}
    for level in range(max(depth.values()) + 1):
        row = [n for n in names if depth[n] == level]
        for j, n in enumerate(row):
            pos[n] = ((j + 1) / (len(row) + 1), 1.0 - (level + 0.5) / (max(depth.values()) + 1))
    for n, ps in parents.items():
        for p in sorted(ps):
            ax.annotate(
                "",
                xy=pos[n],
                xytext=pos[p],
                arrowprops={"arrowstyle": "-|>", "color": NEUTRAL["dark"], "shrinkA": 24, "shrinkB": 24},
            )
    for n, (x, y) in pos.items():
        dims = plates.get(n)
        label = f"{n}\n{_dist_name(model[n])}" + (
            f"\n{dims.names[0]} ({dims.lengths[0]})" if dims and dims.names else ""
        )
        ax.text(
            x,
            y,
            label,
            ha="center",
            va="center",
            fontsize=FONT["tick"],
            bbox={
                "boxstyle": "round,pad=0.5" if _dist_name(model[n]) != "Potential" else "square,pad=0.5",
                "fc": "white",
                "ec": NEUTRAL["ink"],
            },
        )
    ax.set(xlim=(0, 1), ylim=(0, 1))
    ax.axis("off")
    return fig
