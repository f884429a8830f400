"""The exact path: quadrature against adaptive integration, quantiles, extremes, direction."""

import datetime as dt

import numpy as np
import pytest
from scipy import integrate, optimize, stats

from model import SCENARIOS
from model.computation.evidence import select
from model.computation.exact import exact_posterior
from model.computation.exact_prior import exact_prior
from model.computation.likelihood import Likelihood, likelihood_of
from model.computation.measurement import RevenueObservation


def _empty(setup):
    return likelihood_of(setup.assumptions, select((), (), None), setup.priors)


def _annual(x=0.05, sd=0.04, rev=215.9):
    return Likelihood(np.zeros(4), RevenueObservation(kind="annual", usd_bn=x, sd=sd, revenue=rev), np.empty(0))


def test_no_evidence_posterior_equals_prior_exact(setup):
    p = setup.priors
    ex = exact_posterior(p, _empty(setup))
    np.testing.assert_allclose(ex.scenario_prob, p.m, rtol=1e-9)
    np.testing.assert_allclose(ex.theta_mean, p.m, rtol=1e-9)
    np.testing.assert_allclose(ex.r_mean, p.r_alpha / (p.r_alpha + p.r_beta), rtol=1e-5)


@pytest.mark.parametrize("which", ["shipped", "annual_wide", "partial"])
def test_quadrature_matches_adaptive_integration(setup, which):
    """The exact path's 1-D integral and conditional mean against scipy.integrate.quad, per scenario."""
    lik = {"shipped": setup.likelihood, "annual_wide": _annual(sd=2.0)}.get(which)
    if lik is None:
        lik = likelihood_of(
            setup.assumptions, select(setup.evidence.events, setup.evidence.periods, dt.date(2025, 12, 1)), setup.priors
        )
        assert lik.revenue.kind == "partial"
    ex = exact_posterior(setup.priors, lik)
    for i, s in enumerate(SCENARIOS):
        a, b = setup.priors.r_alpha[i], setup.priors.r_beta[i]
        f = lambda r: stats.beta.pdf(r, a, b) * np.exp(lik.revenue_loglik(np.array(r)))  # noqa: E731
        pts = sorted({float(stats.beta.mean(a, b)), 2.3e-4, 1e-3, 1e-2})
        z = sum(
            integrate.quad(f, lo, hi, limit=500, epsabs=0, epsrel=1e-10)[0] for lo, hi in zip([0.0, *pts], [*pts, 1.0])
        )
        zr = sum(
            integrate.quad(lambda r: r * f(r), lo, hi, limit=500, epsabs=0, epsrel=1e-10)[0]
            for lo, hi in zip([0.0, *pts], [*pts, 1.0])
        )
        if z < 1e-250:  # base under the shipped data: the integral underflows on both sides
            continue
        np.testing.assert_allclose(ex.log_evidence[i] - lik.signal_loglik[i], np.log(z), atol=1e-4, err_msg=s)
        np.testing.assert_allclose(ex.r_cond_mean[i], zr / z, rtol=1e-3, err_msg=s)


def test_share_quantiles_accurate_to_1e5(setup):
    """Quantiles of the recovered share against brute-force quadrature of the mixture CDF."""
    lik = _annual(sd=0.2)  # wide enough that every scenario keeps weight
    ex = exact_posterior(setup.priors, lik)
    p = ex.scenario_prob
    dens = [
        lambda r, i=i: (
            stats.beta.pdf(r, setup.priors.r_alpha[i], setup.priors.r_beta[i]) * np.exp(lik.revenue_loglik(np.array(r)))
        )
        for i in range(4)
    ]
    zs = [integrate.quad(d, 0, 1, limit=500, points=[1e-4, 1e-3, 1e-2, 0.1])[0] for d in dens]

    def cdf(x):
        return sum(
            p[i]
            * integrate.quad(dens[i], 0, x, limit=500, points=[v for v in (1e-4, 1e-3, 1e-2, 0.1) if v < x])[0]
            / zs[i]
            for i in range(4)
            if p[i] > 1e-12
        )

    for q in (0.05, 0.25, 0.5, 0.75, 0.95):
        brute = optimize.brentq(lambda x: cdf(x) - q, 1e-9, 0.999, xtol=1e-12)
        got = float(ex.share_quantile(q))
        assert abs(got - brute) < min(1e-5, 1e-3 * brute), (q, got, brute)  # 1e-5 in share and 0.1% relative


def test_exact_posterior_sums_to_one_at_extreme_settings(setup):
    for sd in (1e-9, 1e-6, 50.0):
        ex = exact_posterior(setup.priors, _annual(sd=sd))
        assert ex.scenario_prob.sum() == pytest.approx(1.0, abs=1e-15)
        assert np.all(np.isfinite(ex.scenario_prob))


def test_prior_share_summary_exact_vs_quad(setup):
    pr = exact_prior(setup.priors)
    p = setup.priors
    q50 = optimize.brentq(
        lambda x: sum(p.m[i] * stats.beta.cdf(x, p.r_alpha[i], p.r_beta[i]) for i in range(4)) - 0.5, 0, 1, xtol=1e-14
    )
    assert pr.share_summary(0.11)["median"] == pytest.approx(q50, abs=1e-10)


def test_signals_move_probability_towards_favoured_scenario(setup):
    p = setup.priors
    lik = Likelihood(np.array([0.0, 0.0, np.log(10.0), 0.0]), RevenueObservation(kind="none"), np.empty(0))
    ex = exact_posterior(p, lik)
    np.testing.assert_allclose(ex.scenario_prob[2] / ex.scenario_prob[1], 10 * p.m[2] / p.m[1], rtol=1e-9)


def test_realised_share_inside_posterior_90(analysis_exact):
    s = analysis_exact.posterior_share_exact()
    realised = analysis_exact.setup.likelihood.revenue.realised_share
    assert s["q05"] <= realised <= s["q95"]


def test_partial_sum_likelihood_matches_2d_quadrature(setup):
    """The partial-sum likelihood integrates phi and R to 1e-6, tails included (a large r with a small phi)."""
    ev = select(setup.evidence.events, setup.evidence.periods, dt.date(2026, 1, 31))
    lik = likelihood_of(setup.assumptions, ev, setup.priors)
    obs, p = lik.revenue, setup.priors
    assert obs.kind == "partial" and obs.periods == ("Q3 FY2026",)
    a, b = obs.fraction_mean * obs.fraction_concentration, (1 - obs.fraction_mean) * obs.fraction_concentration
    mu, sig = p.revenue.mu, p.revenue.sigma

    def truth(r):
        def over_phi(phi):
            f = lambda lr: stats.norm.pdf(obs.usd_bn, r * phi * np.exp(lr), obs.sd) * stats.norm.pdf(lr, mu, sig)  # noqa: E731
            return integrate.quad(f, mu - 9 * sig, mu + 9 * sig, limit=200, epsrel=1e-10)[0] * stats.beta.pdf(phi, a, b)

        pts = [x for x in [obs.usd_bn / (r * np.exp(mu))] if 0 < x < 1]
        return integrate.quad(over_phi, 0, 1, points=pts or None, limit=400, epsrel=1e-9)[0]

    for r in (1e-4, 5e-3, 0.03):
        assert float(np.exp(lik.revenue_loglik(np.array([r]))[0])) == pytest.approx(truth(r), rel=1e-6), r
