"""Every kind of bad input gets one line naming the file, the field and the fix (exit 2)."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from conftest import run_model

from model.computation.assumptions import load_assumptions
from model.computation.errors import InputError
from model.computation.evidence_files import load_events, load_periods


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


YAML_CASES = [
    # (old, new, field expected in the message, words expected)
    ("  chains: 4\n", "  chains: [4\n", "line", "malformed YAML"),
    ("      domestic: 0.25\n", "      domestic: 0.35\n", "signals.likelihood", "sums to"),
    (
        "    lower: 0.30\n    upper: 0.60",
        "    lower: 0.70\n    upper: 0.60",
        "scenario_prior.base_interval",
        "not below upper",
    ),
    ("    upper: 0.12\n    mass: 0.90", "    upper: 0.12\n    mass: 1.2", "recovery.base", "outside (0, 1)"),
    (
        "    value: {reban: 1.0, domestic: 1.0, easing: 1.0}",
        "    value: {reban: 1.0, domestc: 1.0, easing: 1.0}",
        "split_weights",
        "unknown",
    ),
    ("  window_start: 2025-07-15\n", "  window_start: 2026-12-15\n", "resolution", "not before window_end"),
    ("  easing:\n    lower: 0.10", "  eased:\n    lower: 0.10", "recovery", ""),
    (
        "    value: 0.5\n    unit: exponent",
        "    value: 1.5\n    unit: exponent",
        "signals.tempering_weight",
        "outside (0, 1]",
    ),
    ("    value: 0.45\n", "    value: 0.45x\n", "scenario_prior.base_mean.value", "number"),
    ("    value: 2026-01-25\n", "    value: 2026-01-31\n", "measurement", "article file"),
]


@pytest.mark.parametrize("old,new,field,words", YAML_CASES)
def test_bad_assumptions_one_line(inputs, old, new, field, words):
    f = inputs["assumptions"]
    before = f.read_text(encoding="utf-8")
    _edit(f, old, new)
    with pytest.raises(InputError) as ei:
        load_assumptions(f)
    msg = str(ei.value)
    assert "\n" not in msg
    assert msg.startswith(str(f)) and field in msg and words in msg and "fix:" in msg
    assert before != f.read_text(encoding="utf-8")  # our edit, nothing written by the loader


def test_future_dated_event(inputs):
    f = inputs["events"]
    _edit(f, "E30,2026-03-18", "E30,2099-03-18")
    with pytest.raises(InputError, match=r"line 31, column date: 2099-03-18 is in the future"):
        load_events(f)


@pytest.mark.parametrize(
    "old,new,match",
    [
        (
            ",us_restricts,us_holds_line,bis-subsidiaries",
            ",us_embargo,us_holds_line,bis-subsidiaries",
            "column signal: unknown value 'us_embargo'",
        ),
        ("E30,2026-03-18", "E30,2026-13-18", "column date: '2026-13-18' is not a date"),
        (
            ",two_sources,,,reban,,https://www.hoganlovells",
            ",rumour,,,reban,,https://www.hoganlovells",
            "column confidence",
        ),
        ("E30,", "E29,", "id 'E29' is empty or repeated"),
        ("id,date,summary", "id,day,summary", "column date: missing from the header"),
    ],
)
def test_bad_events(inputs, old, new, match):
    f = inputs["events"]
    _edit(f, old, new)
    with pytest.raises(InputError, match=match):
        load_events(f)


def test_malformed_csv_row(inputs):
    f = inputs["events"]
    with f.open("a", encoding="utf-8") as fh:
        fh.write('E31,2026-06-02,"an unterminated quote,us_politics,us_restricts,two_sources,,,https://x.example\n')
    with pytest.raises(InputError) as ei:
        load_events(f)
    assert str(f) in str(ei.value) and "fix:" in str(ei.value) and "\n" not in str(ei.value)


def test_extra_field_in_row(inputs):
    f = inputs["events"]
    with f.open("a", encoding="utf-8") as fh:
        fh.write("E39,2026-06-02,summary,us_politics,us_restricts,,,,two_sources,,,,,https://x.example,,surplus\n")
    with pytest.raises(InputError, match="line 40: wrong number of fields"):
        load_events(f)


def test_bad_quarters(inputs):
    f = inputs["quarters"]
    _edit(f, "Q3 FY2026,quarter,2025-10-26,2025-11-19,57.0,0.05", "Q3 FY2026,quarter,2025-10-26,2025-11-19,57.0,fifty")
    with pytest.raises(InputError, match="h20_china_revenue_usd_bn: 'fifty' is not a number"):
        load_periods(f)


def test_event_date_relative_to_today(inputs):
    events = load_events(inputs["events"], today=dt.date(2026, 8, 26))
    assert len(events) == 38
    with pytest.raises(InputError, match="in the future"):
        load_events(inputs["events"], today=dt.date(2026, 8, 25))


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run_model(*args, timeout=300)


def test_cli_bad_input_exit_2_one_line(inputs):
    f = inputs["assumptions"]
    _edit(f, "      domestic: 0.25\n", "      domestic: 0.35\n")
    res = _cli("summary", "--no-mcmc", "--assumptions", str(f))
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert str(f) in lines[0] and "signals.likelihood" in lines[0] and "fix:" in lines[0]
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize(
    "args,words",
    [
        (["summary", "--as-of", "2026-02-30"], "--as-of"),
        (["summary", "--min-confidence", "rumour"], "min_confidence"),
        (["summary", "--assumptions", "/nonexistent.yaml"], "file not found"),
    ],
)
def test_cli_bad_options(args, words):
    res = _cli(*args)
    assert res.returncode == 2
    assert len(res.stderr.strip().splitlines()) == 1 and words in res.stderr, res.stderr


def test_the_shipped_article_names_what_the_book_shows():
    """The article file's scenario names are the ones the charts use (so reading them from the article keeps the
    book's labels), and the quantity names its fiscal year.
    """
    from model.computation.article import ARTICLE, DEFAULT_ARTICLE
    from model.presentation.plots import SCENARIO_LABELS

    assert ARTICLE.source_file == str(DEFAULT_ARTICLE)
    assert {k: ARTICLE.label(k) for k in ARTICLE.keys} == SCENARIO_LABELS
    assert ARTICLE.fiscal_year.label in ARTICLE.quantity
