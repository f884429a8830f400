"""Sensitivity: which assumptions drive the answer. All on the exact path.

* :func:`tornado`: each input moved to its stated low and high (``sensitivity`` section of the
  assumptions); change in P(s | E) for every scenario, E[theta_domestic | E], the mean
  recovered share and the mean recovered USD.
* :func:`sweep`: posterior over a grid of prior strength or tempering weight;
  :func:`weight_spread`, the scenario ranking over tempering weights.

Which news drives it is in :mod:`model.computation.influence`, the forecast after each
evidence date in :mod:`model.computation.history`, variance-based indices in
:mod:`model.computation.sobol`; all three run the exact path through :func:`posterior`.

Results are labelled (xarray, a ``scenario`` dim); nothing here formats or prints. Method:
book/method.md, "Sensitivity and scoring".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import xarray as xr

from .. import SCENARIOS, SIGNALS, by_scenario
from .article import ARTICLE
from .assumptions import Range
from .evidence import Evidence, log_likelihood_table
from .exact import ExactPosterior, exact_posterior
from .likelihood import likelihood_of, revenue_datum
from .pipeline import Setup
from .prior_families import BetaPrior
from .priors import elicit_recovery

OUTPUTS: tuple[str, ...] = ("scenario_prob", "theta_mean", "share_mean", "usd_mean")
"""Variables of :func:`outputs` (and of the tornado): P(z = s | E) and E[theta_s | E] by scenario,
the mean recovered share and the mean recovered USD bn."""

ROW_FLOOR = 0.005
"""Smallest likelihood entry allowed when a row's strength is doubled (then columns renormalised)."""


@dataclass(frozen=True)
class Knobs:
    """Inputs of the exact path that the sensitivity analysis moves (None = as assumed).

    Attributes
    ----------
    base_mean : float or None
        Prior mean of the base case (the other scenarios keep their ratios).
    kappa_factor : float
        Multiplies the Dirichlet strength.
    recovery_scale : dict of str to float or None
        Multiplies the elicited shares of a scenario's recovery prior.
    row_strength : dict of str to float or None
        Strength of a signal class's likelihood row (:func:`scaled_table`).
    weight : float or None
        The tempering weight.
    sd_factor : float
        Multiplies the measurement error of NVIDIA's figures.
    revenue : float or None
        FY2026 revenue (USD bn) while it is unreported (the USD output only).
    recovery_prior : dict of str to BetaPrior or None
        Recovery priors that replace the elicited ones outright (the explorer's interval sliders).
    """

    base_mean: float | None = None
    kappa_factor: float = 1.0
    recovery_scale: dict[str, float] | None = None
    row_strength: dict[str, float] | None = None
    weight: float | None = None
    sd_factor: float = 1.0
    revenue: float | None = None
    recovery_prior: dict[str, BetaPrior] | None = None


def scaled_table(log_table: np.ndarray, strengths: dict[str, float]) -> np.ndarray:
    """Scale the deviations of likelihood rows from their row mean, then renormalise columns.

    ``strength 0`` makes a row carry no information, ``2`` doubles its contrast. Entries
    are floored at :data:`ROW_FLOOR` before renormalising.

    Parameters
    ----------
    log_table : numpy.ndarray
        Shape (classes, scenarios): ``log P(c | s)``.
    strengths : dict of str to float
        Signal class to strength (1: unchanged).

    Returns
    -------
    numpy.ndarray
        Same shape: the scaled ``log P(c | s)``, each column summing to 1 in probability.
    """
    table = np.exp(log_table)
    for c, k in strengths.items():
        i = SIGNALS.index(c)
        row = table[i]
        table[i] = np.maximum(row.mean() + k * (row - row.mean()), ROW_FLOOR)
    return np.log(table / table.sum(axis=0, keepdims=True))


def posterior(setup: Setup, knobs: Knobs = Knobs(), evidence: Evidence | None = None) -> ExactPosterior:
    """The exact posterior with some inputs moved.

    Parameters
    ----------
    setup : Setup
        The inputs.
    knobs : Knobs
        What is moved (default: nothing).
    evidence : Evidence, optional
        Default: all of ``setup``'s.

    Returns
    -------
    ExactPosterior
        By :func:`model.computation.exact.exact_posterior`.
    """
    a, p = setup.assumptions, setup.priors
    if knobs.base_mean is not None:
        rest = p.m[1:] / p.m[1:].sum()
        p = p.with_(m=np.concatenate([[knobs.base_mean], (1 - knobs.base_mean) * rest]))
    if knobs.kappa_factor != 1.0:
        p = p.with_(kappa=p.kappa * knobs.kappa_factor)
    if knobs.recovery_scale:
        rec = dict(p.recovery)
        for s, f in knobs.recovery_scale.items():
            rec[s] = elicit_recovery(a.recovery.of(s), f)
        p = p.with_(recovery=rec)
    if knobs.recovery_prior:
        p = p.with_(recovery={**p.recovery, **knobs.recovery_prior})
    table = log_likelihood_table(a)
    if knobs.row_strength:
        table = scaled_table(table, knobs.row_strength)
    lik = likelihood_of(
        a, evidence or setup.evidence, p, weight=knobs.weight, sd_factor=knobs.sd_factor, log_table=table
    )
    return exact_posterior(p, lik, a.inference.quadrature_nodes)


def outputs(setup: Setup, knobs: Knobs = Knobs(), evidence: Evidence | None = None) -> xr.Dataset:
    """The tornado's outputs (:data:`OUTPUTS`) for one setting of the knobs, labelled by scenario.

    Parameters
    ----------
    setup : Setup
        The inputs.
    knobs : Knobs
        What is moved.
    evidence : Evidence, optional
        Default: all of ``setup``'s.

    Returns
    -------
    xarray.Dataset
        ``scenario_prob`` and ``theta_mean`` (dim ``scenario``), ``share_mean`` (share) and
        ``usd_mean`` (USD bn).
    """
    ex = posterior(setup, knobs, evidence)
    ev = evidence or setup.evidence
    rev = revenue_datum(setup.assumptions, ev).revenue
    if rev is None:
        rev = knobs.revenue if knobs.revenue is not None else setup.priors.revenue.mean
    share = ex.share_mean()
    return xr.Dataset(
        {
            "scenario_prob": by_scenario(ex.scenario_prob),
            "theta_mean": by_scenario(ex.theta_mean),
            "share_mean": share,
            "usd_mean": share * rev,
        }
    )


def _outputs_task(task: tuple[Setup, Knobs, Evidence | None]) -> xr.Dataset:
    """One task of a sensitivity map: :func:`outputs` at one setting."""
    return outputs(*task)


def sensitivity_map(fn: Callable, tasks: list) -> list:
    """``fn`` over ``tasks`` as every sensitivity map runs (milliseconds a task: in this process, or on a Dask cluster).

    Parameters
    ----------
    fn : callable
        A picklable function of one task.
    tasks : list
        The tasks, in order.

    Returns
    -------
    list
        ``fn(task)`` for each task, in the tasks' order (:func:`model.computation.parallel.map_tasks`).
    """
    from .parallel import map_tasks

    return map_tasks(fn, tasks, local_processes=False)


def _pair(name: str, rng: Range, knobs: Callable[[float], Knobs]) -> tuple[str, Knobs, Knobs, str]:
    return (name, knobs(rng.low), knobs(rng.high), rng.reasoning)


def recovery_input(s: str) -> str:
    """The tornado's name, for people, of scenario ``s``'s recovery prior.

    Parameters
    ----------
    s : str
        A scenario.

    Returns
    -------
    str
        ``recovery prior of s``.
    """
    return f"recovery prior of {s}"


def signal_input(c: str) -> str:
    """The tornado's name, for people, of how telling news of signal class ``c`` is.

    Parameters
    ----------
    c : str
        A signal class.

    Returns
    -------
    str
        The name.
    """
    return f"how telling '{c.replace('_', ' ')}' news is"


def tornado_inputs(setup: Setup) -> list[tuple[str, Knobs, Knobs, str]]:
    """Every input of the tornado with its two ends.

    Parameters
    ----------
    setup : Setup
        The inputs.

    Returns
    -------
    list of tuple
        ``(input name, low knobs, high knobs, how the range was set)``.
    """
    r = setup.assumptions.sensitivity
    return [
        _pair("base case's prior probability", r.base_mean, lambda v: Knobs(base_mean=v)),
        _pair("prior strength (pseudo-observations)", r.kappa_factor, lambda v: Knobs(kappa_factor=v)),
        *(_pair(recovery_input(s), r.recovery_scale, lambda v, s=s: Knobs(recovery_scale={s: v})) for s in SCENARIOS),
        *(_pair(signal_input(c), r.signal_row_strength, lambda v, c=c: Knobs(row_strength={c: v})) for c in SIGNALS),
        _pair("discount of repeated news (tempering weight)", r.tempering_weight, lambda v: Knobs(weight=v)),
        _pair(f"precision of {ARTICLE.company}'s disclosures", r.measurement_sd_factor, lambda v: Knobs(sd_factor=v)),
        _pair(f"{ARTICLE.fiscal_year.label} revenue prior", r.revenue_fy2026, lambda v: Knobs(revenue=v)),
    ]


@dataclass(frozen=True)
class Tornado:
    """Each input moved to its stated low and high: the outputs at both ends and at the defaults.

    Attributes
    ----------
    at : xarray.Dataset
        :func:`outputs` at each end: dims ``input`` (with the coord ``reasoning``: how the range was
        set) and ``bound`` (``low``, ``high``), plus ``scenario`` for scenario-indexed outputs.
    default : xarray.Dataset
        :func:`outputs` at the assumed values.
    """

    at: xr.Dataset
    default: xr.Dataset

    def select(self, var: str, scenario: str | None = None) -> xr.DataArray:
        """One output, dims (input, bound).

        Parameters
        ----------
        var : str
            One of :data:`OUTPUTS`.
        scenario : str, optional
            For a scenario-indexed output.

        Returns
        -------
        xarray.DataArray
            Dims ``input``, ``bound`` (and ``scenario`` when it is not given).
        """
        da = self.at[var]
        return da.sel(scenario=scenario) if scenario is not None else da

    def swing(self, var: str, scenario: str | None = None) -> xr.DataArray:
        """|high - low| of one output per input, largest first.

        Parameters
        ----------
        var, scenario : str, str or None
            As for :meth:`select`.

        Returns
        -------
        xarray.DataArray
            Dim ``input``, sorted by decreasing swing.
        """
        da = self.select(var, scenario)
        sw = abs(da.sel(bound="high") - da.sel(bound="low"))
        return sw.sortby(-sw)

    def most_influential(self, var: str, scenario: str | None = None) -> str:
        """The input with the largest swing of one output.

        Parameters
        ----------
        var : str
            One of :data:`OUTPUTS`.
        scenario : str, optional
            For a scenario-indexed output.

        Returns
        -------
        str
            The input's name.
        """
        return str(self.swing(var, scenario).input.values[0])


def tornado(setup: Setup) -> Tornado:
    """Every tornado input (:func:`tornado_inputs`) at its low and high end, exact path.

    Parameters
    ----------
    setup : Setup
        The inputs.

    Returns
    -------
    Tornado
        The outputs at both ends and at the defaults.
    """
    pairs = tornado_inputs(setup)
    out = sensitivity_map(_outputs_task, [(setup, k, None) for _, lo, hi, _ in pairs for k in (lo, hi)])
    ends = [xr.concat(out[2 * i : 2 * i + 2], dim="bound") for i in range(len(pairs))]
    at = xr.concat(ends, dim="input").assign_coords(
        input=[p[0] for p in pairs], bound=["low", "high"], reasoning=("input", [p[3] for p in pairs])
    )
    return Tornado(at=at, default=outputs(setup))


SWEEP_GRIDS: dict[str, np.ndarray] = {
    "kappa_factor": np.geomspace(0.1, 10.0, 41),
    "weight": np.linspace(0.1, 1.0, 37),
}
"""The book's sweeps: prior strength from a tenth to ten times the elicited, tempering weight 0.1 to 1."""


def sweep(setup: Setup, name: str, grid: Sequence[float] | None = None) -> xr.Dataset:
    """Posterior P(z = s | E) and E[theta_s | E] over a grid of ``kappa_factor`` or ``weight`` (dim ``value``).

    Parameters
    ----------
    setup : Setup
        The inputs.
    name : str
        ``kappa_factor`` or ``weight``.
    grid : sequence of float, optional
        Default :data:`SWEEP_GRIDS`.

    Returns
    -------
    xarray.Dataset
        ``scenario_prob`` and ``theta_mean``, dims (value, scenario).

    Raises
    ------
    ValueError
        For another ``name``.
    """
    if name not in SWEEP_GRIDS:
        raise ValueError(f"unknown sweep '{name}'")
    grid = SWEEP_GRIDS[name] if grid is None else grid
    out = sensitivity_map(_outputs_task, [(setup, Knobs(**{name: float(v)}), None) for v in grid])
    post = [o[["scenario_prob", "theta_mean"]] for o in out]
    return xr.concat(post, dim="value").assign_coords(value=np.asarray(grid, dtype=float))


def weight_spread(setup: Setup, n: int = 16) -> xr.Dataset:
    """Min and max of each P(z = s | E) over the stated range of the tempering weight (exact path).

    Parameters
    ----------
    setup : Setup
        The inputs.
    n : int
        Weights evaluated, evenly spaced over the range.

    Returns
    -------
    xarray.Dataset
        ``min`` and ``max``, dim ``scenario``.
    """
    r = setup.assumptions.signals.weight_range
    probs = sweep(setup, "weight", np.linspace(r.low, r.high, n))["scenario_prob"]
    return xr.Dataset({"min": probs.min("value"), "max": probs.max("value")})


def leader(spread: xr.Dataset) -> str | None:
    """The scenario that leads at every weight in the range (its minimum beats every other's maximum), if any.

    Parameters
    ----------
    spread : xarray.Dataset
        :func:`weight_spread`.

    Returns
    -------
    str or None
        The scenario, or None when the lead changes within the range.
    """
    for s in SCENARIOS:
        others = spread["max"].drop_sel(scenario=s)
        if bool((spread["min"].sel(scenario=s) > others).all()):
            return s
    return None


def ranked(probs: xr.DataArray) -> list[str]:
    """Scenarios from the most to the least probable (ties in :data:`SCENARIOS` order).

    Parameters
    ----------
    probs : xarray.DataArray
        Dim ``scenario``.

    Returns
    -------
    list of str
        The scenarios.
    """
    order = np.argsort(-probs.values, kind="stable")
    return [str(probs.scenario.values[i]) for i in order]
