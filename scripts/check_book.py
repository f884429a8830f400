"""Check the built book in _build/html: every page of the table of contents is there, every
chart is a captioned figure, nothing is fetched from the network, no error, warning, traceback
or unrendered {glue} leaked into a page's text (code cell sources aside).

    python scripts/check_book.py      # after jupyter-book build; exits 1 with a list of problems
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"

# Text a reader must never see (also checked in the browser by tests/test_browser.py).
BAD_TEXT = [
    (re.compile(r"\{glue"), "an unrendered {glue} role"),
    (re.compile(r"\b[A-Z]?[A-Za-z]*Warning\b"), "a warning"),
    (re.compile(r"Traceback"), "a traceback"),
    (re.compile(r"\b[A-Z][A-Za-z]*Error: "), "an exception message"),
    (re.compile(r"site-packages|warnings\.warn\("), "a library warning line"),
]


def bad_text(text: str) -> list[str]:
    """Each leak in ``text``: what it is and the line it is on."""
    found = []
    for rx, what in BAD_TEXT:
        for m in rx.finditer(text):
            start = text.rfind("\n", 0, m.start()) + 1
            end = text.find("\n", m.end())
            found.append(f"{what}: {text[start : end if end >= 0 else len(text)].strip()[:160]!r}")
    return found


def page_text(html: str) -> str:
    """The article's text as a reader gets it: prose and cell outputs, not the code cell sources."""
    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("article") or soup.body or soup
    for el in main.select(".cell_input, script, style"):
        el.decompose()
    return main.get_text("\n")


def pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    out = [toc["root"]]
    for part in toc.get("parts", []):
        out += [c["file"] for c in part["chapters"]]
    return out


def check() -> list[str]:
    problems = []
    for page in pages():
        path = HTML / f"{page}.html"
        if not path.is_file():
            problems.append(f"{path}: missing")
            continue
        html = path.read_text(encoding="utf-8")
        figures = re.findall(r"<figure\b.*?</figure>", html, flags=re.S)
        for fig in figures:
            caption = re.search(r"<figcaption\b.*?</figcaption>", fig, flags=re.S)
            if (
                not caption
                or not re.sub(r"<[^>]+>|\s", "", caption.group(0))
                or not re.search(r"<img|<svg|<object", fig)
            ):
                problems.append(f"{path}: a figure without an image or a caption")
        loose = len(re.findall(r"<img\b", html)) - sum(f.count("<img") for f in figures)
        if page.startswith("notebooks/") and loose > 0:
            problems.append(f"{path}: {loose} image(s) outside a captioned figure")
        for bad in ("Traceback (most recent call last)", "CellExecutionError", "glue key", "Error in glue"):
            if bad in html:
                problems.append(f"{path}: contains '{bad}'")
        problems += [f"{path}: shows {leak}" for leak in bad_text(page_text(html))]
        for url in re.findall(r"<(?:script|link)\b[^>]*(?:src|href)=\"((?:https?:)?//[^\"]+)\"", html):
            problems.append(f"{path}: loads a resource from the network ({url})")
    return problems


if __name__ == "__main__":
    found = check()
    for p in found:
        print(p)
    print(f"checked {len(pages())} pages: {'OK' if not found else f'{len(found)} problem(s)'}")
    sys.exit(1 if found else 0)
