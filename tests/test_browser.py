"""The built book as a reader sees it: every page of _toc.yml opened from _build/html in headless
Chromium (Playwright), at a desktop (1280 px) and a phone (390 px) width.

    jupyter-book build . --all && pytest -m browser tests/test_browser.py

Nothing is built here: the tests read the existing ``_build/html`` and skip (one line, with the
reason) when it is absent, when Playwright or a Chromium is not installed, or, in a plain
``pytest`` run (no ``-m browser``), when the build is older than the book's sources. Chromium is
the first of ``$H20_CHROMIUM``, ``chromium``, ``chromium-browser``, ``google-chrome`` on PATH, else
Playwright's own download (``playwright install chromium``) if there is one. ``$H20_BOOK_HTML``
points the tests at another build.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = Path(os.environ.get("H20_BOOK_HTML") or ROOT / "_build" / "html").resolve()
WIDTHS = (1280, 390)
HEIGHT = 900
SOURCES = ("_config.yml", "_toc.yml", "notebooks", "book", "model")

pytestmark = pytest.mark.browser

# The page list and the text a reader must never see: the same as scripts/check_book.py.
_spec = importlib.util.spec_from_file_location("check_book", ROOT / "scripts" / "check_book.py")
check_book = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_book)
PAGES = check_book.pages()


def chromium_path() -> str | None:
    for name in (os.environ.get("H20_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and (found := shutil.which(name)):
            return found
    return None


def _newest_source() -> float:
    newest = 0.0
    for name in SOURCES:
        path = ROOT / name
        files = [path] if path.is_file() else path.rglob("*") if path.is_dir() else []
        for f in files:
            generated = "downloads" in f.parts  # written by the downloads chapter during the build itself
            if f.is_file() and "__pycache__" not in f.parts and ".ipynb_checkpoints" not in f.parts and not generated:
                newest = max(newest, f.stat().st_mtime)
    return newest


def _skip_reason(config) -> str | None:
    if not (HTML / f"{PAGES[0]}.html").is_file():
        return f"no built book in {HTML} (run jupyter-book build . first)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -r requirements.txt)"
    explicit = "browser" in (config.getoption("markexpr", "") or "")
    if not explicit:
        built = min((HTML / f"{p}.html").stat().st_mtime for p in PAGES if (HTML / f"{p}.html").is_file())
        if built < _newest_source():
            return "_build/html is older than the book's sources: rebuild, or run pytest -m browser to test it anyway"
    return None


# ---------------------------------------------------------------------------------------------
# One visit per page and width, shared by the checks below.

VISIT_JS = r"""
async () => {
  // Let lazy images load and MathJax finish before looking.
  for (const img of document.images) { if (img.loading === 'lazy') img.loading = 'eager'; }
  await Promise.race([
    Promise.all([...document.images].map(i => i.decode().catch(() => null))),
    new Promise(r => setTimeout(r, 5000)),
  ]);
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await Promise.race([MathJax.startup.promise, new Promise(r => setTimeout(r, 5000))]);
  }
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '');
  const snippet = el => (el.innerText || el.getAttribute('alt') || '').trim().replace(/\s+/g, ' ').slice(0, 70);

  const short = u => (u || '').startsWith('data:') ? u.slice(0, 40) + '…' : u;  // charts are inline data URIs
  const images = [...document.images].map(i => ({
    src: short(i.getAttribute('src')), ok: i.complete && i.naturalWidth > 0, visible: i.getClientRects().length > 0}));

  const figures = [...document.querySelectorAll('figure')].map((f, k) => {
    const cap = f.querySelector('figcaption');
    const img = f.querySelector('img');
    const rect = el => { if (!el) return null; const r = el.getBoundingClientRect();
      return {left: Math.round(r.left), right: Math.round(r.right), width: Math.round(r.width)}; };
    return {n: k + 1, id: f.id || (f.closest('[id]') || {}).id || '',
            img: img ? short(img.getAttribute('src')) : '', caption: cap ? cap.innerText.trim() : '',
            imgBox: rect(img), capBox: rect(cap)};
  });
  // Anything in the article that scrolls sideways (its content wider than its box), and whether it
  // is, holds or sits in a figure or a table: on a phone no chart or table may need a swipe.
  const scrollers = [...document.querySelectorAll('article *')].filter(el => {
    const o = getComputedStyle(el).overflowX;
    return (o === 'auto' || o === 'scroll') && el.scrollWidth > el.clientWidth + 1;
  }).map(el => ({el: name(el), over: el.scrollWidth - el.clientWidth,
    figure: !!(el.closest('figure, table') || el.querySelector('figure, table, img, svg')),
    text: snippet(el)}));
  const loose = [...document.querySelectorAll('article img')].filter(i => !i.closest('figure'))
      .map(i => i.getAttribute('src'));

  // Horizontal overflow of the page itself: the outermost elements sticking out to the right that
  // are not inside a container that scrolls or clips horizontally.
  const iw = window.innerWidth;
  const clipped = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true;
    }
    return false;
  };
  const out = [...document.body.querySelectorAll('*')].filter(el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.right > iw + 1 && getComputedStyle(el).visibility !== 'hidden' && !clipped(el);
  });
  const outSet = new Set(out);
  const offenders = out.filter(el => !outSet.has(el.parentElement)).slice(0, 6).map(el => ({
    el: name(el), right: Math.round(el.getBoundingClientRect().right), text: snippet(el)}));

  return {
    scrollWidth: document.scrollingElement.scrollWidth, innerWidth: iw,
    text: document.body.innerText, images, figures, loose, offenders, scrollers,
  };
}
"""


class Visit:
    def __init__(self, page: str, width: int):
        self.page, self.width = page, width
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.failed: list[str] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        self.info: dict = {}


def _inside_book(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about"):
        return True
    if parsed.scheme != "file":
        return False
    path = Path(unquote(parsed.path)).resolve()
    return path == HTML.resolve() or HTML.resolve() in path.parents


def _visit(context, page_name: str, width: int) -> Visit:
    v = Visit(page_name, width)
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": HEIGHT})
    page.on("request", lambda r: v.requests.append(r.url))
    page.on("requestfailed", lambda r: v.failed.append(f"{r.url} ({r.failure})"))
    page.on(
        "console", lambda m: v.console.append(f"{m.text} [{m.location.get('url', '')}]") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: v.errors.append(str(e)))
    page.goto((HTML / f"{page_name}.html").as_uri(), wait_until="load")
    v.info = page.evaluate(VISIT_JS)
    page.wait_for_timeout(200)  # late console errors (tooltips, async theme scripts)
    page.close()
    return v


@pytest.fixture(scope="module")
def visits(request) -> dict[tuple[str, int], Visit]:
    reason = _skip_reason(request.config)
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import Error, sync_playwright

    exe = chromium_path()
    start = time.monotonic()
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        except Error as e:
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            pytest.skip(f"no usable Chromium (install the chromium package or set H20_CHROMIUM): {first}")
        context = browser.new_context(service_workers="block")

        def guard(route):
            if _inside_book(route.request.url):
                route.continue_()
            else:
                route.abort()  # nothing leaves the machine, even if a test below would catch it

        context.route("**/*", guard)
        out = {(pg, w): _visit(context, pg, w) for w in WIDTHS for pg in PAGES}
        browser.close()
    print(f"\nbrowser: {len(out)} page visits in {time.monotonic() - start:.1f} s")
    return out


cases = pytest.mark.parametrize("width", WIDTHS)
pages = pytest.mark.parametrize("page", PAGES)


@pages
@cases
def test_nothing_leaves_the_book(visits, page, width):
    v = visits[page, width]
    outside = [u for u in v.requests if not _inside_book(u)]
    assert not outside, f"{page} @{width}px requests outside _build/html: {outside}"
    missing = [f for f in v.failed if _inside_book(f.split(" ")[0])]
    assert not missing, f"{page} @{width}px failed to load: {missing}"


@pages
@cases
def test_no_console_error(visits, page, width):
    v = visits[page, width]
    assert not v.errors, f"{page} @{width}px page errors: {v.errors}"
    assert not v.console, f"{page} @{width}px console errors: {v.console}"


@pages
@cases
def test_every_image_loaded(visits, page, width):
    broken = [i["src"] for i in visits[page, width].info["images"] if not i["ok"]]
    assert not broken, f"{page} @{width}px images not loaded: {broken}"


@pages
@cases
def test_no_horizontal_page_overflow(visits, page, width):
    info = visits[page, width].info
    assert info["scrollWidth"] <= info["innerWidth"] + 1, (
        f"{page} @{width}px the page scrolls sideways ({info['scrollWidth']} px > {info['innerWidth']} px); "
        f"sticking out: {info['offenders']}"
    )


@pages
@cases
def test_no_glue_warning_or_traceback_text(visits, page, width):
    found = check_book.bad_text(visits[page, width].info["text"])
    assert not found, f"{page} @{width}px shows: " + "; ".join(found[:8])


@pages
def test_every_figure_captioned(visits, page):
    info = visits[page, WIDTHS[0]].info
    bare = [f for f in info["figures"] if not f["caption"]]
    assert not bare, f"{page}: figures without a caption: {bare}"
    if page.startswith("notebooks/"):
        assert not info["loose"], f"{page}: images outside a captioned figure: {info['loose']}"


@pages
@cases
def test_no_chart_or_table_scrolls_sideways(visits, page, width):
    """Charts are drawn for the screen (a phone gets its own drawing) and tables become cards on a phone:
    nothing that holds a figure or a table needs a sideways swipe, at either width.
    """
    bad = [s for s in visits[page, width].info["scrollers"] if s["figure"]]
    assert not bad, f"{page} @{width}px scrolls sideways inside: {bad}"


@pages
@cases
def test_every_caption_on_screen_with_its_figure(visits, page, width):
    """The chart and its caption fit the screen's width together (the caption never scrolls away)."""
    info = visits[page, width].info
    for f in info["figures"]:
        for box in (f["imgBox"], f["capBox"]):
            if box and box["width"] > 0:
                assert box["left"] >= -1 and box["right"] <= info["innerWidth"] + 1, (
                    f"{page} @{width}px figure {f['n']} ({f['caption'][:50]}) reaches {box['left']}..{box['right']} px"
                )


LEDE_JS = r"""
() => {
  const p = document.querySelector('article p');
  const r = p.getBoundingClientRect();
  const strong = p.querySelector('strong');
  return {text: p.innerText, strong: strong ? strong.innerText : '', bottom: r.bottom, height: window.innerHeight,
          scrollWidth: document.scrollingElement.scrollWidth};
}
"""


def test_overview_first_phone_screen_says_the_answer(browser_page):
    """A reader on a phone (390 x 844) sees the answer without scrolling: the Overview's first paragraph opens
    with the finding in bold, in words and numbers (dollars and a share), and ends on the first screen.
    """
    page = browser_page.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto((HTML / f"{PAGES[0]}.html").as_uri(), wait_until="load")
    page.wait_for_timeout(300)
    lede = page.evaluate(LEDE_JS)
    page.close()
    assert lede["strong"] and lede["text"].startswith(lede["strong"]), "the first paragraph does not open in bold"
    assert "USD" in lede["strong"] and "%" in lede["strong"], f"the bold lede states no figures: {lede['strong']}"
    assert lede["bottom"] <= lede["height"], f"the lede ends {lede['bottom'] - lede['height']:.0f} px below the screen"


# ---------------------------------------------------------------------------------------------
# The theme itself (sphinx-book-theme 1.2.0 on pydata-sphinx-theme 0.16.1; see requirements.txt).

CHROME_JS = r"""
() => {
  const shown = el => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'
      && el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().height > 0;
  const sb = document.querySelector('#pst-primary-sidebar, .bd-sidebar-primary');
  const r = sb ? sb.getBoundingClientRect() : null;
  return {
    header: [...document.querySelectorAll('header.bd-header')].filter(shown).length,
    searches: [...document.querySelectorAll('.search-button-field, form.bd-search')].filter(shown).length,
    download: [...document.querySelectorAll('.dropdown-download-buttons, [aria-label="Download this page"]')]
        .filter(shown).length,
    fullscreen: [...document.querySelectorAll('.btn-fullscreen-button, [onclick*="toggleFullScreen"]')]
        .filter(shown).length,
    toggles: [...document.querySelectorAll('.primary-toggle')].filter(shown).length,
    sidebar: !!r && shown(sb) && r.right > 0 && r.left < window.innerWidth,
  };
}
"""


def offline_context():
    """A headless Chromium context in which every request outside the book is aborted (skips without Chromium)."""
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        except Error as e:
            pytest.skip(f"no usable Chromium: {str(e).strip().splitlines()[0]}")
        context = browser.new_context(service_workers="block")
        context.route("**/*", lambda route: route.continue_() if _inside_book(route.request.url) else route.abort())
        yield context
        browser.close()


@pytest.fixture(scope="module")
def browser_page(request):
    reason = _skip_reason(request.config)
    if reason:
        pytest.skip(reason)
    yield from offline_context()


def _open(context, width):
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": HEIGHT})
    page.goto((HTML / f"{PAGES[1] if len(PAGES) > 1 else PAGES[0]}.html").as_uri(), wait_until="load")
    page.wait_for_timeout(300)
    return page


def test_theme_desktop(browser_page):
    page = _open(browser_page, 1280)
    s = page.evaluate(CHROME_JS)
    assert s["header"] == 0, "an (empty) top navbar is shown above the article"
    assert s["searches"] == 1, f"{s['searches']} search boxes (one expected, in the sidebar)"
    assert s["download"] == 0 and s["fullscreen"] == 0, "download/fullscreen buttons shown (disabled in _config.yml)"
    assert s["toggles"] == 1, f"{s['toggles']} visible sidebar toggles"
    assert s["sidebar"], "primary sidebar not shown at 1280 px"
    page.locator(".primary-toggle:visible").first.click(timeout=5000)
    page.wait_for_timeout(600)
    assert not page.evaluate(CHROME_JS)["sidebar"], "the sidebar toggle does not hide the sidebar at 1280 px"
    page.locator(".primary-toggle:visible").first.click(timeout=5000)
    page.wait_for_timeout(600)
    assert page.evaluate(CHROME_JS)["sidebar"], "the sidebar toggle does not bring the sidebar back at 1280 px"
    page.close()


def test_theme_phone(browser_page):
    page = _open(browser_page, 390)
    s = page.evaluate(CHROME_JS)
    assert not s["sidebar"], "primary sidebar covers the page at 390 px"
    assert s["download"] == 0 and s["fullscreen"] == 0
    page.locator(".primary-toggle:visible").first.click(timeout=5000)
    page.wait_for_timeout(600)
    assert page.evaluate(CHROME_JS)["sidebar"], "the sidebar toggle does not open the navigation at 390 px"
    page.close()
