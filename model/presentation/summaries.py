"""Summaries of computation results as rows and text: the elicited priors, the report of the model checks.

Presentation only: each function reads a result object of the computation layer and returns rows, a
JSON-ready dict or text; the caller prints or writes them (``python -m model check``, the tables).
"""

from __future__ import annotations

import os

import numpy as np

from ..computation.article import ARTICLE
from ..computation.checks import CheckReport
from ..computation.elicitation import beta_interval_mass
from ..computation.priors import OVERCONFIDENT_N, Priors
from .numbers import sig


def _prior_row(name: str, family: str, interval: str, mass: tuple[float, float], mean: float, n: float | None) -> dict:
    """One row of :func:`prior_rows` (``n``: pseudo-sample size, None when it does not apply)."""
    return {
        "prior": name,
        "family": family,
        "interval": interval,
        "mass requested": mass[0],
        "mass achieved": mass[1],
        "mean": mean,
        "pseudo-sample size": n,
        "overconfident": n is not None and n > OVERCONFIDENT_N,
    }


def prior_rows(p: Priors) -> list[dict[str, object]]:
    """One row per elicited prior: interval, mass requested and achieved, mean, pseudo-sample size.

    Parameters
    ----------
    p : Priors
        The elicited priors.

    Returns
    -------
    list of dict
        Rows keyed ``prior``, ``family``, ``interval``, ``mass requested``, ``mass achieved`` (the
        probabilities inside the interval, 0-1), ``mean`` (share, or USD bn for revenue),
        ``pseudo-sample size`` (None where it does not apply) and ``overconfident`` (above
        :data:`model.computation.priors.OVERCONFIDENT_N`).
    """
    lo, hi, mass = p.kappa_interval
    a, b = p.kappa * p.m[0], p.kappa * (1 - p.m[0])  # the base case: the Dirichlet's first marginal
    rows = [
        _prior_row(
            "theta_base (Dirichlet marginal)",
            f"Beta({a:.2f}, {b:.2f})",
            f"[{lo:g}, {hi:g}]",
            (mass, beta_interval_mass(a, b, lo, hi)),
            p.m[0],
            p.kappa,
        )
    ]
    for s, r in p.recovery.items():
        rows.append(
            _prior_row(
                f"r_{s} (recovery share)",
                f"Beta({r.alpha:.2f}, {r.beta:.2f})",
                r.description,
                (r.mass_requested, r.mass_achieved),
                r.mean,
                r.pseudo_n,
            )
        )
    v = p.revenue
    rows.append(
        _prior_row(
            f"{ARTICLE.fiscal_year.label} revenue (USD bn)",
            f"LogNormal({v.mu:.3f}, {v.sigma:.3f})",
            f"[{v.lower:g}, {v.upper:g}]",
            (v.mass_requested, v.mass_achieved),
            v.mean,
            None,
        )
    )
    return rows


def report_dict(rep: CheckReport) -> dict:
    """JSON-ready summary of a check report: every check with its statistic, p-value and verdict.

    Parameters
    ----------
    rep : CheckReport
        From :func:`model.computation.checks.run_checks`.

    Returns
    -------
    dict
        ``passed``, ``first_failure``, ``checks`` (one dict per check; non-finite numbers as None),
        the power-scaling rows, the bounds, the SBC runs' sizes and times (s), ``seconds`` and ``cpu_count``.
    """

    def num(x: float) -> float | None:
        return None if x is None or not np.isfinite(x) else float(x)

    return {
        "passed": rep.passed,
        "first_failure": None
        if rep.first_failure is None
        else {"name": rep.first_failure.name, "reason": rep.first_failure.reason},
        "checks": [
            {
                "name": c.name,
                "statistic": num(c.statistic),
                "p_value": num(c.p_value),
                "passed": bool(c.passed),
                "counted": bool(c.counted),
                "rule": c.rule,
                "detail": c.detail,
            }
            for c in rep.checks()
        ],
        "power_scaling": rep.power.rows(),
        "power_scaling_single": rep.power.single_rows(),
        "bounds": {s: {"largest_over_variants": v} for s, v in rep.bounds.items()},
        "sbc_exact": {
            "n": rep.sbc_exact.n_datasets,
            "seconds": rep.sbc_exact.seconds,
            "node_check": rep.sbc_exact.notes.get("node_check"),
            "alpha_per_test": rep.sbc_exact.notes["alpha_per_test"],
        },
        "sbc_mcmc": None
        if rep.sbc_mcmc is None
        else {
            "n": rep.sbc_mcmc.n_datasets,
            "seconds": rep.sbc_mcmc.seconds,
            **{k: v for k, v in rep.sbc_mcmc.notes.items() if k != "gates"},
        },
        "seconds": rep.seconds,
        "cpu_count": os.cpu_count(),
    }


def report_text(rep: CheckReport) -> str:
    """Plain-text summary of a check report ``rep`` (as for :func:`report_dict`): one line per check,
    the power-scaling table and run times; the last line ``All checks pass.`` or ``FAILED: name: reason``.
    """
    lines = ["Does the model fit?", ""]
    for c in rep.checks():
        p = "" if not np.isfinite(c.p_value) else f"p = {c.p_value:.3f}  "
        verdict = ("PASS" if c.passed else "FAIL") if c.counted else "----"
        lines.append(f"{verdict}  {c.name:<44} {p}{c.detail}" + ("" if c.counted else " (not counted: cannot fail)"))
    lines += ["", "Power-scaling sensitivity (exact path; threshold 0.05):"]
    lines += [
        f"  {r['quantity']:<16} prior {r['prior']:.3f}  likelihood {r['likelihood']:.3f}  {r['diagnosis']}"
        for r in rep.power.rows()
    ]
    lines += [
        f"  {r['recovery prior']} prior alone: {r['quantity']:<16} prior {r['prior']:.3f}"
        for r in rep.power.single_rows()
    ]
    lines += [f"Bound: P(z={s}) stays below {v:.1e} under every robust likelihood" for s, v in rep.bounds.items()]
    lines += ["", "Run time (s): " + ", ".join(f"{k} {sig(v)}" for k, v in rep.seconds.items())]
    bad = rep.first_failure
    lines.append("All checks pass." if bad is None else f"FAILED: {bad.name}: {bad.reason}")
    return "\n".join(lines)
