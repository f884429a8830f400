"""The article a model is about: its scenarios, signal classes, fiscal year and files, as data.

``model/data/article.yaml`` names everything article-specific the engine needs besides the
assumptions and the evidence: the scenario keys in array order with a plain name each, the signal
classes of the evidence, the fiscal year the recovered share is a share of, the words for that
quantity, and the input files (relative to the article file). Another article is modelled by
supplying another folder of files and pointing ``H20_ARTICLE`` at its ``article.yaml`` (or
``python -m model ... --article FILE``); nothing in ``model/`` changes.

The article is read **once, when the package is imported**: :data:`model.SCENARIOS` and
:data:`model.SIGNALS` come from it and every module reads them at import. Set ``H20_ARTICLE``
before the first ``import model`` (a running kernel keeps the article it started with).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator

from .errors import InputError
from .inputs import InputPath, as_input, resolve_input
from .schema import Strict, bad, to_input_error
from .yaml_input import load_yaml

DEFAULT_ARTICLE: Path = Path(__file__).parents[1] / "data" / "article.yaml"
"""The article shipped with the package (the H20 export reversal of July 2025)."""
ENV_ARTICLE = "H20_ARTICLE"
"""Environment variable naming another article file (read when the package is imported)."""
OPTION = "--article"
"""The command line's option naming another article file."""

KEY_PATTERN = r"^[a-z][a-z0-9_]*$"
"""Scenario keys and signal classes: lower-case identifiers (they name array coordinates and YAML keys)."""
MAX_SCENARIOS, MAX_SIGNALS = 12, 40
"""Most scenarios and signal classes an article may have (the likelihood table is signals x scenarios)."""
MAX_FISCAL_DAYS = 400
"""Longest accepted fiscal year, in days (a 52- or 53-week year is 364 or 371)."""


class ScenarioSpec(Strict):
    """One scenario of the article: its key, a short plain-words name and its description."""

    key: str = Field(pattern=KEY_PATTERN, max_length=30, description="Key used in every file and array")
    plain: str = Field(min_length=1, max_length=60, description="A few plain words, e.g. 'licences frozen'")
    description: str = Field(min_length=1, description="The scenario as the article puts it")


class FiscalYear(Strict):
    """The fiscal year whose revenue the recovered share is a share of."""

    label: str = Field(min_length=1, max_length=30, description="How the year is named, e.g. 'FY2026'")
    first_day: dt.date
    last_day: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> "FiscalYear":
        days = (self.last_day - self.first_day).days + 1
        if not 0 < days <= MAX_FISCAL_DAYS:
            raise bad(
                f"first_day {self.first_day} to last_day {self.last_day} is {days} days",
                f"give the year's first and last day, first before last, at most {MAX_FISCAL_DAYS} days apart",
            )
        return self


class ArticleFiles(Strict):
    """The article's input files, relative to the article file (absolute paths also work)."""

    assumptions: str = Field(min_length=1)
    events: str = Field(min_length=1)
    quarters: str = Field(min_length=1)
    resolution: str = Field(min_length=1)
    claims: str = Field(min_length=1, description="The article's stated numbers (rows 'scenarios' and 'recovery')")
    claims_check: str | None = Field(None, description="The claims checked against sources (the book's table)")
    first_priors: str | None = Field(None, description="Recovery priors as first committed (scored apart)")
    prior_revisions: str | None = Field(None, description="Every change to a prior, with its reason")


class QuarterColumns(Strict):
    """The columns of the reported periods file that carry the quantity's figures (USD bn)."""

    in_scope: str = Field(pattern=KEY_PATTERN, description="Revenue in scope in the period (H20 revenue from China)")
    running_total: str = Field(
        pattern=KEY_PATTERN, description="Revenue in scope earned since the change, to the period's end, as disclosed"
    )

    @model_validator(mode="after")
    def _distinct(self) -> "QuarterColumns":
        if self.in_scope == self.running_total:
            raise bad("in_scope and running_total name the same column", "give two different column names")
        return self


class Article(Strict):
    """A validated article file (see ``model/data/article.yaml``)."""

    id: str = Field(min_length=1, max_length=80)
    name: str = Field(min_length=1, max_length=80, description="Short name, heads the command line's summary")
    title: str = Field(min_length=1)
    company: str = Field(min_length=1, max_length=80, description="Whose reports measure the quantity")
    source: str = Field(min_length=1)
    scenarios: tuple[ScenarioSpec, ...] = Field(min_length=2, max_length=MAX_SCENARIOS)
    signals: tuple[str, ...] = Field(min_length=2, max_length=MAX_SIGNALS)
    indicators: tuple[str, ...] = Field(min_length=1, max_length=MAX_SIGNALS, description="What events may report")
    fiscal_year: FiscalYear
    quantity: str = Field(min_length=1, max_length=120, description="The forecast quantity in words")
    columns: QuarterColumns
    files: ArticleFiles
    source_file: str = Field("", description="Path the article was read from (set by the loader)")

    @field_validator("scenarios")
    @classmethod
    def _unique_keys(cls, v: tuple[ScenarioSpec, ...]) -> tuple[ScenarioSpec, ...]:
        keys = [s.key for s in v]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            raise bad(f"scenario key {repeated[0]!r} repeats", "give each scenario its own key")
        return v

    @field_validator("signals", "indicators")
    @classmethod
    def _names(cls, v: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        what = "signal class" if info.field_name == "signals" else "indicator"
        for s in v:
            if not re.fullmatch(KEY_PATTERN, s):
                raise bad(f"{what} {s!r} is not a lower-case identifier", "use lower-case letters, digits and '_'")
        repeated = sorted({s for s in v if v.count(s) > 1})
        if repeated:
            raise bad(f"{what} {repeated[0]!r} repeats", f"list each {what} once")
        return v

    @property
    def keys(self) -> tuple[str, ...]:
        """The scenario keys, in the order of every scenario-indexed array."""
        return tuple(s.key for s in self.scenarios)

    @property
    def stated(self) -> str:
        """The scenario the article gave a probability to (the first): its forecast is scored on it."""
        return self.scenarios[0].key

    def scenario(self, key: str) -> ScenarioSpec:
        """The scenario named ``key``.

        Parameters
        ----------
        key : a scenario key of this article

        Returns
        -------
        ScenarioSpec

        Raises
        ------
        KeyError
            When the article has no scenario ``key``.
        """
        for s in self.scenarios:
            if s.key == key:
                return s
        raise KeyError(key)

    def plain(self, key: str) -> str:
        """The scenario's plain-words name ('licences frozen').

        Parameters
        ----------
        key : str
            As for :meth:`scenario`.

        Returns
        -------
        str
        """
        return self.scenario(key).plain

    def label(self, key: str) -> str:
        """The scenario as a chart's legend names it: key and plain name ('reban: licences frozen').

        Parameters
        ----------
        key : a scenario key of this article

        Returns
        -------
        str
        """
        return f"{key}: {self.plain(key)}"

    def path(self, name: str) -> Path | None:
        """An input file of the article, resolved against the article file's folder.

        Parameters
        ----------
        name : a field of :class:`ArticleFiles` (``events``, ``claims``, ...)

        Returns
        -------
        Path or None
            None for an optional file the article does not give.
        """
        rel = getattr(self.files, name)
        if rel is None:
            return None
        return Path(self.source_file).parent / rel


def _check_files(art: Article, shown: str) -> None:
    """Every file the article names exists."""
    for name in ArticleFiles.model_fields:
        p = art.path(name)
        if p is not None and not p.is_file():
            raise InputError(
                shown,
                f"files.{name}",
                f"no file {p}",
                "name an existing file, relative to the article file's folder",
            )


def load_article(path: str | Path | InputPath | None = None) -> Article:
    """Read and validate an article file.

    Parameters
    ----------
    path : the file to read; ``None`` reads the article shipped with the package.

    Returns
    -------
    Article
        Validated and immutable; ``source_file`` is the path read.

    Raises
    ------
    InputError
        One line naming the file, the field and the fix (a missing or unreadable file, malformed
        YAML, a bad field, a named input file that does not exist).
    """
    src = as_input(path, DEFAULT_ARTICLE)
    raw: Any = load_yaml(src, "model/data/article.yaml")
    if not isinstance(raw, dict):
        raise InputError(src.shown, "(top level)", "not a YAML mapping", "start from a copy of model/data/article.yaml")
    raw["source_file"] = str(src.path)
    try:
        art = Article.model_validate(raw)
    except ValidationError as exc:
        raise to_input_error(src.shown, exc, "model/data/article.yaml") from None
    _check_files(art, src.shown)
    return art


def article_in_force() -> Article:
    """The article named by ``H20_ARTICLE``, else the shipped one.

    Returns
    -------
    Article

    Raises
    ------
    InputError
        As :func:`load_article`; the file is named as ``H20_ARTICLE=...`` gave it.
    """
    return load_article(resolve_input(None, OPTION, ENV_ARTICLE))


ARTICLE: Article = article_in_force()
"""The article in force, read when the package is imported (see the module docstring)."""
