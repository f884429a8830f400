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
