"""A second article, supplied as files only (tests/data/second_article), runs through the engine.

Made-up: two scenarios (thaw, freeze), two signal classes, three events, a fiscal year called
"Year 24". The article is read when the package is imported, so each run is another interpreter
with ``H20_ARTICLE`` set.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import yaml
from conftest import ROOT, run_model

ARTICLE_DIR = ROOT / "tests" / "data" / "second_article"
ARTICLE_FILE = ARTICLE_DIR / "article.yaml"
ENV = {"H20_ARTICLE": str(ARTICLE_FILE)}
H20_WORDS = ("FY2026", "domestic", "reban", "easing", "NVIDIA", "H20")
"""Words of the shipped article that must not leak into the second one's output."""

EXACT = """
import json, sys, datetime as dt
import model
from model.computation.pipeline import prepare
from model.computation.exact import exact_posterior
as_of = dt.date.fromisoformat(sys.argv[1]) if len(sys.argv) > 1 else None
st = prepare(as_of=as_of)
post = exact_posterior(st.priors, st.likelihood, st.assumptions.inference.quadrature_nodes)
print(json.dumps({"scenarios": list(model.SCENARIOS), "signals": list(model.SIGNALS),
                  "prob": [float(p) for p in post.scenario_prob], "n_signal_events": len(st.evidence.signal_events)}))
"""


def _exact(*args: str) -> dict:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("H20_")}, **ENV}
    env["PYTHONPATH"] = str(ROOT)
    out = subprocess.run(
        [sys.executable, "-c", EXACT, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _made_up() -> dict:
    return yaml.safe_load((ARTICLE_DIR / "assumptions.yaml").read_text(encoding="utf-8"))


def test_exact_path_two_scenarios_sum_to_one_and_favour_the_evidence():
    r = _exact()
    assert r["scenarios"] == ["thaw", "freeze"] and r["signals"] == ["opens", "closes"]
    assert r["n_signal_events"] == 3
    assert math.isclose(sum(r["prob"]), 1.0, abs_tol=1e-9)
    # Two 'opens' and a full-year figure of 2% of sales (inside thaw's prior, far above freeze's
    # near-zero one) move thaw up from its stated 60%.
    assert r["prob"][0] > _made_up()["scenario_prior"]["base_mean"]["value"] + 0.2


def test_one_signal_updates_by_its_tempered_likelihood_ratio():
    """As of 2024-04-01 the only evidence is W1 ('opens'): P(z | E) is proportional to m_z P(opens | z)^w."""
    a = _made_up()
    m = a["scenario_prior"]["base_mean"]["value"]
    w = a["signals"]["tempering_weight"]["value"]
    row = a["signals"]["likelihood"]["opens"]
    odds = m / (1 - m) * (row["thaw"] / row["freeze"]) ** w
    r = _exact("2024-04-01")
    assert r["n_signal_events"] == 1
    assert math.isclose(r["prob"][0], odds / (1 + odds), rel_tol=1e-6)


def _check_summary(out: subprocess.CompletedProcess[str]) -> None:
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert text.startswith("Widget licence thaw model")
    assert "recovered share of Year 24 sales" in text and "Year 24 revenue" in text
    for key in ("thaw", "freeze"):
        assert f"\n  {key} " in text, key
    leaked = [w for w in H20_WORDS if w in text or w in out.stderr]
    assert not leaked, leaked


def test_summary_of_the_second_article():
    _check_summary(run_model("summary", env=ENV, cwd=ROOT))


def test_article_option_runs_the_same_command_on_the_other_article():
    by_option = run_model("summary", "--no-mcmc", "--article", str(ARTICLE_FILE), cwd=ROOT)
    _check_summary(by_option)
    by_env = run_model("summary", "--no-mcmc", env=ENV, cwd=ROOT)
    assert by_option.stdout == by_env.stdout


def test_model_checks_of_the_second_article_pass():
    out = run_model("check", env=ENV, cwd=ROOT)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr
    assert not [w for w in H20_WORDS if w in out.stdout], out.stdout
