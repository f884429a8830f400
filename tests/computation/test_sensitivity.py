import dataclasses

import numpy as np
import pytest

from model import SCENARIOS, SIGNALS
from model.computation import gates, history, influence, sobol
from model.computation import sensitivity as sens
from model.computation.exact import exact_posterior


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
    infl = influence.event_influence(setup)
    items = [str(i) for i in infl.item.values]
    assert len(items) == len(setup.evidence.signal_events) + 1  # re-reports are not signals; one revenue datum
    assert not set(items) & {e.id for e in setup.evidence.events if not setup.evidence.is_signal(e)}
    mags = list(infl["max_abs"].values)
    assert mags == sorted(mags, reverse=True)
    china = infl.isel(item=(infl["label"] == "china_discourages").values).isel(item=0)
    assert float(china["delta"].sel(scenario="domestic")) > 0 > float(china["delta"].sel(scenario="reban"))
    revenue = infl.isel(item=(infl["kind"] == "revenue").values)
    assert list(revenue.item.values) == ["FY2026"] == items[:1]  # the full-year report is the most informative item
    assert influence.most_influential_event(infl, "domestic") != "FY2026"  # a news event, never the report


def test_sweep_at_default_point_is_the_headline(setup):
    head = exact_posterior(setup.priors, setup.likelihood, setup.assumptions.inference.quadrature_nodes)
    k = sens.sweep(setup, "kappa_factor", [0.5, 1.0, 2.0])
    assert k["scenario_prob"].dims == ("value", "scenario")
    np.testing.assert_allclose(k["scenario_prob"].sel(value=1.0), head.scenario_prob, rtol=1e-12)
    np.testing.assert_allclose(k["theta_mean"].sel(value=1.0), head.theta_mean, rtol=1e-12)
    w0 = setup.assumptions.signals.tempering_weight.value
    w = sens.sweep(setup, "weight", [w0])
    np.testing.assert_allclose(w["scenario_prob"].sel(value=w0), head.scenario_prob, rtol=1e-12)
    # kappa changes theta but never P(z | E): only one scenario is realised
    np.testing.assert_allclose(k["scenario_prob"].sel(value=0.5), k["scenario_prob"].sel(value=2.0), rtol=1e-12)
    assert not np.allclose(k["theta_mean"].sel(value=0.5), k["theta_mean"].sel(value=2.0))


def test_sweep_rejects_unknown_knob(setup):
    with pytest.raises(ValueError):
        sens.sweep(setup, "sigma", [1.0])


def test_tornado_defaults_and_order(setup):
    t = sens.tornado(setup)
    assert set(t.at.data_vars) == set(sens.OUTPUTS) == set(t.default.data_vars)
    assert t.at["scenario_prob"].dims == ("input", "bound", "scenario")
    for s in SCENARIOS:
        swings = list(t.swing("scenario_prob", s).values)
        assert swings == sorted(swings, reverse=True)
    assert t.most_influential("scenario_prob", "domestic") == str(t.swing("scenario_prob", "domestic").input[0].values)
    # kappa never moves P(z | E) (only one scenario is realised); the tempering weight does
    assert float(t.swing("scenario_prob", "domestic").sel(input="prior strength (pseudo-observations)")) < 1e-12
    names = {str(i) for i in t.at.input.values}
    assert {sens.signal_input(c) for c in SIGNALS} <= names
    assert {sens.recovery_input(s) for s in SCENARIOS} <= names


def test_row_strength_scales_one_row_and_keeps_the_others(setup):
    """Strength 0 flattens a row before the columns are renormalised, 2 doubles its contrast, 1 changes nothing;
    the other rows keep their ratios to one another exactly.
    """
    from model.computation.evidence import log_likelihood_table

    log_table = log_likelihood_table(setup.assumptions)
    orig = np.exp(log_table)
    i, j, k = SIGNALS.index("us_permits"), SIGNALS.index("china_discourages"), SIGNALS.index("sales_absent")
    np.testing.assert_allclose(sens.scaled_table(log_table, {"us_permits": 1.0}), log_table, rtol=0, atol=1e-14)
    for strength in (0.0, 0.5, 2.0):
        t = np.exp(sens.scaled_table(log_table, {"us_permits": strength}))
        np.testing.assert_allclose(t.sum(axis=0), 1.0, rtol=0, atol=1e-14)
        # an unchanged row j is orig[j] / column sum, so t[i] * orig[j] / t[j] is row i before renormalising
        before = t[i] * orig[j] / t[j]
        mean = orig[i].mean()
        want = np.maximum(mean + strength * (orig[i] - mean), sens.ROW_FLOOR)
        np.testing.assert_allclose(before, want, rtol=1e-12)
        np.testing.assert_allclose(t[j] / t[k], orig[j] / orig[k], rtol=1e-12)
    flat = np.exp(sens.scaled_table(log_table, {"us_permits": 0.0}))
    assert np.ptp(flat[i] * orig[j] / flat[j]) < 1e-15  # no information left in the row


def test_sobol_ishigami_known_indices():
    a, b = 7.0, 0.1

    def ishigami(x):
        return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])

    unif = lambda u: -np.pi + 2 * np.pi * u  # noqa: E731
    res = sobol.sobol_indices(ishigami, ["x1", "x2", "x3"], [unif] * 3, 2**14, seed=1)
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
    res = sobol.prior_sobol(setup, n=2**11)
    share = res["mean share"]
    i = share.names.index("FY2026 revenue")
    assert abs(share.ST[i]) < 0.01
    assert res["mean USD bn"].ST[i] > 0.01
    assert gates.sobol_gate(res).ok
    moved = dataclasses.replace(share, ST=np.where(np.arange(share.ST.size) == i, 0.2, share.ST))
    bad = gates.sobol_gate({**res, "mean share": moved})
    assert not bad.ok and "0.2" in bad.failures[0]


def test_belief_over_time_ends_at_headline(setup):
    """Before any revenue figure, P(z | E) is m_s exp(w S_s) normalised (Z_s = 1): exact at the first date."""
    from model.computation.evidence import log_likelihood_table, select
    from model.computation.likelihood import revenue_datum

    hist = history.belief_over_time(setup)
    assert hist.dims == ("date", "scenario")
    ev, a = setup.evidence, setup.assumptions
    first = select(ev.events, ev.periods, hist.date.values[0], ev.min_confidence)
    assert revenue_datum(a, first).kind == "none" and first.signal_counts().sum() > 0
    w = a.signals.tempering_weight.value
    logp = np.log(setup.priors.m) + w * first.signal_counts() @ log_likelihood_table(a)
    np.testing.assert_allclose(hist.isel(date=0), np.exp(logp) / np.exp(logp).sum(), rtol=1e-10)
    np.testing.assert_allclose(hist.isel(date=-1), sens.posterior(setup).scenario_prob, rtol=1e-12)
    np.testing.assert_allclose(hist.sum("scenario"), 1.0, rtol=0, atol=1e-12)
    dates = list(hist.date.values)
    assert dates == sorted(dates)


def test_evidence_quality_drops_weak_rows(setup):
    """Dropping the weaker news changes only the signal term: log P(z | E) moves by w x (the counts dropped)
    @ log P(c | z), the same revenue factor Z_s on both sides.
    """
    from model.computation.evidence import log_likelihood_table, select
    from model.computation.evidence_files import CONFIDENCE_LEVELS
    from model.computation.likelihood import revenue_datum

    q = influence.evidence_quality(setup)
    assert set(q) == {"all", "two_sources"}
    ev, a = setup.evidence, setup.assumptions
    strong = select(ev.events, ev.periods, ev.as_of, CONFIDENCE_LEVELS[-1])
    dropped = ev.signal_counts() - strong.signal_counts()
    assert dropped.min() >= 0 and dropped.sum() > 0
    assert revenue_datum(a, strong) == revenue_datum(a, ev)
    np.testing.assert_allclose(q["all"].scenario_prob, sens.posterior(setup).scenario_prob, rtol=1e-12)
    alive = (q["all"].scenario_prob > 0) & (q["two_sources"].scenario_prob > 0)
    assert alive.sum() >= 2
    shift = np.log(q["all"].scenario_prob[alive]) - np.log(q["two_sources"].scenario_prob[alive])
    signal = a.signals.tempering_weight.value * dropped @ log_likelihood_table(a)
    np.testing.assert_allclose(np.ptp(shift - signal[alive]), 0.0, atol=1e-8)


def test_cli_sensitivity_json(run_cli):
    import json

    res = run_cli("sensitivity", "--json", timeout=300)
    assert res.returncode == 0, res.stderr
    rep = json.loads(res.stdout)
    assert len(rep["event_influence"]) == 10 and rep["tornado"]
