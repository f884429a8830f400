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

from model.computation import explore, history, influence
from model.computation import sensitivity as sens
from model.computation.mcmc_result import BOUND
from model.presentation.export import DESCRIPTIONS, MANIFEST_FILE, ExportInputs, export, portable, portable_summary
from model.presentation.report import headline


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


def test_equal_setups_share_one_grid_in_a_process(monkeypatch):
    """The process's memo is keyed by the setup's content, not by the object: a second ``prepare()`` (another
    object, the same inputs) reuses the grid; a setup that differs (another seed) gets its own.
    """
    from model.computation.pipeline import prepare

    monkeypatch.setenv("H20_NO_CACHE", "1")  # the in-process memo alone
    monkeypatch.setattr(explore, "_GRIDS", {})
    calls: list[object] = []
    monkeypatch.setattr(explore, "explorer_grid", lambda setup: calls.append(setup) or {"call": len(calls)})
    a, b = prepare(), prepare()
    assert a is not b
    assert explore.cached_grid(a) is explore.cached_grid(b)
    assert len(calls) == 1
    assert explore.cached_grid(dataclasses.replace(a, seed=a.seed + 1)) == {"call": 2}


def test_the_date_slider_replays_the_belief_over_time(setup, grid):
    d = explore.settings_default(grid)
    shown = explore.explorer_value(grid, d)["belief"]
    hist = history.forecast_history(setup)
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
        analysis,
        sens.weight_spread(st),
        sens.tornado(st),
        influence.event_influence(st),
        history.forecast_history(st),
        grid,
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


# --------------------------------------------------------------------------- what a reader sees (issue 20, item 6)


def test_presets_come_from_the_assumptions_and_change_the_outputs(setup, grid):
    a = setup.assumptions
    assert [p["label"] for p in grid["presets"]] == [label for _, label in explore.PRESETS]
    assert [p["label"] for p in grid["presets"]] == [
        "The article's view",
        "Ignore the news",
        "Doubt NVIDIA's disclosures",
    ]
    article = explore.preset_settings(grid, "article")
    assert article.base_mean == a.scenario_prior.base_mean.value and article.step == 0
    assert explore.preset_settings(grid, "ignore_news").weight == explore.SLIDER_RANGES["weight"][0] == 0.0
    assert explore.preset_settings(grid, "doubt_nvidia").sd_factor == max(grid["sd_nodes"])
    default = explore.explorer_value(grid, explore.settings_default(grid))
    for key, _ in explore.PRESETS:
        s = explore.preset_settings(grid, key)
        moved = {k for k in grid["defaults"] if getattr(s, k) != grid["defaults"][k]}
        assert moved and moved <= set(next(p["set"] for p in grid["presets"] if p["key"] == key)), key
        v = explore.explorer_value(grid, s)
        shift = max(
            float(np.max(np.abs(v["prob"] - default["prob"]))),
            *(abs(v["share"][k] / default["share"][k] - 1) for k in ("mean", "q05", "q95")),
        )
        assert shift > 5 * explore.TOLERANCE["share"], f"{key} changes nothing beyond the stated error"
    # the article's view is the prior: the assumed scenario probabilities
    np.testing.assert_allclose(explore.explorer_value(grid, article)["prob"], setup.priors.m, atol=1e-9)


def _moved(grid, s, key, value):
    return explore.explorer_value(grid, dataclasses.replace(s, **{key: value}))


def test_a_slider_noted_as_idle_changes_nothing_and_the_others_do(grid):
    """At every date: the note's condition (read from the grid's data) holds exactly when the slider
    cannot move the probabilities; checked by moving it across its range.
    """
    from model.presentation import widgets

    ends = {
        "weight": explore.SLIDER_RANGES["weight"],
        "sd_factor": (grid["sd_nodes"][0], grid["sd_nodes"][-1]),
        "base_mean": explore.SLIDER_RANGES["base_mean"],
    }
    seen = {k: set() for k in ends}
    for step in range(len(grid["steps"])):
        s = dataclasses.replace(explore.settings_default(grid), step=step)
        idle = widgets.idle_sliders(grid, s)
        for key, (lo, hi) in ends.items():
            values = np.linspace(lo, hi, 7) if key != "sd_factor" else np.geomspace(lo, hi, 7)
            shown = [_moved(grid, s, key, float(v)) for v in values]
            probs = np.array([v["prob"] for v in shown])
            spread = float(np.max(probs.max(axis=0) - probs.min(axis=0)))
            shares = np.log([[v["share"][k] for k in ("mean", "q05", "q95")] for v in shown])
            seen[key].add(key in idle)
            if key in idle:
                assert spread < BOUND, (key, step, spread)
                texts = {
                    json.dumps(widgets.shown_text(grid, dataclasses.replace(s, **{key: float(v)}))) for v in values
                }
                assert len(texts) == 1, f"{key} is noted as idle at step {step} but changes what is shown"
            else:
                moves = max(spread, float(np.max(shares.max(axis=0) - shares.min(axis=0))))
                assert moves > 1e-3, f"{key} moves nothing at step {step} but carries no note"
    assert all(seen[k] == {True, False} for k in seen), seen  # each note both appears and disappears over the dates


def test_idle_notes_follow_the_data_not_the_calendar(grid):
    """Without any news the weight is idle at every date; without a revenue datum the error is idle."""
    g = json.loads(json.dumps(grid))
    for row in g["steps"]:
        row["counts"] = [0] * len(row["counts"])
    assert all("weight" in explore.idle_reasons(g, explore.Settings(**{**g["defaults"], "step": k})) for k in range(5))
    g = json.loads(json.dumps(grid))
    last = explore.settings_default(g)
    assert "sd_factor" not in explore.idle_reasons(g, last)
    g["states"][g["steps"][-1]["state"]]["kind"] = "none"
    assert "sd_factor" in explore.idle_reasons(g, last)


def test_the_words_are_plain_with_units_and_meaning(grid):
    from model.presentation import widgets

    t = widgets.explorer_text(grid)
    assert set(t["sliders"]) == set(widgets.SLIDERS) == set(grid["defaults"])
    for key, words in t["sliders"].items():
        assert words["label"] and words["unit"] and words["meaning"], key
        for text in words.values():
            assert "_" not in text and "'" + grid["moved"] + "'" not in text, (key, text)
            assert "interval of" not in text and "lower end" not in text, (key, text)
    for text in [*t["steps"], *t["idle"].values(), *t["scenarios"].values()]:
        assert "_" not in text and not any(w[:1] == "E" and w[1:3].isdigit() for w in text.split()), text
    assert t["steps"][0].endswith("the article's view, before any news")
    assert t["err"] == {"prob": "±0.3 pt", "share": "±2%"}
    assert f"{100 * explore.TOLERANCE['prob']:g} percentage points" in t["err_note"]


def test_usd_in_billions_at_the_precision_policy():
    from model.presentation.numbers import usd_bn_text

    assert usd_bn_text(0.0603) == "USD 0.060bn"
    assert usd_bn_text(0.0558) == "USD 0.056bn"
    assert usd_bn_text(16.29) == "USD 16bn"
    assert usd_bn_text(1.25) == "USD 1.3bn"  # a tie goes up on every machine (numbers.decided_round)
    assert usd_bn_text(215.938, 3) == "USD 216bn"


FORMAT_VALUES = {
    "prob": [0.0, 5e-5, 9.99e-5, 1e-4, 0.000123, 0.00095, 0.0095, 0.00999, 0.01, 0.0149, 0.015, 0.125, 0.445, 0.455,
             0.5, 0.985, 0.99, 0.9900001, 0.995, 1.0],
    "share": [1e-7, 0.000105, 0.000125, 0.00015, 0.000278, 0.00995, 0.0105, 0.0115, 0.0995, 0.115, 0.995],
    "usd": [1e-4, 0.055, 0.06, 0.0605, 0.065, 0.0995, 9.95, 99.5, 999.5, 1234.5, 16.29],
}  # fmt: skip
"""Values at which the page's formats must print what model.presentation.numbers prints: rounding ties, the policy's
boundaries (0.01%, 1%, 99%), a change of digit count (0.0995 -> 0.10), thousands."""


def format_values(n: int = 400, seed: int = 3) -> dict[str, list[float]]:
    """:data:`FORMAT_VALUES` and ``n`` random values of each kind (log-uniform, logit-uniform for probabilities)."""
    rng = np.random.default_rng(seed)
    return {
        "prob": FORMAT_VALUES["prob"] + [float(v) for v in 1 / (1 + np.exp(-rng.uniform(-12, 12, n)))],
        "share": FORMAT_VALUES["share"] + [float(v) for v in np.exp(rng.uniform(np.log(1e-7), np.log(0.9), n))],
        "usd": FORMAT_VALUES["usd"] + [float(v) for v in np.exp(rng.uniform(np.log(1e-4), np.log(2000.0), n))],
    }


def python_formats(values: dict[str, list[float]]) -> dict[str, list[str]]:
    from model.presentation.numbers import prob_text, share_text, usd_bn_text

    return {
        "prob": [prob_text(v) for v in values["prob"]],
        "share": [share_text(v) for v in values["share"]],
        "usd": [usd_bn_text(v) for v in values["usd"]],
    }


FORMAT_JS = (
    "(v) => { const f = window.H20Explorer.fmt;"
    " return {prob: v.prob.map(f.prob), share: v.share.map(f.share), usd: v.usd.map(x => f.usd(x))}; }"
)
"""The page's formats applied to the values (in Chromium: tests/test_explorer_browser.py; here in Node)."""


def test_the_page_formats_as_model_report_does_in_node():
    """The page's formatting functions (book/_static/explorer.js), run by Node when it is installed."""
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (tests/test_explorer_browser.py checks the same in Chromium)")
    values = format_values()
    script = (
        f"global.window = {{}}; require({json.dumps(str(ROOT / 'book' / '_static' / 'explorer.js'))});"
        f"console.log(JSON.stringify(({FORMAT_JS})({json.dumps(values)})));"
    )
    got = json.loads(subprocess.run([node], input=script, capture_output=True, text=True, check=True).stdout)
    want = python_formats(values)
    for kind in want:
        bad = [(v, w, g) for v, w, g in zip(values[kind], want[kind], got[kind], strict=True) if w != g]
        assert not bad, f"{kind}: the page prints otherwise than model.presentation.numbers at {bad[:5]}"
