"""The explorer and the downloads in the built book, in headless Chromium, offline (file://).

    jupyter-book build . --all && pytest -m browser tests/test_explorer_browser.py

Each slider is moved; the page's numbers must change, equal the Python copy of its arithmetic
(:func:`model.explore.explorer_value`) and the exact path within the stated error. The downloads
page's files must exist in the build with the SHA-256 it shows. Skips as tests/test_browser.py does.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np
import pytest
from test_browser import HTML, _inside_book, _skip_reason, offline_context

from model import explore

pytestmark = pytest.mark.browser
EXPLORER, DOWNLOADS = "notebooks/09_explore", "notebooks/10_downloads"
SLIDERS = ("step", "base_mean", "weight", "sd_factor", "lower", "upper")
"""Moved in this order. A slider can only change what it can reach: the base case's prior only before NVIDIA
reported H20 revenue (after that the base case's probability is below what the page shows, whatever its prior),
the measurement error only once a revenue figure is in. So the date moves first, to a day before any revenue
figure, and back to the latest day before the measurement error is moved (:data:`LATE`)."""
LATE = ("sd_factor", "lower", "upper")
"""Sliders moved at the latest date (where a revenue figure is in force)."""
LOG_SLIDERS = ("sd_factor", "lower", "upper")

READ_JS = r"""
() => {
  const root = document.querySelector('[data-h20-explorer]');
  const num = {}, text = {};
  root.querySelectorAll('[data-key]').forEach(e => {
    if (e.hasAttribute('data-value')) num[e.dataset.key] = parseFloat(e.dataset.value);
    text[e.dataset.key] = e.textContent;
  });
  return {settings: JSON.parse(root.dataset.settings), num, text,
          points: parseInt(root.querySelector('svg.h20x-belief').dataset.points),
          scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth};
}
"""
SET_JS = """([id, v]) => { const e = document.getElementById(id); e.value = String(v);
  e.dispatchEvent(new Event('input', {bubbles: true})); }"""


@pytest.fixture(scope="module")
def context(request):
    reason = _skip_reason(request.config)
    if reason or not (HTML / f"{EXPLORER}.html").is_file():
        pytest.skip(reason or "the built book has no explorer page")
    yield from offline_context()


@pytest.fixture(scope="module")
def grid(setup):
    return explore.cached_grid(setup)


def _open(context, page_name: str, width: int):
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    outside, errors = [], []
    page.on("request", lambda r: None if _inside_book(r.url) else outside.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((HTML / f"{page_name}.html").as_uri(), wait_until="load")
    page.wait_for_selector("[data-h20-explorer][data-settings]" if page_name == EXPLORER else "table", timeout=10000)
    return page, outside, errors


def _check_against_python(setup, grid, got) -> None:
    s = explore.Settings(**got["settings"])
    mirror, exact = explore.explorer_value(grid, s), explore.exact_value(setup, grid, s)
    tol = explore.TOLERANCE
    for i, sc in enumerate(grid["scenarios"]):
        shown = got["num"][f"prob-{sc}"]
        assert shown == pytest.approx(mirror["prob"][i], abs=1e-9), f"P({sc}) differs from the Python copy"
        assert abs(shown - exact["prob"][i]) <= tol["prob"], f"P({sc}) at {s} is off the exact path"
    for k in ("mean", "q05", "q95"):
        shown = got["num"][f"share-{k}"]
        assert shown == pytest.approx(mirror["share"][k], rel=1e-7), f"share {k} differs from the Python copy"
        assert abs(shown / exact["share"][k] - 1) <= tol["share"], f"share {k} at {s} is off the exact path"
        assert got["num"][f"usd-{k}"] == pytest.approx(mirror["usd"][k], rel=1e-7)
    assert got["points"] == s.step + 1, "the belief chart does not stop at the chosen date"


@pytest.mark.parametrize("width", (1280, 390))
def test_every_slider_changes_the_page_and_matches_the_exact_path(context, setup, grid, width):
    page, outside, errors = _open(context, EXPLORER, width)
    first = page.evaluate(READ_JS)
    _check_against_python(setup, grid, first)
    assert first["scrollWidth"] <= first["innerWidth"] + 1, f"the explorer scrolls sideways at {width} px"
    rng = np.random.default_rng(width)
    targets = {
        "base_mean": round(float(rng.uniform(0.1, 0.3)), 2),
        "weight": round(float(rng.uniform(0.8, 1.0)), 2),
        "sd_factor": math.log(float(rng.uniform(2.2, 3.5))),
        "lower": math.log(float(np.exp(rng.uniform(np.log(grid["lower_nodes"][0]), np.log(grid["lower_nodes"][2]))))),
        "upper": math.log(float(np.exp(rng.uniform(np.log(grid["upper_nodes"][4]), np.log(grid["upper_nodes"][-1]))))),
        "step": int(rng.integers(8, 16)),  # before NVIDIA reported any H20 revenue under the licences
    }
    before = first
    for key in SLIDERS:
        if key == LATE[0]:  # back to the latest date, where the revenue figure is in force
            page.evaluate(SET_JS, ["h20x-step", len(grid["steps"]) - 1])
            before = page.evaluate(READ_JS)
        page.evaluate(SET_JS, [f"h20x-{key}", targets[key]])
        got = page.evaluate(READ_JS)
        assert got["text"][f"setting-{key}"] != before["text"][f"setting-{key}"], f"{key}: the setting shown is stale"
        changed = [k for k in got["num"] if got["num"][k] != before["num"][k]]
        assert changed, f"moving {key} changed none of the numbers shown"
        _check_against_python(setup, grid, got)
        before = got
    assert not outside, f"requests outside the book: {outside}"
    assert not errors, errors
    page.close()


def test_downloads_exist_with_the_hashes_shown(context):
    page, outside, errors = _open(context, DOWNLOADS, 1280)
    rows = page.evaluate(
        """() => [...document.querySelectorAll('table.h20-table tbody tr')].map(tr => {
             const a = tr.querySelector('a'); const td = [...tr.querySelectorAll('td')];
             const sha = td[td.length - 1].textContent.trim();
             return {href: a ? a.href : null, name: a ? a.textContent : null, sha};
           })"""
    )
    assert len(rows) >= 9
    from urllib.parse import unquote, urlparse

    for r in rows:
        assert r["href"] and r["href"].startswith("file://"), r
        path = Path(unquote(urlparse(r["href"]).path))
        assert path.is_file() and HTML.resolve() in path.resolve().parents, f"{r['name']}: missing in the build"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == r["sha"], f"{r['name']}: hash differs from the page"
    assert not outside and not errors
    page.close()
