"""Every Monte Carlo vs exact comparison of the book, judged by one rule.

The exact path (:mod:`model.computation.exact`) is the source of every headline number; Monte Carlo
(the PyMC fit of :mod:`model.computation.mcmc`, the forward simulations of
:mod:`model.computation.simulate`) checks it. :func:`compare` is the one function that judges such a
comparison; the others only gather what is compared:

* :func:`agreement` -- the PyMC fit against the exact posterior, every reported quantity, with a
  family-wise (Bonferroni) bar :func:`z_bar` at :data:`model.computation.mcmc_result.FAMILY_ALPHA`;
* :func:`forward_agreement` -- a forward Monte Carlo summary (mean, median, 5% and 95% quantiles,
  P(exceed)) against its exact value, at the fixed bar :data:`MC_Z`;
* :func:`mcmc_gate` -- :func:`agreement` plus the fit's convergence diagnostics;
* :func:`checks_gate` -- the pass/fail rows of a simulation-based check (:class:`Check`);
* :func:`sobol_gate` -- a Sobol index known to be exactly zero against its Monte Carlo estimate.

Each returns a :class:`Gate`, a result object; the caller reports it or raises
(:meth:`Gate.raise_if_failed`), as PyMC's ``stats/convergence.py`` does. :func:`load_gate_sweep`
reads the measured false-alarm rate of :func:`agreement` (``scripts/gate_seed_sweep.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence

import numpy as np
from scipy import stats

from .mcmc_result import BOUND, FAMILY_ALPHA, TAIL_KHAT, TAIL_REL_TOL, check_convergence

if TYPE_CHECKING:
    from .assumptions import InferenceSettings
    from .checks import Check
    from .exact import ExactPosterior
    from .mcmc_result import MCMCResult
    from .simulate import Summary
    from .sobol import SobolResult

MC_Z: float = 4.5
"""Bar of a forward Monte Carlo check, in MCSE (five summaries: family-wise false-alarm rate about 3e-5)."""
ROUNDING: float = 1e-9
"""Relative difference (to ``max(1, |exact|)``) below which two values are equal up to rounding."""
GATE_SWEEP: str = "benchmarks/gate_sweep.json"
"""Result of ``scripts/gate_seed_sweep.py``, relative to the repository root."""


class GateError(AssertionError):
    """A Monte Carlo estimate disagrees with the exact path, or a check failed (raised by the caller)."""


@dataclass(frozen=True)
class Agreement:
    """One Monte Carlo estimate against its exact value, with how it is judged.

    Attributes
    ----------
    var : str
        The quantity: ``p_z``, ``theta`` or ``r`` of the PyMC path, or a forward summary's key
        (``mean``, ``median``, ``q05``, ``q95``, ``p_exceed``).
    scenario : str
        The scenario of ``var`` (``""`` for a forward summary).
    exact : float
        The exact path's value, in the units of ``mc``.
    mc : float
        The Monte Carlo estimate (PyMC posterior mean or forward simulation).
    mcse : float
        Monte Carlo standard error of ``mc``, same units.
    khat : float
        Pareto k-hat of the draws' upper tail (``-inf`` when not measured).
    method : str
        ``z`` (``|mc - exact| <= z_bar * mcse``, up to rounding), ``tail`` (k-hat above
        :data:`model.computation.mcmc_result.TAIL_KHAT`: the MCSE is unreliable, so the wider of a relative
        tolerance and the z bar) or ``bound`` (a probability below
        :data:`model.computation.mcmc_result.BOUND` on both paths: reported as a bound, not compared).
    z_bar : float
        The bar, in MCSE.
    """

    var: str
    scenario: str
    exact: float
    mc: float
    mcse: float
    khat: float
    method: str
    z_bar: float

    @property
    def mcmc(self) -> float:
        """The Monte Carlo estimate under its former name (:attr:`mc`), read by the presentation layer."""
        return self.mc

    @property
    def z(self) -> float:
        """Difference in Monte Carlo standard errors (inf when the MCSE is zero and they differ)."""
        diff = self.mc - self.exact
        if self.mcse > 0:
            return float(diff / self.mcse)
        return 0.0 if abs(diff) <= ROUNDING else float("inf")

    @property
    def ok(self) -> bool:
        """Whether the estimate agrees with the exact value by :attr:`method`."""
        gap = abs(self.mc - self.exact)
        if self.method == "bound":
            return True
        if self.method == "tail":  # the MCSE may understate the error: widen, never narrow, the bar
            return gap <= max(TAIL_REL_TOL * abs(self.exact), self.z_bar * self.mcse)
        return gap <= self.z_bar * self.mcse + ROUNDING * max(1.0, abs(self.exact))

    @property
    def reason(self) -> str:
        """The rule applied, in words."""
        if self.method == "bound":
            return f"both below {BOUND:g}: reported as a bound"
        if self.method == "tail":
            k = f"{self.khat:.2f}" if np.isfinite(self.khat) else "> 1"
            return (
                f"Pareto k {k} > {TAIL_KHAT}: MCSE may understate the error; "
                f"within {TAIL_REL_TOL:.0%} of exact or {self.z_bar:.2f} MCSE"
            )
        return f"|z| ≤ {self.z_bar:.2f}"

    @property
    def label(self) -> str:
        """``var[scenario]`` (``var`` alone for a forward summary)."""
        return f"{self.var}[{self.scenario}]" if self.scenario else self.var

    @property
    def message(self) -> str:
        """One line: the estimate, its MCSE, the exact value and the rule."""
        return (
            f"Monte Carlo {self.label} {self.mc:.6g} ± {self.mcse:.2g} "
            f"disagrees with the exact {self.exact:.6g} ({self.reason})"
        )


@dataclass(frozen=True)
class Estimate:
    """What :func:`compare` compares: one Monte Carlo estimate and the exact value.

    Attributes
    ----------
    var, scenario : str
        The quantity (see :class:`Agreement`).
    exact : float
        The exact value, in the units of ``mc``.
    mc : float
        The Monte Carlo estimate.
    mcse : float
        Its Monte Carlo standard error.
    khat : float
        Pareto k-hat of its draws' upper tail (``-inf`` when not measured: never ``tail``).
    is_probability : bool
        A probability, reported as a bound below :data:`model.computation.mcmc_result.BOUND`.
    """

    var: str
    scenario: str
    exact: float
    mc: float
    mcse: float
    khat: float = float("-inf")
    is_probability: bool = False


@dataclass(frozen=True)
class Gate:
    """The verdict on a set of Monte Carlo vs exact comparisons (and any other problems found with them).

    Iterating over a gate gives its :class:`Agreement` rows.

    Attributes
    ----------
    rows : tuple of Agreement
        Every comparison, in the order given.
    problems : tuple of str
        Failures that are not comparisons (convergence diagnostics, failed checks), one line each.
    """

    rows: tuple[Agreement, ...]
    problems: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[Agreement]:
        """The rows, in order."""
        return iter(self.rows)

    def __len__(self) -> int:
        """Number of rows."""
        return len(self.rows)

    def __getitem__(self, i: int) -> Agreement:
        """Row ``i``."""
        return self.rows[i]

    @property
    def failures(self) -> list[str]:
        """One line per problem, then per row that disagrees (empty when the gate passes)."""
        return [*self.problems, *(g.message for g in self.rows if not g.ok)]

    @property
    def ok(self) -> bool:
        """No problem and every row agrees."""
        return not self.failures

    def raise_if_failed(self) -> None:
        """Do nothing when the gate passes.

        Raises
        ------
        GateError
            Naming every failure, ``;``-separated.
        """
        if not self.ok:
            raise GateError("; ".join(self.failures))


def z_bar(n_compared: int, alpha: float = FAMILY_ALPHA) -> float:
    """Bonferroni bar: two-sided, family-wise false-alarm rate ``alpha`` over ``n_compared`` z-tests.

    Parameters
    ----------
    n_compared : int
        Number of estimates compared by z (at least one is assumed).
    alpha : float
        Family-wise false-alarm rate.

    Returns
    -------
    float
        The bar in standard errors, ``Phi^-1(1 - alpha / (2 n))``.
    """
    return float(stats.norm.isf(alpha / (2 * max(n_compared, 1))))


def method_of(e: Estimate) -> str:
    """How an estimate is judged: ``bound``, ``tail`` or ``z`` (see :class:`Agreement`).

    Parameters
    ----------
    e : Estimate
        The estimate.

    Returns
    -------
    str
        ``bound`` for a probability below :data:`model.computation.mcmc_result.BOUND` on both paths,
        ``tail`` when its k-hat exceeds :data:`model.computation.mcmc_result.TAIL_KHAT`, else ``z``.
    """
    if e.is_probability and max(e.exact, e.mc) < BOUND:
        return "bound"
    return "tail" if e.khat > TAIL_KHAT else "z"


def compare(
    estimates: Sequence[Estimate], bar: float | None = None, alpha: float = FAMILY_ALPHA, problems: Sequence[str] = ()
) -> Gate:
    """Judge Monte Carlo estimates against the exact values: the one rule of every comparison.

    Parameters
    ----------
    estimates : sequence of Estimate
        What is compared.
    bar : float, optional
        A fixed bar in MCSE (e.g. :data:`MC_Z`); by default the Bonferroni bar :func:`z_bar` over
        the estimates judged by z, at family-wise rate ``alpha``.
    alpha : float
        Family-wise false-alarm rate of the default bar.
    problems : sequence of str
        Other failures to carry in the result (e.g. convergence diagnostics).

    Returns
    -------
    Gate
        One :class:`Agreement` per estimate, in order, and ``problems``.
    """
    methods = [method_of(e) for e in estimates]
    if bar is None:
        bar = z_bar(sum(m == "z" for m in methods), alpha)
    rows = tuple(
        Agreement(e.var, e.scenario, e.exact, e.mc, e.mcse, e.khat, m, bar)
        for e, m in zip(estimates, methods, strict=True)
    )
    return Gate(rows, tuple(problems))


def agreement(exact: ExactPosterior, mcmc: MCMCResult) -> Gate:
    """The PyMC fit against the exact posterior, every reported quantity, by the family-wise gate.

    Parameters
    ----------
    exact : ExactPosterior
        The exact path's posterior.
    mcmc : MCMCResult
        The PyMC fit (posterior means of ``p_z``, ``theta`` and ``r`` per scenario, with MCSE and k-hat).

    Returns
    -------
    Gate
        One row per quantity of ``mcmc``, judged at the Bonferroni bar over the quantities
        compared by z (family-wise :data:`model.computation.mcmc_result.FAMILY_ALPHA`).
    """
    exact_values = exact.labelled().rename({"scenario_prob": "p_z", "theta_mean": "theta", "r_mean": "r"})
    return compare(
        [
            Estimate(
                q.var,
                q.scenario,
                float(exact_values[q.var].sel(scenario=q.scenario)),
                q.mean,
                q.mcse,
                q.khat,
                q.is_probability,
            )
            for q in mcmc.quantities
        ]
    )


def mcmc_gate(exact: ExactPosterior, mcmc: MCMCResult, settings: InferenceSettings) -> Gate:
    """:func:`agreement` with the fit's convergence diagnostics as problems.

    Parameters
    ----------
    exact : ExactPosterior
        The exact path's posterior.
    mcmc : MCMCResult
        The PyMC fit.
    settings : InferenceSettings
        The bars of the diagnostics (``max_rhat``, ``min_ess``).

    Returns
    -------
    Gate
        Passes when the fit converged (:func:`model.computation.mcmc_result.check_convergence`) and agrees.
    """
    return replace(agreement(exact, mcmc), problems=tuple(check_convergence(mcmc, settings)))


def forward_agreement(mc: Summary, exact: dict[str, float], scale: float = 1.0) -> Gate:
    """A forward Monte Carlo summary against its exact values, each within :data:`MC_Z` MCSE.

    Parameters
    ----------
    mc : Summary
        Monte Carlo mean, median, 5% and 95% quantiles and P(exceed), each with its MCSE.
    exact : dict of str to float
        The exact values under the same keys (:meth:`Summary.as_dict`).
    scale : float
        Converts the exact values to the Monte Carlo units (e.g. USD bn per unit share); not
        applied to ``p_exceed``, a probability.

    Returns
    -------
    Gate
        One row per summary, at the fixed bar :data:`MC_Z`.

    Raises
    ------
    KeyError
        When ``exact`` lacks a key of the summary.
    """
    estimates = [
        Estimate(key, "", exact[key] * (1.0 if key == "p_exceed" else scale), est["value"], est["mcse"])
        for key, est in mc.as_dict().items()
    ]
    return compare(estimates, bar=MC_Z)


def checks_gate(checks: Sequence[Check]) -> Gate:
    """The pass/fail rows of a simulation-based check as a gate (no comparison rows).

    Parameters
    ----------
    checks : sequence of Check
        E.g. :meth:`model.computation.checks.SBCResult.checks`.

    Returns
    -------
    Gate
        One problem per failed check, ``name: reason``.
    """
    return Gate((), tuple(f"{c.name}: {c.reason}" for c in checks if not c.passed))


def sobol_gate(results: dict[str, SobolResult]) -> Gate:
    """Revenue cannot move the recovered share, so its total Sobol index on the share is exactly zero:
    the Monte Carlo estimate must be within three of its 95% half-widths of zero, plus 1e-3.

    Parameters
    ----------
    results : dict of str to SobolResult
        :func:`model.computation.sobol.prior_sobol` (reads ``mean share``).

    Returns
    -------
    Gate
        A problem when the estimate is farther from zero.
    """
    share = results["mean share"]
    i = share.names.index("FY2026 revenue")
    st, conf = float(share.ST[i]), float(share.ST_conf[i])
    ok = abs(st) <= 3 * conf + 1e-3
    return Gate((), () if ok else (f"revenue's total Sobol index on the share is {st:.3g} ± {conf:.2g}, not 0",))


def load_gate_sweep(root: Path | None = None) -> dict[str, object]:
    """The stored seed sweep of :func:`agreement` (written by ``scripts/gate_seed_sweep.py``).

    Parameters
    ----------
    root : Path, optional
        The repository root (default: this checkout's).

    Returns
    -------
    dict
        The sweep as stored: ``n_seeds``, ``n_failures``, ``n_not_converged``, ``family_alpha``,
        ``fingerprint``, one entry per seed, ...

    Raises
    ------
    FileNotFoundError
        When :data:`GATE_SWEEP` is missing.
    """
    path = (root or Path(__file__).resolve().parents[2]) / GATE_SWEEP
    return json.loads(path.read_text(encoding="utf-8"))


__all__ = [
    "GATE_SWEEP",
    "MC_Z",
    "Agreement",
    "Estimate",
    "Gate",
    "GateError",
    "agreement",
    "checks_gate",
    "compare",
    "forward_agreement",
    "load_gate_sweep",
    "mcmc_gate",
    "sobol_gate",
    "z_bar",
]
