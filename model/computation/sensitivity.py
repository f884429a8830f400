"""Sensitivity: which assumptions and which news drive the answer. All on the exact path.

* :func:`tornado`: each input moved to its stated low and high (``sensitivity`` section of the
  assumptions); change in P(s | E) for every scenario, E[theta_domestic | E], the mean
  recovered share and the mean recovered USD.
* :func:`sweep`: posterior over a grid of prior strength or tempering weight.
* :func:`event_influence`: leave-one-out change in posterior log-odds of each scenario.
* :func:`sobol_indices`: variance-based indices (SALib) of a function of independent inputs,
  and :func:`prior_sobol`, the indices of the mean recovered share and USD under the prior.
* :func:`belief_over_time`: the posterior after each evidence date.

Results are labelled (xarray, a ``scenario`` dim); nothing here formats or prints. Method:
book/method.md, "Sensitivity and scoring".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import xarray as xr
from scipy import stats

from .. import SCENARIOS, SIGNALS, by_scenario
from .assumptions import Range
from .evidence import CONFIDENCE_LEVELS, Evidence, log_likelihood_table, select
from .exact import ExactPosterior, exact_posterior
from .likelihood import likelihood_of, revenue_datum
from .pipeline import Setup
from .priors import BetaPrior, elicit_recovery

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


def _log_odds_task(task: tuple[Setup, Knobs, Evidence | None]) -> np.ndarray:
    """One task of the influence map: the exact log-odds of each scenario at one setting (stable near 0 and 1)."""
    return posterior(*task).log_odds()


def _probs_task(task: tuple[Setup, Knobs, Evidence | None]) -> np.ndarray:
    """One task of a sensitivity map: the exact ``P(z = s | E)`` at one setting."""
    return posterior(*task).scenario_prob


def _map(fn: Callable, tasks: list) -> list:
    """A sensitivity map (milliseconds a task: local processes never pay; a Dask cluster may run it)."""
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
        _pair("precision of NVIDIA's disclosures", r.measurement_sd_factor, lambda v: Knobs(sd_factor=v)),
        _pair("FY2026 revenue prior", r.revenue_fy2026, lambda v: Knobs(revenue=v)),
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
        var : str
            One of :data:`OUTPUTS`.
        scenario : str, optional
            For a scenario-indexed output.

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
    out = _map(_outputs_task, [(setup, k, None) for _, lo, hi, _ in pairs for k in (lo, hi)])
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
    out = _map(_outputs_task, [(setup, Knobs(**{name: float(v)}), None) for v in grid])
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


def evidence_items(setup: Setup) -> list[tuple[str, str, dt.date, str, str]]:
    """Every item of evidence that enters the likelihood.

    The signal events, and the revenue datum as one item named by the period that defines it
    (the full year, or the latest quarter of a partial sum); leaving it out falls back to what
    was known without that report.

    Parameters
    ----------
    setup : Setup
        The inputs.

    Returns
    -------
    list of tuple
        ``(id, label, date, confidence, kind)``, ``kind`` ``event`` or ``revenue``.
    """
    ev = setup.evidence
    items = [(e.id, e.signal, e.date, e.confidence, "event") for e in ev.signal_events]
    obs = setup.likelihood.revenue
    if obs.kind != "none":
        key = obs.periods[0] if obs.kind == "annual" else obs.periods[-1]
        q = next(p for p in ev.periods if p.fiscal_period == key)
        label = f"post-reversal H20 USD {obs.usd_bn:.2f}bn"
        items.append((key, label, q.reported, q.confidence, "revenue"))
    return items


def event_influence(setup: Setup) -> xr.Dataset:
    """Leave-one-out: log-odds(s | all evidence) - log-odds(s | all but this item), per scenario.

    Parameters
    ----------
    setup : Setup
        The inputs.

    Returns
    -------
    xarray.Dataset
        ``delta`` with dims (item, scenario), positive where the item raised the scenario, and
        ``max_abs`` (dim ``item``); items carry ``date``, ``label`` (signal class, or the revenue
        datum), ``confidence`` and ``kind`` (``event`` or ``revenue``), and are sorted by the largest
        absolute change over scenarios (ties, e.g. events of one signal class, by date).
    """
    full = posterior(setup).log_odds()
    items = evidence_items(setup)
    left_out = _map(_log_odds_task, [(setup, Knobs(), setup.evidence.without(it[0])) for it in items])
    delta = [full - lo for lo in left_out]
    ds = xr.Dataset(
        {"delta": (("item", "scenario"), np.array(delta).reshape(len(items), len(SCENARIOS)))},
        coords={
            "item": [it[0] for it in items],
            "scenario": list(SCENARIOS),
            "label": ("item", [it[1] for it in items]),
            "date": ("item", [it[2].isoformat() for it in items]),
            "confidence": ("item", [it[3] for it in items]),
            "kind": ("item", [it[4] for it in items]),
        },
    )
    ds["max_abs"] = abs(ds["delta"]).max("scenario")
    order = sorted(range(len(items)), key=lambda i: (-round(float(ds["max_abs"][i]), 9), items[i][2]))
    return ds.isel(item=order)


def most_influential_events(influence: xr.Dataset, scenario: str) -> list[str]:
    """The news events (not quarterly reports) that move ``scenario``'s log-odds the most, by date.

    Parameters
    ----------
    influence : xarray.Dataset
        :func:`event_influence`.
    scenario : str
        A scenario.

    Returns
    -------
    list of str
        Event ids; more than one when they tie (events of one signal class move it equally).
    """
    events = influence.isel(item=(influence["kind"] == "event").values)
    move = abs(events["delta"].sel(scenario=scenario)).values
    tied = events.isel(item=move >= move.max() - 1e-12)
    return [str(i) for i in tied.sortby("date").item.values]


def most_influential_event(influence: xr.Dataset, scenario: str) -> str:
    """The earliest of :func:`most_influential_events`.

    Parameters
    ----------
    influence : xarray.Dataset
        :func:`event_influence`.
    scenario : str
        A scenario.

    Returns
    -------
    str
        An event id.
    """
    return most_influential_events(influence, scenario)[0]


def evidence_quality(setup: Setup) -> dict[str, ExactPosterior]:
    """The exact posterior with all evidence and with only ``two_sources`` evidence.

    Parameters
    ----------
    setup : Setup
        The inputs.

    Returns
    -------
    dict of str to ExactPosterior
        Keys ``all`` and ``two_sources``.
    """
    st = setup.evidence
    strong = select(st.events, st.periods, st.as_of, CONFIDENCE_LEVELS[-1])
    return {"all": posterior(setup), CONFIDENCE_LEVELS[-1]: posterior(setup, evidence=strong)}


# --------------------------------------------------------------------------- Sobol


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


# --------------------------------------------------------------------------- time and scores


def belief_over_time(setup: Setup, start: dt.date | None = None) -> xr.DataArray:
    """Exact P(z = s | evidence up to d): the article's date, then each evidence date.

    Parameters
    ----------
    setup : Setup
        The inputs.
    start : datetime.date, optional
        The first date (default: the reversal date).

    Returns
    -------
    xarray.DataArray
        Dims (date, scenario).
    """
    ev = setup.evidence
    start = start or setup.assumptions.measurement.reversal_date.value
    dates = [start] + [d for d in ev.dates() if d > start]
    probs = _map(_probs_task, [(setup, Knobs(), select(ev.events, ev.periods, d, ev.min_confidence)) for d in dates])
    return xr.DataArray(
        np.array(probs), dims=("date", "scenario"), coords={"date": dates, "scenario": list(SCENARIOS)}, name="P(z|E)"
    )


@dataclass(frozen=True)
class Revision:
    """The forecast after one evidence date, and how it scores against the realised share.

    Attributes
    ----------
    date : datetime.date
        The evidence date.
    arrived : tuple of str
        What arrived that day: event ids with their signal class, or a report.
    prob_before : xarray.DataArray
        P(z = s | evidence before this date), dim ``scenario``.
    prob_after : xarray.DataArray
        P(z = s | evidence up to this date), dim ``scenario``.
    share : dict of str to float
        Exact forecast of the recovered share: mean, median, q05, q95, p_exceed.
    log_score : float or None
        Log density of the realised share under the forecast (higher is better; None unscored).
    crps : float or None
        Continuous ranked probability score against the realised share, in share units (lower is better).
    in_sample : bool
        The forecast already saw a revenue datum (a quarter's or the year's H20 sales), which is what
        the realised share is made of: its score is not a test of forecasting.
    """

    date: dt.date
    arrived: tuple[str, ...]
    prob_before: xr.DataArray
    prob_after: xr.DataArray
    share: dict[str, float]
    log_score: float | None
    crps: float | None
    in_sample: bool = False


def _arrivals(ev: Evidence, d: dt.date) -> tuple[str, ...]:
    items = [f"{e.id} {e.signal}" if ev.is_signal(e) else f"{e.id} (not a signal)" for e in ev.events if e.date == d]
    items += [f"{q.fiscal_period} report" for q in ev.periods if q.reported == d]
    return tuple(items)


def forecast_history(setup: Setup, realised: float | None = None, until: dt.date | None = None) -> list[Revision]:
    """The exact forecast of scenario and recovered share after each evidence date, scored.

    The first row is the article's view (the prior, before any evidence).

    Parameters
    ----------
    setup : Setup
        The inputs.
    realised : float, optional
        The realised share (default: that of the full evidence; None while FY2026 is unreported,
        and then nothing is scored).
    until : datetime.date, optional
        The last evidence date replayed (default: every one).

    Returns
    -------
    list of Revision
        In date order.
    """
    from .exact import crps as crps_score

    ev = setup.evidence
    realised = realised if realised is not None else setup.likelihood.revenue.realised_share
    thr = setup.assumptions.inference.recovery_threshold
    start = setup.assumptions.measurement.reversal_date.value
    dates = [d for d in ev.dates() if d >= start and (until is None or d <= until)]
    rows: list[Revision] = []
    before = by_scenario(setup.priors.m)
    for i, d in enumerate([start, *dates]):
        sub = select(ev.events, ev.periods, d, ev.min_confidence) if i else replace_evidence(ev, d)
        post = posterior(setup, evidence=sub)
        rows.append(
            Revision(
                date=d,
                arrived=_arrivals(sub, d) if i else ("the article (prior)",),
                prob_before=before,
                prob_after=by_scenario(post.scenario_prob),
                share=post.share_summary(thr),
                log_score=None if realised is None else float(np.log(max(post.share_density(realised), 1e-300))),
                crps=None if realised is None else crps_score(post.share_cdf, realised),
                in_sample=revenue_datum(setup.assumptions, sub).kind != "none",
            )
        )
        before = rows[-1].prob_after
    return rows


def replace_evidence(ev: Evidence, as_of: dt.date) -> Evidence:
    """No evidence at all, dated ``as_of`` (the article's view).

    Parameters
    ----------
    ev : Evidence
        Gives the confidence level.
    as_of : datetime.date
        The date.

    Returns
    -------
    Evidence
        Empty.
    """
    return select((), (), as_of, ev.min_confidence)
