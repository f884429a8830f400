"""The same package on any machine: time zone, output encoding, home directory, interpreter, user variables.

Each test reproduces a fault a user reported against tools like this one (issue 19): the
environment around the package changes, the inputs stay valid, and the answer must not move.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from model.assumptions import load_assumptions
from model.errors import InputError
from model.evidence import DEFAULT_EVENTS, DEFAULT_QUARTERS, load_events, load_periods

EARLIEST_ZONE = dt.timezone(dt.timedelta(hours=14))
"""UTC+14 (Kiritimati): where a calendar day starts first."""


def _today_somewhere() -> dt.date:
    return dt.datetime.now(EARLIEST_ZONE).date()


# --------------------------------------------------------------------------- dates by the calendar

ZONES = ("Pacific/Kiritimati", "Asia/Shanghai", "UTC", "America/Los_Angeles", "Etc/GMT+12")


def _load_in_zone(zone: str, events: Path, quarters: Path) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys; from model.evidence import DEFAULT_EVENTS, DEFAULT_QUARTERS, load_events, load_periods\n"
        "from model.errors import InputError\n"
        "try:\n    load_events(sys.argv[1]); load_periods(sys.argv[2])\n"
        "except InputError as e:\n    print(e); sys.exit(2)\n"
    )
    env = {**os.environ, "TZ": zone, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code, str(events), str(quarters)], capture_output=True, text=True, env=env, timeout=120
    )


def _dated(inputs: dict[str, Path], day: dt.date) -> None:
    """Copies of the shipped files with the last event and the last period's report moved to ``day``."""
    ev = DEFAULT_EVENTS.read_text(encoding="utf-8")
    assert "E30,2026-06-01" in ev
    inputs["events"].write_text(ev.replace("E30,2026-06-01", f"E30,{day}", 1), encoding="utf-8")
    lines = DEFAULT_QUARTERS.read_text(encoding="utf-8").splitlines(keepends=True)
    last = lines[-1].split(",")
    reported = next(i for i, v in enumerate(lines[0].split(",")) if v.strip() == "reported")
    last[reported] = str(day)
    lines[-1] = ",".join(last)
    inputs["quarters"].write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize("zone", ZONES)
def test_a_date_that_is_today_somewhere_on_earth_is_not_in_the_future(zone, inputs):
    """An event dated today in UTC+14 passes in every time zone, even where that day has not begun."""
    _dated(inputs, _today_somewhere())
    res = _load_in_zone(zone, inputs["events"], inputs["quarters"])
    assert res.returncode == 0, f"TZ={zone}: {res.stdout}{res.stderr}"


@pytest.mark.parametrize("zone", ("Pacific/Kiritimati", "Etc/GMT+12"))
def test_a_date_after_today_everywhere_is_in_the_future_in_every_zone(zone, inputs):
    _dated(inputs, _today_somewhere() + dt.timedelta(days=1))
    res = _load_in_zone(zone, inputs["events"], inputs["quarters"])
    assert res.returncode == 2 and "future" in res.stdout and "UTC+14" in res.stdout, res.stdout + res.stderr


def test_the_date_check_uses_the_earliest_calendar(monkeypatch, inputs):
    """In process, whatever the local zone says: the day of UTC+14 is the last day that has begun."""
    day = _today_somewhere()
    _dated(inputs, day)
    load_events(inputs["events"])
    load_periods(inputs["quarters"])
    _dated(inputs, day + dt.timedelta(days=1))
    with pytest.raises(InputError, match="future"):
        load_events(inputs["events"])


# --------------------------------------------------------------------------- inclusive intervals


@pytest.mark.parametrize("end", ["lower", "upper"])
def test_a_base_mean_on_its_intervals_end_is_inside(end, inputs):
    """Interval membership is inclusive: 0.30 and 0.60 are in [0.30, 0.60]."""
    text = inputs["assumptions"].read_text(encoding="utf-8")
    value = "0.30" if end == "lower" else "0.60"
    assert "    value: 0.45\n" in text and "    mass: 0.90\n" in text
    text = text.replace("    value: 0.45\n", f"    value: {value}\n", 1)
    text = text.replace("    mass: 0.90\n", "    mass: 0.45\n", 1)  # a mass a prior on the interval's end can meet
    inputs["assumptions"].write_text(text, encoding="utf-8")
    a = load_assumptions(inputs["assumptions"])
    assert a.scenario_prior.base_mean.value == float(value)
    assert a.scenario_prior.base_interval.lower == 0.30 and a.scenario_prior.base_interval.upper == 0.60


def test_a_base_mean_beyond_its_interval_is_still_outside(inputs):
    text = inputs["assumptions"].read_text(encoding="utf-8").replace("    value: 0.45\n", "    value: 0.61\n", 1)
    inputs["assumptions"].write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="outside base_interval"):
        load_assumptions(inputs["assumptions"])
