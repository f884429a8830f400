"""The PyMC path: the prior without evidence, diagnostic bars, loud failures, seeds, MCSE."""

import numpy as np
import pytest

from model.computation.evidence import select
from model.computation.likelihood import likelihood_of
from model.computation.mcmc import fit_mcmc
from model.computation.mcmc_result import mcse_mean
from model.computation.simulate import prior_predictive, rng_for


def _empty(setup):
    return likelihood_of(setup.assumptions, select((), (), None), setup.priors)


@pytest.mark.slow
def test_no_evidence_posterior_equals_prior_mcmc(setup):
    p = setup.priors
    settings = setup.assumptions.inference.model_copy(update={"draws": 2000})
    fit = fit_mcmc(p, _empty(setup), settings, seed=setup.seed)
    est = fit.estimate("p_z")["mean"]
    np.testing.assert_allclose(est.values, p.m, atol=1e-12)  # no evidence: every draw gives P(z | r) = m
    theta = fit.draws("theta").mean(axis=(0, 1))
    assert np.all(np.abs(theta - p.m) < 0.01)


@pytest.mark.slow
def test_mcmc_meets_diagnostic_bars(analysis):
    from model.computation.mcmc_result import check_convergence

    assert check_convergence(analysis.mcmc, analysis.setup.assumptions.inference) == []


@pytest.mark.slow
def test_convergence_failure_is_loud(setup):
    from model.computation.errors import ConvergenceError

    settings = setup.assumptions.inference.model_copy(update={"draws": 100, "tune": 100, "min_ess": 1e6})
    with pytest.raises(ConvergenceError, match="bulk ESS"):
        fit_mcmc(setup.priors, setup.likelihood, settings, seed=3)


@pytest.mark.slow
def test_same_seed_same_numbers(setup):
    settings = setup.assumptions.inference.model_copy(update={"draws": 300, "tune": 200, "chains": 2})
    a = fit_mcmc(setup.priors, setup.likelihood, settings, seed=7, check=False)
    b = fit_mcmc(setup.priors, setup.likelihood, settings, seed=7, check=False)
    np.testing.assert_array_equal(a.draws("r"), b.draws("r"))
    c = fit_mcmc(setup.priors, setup.likelihood, settings, seed=8, check=False)
    assert not np.array_equal(a.draws("r"), c.draws("r"))
    d1 = prior_predictive(setup.priors, 1000, rng_for(1, "x"))
    d2 = prior_predictive(setup.priors, 1000, rng_for(1, "x"))
    np.testing.assert_array_equal(d1.usd, d2.usd)


def test_mcse_catches_a_rare_burst():
    """Batch means see one long excursion that a short autocorrelation window can miss."""
    x = np.zeros((4, 10000))
    x[0, 5000:5600] = 1.0
    assert mcse_mean(x) > 0.3 * x.std() / np.sqrt(40)
