"""The house style of every chart: sizes, fonts, colours and labels, the two layouts (wide, narrow),
the helpers every chart uses, and the chart as SVG and HTML.
"""

from __future__ import annotations

import base64
import contextlib
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
from matplotlib.figure import Figure
from matplotlib.transforms import blended_transform_factory

from ... import SCENARIOS
from ...computation.article import ARTICLE

if TYPE_CHECKING:
    pass

P = ParamSpec("P")


R = TypeVar("R")


SCENARIO_PALETTE: tuple[str, ...] = ("#4C72B0", "#C44E52", "#DD8452", "#55A868", "#8172B3", "#937860", "#DA8BC3")
"""Scenario colours in the article's scenario order (``model/data/article.yaml``); colours repeat past seven."""
SCENARIO_COLORS: dict[str, str] = {s: SCENARIO_PALETTE[i % len(SCENARIO_PALETTE)] for i, s in enumerate(SCENARIOS)}
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


SCENARIO_LABELS: dict[str, str] = {s: ARTICLE.label(s) for s in SCENARIOS}
"""Each scenario as a legend names it, key and plain words ('reban: licences frozen'), from the article file."""


CONFIDENCE_MARKERS: dict[str, str] = {"two_sources": "o", "date_uncertain": "D", "one_source": "s", "weak_sources": "x"}


FULL_WIDTH = 7.0
"""Width of every figure (inches): 504 pt, shown at 672 CSS px in the book's ~700 px column."""


NARROW_WIDTH = 3.9
"""Width of the phone rendering (inches): 281 pt, shown at ~360 CSS px on a 390 px screen, text unshrunk."""


HEIGHT: dict[str, float] = {"short": 3.0, "medium": 3.6, "tall": 4.4}
"""Figure heights (inches) by how much the message needs; bar lists grow with their rows."""


MIN_FONT = 10.0
"""No text smaller than this (pt at display size); tests/presentation/test_plots.py holds every figure to it."""


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


def _band(band: tuple[float, float]) -> str:
    return f"article: {100 * band[0]:g}–{100 * band[1]:g}%"
