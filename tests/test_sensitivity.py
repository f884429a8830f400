import numpy as np
import pytest

from model import SCENARIOS, SIGNALS
from model import sensitivity as sens
from model.exact import exact_posterior


def test_leaving_out_a_favouring_event_lowers_that_scenario(setup):
    full = sens.posterior(setup).scenario_prob
    lik = setup.assumptions.signals.likelihood
    for e in setup.evidence.signal_events:
        row = np.array([lik[e.signal].of(s) for s in SCENARIOS])
        loo = sens.posterior(setup, evidence=setup.evidence.without(e.id)).scenario_prob
        # the scenario this event's signal favours most (relative to the posterior-weighted average) gains from it
        favoured = int(np.argmax(row))
        if row[favoured] > np.dot(full, row) * 1.05:
            assert loo[favoured] < full[favoured], (e.id, e.signal, SCENARIOS[favoured])


def test_influence_signs_and_order(setup):
    rows = sens.event_influence(setup)
    assert len(rows) == len(setup.evidence.signal_events) + 1  # re-reports are not signals; one revenue datum
    assert not {r["id"] for r in rows} & {e.id for e in setup.evidence.events if not e.is_signal}
    mags = [r["max_abs"] for r in rows]
    assert mags == sorted(mags, reverse=True)
    china = next(r for r in rows if r["signal"] == "china_discourages")
    assert china["domestic"] > 0 > china["reban"]
    revenue = next(r for r in rows if r["kind"] == "revenue")
    assert revenue["id"] == "FY2026" and revenue is rows[0]  # the full-year report is the most informative item


def test_sweep_at_default_point_is_the_headline(setup):
    head = exact_posterior(setup.priors, setup.likelihood, setup.assumptions.inference.quadrature_nodes)
    k = sens.sweep(setup, "kappa_factor", [0.5, 1.0, 2.0])
    np.testing.assert_allclose(k["scenario_prob"][1], head.scenario_prob, rtol=1e-12)
    np.testing.assert_allclose(k["theta_mean"][1], head.theta_mean, rtol=1e-12)
    w0 = setup.assumptions.signals.tempering_weight.value
    w = sens.sweep(setup, "weight", [w0])
    np.testing.assert_allclose(w["scenario_prob"][0], head.scenario_prob, rtol=1e-12)
    # kappa changes theta but never P(z | E): only one scenario is realised
    np.testing.assert_allclose(k["scenario_prob"][0], k["scenario_prob"][2], rtol=1e-12)
    assert not np.allclose(k["theta_mean"][0], k["theta_mean"][2])


def test_sweep_rejects_unknown_knob(setup):
    with pytest.raises(ValueError):
        sens.sweep(setup, "sigma", [1.0])


def test_tornado_defaults_and_order(setup):
    rows = sens.tornado(setup)
    base = sens.outputs(setup)
    for out in sens.OUTPUTS:
        sub = [r for r in rows if r["output"] == out]
        assert all(r["default"] == base[out] for r in sub)
        swings = [r["swing"] for r in sub]
        assert swings == sorted(swings, reverse=True)
    names = {r["input"] for r in rows}
    assert {f"likelihood row {c}" for c in SIGNALS} <= names
    assert {f"recovery interval r_{s}" for s in SCENARIOS} <= names


def test_row_strength_zero_removes_a_row(setup):
    from model.evidence import log_likelihood_table

    t = sens.scaled_table(log_likelihood_table(setup.assumptions), {"us_permits": 0.0})
    table = np.exp(t)
    np.testing.assert_allclose(table.sum(axis=0), 1.0)
    row = table[SIGNALS.index("us_permits")]
    others = np.delete(table, SIGNALS.index("us_permits"), axis=0)
    # after renormalising, a flat row gives every scenario the same likelihood ratio
    assert np.ptp(row) < np.ptp(np.exp(log_likelihood_table(setup.assumptions))[SIGNALS.index("us_permits")])
    assert others.shape[0] == len(SIGNALS) - 1


def test_sobol_ishigami_known_indices():
    a, b = 7.0, 0.1

    def ishigami(x):
        return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])

    unif = lambda u: -np.pi + 2 * np.pi * u  # noqa: E731
    res = sens.sobol_indices(ishigami, ["x1", "x2", "x3"], [unif] * 3, 2**14, seed=1)
    v = a**2 / 8 + b * np.pi**4 / 5 + b**2 * np.pi**8 / 18 + 0.5
    s1 = np.array([(b * np.pi**4 / 5 + b**2 * np.pi**8 / 50 + 0.5) / v, a**2 / 8 / v, 0.0])
    st = np.array(
        [
            s1[0] + (b**2 * np.pi**8 / 18 - b**2 * np.pi**8 / 50) / v,
            s1[1],
            (b**2 * np.pi**8 / 18 - b**2 * np.pi**8 / 50) / v,
        ]
    )
    np.testing.assert_allclose(res.S1, s1, atol=0.03)
    np.testing.assert_allclose(res.ST, st, atol=0.03)


def test_prior_sobol_revenue_has_no_effect_on_share(setup):
    res = sens.prior_sobol(setup, n=2**11)
    share = res["mean share"]
    i = share.names.index("revenue")
    assert abs(share.ST[i]) < 0.01
    assert res["mean USD bn"].ST[i] > 0.01


def test_scores():
    p = np.array([0.45, 0.55 / 3, 0.55 / 3, 0.55 / 3])
    assert sens.brier(p, 0) == pytest.approx(0.55**2 + 3 * (0.55 / 3) ** 2)
    assert sens.brier(np.eye(4)[2], 2) == 0.0
    assert sens.brier(np.eye(4)[0], 2) == 2.0
    assert sens.log_score(p, 2) == pytest.approx(np.log(0.55 / 3))
    rows = sens.score_table({"u": np.full(4, 0.25)})
    assert len(rows) == 4 and all(r["brier"] == pytest.approx(0.75) for r in rows)


def test_belief_over_time_ends_at_headline(setup):
    hist = sens.belief_over_time(setup)
    np.testing.assert_allclose(
        hist[0][1], sens.posterior(setup, evidence=sens.select((), (), None)).scenario_prob, atol=0.2
    )
    np.testing.assert_allclose(hist[-1][1], sens.posterior(setup).scenario_prob, rtol=1e-12)
    assert [d for d, _ in hist] == sorted(d for d, _ in hist)


def test_evidence_quality_drops_weak_rows(setup):
    q = sens.evidence_quality(setup)
    assert set(q) == {"all", "two_sources"}
    assert not np.allclose(q["all"].scenario_prob, q["two_sources"].scenario_prob)


def test_cli_sensitivity_json(run_cli):
    import json

    res = run_cli("sensitivity", "--json", timeout=300)
    assert res.returncode == 0, res.stderr
    rep = json.loads(res.stdout)
    assert len(rep["event_influence"]) == 10 and rep["tornado"]
