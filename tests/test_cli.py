import json
import subprocess
import sys

from model import SCENARIOS


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "model", *args], capture_output=True, text=True, timeout=600)


def test_summary_json_no_mcmc_keys_and_filters():
    res = _run("summary", "--no-mcmc", "--json", "--as-of", "2025-09-30", "--min-confidence", "two_sources")
    assert res.returncode == 0, res.stderr
    h = json.loads(res.stdout)
    assert h["inputs"]["as_of"] == "2025-09-30"
    assert h["inputs"]["n_events"] == 9
    assert set(h["posterior"]["scenario_prob_exact"]) == set(SCENARIOS)
    assert abs(sum(h["posterior"]["scenario_prob_exact"].values()) - 1) < 1e-6
    assert "diagnostics" not in h
    assert res.stderr == ""


def test_summary_text_with_mcmc():
    res = _run("summary")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    for word in ("Scenario probabilities", "post. MCMC ± MCSE", "Posterior predictive (MCMC)", "within 3 MCSE: yes", "overconfident"):
        assert word in out
    assert res.stderr == ""


def test_env_var_points_every_entry_point_at_a_user_file(inputs, monkeypatch):
    from model.pipeline import prepare

    f = inputs["assumptions"]
    f.write_text(f.read_text(encoding="utf-8").replace("    value: 0.45\n", "    value: 0.40\n", 1), encoding="utf-8")
    monkeypatch.setenv("H20_ASSUMPTIONS", str(f))
    s = prepare()
    assert s.assumptions.source_file == str(f)
    assert abs(s.priors.m[0] - 0.40) < 1e-12
    monkeypatch.setenv("H20_EVENTS", str(inputs["events"]))
    assert prepare().events_file == str(inputs["events"])
