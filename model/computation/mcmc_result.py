"""What the MCMC path's draws mean: the realised scenario, the recovered shares, MCSE, convergence.

The post-processing of :mod:`model.computation.mcmc`'s draws (``P(z = s | E)`` Rao-Blackwellised, the
shares completed draw by draw), the per-quantity diagnostics (MCSE by batch means, Pareto k-hat of the
tail, r-hat, ESS) and :class:`MCMCResult`, with the thresholds the agreement gate
(:mod:`model.computation.gates`) and the book read. Computation only: nothing here samples.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import special

from .. import SCENARIOS, by_scenario
from .assumptions import InferenceSettings
from .priors import Priors

if TYPE_CHECKING:
    import arviz as az

FAMILY_ALPHA: float = 0.001
"""False-alarm rate of the agreement gate, family-wise over every quantity compared by z."""
BOUND: float = 1e-4
"""Probabilities below this are reported as a bound ("< 1e-4"), never as a number."""
TAIL_KHAT: float = 0.7
"""Pareto k-hat above which a Monte Carlo average rests on a few draws: its MCSE is unreliable."""
TAIL_REL_TOL: float = 0.25
"""Tolerance for tail-dominated quantities: relative difference to the exact value (or the z bar,
whichever is wider). A probability bounded in [0, 1] has finite variance, but an average resting on
rare draws converges slowly and its MCSE estimate can be low; 25% is the error a prototype of the
model showed at 4,000 draws of such an average (book/method.md, "Two inference paths")."""


def log_beta(priors: Priors, share):  # a PyTensor scalar or a NumPy array, and the same back
    """``log Beta(share; a_s, b_s)`` for every scenario (last axis), for PyTensor tensors and NumPy arrays alike.

    Parameters
    ----------
    priors : Priors
        The recovery priors ``Beta(a_s, b_s)``, shape (4,) each.
    share : numpy.ndarray or pytensor.tensor.TensorVariable
        Shares (fractions); a NumPy array of any shape, or a PyTensor scalar.

    Returns
    -------
    numpy.ndarray or pytensor.tensor.TensorVariable
        Log densities (nats), shape ``share.shape + (4,)`` (``-inf`` at 0 or 1 where the density vanishes).
    """
    a, b = priors.r_alpha, priors.r_beta
    norm = special.betaln(a, b)
    if isinstance(share, np.ndarray):
        s = share[..., None]
        with np.errstate(divide="ignore"):
            return (a - 1.0) * np.log(s) + (b - 1.0) * np.log1p(-s) - norm
    import pytensor.tensor as pt

    return (a - 1.0) * pt.log(share) + (b - 1.0) * pt.log1p(-share) - norm


def realised_prob(priors: Priors, signal_loglik: np.ndarray, theta: np.ndarray, share: np.ndarray) -> np.ndarray:
    """``P(z = s | theta, share, E)`` per draw (last axis: scenario); the revenue datum is common and cancels.

    With ``theta`` = the prior means ``m`` (broadcast), it is ``P(z = s | share, E)``: theta integrated out.

    Parameters
    ----------
    priors : Priors
        The recovery priors.
    signal_loglik : numpy.ndarray
        Tempered signal log-likelihood per scenario, shape (4,).
    theta : numpy.ndarray
        Scenario propensities, shape (chain, draw, 4).
    share : numpy.ndarray
        The realised scenario's share per draw (fraction), shape (chain, draw).

    Returns
    -------
    numpy.ndarray
        Probabilities summing to 1 over the last axis, shape (chain, draw, 4).
    """
    with np.errstate(divide="ignore"):
        logw = np.log(theta) + signal_loglik + log_beta(priors, share)
    return np.exp(logw - special.logsumexp(logw, axis=-1, keepdims=True))


def shares_rao_blackwell(priors: Priors, p_z: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Per draw, ``E[r_s | theta, share, E]``: the realised share with probability ``P(z = s | ...)``, else prior mean.

    Its mean over draws is ``E[r_s | E]``.

    Parameters
    ----------
    priors : Priors
        The recovery priors (their means for the scenarios not realised).
    p_z : numpy.ndarray
        ``P(z = s | ...)`` per draw, shape (chain, draw, 4) (:func:`realised_prob`).
    share : numpy.ndarray
        The realised scenario's share per draw (fraction), shape (chain, draw).

    Returns
    -------
    numpy.ndarray
        Shares (fractions), shape (chain, draw, 4).
    """
    prior_mean = priors.r_alpha / (priors.r_alpha + priors.r_beta)
    return p_z * share[..., None] + (1.0 - p_z) * prior_mean


def complete_shares(priors: Priors, p_z: np.ndarray, share: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Joint posterior draws of all four shares: ``z ~ P(z | ...)``, ``r_z`` = the drawn share, the others from priors.

    Exact draws of the full model, e.g. for the ranks of simulation-based calibration.

    Parameters
    ----------
    priors : Priors
        The recovery priors (the scenarios not realised are drawn from them).
    p_z : numpy.ndarray
        ``P(z = s | ...)`` per draw, shape (..., 4).
    share : numpy.ndarray
        The realised scenario's share per draw (fraction), shape (...).
    rng : numpy.random.Generator
        The stream to draw ``z`` and the other shares from.

    Returns
    -------
    numpy.ndarray
        Shares (fractions), shape (..., 4).
    """
    z = (p_z.cumsum(axis=-1) < rng.random(p_z.shape[:-1] + (1,))).sum(axis=-1)
    z = np.minimum(z, len(SCENARIOS) - 1)
    r = rng.beta(priors.r_alpha, priors.r_beta, size=p_z.shape)
    np.put_along_axis(r, z[..., None], share[..., None], axis=-1)
    return r


def mcse_mean(x: np.ndarray, batches_per_chain: int = 10) -> float:
    """Monte Carlo standard error of a mean, robust to rare large values.

    The larger of ArviZ's ESS-based MCSE and a batch-means MCSE (``batches_per_chain``
    contiguous batches per chain). A rare excursion inflates the spread of the batch means
    even where the autocorrelation estimate behind the ESS misses it.

    Parameters
    ----------
    x : numpy.ndarray
        Draws, shape (chain, draw).
    batches_per_chain : int
        Contiguous batches per chain for the batch-means estimate.

    Returns
    -------
    float
        The MCSE, in the units of ``x`` (0 when every draw is equal).
    """
    import arviz as az

    x = np.asarray(x, dtype=float)
    if np.ptp(x) == 0.0:
        return 0.0
    ess_based = float(np.ravel(az.mcse(x, method="mean"))[0])
    n_chain, n_draw = x.shape
    size = n_draw // batches_per_chain
    means = x[:, : size * batches_per_chain].reshape(n_chain * batches_per_chain, size).mean(axis=1)
    batch = float(means.std(ddof=1) / np.sqrt(means.size))
    return max(ess_based, batch)


def tail_khat(x: np.ndarray) -> float:
    """Pareto k-hat of the draws' deviations from their median (ArviZ ``psislw`` on their logs).

    The MCMC estimate of a small ``P(z = s | E)`` averages per-draw probabilities that are
    near zero except in rare draws (one near 1 is the mirror image); the deviations from the
    bulk capture both cases. k-hat > 0.7 says the average rests on a few draws.

    Parameters
    ----------
    x : numpy.ndarray
        Draws, any shape (flattened).

    Returns
    -------
    float
        Pareto k-hat; ``-inf`` when every draw is equal.
    """
    import arviz as az

    v = np.asarray(x, dtype=float).ravel()
    dev = np.abs(v - np.median(v))
    if np.ptp(dev) == 0.0:
        return float("-inf")
    floor = 1e-12 * dev.max()  # logs of exact zeros: far below the tail, which is all psislw fits
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        _, k = az.psislw(np.log(np.maximum(dev, floor)), reff=1.0)
    return float(np.ravel(k)[0])


MCMC_VARS: tuple[str, ...] = ("p_z", "theta", "r")
"""Reported posterior variables, each with a ``scenario`` dim in the InferenceData: ``p_z`` is
P(z = s | theta, share, E) per draw (its mean is P(z = s | E)), ``theta`` the propensities, ``r``
the Rao-Blackwellised shares (their mean is E[r_s | E]). ``share`` (no scenario dim) is the
realised scenario's share, the variable NUTS samples."""


@dataclass(frozen=True)
class Quantity:
    """One reported posterior quantity (a variable at one scenario) with its diagnostics (Monte Carlo, from PyMC).

    Attributes
    ----------
    var : str
        One of :data:`MCMC_VARS`.
    scenario : str
        One of :data:`model.SCENARIOS`.
    mean : float
        Posterior mean over the draws (a probability for ``p_z`` and ``theta``, a share fraction for ``r``).
    mcse : float
        Its Monte Carlo standard error (:func:`mcse_mean`), same units.
    ess_bulk : float
        Bulk effective sample size (draws).
    r_hat : float
        Rank-normalised split R-hat.
    khat : float
        Pareto k-hat of the draws' tail (:func:`tail_khat`).
    """

    var: str
    scenario: str
    mean: float
    mcse: float
    ess_bulk: float
    r_hat: float
    khat: float
    """Pareto k-hat of the draws' upper tail: above 0.7 the mean is dominated by rare draws."""

    @property
    def is_probability(self) -> bool:
        """P(z = s | E): reported as a bound below :data:`BOUND`."""
        return self.var == "p_z"


def diagnose(var: str, scenario: str, x: np.ndarray) -> Quantity:
    """Mean, robust MCSE, bulk ESS, rank r_hat and tail k-hat of draws of shape (chain, draw).

    Parameters
    ----------
    var : str
        The variable's name (:data:`MCMC_VARS`).
    scenario : str
        The scenario the draws are of.
    x : numpy.ndarray
        Draws, shape (chain, draw).

    Returns
    -------
    Quantity
        Constant draws get MCSE 0, ESS = their number, r_hat 1 and k-hat ``-inf``.
    """
    import arviz as az

    if np.ptp(x) == 0.0:
        return Quantity(var, scenario, float(x.mean()), 0.0, float(x.size), 1.0, float("-inf"))
    return Quantity(
        var,
        scenario,
        float(x.mean()),
        mcse_mean(x),
        float(az.ess(x, method="bulk")),
        float(az.rhat(x, method="rank")),
        tail_khat(x),
    )


@dataclass(frozen=True)
class MCMCResult:
    """A PyMC fit and the diagnostics of every reported quantity: Monte Carlo, a check of the exact path.

    Attributes
    ----------
    idata : arviz.InferenceData
        The fit; its posterior holds :data:`MCMC_VARS` with dims (chain, draw, scenario) (and ``share``, dims
        (chain, draw), when there is a revenue datum).
    quantities : tuple of Quantity
        Every variable of :data:`MCMC_VARS` at every scenario, in that order.
    divergences : int
        Divergent transitions over all chains (after tuning).
    """

    idata: az.InferenceData
    """ArviZ InferenceData of the fit; its posterior holds :data:`MCMC_VARS`, dims (chain, draw, scenario)."""
    quantities: tuple[Quantity, ...]
    divergences: int

    def quantity(self, var: str, scenario: str) -> Quantity:
        """The diagnostics of one variable at one scenario.

        Parameters
        ----------
        var : str
            One of :data:`MCMC_VARS`.
        scenario : str
            One of :data:`model.SCENARIOS`.

        Returns
        -------
        Quantity
            Its posterior mean, MCSE and diagnostics.

        Raises
        ------
        StopIteration
            When no quantity has that name and scenario.
        """
        return next(q for q in self.quantities if q.var == var and q.scenario == scenario)

    def draws(self, var: str) -> np.ndarray:
        """Posterior draws of one of :data:`MCMC_VARS`, shape (chain, draw, scenario).

        Parameters
        ----------
        var : str
            ``p_z``, ``theta`` or ``r``.

        Returns
        -------
        numpy.ndarray
            Shape (chain, draw, 4), scenarios in :data:`model.SCENARIOS` order.
        """
        return np.asarray(self.idata.posterior[var].transpose("chain", "draw", "scenario").values)

    def share_draws(self, z: np.ndarray | None = None) -> np.ndarray:
        """Draws of the realised scenario's recovery share, shape (chain, draw).

        The collapsed model samples it; without a revenue datum it is the share of the scenario ``z``
        drawn for each draw.

        Parameters
        ----------
        z : numpy.ndarray, optional
            Index of the realised scenario per draw, shape (chain, draw); needed only without a revenue datum.

        Returns
        -------
        numpy.ndarray
            Shares (fractions), shape (chain, draw).

        Raises
        ------
        ValueError
            When the fit has no ``share`` (no revenue datum) and ``z`` is None.
        """
        post = self.idata.posterior
        if "share" in post:
            return np.asarray(post["share"].transpose("chain", "draw").values)
        if z is None:
            raise ValueError("without a revenue datum the realised share needs the drawn scenario z")
        return np.take_along_axis(self.draws("r"), z[..., None], axis=-1)[..., 0]

    def estimate(self, var: str):  # -> xarray.Dataset
        """Posterior mean and MCSE of one variable, labelled by scenario.

        Parameters
        ----------
        var : str
            One of :data:`MCMC_VARS`.

        Returns
        -------
        xarray.Dataset
            ``mean`` and ``mcse``, dim ``scenario``.
        """
        import xarray as xr

        qs = [self.quantity(var, s) for s in SCENARIOS]
        return xr.Dataset({"mean": by_scenario([q.mean for q in qs]), "mcse": by_scenario([q.mcse for q in qs])})


def check_convergence(result: MCMCResult, settings: InferenceSettings) -> list[str]:
    """Problems with the fit: divergences, r_hat above the bar, bulk ESS below it (empty when fine).

    Quantities below :data:`BOUND` on every draw are reported as a bound and not diagnosed.

    Parameters
    ----------
    result : MCMCResult
        The fit.
    settings : InferenceSettings
        The bars: ``max_rhat`` and ``min_ess`` (``assumptions.yaml``, ``inference``).

    Returns
    -------
    list of str
        One line per problem; empty when the fit passes.
    """
    problems = []
    if result.divergences:
        problems.append(f"{result.divergences} divergent transitions")
    for q in result.quantities:
        if q.is_probability and q.mean < BOUND:
            continue
        if not q.r_hat <= settings.max_rhat:
            problems.append(f"{q.var}[{q.scenario}]: r_hat {q.r_hat:.4f} > {settings.max_rhat}")
        if not q.ess_bulk >= settings.min_ess:
            problems.append(f"{q.var}[{q.scenario}]: bulk ESS {q.ess_bulk:.0f} < {settings.min_ess:.0f}")
    return problems
