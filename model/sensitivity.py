"""Sensitivity: which assumptions and which news drive the answer. All on the exact path.

* :func:`tornado`: each input moved to its stated low and high (``sensitivity`` section of the
  assumptions); change in P(s | E) for every scenario, E[theta_domestic | E], the mean
  recovered share and the mean recovered USD.
* :func:`sweep`: posterior over a grid of prior strength or tempering weight.
* :func:`event_influence`: leave-one-out change in posterior log-odds of each scenario.
* :func:`sobol_indices`: variance-based indices (SALib) of a function of independent inputs,
  and :func:`prior_sobol`, the indices of the mean recovered share and USD under the prior.
* :func:`belief_over_time`: the posterior after each evidence date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
from scipy import stats

from . import SCENARIOS, SIGNALS
from .assumptions import Range
from .evidence import CONFIDENCE_LEVELS, Evidence, log_likelihood_table, select
from .exact import ExactPosterior, exact_posterior
from .likelihood import likelihood_of, revenue_datum
from .pipeline import Setup
from .priors import elicit_recovery

OUTPUTS: tuple[str, ...] = tuple(f"P({s})" for s in SCENARIOS) + ("E[theta_domestic]", "mean share", "mean USD bn")
"""Quantities the tornado reports."""

ROW_FLOOR = 0.005
"""Smallest likelihood entry allowed when a row's strength is doubled (then columns renormalised)."""


@dataclass(frozen=True)
class Knobs:
    """Inputs of the exact path that the sensitivity analysis moves (None = as assumed)."""

    base_mean: float | None = None
    kappa_factor: float = 1.0
    recovery_scale: dict[str, float] | None = None
    row_strength: dict[str, float] | None = None
    weight: float | None = None
    sd_factor: float = 1.0
    revenue: float | None = None


def scaled_table(log_table: np.ndarray, strengths: dict[str, float]) -> np.ndarray:
    """Scale the deviations of likelihood rows from their row mean, then renormalise columns.

    ``strength 0`` makes a row carry no information, ``2`` doubles its contrast. Entries
    are floored at :data:`ROW_FLOOR` before renormalising.
    """
    table = np.exp(log_table)
    for c, k in strengths.items():
        i = SIGNALS.index(c)
        row = table[i]
        table[i] = np.maximum(row.mean() + k * (row - row.mean()), ROW_FLOOR)
    return np.log(table / table.sum(axis=0, keepdims=True))


def posterior(setup: Setup, knobs: Knobs = Knobs(), evidence: Evidence | None = None) -> ExactPosterior:
    """The exact posterior with some inputs moved."""
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
    table = log_likelihood_table(a)
    if knobs.row_strength:
        table = scaled_table(table, knobs.row_strength)
    lik = likelihood_of(
        a, evidence or setup.evidence, p, weight=knobs.weight, sd_factor=knobs.sd_factor, log_table=table
    )
    return exact_posterior(p, lik, a.inference.quadrature_nodes)


def outputs(setup: Setup, knobs: Knobs = Knobs(), evidence: Evidence | None = None) -> dict[str, float]:
    """The tornado's output quantities for one setting of the knobs."""
    ex = posterior(setup, knobs, evidence)
    ev = evidence or setup.evidence
    rev = revenue_datum(setup.assumptions, ev).revenue
    if rev is None:
        rev = knobs.revenue if knobs.revenue is not None else setup.priors.revenue.mean
    share = ex.share_mean()
    return {
        **{f"P({s})": float(ex.scenario_prob[i]) for i, s in enumerate(SCENARIOS)},
        "E[theta_domestic]": float(ex.theta_mean[SCENARIOS.index("domestic")]),
        "mean share": share,
        "mean USD bn": share * rev,
    }


def _pair(name: str, rng: Range, knobs: Callable[[float], Knobs]) -> tuple[str, Knobs, Knobs, str]:
    return (name, knobs(rng.low), knobs(rng.high), rng.reasoning)


def tornado_inputs(setup: Setup) -> list[tuple[str, Knobs, Knobs, str]]:
    """(input name, low knobs, high knobs, how the range was set) for every input."""
    r = setup.assumptions.sensitivity
    return [
        _pair("base-case mean m_base", r.base_mean, lambda v: Knobs(base_mean=v)),
        _pair("prior strength kappa", r.kappa_factor, lambda v: Knobs(kappa_factor=v)),
        *(
            _pair(f"recovery interval r_{s}", r.recovery_scale, lambda v, s=s: Knobs(recovery_scale={s: v}))
            for s in SCENARIOS
        ),
        *(
            _pair(f"likelihood row {c}", r.signal_row_strength, lambda v, c=c: Knobs(row_strength={c: v}))
            for c in SIGNALS
        ),
        _pair("tempering weight w", r.tempering_weight, lambda v: Knobs(weight=v)),
        _pair("disclosure precision (sd factor)", r.measurement_sd_factor, lambda v: Knobs(sd_factor=v)),
        _pair("FY2026 revenue prior", r.revenue_fy2026, lambda v: Knobs(revenue=v)),
    ]


def tornado(setup: Setup) -> list[dict[str, object]]:
    """One row per (input, output): value at low, at high, the swing; sorted by swing per output."""
    base = outputs(setup)
    rows: list[dict[str, object]] = []
    for name, lo, hi, why in tornado_inputs(setup):
        out_lo, out_hi = outputs(setup, lo), outputs(setup, hi)
        for q in OUTPUTS:
            rows.append(
                {
                    "input": name,
                    "output": q,
                    "default": base[q],
                    "low": out_lo[q],
                    "high": out_hi[q],
                    "swing": abs(out_hi[q] - out_lo[q]),
                    "range": why,
                }
            )
    order = {q: i for i, q in enumerate(OUTPUTS)}
    return sorted(rows, key=lambda r: (order[str(r["output"])], -float(r["swing"])))  # type: ignore[arg-type]


def most_influential_input(rows: Sequence[dict[str, object]], output: str) -> dict[str, object]:
    """The tornado row with the largest swing for ``output``."""
    return max((r for r in rows if r["output"] == output), key=lambda r: float(r["swing"]))  # type: ignore[arg-type]


def sweep(setup: Setup, name: str, grid: Sequence[float]) -> dict[str, np.ndarray]:
    """Posterior P(z = s | E) and E[theta_s | E] over a grid of ``kappa_factor`` or ``weight``."""
    if name not in ("kappa_factor", "weight"):
        raise ValueError(f"unknown sweep '{name}'")
    post = [posterior(setup, Knobs(**{name: float(v)})) for v in grid]
    return {
        "grid": np.asarray(grid, dtype=float),
        "scenario_prob": np.array([p.scenario_prob for p in post]),
        "theta_mean": np.array([p.theta_mean for p in post]),
    }


def weight_spread(setup: Setup, n: int = 16) -> dict[str, dict[str, float]]:
    """Min and max of each P(z = s | E) over the stated range of the tempering weight (exact path)."""
    r = setup.assumptions.signals.weight_range
    probs = sweep(setup, "weight", np.linspace(r.low, r.high, n))["scenario_prob"]
    return {s: {"min": float(probs[:, i].min()), "max": float(probs[:, i].max())} for i, s in enumerate(SCENARIOS)}


def leader(spread: dict[str, dict[str, float]]) -> str | None:
    """The scenario that leads at every weight in the range (its minimum beats every other's maximum), if any."""
    for s in SCENARIOS:
        if all(spread[s]["min"] > spread[o]["max"] for o in SCENARIOS if o != s):
            return s
    return None


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-300, 1 - 1e-16)
    return np.log(p) - np.log1p(-p)


def evidence_items(setup: Setup) -> list[tuple[str, str, dt.date, str, str]]:
    """(id, label, date, confidence, kind) of every item of evidence that enters the likelihood.

    The signal events, and the revenue datum as one item named by the period that defines it
    (the full year, or the latest quarter of a partial sum); leaving it out falls back to what
    was known without that report.
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


def event_influence(setup: Setup) -> list[dict[str, object]]:
    """Leave-one-out: log-odds(s | all evidence) - log-odds(s | all but this item), per scenario.

    Positive values mean the item raised the scenario. Rows sorted by the largest absolute
    change over scenarios (ties, e.g. events of one signal class, by date).
    """
    full = _logit(posterior(setup).scenario_prob)
    rows = []
    for item_id, label, date, conf, kind in evidence_items(setup):
        loo = _logit(posterior(setup, evidence=setup.evidence.without(item_id)).scenario_prob)
        delta = full - loo
        row: dict[str, object] = {
            "id": item_id,
            "date": date.isoformat(),
            "signal": label,
            "confidence": conf,
            "kind": kind,
        }
        row.update({s: float(delta[i]) for i, s in enumerate(SCENARIOS)})
        row["max_abs"] = float(np.max(np.abs(delta)))
        rows.append(row)
    return sorted(rows, key=lambda r: (-round(float(r["max_abs"]), 9), str(r["date"])))  # type: ignore[arg-type]


def most_influential_event(rows: Sequence[dict[str, object]], scenario: str) -> dict[str, object]:
    """The news event (not a quarterly report) that moves ``scenario``'s log-odds the most.

    Ties (events of one signal class move it equally) go to the earliest event.
    """
    events = [r for r in rows if r["kind"] == "event"]
    top = max(abs(float(r[scenario])) for r in events)  # type: ignore[arg-type]
    return min((r for r in events if abs(float(r[scenario])) >= top - 1e-12), key=lambda r: str(r["date"]))  # type: ignore[arg-type]


def evidence_quality(setup: Setup) -> dict[str, ExactPosterior]:
    """The exact posterior with all evidence and with only ``two_sources`` evidence."""
    st = setup.evidence
    strong = select(st.events, st.periods, st.as_of, CONFIDENCE_LEVELS[-1])
    return {"all": posterior(setup), CONFIDENCE_LEVELS[-1]: posterior(setup, evidence=strong)}


# --------------------------------------------------------------------------- Sobol


@dataclass(frozen=True)
class SobolResult:
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
    func : maps an (N, d) array of inputs to N outputs
    ppfs : inverse CDF of each input
    n : base sample size (a power of 2); SALib evaluates ``n (d + 2)`` points
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
    Second output: mean recovered USD = share * revenue.
    """
    p = setup.priors
    alpha = p.dirichlet_alpha
    names = [f"g_{s}" for s in SCENARIOS] + [f"r_{s}" for s in SCENARIOS] + ["revenue"]
    ppfs: list[Callable[[np.ndarray], np.ndarray]] = [lambda u, a=a: stats.gamma.ppf(u, a) for a in alpha]
    ppfs += [lambda u, a=a, b=b: stats.beta.ppf(u, a, b) for a, b in zip(p.r_alpha, p.r_beta, strict=True)]
    ppfs.append(lambda u: stats.lognorm.ppf(u, s=p.revenue.sigma, scale=np.exp(p.revenue.mu)))

    def share(x: np.ndarray) -> np.ndarray:
        g, r = x[:, :4], x[:, 4:8]
        return (g * r).sum(axis=1) / g.sum(axis=1)

    seed = setup.assumptions.seed.value
    return {
        "mean share": sobol_indices(share, names, ppfs, n, seed),
        "mean USD bn": sobol_indices(lambda x: share(x) * x[:, 8], names, ppfs, n, seed),
    }


# --------------------------------------------------------------------------- time and scores


def belief_over_time(setup: Setup, start: dt.date | None = None) -> list[tuple[dt.date, np.ndarray]]:
    """Exact P(z = s | evidence up to d) at the article's date and after each evidence date."""
    ev = setup.evidence
    start = start or setup.assumptions.measurement.reversal_date.value
    dates = [start] + [d for d in ev.dates() if d > start]
    out = []
    for d in dates:
        sub = select(ev.events, ev.periods, d, ev.min_confidence)
        out.append((d, posterior(setup, evidence=sub).scenario_prob))
    return out


@dataclass(frozen=True)
class Revision:
    """The forecast after one evidence date, and how it scores against the realised share."""

    date: dt.date
    arrived: tuple[str, ...]
    """What arrived that day: event ids with their signal class, or a report."""
    prob_before: np.ndarray
    prob_after: np.ndarray
    share: dict[str, float]
    """Exact forecast of the recovered share: mean, median, q05, q95, p_exceed."""
    log_score: float | None
    """log density of the realised share under the forecast (higher is better)."""
    crps: float | None
    """Continuous ranked probability score against the realised share, in share units (lower is better)."""
    in_sample: bool = False
    """The forecast already saw a revenue datum (a quarter's or the year's H20 sales), which is what
    the realised share is made of: its score is not a test of forecasting."""


def _arrivals(ev: Evidence, d: dt.date) -> tuple[str, ...]:
    items = [f"{e.id} {e.signal}" if e.is_signal else f"{e.id} (re-report)" for e in ev.events if e.date == d]
    items += [f"{q.fiscal_period} report" for q in ev.periods if q.reported == d]
    return tuple(items)


def forecast_history(setup: Setup, realised: float | None = None) -> list[Revision]:
    """The exact forecast of scenario and recovered share after each evidence date, scored.

    The first row is the article's view (the prior, before any evidence). ``realised``
    defaults to the realised share of the full evidence (None while FY2026 is unreported:
    then nothing is scored).
    """
    from .exact import crps as crps_score

    ev = setup.evidence
    realised = realised if realised is not None else setup.likelihood.revenue.realised_share
    thr = setup.assumptions.inference.recovery_threshold
    start = setup.assumptions.measurement.reversal_date.value
    dates = [d for d in ev.dates() if d >= start]
    rows: list[Revision] = []
    before = setup.priors.m
    for i, d in enumerate([start, *dates]):
        sub = select(ev.events, ev.periods, d, ev.min_confidence) if i else replace_evidence(ev, d)
        post = posterior(setup, evidence=sub)
        rows.append(
            Revision(
                date=d,
                arrived=_arrivals(ev, d) if i else ("the article (prior)",),
                prob_before=before,
                prob_after=post.scenario_prob,
                share=post.share_summary(thr),
                log_score=None if realised is None else float(np.log(max(post.share_density(realised), 1e-300))),
                crps=None if realised is None else crps_score(post.share_cdf, realised),
                in_sample=revenue_datum(setup.assumptions, sub).kind != "none",
            )
        )
        before = post.scenario_prob
    return rows


def replace_evidence(ev: Evidence, as_of: dt.date) -> Evidence:
    """No evidence at all, dated ``as_of`` (the article's view)."""
    return select((), (), as_of, ev.min_confidence)


def baseline_scores(setup: Setup, realised: float) -> dict[str, dict[str, float]]:
    """Log score and CRPS of the article's prior and of a uniform-scenario baseline against ``realised``."""
    from .exact import crps as crps_score
    from .exact import exact_prior

    out = {}
    for name, m in (("article", setup.priors.m), ("uniform", np.full(len(SCENARIOS), 1.0 / len(SCENARIOS)))):
        pr = exact_prior(setup.priors.with_(m=m))
        out[name] = {
            "log_score": float(np.log(max(pr.share_density(realised), 1e-300))),
            "crps": crps_score(pr.share_cdf, realised),
        }
    return out


def brier(p: np.ndarray, outcome: int) -> float:
    """Brier score sum_s (p_s - 1[s = outcome])^2 (0 is perfect, 2 is worst)."""
    o = np.zeros(len(p))
    o[outcome] = 1.0
    return float(np.sum((np.asarray(p) - o) ** 2))


def log_score(p: np.ndarray, outcome: int) -> float:
    """Logarithmic score log p_outcome (natural log; 0 is perfect, more negative is worse)."""
    return float(np.log(max(float(p[outcome]), 1e-300)))


def score_table(forecasts: dict[str, np.ndarray]) -> list[dict[str, object]]:
    """Brier and log scores of each forecast under every possible outcome label."""
    rows = []
    for name, p in forecasts.items():
        for i, s in enumerate(SCENARIOS):
            rows.append({"forecast": name, "outcome": s, "brier": brier(p, i), "log": log_score(p, i)})
    return rows


def forecasts(setup: Setup) -> dict[str, np.ndarray]:
    """The article's prior, a uniform baseline and the final posterior."""
    return {
        "article (45% base, rest split)": setup.priors.m,
        "uniform": np.full(len(SCENARIOS), 1.0 / len(SCENARIOS)),
        "posterior (all evidence)": posterior(setup).scenario_prob,
    }


# --------------------------------------------------------------------------- CLI report


def sensitivity_report(setup: Setup, top: int = 10) -> dict[str, object]:
    """Tornado table and event influence, JSON-ready (``python -m model sensitivity``)."""
    r = lambda x: float(round(x, 6))  # noqa: E731
    return {
        "as_of": setup.evidence.as_of.isoformat(),
        "tornado": [
            {k: (r(v) if isinstance(v, float) else v) for k, v in row.items() if k != "range"} for row in tornado(setup)
        ],
        "event_influence": [
            {k: (r(v) if isinstance(v, float) else v) for k, v in row.items()} for row in event_influence(setup)[:top]
        ],
    }


def print_sensitivity(rep: dict) -> None:
    print(f"Sensitivity on the exact path, evidence as of {rep['as_of']}")
    last = None
    for row in rep["tornado"]:
        if row["output"] != last:
            last = row["output"]
            print(f"\nTornado: {last} (default {row['default']:.4g})")
            print(f"  {'input':<36}{'low':>12}{'high':>12}{'swing':>12}")
        if row["swing"] > 0:
            print(f"  {row['input']:<36}{row['low']:>12.4g}{row['high']:>12.4g}{row['swing']:>12.4g}")
    print("\nMost influential evidence (log-odds with minus without the item)")
    print(f"  {'id':<11}{'date':<12}{'signal':<20}{'confidence':<16}" + "".join(f"{s:>10}" for s in SCENARIOS))
    for row in rep["event_influence"]:
        print(
            f"  {row['id']:<11}{row['date']:<12}{row['signal']:<20}{row['confidence']:<16}"
            + "".join(f"{row[s]:>10.3f}" for s in SCENARIOS)
        )
