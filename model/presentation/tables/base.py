"""The renderer every table goes through (:class:`Table`, :func:`table`) and its cells: text and links."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Iterable, Sequence
from urllib.parse import urlparse


@dataclass(frozen=True)
class Link:
    """A cell that links somewhere: ``text`` shown, ``href`` followed."""

    text: str
    href: str


Cell = str | Link | tuple[Link, ...]


def _cell_html(c: Cell) -> str:
    if isinstance(c, Link):
        if not c.href:
            return html.escape(c.text)
        return f'<a href="{html.escape(c.href)}">{html.escape(c.text)}</a>'
    if isinstance(c, tuple):
        return ", ".join(_cell_html(x) for x in c)
    return html.escape(c)


def _cell_text(c: Cell) -> str:
    if isinstance(c, Link):
        return c.text
    if isinstance(c, tuple):
        return ", ".join(x.text for x in c)
    return c


@dataclass(frozen=True)
class Table:
    """A formatted table.

    ``numeric`` marks right-aligned columns (by header); ``wide`` marks columns of running text
    (given a minimum width so they wrap at sentence length); ``show`` rows are shown, the rest sit
    in a dropdown named by ``noun``. On a phone each row becomes a card, every value beside its
    header (``data-label``; ``book/_static/book.css``), so no table scrolls sideways.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    numeric: frozenset[str] = frozenset()
    wide: frozenset[str] = frozenset()
    show: int | None = None
    noun: str = "rows"

    def _table_html(self, rows: Sequence[tuple[Cell, ...]]) -> str:
        def cls(h: str) -> str:
            c = " ".join(x for x, on in (("n", h in self.numeric), ("w", h in self.wide)) if on)
            return f' class="{c}"' if c else ""

        def td(h: str, c: Cell) -> str:  # data-label: the header, shown beside the value when rows become cards
            return f'<td{cls(h)} data-label="{html.escape(h, quote=True)}"><span>{_cell_html(c)}</span></td>'

        head = "".join(f"<th{cls(h)}>{html.escape(h)}</th>" for h in self.header)
        body = "".join("<tr>" + "".join(td(h, c) for h, c in zip(self.header, r, strict=True)) + "</tr>" for r in rows)
        table = f'<table class="h20-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
        return f'<div class="h20-wrap">{table}</div>'

    def _repr_html_(self) -> str:
        if self.show is None or len(self.rows) <= self.show:
            return self._table_html(self.rows)
        rest = self.rows[self.show :]
        return (
            self._table_html(self.rows[: self.show])
            + f'<details class="h20-more"><summary>Show the other {len(rest)} {self.noun}</summary>'
            + self._table_html(rest)
            + "</details>"
        )

    def text(self) -> str:
        """Plain text, columns padded (what a terminal or ``repr`` shows)."""
        cells = [list(self.header)] + [[_cell_text(c) for c in r] for r in self.rows]
        widths = [max(len(r[i]) for r in cells) for i in range(len(self.header))]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells)

    def __repr__(self) -> str:
        """The plain text (:meth:`text`)."""
        return self.text()

    def column(self, header: str) -> list[str]:
        """The plain text of one column (tests, downloads)."""
        i = self.header.index(header)
        return [_cell_text(r[i]) for r in self.rows]


def table(
    rows: Iterable[dict[str, Cell]],
    numeric: Iterable[str] = (),
    wide: Iterable[str] = (),
    show: int | None = None,
    noun: str = "rows",
) -> Table:
    """A :class:`Table` from dicts whose keys are the headers."""
    rows = list(rows)
    header = tuple(rows[0]) if rows else ()
    return Table(
        header, tuple(tuple(r[h] for h in header) for r in rows), frozenset(numeric), frozenset(wide), show, noun
    )


def _domain(url: str) -> str:
    host = urlparse(url).hostname or url
    return host.removeprefix("www.")


def sources(urls: Sequence[str]) -> tuple[Link, ...]:
    """Source URLs as links named by their site; an entry that is not a URL (e.g. "seed article") as text."""
    return tuple(Link(_domain(u), u) if u.startswith(("http://", "https://")) else Link(u, "") for u in urls if u)
