"""Every Monte Carlo estimate against the exact path, and the stored gate sweep."""

from dataclasses import replace

import numpy as np
import pytest
from scipy import stats

from model.computation.exact_prior import exact_prior
from model.computation.gates import Agreement, GateError, forward_agreement, z_bar
from model.computation.simulate import prior_predictive, rng_for, summarise


@pytest.mark.slow
def test_exact_and_mcmc_agree(analysis):
    bad = [g for g in analysis.agreement if not g.ok]
    assert not bad, bad
    assert sum(g.method == "z" for g in analysis.agreement) >= 8  # really compared by MCSE, not waved through


def test_prior_predictive_mc_matches_exact(setup):
    d = prior_predictive(setup.priors, 200_000, rng_for(setup.seed, "test"))
    exact = exact_prior(setup.priors).share_summary(0.11)
    assert forward_agreement(summarise(d.share, 0.11), exact).ok
    off = forward_agreement(summarise(d.share * 1.05, 0.11), exact)
    assert not off.ok
    with pytest.raises(GateError, match="mean"):
        off.raise_if_failed()


@pytest.mark.slow
def test_posterior_predictive_matches_exact(analysis):
    forward_agreement(analysis.posterior_share_mc, analysis.posterior_share_exact()).raise_if_failed()


def test_gate_bar_is_family_wise():
    assert z_bar(12) == pytest.approx(stats.norm.isf(0.001 / 24))
    assert 3.85 < z_bar(10) < 3.9 < z_bar(12) < 4.0
    g = Agreement("theta", "base", 0.45, 0.45 + 3.5e-3, 1e-3, 0.1, "z", z_bar(12))
    assert g.ok and not replace(g, mc=0.45 + 4.5e-3).ok
    assert Agreement("theta", "base", 0.45, 0.45 + 1e-13, 0.0, -np.inf, "z", 4.0).ok  # zero MCSE: equal to rounding
    assert not Agreement("theta", "base", 0.45, 0.46, 0.0, -np.inf, "z", 4.0).ok
    tail = Agreement("p_z", "reban", 0.02, 0.024, 1e-4, 1.5, "tail", 4.0)
    assert tail.ok and not replace(tail, mc=0.03).ok  # 20% off passes, 50% off fails


def test_the_stored_gate_sweep_passed():
    """The false-alarm rate the book shows comes from a sweep with enough seeds, no failure, every fit converged."""
    from model.computation.gates import load_gate_sweep

    sweep = load_gate_sweep()
    assert sweep["n_seeds"] >= 20 and sweep["n_failures"] == 0 and sweep["n_not_converged"] == 0


def test_gate_sweep_is_current():
    """The sweep was measured on this model and these inputs (fingerprint of the inference code and inputs).

    Outside the slow tier a stale sweep is a warning naming the command that refreshes it (the sweep takes
    long); the slow tier fails on it (:func:`test_gate_sweep_is_current_strict`).
    """
    import warnings

    from model.computation.fingerprint import gate_staleness
    from model.computation.gates import load_gate_sweep

    stale = gate_staleness(str(load_gate_sweep()["fingerprint"]))
    if stale:
        warnings.warn(stale, UserWarning)


def test_a_stale_gate_sweep_names_its_refresh():
    from model.computation.fingerprint import GATE_REFRESH, gate_fingerprint, gate_staleness

    assert gate_staleness(gate_fingerprint()) is None
    assert GATE_REFRESH in gate_staleness("0" * 64) and GATE_REFRESH.endswith("--seeds 100")


@pytest.mark.slow
def test_gate_sweep_is_current_strict():
    """The false-alarm rate the book shows was measured on this model and these inputs."""
    from model.computation.fingerprint import gate_staleness
    from model.computation.gates import load_gate_sweep

    stale = gate_staleness(str(load_gate_sweep()["fingerprint"]))
    assert stale is None, stale
