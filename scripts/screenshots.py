"""Full-page screenshots of every page of the built book, at a desktop and a phone width.

    python scripts/screenshots.py            # after jupyter-book build; writes _build/screenshots/*.png

Reads _build/html (nothing is built or fetched: requests outside it are blocked) and drives
headless Chromium through Playwright: the first of $H20_CHROMIUM, chromium, chromium-browser,
google-chrome on PATH, else Playwright's own download. Prints the path of every screenshot.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

from check_book import HTML, ROOT, pages

OUT = ROOT / "_build" / "screenshots"
WIDTHS = (1280, 390)
MAX_HEIGHT = 16000  # px; Chromium's limit for one capture is 16384


def chromium_path() -> str | None:
    for name in (os.environ.get("H20_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and (found := shutil.which(name)):
            return found
    return None


def inside_book(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about"):
        return True
    path = Path(unquote(parsed.path)).resolve()
    return parsed.scheme == "file" and (path == HTML.resolve() or HTML.resolve() in path.parents)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT, help=f"output folder (default {OUT.relative_to(ROOT)})")
    ap.add_argument("--widths", type=int, nargs="+", default=list(WIDTHS), help="viewport widths in px")
    args = ap.parse_args(argv)
    if not (HTML / f"{pages()[0]}.html").is_file():
        print(f"no built book in {HTML}: run jupyter-book build . first", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        context = browser.new_context(service_workers="block")
        context.route("**/*", lambda route: route.continue_() if inside_book(route.request.url) else route.abort())
        for width in args.widths:
            page = context.new_page()
            page.set_viewport_size({"width": width, "height": 900})
            for name in pages():
                page.goto((HTML / f"{name}.html").as_uri(), wait_until="load")
                page.evaluate(
                    "async () => { if (window.MathJax && MathJax.startup && MathJax.startup.promise)"
                    " await MathJax.startup.promise; }"
                )
                # A viewport as tall as the page, rather than full_page=True: the theme's sticky,
                # viewport-high sidebars then render as a reader scrolling the page sees them.
                height = page.evaluate("document.scrollingElement.scrollHeight")
                page.set_viewport_size({"width": width, "height": min(height, MAX_HEIGHT)})
                page.wait_for_timeout(300)
                path = args.out / f"{name.replace('/', '__')}@{width}.png"
                page.screenshot(path=str(path), full_page=height > MAX_HEIGHT)
                page.set_viewport_size({"width": width, "height": 900})
                print(path)
            page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
