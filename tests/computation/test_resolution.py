"""The retrospective: the revenue datum from the filings, resolution by stated criteria, scoring only what was
stated, the forecast kept apart from hindsight, what the call rests on, and the checks that can fail.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math

import numpy as np
import pytest
from conftest import run_model

from model import SCENARIOS
from model.computation import history
from model.computation import sensitivity as sens
from model.computation.call import call_basis, log_odds_parts, tiny_bounds, weight_flip
from model.computation.checks import forecast_revenue_check, predictive_checks
from model.computation.errors import InputError
from model.computation.evidence import select
from model.computation.mcmc_result import BOUND, complete_shares, realised_prob, shares_rao_blackwell
from model.computation.pipeline import prepare
from model.computation.resolution import combine, measured_verdict, quarter_bounds
from model.computation.retrospective import retrospective
from model.computation.scoring import brier, interval_score, log_score, time_averaged
from model.computation.sensitivity import Knobs
from model.presentation import numbers


@pytest.fixture(scope="module")
def retro(setup):
    return retrospective(setup, history.forecast_history(setup))


@pytest.fixture(scope="module")
def basis(setup):
    return call_basis(setup)


# --------------------------------------------------------------------------- the datum from the filings


def test_the_datum_is_the_10k_running_total(setup):
    obs = setup.likelihood.revenue
    assert obs.kind == "annual" and obs.periods == ("FY2026",) and obs.usd_bn == pytest.approx(0.06)
    assert obs.sd == pytest.approx(0.01 / math.sqrt(12))  # the rounding to USD 10m, uniform
    lo, hi = obs.realised_share_range()
    assert lo < obs.realised_share < hi and hi - lo == pytest.approx(0.01 / obs.revenue)


def test_the_partial_datum_before_the_10k_and_none_before_the_10q(setup):
    ev = setup.evidence
    from model.computation.likelihood import revenue_datum

    before_10k = revenue_datum(setup.assumptions, select(ev.events, ev.periods, dt.date(2026, 2, 24)))
    assert before_10k.kind == "partial" and before_10k.periods == ("Q3 FY2026",) and before_10k.usd_bn == 0.05
    assert 0.4 < before_10k.fraction_mean < 0.5  # 79 of 170 licensed days
    before_10q = revenue_datum(setup.assumptions, select(ev.events, ev.periods, dt.date(2025, 11, 18)))
    assert before_10q.kind == "none"  # Q2 ended before the first licence; no quarter is zero unless disclosed


def test_an_undisclosed_year_leaves_the_partial_datum(inputs):
    q = inputs["quarters"]
    q.write_text(q.read_text(encoding="utf-8").replace("215.938,,0.06,", "215.938,,,"), encoding="utf-8")
    s = prepare(quarters=q)
    assert s.likelihood.revenue.kind == "partial" and s.likelihood.revenue.periods == ("Q3 FY2026",)


def test_a_subsumed_event_is_a_signal_until_its_report(setup):
    ev = setup.evidence
    e13 = next(e for e in ev.events if e.id == "E13")
    assert e13.subsumed_by == ("Q3 FY2026",)
    assert select(ev.events, ev.periods, dt.date(2025, 11, 18)).is_signal(e13)
    assert not ev.is_signal(e13) and "measured by Q3 FY2026" in ev.role(e13)


def test_fact_and_campaign_counts(setup):
    ev = setup.evidence
    n = len(ev.signal_events)
    assert ev.n_campaigns() <= ev.n_facts() <= n
    r = setup.assumptions.signals.weight_range
    # the stated range of the tempering weight must contain the range the events' own counts justify
    assert r.low <= ev.n_campaigns() / n and ev.n_facts() / n <= r.high


# --------------------------------------------------------------------------- resolution


def test_combine_rule():
    assert combine(["yes", "yes"], 1) == "yes"
    assert combine(["yes", "no"], 1) == "no"
    assert combine(["no", "yes"], 1) == "partly"
    assert combine(["yes", "partly"], 1) == "partly"
    assert combine(["partly"], 0) == "partly"


def test_shipped_resolution(setup):
    res = setup.resolution
    assert {s: res.verdict(s) for s in SCENARIOS} == {
        "base": "no",
        "reban": "no",
        "domestic": "partly",
        "easing": "no",
    }
    assert res.best == "domestic"
    assert res.readings["reban_either_side"].verdict == "yes"
    assert res.readings["easing_any_further"].verdict == "yes"
    shipments = next(c for c in res.scenarios["base"].conditions if c.id == "steady_shipments")
    assert shipments.computed and shipments.verdict == "no"
    events = {e.id: e for e in setup.record.events}
    for r in [*res.scenarios.values(), *res.readings.values()]:
        for eid in r.events:
            assert res.window[0] <= events[eid].date <= res.window[1]


def test_quarter_bounds_and_measured_verdict(setup):
    res = setup.resolution
    bounds = {b.fiscal_period: b for b in res.quarters}
    assert bounds["Q2 FY2026"].upper == 0.0  # ended before the first licence
    assert bounds["Q3 FY2026"].known == 0.05
    assert bounds["Q4 FY2026"].known is None and bounds["Q4 FY2026"].upper == pytest.approx(0.065)
    measure = setup.assumptions.resolution.criteria["base"].conditions[1].measure
    assert measure is not None and measured_verdict(measure, res.quarters) == "no"


def test_the_reports_decide_the_base_case(inputs):
    """Steady shipments in the reports turn the computed condition, and with it the base case, to yes."""
    q = inputs["quarters"]
    text = q.read_text(encoding="utf-8")
    text = text.replace("2025-11-19,57.0,0.05,0.05,", "2025-11-19,57.0,3.0,3.0,").replace(
        "215.938,,0.06,", "215.938,,6.0,"
    )
    text = text.replace("2026-05-20,81.615,0.0,", "2026-05-20,81.615,2.5,")
    q.write_text(text, encoding="utf-8")
    s = prepare(quarters=q)
    assert s.resolution.verdict("base") == "yes"
    assert (
        measured_verdict(
            s.assumptions.resolution.criteria["base"].conditions[1].measure,
            quarter_bounds(s.record.periods, s.assumptions.measurement, s.resolution.window),
        )
        == "yes"
    )


def test_a_typed_verdict_that_contradicts_the_reports_is_an_input_error(inputs):
    v = inputs["resolution"]
    v.write_text(v.read_text(encoding="utf-8").replace("base,steady_shipments,,", "base,steady_shipments,yes,"))
    with pytest.raises(InputError, match="the reported figures say no"):
        prepare(resolution=v)


# --------------------------------------------------------------------------- scoring


def test_scoring_rules():
    assert brier(0.45, 0.0) == pytest.approx(0.2025) and brier(0.45, 1.0) == pytest.approx(0.3025)
    assert log_score(0.45, 0.0) == pytest.approx(math.log(0.55)) and log_score(1.0, 0.0) == -math.inf
    assert interval_score(0.11, 0.12, 0.115, 0.1) == pytest.approx(0.01)  # inside: the width
    assert interval_score(0.11, 0.12, 0.01, 0.1) == pytest.approx(0.01 + 20 * 0.10)  # below: width + 2/alpha * miss
    assert interval_score(0.11, 0.12, 0.13, 0.5) == pytest.approx(0.01 + 4 * 0.01)


def test_only_the_articles_stated_numbers_are_scored(setup, retro):
    a = retro.article
    assert a is not None and a.forecast.p_base == 0.45 and (a.forecast.lower, a.forecast.upper) == (0.11, 0.12)
    assert a.brier == pytest.approx(0.2025) and a.log == pytest.approx(math.log(0.55))
    assert 380 < a.ratio < 450 and a.ratio_range[0] < a.ratio < a.ratio_range[1]  # "about 400 times the outcome"
    # a user's different base-case prior is not the article's: its score does not move
    other = dataclasses.replace(
        setup,
        priors=setup.priors.with_(m=np.array([0.3, 0.7 / 3, 0.7 / 3, 0.7 / 3])),
    )
    assert retrospective(other, history.forecast_history(setup)).article.brier == pytest.approx(0.2025)


def test_the_books_scored_forecasts_are_out_of_sample_only(setup, retro):
    hist = history.forecast_history(setup)
    first_datum = next(r.date for r in hist if r.in_sample)
    assert retro.hindsight_from == first_datum
    assert retro.model and all(s.forecast.date < first_datum for s in retro.model)
    assert len(retro.model) == sum(not r.in_sample for r in hist)
    last = retro.last_out_of_sample
    assert last is not None and not last.covered and retro.outcome.share < last.forecast.lower


def test_the_outcomes_rounding_is_carried_into_what_is_shown(retro):
    """Interval scores move by under 1% within the rounding of "about USD 60m"; the ratios move by about
    8% either way, so they are shown as a range over it.
    """
    from model.computation.scoring import score

    o = retro.outcome
    for s in (retro.article, *retro.model):
        ends = [score(s.forecast, retro.resolution, share) for share in (o.low, o.high)]
        assert all(abs(e.interval - s.interval) <= 0.01 * s.interval for e in ends), s.forecast
        lo, hi = s.ratio_range
        assert lo == pytest.approx(ends[1].ratio) and hi == pytest.approx(ends[0].ratio) and lo < s.ratio < hi
    assert numbers.times_range(*retro.article.ratio_range) == "380–450×"


def test_time_averaged_weights_by_days():
    from model.computation.scoring import Forecast, Score

    def sc(day: int, b: float) -> Score:
        f = Forecast("x", dt.date(2025, 1, day), 0.5, 0.0, 1.0, 0.5, 0.9)
        return Score(f, 0.0, b, None, 0.0, True, 1.0)

    assert time_averaged([sc(1, 1.0), sc(4, 0.0)], dt.date(2025, 1, 5), "brier") == pytest.approx(0.75)


# --------------------------------------------------------------------------- what the call rests on


def test_log_odds_parts_add_up_to_the_posterior(setup, basis):
    p = basis.probs
    total = math.log(float(p.sel(scenario=basis.leader)) / float(p.sel(scenario=basis.rival)))
    assert basis.total == pytest.approx(total, abs=1e-9)
    assert basis.datum_factor == pytest.approx(math.exp(-basis.parts["revenue"]))


def test_the_weight_flip_is_where_the_call_flips(setup, basis):
    w = basis.weight_flip
    assert w is not None and 0 < w < basis.weight_counted[0]
    i, j = SCENARIOS.index(basis.leader), SCENARIOS.index(basis.rival)
    above = sens.posterior(setup, Knobs(weight=w * 1.05)).scenario_prob
    below = sens.posterior(setup, Knobs(weight=w * 0.95)).scenario_prob
    assert above[i] > above[j] and below[i] < below[j]
    assert weight_flip({"prior": 0.0, "signals": -1.0, "revenue": 0.0}, 0.5) is None


def test_the_flip_factor_is_where_the_call_flips(setup, basis):
    parts = log_odds_parts(setup, basis.leader, basis.rival)
    assert parts["prior"] + parts["signals"] == pytest.approx(math.log(basis.flip_factor))
    assert float(basis.ratio_sweep["p_leader"].min()) > 0.5  # 16 times either way never flips it


def test_classification_variants_can_flip_the_call(basis):
    names = [v.name for v in basis.classification]
    assert names[:2] == ["as classified", "two-source evidence only"]
    p = {v.name: float(v.probs.sel(scenario=basis.leader)) for v in basis.classification}
    assert p["every reading against the call"] <= p["all contested read the other way"] + 1e-12
    assert p["every reading against the call"] < p["as classified"]


def test_tiny_probabilities_are_bounded_under_robust_likelihoods(basis):
    bounds = tiny_bounds(basis.robust)
    assert set(bounds) == {"base", "easing"}
    for s, top in bounds.items():
        assert top >= float(basis.robust[0].probs.sel(scenario=s))
        assert numbers.bound_text(top) == ("< 0.01%" if top < BOUND else numbers.bound_text(top))
    misreport = next(v for v in basis.robust if v.name.startswith("1.0%"))
    assert float(misreport.probs.sel(scenario="base")) > float(basis.robust[0].probs.sel(scenario="base"))


# --------------------------------------------------------------------------- checks that can fail


def test_the_forecast_check_fails_when_the_year_contradicts_the_quarter(inputs):
    q = inputs["quarters"]
    q.write_text(q.read_text(encoding="utf-8").replace("215.938,,0.06,", "215.938,,0.051,"), encoding="utf-8")
    low = forecast_revenue_check(prepare(quarters=q))  # USD 1m more in Q4 than to Q3: fine
    q.write_text(q.read_text(encoding="utf-8").replace("215.938,,0.051,", "215.938,,2.0,"), encoding="utf-8")
    high = forecast_revenue_check(prepare(quarters=q))  # USD 2bn: 40 times the running total
    assert low.p_value < 0.05 and not high.check().passed


def test_uninformative_checks_are_labelled_not_counted(setup):
    pc = predictive_checks(setup)
    post = next(c for c in pc.checks() if c.name == "posterior.revenue")
    assert not post.counted and "cannot fail" in post.rule
    assert pc.forecast_revenue is not None and pc.forecast_revenue.check().counted
    assert set(pc.power.single) == {"domestic", "reban"}


# --------------------------------------------------------------------------- the collapsed PyMC model


def test_collapsed_model_pieces(setup):
    rng = np.random.default_rng(0)
    theta = rng.dirichlet(setup.priors.dirichlet_alpha, size=(2, 50))
    share = rng.uniform(1e-4, 0.2, size=(2, 50))
    p = realised_prob(setup.priors, setup.likelihood.signal_loglik, theta, share)
    assert p.shape == (2, 50, 4) and np.allclose(p.sum(axis=-1), 1.0)
    rb = shares_rao_blackwell(setup.priors, p, share)
    prior_mean = setup.priors.r_alpha / (setup.priors.r_alpha + setup.priors.r_beta)
    assert np.all((rb >= np.minimum(share[..., None], prior_mean)) & (rb <= np.maximum(share[..., None], prior_mean)))
    full = complete_shares(setup.priors, p, share, rng)
    assert np.all(np.isclose(full, share[..., None]).sum(axis=-1) >= 1)  # the realised scenario carries the share


# --------------------------------------------------------------------------- the command line


def test_summary_json_has_resolution_scores_and_call():
    res = run_model("summary", "--no-mcmc", "--json", timeout=300)
    assert res.returncode == 0, res.stderr
    h = json.loads(res.stdout)
    assert h["resolution"]["best_description"] == "domestic"
    assert {s: r["verdict"] for s, r in h["resolution"]["scenarios"].items()}["base"] == "no"
    for r in h["resolution"]["scenarios"].values():
        assert r["conditions"] and all("events" in c and "finding" in c for c in r["conditions"])
    sc = h["scores"]
    assert sc["article"]["brier"] == pytest.approx(0.2025) and sc["last_out_of_sample"]["date"] < sc["hindsight_from"]
    assert all(m["date"] < sc["hindsight_from"] for m in sc["model_out_of_sample"])
    assert h["call"]["leader"] == "domestic" and 0 < h["call"]["weight_flip"] < 0.5
    assert h["posterior"]["scenario_prob_text"]["base"].startswith("< 0.01% under every variant (misreports up to 1%)")


def test_check_json_has_the_new_checks():
    res = run_model("check", "--json", timeout=600)
    assert res.returncode == 0, res.stderr
    rep = json.loads(res.stdout)
    names = {c["name"]: c for c in rep["checks"]}
    assert "forecast.revenue" in names and names["forecast.revenue"]["counted"]
    assert not names["posterior.revenue"]["counted"]
    assert any(n.startswith("power_scaling.recovery prior of reban alone") for n in names)
    assert set(rep["bounds"]) == {"base", "easing"} and rep["power_scaling_single"]
