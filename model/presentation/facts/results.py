"""Facts of the chapters on what comes out: inference, belief over time, revenue, drivers."""

from __future__ import annotations

from typing import Sequence

from ...computation.call import CallBasis
from ...computation.claims import RECOVERY_BAND
from ...computation.history import Revision
from ...computation.mcmc_result import FAMILY_ALPHA
from ...computation.pipeline import Analysis, Setup, plain
from ...computation.sensitivity import Tornado
from ..numbers import (
    prob_text,
    share_range,
    share_text,
    usd_range,
    usd_text,
)
from .common import (
    Facts,
    _top_input,
)
from .outcome import call_facts


def false_alarm_bound(failures: int, runs: int, level: float = 0.95) -> float:
    """One-sided Clopper-Pearson upper bound on a false-alarm rate seen ``failures`` times in ``runs``."""
    from scipy import stats

    return 1.0 if failures >= runs else float(stats.beta.ppf(level, failures + 1, runs - failures))


def inference(setup: Setup, sweep: dict[str, object]) -> Facts:
    """Facts of the inference chapter: the PyMC settings, the convergence bars and the gate sweep's result.

    Parameters
    ----------
    setup : Setup
        The inputs in force.
    sweep : dict
        The stored gate sweep (:func:`model.computation.gates.load_gate_sweep`).

    Returns
    -------
    Facts
        Glue name -> value (text, or a number the prose formats).
    """
    cfg = setup.assumptions.inference
    return {
        "chains": cfg.chains,
        "draws": cfg.draws,
        "rhat_bar": cfg.max_rhat,
        "ess_bar": plain(cfg.min_ess),
        "family_alpha": FAMILY_ALPHA,
        "sweep_seeds": sweep["n_seeds"],
        "sweep_failures": sweep["n_failures"],
        "sweep_bar": f"{sweep['z_bar']:.2f}",
        "sweep_upper": prob_text(false_alarm_bound(int(sweep["n_failures"]), int(sweep["n_seeds"]))),
    }


def belief(setup: Setup, history: Sequence[Revision]) -> Facts:
    """The replay of the year as a forecast: the first revenue report, and where hindsight begins."""
    realised = setup.likelihood.revenue.realised_share
    first_report = next((r for r in history if r.in_sample), None)
    last_out = [r for r in history if not r.in_sample][-1]
    if first_report is None:
        return {
            "q3_date": "—",
            "q3_median": "—",
            "q3_range": "—",
            "realised": "not yet reported",
            "last_out_date": f"{last_out.date:%-d %B %Y}",
        }
    return {
        "q3_date": f"{first_report.date:%-d %B %Y}",
        "q3_median": share_text(first_report.share["median"]),
        "q3_range": share_range(first_report.share["q05"], first_report.share["q95"]),
        "realised": "not yet reported" if realised is None else share_text(realised),
        "last_out_date": f"{last_out.date:%-d %B %Y}",
    }


def revenue(an: Analysis) -> Facts:
    """Facts of the revenue chapter: the recovered share and revenue, prior and posterior, against the article.

    Parameters
    ----------
    an : Analysis
        The analysis of the inputs in force.

    Returns
    -------
    Facts
        Glue name -> value (text, or a number the prose formats).
    """
    post, obs = an.posterior_share_exact(), an.setup.likelihood.revenue
    rev = an.revenue_fy2026
    lo, hi = RECOVERY_BAND
    return {
        "ex_mean": share_text(post["mean"]),
        "ex_range": share_range(post["q05"], post["q95"]),
        "realised": "not yet reported" if obs.realised_share is None else share_text(obs.realised_share),
        "realised_range": "—" if obs.realised_share_range() is None else share_range(*obs.realised_share_range()),
        "datum_usd": usd_text(obs.usd_bn),
        "rev": "—" if rev is None else usd_text(rev, 3),
        "article_band": share_range(lo, hi),
        "article_usd": "—" if rev is None else usd_range(lo * rev, hi * rev),
        "usd_threshold": "—" if rev is None else usd_text(an.threshold * rev),
        "threshold": share_text(an.threshold),
    }


def drivers(setup: Setup, leader: str, tornado: Tornado, basis: CallBasis) -> Facts:
    """The tornado's top input and what the call rests on."""
    top, lo, hi = _top_input(tornado, leader)
    return {**call_facts(basis), "leader": leader, "top_input": top, "top_lo": lo, "top_hi": hi}
