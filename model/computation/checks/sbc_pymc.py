"""Simulation-based calibration of the PyMC path: NUTS (nutpie) on prior datasets, ranks of the truth."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import special

from ... import SCENARIOS
from ..priors import Priors
from ..simulate import rng_for
from .common import SBC_FAMILY_ALPHA, uniformity_test
from .sbc import SBCResult, design_of, simulate_datasets

if TYPE_CHECKING:
    from ..pipeline import Setup

MAX_DIVERGENT_FRACTION: float = 0.01
"""SBC of PyMC fails when more than this fraction of all its draws diverged."""


# --------------------------------------------------------------------------- SBC of the PyMC path


def build_data_model(priors: Priors, sd: float):  # -> pm.Model
    """:func:`model.computation.mcmc.build_model` for a full-year datum, with the data in ``pm.Data``.

    Same density (tested against ``build_model``); the data can be swapped without recompiling.

    Parameters
    ----------
    priors : Priors
        The priors.
    sd : float
        Measurement error of the datum, USD bn.

    Returns
    -------
    pymc.Model
        Data ``signal_loglik`` (dims ``scenario``), ``x`` and ``revenue`` (USD bn), to be set per dataset.
    """
    import pymc as pm

    from ..mcmc_result import log_beta
    from ..measurement import normal_logpdf

    with pm.Model(coords={"scenario": list(SCENARIOS)}) as model:
        sig = pm.Data("signal_loglik", np.zeros(len(SCENARIOS)), dims="scenario")
        x = pm.Data("x", 0.0)
        rev = pm.Data("revenue", 200.0)
        theta = pm.Dirichlet("theta", a=priors.dirichlet_alpha, dims="scenario")
        share = pm.Uniform("share", 0.0, 1.0)
        ll = pm.math.logsumexp(pm.math.log(theta) + sig + log_beta(priors, share))
        pm.Potential("evidence", ll + normal_logpdf(x, share * rev, sd))
    return model


_COMPILED: dict[str, object] = {}
"""Compiled SBC models of this process by fingerprint of (priors, sd); forked local workers inherit them."""


def _compiled_data_model(priors: Priors, sd: float):
    """The nutpie-compiled :func:`build_data_model` (compiled once per process and design)."""
    from ..cache import content_digest

    tag = content_digest({"priors": priors, "sd": sd})
    if tag not in _COMPILED:
        import nutpie

        _COMPILED[tag] = nutpie.compile_pymc_model(build_data_model(priors, sd), backend="numba")
    return _COMPILED[tag]


def _nutpie_ranks(compiled, seed: int, task: "SBCFit") -> tuple[np.ndarray, int]:
    """One SBC fit: ranks of the true (theta, r) among ``thin_to`` thinned draws, and the divergences.

    The collapsed model samples the realised share only; the four shares are completed from the
    draws exactly (:func:`model.computation.mcmc_result.complete_shares`), with a stream of their own.
    """
    import nutpie

    from ..mcmc_result import complete_shares, realised_prob

    tr = nutpie.sample(compiled, cores=1, seed=seed, progress_bar=False, **task.settings)
    th = tr.posterior["theta"].values.reshape(-1, len(SCENARIOS))
    share = tr.posterior["share"].values.reshape(-1)
    p_z = realised_prob(task.priors, np.asarray(task.data["signal_loglik"]), th, share)
    rr = complete_shares(task.priors, p_z, share, np.random.default_rng(seed))
    thin_to, truth = task.thin_to, task.truth
    keep = np.linspace(0, th.shape[0] - 1, thin_to).round().astype(int)
    post = np.concatenate([th[keep], rr[keep]], axis=1)
    return (post < truth[None, :]).sum(axis=0), int(tr.sample_stats["diverging"].values.sum())


@dataclass(frozen=True)
class SBCFit:
    """One task of the SBC of PyMC: the design, one simulated dataset and its true parameters.

    Attributes
    ----------
    priors : Priors
        The priors.
    sd : float
        Measurement error of the datum, USD bn.
    data : dict
        ``signal_loglik`` (shape (scenarios,)), ``x`` and ``revenue`` (USD bn) of the dataset.
    truth : numpy.ndarray
        Shape (2 scenarios,): the true ``theta`` then ``r``.
    thin_to : int
        Draws kept per fit for the ranks.
    settings : dict
        ``draws``, ``tune``, ``chains``, ``target_accept`` of the sampler.
    """

    priors: Priors
    sd: float
    data: dict
    truth: np.ndarray
    thin_to: int
    settings: dict


def _started_at(compiled, share: float):
    """The compiled model with every chain started at ``share`` (the other coordinates as nutpie draws them).

    The simulated datum is a spike in the share (:func:`model.computation.mcmc.start_share` does the same for the
    real data); the start changes no target density.
    """
    names, slices = compiled.shape_info[0], compiled.shape_info[1]
    i = slices[names.index("share_interval__")].start
    base = compiled.initial_point_func
    logit = float(special.logit(np.clip(share, 1e-6, 1.0 - 1e-6)))

    def init(seed):
        v = np.array(base(seed), dtype=float)
        v[i] = logit
        return v

    return dataclasses.replace(compiled, initial_point_func=init)


def sbc_fit(task: SBCFit, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """Ranks and divergences of one SBC fit (nutpie, seeded from the task's own stream).

    Parameters
    ----------
    task : SBCFit
        The dataset and its truth.
    rng : numpy.random.Generator
        The task's stream.

    Returns
    -------
    tuple
        Ranks of the truth among the ``thin_to`` kept draws (shape (2 scenarios,)), and the number
        of divergent transitions.
    """
    compiled = _compiled_data_model(task.priors, task.sd).with_data(**task.data)
    compiled = _started_at(compiled, float(task.data["x"]) / float(task.data["revenue"]))
    seed = int(rng.integers(0, 2**31))
    return _nutpie_ranks(compiled, seed, task)


def sbc_mcmc(
    setup: Setup,
    n_fits: int = 100,
    draws: int = 500,
    tune: int = 500,
    chains: int = 1,
    thin_to: int = 99,
    rng: np.random.Generator | None = None,
    target_accept: float | None = None,
) -> SBCResult:
    """SBC of the PyMC model: ``n_fits`` prior datasets, NUTS (nutpie, one chain, compiled once) on each.

    Ranks of the true ``theta_s`` and ``r_s`` among ``thin_to`` thinned draws (``thin_to + 1``
    possible ranks, mapped to the midpoints of their cells in [0, 1]); uniformity by the same
    ECDF-band test at ``K = 20`` evaluation points (each a multiple of 1 / (thin_to + 1)).
    The fits are a map (:func:`model.computation.parallel.map_tasks`, each fit seeded from its own stream of
    the one seed); with the seed's own stream (``rng=None``) the result is computed once per
    distinct input (:mod:`model.computation.cache`). One chain per fit: the tuning dominates a fit's time, and
    the ranks need draws, not chains (two chains of 500 took twice as long for the same test).

    Parameters
    ----------
    setup : Setup
        The inputs (priors, design, seed, sampler settings).
    n_fits : int
        Datasets, one fit each.
    draws, tune, chains : int
        Sampler settings of each fit.
    thin_to : int
        Draws kept per fit for the ranks.
    rng : numpy.random.Generator, optional
        Stream of the datasets and fits (default: the seed's own, and the result is cached).
    target_accept : float, optional
        Default: the assumptions' ``inference.target_accept``.

    Returns
    -------
    SBCResult
        Labelled ``sbc.mcmc``: a uniformity test per ``theta_s`` and ``r_s``, and the gate on the
        fraction of divergent transitions (:data:`MAX_DIVERGENT_FRACTION`).
    """
    args = (n_fits, draws, tune, chains, thin_to, rng, target_accept)
    if rng is not None:
        return _sbc_mcmc(setup, *args)
    from ..cache import cached

    params = dict(zip(("n_fits", "draws", "tune", "chains", "thin_to"), args[:5], strict=True))
    accept = target_accept or setup.assumptions.inference.target_accept
    params.update(seed=setup.seed, target_accept=accept, priors=setup.priors, design=design_of(setup))
    return cached("sbc_mcmc", None, params, lambda: _sbc_mcmc(setup, *args))


def _sbc_mcmc(
    setup: Setup,
    n_fits: int,
    draws: int,
    tune: int,
    chains: int,
    thin_to: int,
    rng: np.random.Generator | None,
    target_accept: float | None,
) -> SBCResult:
    from ..parallel import backend, map_tasks

    start = time.perf_counter()
    rng = rng or rng_for(setup.seed, "sbc_mcmc")
    design = design_of(setup)
    priors = setup.priors
    sim = simulate_datasets(priors, design, n_fits, rng)
    target_accept = target_accept or setup.assumptions.inference.target_accept
    names = [*(f"theta[{s}]" for s in SCENARIOS), *(f"r[{s}]" for s in SCENARIOS)]
    settings = {"draws": draws, "tune": tune, "chains": chains, "target_accept": target_accept}
    tasks = [
        SBCFit(
            priors,
            design.sd,
            {
                "signal_loglik": sim.facts[i] @ design.log_table,
                "x": np.asarray(sim.x[i]),
                "revenue": np.asarray(sim.revenue[i]),
            },
            np.concatenate([sim.theta[i], sim.r[i]]),
            thin_to,
            settings,
        )
        for i in range(n_fits)
    ]
    task_seed = int(rng.integers(0, 2**32))  # the fits' streams: from the one seed, after the datasets
    if backend(n_fits) == "processes":  # compile here, once: the forked workers inherit it (~20 s each, cold)
        _compiled_data_model(priors, design.sd)
    results = map_tasks(sbc_fit, tasks, seed=task_seed, stream="sbc_mcmc_fits")
    ranks = np.array([r[0] for r in results], dtype=float).reshape(n_fits, len(names))
    divergences = sum(r[1] for r in results)
    pit = (ranks + 0.5) / (thin_to + 1)
    alpha = SBC_FAMILY_ALPHA / len(names)
    tests = tuple(uniformity_test(nm, pit[:, j], alpha, k=20) for j, nm in enumerate(names))
    frac = divergences / (n_fits * chains * draws)
    notes = {
        "draws": draws,
        "tune": tune,
        "chains": chains,
        "divergences": divergences,
        "gates": {
            "divergent_fraction": (
                frac,
                frac < MAX_DIVERGENT_FRACTION,
                f"divergent transitions < {MAX_DIVERGENT_FRACTION:.0%} of draws",
            )
        },
        "target_accept": target_accept,
        "alpha_per_test": alpha,
        "sampler": f"nutpie (numba backend), compiled once per process; map: {backend(n_fits)}",
    }
    return SBCResult("sbc.mcmc", n_fits, tests, None, time.perf_counter() - start, notes)
