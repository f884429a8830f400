"""Check the built book in _build/html: every page of the table of contents is there, every
chart is a captioned figure, nothing is fetched from the network, no error leaked into a page.

    python scripts/check_book.py      # after jupyter-book build; exits 1 with a list of problems
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"


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
            if "<figcaption>" not in fig or not re.search(r"<img|<svg|<object", fig):
                problems.append(f"{path}: a figure without an image or a caption")
        loose = len(re.findall(r"<img\b", html)) - sum(f.count("<img") for f in figures)
        if page.startswith("notebooks/") and loose > 0:
            problems.append(f"{path}: {loose} image(s) outside a captioned figure")
        for bad in ("Traceback (most recent call last)", "CellExecutionError", "glue key", "Error in glue"):
            if bad in html:
                problems.append(f"{path}: contains '{bad}'")
        for url in re.findall(r"<(?:script|link)\b[^>]*(?:src|href)=\"((?:https?:)?//[^\"]+)\"", html):
            problems.append(f"{path}: loads a resource from the network ({url})")
    return problems


if __name__ == "__main__":
    found = check()
    for p in found:
        print(p)
    print(f"checked {len(pages())} pages: {'OK' if not found else f'{len(found)} problem(s)'}")
    sys.exit(1 if found else 0)
