"""Plots: every figure has a title, labelled axes with units; one colour per scenario everywhere.

Functions take computed results and return a matplotlib Figure; they compute nothing the
other modules do not already expose.

Figures are drawn for the size at which the book shows them: :data:`FULL_WIDTH` inches wide
(a 7 in SVG is 504 pt = 672 CSS px, inside the ~700 px content column), every text at least
:data:`MIN_FONT` pt at that size. Legends sit above the plot and long labels above their bar
rather than in a wide left margin, so a figure still reads when a phone shrinks it to ~360 px.
Colours: :data:`SCENARIO_COLORS` mean scenarios and nothing else; every other distinction
(low/high, prior/posterior, first-order/total, observed/replicated) uses :data:`NEUTRAL`.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import functools
import html
import io
import textwrap
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator, ParamSpec, Sequence, TypeVar

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory
from scipy import stats

from .. import SCENARIOS, SIGNALS
from ..computation.claims import RECOVERY_BAND
from ..computation.evidence import CONFIDENCE_LEVELS, INDICATORS, Evidence, Period
from ..computation.history import Revision
from ..computation.priors import Priors
from ..computation.sensitivity import Tornado
from ..computation.sobol import SobolResult
from .report import (
    influence_rows,
    output_label,
    prob_text,
    share_range,
    share_text,
    sig,
    sig_resolution,
    times_range,
    times_text,
    tornado_rows,
    usd_range,
    usd_text,
)
from .report import (
    label as plain,
)

if TYPE_CHECKING:
    from ..computation.call import CallBasis
    from ..computation.checks import PowerScaling, Reliability, RevenueCheck, SBCResult, SignalCheck
    from ..computation.retrospective import Retrospective

P = ParamSpec("P")
R = TypeVar("R")

SCENARIO_COLORS: dict[str, str] = {"base": "#4C72B0", "reban": "#C44E52", "domestic": "#DD8452", "easing": "#55A868"}
"""One colour per scenario, used by every chart of the book, and for nothing but scenarios."""

NEUTRAL: dict[str, str] = {
    "ink": "#222222",
    "dark": "#555555",
    "mid": "#8C8C8C",
    "light": "#BDBDBD",
    "faint": "#E6E6E6",
    "accent": "#7B3294",
}
"""Colours for everything that is not a scenario: greys by emphasis, plus one accent (purple, no
scenario's hue) for the one thing a chart points at (the article's band, the observed value)."""

SCENARIO_LABELS: dict[str, str] = {
    "base": "base: controlled access",
    "reban": "reban: licences frozen",
    "domestic": "domestic: shift to Chinese GPUs",
    "easing": "easing: cut-down Blackwell",
}

CONFIDENCE_MARKERS: dict[str, str] = {"two_sources": "o", "date_uncertain": "D", "one_source": "s", "weak_sources": "x"}

FULL_WIDTH = 7.0
"""Width of every figure (inches): 504 pt, shown at 672 CSS px in the book's ~700 px column."""
NARROW_WIDTH = 3.9
"""Width of the phone rendering (inches): 281 pt, shown at ~360 CSS px on a 390 px screen, text unshrunk."""
HEIGHT: dict[str, float] = {"short": 3.0, "medium": 3.6, "tall": 4.4}
"""Figure heights (inches) by how much the message needs; bar lists grow with their rows."""
MIN_FONT = 10.0
"""No text smaller than this (pt at display size); tests/test_plots.py holds every figure to it."""
FONT: dict[str, float] = {"title": 13.0, "label": 12.0, "tick": 11.0, "note": MIN_FONT}


@dataclass(frozen=True)
class Layout:
    """What a chart's width decides: the figure size, where text wraps, legend columns and tick counts.

    Every chart is drawn twice for the book (:func:`chart_html`): :data:`WIDE` for the desktop
    column and :data:`NARROW` for a phone, which the page picks by screen width.
    """

    name: str
    width: float
    """Figure width (inches)."""
    title_chars: int
    """Characters per title line at ``FONT["title"]`` across the width."""
    row_chars: int
    """Characters per line of a label written above its bar."""
    height_scale: float
    """Heights grow by this factor (narrow: wrapped titles, legends in one column)."""
    legend_cols: int
    """At most this many legend columns."""
    max_ticks: int | None
    """At most this many major ticks on a linear x axis (None: as drawn)."""
    compact: bool
    """A phone's drawing: sparser date and dollar ticks, short quarter labels, fewer panels a row."""


WIDE = Layout("wide", FULL_WIDTH, 68, 70, 1.0, 5, None, False)
NARROW = Layout("narrow", NARROW_WIDTH, 36, 38, 1.35, 1, 4, True)
_LAYOUT: ContextVar[Layout] = ContextVar("h20_chart_layout", default=WIDE)


@contextlib.contextmanager
def layout(which: Layout) -> Iterator[Layout]:
    """Draw the charts made inside this block at ``which`` (default :data:`WIDE`)."""
    token = _LAYOUT.set(which)
    try:
        yield which
    finally:
        _LAYOUT.reset(token)


def _lay() -> Layout:
    return _LAYOUT.get()


STYLE: dict[str, object] = {
    "figure.dpi": 96,
    "savefig.dpi": 96,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": FONT["tick"],
    "axes.titlesize": FONT["label"],
    "axes.titlelocation": "left",
    "axes.labelsize": FONT["label"],
    "xtick.labelsize": FONT["tick"],
    "ytick.labelsize": FONT["tick"],
    "legend.fontsize": FONT["tick"],
    "legend.title_fontsize": FONT["tick"],
    "legend.frameon": False,
    "figure.titlesize": FONT["title"],
    "axes.edgecolor": NEUTRAL["dark"],
    "xtick.color": NEUTRAL["dark"],
    "ytick.color": NEUTRAL["dark"],
    "xtick.labelcolor": NEUTRAL["ink"],
    "ytick.labelcolor": NEUTRAL["ink"],
    "axes.labelcolor": NEUTRAL["ink"],
    "text.color": NEUTRAL["ink"],
}
"""The house style, applied inside each plot function only (never to the user's matplotlib on import)."""


def _styled(fn: Callable[P, R]) -> Callable[P, R]:
    """Run a plot function inside ``plt.rc_context(STYLE)``."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with plt.rc_context(STYLE):
            fig = fn(*args, **kwargs)
            if isinstance(fig, Figure) and _own(fig):
                _thin_ticks(fig, _lay())
                _fit_text(fig, _lay())
                fig._h20_redraw = functools.partial(wrapper, *args, **kwargs)  # type: ignore[attr-defined]
        return fig

    return wrapper


def svg_bytes(fig: Figure) -> bytes:
    """The figure as SVG, cropped to its ink, with reproducible ids and no timestamp (same bytes every build)."""
    buf = io.BytesIO()
    with plt.rc_context({"svg.hashsalt": "h20-risk-book"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buf.getvalue()


def _svg_img_attrs(svg: bytes) -> str:
    """``width``/``height`` (CSS px) from the SVG's own size in pt, so that the page reserves the space."""
    head = svg[:2000].decode("utf-8", "replace")
    w = float(head.split(' width="', 1)[1].split("pt", 1)[0])
    h = float(head.split(' height="', 1)[1].split("pt", 1)[0])
    return f'width="{round(w * 96 / 72)}" height="{round(h * 96 / 72)}"'


def _data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def chart_title(fig: Figure) -> str:
    """The chart's title as one line (the figure's or its first panel's): its text alternative by default."""
    own = fig._suptitle.get_text() if fig._suptitle is not None else ""
    text = own or next((a.get_title() for a in fig.axes if a.get_title()), "")
    return " ".join(text.split())


def chart_html(fig: Figure, alt: str | None = None) -> str:
    """The chart for a web page: the wide drawing, and for screens up to 600 px the narrow one.

    A ``<picture>`` whose ``<source>`` the browser picks by screen width, so a phone gets a chart
    drawn for its width (:data:`NARROW`: text at full size, fewer ticks, legends in one column)
    instead of a shrunken or sideways-scrolling desktop one. Both drawings are inline data URIs
    (the page stays one self-contained file). A figure not drawn by this module's functions, or
    drawn on the caller's axes, has only its one drawing.
    """
    wide = svg_bytes(fig)
    alt_text = html.escape(chart_title(fig) if alt is None else alt, quote=True)
    redraw = getattr(fig, "_h20_redraw", None)
    source = ""
    if redraw is not None:
        with layout(NARROW):
            small = redraw()
        narrow = svg_bytes(small)
        source = f'<source media="(max-width: 600px)" srcset="{_data_uri(narrow)}" {_svg_img_attrs(narrow)}>'
    img = f'<img class="h20-chart" src="{_data_uri(wide)}" alt="{alt_text}" {_svg_img_attrs(wide)}>'
    return f'<picture class="h20-chart">{source}{img}</picture>'


def _fit_text(fig: Figure, lay: Layout) -> None:
    """Titles and axis labels re-wrapped to the layout's width (the wide ones are wrapped as drawn)."""
    if not lay.compact:
        return

    def rewrap(text: str, width: int) -> str:
        return _wrap(" ".join(text.split()), width)

    if fig._suptitle is not None and fig._suptitle.get_text():
        fig._suptitle.set_text(rewrap(fig._suptitle.get_text(), lay.title_chars))
    for a in fig.axes:
        spec = a.get_subplotspec()
        cols = spec.get_gridspec().ncols if spec is not None else 1
        for loc in ("left", "center", "right"):
            if a.get_title(loc=loc):
                a.set_title(_wrap(a.get_title(loc=loc), max(12, lay.title_chars // cols)), loc=loc)  # keeps its lines
        a.set_xlabel(rewrap(a.get_xlabel(), lay.row_chars + 4))
        a.set_ylabel(rewrap(a.get_ylabel(), lay.row_chars + 4))


def _thin_ticks(fig: Figure, lay: Layout) -> None:
    """At most ``lay.max_ticks`` major ticks on each linear x axis (a date axis keeps its own locator)."""
    if lay.max_ticks is None:
        return
    for a in fig.axes:
        if a.get_xscale() == "linear" and type(a.xaxis.get_major_locator()) is mticker.AutoLocator:
            a.xaxis.set_major_locator(mticker.MaxNLocator(nbins=lay.max_ticks, steps=[1, 2, 2.5, 5, 10]))
            if isinstance(a.xaxis.get_major_formatter(), mticker.ScalarFormatter):
                a.ticklabel_format(axis="x", useOffset=False)


def _fig(
    w: float = FULL_WIDTH, h: float = HEIGHT["medium"], ncols: int = 1, nrows: int = 1, ax: object = None, **kw: object
) -> tuple[Figure, np.ndarray]:
    """A new figure of ``nrows x ncols`` axes, or the caller's axes (one Axes or an array of that shape)."""
    if ax is not None:
        axes = np.asarray(ax, dtype=object).reshape(nrows, ncols)
        return axes[0, 0].figure, axes
    lay = _lay()
    w, h = min(w, lay.width), h * lay.height_scale
    fig, axes = plt.subplots(nrows, ncols, figsize=(w, h), squeeze=False, layout="constrained", **kw)  # type: ignore[arg-type]
    fig._h20_own = True  # type: ignore[attr-defined]  # ours: title and legends may use the figure's margins
    plt.close(fig)  # shown once, as the value a notebook cell returns, not again by pyplot
    return fig, axes


def _own(fig: Figure) -> bool:
    return bool(getattr(fig, "_h20_own", False))


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.fill(line, width) for line in text.split("\n"))


def _title(fig: Figure, a: plt.Axes, text: str, main: bool = False) -> None:
    """The figure's title, left-aligned above everything (legends included) and wrapped to the width.

    On the caller's axes, or on one panel of several (unless ``main``), it is the axes' title.
    """
    if _own(fig) and (main or len(fig.axes) == 1):
        fig.suptitle(_wrap(text, _lay().title_chars), x=0.01, ha="left")
    else:
        a.set_title(_wrap(text, min(40, _lay().title_chars) if len(fig.axes) > 1 else _lay().title_chars))


def _legend(a: plt.Axes, ncols: int = 2, **kw: object) -> None:
    """Legend in a row above the plot (on the caller's axes: inside, where it fits best)."""
    if _own(a.figure) and a is a.figure.axes[0]:
        a.legend(
            **{
                "loc": "lower left",
                "bbox_to_anchor": (0, 1.01),
                "ncols": min(ncols, _lay().legend_cols),
                "borderaxespad": 0.2,
                "handlelength": 1.6,
                **kw,
            }
        )
    else:
        a.legend(loc="best", **kw)


def _date_axis(ax: plt.Axes, monthly: bool = False) -> None:
    """Quarterly ticks (``monthly``: every month) labelled month over year: short labels that survive a phone."""
    compact = _lay().compact
    if monthly:  # a short span: every month (on a phone every other month)
        ax.xaxis.set_major_locator(mdates.MonthLocator(interval=2 if compact else 1))
    else:  # quarterly; on a phone every half year
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7) if compact else (1, 4, 7, 10)))
    ax.xaxis.set_minor_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))


def _row_labels(a: plt.Axes, labels: Sequence[str], half: float, width: int = 70) -> None:
    """Label each row ``i`` above its bar (axes inverted: row 0 on top) instead of in a left margin."""
    a.set_yticks([])
    a.spines["left"].set_visible(False)
    tr = blended_transform_factory(a.transAxes, a.transData)
    for i, label in enumerate(labels):
        a.annotate(
            _wrap(label, min(width, _lay().row_chars)),
            (0, i - half),
            xycoords=tr,
            xytext=(0, 1),
            textcoords="offset points",
            va="bottom",
            ha="left",
            fontsize=FONT["tick"],
        )
    a.set_ylim(len(labels) - 0.5, -1.0)


def _label_line(a: plt.Axes, x: object, y: float, text: str, color: str, **kw: object) -> None:
    a.annotate(
        text, (x, y), xytext=(3, 3), textcoords="offset points", color=color, fontsize=FONT["tick"], va="bottom", **kw
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


def _band(band: tuple[float, float]) -> str:
    return f"article: {100 * band[0]:g}–{100 * band[1]:g}%"


@_styled
def predictive_histograms(prior_share: np.ndarray, prior_usd: np.ndarray, title: str, ax: object = None) -> Figure:
    """Share and USD predictive histograms stacked (one chart each: :func:`predictive_share_histogram`)."""
    fig, ax = _fig(h=2 * HEIGHT["short"] + 0.4, nrows=2, ax=ax)
    predictive_share_histogram(prior_share, "Recovered share of FY2026 revenue", ax=ax[0, 0])
    predictive_usd_histogram(prior_usd, "Recovered revenue", ax=ax[1, 0])
    if _own(fig):
        ax[0, 0].legend(loc="upper right")
        fig.suptitle(_wrap(title, _lay().title_chars), x=0.01, ha="left")
    return fig


@_styled
def evidence_timeline(ev: Evidence, ax: object = None, *, by: str = "signal") -> Figure:
    """Events by date, one row per signal class (``by="signal"``) or per indicator (``by="indicator"``).

    Marker = source confidence. With ``by="signal"``, re-reports of earnings releases (not signals)
    get a row of their own.
    """
    if by not in ("signal", "indicator"):
        raise ValueError(f"by must be 'signal' or 'indicator', not {by!r}")
    if by == "signal":
        rows = [s for s in SIGNALS if any(ev.is_signal(e) and e.signal == s for e in ev.events)]
        if any(not ev.is_signal(e) for e in ev.events):
            rows.append("not a signal")

        def keys(e: object) -> tuple[str, ...]:
            return (e.signal if ev.is_signal(e) else "not a signal",)  # type: ignore[arg-type, attr-defined]
    else:
        rows = [i for i in INDICATORS if any(i in e.indicators for e in ev.events)]

        def keys(e: object) -> tuple[str, ...]:
            return e.indicators  # type: ignore[attr-defined]

    fig, ax = _fig(h=0.42 * len(rows) + 1.5, ax=ax)
    a = ax[0, 0]
    pos = {r: i for i, r in enumerate(rows)}
    for i in range(len(rows)):
        a.axhline(i, color=NEUTRAL["faint"], lw=1, zorder=1)
    for e in ev.events:
        for k in keys(e):
            m = CONFIDENCE_MARKERS[e.confidence]
            a.scatter(
                e.date, pos[k], marker=m, s=42, zorder=3, color=NEUTRAL["ink"], facecolor="none" if m != "x" else None
            )
    _row_labels(a, [plain(r) for r in rows], 0.18)
    _date_axis(a)
    a.set(xlabel="event date", ylabel="")
    conf = [
        plt.Line2D([], [], color=NEUTRAL["ink"], mfc="none", marker=CONFIDENCE_MARKERS[c], ls="", label=plain(c))
        for c in reversed(CONFIDENCE_LEVELS)
        if any(e.confidence == c for e in ev.events)
    ]
    _legend(a, handles=conf, ncols=min(4, len(conf)), title=None)
    what = "signal class" if by == "signal" else "indicator"
    _title(fig, a, f"Evidence since the article, by {what}")
    return fig


@_styled
def quarterly_revenue(periods: Sequence[Period], licence: dt.date, ax: object = None) -> Figure:
    """Reported revenue per fiscal quarter and the H20 China revenue inside it."""
    qs = [q for q in periods if q.period_type == "quarter"]
    fig, ax = _fig(h=HEIGHT["medium"], ax=ax)
    a = ax[0, 0]
    x = np.arange(len(qs))
    a.bar(x, [q.total_revenue_usd_bn for q in qs], color=NEUTRAL["faint"], label="total revenue")
    a.bar(x, [q.h20_china_revenue_usd_bn or 0.0 for q in qs], color=NEUTRAL["accent"], label="H20 revenue from China")
    for i, q in enumerate(qs):
        txt = "n/d" if q.h20_china_revenue_usd_bn is None else f"{q.h20_china_revenue_usd_bn:g}"
        a.annotate(
            txt, (i, q.total_revenue_usd_bn), xytext=(0, 2), textcoords="offset points", ha="center", va="bottom",
            fontsize=FONT["note"], color=NEUTRAL["dark"] if q.h20_china_revenue_usd_bn is None else NEUTRAL["accent"],
        )  # fmt: skip
    post = [i for i, q in enumerate(qs) if q.period_end >= licence]
    if post:
        a.axvline(post[0] - 0.5, color=NEUTRAL["ink"], ls="--", lw=1)
        a.annotate(
            "after the\nfirst licence", (post[0] - 0.45, 1.0), xycoords=("data", "axes fraction"),
            va="top", fontsize=FONT["note"],
        )  # fmt: skip
    short = _lay().compact  # a phone: 'Q3\nFY26'
    a.set_xticks(x, [q.fiscal_period.replace(" FY20" if short else " ", "\nFY" if short else "\n", 1) for q in qs])
    a.set(xlabel="fiscal quarter", ylabel="revenue (USD bn)")
    a.margins(y=0.12)
    _legend(a, ncols=2)
    _title(fig, a, "NVIDIA revenue per quarter and the H20 sales to China inside it (USD bn)")
    return fig


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
def share_cdfs(prior_cdf, post_cdf, realised: float | None, band: tuple[float, float], ax: object = None) -> Figure:  # noqa: ANN001
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
def tornado_chart(t: Tornado, outputs: Sequence[tuple[str, str | None]], ax: object = None) -> Figure:
    """One tornado per output ``(var, scenario)``, stacked; for one message per figure use :func:`tornado_chart_one`."""
    if len(outputs) == 1 and ax is None:
        return tornado_chart_one(t, *outputs[0])
    rows = tornado_rows(t)
    scale = {output_label(v, s): TORNADO_UNITS[v][0] for v, s in outputs}
    units = {output_label(v, s): TORNADO_UNITS[v][1] for v, s in outputs}
    outputs = [output_label(v, s) for v, s in outputs]  # type: ignore[misc]
    top = 8
    heights = [
        min(top, len([r for r in rows if r["output"] == q and abs(r["high"] - r["low"]) * scale.get(q, 1.0) > 1e-9]))
        for q in outputs
    ]
    fig, ax = _fig(
        h=0.42 * sum(heights) + 1.3 * len(outputs) + 0.4,
        nrows=len(outputs),
        ax=ax,
        gridspec_kw={"height_ratios": [max(h, 1) + 2 for h in heights]},
    )
    for j, q in enumerate(outputs):
        a = ax[j, 0]
        _tornado_into(a, rows, q, scale.get(q, 1.0), units.get(q, "probability"), top, 1e-9)
        if not _own(fig):
            a.set_title(q)
    _tornado_legend(ax[0, 0])
    if _own(fig):
        fig.suptitle("Tornado: how far each assumption moves the answer", x=0.01, ha="left")
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
    a.axvline(default, color=NEUTRAL["ink"], ls=":", lw=1.5, label=f"default ({default:.3g})")
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


def weight_sweep_chart(sweep: xr.Dataset, weight: float, ax: object = None) -> Figure:
    """Scenario probabilities as the tempering weight sweeps (``sens.sweep(setup, "weight")``)."""
    return sweep_chart(
        sweep.value.values,
        sweep["scenario_prob"].sel(scenario=list(SCENARIOS)).values,
        weight,
        "tempering weight w (exponent on each event's likelihood)",
        "Scenario probabilities as the news is discounted more or less",
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


def _usd_axis(a: plt.Axes) -> None:
    """A log axis of US dollars with ticks in plain words (USD 1m ... USD 100bn)."""
    a.set_xscale("log")
    ticks = [1e-3, 1e-2, 1e-1, 1.0, 10.0, 100.0][:: 2 if _lay().compact else 1]  # a phone: every other decade
    a.set_xticks(ticks, [usd_text(t, 1) for t in ticks])
    a.xaxis.set_minor_formatter(plt.NullFormatter())


@_styled
def held_up_chart(retro: Retrospective, ax: object = None) -> Figure:
    """The article's claim, the book's last forecast before any H20 revenue was reported, and the outcome,
    in US dollars on a log axis (shares times the reported FY2026 revenue).
    """
    if retro.outcome is None or retro.article is None or retro.last_out_of_sample is None:
        raise ValueError("the held-up chart needs the outcome and an out-of-sample forecast")
    o, rev = retro.outcome, retro.outcome.revenue
    art, last = retro.article.forecast, retro.last_out_of_sample.forecast
    rows = [
        (
            f"The article ({art.date:%B %Y}): about {share_range(art.lower, art.upper)} of revenue, "
            f"{usd_range(art.lower * rev, art.upper * rev)}",
            art.lower * rev,
            art.upper * rev,
            art.centre * rev,
            NEUTRAL["accent"],
        ),
        (
            f"The book's last forecast before any H20 revenue was reported ({last.date:%d %b %Y}): 90% interval",
            last.lower * rev,
            last.upper * rev,
            last.centre * rev,
            NEUTRAL["dark"],
        ),
        (
            f"What NVIDIA reported (FY2026 annual report): about {usd_text(o.usd_bn)}",
            o.low * rev,
            o.high * rev,
            o.share * rev,
            NEUTRAL["ink"],
        ),
    ]
    fig, ax = _fig(h=HEIGHT["short"] + 0.3, ax=ax)
    a = ax[0, 0]
    for i, (_, lo, hi, mid, color) in enumerate(rows):
        a.plot([lo, hi], [i, i], color=color, lw=8, solid_capstyle="butt", alpha=0.85)
        a.plot([mid], [i], marker="|", ms=18, mew=2.5, color="white" if hi / lo > 1.5 else color)
    _row_labels(a, [r[0] for r in rows], 0.28, width=72)
    _usd_axis(a)
    a.set_xlim(5e-4, 200.0)
    a.set_xlabel("US dollars (log scale; shares at the reported FY2026 revenue)")
    _title(fig, a, f"The article expected {times_range(*retro.article.ratio_range)} what came back")
    return fig


@_styled
def oos_share_chart(retro: Retrospective, ax: object = None) -> Figure:
    """The book's out-of-sample forecasts of the recovered share (median and 90% interval, steps) against the
    article's band and the outcome, on a log axis.
    """
    if retro.outcome is None or not retro.model:
        raise ValueError("no out-of-sample forecast to show")
    fig, ax = _fig(h=HEIGHT["medium"], ax=ax)
    a = ax[0, 0]
    dates = [s.forecast.date for s in retro.model]
    end = retro.hindsight_from or retro.resolution.window[1]
    xs = [*dates, end]
    lo = [100 * s.forecast.lower for s in retro.model]
    hi = [100 * s.forecast.upper for s in retro.model]
    med = [100 * s.forecast.centre for s in retro.model]
    a.fill_between(
        xs, [*lo, lo[-1]], [*hi, hi[-1]], step="post", color=NEUTRAL["light"], label="the book: 90% interval"
    )
    a.step(xs, [*med, med[-1]], where="post", color=NEUTRAL["ink"], lw=2, label="the book: median")
    band = retro.article.forecast if retro.article else None
    if band is not None:
        a.axhspan(
            100 * band.lower,
            100 * band.upper,
            color=NEUTRAL["accent"],
            alpha=0.35,
            label=f"the article: {share_range(band.lower, band.upper)}",
        )
    a.axhline(100 * retro.outcome.share, color=NEUTRAL["accent"], lw=2, ls="--", label="the outcome")
    a.set_yscale("log")
    a.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{sig(v, 1)}%"))
    _date_axis(a, monthly=True)
    a.set(xlabel="date of the forecast", ylabel="share of FY2026 revenue\n(log scale)")
    _legend(a, ncols=2)
    _title(fig, a, "Before any H20 revenue was reported, the book's forecasts stayed far above the outcome")
    return fig


@_styled
def oos_base_chart(retro: Retrospective, ax: object = None) -> Figure:
    """The probability of the base case: the article's 45%, the book's out-of-sample forecasts (steps), the
    baselines; the base case resolved as the resolution says.
    """
    fig, ax = _fig(h=HEIGHT["short"] + 0.4, ax=ax)
    a = ax[0, 0]
    dates = [s.forecast.date for s in retro.model]
    end = retro.hindsight_from or retro.resolution.window[1]
    p = [100 * s.forecast.p_base for s in retro.model]
    a.step([*dates, end], [*p, p[-1]], where="post", color=SCENARIO_COLORS["base"], lw=2, label="the book")
    if retro.article is not None:
        a.axhline(100 * retro.article.forecast.p_base, color=NEUTRAL["accent"], ls="--", lw=1.5, label="the article")
    a.axhline(25.0, color=NEUTRAL["mid"], ls=":", lw=1.5, label="uniform (25%)")
    _date_axis(a, monthly=True)
    a.set(xlabel="date of the forecast", ylabel="probability of the\nbase case (%)", ylim=(0, 100))
    _legend(a, ncols=3)
    verdict = retro.resolution.verdict("base")
    _title(fig, a, f"The base case resolved {verdict.upper()}: every forecast above zero was penalised")
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
        a.axvline(
            basis.weight_flip,
            color=NEUTRAL["ink"],
            ls=":",
            lw=1.5,
            label=f"the call flips (w = {sig(basis.weight_flip)})",
        )
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
    a.axvline(
        basis.datum_factor,
        color=NEUTRAL["ink"],
        ls=":",
        lw=1.5,
        label=f"as elicited ({times_text(basis.datum_factor)})",
    )
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


# --------------------------------------------------------------------------- does the model fit?
# (model.computation.checks)


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


@_styled
def revenue_check_plot(prior: RevenueCheck, post: RevenueCheck, ax: object = None) -> Figure:
    """Prior and posterior predictive checks stacked (one chart each: :func:`revenue_check_one`)."""
    fig, ax = _fig(h=2 * HEIGHT["short"] + 0.6, nrows=2, ax=ax)
    _revenue_into(ax[0, 0], prior)
    _revenue_into(ax[1, 0], post)
    ax[0, 0].set_title(f"Prior predictive (two-sided p = {prior.p_value:.3f})")
    ax[1, 0].set_title(f"Posterior predictive (two-sided p = {post.p_value:.3f})")
    if _own(fig):
        title = "Post-reversal FY2026 H20 China revenue: replicated vs reported"
        fig.suptitle(_wrap(title, _lay().title_chars), x=0.01, ha="left")
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
def signal_class_check_plot(sc: SignalCheck, ax: object = None) -> Figure:
    """Replicated signal counts per class (90% interval, mean) with the observed counts and each class's p."""
    fig, ax = _fig(h=0.42 * len(SIGNALS) + 1.5, ax=ax)
    a = ax[0, 0]
    _signal_classes_into(a, sc)
    _legend(a, ncols=3, columnspacing=0.8)
    _title(fig, a, f"{_check_name(sc)} check of the signal-class counts, per class (two-sided p)")
    return fig


@_styled
def signal_omnibus_plot(sc: SignalCheck, ax: object = None) -> Figure:
    """Predictive CDF of the omnibus G statistic minus its observed value (p in the title)."""
    fig, ax = _fig(h=HEIGHT["short"], ax=ax)
    a = ax[0, 0]
    _signal_omnibus_into(a, sc)
    _title(fig, a, f"{_check_name(sc)} check of the signal-class counts, omnibus G (p = {sc.g_p:.2f})")
    return fig


@_styled
def signal_check_plot(sc: SignalCheck, ax: object = None) -> Figure:
    """Per-class and omnibus checks stacked.

    One chart each: :func:`signal_class_check_plot`, :func:`signal_omnibus_plot`.
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
