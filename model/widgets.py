"""The book's interactive pieces as HTML: the what-if explorer's mount point and its data.

The page's script (``book/_static/explorer.js``, shipped in the book's ``_static`` and loaded on
every page) finds the element, reads the grid from the JSON inside it and draws the sliders, the
scenario bars, the recovered share and the belief-over-time chart. Nothing is fetched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .plots import SCENARIO_COLORS
from .report import label


@dataclass(frozen=True)
class Html:
    """A block of HTML for Jupyter and the book (``text/html``), with a one-line plain-text stand-in."""

    html: str
    text: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


def explorer_html(grid: dict[str, object]) -> Html:
    """The explorer's mount point with its grid (from :func:`model.explore.explorer_grid`) inside."""
    steps = [{**row, "label": label(row["label"])} for row in grid["steps"]]  # 'E21 us_restricts' -> 'E21 us restricts'
    data = json.dumps({**grid, "steps": steps, "colors": SCENARIO_COLORS}, separators=(",", ":")).replace("</", "<\\/")
    html = (
        '<div class="h20-explorer" data-h20-explorer>'
        f'<script type="application/json" class="h20-explorer-data">{data}</script>'
        "<noscript>The explorer needs JavaScript (it runs in your browser; nothing is sent anywhere).</noscript>"
        "</div>"
    )
    return Html(html, "The what-if explorer (open the book in a browser to use it).")
