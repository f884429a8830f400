"""model.computation.checks: every check must pass on data from the model and fail on data or posteriors that are
wrong.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace

import numpy as np
import pytest
from conftest import run_model

from model import SCENARIOS
from model.computation import checks
from model.computation.evidence import log_likelihood_table
from model.computation.exact import exact_posterior
from model.computation.likelihood import Likelihood
from model.computation.measurement import RevenueObservation
from model.computation.simulate import rng_for


def _predictive(setup, x: float | None = None):
    lik = setup.likelihood if x is None else setup.likelihood.with_revenue(replace(setup.likelihood.revenue, usd_bn=x))
    post = exact_posterior(setup.priors, lik)
    table = log_likelihood_table(setup.assumptions)
    sig = checks.signal_check(setup.evidence.signal_counts(), table, 0.5, post.scenario_prob, "posterior_predictive")
    return checks.posterior_revenue_check(post, lik.revenue), sig, checks.prior_revenue_check(setup.priors, lik.revenue)


def test_ppc_passes_on_a_dataset_from_the_model(setup):
    design = checks.design_of(setup)
    sim = checks.simulate_datasets(setup.priors, design, 1, rng_for(1, "test"))
    lik = checks.likelihood_for(sim.facts[0], design.log_table, sim.x[0], design.sd, sim.revenue[0])
    post = exact_posterior(setup.priors, lik)
    rc = checks.posterior_revenue_check(post, lik.revenue)
    sc = checks.signal_check(sim.facts[0] / 0.5, design.log_table, 0.5, post.scenario_prob, "posterior_predictive")
    assert rc.check().passed and all(c.passed for c in sc.checks())


@pytest.mark.parametrize("x", [-0.5, 300.0])
def test_ppc_fails_on_an_impossible_revenue_datum(setup, x):
    # -0.5: negative sales; 300: more than FY2026 revenue itself (share > 1)
    rc, _, prior = _predictive(setup, x)
    assert not rc.check().passed and rc.p_value < 1e-6
    assert not prior.check().passed


def test_observed_data_pass_and_p_values_are_exact(setup):
    rc, sc, prior = _predictive(setup)
    assert rc.check().passed and prior.check().passed and all(c.passed for c in sc.checks())
    # the two-sided p-value is twice the smaller tail of the predictive CDF
    assert rc.p_value == pytest.approx(2 * min(rc.cdf_obs, 1 - rc.cdf_obs))


def test_signal_check_fails_when_the_counts_contradict_every_scenario(setup):
    table = log_likelihood_table(setup.assumptions)
    counts = np.array([0, 0, 0, 0, 0, 0, 27.0])  # every event "sales absent": P <= 0.18 under any scenario
    post = exact_posterior(setup.priors, Likelihood(0.5 * counts @ table, setup.likelihood.revenue, np.empty(0)))
    sc = checks.signal_check(counts, table, 0.5, post.scenario_prob, "posterior_predictive")
    assert sc.g_p < checks.PPC_ALPHA and sc.class_p[-1] < checks.PPC_ALPHA


def test_signal_check_enumeration_matches_monte_carlo(setup, monkeypatch):
    table = log_likelihood_table(setup.assumptions)
    counts, m = setup.evidence.signal_counts(), setup.priors.m
    exact = checks.signal_check(counts, table, 0.5, m, "prior")
    monkeypatch.setattr(checks.predictive, "ENUMERATION_LIMIT", 0)
    mc = checks.signal_check(counts, table, 0.5, m, "prior", np.random.default_rng(3))
    assert exact.g_mcse == 0 and mc.g_mcse > 0
    assert abs(exact.g_p - mc.g_p) < 4 * mc.g_mcse


def test_prior_revenue_cdf_matches_monte_carlo(setup):
    p, sd, x0 = setup.priors, 0.04, 0.05
    rng = np.random.default_rng(5)
    n = 400_000
    z = rng.choice(4, size=n, p=p.m)
    x = rng.beta(p.r_alpha[z], p.r_beta[z]) * rng.lognormal(
        p.revenue.mu, p.revenue.sigma, n
    ) + sd * rng.standard_normal(n)
    hit = x <= x0
    exact = checks.prior_revenue_cdf(p, np.array([x0]), sd)[0]
    assert abs(exact - hit.mean()) < 4 * hit.std() / np.sqrt(n)


def test_uniformity_test_passes_uniform_and_fails_non_uniform():
    rng = np.random.default_rng(11)
    assert checks.uniformity_test("u", rng.random(1000), 0.001).passed
    assert not checks.uniformity_test(
        "b", rng.beta(1.4, 1.4, 1000), 0.001
    ).passed  # underdispersed PITs: too wide posterior
    assert not checks.uniformity_test("s", rng.random(1000) ** 1.2, 0.001).passed  # shifted


def test_memoised_arrays_are_read_only():
    """``_compositions`` and ``_null_min_tail`` hand every caller the same array: a write must fail, not change it."""
    from model.computation.checks.common import _null_min_tail
    from model.computation.checks.predictive import _compositions

    for shared in (_compositions(4, 3), _null_min_tail(20, 5)):
        with pytest.raises(ValueError, match="read-only"):
            shared[0] = 0


def test_reliability_passes_calibrated_and_fails_overconfident():
    rng = np.random.default_rng(2)
    p = rng.dirichlet(np.ones(4), size=2000)
    truth = (p.cumsum(axis=1) < rng.random((2000, 1))).sum(axis=1)
    assert checks.reliability(p, truth, 0.001).passed
    sharp = p**3 / (p**3).sum(axis=1, keepdims=True)  # the same outcomes, overconfident predictions
    assert not checks.reliability(sharp, truth, 0.001).passed


def test_sbc_exact_passes_for_the_exact_posterior(setup):
    res = checks.sbc_exact(setup, 1000, node_check=20)
    assert all(c.passed for c in res.checks()), [c for c in res.checks() if not c.passed]
    assert res.notes["node_check"]["max_pit_diff"] < 1e-3


def test_sbc_exact_fails_with_the_wrong_signal_weight(setup):
    # The full-year datum, stated to USD 10m, nearly names the scenario of a simulated dataset by itself,
    # so the signals' weight moves P(z | E) less than it did with a looser datum: counting every report
    # twice over (x2) gives p = 0.015 at 1,000 datasets, three times over is caught.
    def wrong(priors, lik, n):
        return exact_posterior(priors, lik.with_signal_weight(3.0), n)

    res = checks.sbc_exact(setup, 1000, 500, posterior=wrong, node_check=0)
    assert not res.calibration.passed


def test_sbc_exact_fails_with_an_inflated_measurement_sd(setup):
    def wrong(priors, lik, n):
        return exact_posterior(priors, lik.with_revenue(replace(lik.revenue, sd=3 * lik.revenue.sd)), n)

    res = checks.sbc_exact(setup, 300, 500, posterior=wrong, node_check=0)
    failed = {t.name for t in res.tests if not t.passed}
    assert "r_z" in failed


def test_power_scaling_is_zero_where_nothing_depends_on_the_power(setup):
    p = setup.priors
    # b = 1 + 1e-12, not 1: model.computation.exact's quadrature meets 0 * log(0) at r = expit(40) == 1.0 when b == 1
    flat = p.with_(
        m=np.full(4, 0.25),
        kappa=4.0,
        recovery={s: replace(p.recovery[s], alpha=1.0, beta=1.0 + 1e-12) for s in SCENARIOS},
    )
    ps = checks.power_scaling(flat, setup.likelihood, 1000)
    assert np.all(ps.prior < 1e-6)  # a flat prior to any power is the same flat prior
    none = Likelihood(np.zeros(4), RevenueObservation("none"), np.empty(0))
    ps = checks.power_scaling(p, none, 1000)
    assert np.all(ps.likelihood < 1e-6)  # no data: nothing to scale
    assert np.all(ps.prior > 0)


def test_power_scaling_values_and_validity(setup):
    p = setup.priors
    ps = checks.power_scaling(p, setup.likelihood, 1000)
    assert (
        ps.likelihood[list(SCENARIOS).index("domestic")] >= checks.PS_THRESHOLD
    )  # the signals decide reban vs domestic
    lo = checks.powered_priors(p, 0.5)
    assert lo.kappa == pytest.approx((0.5 * (p.dirichlet_alpha - 1) + 1).sum())
    from model.computation.elicitation import elicit_beta_quantiles

    steep = p.with_(recovery={**p.recovery, "domestic": elicit_beta_quantiles(0.001, 0.20, 0.04, 0.90)})
    with pytest.raises(ValueError):
        checks.powered_priors(steep, 3.0)  # a Beta with a = 0.51 would turn negative


def test_data_model_has_the_same_density_as_build_model(setup):
    from model.computation.mcmc import build_model

    design = checks.design_of(setup)
    lik = setup.likelihood
    m1 = build_model(setup.priors, lik)
    m2 = checks.build_data_model(setup.priors, design.sd)
    with m2:
        import pymc as pm

        pm.set_data({"signal_loglik": lik.signal_loglik, "x": lik.revenue.usd_bn, "revenue": lik.revenue.revenue})
    point = m1.initial_point()
    assert m1.compile_logp()(point) == pytest.approx(m2.compile_logp()(point), rel=1e-10)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run_model("check", *args)


def test_cli_check_exit_0_and_json():
    res = _cli("--json")  # the shipped model and data pass every check
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["passed"] and out["first_failure"] is None
    assert len(out["checks"]) > 20 and res.stderr == ""


def test_cli_check_exit_4_on_a_conflicting_input(inputs):
    q = inputs["quarters"]
    text = q.read_text(encoding="utf-8")
    q.write_text(
        text.replace(
            "FY2026,year,2026-01-25,2026-02-25,215.938,,0.06,", "FY2026,year,2026-01-25,2026-02-25,215.938,,150,"
        ),
        encoding="utf-8",
    )
    res = _cli("--quarters", str(q))  # USD 150bn of post-licence H20 sales: 70% of the year's revenue
    assert res.returncode == 4
    assert res.stderr.startswith("check failed: prior.revenue: ") and res.stderr.count("\n") == 1


@pytest.mark.slow
def test_sbc_mcmc_passes(setup):
    res = checks.sbc_mcmc(setup, n_fits=100)
    assert all(c.passed for c in res.checks()), [c for c in res.checks() if not c.passed]


# --------------------------------------------------------------------------- the gates (model.computation.gates)


def test_gate_bar_counts_only_what_is_compared_by_z():
    """Bound and tail rows do not widen the Bonferroni bar; a bound row never fails, a tail row keeps its rule."""
    from model.computation import gates

    z_rows = [gates.Estimate("theta", s, 0.2, 0.2 + 1e-4, 1e-4) for s in SCENARIOS]
    tiny = gates.Estimate("p_z", "base", 1e-6, 5e-5, 1e-7, is_probability=True)  # 500 MCSE apart, both below BOUND
    tail = gates.Estimate("p_z", "reban", 0.02, 0.03, 1e-4, khat=1.2, is_probability=True)  # 50% off: fails
    g = gates.compare([*z_rows, tiny, tail])
    assert [r.method for r in g] == ["z"] * len(SCENARIOS) + ["bound", "tail"]
    assert g[0].z_bar == pytest.approx(gates.z_bar(len(SCENARIOS)))
    assert g[-2].ok and not g[-1].ok and not g.ok
    assert len(g.failures) == 1 and "p_z[reban]" in g.failures[0]


def test_a_failed_gate_raises_naming_each_failure():
    from model.computation import gates

    g = gates.compare([gates.Estimate("mean", "", 0.10, 0.11, 1e-3), gates.Estimate("q05", "", 0.05, 0.05, 1e-3)], 4.5)
    assert [r.ok for r in g] == [False, True]
    with pytest.raises(gates.GateError, match=r"Monte Carlo mean 0\.11 ± 0\.001 disagrees with the exact 0\.1"):
        g.raise_if_failed()
    gates.compare([gates.Estimate("mean", "", 0.10, 0.10 + 4e-3, 1e-3)], 4.5).raise_if_failed()  # 4 MCSE: passes


def test_checks_gate_carries_every_failed_check():
    from model.computation import gates

    rows = [
        checks.Check("sbc.exact.r_z", 0.5, 0.3, True, "p >= 0.001"),
        checks.Check("sbc.exact.theta[base]", 1e-5, 1e-5, False, "p >= 0.001", "worst"),
    ]
    g = gates.checks_gate(rows)
    assert not g.ok and g.failures == [f"sbc.exact.theta[base]: {rows[1].reason}"]
    assert gates.checks_gate(rows[:1]).ok
