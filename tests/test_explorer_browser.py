"""The explorer and the downloads in the built book, in headless Chromium, offline (file://).

    jupyter-book build . --all && pytest -m browser tests/test_explorer_browser.py

Each slider is moved; the page's numbers must change, equal the Python copy of its arithmetic
(:func:`model.computation.explore.explorer_value`) and the exact path within the stated error. The downloads
page's files must exist in the build with the SHA-256 it shows. Skips as tests/test_browser.py does.

For readers (issue 20, item 6): every number printed as model.presentation.report prints it
(model.presentation.widgets.shown_text),
the notes beside sliders that cannot matter as model.presentation.widgets.idle_sliders finds them, the presets'
sliders as model.computation.explore defines them, the belief chart in steps from the prior, and at 390 px the
leading scenario's probability on screen while the last slider is dragged.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np
import pytest
from test_browser import HTML, _inside_book, _skip_reason, offline_context

from model.computation import explore
from model.presentation import widgets

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
  const notes = {};
  root.querySelectorAll('.h20x-idle').forEach(e => { if (!e.hidden) notes[e.dataset.key.slice(5)] = e.textContent; });
  const pressed = [...root.querySelectorAll('button[aria-pressed="true"]')].map(b => b.dataset.preset);
  return {settings: JSON.parse(root.dataset.settings), num, text, notes, pressed,
          idle: JSON.parse(root.dataset.idle),
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
    words = widgets.shown_text(grid, s)
    for key, text in words.items():
        assert got["text"][key] == text, (
            f"{key}: the page prints {got['text'][key]!r}, model.presentation.report {text!r}"
        )
        assert got["text"][f"sticky-{key}"] == text if f"sticky-{key}" in got["text"] else True
    idle = widgets.idle_sliders(grid, s)
    assert got["idle"] == idle, f"notes {got['idle']} where Python finds {idle} at {s}"
    notes = widgets.explorer_text(grid)["idle"]
    assert got["notes"] == {k: notes[r] for k, r in idle.items()}, "a note shown is not the one its reason has"


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


def _settings(got) -> explore.Settings:
    return explore.Settings(**got["settings"])


def _same_settings(a: explore.Settings, b: explore.Settings) -> bool:
    return all(math.isclose(getattr(a, k), getattr(b, k), rel_tol=1e-9, abs_tol=1e-12) for k in SLIDERS)


@pytest.mark.parametrize("width", (1280, 390))
def test_presets_set_the_sliders_and_change_the_outputs(context, setup, grid, width):
    """Each preset button sets the sliders to the values model.computation.explore defines and changes the outputs;
    reset restores the assumptions.
    """
    page, outside, errors = _open(context, EXPLORER, width)
    default = page.evaluate(READ_JS)
    assert _same_settings(_settings(default), explore.settings_default(grid)) and default["pressed"] == []
    labels = page.evaluate("() => [...document.querySelectorAll('.h20x-presets button')].map(b => b.textContent)")
    assert labels == [p["label"] for p in grid["presets"]] + ["Back to the assumptions"]
    for key, _ in explore.PRESETS:
        page.click(f'button[data-preset="{key}"]')
        got = page.evaluate(READ_JS)
        assert _same_settings(_settings(got), explore.preset_settings(grid, key)), f"{key}: sliders {got['settings']}"
        assert got["pressed"] == [key]
        changed = [
            k for k in got["text"] if k.startswith(("prob-", "share-", "usd-")) and got["text"][k] != default["text"][k]
        ]
        assert changed, f"the preset {key} changed none of the numbers shown"
        _check_against_python(setup, grid, got)
        page.click('button[data-preset="reset"]')
        back = page.evaluate(READ_JS)
        assert _same_settings(_settings(back), explore.settings_default(grid)) and back["text"] == default["text"]
    assert not outside and not errors, (outside, errors)
    page.close()


def test_the_cannot_matter_note_appears_and_disappears(context, setup, grid):
    """Beside a slider that cannot change the numbers at the chosen date, a note says so and why; it goes
    when the slider matters again. Positions are found from the grid's data, not from dates.
    """
    page, outside, errors = _open(context, EXPLORER, 1280)
    steps = grid["steps"]
    first_revenue = next(k for k, r in enumerate(steps) if grid["states"][r["state"]]["kind"] != "none")
    first_news = next(k for k, r in enumerate(steps) if any(r["counts"]))
    seen = {}
    for step in (0, first_news, first_revenue - 1, first_revenue, len(steps) - 1):
        page.evaluate(SET_JS, ["h20x-step", step])
        got = page.evaluate(READ_JS)
        _check_against_python(setup, grid, got)
        for key in ("weight", "sd_factor", "base_mean"):
            seen.setdefault(key, set()).add(key in got["notes"])
    assert all(v == {True, False} for v in seen.values()), f"each note should both show and hide: {seen}"
    page.evaluate(SET_JS, ["h20x-step", 0])
    got = page.evaluate(READ_JS)
    assert set(got["notes"]) == {"weight", "sd_factor"}, got["notes"]
    page.evaluate(SET_JS, ["h20x-step", first_revenue - 1])
    assert "sd_factor" in page.evaluate(READ_JS)["notes"]
    page.evaluate(SET_JS, ["h20x-step", first_revenue])
    assert "sd_factor" not in page.evaluate(READ_JS)["notes"]
    visible = page.evaluate(
        "() => [...document.querySelectorAll('.h20x-idle')].filter(e => !e.hidden)"
        ".map(e => e.getBoundingClientRect().height)"
    )
    assert visible and all(h > 0 for h in visible), "a note is in the page but not visible"
    assert not outside and not errors, (outside, errors)
    page.close()


def test_on_a_phone_the_outputs_stay_on_screen_while_dragging(context, setup, grid):
    """At 390 px: drag the last slider (the date) with the mouse and with the keyboard; the leading
    scenario's probability stays inside the viewport, below the theme's header, and follows the drag.
    No sideways scroll.
    """
    page, outside, errors = _open(context, EXPLORER, 390)
    page.set_viewport_size({"width": 390, "height": 844})
    leader = grid["scenarios"][int(np.argmax(explore.explorer_value(grid, explore.settings_default(grid))["prob"]))]
    key = f"sticky-prob-{leader}"
    where = f"""() => {{
      const e = document.querySelector('[data-key="{key}"]'), r = e.getBoundingClientRect();
      const bar = document.querySelector('.bd-header-article');
      const top = bar && getComputedStyle(bar).position === 'sticky' ? bar.getBoundingClientRect().bottom : 0;
      const x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2, hit = document.elementFromPoint(x, y);
      return {{top: r.top, bottom: r.bottom, height: window.innerHeight, header: top, text: e.textContent,
               visible: hit === e || e.contains(hit), scroll: document.scrollingElement.scrollWidth,
               width: innerWidth}};
    }}"""
    slider = page.locator("#h20x-step")
    slider.scroll_into_view_if_needed()
    slider.focus()
    box = slider.bounding_box()
    assert box["y"] > 844 / 3, "the slider is not low on the screen: the test would not show anything"
    page.mouse.move(box["x"] + box["width"] - 4, box["y"] + box["height"] / 2)
    page.mouse.down()
    for frac in (0.9, 0.6, 0.3, 0.05):  # drag left, through the dates
        page.mouse.move(box["x"] + frac * box["width"], box["y"] + box["height"] / 2, steps=3)
        at = page.evaluate(where)
        assert at["header"] <= at["top"] and at["bottom"] <= at["height"], f"off screen while dragging: {at}"
        assert at["visible"], f"the output is covered while dragging: {at}"
        got = page.evaluate(READ_JS)
        assert at["text"] == got["text"][f"prob-{leader}"], "the compact output does not follow the drag"
    page.mouse.up()
    got = page.evaluate(READ_JS)
    assert got["settings"]["step"] < len(grid["steps"]) - 1, "the drag did not move the slider"
    _check_against_python(setup, grid, got)
    for _ in range(3):
        page.keyboard.press("ArrowRight")
        at = page.evaluate(where)
        assert at["header"] <= at["top"] and at["bottom"] <= at["height"] and at["visible"], at
    assert at["scroll"] <= at["width"] + 1, f"the page scrolls sideways at 390 px: {at}"
    assert not outside and not errors, (outside, errors)
    page.close()


def test_the_page_formats_numbers_as_model_report_does(context):
    """The page's formatting functions, run in Chromium, print what model.presentation.report prints at the policy's
    boundaries, rounding ties and random values.
    """
    from computation.test_explore import FORMAT_JS, format_values, python_formats  # tests/computation/

    page, outside, errors = _open(context, EXPLORER, 1280)
    values = format_values()
    got, want = page.evaluate(FORMAT_JS, values), python_formats(values)
    for kind in want:
        bad = [(v, w, g) for v, w, g in zip(values[kind], want[kind], got[kind], strict=True) if w != g]
        assert not bad, f"{kind}: the page prints otherwise than model.presentation.report at {bad[:5]}"
    page.close()


def test_the_belief_chart_is_steps_from_the_prior(context, grid):
    """Each scenario's line starts at its prior (the dot before the dates) and moves in steps: every
    segment is horizontal or vertical, one level per evidence date.
    """
    page, outside, errors = _open(context, EXPLORER, 1280)
    got = page.evaluate(
        """() => [...document.querySelectorAll('svg.h20x-belief polyline')].map(l => ({
             sc: l.dataset.scenario, pts: l.getAttribute('points').split(' ').map(p => p.split(',').map(Number)),
             prior: document.querySelector(`circle.h20x-prior[data-scenario="${l.dataset.scenario}"]`)}))
             .map(o => ({sc: o.sc, pts: o.pts, cx: +o.prior.getAttribute('cx'), cy: +o.prior.getAttribute('cy'),
                         p0: +o.prior.dataset.value}))"""
    )
    m = explore.explorer_value(grid, explore.settings_default(grid))["belief"][0]
    assert [g["sc"] for g in got] == grid["scenarios"]
    for i, g in enumerate(got):
        pts = g["pts"]
        assert len(pts) == 2 * len(grid["steps"]) - 1
        assert pts[0] == pytest.approx([g["cx"], g["cy"]], abs=0.06), "the line does not start at the prior's dot"
        assert g["p0"] == pytest.approx(m[i], abs=1e-12), "the first point is not the prior"
        assert all(pts[0][0] < p[0] for p in pts[1:]), "the prior is not the first point"
        for (x1, y1), (x2, y2) in zip(pts, pts[1:]):
            assert x1 == x2 or y1 == y2, f"{g['sc']}: a sloped segment ({x1},{y1})-({x2},{y2}): not steps"
    page.close()
