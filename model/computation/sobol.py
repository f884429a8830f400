"""Sobol indices: how much of an output's variance each independent input explains.

* :func:`sobol_indices`: variance-based indices (SALib) of a function of independent inputs.
* :func:`prior_sobol`: the indices of the mean recovered share and USD under the prior.

Nothing here formats or prints. Method: book/method.md, "Sensitivity and scoring".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
from scipy import stats

from .. import SCENARIOS
from .pipeline import Setup


@dataclass(frozen=True)
class SobolResult:
    """Sobol indices of one output (Monte Carlo estimates, SALib).

    Attributes
    ----------
    names : tuple of str
        The inputs.
    S1, ST : numpy.ndarray
        Shape (inputs,): first-order and total indices.
    S1_conf, ST_conf : numpy.ndarray
        Shape (inputs,): their 95% confidence half-widths.
    n_evaluations : int
        Evaluations of the output.
    """

    names: tuple[str, ...]
    S1: np.ndarray
    S1_conf: np.ndarray
    ST: np.ndarray
    ST_conf: np.ndarray
    n_evaluations: int


def sobol_indices(
    func: Callable[[np.ndarray], np.ndarray],
    names: Sequence[str],
    ppfs: Sequence[Callable[[np.ndarray], np.ndarray]],
    n: int,
    seed: int,
) -> SobolResult:
    """First-order and total Sobol indices (Saltelli sampling and Jansen estimators, SALib).

    Inputs must be independent: each is drawn as ``ppf(U)`` with independent uniforms ``U``.

    Parameters
    ----------
    func : callable
        Maps an (N, d) array of inputs to N outputs.
    names : sequence of str
        The inputs' names.
    ppfs : sequence of callable
        Inverse CDF of each input.
    n : int
        Base sample size (a power of 2); SALib evaluates ``n (d + 2)`` points.
    seed : int
        Seed of the sample and of the bootstrap.

    Returns
    -------
    SobolResult
        The indices with their confidence half-widths.
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    problem = {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}
    u = sobol_sample.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    u = np.clip(u, 1e-12, 1 - 1e-12)
    x = np.column_stack([ppf(u[:, j]) for j, ppf in enumerate(ppfs)])
    y = func(x)
    res = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
    return SobolResult(tuple(names), res["S1"], res["S1_conf"], res["ST"], res["ST_conf"], int(y.size))


def prior_sobol(setup: Setup, n: int = 2**13) -> dict[str, SobolResult]:
    """Sobol indices of the mean recovered share E[r_z | theta, r] = sum_s theta_s r_s under the prior.

    The Dirichlet is drawn through independent Gammas (theta = g / sum g), so the eight inputs
    (four Gammas, four recovery shares) and FY2026 revenue are independent by construction.
    Second output: mean recovered USD = share * revenue. Checked by
    :func:`model.computation.gates.sobol_gate`.

    Parameters
    ----------
    setup : Setup
        The inputs.
    n : int
        Base sample size (a power of 2).

    Returns
    -------
    dict of str to SobolResult
        ``mean share`` and ``mean USD bn``.
    """
    p = setup.priors
    alpha = p.dirichlet_alpha
    names = [f"propensity of {s}" for s in SCENARIOS] + [f"recovery share of {s}" for s in SCENARIOS]
    names.append("FY2026 revenue")
    ppfs: list[Callable[[np.ndarray], np.ndarray]] = [lambda u, a=a: stats.gamma.ppf(u, a) for a in alpha]
    ppfs += [lambda u, a=a, b=b: stats.beta.ppf(u, a, b) for a, b in zip(p.r_alpha, p.r_beta, strict=True)]
    ppfs.append(lambda u: stats.lognorm.ppf(u, s=p.revenue.sigma, scale=np.exp(p.revenue.mu)))

    def share(x: np.ndarray) -> np.ndarray:
        g, r = x[:, :4], x[:, 4:8]
        return (g * r).sum(axis=1) / g.sum(axis=1)

    seed = setup.seed
    return {
        "mean share": sobol_indices(share, names, ppfs, n, seed),
        "mean USD bn": sobol_indices(lambda x: share(x) * x[:, 8], names, ppfs, n, seed),
    }
