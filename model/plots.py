"""Plots: every figure has a title, labelled axes with units; one colour per scenario everywhere.

Functions take computed results and return a matplotlib Figure; they compute nothing the
other modules do not already expose.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING, Callable, ParamSpec, Sequence, TypeVar

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from scipy import stats

from . import SCENARIOS, SIGNALS
from .evidence import CONFIDENCE_LEVELS, INDICATORS, Evidence, Period
from .priors import Priors
from .sensitivity import SobolResult

if TYPE_CHECKING:
    from .checks import PowerScaling, Reliability, RevenueCheck, SBCResult, SignalCheck

P = ParamSpec("P")
R = TypeVar("R")

SCENARIO_COLORS: dict[str, str] = {"base": "#4C72B0", "reban": "#C44E52", "domestic": "#DD8452", "easing": "#55A868"}
"""One colour per scenario, used by every chart of the book."""

SCENARIO_LABELS: dict[str, str] = {
    "base": "base: controlled access",
    "reban": "reban: licences frozen",
    "domestic": "domestic: shift to Chinese GPUs",
    "easing": "easing: cut-down Blackwell",
}

SIGNAL_COLORS: dict[str, str] = dict(zip(SIGNALS, plt.get_cmap("tab10").colors[: len(SIGNALS)], strict=True))  # type: ignore[attr-defined]
CONFIDENCE_MARKERS: dict[str, str] = {"two_sources": "o", "date_uncertain": "D", "one_source": "s", "weak_sources": "x"}

STYLE: dict[str, object] = {
    "figure.dpi": 96,
    "savefig.dpi": 96,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
}
"""The house style, applied inside each plot function only (never to the user's matplotlib on import)."""


def _styled(fn: Callable[P, R]) -> Callable[P, R]:
    """Run a plot function inside ``plt.rc_context(STYLE)``."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with plt.rc_context(STYLE):
            return fn(*args, **kwargs)

    return wrapper


def _fig(
    w: float = 8.0, h: float = 4.5, ncols: int = 1, nrows: int = 1, ax: object = None, **kw: object
) -> tuple[Figure, np.ndarray]:
    """A new figure of ``nrows x ncols`` axes, or the caller's axes (one Axes or an array of that shape)."""
    if ax is not None:
        axes = np.asarray(ax, dtype=object).reshape(nrows, ncols)
        return axes[0, 0].figure, axes
    fig, axes = plt.subplots(nrows, ncols, figsize=(w, h), squeeze=False, **kw)  # type: ignore[arg-type]
    plt.close(fig)  # shown once, as the value a notebook cell returns, not again by pyplot
    return fig, axes


def _date_axis(ax: plt.Axes) -> None:
    ax.xaxis.set_major_locator(mdates.MonthLocator(interval=2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))


@_styled
def scenario_prior_densities(p: Priors, ax: object = None) -> Figure:
    """Marginal prior of each scenario probability: theta_s ~ Beta(kappa m_s, kappa (1 - m_s))."""
    fig, ax = _fig(ax=ax)
    x = np.linspace(0.0005, 0.9995, 800)
    for i, s in enumerate(SCENARIOS):
        a = p.kappa * p.m[i]
        ax[0, 0].plot(
            x,
            stats.beta.pdf(x, a, p.kappa - a),
            color=SCENARIO_COLORS[s],
            label=f"{SCENARIO_LABELS[s]} (mean {p.m[i]:.3f})",
        )
    ax[0, 0].set(
        title=f"Prior of the scenario probabilities (Dirichlet, kappa = {p.kappa:.1f})",
        xlabel="scenario probability theta_s (probability)",
        ylabel="density (per unit probability)",
    )
    ax[0, 0].legend(frameon=False)
    return fig


@_styled
def recovery_prior_densities(p: Priors, ax: object = None) -> Figure:
    """Prior of each scenario's recovery share, on one log-scaled share axis."""
    fig, ax = _fig(ax=ax)
    x = np.geomspace(1e-4, 0.5, 2000)
    for s in SCENARIOS:
        b = p.recovery[s]
        # density per log10 unit: f(x) * x * ln 10, so narrow and wide priors compare by area
        ax[0, 0].plot(
            100 * x,
            stats.beta.pdf(x, b.alpha, b.beta) * x * np.log(10),
            color=SCENARIO_COLORS[s],
            label=f"{s}: 90% in [{100 * b.lower:g}%, {100 * b.upper:g}%], n ≈ {b.pseudo_n:,.0f}",
        )
    ax[0, 0].set_xscale("log")
    ax[0, 0].set(
        title="Prior of the recovered share of FY2026 revenue, by scenario",
        xlabel="recovered share r_s (% of FY2026 revenue, log scale)",
        ylabel="density per log10 unit of share",
    )
    ax[0, 0].legend(frameon=False, title="scenario: elicited interval, pseudo-sample size")
    return fig


@_styled
def predictive_histograms(prior_share: np.ndarray, prior_usd: np.ndarray, title: str, ax: object = None) -> Figure:
    """Histograms of predictive draws of the recovered share and of recovered USD."""
    fig, ax = _fig(10, 4, ncols=2, ax=ax)
    ax[0, 0].hist(100 * np.ravel(prior_share), bins=120, color="0.4", density=True)
    ax[0, 0].axvspan(11, 12, color=SCENARIO_COLORS["base"], alpha=0.3, label="article: 11-12%")
    ax[0, 0].set(
        title="Recovered share of FY2026 revenue",
        xlabel="recovered share (% of FY2026 revenue)",
        ylabel="density (per percentage point)",
    )
    ax[0, 0].legend(frameon=False)
    ax[0, 1].hist(np.ravel(prior_usd), bins=120, color="0.4", density=True)
    ax[0, 1].set(title="Recovered revenue", xlabel="recovered revenue (USD bn)", ylabel="density (per USD bn)")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


@_styled
def evidence_timeline(ev: Evidence, ax: object = None) -> Figure:
    """Events by date and indicator; colour = signal class, marker = source confidence."""
    fig, ax = _fig(10, 4.8, ax=ax)
    a = ax[0, 0]
    rows = {ind: i for i, ind in enumerate(INDICATORS)}
    for e in ev.events:
        for ind in e.indicators:
            a.scatter(
                e.date,
                rows[ind],
                color=SIGNAL_COLORS[e.signal],
                marker=CONFIDENCE_MARKERS[e.confidence],
                s=60,
                zorder=3,
            )
    a.set_yticks(range(len(INDICATORS)), INDICATORS)
    _date_axis(a)
    a.grid(axis="y", color="0.9")
    a.set(title="Evidence since the article, by indicator", xlabel="event date (year-month)", ylabel="indicator")
    sig = [
        plt.Line2D([], [], color=SIGNAL_COLORS[s], marker="o", ls="", label=s)
        for s in SIGNALS
        if any(e.signal == s for e in ev.events)
    ]
    conf = [
        plt.Line2D([], [], color="0.3", marker=CONFIDENCE_MARKERS[c], ls="", label=c)
        for c in reversed(CONFIDENCE_LEVELS)
    ]
    leg = a.legend(handles=sig, title="signal", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    a.add_artist(leg)
    a.legend(handles=conf, title="source confidence", loc="lower left", bbox_to_anchor=(1.01, 0.0), frameon=False)
    fig.tight_layout()
    return fig


@_styled
def quarterly_revenue(periods: Sequence[Period], licence: dt.date, ax: object = None) -> Figure:
    """Reported revenue per fiscal quarter and the H20 China revenue inside it."""
    qs = [q for q in periods if q.period_type == "quarter"]
    fig, ax = _fig(9, 4.2, ax=ax)
    a = ax[0, 0]
    x = np.arange(len(qs))
    a.bar(x, [q.total_revenue_usd_bn for q in qs], color="0.8", label="total revenue")
    a.bar(
        x,
        [q.h20_china_revenue_usd_bn or 0.0 for q in qs],
        color=SCENARIO_COLORS["base"],
        label="H20 revenue from China",
    )
    for i, q in enumerate(qs):
        txt = "n/d" if q.h20_china_revenue_usd_bn is None else f"H20 {q.h20_china_revenue_usd_bn:g}"
        a.text(i, q.total_revenue_usd_bn + 1, txt, ha="center", fontsize=9)
    post = [i for i, q in enumerate(qs) if q.period_end >= licence]
    if post:
        a.axvline(post[0] - 0.5, color="k", ls="--", lw=1)
        a.text(post[0] - 0.45, max(q.total_revenue_usd_bn for q in qs) * 0.95, "after the first licence", fontsize=9)
    a.set_xticks(x, [q.fiscal_period for q in qs])
    a.set(
        title="NVIDIA revenue per quarter and the H20 sales to China inside it",
        xlabel="fiscal quarter",
        ylabel="revenue (USD bn)",
    )
    a.legend(frameon=False, loc="upper left")
    return fig


@_styled
def prior_vs_posterior(
    prior: np.ndarray, exact: np.ndarray, spread: dict[str, dict[str, float]] | None = None, ax: object = None
) -> Figure:
    """Scenario probabilities: prior and exact posterior, with the range over the tempering weight."""
    fig, ax = _fig(9, 4.2, ax=ax)
    a = ax[0, 0]
    x = np.arange(len(SCENARIOS))
    colors = [SCENARIO_COLORS[s] for s in SCENARIOS]
    a.bar(x - 0.2, prior, 0.38, color=colors, alpha=0.35, label="prior (article + split)")
    err = None
    if spread is not None:
        err = np.array([[exact[i] - spread[s]["min"], spread[s]["max"] - exact[i]] for i, s in enumerate(SCENARIOS)]).T
    a.bar(
        x + 0.2,
        exact,
        0.38,
        color=colors,
        yerr=err,
        capsize=4,
        ecolor="0.2",
        label="posterior (exact); whiskers: range over the tempering weight" if spread else "posterior (exact)",
    )
    a.set_xticks(x, SCENARIOS)
    a.set(
        title="Scenario probabilities before and after the evidence",
        xlabel="scenario",
        ylabel="probability",
        ylim=(0, 1),
    )
    a.legend(frameon=False)
    return fig


@_styled
def belief_over_time(history: Sequence[tuple[dt.date, np.ndarray]], ax: object = None) -> Figure:
    """Stacked area of P(z = s | evidence up to date) over time."""
    fig, ax = _fig(10, 4.5, ax=ax)
    a = ax[0, 0]
    dates = [d for d, _ in history]
    probs = np.array([p for _, p in history])
    a.stackplot(
        dates,
        probs.T,
        labels=[SCENARIO_LABELS[s] for s in SCENARIOS],
        colors=[SCENARIO_COLORS[s] for s in SCENARIOS],
        step="post",
        alpha=0.85,
    )
    _date_axis(a)
    a.set(
        title="Belief in each scenario as the evidence arrived",
        xlabel="date (year-month)",
        ylabel="P(scenario | evidence to date)",
        ylim=(0, 1),
    )
    a.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    return fig


@_styled
def share_cdfs(prior_cdf, post_cdf, realised: float | None, band: tuple[float, float], ax: object = None) -> Figure:  # noqa: ANN001
    """Prior and posterior CDF of the recovered share on a log axis, with the article's band and the realised share."""
    fig, ax = _fig(9, 4.2, ax=ax)
    a = ax[0, 0]
    x = np.geomspace(1e-6, 0.3, 1200)
    a.plot(100 * x, prior_cdf(x), color="0.55", label="prior (the article's view)")
    a.plot(100 * x, post_cdf(x), color="k", label="posterior (all evidence, exact)")
    a.axvspan(100 * band[0], 100 * band[1], color="0.85", label=f"article: {100 * band[0]:g}–{100 * band[1]:g}%")
    if realised is not None:
        a.axvline(100 * realised, color="k", ls="--", lw=1, label=f"realised: {100 * realised:.3f}%")
    a.set_xscale("log")
    a.set(
        title="How much FY2026 revenue did the reversal restore?",
        xlabel="recovered share (% of FY2026 revenue, log scale)",
        ylabel="P(recovered share ≤ x)",
        ylim=(0, 1.02),
    )
    a.legend(frameon=False, loc="upper left")
    return fig


@_styled
def forecast_over_time(
    rows: Sequence[object], realised: float | None, band: tuple[float, float], ax: object = None
) -> Figure:
    """The exact forecast of the recovered share (mean and 90% interval) after each evidence date."""
    fig, ax = _fig(9, 4.5, ax=ax)
    a = ax[0, 0]
    dates = [r.date for r in rows]  # type: ignore[attr-defined]
    mean = np.array([r.share["mean"] for r in rows])  # type: ignore[attr-defined]
    lo = np.array([r.share["q05"] for r in rows])  # type: ignore[attr-defined]
    hi = np.array([r.share["q95"] for r in rows])  # type: ignore[attr-defined]
    a.fill_between(dates, 100 * lo, 100 * hi, step="post", color="0.8", label="90% interval")
    a.step(dates, 100 * mean, where="post", color="k", label="forecast mean")
    a.axhspan(
        100 * band[0], 100 * band[1], color="0.6", alpha=0.4, label=f"article: {100 * band[0]:g}–{100 * band[1]:g}%"
    )
    if realised is not None:
        a.axhline(100 * realised, color="k", ls="--", lw=1, label=f"realised: {100 * realised:.3f}%")
    a.set_yscale("log")
    _date_axis(a)
    a.set(
        title="Forecast of the recovered share as the evidence arrived",
        xlabel="date (year-month)",
        ylabel="recovered share (% of FY2026 revenue, log)",
    )
    a.legend(frameon=False, loc="lower left")
    return fig


@_styled
def tornado_chart(
    rows: Sequence[dict],
    outputs: Sequence[str],
    scale: dict[str, float] | None = None,
    units: dict[str, str] | None = None,
    ax: object = None,
) -> Figure:
    """One tornado per output: bars from the value at the low end to the value at the high end."""
    scale = scale or {}
    units = units or {}
    fig, ax = _fig(6 * len(outputs), 5.5, ncols=len(outputs), ax=ax)
    for j, q in enumerate(outputs):
        a = ax[0, j]
        rs = [r for r in rows if r["output"] == q][::-1]
        k = scale.get(q, 1.0)
        base = rs[0]["default"] * k if rs else 0.0
        for i, r in enumerate(rs):
            lo, hi = r["low"] * k, r["high"] * k
            a.barh(i, lo - base, left=base, color="#8FAADC", height=0.7)
            a.barh(i, hi - base, left=base, color="#F4B183", height=0.7)
        a.axvline(base, color="k", lw=1)
        a.set_yticks(range(len(rs)), [r["input"] for r in rs], fontsize=8)
        a.set(title=f"{q}", xlabel=f"{q} ({units.get(q, 'probability')})")
    ax[0, 0].set_ylabel("input (sorted by swing)")
    handles = [
        plt.Rectangle((0, 0), 1, 1, color="#8FAADC", label="input at its low end"),
        plt.Rectangle((0, 0), 1, 1, color="#F4B183", label="input at its high end"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=2, frameon=False)
    fig.suptitle("Tornado: how far each assumption moves the answer")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
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
    fig, ax = _fig(8, 4, ax=ax)
    a = ax[0, 0]
    for i, s in enumerate(SCENARIOS):
        a.plot(grid, probs[:, i], color=SCENARIO_COLORS[s], label=s)
    a.axvline(default, color="k", ls=":", label=f"default ({default:g})")
    if log_x:
        a.set_xscale("log")
    a.set(title=title, xlabel=xlabel, ylabel=ylabel, ylim=(0, 1))
    a.legend(frameon=False)
    return fig


@_styled
def influence_chart(rows: Sequence[dict], top: int = 10, ax: object = None) -> Figure:
    """Top items by leave-one-out change in log-odds, one bar per scenario."""
    rs = list(rows)[:top][::-1]
    fig, ax = _fig(10, 0.45 * len(rs) + 1.8, ax=ax)
    a = ax[0, 0]
    h = 0.8 / len(SCENARIOS)
    for j, s in enumerate(SCENARIOS):
        a.barh(np.arange(len(rs)) + (j - 1.5) * h, [r[s] for r in rs], height=h, color=SCENARIO_COLORS[s], label=s)
    a.set_yticks(range(len(rs)), [f"{r['date']} {r['id']} ({r['signal']}; {r['confidence']})" for r in rs], fontsize=8)
    a.axvline(0, color="k", lw=0.8)
    a.set(
        title=f"The {len(rs)} most influential items of evidence",
        xlabel="log-odds with the item minus without it (nats)",
        ylabel="item (date, id, signal; source confidence)",
    )
    a.legend(frameon=False, title="scenario")
    fig.tight_layout()
    return fig


@_styled
def sobol_chart(res: SobolResult, title: str, ax: object = None) -> Figure:
    fig, ax = _fig(8, 4, ax=ax)
    a = ax[0, 0]
    x = np.arange(len(res.names))
    a.bar(x - 0.2, res.S1, 0.4, yerr=res.S1_conf, capsize=2, color="#4C72B0", label="first order S1")
    a.bar(x + 0.2, res.ST, 0.4, yerr=res.ST_conf, capsize=2, color="#DD8452", label="total ST")
    a.set_xticks(x, res.names, rotation=30)
    a.set(title=title, xlabel="input (independent by construction)", ylabel="Sobol index (share of variance)")
    a.legend(frameon=False)
    fig.tight_layout()
    return fig


@_styled
def score_chart(
    history: Sequence[tuple[dt.date, np.ndarray]], outcome: int, article: np.ndarray, ax: object = None
) -> Figure:
    """Brier and log scores of the posterior at each evidence date, against the article and a uniform baseline."""
    from .sensitivity import brier, log_score

    fig, ax = _fig(12, 4.2, ncols=2, ax=ax)
    dates = [d for d, _ in history]
    uniform = np.full(len(SCENARIOS), 1.0 / len(SCENARIOS))
    for a, score, name, unit in (
        (ax[0, 0], brier, "Brier score", "0 best, 2 worst"),
        (ax[0, 1], log_score, "log score", "nats; 0 best"),
    ):
        a.step(dates, [score(p, outcome) for _, p in history], where="post", color="k", label="posterior to date")
        a.axhline(
            score(article, outcome), color=SCENARIO_COLORS["base"], ls="--", label="article (45% base, rest split)"
        )
        a.axhline(score(uniform, outcome), color="0.5", ls=":", label="uniform baseline")
        _date_axis(a)
        a.set(title=name, xlabel="date (year-month)", ylabel=f"{name} ({unit})")
        a.tick_params(axis="x", labelrotation=30)
    ax[0, 0].legend(frameon=False)
    fig.suptitle(f"How well the forecasts scored against the outcome '{SCENARIOS[outcome]}'")
    fig.tight_layout()
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
        fig, axes = _fig(6.0, 1.6 + 1.3 * (max(depth.values()) + 1))
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
                arrowprops={"arrowstyle": "-|>", "color": "0.3", "shrinkA": 22, "shrinkB": 22},
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
            fontsize=10,
            bbox={
                "boxstyle": "round,pad=0.5" if _dist_name(model[n]) != "Potential" else "square,pad=0.5",
                "fc": "white",
                "ec": "0.2",
            },
        )
    ax.set(xlim=(0, 1), ylim=(0, 1))
    ax.axis("off")
    return fig


# --------------------------------------------------------------------------- does the model fit? (model.checks)


@_styled
def revenue_check_plot(prior: RevenueCheck, post: RevenueCheck, ax: object = None) -> Figure:
    """Prior and posterior predictive of the full-year revenue datum, the observed value marked."""
    fig, ax = _fig(7.0, 3.6, ncols=2, ax=ax)
    a, b = ax[0, 0], ax[0, 1]
    a.plot(prior.grid, prior.cdf, color="k")
    a.set_xscale("symlog", linthresh=0.01)
    a.axvline(prior.x_obs, color="0.4", ls="--")
    a.set(
        title=f"Prior predictive\n(two-sided p = {prior.p_value:.3f})",
        xlabel="x_FY replicated (USD bn, symlog scale)",
        ylabel="P(x_rep ≤ x) (probability)",
        ylim=(0, 1),
    )
    a.annotate(
        f"observed {prior.x_obs:.2f}", (prior.x_obs, 0.5), xytext=(6, 0), textcoords="offset points", fontsize=10
    )
    b.plot(post.grid, post.density, color="k")
    b.axvline(post.x_obs, color="0.4", ls="--")
    b.set(
        title=f"Posterior predictive\n(two-sided p = {post.p_value:.3f})",
        xlabel="x_FY replicated (USD bn)",
        ylabel="density (per USD bn)",
    )
    b.annotate(
        f"observed {post.x_obs:.2f}",
        (post.x_obs, 0.05 * float(np.max(post.density))),
        xytext=(6, 0),
        textcoords="offset points",
        fontsize=10,
    )
    fig.suptitle("Post-reversal FY2026 H20 China revenue: replicated vs reported", fontsize=11)
    fig.tight_layout()
    return fig


@_styled
def signal_check_plot(sc: SignalCheck, ax: object = None) -> Figure:
    """Replicated signal counts per class (90% interval, mean) with the observed counts; omnibus G."""
    fig, ax = _fig(7.0, 4.6, ncols=2, gridspec_kw={"width_ratios": [1.5, 1]}, ax=ax)
    a, b = ax[0, 0], ax[0, 1]
    y = np.arange(len(SIGNALS))
    a.hlines(y, sc.lower, sc.upper, color="0.7", lw=6, label="replicated 90% interval")
    a.plot(sc.expected, y, "|", color="0.3", ms=12, mew=2, label="replicated mean")
    a.plot(sc.counts, y, "o", color="k", label="observed")
    for i in y:
        a.text(max(sc.upper.max(), sc.counts.max()) + 1.0, i, f"p = {sc.class_p[i]:.2f}", va="center", fontsize=10)
    a.set_yticks(y, SIGNALS)
    a.invert_yaxis()
    a.set(xlabel="signal events per class (count)", title="Per class (two-sided p)")
    a.set_xlim(-0.5, max(sc.upper.max(), sc.counts.max()) + 5)
    a.legend(frameon=False, fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=3)
    b.plot(sc.g_grid, sc.g_cdf, color="k")
    b.axvline(0.0, color="0.4", ls="--")
    b.set(
        xlabel="G_rep − G_obs (nats × 2)",
        ylabel="P(G_rep − G_obs ≤ d) (probability)",
        title=f"Omnibus G (p = {sc.g_p:.2f})",
        ylim=(0, 1),
    )
    fig.suptitle(f"{sc.label.replace('_', ' ').capitalize()} check of the signal-class counts", fontsize=11)
    fig.tight_layout()
    return fig


def _scenario_of(name: str) -> str | None:
    return next((s for s in SCENARIOS if f"[{s}]" in name), None)


@_styled
def sbc_ecdf_plot(res: SBCResult, title: str, ax: object = None) -> Figure:
    """ECDF minus uniform CDF of the SBC ranks, with the simultaneous band of each test."""
    tests = res.tests
    ncols = 3
    nrows = int(np.ceil(len(tests) / ncols))
    fig, ax = _fig(7.0, 1.9 * nrows + 0.6, ncols=ncols, nrows=nrows, sharex=True, sharey=True, ax=ax)
    for k, t in enumerate(tests):
        a = ax.flat[k]
        z, lo, hi = t.band
        a.fill_between(z, lo - z, hi - z, color="0.85", step="mid", label="simultaneous band")
        zz, d = t.ecdf_diff
        s = _scenario_of(t.name)
        a.plot(zz, d, color=SCENARIO_COLORS[s] if s else "k", lw=1.2)
        a.axhline(0, color="0.5", lw=0.6)
        a.set_title(f"{t.name}: p = {t.p_value:.2f}", fontsize=10)
    for a in ax.flat[len(tests) :]:
        a.set_visible(False)
    for a in ax[-1, :]:
        a.set_xlabel("PIT (probability)")
    for a in ax[:, 0]:
        a.set_ylabel("ECDF − uniform")
    fig.suptitle(
        f"{title} ({res.n} datasets; band at family-wise {100 * len(tests) * tests[0].alpha:.0f}%)", fontsize=11
    )
    fig.tight_layout()
    return fig


@_styled
def reliability_plot(rel: Reliability, ax: object = None) -> Figure:
    """Predicted P(z = s | E) against the observed frequency of z = s, per bin, with 99% intervals."""
    fig, ax = _fig(7.0, 4.2, ax=ax)
    a = ax[0, 0]
    a.plot([0, 1], [0, 1], color="0.6", ls="--", label="perfect calibration")
    ok = rel.n > 0
    a.errorbar(
        rel.mean_pred[ok],
        rel.mean_pred[ok],
        yerr=[rel.mean_pred[ok] - rel.lower[ok], rel.upper[ok] - rel.mean_pred[ok]],
        fmt="none",
        ecolor="0.7",
        elinewidth=6,
        label="99% range if calibrated",
    )
    a.plot(rel.mean_pred[ok], rel.observed[ok], "o", color="k", label="observed frequency")
    for x, yv, n in zip(rel.mean_pred[ok], rel.observed[ok], rel.n[ok], strict=True):
        a.annotate(f"{int(n)}", (x, yv), xytext=(5, -10), textcoords="offset points", fontsize=9, color="0.3")
    a.set(
        xlim=(-0.02, 1.02),
        ylim=(-0.02, 1.02),
        xlabel="predicted P(z = s | E), bin mean (probability)",
        ylabel="observed frequency of z = s (proportion)",
        title=f"Calibration of the scenario probabilities over simulated datasets (p = {rel.p_value:.2f})",
    )
    a.legend(frameon=False, loc="upper left")
    return fig


@_styled
def power_scaling_plot(ps: PowerScaling, ax: object = None) -> Figure:
    """Prior and likelihood power-scaling sensitivity per headline quantity, with the 0.05 threshold."""
    fig, ax = _fig(7.0, 3.4, ax=ax)
    a = ax[0, 0]
    y = np.arange(len(ps.quantities))
    a.barh(y - 0.2, ps.prior, 0.38, color="0.75", label="prior")
    a.barh(y + 0.2, ps.likelihood, 0.38, color="0.25", label="likelihood")
    a.axvline(ps.threshold, color="k", ls="--", lw=1, label=f"threshold {ps.threshold}")
    a.set_yticks(y, ps.quantities)
    a.invert_yaxis()
    a.set(
        xlabel=f"sensitivity (JS distance per log2 alpha, alpha = 2^±{ps.log2_alpha})",
        title="Power-scaling sensitivity of the headline quantities (exact path)",
    )
    a.legend(frameon=False, loc="lower right")
    return fig
