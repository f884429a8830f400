import numpy as np
import pytest
from scipy import stats

from model import SCENARIOS
from model.priors import OVERCONFIDENT_N, beta_interval_mass, elicit_beta, elicit_kappa, elicit_lognormal


@pytest.mark.parametrize(
    "lower,upper,mass", [(0.11, 0.12, 0.9), (0.001, 0.02, 0.9), (0.005, 0.06, 0.9), (0.1, 0.2, 0.8), (0.3, 0.7, 0.5)]
)
def test_elicited_beta_has_requested_mass(lower, upper, mass):
    b = elicit_beta(lower, upper, mass)
    assert abs(b.mass_achieved - mass) < 0.005
    # maximum entropy: the mass is also checked independently with scipy
    assert abs(stats.beta(b.alpha, b.beta).cdf(upper) - stats.beta(b.alpha, b.beta).cdf(lower) - mass) < 0.005


def test_elicited_lognormal_has_requested_mass():
    r = elicit_lognormal(150.0, 240.0, 0.9)
    assert abs(r.mass_achieved - 0.9) < 0.005
    assert 150 < r.mean < 240


@pytest.mark.parametrize(
    "mean,lower,upper,mass", [(0.45, 0.30, 0.60, 0.9), (0.45, 0.40, 0.50, 0.5), (0.2, 0.05, 0.5, 0.95)]
)
def test_kappa_gives_requested_mass_on_base_marginal(mean, lower, upper, mass):
    k = elicit_kappa(mean, lower, upper, mass)
    assert abs(beta_interval_mass(k * mean, k * (1 - mean), lower, upper) - mass) < 1e-6


def test_article_interval_is_flagged_overconfident(setup):
    p = setup.priors
    assert p.recovery["base"].pseudo_n > 10_000  # the Priors chapter: the base prior acts like ~11,000 observations
    assert any(w.startswith("recovery.base") for w in p.warnings)
    for s in SCENARIOS[1:]:
        assert p.recovery[s].pseudo_n < OVERCONFIDENT_N
        assert not any(w.startswith(f"recovery.{s}:") for w in p.warnings)


def test_scenario_mean_splits_remainder_equally(setup):
    np.testing.assert_allclose(setup.priors.m, [0.45, 0.55 / 3, 0.55 / 3, 0.55 / 3])
    np.testing.assert_allclose(setup.priors.dirichlet_alpha.sum(), setup.priors.kappa)
