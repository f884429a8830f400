"""Simulation-based calibration of the exact path (and the simulated datasets both SBCs share).

SBC (simulation-based calibration)
----------------------------------
Datasets are simulated from the prior with the observed design (the observed number of signal
events, the full-year revenue datum with its ``sd`` and ``R`` = the drawn FY2026 revenue); the
exact posterior of each gives the PIT ``F(true value | E)`` of ``r_z``, each ``theta_s`` and
each ``r_s``. Uniformity is tested with simultaneous ECDF bands (Säilynoja, Bürkner & Vehtari
2022, simulation method): the statistic is the smallest two-sided binomial tail probability of
the ECDF over ``K`` evaluation points; its p-value is its rank among the same statistic for
uniform samples (fixed seed, so the band is deterministic). The tests of one SBC run share a
family-wise false-alarm rate :data:`SBC_FAMILY_ALPHA` by Bonferroni.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from scipy import stats

from ... import SCENARIOS
from ..evidence import log_likelihood_table
from ..exact import ExactPosterior, exact_posterior
from ..likelihood import Likelihood
from ..measurement import RevenueObservation
from ..priors import Priors
from ..simulate import rng_for
from .common import SBC_FAMILY_ALPHA, Check, Reliability, UniformityTest, reliability, uniformity_test

if TYPE_CHECKING:
    from ..pipeline import Setup

# --------------------------------------------------------------------------- SBC of the exact path


@dataclass(frozen=True)
class SBCDesign:
    """What one simulated dataset looks like: the observed design.

    Attributes
    ----------
    n_events : int
        Signal events observed (all classes).
    weight : float
        The tempering weight: ``round(weight * n_events)`` facts are simulated.
    sd : float
        Measurement error of the full-year datum, USD bn.
    log_table : numpy.ndarray
        Shape (classes, scenarios): ``log P(c | s)``.
    """

    n_events: int
    weight: float
    sd: float
    log_table: np.ndarray


def design_of(setup: Setup) -> SBCDesign:
    """The observed design of ``setup``: its number of signal events, weight, datum error and table.

    Parameters
    ----------
    setup : Setup
        The inputs.

    Returns
    -------
    SBCDesign
        The full-year datum's sd when one is in force, else the assumptions' ``annual_sd``.
    """
    lik = setup.likelihood
    sd = lik.revenue.sd if lik.revenue.kind == "annual" else setup.assumptions.measurement.annual_sd.value
    return SBCDesign(
        int(setup.evidence.signal_counts().sum()),
        setup.assumptions.signals.tempering_weight.value,
        sd,
        log_likelihood_table(setup.assumptions),
    )


@dataclass(frozen=True)
class Simulated:
    """``n`` (parameters, dataset) pairs drawn from the prior (Monte Carlo draws; the truths of an SBC).

    Attributes
    ----------
    theta : numpy.ndarray
        Shape (n, scenarios): scenario probabilities.
    z : numpy.ndarray
        Shape (n,): index of the realised scenario.
    r : numpy.ndarray
        Shape (n, scenarios): recovery shares, in [0, 1].
    revenue : numpy.ndarray
        Shape (n,): FY2026 revenue ``R``, USD bn.
    facts : numpy.ndarray
        Shape (n, classes): simulated facts per signal class.
    x : numpy.ndarray
        Shape (n,): the full-year datum ``r_z R + sd eps``, USD bn.
    """

    theta: np.ndarray
    z: np.ndarray
    r: np.ndarray
    revenue: np.ndarray
    facts: np.ndarray
    x: np.ndarray


def simulate_datasets(priors: Priors, design: SBCDesign, n: int, rng: np.random.Generator) -> Simulated:
    """Draw ``n`` (parameters, dataset) pairs from the prior with the observed design.

    Parameters
    ----------
    priors : Priors
        The priors the truths are drawn from.
    design : SBCDesign
        The observed design.
    n : int
        Number of datasets.
    rng : numpy.random.Generator
        The stream.

    Returns
    -------
    Simulated
        The truths and the datasets.
    """
    theta = rng.dirichlet(priors.dirichlet_alpha, size=n)
    z = np.minimum((theta.cumsum(axis=1) < rng.random((n, 1))).sum(axis=1), len(SCENARIOS) - 1)
    r = rng.beta(priors.r_alpha[None, :], priors.r_beta[None, :], size=(n, len(SCENARIOS)))
    rev = rng.lognormal(priors.revenue.mu, priors.revenue.sigma, size=n)
    k = int(round(design.weight * design.n_events))
    probs = np.exp(design.log_table).T
    facts = np.stack([rng.multinomial(k, probs[zi]) for zi in z]).astype(float)
    x = rng.normal(r[np.arange(n), z] * rev, design.sd)
    return Simulated(theta, z, r, rev, facts, x)


def likelihood_for(facts: np.ndarray, log_table: np.ndarray, x: float, sd: float, revenue: float) -> Likelihood:
    """The likelihood of one simulated dataset: facts (= w * counts) and a full-year datum.

    Parameters
    ----------
    facts : numpy.ndarray
        Shape (classes,).
    log_table : numpy.ndarray
        Shape (classes, scenarios).
    x : float
        The datum, USD bn.
    sd : float
        Its measurement error, USD bn.
    revenue : float
        FY2026 revenue, USD bn.

    Returns
    -------
    Likelihood
        With an ``annual`` revenue observation.
    """
    return Likelihood(
        signal_loglik=facts @ log_table,
        revenue=RevenueObservation(kind="annual", usd_bn=float(x), sd=sd, revenue=float(revenue)),
        nuisance=np.empty(0),
    )


def theta_cdf(priors: Priors, scenario_prob: np.ndarray, s: int, x: float) -> float:
    """Posterior CDF of theta_s: ``sum_j P(j | E) Beta(kappa m_s + 1[j = s], kappa (1 - m_s) + 1[j != s])``.

    Parameters
    ----------
    priors : Priors
        The priors.
    scenario_prob : numpy.ndarray
        Shape (scenarios,): exact P(z | E).
    s : int
        Scenario index.
    x : float
        Where the CDF is evaluated, in [0, 1].

    Returns
    -------
    float
        The exact CDF.
    """
    a = priors.kappa * priors.m[s]
    b = priors.kappa - a
    return float(scenario_prob[s] * stats.beta.cdf(x, a + 1, b) + (1 - scenario_prob[s]) * stats.beta.cdf(x, a, b + 1))


def r_cdf(priors: Priors, post: ExactPosterior, s: int, x: float) -> float:
    """Posterior CDF of r_s: the quadrature posterior given z = s, the prior otherwise.

    Parameters
    ----------
    priors, s, x : Priors, int, float
        As for :func:`theta_cdf`.
    post : ExactPosterior
        The exact posterior.

    Returns
    -------
    float
        The CDF (exact to quadrature error).
    """
    p = post.scenario_prob[s]
    return float(p * post.parts[s].cdf(x) + (1 - p) * stats.beta.cdf(x, priors.r_alpha[s], priors.r_beta[s]))


@dataclass(frozen=True)
class SBCResult:
    """One simulation-based calibration run, of the exact path or of the PyMC path.

    Attributes
    ----------
    label : str
        ``sbc.exact`` (:func:`sbc_exact`) or ``sbc.mcmc`` (:func:`model.computation.checks.sbc_mcmc`):
        the prefix of every check's name.
    n_datasets : int
        Datasets simulated from the prior (one exact posterior, or one PyMC fit, each).
    tests : tuple of UniformityTest
        One ECDF uniformity test per quantity: of exact PIT values (exact path) or of the Monte
        Carlo ranks of the truth mapped to (0, 1) (PyMC path).
    calibration : Reliability or None
        Reliability of the exact P(z = s | E) over the datasets (exact path only).
    seconds : float
        Wall-clock time of the run, in seconds.
    notes : dict
        Run details: ``alpha_per_test``; exact path: ``z_counts``, ``node_check``; PyMC path: ``draws``,
        ``tune``, ``chains``, ``divergences``, ``target_accept``, ``sampler``; both: ``gates``
        (name to ``(value, passed, rule)``, shown as extra checks).
    """

    label: str
    n_datasets: int
    tests: tuple[UniformityTest, ...]
    calibration: Reliability | None
    seconds: float
    notes: dict = field(default_factory=dict)

    def checks(self) -> list[Check]:
        """Every test of the run as a pass/fail row: uniformity, calibration (exact path) and the gates.

        Returns
        -------
        list of Check
            In that order, named ``label.quantity``.
        """
        out = [t.check(self.label) for t in self.tests]
        if self.calibration is not None:
            out.append(self.calibration.check(self.label))
        for key, (value, ok, rule) in self.notes.get("gates", {}).items():
            out.append(Check(f"{self.label}.{key}", value, float("nan"), ok, rule))
        return out


def sbc_pits(
    priors: Priors, sim: Simulated, design: SBCDesign, n_nodes: int, posterior=exact_posterior
) -> tuple[np.ndarray, np.ndarray]:
    """PIT of (r_z, theta_s x 4, r_s x 4) per dataset, and P(z | E) per dataset.

    Parameters
    ----------
    priors : Priors
        The priors the posterior uses (may differ from the generating ones, to show a failure).
    sim : Simulated
        The datasets and their truths.
    design : SBCDesign
        The observed design.
    n_nodes : int
        Quadrature nodes.
    posterior : callable
        ``(priors, likelihood, n_nodes) -> ExactPosterior``.

    Returns
    -------
    tuple of numpy.ndarray
        PITs, shape (n, 1 + 2 scenarios) in the order of :data:`SBC_QUANTITIES`; P(z | E), shape (n, scenarios).
    """
    n = sim.z.size
    pit = np.empty((n, 1 + 2 * len(SCENARIOS)))
    pz = np.empty((n, len(SCENARIOS)))
    for i in range(n):
        lik = likelihood_for(sim.facts[i], design.log_table, sim.x[i], design.sd, sim.revenue[i])
        post = posterior(priors, lik, n_nodes)
        pz[i] = post.scenario_prob
        pit[i, 0] = float(post.share_cdf(sim.r[i, sim.z[i]]))
        for s in range(len(SCENARIOS)):
            pit[i, 1 + s] = theta_cdf(priors, post.scenario_prob, s, sim.theta[i, s])
            pit[i, 1 + len(SCENARIOS) + s] = r_cdf(priors, post, s, sim.r[i, s])
    return pit, pz


SBC_QUANTITIES: tuple[str, ...] = ("r_z", *(f"theta[{s}]" for s in SCENARIOS), *(f"r[{s}]" for s in SCENARIOS))


def sbc_exact(
    setup: Setup,
    n_sims: int = 1000,
    n_nodes: int | None = None,
    rng: np.random.Generator | None = None,
    design: SBCDesign | None = None,
    priors: Priors | None = None,
    posterior=exact_posterior,
    node_check: int = 100,
) -> SBCResult:
    """SBC of the exact path: ``n_sims`` prior datasets, exact posterior of each, uniformity of PITs.

    ``n_nodes`` defaults to the pipeline's quadrature nodes; the first ``node_check`` datasets are
    redone with four times as many: the largest PIT difference is reported and must be below 1e-3
    (1,000 nodes are not enough: up to 4e-3). With every default (the seed's own stream, the shipped
    posterior) the result is computed once per distinct input (:mod:`model.computation.cache`); the
    datasets' posteriors are a map (:func:`model.computation.parallel.map_tasks`).

    Parameters
    ----------
    setup : Setup
        The inputs (priors, design, seed).
    n_sims : int
        Datasets.
    n_nodes : int, optional
        Quadrature nodes.
    rng : numpy.random.Generator, optional
        Stream of the datasets (default: the seed's own ``sbc`` stream).
    design : SBCDesign, optional
        Design of the datasets (default :func:`design_of`).
    priors : Priors, optional
        Priors of the posterior (default the generating ones): replaced to show the test catches a wrong one.
    posterior : callable
        Default :func:`model.computation.exact.exact_posterior`; replaced to show the test catches a wrong one.
    node_check : int
        Datasets redone with four times the nodes (0: none).

    Returns
    -------
    SBCResult
        Labelled ``sbc.exact``: a uniformity test per quantity of :data:`SBC_QUANTITIES`, the
        reliability of P(z | E) and the node check's gate.
    """
    if rng is None and design is None and priors is None and posterior is exact_posterior:
        from ..cache import cached

        nodes = n_nodes or setup.assumptions.inference.quadrature_nodes
        params = {"n_sims": n_sims, "n_nodes": nodes, "node_check": node_check, "seed": setup.seed}
        params.update(priors=setup.priors, design=design_of(setup))  # all the SBC reads of the inputs
        return cached("sbc_exact", None, params, lambda: _sbc_exact(setup, n_sims, n_nodes, None, None, None))
    return _sbc_exact(setup, n_sims, n_nodes, rng, design, priors, posterior, node_check)


SBC_CHUNK: int = 50
"""Datasets per task of the SBC of the exact path."""


def _pits_task(task: tuple) -> tuple[np.ndarray, np.ndarray]:
    """One task of :func:`sbc_pits_map`: the PITs of a chunk of datasets."""
    return sbc_pits(*task)


def sbc_pits_map(
    priors: Priors, sim: Simulated, design: SBCDesign, n_nodes: int, posterior=exact_posterior
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`sbc_pits` in chunks of :data:`SBC_CHUNK` datasets, through :func:`model.computation.parallel.map_tasks`.

    Parameters
    ----------
    priors, sim, design, n_nodes, posterior
        As :func:`sbc_pits`.

    Returns
    -------
    tuple of numpy.ndarray
        As :func:`sbc_pits`, datasets in order.
    """
    from ..parallel import map_tasks

    n = sim.z.size
    chunks = [
        (priors, Simulated(*(getattr(sim, f.name)[i : i + SBC_CHUNK] for f in dataclasses.fields(Simulated))), design)
        for i in range(0, n, SBC_CHUNK)
    ]
    tasks = [(*c, n_nodes, posterior) for c in chunks]
    # ~10 ms a dataset: on 2 cores local processes measured no faster than serial (README, "Expected
    # times"), so they run here; a Dask cluster (H20_DASK_SCHEDULER) gets them
    parts = map_tasks(_pits_task, tasks, local_processes=False)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _sbc_exact(
    setup: Setup,
    n_sims: int,
    n_nodes: int | None,
    rng: np.random.Generator | None,
    design: SBCDesign | None,
    priors: Priors | None,
    posterior=exact_posterior,
    node_check: int = 100,
) -> SBCResult:
    start = time.perf_counter()
    n_nodes = n_nodes or setup.assumptions.inference.quadrature_nodes
    rng = rng or rng_for(setup.seed, "sbc")
    design = design or design_of(setup)
    gen_priors = setup.priors
    sim = simulate_datasets(gen_priors, design, n_sims, rng)
    pit, pz = sbc_pits_map(priors or gen_priors, sim, design, n_nodes, posterior)
    n_tests = len(SBC_QUANTITIES) + 1
    alpha = SBC_FAMILY_ALPHA / n_tests
    tests = tuple(uniformity_test(q, pit[:, j], alpha) for j, q in enumerate(SBC_QUANTITIES))
    cal = reliability(pz, sim.z, alpha)
    notes: dict = {"z_counts": np.bincount(sim.z, minlength=len(SCENARIOS)), "alpha_per_test": alpha}
    if node_check:
        sub = Simulated(*(getattr(sim, f.name)[:node_check] for f in dataclasses.fields(Simulated)))
        pit_full, _ = sbc_pits_map(priors or gen_priors, sub, design, 4 * n_nodes, posterior)
        notes.update(_node_check(pit[:node_check], pit_full, n_nodes))
    return SBCResult("sbc.exact", n_sims, tests, cal, time.perf_counter() - start, notes)


def _node_check(pit: np.ndarray, pit_full: np.ndarray, n_nodes: int) -> dict:
    """The largest PIT change from ``n_nodes`` to four times as many quadrature nodes, and its gate (< 1e-3)."""
    diff, full = float(np.abs(pit_full - pit).max()), 4 * n_nodes
    return {
        "node_check": {"nodes": n_nodes, "reference_nodes": full, "max_pit_diff": diff},
        "gates": {"quadrature_nodes": (diff, diff < 1e-3, f"max |PIT({n_nodes} nodes) - PIT({full} nodes)| < 1e-3")},
    }
