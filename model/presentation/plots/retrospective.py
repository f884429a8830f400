"""Charts of how the article held up: the forecasts against the outcome, scored out of sample."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..numbers import (
    share_range,
    sig,
    times_range,
    usd_range,
    usd_text,
)
from .style import (
    HEIGHT,
    NEUTRAL,
    SCENARIO_COLORS,
    _date_axis,
    _fig,
    _lay,
    _legend,
    _row_labels,
    _styled,
    _title,
)

if TYPE_CHECKING:
    from ...computation.retrospective import Retrospective


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
