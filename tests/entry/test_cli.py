import json
import sys

import pytest
from conftest import run_model as _run

from model import SCENARIOS


def test_summary_json_no_mcmc_keys_and_filters():
    res = _run("summary", "--no-mcmc", "--json", "--as-of", "2025-09-30", "--min-confidence", "two_sources")
    assert res.returncode == 0, res.stderr
    h = json.loads(res.stdout)
    assert h["inputs"]["as_of"] == "2025-09-30"
    assert h["inputs"]["n_events"] == 10 and h["inputs"]["n_signal_events"] == 10  # E07's outlook is a signal
    assert h["inputs"]["revenue_datum"]["kind"] == "none"  # Q2 ended before the first licence
    assert set(h["posterior"]["scenario_prob"]) == set(SCENARIOS)
    assert abs(sum(h["posterior"]["scenario_prob"].values()) - 1) < 1e-6
    assert "diagnostics" not in h and "mcmc" not in h["checks"]
    assert res.stderr == ""


def test_summary_headline_is_exact_and_seed_free():
    a = json.loads(_run("summary", "--no-mcmc", "--json", "--seed", "1").stdout)
    b = json.loads(_run("summary", "--no-mcmc", "--json", "--seed", "2").stdout)
    assert a["posterior"] == b["posterior"] and a["prior"] == b["prior"]  # headline: exact path only
    assert a["checks"] != b["checks"]  # the Monte Carlo checks do depend on the seed
    assert a["inputs"]["seed"] == 1


@pytest.mark.slow
def test_summary_text_with_mcmc():
    res = _run("summary")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    for word in (
        "Scenario probabilities (exact path",
        "range over the tempering weight",
        "realised (reported) share",
        "agreement gate: pass",
        "< 0.01%",
    ):
        assert word in out, word
    assert res.stderr == ""


def test_env_var_points_every_entry_point_at_a_user_file(inputs, monkeypatch):
    from model.computation.pipeline import prepare

    f = inputs["assumptions"]
    f.write_text(f.read_text(encoding="utf-8").replace("    value: 0.45\n", "    value: 0.40\n", 1), encoding="utf-8")
    monkeypatch.setenv("H20_ASSUMPTIONS", str(f))
    s = prepare()
    assert s.assumptions.source_file == str(f)
    assert abs(s.priors.m[0] - 0.40) < 1e-12
    monkeypatch.setenv("H20_EVENTS", str(inputs["events"]))
    assert prepare().events_file == str(inputs["events"])


def test_relative_env_path_resolves_from_where_the_user_ran(inputs, monkeypatch, tmp_path):
    """A relative H20_ASSUMPTIONS given at the repository root is found from notebooks/ too."""
    from model.computation.errors import InputError
    from model.computation.pipeline import prepare

    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")  # where myst-nb runs a notebook's kernel
    monkeypatch.setenv("PWD", str(inputs["assumptions"].parent))  # where the user ran the build
    monkeypatch.setenv("H20_ASSUMPTIONS", inputs["assumptions"].name)
    assert prepare().assumptions.source_file == str(inputs["assumptions"])
    monkeypatch.setenv("H20_ASSUMPTIONS", "missing.yaml")
    try:
        prepare()
    except InputError as exc:
        msg = str(exc)
        assert (
            msg.startswith("H20_ASSUMPTIONS=") and "missing.yaml" in msg and "file not found" in msg and "\n" not in msg
        )
    else:
        raise AssertionError("no error for a missing file")


def test_summary_prints_the_exact_headline_before_the_mcmc_check(monkeypatch, capsys):
    """The headline comes from the exact path: it is on stdout before the PyMC fit starts."""
    from model.computation import pipeline
    from model.entry import cli

    real, seen = pipeline.analyse, {}

    def analyse(setup, mcmc=False):
        if mcmc:
            seen["stdout"] = capsys.readouterr().out
            raise KeyboardInterrupt  # stop here: only what was printed before the fit matters
        return real(setup, mcmc=False)

    monkeypatch.setattr(pipeline, "analyse", analyse)
    assert cli.main(["summary"]) == 130
    assert "Scenario probabilities (exact path" in seen["stdout"] and "Posterior: recovered share" in seen["stdout"]


class _Terminal:
    """A stderr that says it is a terminal and keeps what was written."""

    def __init__(self) -> None:
        self.text = ""

    def isatty(self) -> bool:
        return True

    def write(self, s: str) -> int:
        self.text += s
        return len(s)

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("tty", [True, False])
def test_a_slow_step_shows_progress_on_a_terminal_only(monkeypatch, capsys, tty):
    import time

    from model.computation import pipeline
    from model.entry import cli

    real = pipeline.analyse

    def analyse(setup, mcmc=False):
        if mcmc:
            time.sleep(1.5)
        return real(setup, mcmc=False)

    monkeypatch.setattr(pipeline, "analyse", analyse)
    monkeypatch.setattr(cli, "PROGRESS_AFTER_S", 0.1)
    terminal = _Terminal()
    if tty:
        monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr("model.presentation.report.summary_text", lambda h: "headline")
    monkeypatch.setattr("model.presentation.report.headline", lambda an, *rest: {"mcmc": an.mcmc is not None})
    assert cli.main(["summary"]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("headline")
    if tty:
        assert "PyMC fit (the MCMC check)... 1 s" in terminal.text and terminal.text.endswith("\r\x1b[K")
    else:
        assert out.err == ""
