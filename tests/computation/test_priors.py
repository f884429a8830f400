import numpy as np
import pytest
from scipy import stats

from model import SCENARIOS
from model.computation.elicitation import beta_interval_mass, elicit_beta, elicit_kappa, elicit_lognormal
from model.computation.priors import OVERCONFIDENT_N


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


@pytest.mark.parametrize(
    "lower, upper, mass",
    [(0.11, 0.12, 0.9), (0.10, 0.20, 0.9), (0.001, 0.02, 0.9), (0.005, 0.06, 0.9), (0.3, 0.6, 0.5)],
)
def test_maxent_beta_agrees_with_preliz(lower, upper, mass):
    """The deterministic maximum-entropy Beta solves PreliZ's problem: the same mass, at least PreliZ's entropy
    (to its optimiser's tolerance), and parameters within it.
    """
    import preliz as pz

    from model.computation.elicitation import beta_entropy, beta_interval_mass, elicit_beta

    ours = elicit_beta(lower, upper, mass)
    ref = pz.Beta()
    pz.maxent(ref, lower, upper, mass, plot=False)
    assert beta_interval_mass(ours.alpha, ours.beta, lower, upper) == pytest.approx(mass, abs=1e-9)
    assert beta_entropy(ours.alpha, ours.beta) >= beta_entropy(ref.alpha, ref.beta) - 1e-6
    assert ours.alpha == pytest.approx(ref.alpha, rel=2e-3) and ours.beta == pytest.approx(ref.beta, rel=2e-3)


def test_maxent_lognormal_agrees_with_preliz():
    import preliz as pz

    from model.computation.elicitation import elicit_lognormal

    ours, ref = elicit_lognormal(150.0, 240.0, 0.9), pz.LogNormal()
    pz.maxent(ref, 150.0, 240.0, 0.9, plot=False)
    assert ours.mass_achieved == pytest.approx(0.9, abs=1e-9)
    assert ours.mu == pytest.approx(ref.mu, rel=1e-6) and ours.sigma == pytest.approx(ref.sigma, rel=1e-4)


def test_elicitation_gives_the_same_bits_under_another_blas_and_simd(tmp_path):
    """Optimiser-derived parameters are the same to the last bit with another OpenBLAS kernel, one thread, or
    NumPy without its AVX-512 loops (PreliZ's general optimiser differed in the fourth digit).
    """
    import os
    import subprocess
    import sys

    code = (
        "from model.computation.elicitation import elicit_beta, elicit_lognormal, elicit_kappa; "
        "print([repr(x) for a in [(0.11,0.12,0.9),(0.10,0.20,0.9),(0.001,0.02,0.9),(0.005,0.06,0.9)]"
        " for x in (elicit_beta(*a).alpha, elicit_beta(*a).beta)], repr(elicit_lognormal(150.0,240.0,0.9).mu),"
        " repr(elicit_kappa(0.45,0.3,0.6,0.9)))"
    )
    variants = [
        {},
        {"OPENBLAS_NUM_THREADS": "1"},
        {"OPENBLAS_CORETYPE": "Haswell", "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR"},
    ]
    outs = set()
    for v in variants:
        env = {**os.environ, **v}
        run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
        if run.returncode != 0 and "NPY_DISABLE_CPU_FEATURES" in v:  # a CPU without AVX-512: drop that switch
            env.pop("NPY_DISABLE_CPU_FEATURES")
            run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        outs.add(run.stdout)
    assert len(outs) == 1, outs


@pytest.mark.parametrize("x1,p1,x2,p2", [(0.004, 0.05, 0.05, 0.9), (1e-5, 0.4, 0.01, 0.9), (1e-4, 0.4, 0.2, 0.99)])
def test_two_quantile_beta_meets_both_quantiles(x1, p1, x2, p2):
    """Checked with scipy's CDF, the steep Betas (a start below a = 1 needed) included."""
    from model.computation.elicitation import elicit_beta_quantiles

    b = elicit_beta_quantiles(x1, p1, x2, p2)
    assert stats.beta.cdf(x1, b.alpha, b.beta) == pytest.approx(p1, abs=1e-9)
    assert stats.beta.cdf(x2, b.alpha, b.beta) == pytest.approx(p2, abs=1e-9)


def test_two_quantile_beta_tries_more_than_one_start(monkeypatch):
    """A steep Beta (a ~ 0.12) is out of reach from a = 1 alone: the other starts are what find it."""
    from model.computation import elicitation

    elicit = elicitation.elicit_beta_quantiles.__wrapped__
    monkeypatch.setattr(elicitation, "QUANTILE_STARTS", (1.0,))
    with pytest.raises(elicitation.ElicitationError):
        elicit(1e-5, 0.4, 0.01, 0.9)
    monkeypatch.undo()
    assert elicit(1e-5, 0.4, 0.01, 0.9).alpha < 0.2


def test_two_quantile_beta_is_bounds_checked():
    """Quantiles only a Beta with a < BETA_MIN meets are refused with the fix, not returned."""
    from model.computation.elicitation import BETA_MIN, ElicitationError, elicit_beta_quantiles

    with pytest.raises(ElicitationError, match="move the two quantiles"):
        elicit_beta_quantiles(1e-6, 0.4, 0.01, 0.6)
    b = elicit_beta_quantiles(1e-3, 0.4, 0.2, 0.6)  # a ~ 0.074: steep but within the bounds
    assert BETA_MIN <= b.alpha < 0.1
