"""The what-if explorer's numbers against the exact path, and the downloads (no browser needed)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import ROOT

from model import explore
from model import sensitivity as sens
from model.export import DESCRIPTIONS, MANIFEST_FILE, ExportInputs, export, portable, portable_summary
from model.report import headline


@pytest.fixture(scope="module")
def grid(setup):
    return explore.cached_grid(setup)


def test_the_moved_interval_is_the_most_influential(setup, grid):
    t = sens.tornado(setup)
    leader = sens.ranked(t.default["scenario_prob"])[0]
    swings = {s: float(t.swing("scenario_prob", leader).sel(input=sens.recovery_input(s))) for s in grid["scenarios"]}
    assert grid["moved"] == max(swings, key=swings.get)


def test_defaults_are_the_headline(setup, grid):
    shown = explore.explorer_value(grid, explore.settings_default(grid))
    ex = sens.posterior(setup)
    # the grid stores log Z to 1e-6 nats and means to six digits (explore.GRID_DIGITS): exact to that
    np.testing.assert_allclose(shown["prob"], ex.scenario_prob, atol=1e-7)
    assert shown["share"]["mean"] == pytest.approx(ex.share_mean(), rel=1e-5)
    q05, q95 = ex.share_quantile([0.05, 0.95])
    assert shown["share"]["q05"] == pytest.approx(q05, rel=explore.TOLERANCE["share"])
    assert shown["share"]["q95"] == pytest.approx(q95, rel=explore.TOLERANCE["share"])


def test_within_the_stated_error_at_random_off_grid_settings(setup, grid):
    """At 60 random settings of all six sliders and 20 in the narrowest interval corner (fixed seed,
    not the build's), every number is within the stated error.
    """
    pts = explore.check_settings(grid, 60, seed=7)
    assert len(pts) >= 80
    bad = []
    for s in pts:
        assert s.lower not in grid["lower_nodes"] and s.upper not in grid["upper_nodes"]
        assert s.upper / s.lower >= explore.MIN_RATIO * (1 - 1e-9)
        err = explore.errors_at(setup, grid, s)
        if err["prob"] > explore.TOLERANCE["prob"] or err["share"] > explore.TOLERANCE["share"]:
            bad.append((s, err))
    assert not bad, bad[:3]


def test_the_sliders_never_make_an_interval_narrower_than_the_minimum(grid):
    assert grid["upper_nodes"][0] / grid["lower_nodes"][-1] >= explore.MIN_RATIO * (1 - 1e-9)
    assert grid["defaults"]["lower"] in grid["lower_nodes"] and grid["defaults"]["upper"] in grid["upper_nodes"]


def test_the_grid_is_computed_once_across_processes(setup, grid, tmp_path, monkeypatch):
    """A second process reads the grid the first wrote to the result cache, never recomputing it."""
    monkeypatch.setenv("H20_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("H20_NO_CACHE", raising=False)
    monkeypatch.setattr(explore, "_GRIDS", {})
    monkeypatch.setattr(explore, "explorer_grid", lambda *a, **k: grid)
    assert explore.cached_grid(setup) == grid
    monkeypatch.setattr(explore, "_GRIDS", {})
    monkeypatch.setattr(explore, "explorer_grid", lambda *a, **k: pytest.fail("recomputed"))
    assert explore.cached_grid(setup) == grid
    assert list(tmp_path.glob("explore.grid/*/grid.json"))


def test_the_date_slider_replays_the_belief_over_time(setup, grid):
    d = explore.settings_default(grid)
    shown = explore.explorer_value(grid, d)["belief"]
    hist = sens.forecast_history(setup)
    assert len(shown) == len(hist) == len(grid["steps"])
    np.testing.assert_allclose(shown, [r.prob_after.values for r in hist], atol=1e-7)


def test_weight_and_base_are_exact(setup, grid):
    """The two arithmetic sliders need no grid: off the defaults, probabilities agree to rounding."""
    s = dataclasses.replace(explore.settings_default(grid), base_mean=0.3, weight=0.8, step=12)
    np.testing.assert_allclose(
        explore.explorer_value(grid, s)["prob"], explore.exact_value(setup, grid, s)["prob"], atol=1e-8
    )


def test_the_grid_is_small_and_json(grid):
    assert explore.grid_bytes(grid) < 2_000_000
    assert json.loads(json.dumps(grid))["moved"] == grid["moved"]


def test_export_writes_every_file_with_its_hash(analysis, grid, tmp_path):
    st = analysis.setup
    inputs = ExportInputs(
        analysis, sens.weight_spread(st), sens.tornado(st), sens.event_influence(st), sens.forecast_history(st), grid
    )
    m = export(inputs, tmp_path)
    assert [f.name for f in m.files] == list(DESCRIPTIONS) and m.verify(tmp_path)
    for f in m.files:
        data = (tmp_path / f.name).read_bytes()
        assert len(data) == f.size > 0 and hashlib.sha256(data).hexdigest() == f.sha256
    listed = json.loads((tmp_path / MANIFEST_FILE).read_text())
    assert listed["version"] and listed["commit"] and len(listed["files"]) == len(m.files)
    summary = json.loads((tmp_path / "summary.json").read_text())
    expected = portable_summary(headline(analysis, sens.weight_spread(st)), st)
    assert summary == json.loads(json.dumps(expected, ensure_ascii=False))
    assert summary["inputs"]["assumptions"] == "model/data/assumptions.yaml" and {
        "assumptions",
        "events",
        "quarters",
    } <= set(summary["inputs"]["sha256"])
    for f in [*m.files, SimpleNamespace(name=MANIFEST_FILE)]:  # no path of the machine that built them
        data = (tmp_path / f.name).read_bytes()
        for place in {str(ROOT), str(Path.home()), str(tmp_path)}:
            assert place.encode() not in data, (f.name, place)
    import arviz as az

    idata = az.from_netcdf(tmp_path / "posterior.nc")
    assert "r" in idata.posterior
    assert (tmp_path / "assumptions.yaml").read_bytes() == open(st.assumptions.source_file, "rb").read()


def test_a_file_outside_the_repository_is_named_by_its_name(tmp_path):
    assert portable(tmp_path / "my assumptions.yaml") == "my assumptions.yaml"
    assert portable(ROOT / "model" / "data" / "events.csv") == "model/data/events.csv"
