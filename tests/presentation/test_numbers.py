"""Every number the book shows a reader passes the precision policy (model/presentation/numbers.py, "the policy as
rules").

The rendered text is read without a build: each chapter's markdown with its glue references
filled in from the stored glue values, its figure captions, and its stored outputs (tables as
HTML, text); the pages of book/*.md; and the command line's summary and check. When
``_build/html`` exists and is newer than the book's sources, the built pages are checked too.
A failure names the page, the number, the rule it breaks and the text around it. A chapter whose
stored outputs are stale fails here until it is re-executed (scripts/execute_notebooks.py).
"""

from __future__ import annotations

import ast
import html
import os
import re
from pathlib import Path

import nbformat
import pytest
from conftest import run_model

from model.presentation.numbers import (
    NUMBER,
    PRECISION_RULES,
    precision_kind,
    precision_offenders,
    precision_problem,
    quantities,
    significant_figures,
)

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PAGES = sorted((ROOT / "book").glob("*.md"))
HTML = Path(os.environ.get("H20_BOOK_HTML") or ROOT / "_build" / "html").resolve()
SOURCES = ("notebooks", "book", "model", "_toc.yml", "_config.yml")


def _quoted() -> frozenset[str]:
    """Every number written in the sourced data files: a figure shown as its source gives it."""
    found: set[str] = set()
    for f in (ROOT / "model" / "data").iterdir():
        if f.suffix in (".csv", ".yaml", ".md"):
            found.update(re.findall(NUMBER, f.read_text(encoding="utf-8")))
    return frozenset(found)


QUOTED = _quoted()

GLUE_REF = re.compile(r"\{glue(?::(\w+))?\}`([^`]+)`")
ROLE = re.compile(r"\{(\w+)\}`([^`]*)`")


def _glue_values(nb: nbformat.NotebookNode) -> dict[str, dict[str, str]]:
    values = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            book = out.get("metadata", {}).get("scrapbook")
            if book:
                prefix = book["mime_prefix"]
                values[book["name"]] = {k[len(prefix) :]: v for k, v in out.get("data", {}).items()}
    return values


def _glue_text(values: dict[str, dict[str, str]], kind: str | None, ref: str) -> str:
    """What myst-nb shows for ``{glue:kind}`ref```: the stored value, a format spec applied."""
    name, _, spec = ref.partition(":")
    value = values.get(name)
    if value is None:
        raise AssertionError(f"glue reference {name!r} without a stored value")
    if kind == "md":
        return value.get("text/markdown", value.get("text/plain", ""))
    text = value.get("text/plain", "")
    try:
        obj = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        obj = text
    if spec and spec != "myst":
        return format(obj, spec)
    return obj if isinstance(obj, str) else str(obj)


def _markdown_text(source: str) -> str:
    """Markdown as a reader reads it: code, roles' targets, directive options and labels left out."""
    source = re.sub(r"```(?!\{)[^\n]*\n.*?```", " ", source, flags=re.S)  # code blocks
    source = re.sub(r"^:[\w-]+:.*$", " ", source, flags=re.M)  # directive options
    source = re.sub(r"^\([\w-]+\)=\s*$", " ", source, flags=re.M)  # labels
    source = re.sub(r"\]\([^)]*\)", "]", source)  # link targets

    def role(m: re.Match) -> str:
        name, body = m.group(1), m.group(2)
        if name in ("doc", "ref", "cite", "numref", "download", "eq"):
            return " "
        return re.sub(r"\s*<[^>]*>$", "", body)  # {term}`shown <target>`

    source = ROLE.sub(role, source)
    source = re.sub(r"`[^`]*`", " ", source)  # inline code
    return re.sub(r"(?<![\n|])\n(?![\n|])", " ", source)  # a paragraph reads as one line


def _visible(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment)).strip()


def html_texts(page: str) -> list[tuple[str, str, str]]:
    """The visible text of an HTML page or fragment as ``(what, text, context)``: no script, style,
    code, SVG or math; each table cell on its own as ``header: cell``, the table's headers as its context.
    """
    page = re.sub(r"<(script|style|pre|code|svg|math)\b.*?</\1>", " ", page, flags=re.S | re.I)
    out = []
    for k, tab in enumerate(re.findall(r"<table\b.*?</table>", page, flags=re.S)):
        headers = [_visible(h) for h in re.findall(r"<th\b[^>]*>(.*?)</th>", tab, flags=re.S)]
        context = " | ".join(headers)
        for row in re.findall(r"<tr\b.*?</tr>", tab, flags=re.S):
            cells = [_visible(c) for c in re.findall(r"<td\b[^>]*>(.*?)</td>", row, flags=re.S)]
            for head, cell in zip(headers, cells):
                out.append((f"table {k + 1}, column {head!r}", f"{head}: {cell}", context))
    rest = re.sub(r"<table\b.*?</table>", " ", page, flags=re.S)
    return [("text", re.sub(r"\s+", " ", _visible(rest)), ""), *out]


def notebook_texts(path: Path) -> list[tuple[str, str, str]]:
    """The rendered text of a chapter from its stored outputs, as ``(where, text, context)``."""
    nb = nbformat.read(path, as_version=4)
    values, out = _glue_values(nb), []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            text = GLUE_REF.sub(lambda m: _glue_text(values, m.group(1), m.group(2)), cell.source)
            out.append((f"cell {i} (markdown)", _markdown_text(text), ""))
            continue
        if cell.cell_type != "code" or "remove-output" in cell.metadata.get("tags", []):
            continue
        caption = cell.metadata.get("mystnb", {}).get("figure", {}).get("caption")
        if caption:
            out.append((f"cell {i} (figure caption)", _markdown_text(caption), ""))
        for o in cell.get("outputs", []):
            if o.get("metadata", {}).get("scrapbook"):
                continue  # shown where a glue reference puts it
            data = o.get("data", {})
            if o.output_type == "stream":
                out.append((f"cell {i} (printed)", o.text, ""))
            elif "text/html" in data:
                out += [(f"cell {i} ({w})", t, c) for w, t, c in html_texts(data["text/html"])]
            elif "text/markdown" in data:
                out.append((f"cell {i} (markdown output)", _markdown_text(data["text/markdown"]), ""))
            elif "text/plain" in data and not any(k.startswith("image/") for k in data):
                out.append((f"cell {i} (text)", data["text/plain"], ""))
    return out


def _report(texts: list[tuple[str, str, str]]) -> list[str]:
    return [
        f"{where}: {problem} — «{around}»"
        for where, text, context in texts
        for problem, around in precision_offenders(text, QUOTED, context)
    ]


# --------------------------------------------------------------------------- the rules themselves


@pytest.mark.parametrize(
    "token, before",
    [
        ("0.026723%", ""),
        ("99.91%", ""),
        ("14.9%", "the article's own figures give "),
        ("USD 141.7bn", ""),
        ("USD 55–65.3m", ""),
        ("506x", "the call flips above "),
        ("380–452×", ""),
        ("< 0.0044%", ""),
        ("37.5%", "P(base) = "),
        ("4.872", "log-odds of "),
        ("0.0318", "p = "),
        ("0.43471", "mean: "),
        ("0.2731", "a weight of "),
        ("11,010", "acts like "),
        ("12.3 pp", "interval score "),
    ],
)
def test_an_over_precise_number_is_flagged(token, before):
    assert precision_problem(token, before), token
    assert precision_offenders(f"text {before}{token} more text"), token


@pytest.mark.parametrize(
    "token, before",
    [
        ("0.028%", ""),
        ("11–12%", ""),
        ("USD 24–26bn", ""),
        ("USD 60m", ""),
        ("380–450×", ""),
        ("< 0.01%", ""),
        ("> 99%", ""),
        ("0.8%", "reban "),
        ("37%", "P(base) = "),
        ("0.20", "Brier score of "),
        ("−0.60", "log score "),
        ("+4.87", "log-odds "),
        ("1.004", "r̂ "),
        ("0.032", "p-value "),
        ("0.46–0.91", "weight "),
        ("24,000", ""),
    ],
)
def test_a_number_at_the_policy_passes(token, before):
    assert precision_problem(token, before) is None, token


def test_what_is_no_quantity_is_left_alone():
    text = (
        "On 2025-07-15 (15 July 2025) E01 and Q3 FY2026 showed 35 signal events in 4 × 10,000 draws, "
        "seed 20250715, Python 3.11, Beta(12.98, 15.87), figure 3 [2], https://x.org/a/0.123456"
    )
    assert [t for t, before, after in quantities(text) if precision_kind(t, before, after)] == []
    assert quantities("0.123456% of revenue", frozenset({"0.123456"})) == []  # a source's own figure


def test_every_rule_is_reachable():
    tokens = {
        "bound": ("< 0.002%", ""),
        "probability": ("37%", "P(base) "),
        "percent": ("8.3%", ""),
        "points": ("13 pp", ""),
        "usd": ("USD 60m", ""),
        "price": ("USD 164.06", "previous close "),
        "ratio": ("3.9×", ""),
        "score": ("0.20", "Brier "),
        "test": ("1.004", "r̂ "),
        "diagnostic": ("0.4347", "mean: ", "", "quantity | mean | MCSE | bulk ESS | r̂"),
        "estimate": ("0.99", "", " ± 0.01"),
        "pseudo_count": ("11,000", "acts like "),
        "number": ("0.46", "weight "),
    }
    assert set(tokens) == set(PRECISION_RULES)
    for kind, (token, before, *rest) in tokens.items():
        assert precision_kind(token, before, *rest) == kind, token
    assert precision_offenders("0.9924 ± 0.0012") == []
    assert precision_offenders("0.992441 ± 0.0012") and precision_offenders("0.99 ± 0.00123")
    assert significant_figures("0.030") == 2 and significant_figures("410") == 2


# --------------------------------------------------------------------------- the book


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_number_in_a_chapter_passes_the_policy(path):
    """Reads the stored outputs: a chapter changed at its source passes once re-executed."""
    bad = _report(notebook_texts(path))
    assert not bad, f"{path.name}: {len(bad)} numbers break the precision policy:\n" + "\n".join(bad)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_every_number_on_a_page_passes_the_policy(path):
    bad = _report([("page", _markdown_text(path.read_text(encoding="utf-8")), "")])
    assert not bad, f"{path.name}:\n" + "\n".join(bad)


def _newest_source() -> float:
    newest = 0.0
    for name in SOURCES:
        path = ROOT / name
        for f in [path] if path.is_file() else path.rglob("*") if path.is_dir() else []:
            if f.is_file() and "__pycache__" not in f.parts:
                newest = max(newest, f.stat().st_mtime)
    return newest


def test_every_number_in_the_built_book_passes_the_policy():
    pages = [HTML / f"{p.stem}.html" for p in [*NOTEBOOKS, *PAGES]]
    pages = [p for p in pages if p.is_file()]
    if not pages:
        pytest.skip(f"no built book in {HTML}")
    if min(p.stat().st_mtime for p in pages) < _newest_source():
        pytest.skip("_build/html is older than the book's sources")
    bad = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        main = re.search(r"<main\b.*?</main>", text, flags=re.S)
        bad += [f"{page.name}: {b}" for b in _report(html_texts(main.group(0) if main else text))]
    assert not bad, "\n".join(bad)


# --------------------------------------------------------------------------- the command line


@pytest.mark.parametrize("args", [("summary", "--no-mcmc"), ("check",)], ids=["summary", "check"])
def test_every_number_the_command_line_prints_passes_the_policy(args):
    res = run_model(*args)
    assert res.returncode == 0, res.stderr
    blocks = res.stdout.split("\n\n")  # a block's heading says what its numbers are
    bad = _report([(" ".join(args), b, b.split("\n", 1)[0]) for b in blocks])
    assert not bad, "\n".join(bad)
