"""The book's interactive pieces as HTML: the what-if explorer's mount point and its data.

The page's script (``book/_static/explorer.js``, shipped in the book's ``_static`` and loaded on
every page) finds the element, reads the grid from the JSON inside it and draws the sliders, the
scenario bars, the recovered share and the belief-over-time chart. Nothing is fetched.

Every word the page shows comes from here (:func:`explorer_text`, carried in the JSON as
``text``): the sliders' labels, units and meanings, the dates in words, the stated error beside
each output and the note beside a slider that cannot matter at the chosen date. The page formats
numbers as :mod:`model.presentation.numbers` does (its ``fmt`` functions mirror
:func:`~model.presentation.numbers.prob_text`,
:func:`~model.presentation.numbers.share_text` and :func:`~model.presentation.numbers.usd_bn_text`); :func:`shown_text`
is the
Python copy of what it prints, :func:`idle_sliders` of which notes it shows.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

from ..computation.article import ARTICLE
from ..computation.explore import SLIDER_RANGES, Settings, explorer_value, idle_reasons
from ..computation.mcmc_result import BOUND
from .numbers import prob_text, share_text, sig, usd_bn_text, usd_text
from .plots import SCENARIO_COLORS

SLIDERS: tuple[str, ...] = ("base_mean", "weight", "sd_factor", "lower", "upper", "step")
"""The sliders in the order the page shows them."""


@dataclass(frozen=True)
class Html:
    """A block of HTML for Jupyter and the book (``text/html``), with a one-line plain-text stand-in."""

    html: str
    text: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        """What a terminal shows instead of the page: the text alternative."""
        return self.text


def scenario_name(scenario: str) -> str:
    """A scenario in plain words, its key after ('licences frozen (reban)')."""
    return f"{ARTICLE.plain(scenario)} ({scenario})"


def step_words(label: str) -> str:
    """What arrived on one evidence date, in words ('E17 (not a signal); Q3 FY2026 report' ->
    '1 news item, NVIDIA's Q3 FY2026 report'); the first position is the article's view.
    """
    if not label or label.startswith("the article"):
        return "the article's view, before any news"
    items = label.split("; ")
    news = sum(1 for i in items if i[:1] == "E" and i[1:].split(" ")[0].isdigit())
    reports = [f"{ARTICLE.company}'s {i}" for i in items if i.endswith(" report")]
    parts = ([f"{news} news item{'s' if news != 1 else ''}"] if news else []) + reports
    return ", ".join(parts)


def _pct_points(x: float) -> str:
    return f"{100 * x:g}"


def explorer_text(grid: dict[str, object]) -> dict[str, object]:
    """Every word the explorer shows, from the grid's data (labels, units, meanings, notes, errors)."""
    d, rng, iv = grid["defaults"], grid["ranges"], grid["interval"]
    moved = f"the “{ARTICLE.plain(grid['moved'])}” scenario"
    base = ARTICLE.plain(grid["scenarios"][0])
    if iv["kind"] == "interval":
        lower_meaning = f"{_pct_points(iv['p_upper'])}% sure it lies between the low and the high estimate"
        upper_meaning = lower_meaning
    else:
        lower_meaning = f"{_pct_points(1 - iv['p_lower'])}% sure it is above this"
        upper_meaning = f"{_pct_points(iv['p_upper'])}% sure it is below this"
    tol = grid["tolerance"]
    sliders = {
        "base_mean": {
            "label": "Chance of the base case before any news",
            "unit": "probability",
            "meaning": f"The “{base}” scenario. The article said {prob_text(d['base_mean'])}; "
            "the other three scenarios share the rest as assumed.",
        },
        "weight": {
            "label": "How much each news item counts",
            "unit": f"weight from {rng['weight'][0]:g} to {rng['weight'][1]:g}",
            "meaning": f"{rng['weight'][0]:g} ignores the news, {rng['weight'][1]:g} counts every item as independent "
            f"evidence; assumed {d['weight']:g}, as many items report the same decision.",
        },
        "sd_factor": {
            "label": "Doubt about NVIDIA's revenue figures",
            "unit": "× the error of their rounding",
            "meaning": f"NVIDIA states round figures (to the nearest {usd_text(grid['rounding'])}); "
            "×1 takes that rounding as the only error, higher values trust the figures less.",
        },
        "lower": {
            "label": f"Revenue restored in {moved}: low estimate",
            "unit": "% of FY2026 revenue",
            "meaning": f"{lower_meaning} (assumed {share_text(d['lower'])}).",
        },
        "upper": {
            "label": f"Revenue restored in {moved}: high estimate",
            "unit": "% of FY2026 revenue",
            "meaning": f"{upper_meaning} (assumed {share_text(d['upper'])}).",
        },
        "step": {
            "label": "Evidence known up to",
            "unit": "date",
            "meaning": "Only the news and NVIDIA's reports known by this date count; "
            "the first position is the article's own view.",
        },
    }
    top = prob_text(SLIDER_RANGES["base_mean"][1])
    idle = {
        "no_news": "Cannot matter at this date: no news item counts yet, so there is nothing to weigh.",
        "no_revenue": "Cannot matter at this date: NVIDIA had reported no H20 revenue figure under the licences yet, "
        "so no figure's error enters.",
        "base_ruled_out": "Cannot matter at this date: NVIDIA's reported revenue rules the base case out "
        f"(below {sig(100 * BOUND, 1)}% even at a {top} prior), so no number shown moves. "
        "It still moves the chart's earlier dates.",
    }
    return {
        "sliders": sliders,
        "steps": [f"{row['date']}: {step_words(row['label'])}" for row in grid["steps"]],
        "scenarios": {s: scenario_name(s) for s in grid["scenarios"]},
        "idle": idle,
        "err": {"prob": f"±{_pct_points(tol['prob'])} pt", "share": f"±{_pct_points(tol['share'])}%"},
        "err_note": f"± after a number: the explorer's stated error (it interpolates a precomputed grid): "
        f"{_pct_points(tol['prob'])} percentage points for a probability, {_pct_points(tol['share'])}% of "
        "the value for a share or an amount.",
        "bound": BOUND,
    }


def explorer_html(grid: dict[str, object]) -> Html:
    """The explorer's mount point with its grid (from :func:`model.computation.explore.explorer_grid`) and words
    inside.
    """
    data = {**grid, "colors": SCENARIO_COLORS, "text": explorer_text(grid)}
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    html = (
        '<div class="h20-explorer" data-h20-explorer>'
        f'<script type="application/json" class="h20-explorer-data">{payload}</script>'
        "<noscript>The explorer needs JavaScript (it runs in your browser; nothing is sent anywhere).</noscript>"
        "</div>"
    )
    return Html(html, "The what-if explorer (open the book in a browser to use it).")


# --------------------------------------------------------------------------- what the page prints, in Python


def shown_text(grid: dict[str, object], s: Settings) -> dict[str, str]:
    """The outputs' texts the page shows at ``s`` (keys as the page's ``data-key``)."""
    v = explorer_value(grid, s)
    out = {f"prob-{sc}": prob_text(float(p)) for sc, p in zip(grid["scenarios"], v["prob"], strict=True)}
    out |= {f"share-{k}": share_text(x) for k, x in v["share"].items()}
    out |= {f"usd-{k}": usd_bn_text(x) for k, x in v["usd"].items()}
    return out


def idle_sliders(grid: dict[str, object], s: Settings) -> dict[str, str]:
    """The sliders beside which the page notes that they cannot matter at the chosen date, with the reason's key.

    :func:`model.computation.explore.idle_reasons`, where for the base case's slider the numbers shown must also
    be the same at both ends of its range.
    """
    out = idle_reasons(grid, s)
    if "base_mean" in out:
        ends = [shown_text(grid, dataclasses.replace(s, base_mean=b)) for b in SLIDER_RANGES["base_mean"]]
        if ends[0] != ends[1]:
            del out["base_mean"]
    return out
