"""Charts of the evidence chapter: the events over time and the quarterly revenue."""

from __future__ import annotations

import datetime as dt
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ... import SIGNALS
from ...computation.evidence import Evidence
from ...computation.evidence_files import CONFIDENCE_LEVELS, INDICATORS, Period
from ..numbers import label as plain
from .style import (
    CONFIDENCE_MARKERS,
    FONT,
    HEIGHT,
    NEUTRAL,
    _date_axis,
    _fig,
    _lay,
    _legend,
    _row_labels,
    _styled,
    _title,
)


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
