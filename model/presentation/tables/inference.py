"""Tables of what comes out: the inference, the belief over time and its drivers (chapters 4–7)."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import xarray as xr

from ... import SCENARIOS
from ...computation.exact import ExactPosterior
from ...computation.gates import Agreement
from ...computation.history import Revision
from ...computation.mcmc_result import MCMCResult
from ...computation.sensitivity import Tornado
from ...computation.sobol import SobolResult
from ..numbers import (
    label,
    num,
    prob_text,
    quantity_label,
    score_text,
    share_range,
    share_text,
    sig,
    signed,
    usd_text,
)
from .base import (
    Cell,
    Table,
    table,
)


def _khat_text(k: float) -> str:
    """Pareto k for people: '—' for constant draws, '> 1' when the tail fit diverges."""
    if k == float("-inf"):
        return "—"
    return "> 1" if not np.isfinite(k) or k > 1 else f"{k:.2f}"


def _value_text(var: str, x: float) -> str:
    return prob_text(x) if var == "p_z" else f"{x:.4g}"


def diagnostics_table(fit: MCMCResult) -> Table:
    """MCMC diagnostics per reported quantity."""
    return table(
        (
            {
                "quantity": quantity_label(q.var, q.scenario),
                "mean": _value_text(q.var, q.mean),
                "MCSE": f"{q.mcse:.2g}",
                "bulk ESS": f"{q.ess_bulk:,.0f}",
                "r̂": f"{q.r_hat:.3f}",
                "Pareto k": _khat_text(q.khat),
            }
            for q in fit.quantities
        ),
        numeric={"mean", "MCSE", "bulk ESS", "r̂", "Pareto k"},
    )


def agreement_table(rows: Sequence[Agreement]) -> Table:
    """The agreement gate: exact vs MCMC per quantity, how it is judged and the verdict."""
    return table(
        (
            {
                "quantity": quantity_label(g.var, g.scenario),
                "exact": _value_text(g.var, g.exact),
                "MCMC ± MCSE": f"{g.mcmc:.4g} ± {g.mcse:.2g}",
                "z": "—" if g.method != "z" else signed(g.z, 2),
                "rule": g.reason,
                "agrees": "yes" if g.ok else "NO",
            }
            for g in rows
        ),
        numeric={"exact", "MCMC ± MCSE", "z"},
    )


def _pct_digits(p: float) -> str:
    """A probability in percent without the sign, as :func:`model.presentation.numbers.prob_text` words it."""
    return prob_text(p).removesuffix("%")


def revision_table(history: Sequence[Revision], show: int = 6) -> Table:
    """The forecast after each evidence date: what arrived, P(scenario), the share forecast, its scores."""
    head = "P(" + " · ".join(SCENARIOS) + "), %"

    def row(r: Revision) -> dict[str, Cell]:
        share = r.share
        return {
            "date": r.date.isoformat(),
            "what arrived": label("; ".join(r.arrived)),
            head: " · ".join(_pct_digits(float(r.prob_after.sel(scenario=s))) for s in SCENARIOS),
            "share: median (90%)": f"{share_text(share['median'])} ({share_range(share['q05'], share['q95'])})",
            "log score": score_text(r.log_score, 1),
            "CRPS (pp)": "—" if r.crps is None else sig(100 * r.crps, 2),
            "out of sample": "no" if r.in_sample else "yes",
        }

    return table(
        (row(r) for r in history),
        numeric={"log score", "CRPS (pp)"},
        show=show,
        noun="revision dates",
    )


def _output_text(var: str, x: float) -> str:
    if var == "scenario_prob":
        return prob_text(x)
    if var == "share_mean":
        return share_text(x)
    if var == "usd_mean":
        return usd_text(x)
    return sig(x, 2)


def _swing_text(var: str, x: float) -> str:
    if var in ("scenario_prob", "theta_mean", "share_mean"):
        if 100 * x < 5e-5:  # below the last digit any other cell shows: no effect
            return "0"
        return f"{sig(100 * x, 2)} pp"
    return usd_text(x).removeprefix("USD ")


def tornado_table(t: Tornado, var: str, scenario: str | None = None) -> Table:
    """The tornado of one output: value at the low and high end of each input, the swing, how the range was set."""
    da, swing = t.select(var, scenario), t.swing(var, scenario)
    return table(
        (
            {
                "input": label(str(i)),
                "at low": _output_text(var, float(da.sel(input=i, bound="low"))),
                "at high": _output_text(var, float(da.sel(input=i, bound="high"))),
                "swing": _swing_text(var, float(swing.sel(input=i))),
                "how the range was set": str(t.at.reasoning.sel(input=i).values),
            }
            for i in swing.input.values
        ),
        numeric={"at low", "at high", "swing"},
        wide={"how the range was set"},
    )


def influence_table(infl: xr.Dataset, show: int = 10) -> Table:
    """Leave-one-out influence: change in each scenario's log-odds, top items first, the rest in a dropdown."""
    return table(
        (
            {
                "item": str(item),
                "date": str(infl["date"].sel(item=item).values),
                "signal": label(str(infl["label"].sel(item=item).values)),
                "confidence": str(infl["confidence"].sel(item=item).values).replace("_", " "),
                **{f"Δ {s}": signed(float(infl["delta"].sel(item=item, scenario=s))) for s in SCENARIOS},
            }
            for item in infl.item.values
        ),
        numeric={f"Δ {s}" for s in SCENARIOS},
        show=show,
        noun="items",
    )


def quality_table(posts: dict[str, ExactPosterior]) -> Table:
    """Exact posteriors under different evidence filters (one row per filter)."""
    return table(
        (
            {
                "evidence used": name.replace("_", " "),
                **{f"P({s})": prob_text(float(p.labelled()["scenario_prob"].sel(scenario=s))) for s in SCENARIOS},
                "mean share": share_text(p.share_mean()),
                "90% interval": share_range(*p.share_quantile([0.05, 0.95])),
            }
            for name, p in posts.items()
        ),
        numeric={*(f"P({s})" for s in SCENARIOS), "mean share", "90% interval"},
    )


SOBOL_INPUTS: dict[str, str] = {
    **{f"g_{s}": f"propensity weight of {s} (Gamma draw)" for s in SCENARIOS},
    **{f"r_{s}": f"recovery share under {s}" for s in SCENARIOS},
    "revenue": "FY2026 revenue",
}
"""The Sobol inputs for people: the Dirichlet is drawn as normalised Gammas, one per scenario."""


def sobol_table(results: dict[str, SobolResult]) -> Table:
    """Sobol indices with their 95% confidence half-widths, one row per output and input."""
    return table(
        (
            {
                "output": out,
                "input": SOBOL_INPUTS.get(n, label(n)),
                "first-order index": f"{num(r.S1[i])} ± {num(r.S1_conf[i])}",
                "total index": f"{num(r.ST[i])} ± {num(r.ST_conf[i])}",
            }
            for out, r in results.items()
            for i, n in enumerate(r.names)
        ),
        numeric={"first-order index", "total index"},
    )
