"""Facts of the checks, the explorer and the downloads chapters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...computation.checks import PPC_ALPHA, PredictiveChecks, SBCResult
from ...computation.mcmc_result import BOUND
from ...computation.pipeline import Setup, plain
from ..numbers import (
    prob_text,
    score_text,
    share_text,
    sig,
    usd_text,
)
from .common import (
    Facts,
)

if TYPE_CHECKING:
    from ..export import Manifest


def _p(x: float) -> str:
    """A p-value or tail probability to two significant figures."""
    return sig(x, 2)


def checks(setup: Setup, pc: PredictiveChecks, leader: str) -> Facts:
    """The model checks' deterministic results (predictive checks, the forecast check, power-scaling)."""
    prior_rev, post_rev, prior_sig, post_sig, ps = (
        pc.prior_revenue, pc.post_revenue, pc.prior_signals, pc.post_signals, pc.power
    )  # fmt: skip
    fc = pc.forecast_revenue
    share, dom = ps.of(), ps.of(leader)
    counted = [c for c in pc.checks() + ps.checks() if c.counted]
    failed = [c.name for c in counted if not c.passed]
    edge = [c for c in counted if c.passed and PPC_ALPHA <= c.p_value < 2 * PPC_ALPHA]
    verdict = (
        f"{len(failed)} of {len(counted)} checks fail ({', '.join(failed)})"
        if failed
        else (f"all {len(counted)} counted checks pass")
    )
    if edge:
        verdict += f"; {len(edge)} only just (p below twice the threshold)"
    single = {s: float(v.max()) for s, v in ps.single.items()}
    out: Facts = {
        "w": sig(setup.assumptions.signals.tempering_weight.value),
        "n_events": int(prior_sig.n_events),
        "n_facts": int(post_sig.n_facts),
        "x_obs": usd_text(prior_rev.x_obs) if prior_rev else "—",
        "sd": usd_text(prior_rev.sd) if prior_rev else "—",
        "prior_rev_cdf": _p(prior_rev.cdf_obs) if prior_rev else "—",
        "prior_rev_p": _p(prior_rev.p_value) if prior_rev else "—",
        "post_rev_cdf": _p(post_rev.cdf_obs) if post_rev else "—",
        "post_rev_p": _p(post_rev.p_value) if post_rev else "—",
        "fc_cdf": _p(fc.cdf_obs) if fc else "—",
        "fc_p": _p(fc.p_value) if fc else "—",
        "fc_passed": "passes" if fc is None or fc.p_value >= PPC_ALPHA else "fails",
        "prior_g_p": _p(prior_sig.g_p),
        "post_g_p": _p(post_sig.g_p),
        "post_class_min_p": _p(post_sig.class_p.min()),
        "prior_class_min_p": _p(prior_sig.class_p.min()),
        "alpha": sig(PPC_ALPHA, 1),
        "ps_share_prior": score_text(share[0], 3),
        "ps_share_lik": score_text(share[1], 3),
        "ps_dom_prior": score_text(dom[0], 3),
        "ps_dom_lik": score_text(dom[1], 3),
        "ps_single_md": "; ".join(f"*{s}* alone {score_text(v, 3)}" for s, v in single.items()) or "none",
        "ps_single_max": score_text(max(single.values(), default=0.0), 3),
        "ps_threshold": sig(ps.threshold, 1),
        "n_comp": f"{post_sig.n_compositions:,}",
        "leader": leader,
        "checks_verdict": verdict,
        "n_uncounted": sum(not c.counted for c in pc.checks() + ps.checks()),
    }
    return out | {"new_dom_b": sig(setup.priors.recovery["domestic"].beta, 2)}


def sbc_exact(sbc: SBCResult) -> Facts:
    """SBC of the exact path (Monte Carlo: changes with the seed)."""
    return {
        "sbc_min_p": plain(min(t.p_value for t in sbc.tests), 3),
        "sbc_cal_p": plain(sbc.calibration.p_value, 3),
        "sbc_node_diff": f"{sbc.notes['node_check']['max_pit_diff']:.1e}",
        "sbc_seconds": plain(sbc.seconds, 1),
    }


def sbc_mcmc(sbc: SBCResult) -> Facts:
    """SBC of the PyMC path (Monte Carlo: changes with the seed and the machine)."""
    chains = sbc.notes["chains"]
    return {
        "mc_fits": sbc.n_datasets,
        "mc_chains": "one chain" if chains == 1 else f"{chains} chains",
        "mc_draws": sbc.notes["draws"],
        "mc_tune": sbc.notes["tune"],
        "mc_div": sbc.notes["divergences"],
        "mc_seconds": plain(sbc.seconds),
        "mc_min_p": plain(min(t.p_value for t in sbc.tests), 3),
    }


def explore(grid: dict[str, object], error: dict[str, float], leader: str) -> Facts:
    """The explorer's grid in words, its stated interpolation error and the error measured at build time."""
    from ...computation.explore import MEASURED, MIN_RATIO, QUANTILE_LEVELS, SLIDER_RANGES, TOLERANCE, grid_bytes

    lows, highs, sds = grid["lower_nodes"], grid["upper_nodes"], grid["sd_nodes"]
    d = grid["defaults"]
    moves = {p["key"]: p["set"] for p in grid["presets"]}
    labels = {p["key"]: p["label"] for p in grid["presets"]}
    return {
        "preset_article": labels["article"],
        "preset_news": labels["ignore_news"],
        "preset_doubt": labels["doubt_nvidia"],
        "preset_base": prob_text(moves["article"]["base_mean"]),
        "preset_weight": f"{moves['ignore_news']['weight']:g}",
        "preset_sd": f"{moves['doubt_nvidia']['sd_factor']:g}",
        "idle_bound": f"{sig(100 * BOUND, 1)}%",
        "base_top": prob_text(SLIDER_RANGES["base_mean"][1]),
        "moved": grid["moved"],
        "moved_leader": leader,
        "moved_form": grid["interval"]["text"],
        "moved_lower": share_text(d["lower"]),
        "moved_upper": share_text(d["upper"]),
        "lower_range": f"{share_text(lows[0])} to {share_text(lows[-1])}",
        "upper_range": f"{share_text(highs[0])} to {share_text(highs[-1])}",
        "n_lower": len(lows),
        "n_upper": len(highs),
        "n_sd": len(sds),
        "min_ratio": f"{MIN_RATIO:g}",
        "sd_range": f"×{sds[0]:g} to ×{sds[-1]:g}",
        "n_levels": QUANTILE_LEVELS[2],
        "n_steps": len(grid["steps"]),
        "n_states": len(grid["states"]),
        "grid_kb": f"{grid_bytes(grid) / 1000:,.0f} kB",
        "tol_prob": f"{100 * TOLERANCE['prob']:g} percentage points",
        "tol_share": f"{100 * TOLERANCE['share']:g}%",
        "err_prob": f"{sig(100 * error['prob'], 2)} percentage points",
        "err_share": share_text(error["share"]),
        "err_n": int(error["n"]),
        "meas_n": int(MEASURED["n"]),
        "meas_random": int(MEASURED["n"] - MEASURED["corner"]),
        "meas_corner": int(MEASURED["corner"]),
        "meas_prob": f"{sig(100 * MEASURED['prob'], 2)} percentage points",
        "meas_share": share_text(MEASURED["share"]),
    }


def downloads(manifest: Manifest) -> Facts:
    """What the downloads were built from, and how much there is."""
    total = sum(f.size for f in manifest.files)
    return {
        "dl_version": manifest.version,
        "dl_commit": manifest.commit,
        "dl_files": len(manifest.files),
        "dl_total": f"{total / 1e6:.1f} MB",
    }
