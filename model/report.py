"""Presentation of results: the headline JSON, text summaries and number formatting.

Computation lives in the computation layer (exact, mcmc, simulate, sensitivity, checks); this
module only arranges and rounds what those return.
"""

from __future__ import annotations

import numpy as np

from . import SCENARIOS
from .mcmc import BOUND
from .pipeline import Analysis
from .simulate import Summary


def rnd(x: float | None, digits: int = 6) -> float | None:
    """A float rounded for JSON (None stays None)."""
    return None if x is None else float(round(float(x), digits))


def prob_text(p: float, digits: int = 1) -> str:
    """A probability in percent; below 1e-4 (or above 1 - 1e-4) the bound, since model error dwarfs the rest.

    Two significant digits under 1% ('0.026%'), two decimals above 99% ('99.97%').
    """
    if p < BOUND:
        return "< 0.01%"
    if p > 1.0 - BOUND:
        return "> 99.99%"
    if p < 0.01:
        return f"{100 * p:.2g}%"
    if p > 0.99:
        return f"{100 * p:.2f}%"
    return f"{100 * p:.{digits}f}%"


def range_text(lo: float, hi: float, digits: int = 1) -> str:
    """A probability range in percent, as a bound when both ends are below 1e-4."""
    if hi < BOUND:
        return "< 0.01% under every variant"
    return f"{prob_text(lo, digits)}–{prob_text(hi, digits)}"


def _rounded(d: dict[str, float] | None, digits: int = 6) -> dict[str, float | None] | None:
    return None if d is None else {k: rnd(v, digits) for k, v in d.items()}


def _mc(s: Summary) -> dict[str, object]:
    return {
        **{k: {"value": rnd(v["value"]), "mcse": rnd(v["mcse"])} for k, v in s.as_dict().items()},
        "threshold": rnd(s.threshold),
    }


def headline(an: Analysis, spread: dict[str, dict[str, float]] | None = None) -> dict[str, object]:
    """The headline numbers as a JSON-ready dict (keys documented in the README).

    Exact values are the headline; Monte Carlo values sit under ``checks`` with their MCSE.
    ``spread``: min and max of each scenario's probability across the tempering-weight range.
    """
    st, ex = an.setup, an.exact
    obs = st.likelihood.revenue
    z_prior = an.prior_draws.z.ravel()
    n = z_prior.size
    freq = np.array([np.mean(z_prior == i) for i in range(len(SCENARIOS))])
    out: dict[str, object] = {
        "inputs": {
            "assumptions": st.assumptions.source_file,
            "events": st.events_file,
            "quarters": st.quarters_file,
            "as_of": st.evidence.as_of.isoformat(),
            "min_confidence": st.evidence.min_confidence,
            "n_events": len(st.evidence.events),
            "n_signal_events": len(st.evidence.signal_events),
            "revenue_datum": {
                "kind": obs.kind,
                "usd_bn": rnd(obs.usd_bn),
                "sd_usd_bn": rnd(obs.sd),
                "periods": list(obs.periods),
            },
            "seed": st.seed,
        },
        "prior": {
            "scenario_prob": {s: rnd(st.priors.m[i]) for i, s in enumerate(SCENARIOS)},
            "share": _rounded(an.prior_share_exact()),
            "usd_bn": _rounded(an.prior_usd_exact()),
        },
        "posterior": {
            "scenario_prob": {s: rnd(ex.scenario_prob[i], 10) for i, s in enumerate(SCENARIOS)},
            "scenario_prob_text": {s: prob_text(ex.scenario_prob[i]) for i, s in enumerate(SCENARIOS)},
            "theta_mean": {s: rnd(ex.theta_mean[i]) for i, s in enumerate(SCENARIOS)},
            "share": _rounded(an.posterior_share(), 8),
            "usd_bn": _rounded(an.posterior_usd()),
            "realised_share": rnd(obs.realised_share, 8),
            "fy2026_revenue_reported_usd_bn": an.revenue_fy2026,
        },
        "checks": {
            "prior_forward_mc": {
                "scenario_prob": {
                    s: {"value": rnd(freq[i]), "mcse": rnd(np.sqrt(freq[i] * (1 - freq[i]) / n))}
                    for i, s in enumerate(SCENARIOS)
                },
                "share": _mc(an.prior_share),
                "usd_bn": _mc(an.prior_usd),
            },
        },
        "warnings": list(st.priors.warnings),
    }
    if spread is not None:
        post = out["posterior"]
        assert isinstance(post, dict)
        post["scenario_prob_range"] = {s: {k: rnd(v, 10) for k, v in spread[s].items()} for s in SCENARIOS}
    if an.mcmc is not None and an.post_share is not None and an.post_usd is not None:
        checks = out["checks"]
        assert isinstance(checks, dict)
        checks["mcmc"] = {
            "scenario_prob": {
                s: {
                    "value": rnd(an.mcmc.quantity(f"P(z={s})").mean, 10),
                    "mcse": rnd(an.mcmc.quantity(f"P(z={s})").mcse, 10),
                }
                for s in SCENARIOS
            },
            "theta_mean": {
                s: {
                    "value": rnd(an.mcmc.quantity(f"theta[{s}]").mean),
                    "mcse": rnd(an.mcmc.quantity(f"theta[{s}]").mcse),
                }
                for s in SCENARIOS
            },
            "share": _mc(an.post_share),
            "usd_bn": _mc(an.post_usd),
        }
        out["diagnostics"] = {
            "divergences": an.mcmc.divergences,
            "max_rhat": rnd(max(q.r_hat for q in an.mcmc.quantities)),
            "min_ess_bulk": rnd(min(q.ess_bulk for q in an.mcmc.quantities), 1),
            "agreement_ok": all(g.ok for g in an.agreement),
            "agreement": [
                {
                    "quantity": g.quantity,
                    "exact": rnd(g.exact, 10),
                    "mcmc": rnd(g.mcmc, 10),
                    "mcse": rnd(g.mcse, 10),
                    "z": rnd(g.z, 3),
                    "pareto_k": rnd(g.khat, 3),
                    "method": g.method,
                    "ok": g.ok,
                    "rule": g.reason,
                }
                for g in an.agreement
            ],
        }
    return out


def summary_text(h: dict) -> str:
    """The headline as plain text for the terminal."""
    inp, prior, post = h["inputs"], h["prior"], h["posterior"]
    lines = [
        f"H20 export-reversal model — evidence as of {inp['as_of']} ({inp['n_signal_events']} signal events, "
        f"revenue datum: {inp['revenue_datum']['kind']}, min confidence {inp['min_confidence']}), seed {inp['seed']}",
        "",
        "Scenario probabilities (exact path)",
        f"  {'scenario':<10}{'prior':>10}{'posterior':>12}"
        + (f"{'range over w':>30}" if "scenario_prob_range" in post else ""),
    ]
    for s in SCENARIOS:
        line = f"  {s:<10}{100 * prior['scenario_prob'][s]:>9.1f}%{post['scenario_prob_text'][s]:>12}"
        if "scenario_prob_range" in post:
            r = post["scenario_prob_range"][s]
            line += f"{range_text(r['min'], r['max']):>30}"
        lines.append(line)

    def block(title: str, d: dict | None, scale: float, unit: str, thr: float) -> None:
        if d is None:
            return
        lines.extend(["", title])
        lines.append(
            f"  mean {d['mean'] * scale:.4g} {unit}, median {d['median'] * scale:.4g} {unit}, "
            f"5–95% [{d['q05'] * scale:.4g}, {d['q95'] * scale:.4g}] {unit}, "
            f"P(≥ {thr * scale:.4g} {unit}) {prob_text(d['p_exceed'])}"
        )

    thr = h["checks"]["prior_forward_mc"]["share"]["threshold"]
    block("Prior: recovered share of FY2026 revenue (exact)", prior["share"], 100, "%", thr)
    block("Posterior: recovered share of FY2026 revenue (exact)", post["share"], 100, "%", thr)
    if post["usd_bn"] is not None:
        block(
            "Posterior: recovered revenue (exact, at the reported FY2026 revenue)",
            post["usd_bn"],
            1,
            "USD bn",
            thr * post["fy2026_revenue_reported_usd_bn"],
        )
    if post["realised_share"] is not None:
        lines.append(f"  realised (reported) share: {100 * post['realised_share']:.4f}%")
    if "diagnostics" in h:
        d = h["diagnostics"]
        bad = [g["quantity"] for g in d["agreement"] if not g["ok"]]
        lines.extend(
            [
                "",
                f"Checks: MCMC {d['divergences']} divergences, max r_hat {d['max_rhat']:.4f}, "
                f"min bulk ESS {d['min_ess_bulk']:.0f}; "
                f"exact vs MCMC agreement gate: {'pass' if d['agreement_ok'] else 'FAIL (' + ', '.join(bad) + ')'}",
            ]
        )
    lines.extend(f"warning: {w}" for w in h["warnings"])
    return "\n".join(lines)


def pct(x: float, sig: int = 3) -> str:
    """A share as a percentage with ``sig`` significant digits (e.g. '0.0197%', '11.3%')."""
    return f"{100 * x:#.{sig}g}%".replace(".%", "%")


def findings(an: Analysis, spread: dict[str, dict[str, float]]) -> dict[str, object]:
    """Every fact the Overview states, computed (glue-ready strings and numbers)."""
    from . import sensitivity as sens

    st, ex = an.setup, an.exact
    order = [SCENARIOS[i] for i in np.argsort(-ex.scenario_prob, kind="stable")]
    lead = sens.leader(spread)
    first = order[0]
    post, prior = an.posterior_share(), an.prior_share_exact()
    realised = st.likelihood.revenue.realised_share
    usd = an.posterior_usd()
    facts: dict[str, object] = {
        "leader": first,
        "leader_all_w": "at every weight in the range" if lead == first else "at the assumed weight only",
        "p_leader": prob_text(ex.scenario_prob[SCENARIOS.index(first)], 1),
        "leader_range": range_text(spread[first]["min"], spread[first]["max"]),
        "second": order[1],
        "p_second": prob_text(ex.scenario_prob[SCENARIOS.index(order[1])], 1),
        "second_range": range_text(spread[order[1]]["min"], spread[order[1]]["max"]),
        "w_lo": st.assumptions.signals.weight_range.low,
        "w_hi": st.assumptions.signals.weight_range.high,
        "bounded": ", ".join(s for s in SCENARIOS if spread[s]["max"] < BOUND) or "none",
        "share_mean": pct(post["mean"]),
        "share_q05": pct(post["q05"]),
        "share_q95": pct(post["q95"]),
        "prior_mean": pct(prior["mean"]),
        "prior_p11": prob_text(prior["p_exceed"], 0),
        "post_p11": prob_text(post["p_exceed"], 0),
        "realised": "not yet reported" if realised is None else pct(realised),
        "realised_inside": realised is not None and post["q05"] <= realised <= post["q95"],
        "usd_mean": "—" if usd is None else f"USD {usd['mean'] * 1000:,.0f}m",
        "usd_q95": "—" if usd is None else f"USD {usd['q95'] * 1000:,.0f}m",
        "article_usd": "—"
        if an.revenue_fy2026 is None
        else f"USD {0.11 * an.revenue_fy2026:.1f}–{0.12 * an.revenue_fy2026:.1f}bn",
    }
    top = sens.most_influential_input(sens.tornado(st), f"P({first})")
    infl = sens.event_influence(st)
    ev = sens.most_influential_event(infl, first)
    facts.update(
        {
            "top_input": top["input"],
            "top_input_lo": prob_text(float(top["low"]), 1),
            "top_input_hi": prob_text(float(top["high"]), 1),
            "top_event": f"{ev['id']} ({ev['signal']}, {ev['date']})",
            "top_event_logodds": f"{float(ev[first]):+.2f}",
            "top_item": f"{infl[0]['id']} ({infl[0]['signal']})",
        }
    )
    return facts


MC_Z: float = 4.5
"""A Monte Carlo check fails beyond this many MCSE (five summaries: false-alarm rate about 3e-5)."""


def check_mc_against_exact(mc: Summary, exact: dict[str, float], scale: float = 1.0) -> None:
    """Assert that forward Monte Carlo summaries agree with the exact ones within :data:`MC_Z` MCSE.

    ``scale`` converts the exact values to the Monte Carlo units (e.g. USD bn per unit share).
    Prints nothing on success; raises AssertionError naming the summary otherwise.
    """
    for key, est in mc.as_dict().items():
        target = exact[key] * (1.0 if key == "p_exceed" else scale)
        gap = abs(est["value"] - target)
        assert gap <= MC_Z * est["mcse"] + 1e-9 * max(1.0, abs(target)), (
            f"Monte Carlo {key} {est['value']:.6g} ± {est['mcse']:.2g} disagrees with the exact {target:.6g}"
        )


def summary_table(
    named: dict[str, dict[str, float]], scale: float = 1.0, digits: int = 3, threshold: str = "11%"
):  # -> DataFrame
    """Exact summaries as a table for people: one row per name, P(≥ threshold) in percent."""
    import pandas as pd

    rows = {}
    for name, d in named.items():
        rows[name] = {
            "mean": f"{d['mean'] * scale:#.{digits}g}",
            "median": f"{d['median'] * scale:#.{digits}g}",
            "5%": f"{d['q05'] * scale:#.{digits}g}",
            "95%": f"{d['q95'] * scale:#.{digits}g}",
            f"P(≥ {threshold})": prob_text(d["p_exceed"]),
        }
    return pd.DataFrame(rows).T


def _frame(rows: list[dict[str, object]], index: str):  # -> pandas.DataFrame
    import pandas as pd

    return pd.DataFrame(rows).set_index(index)


def _khat_text(k: float) -> str:
    """Pareto k for people: '—' for constant draws, '> 1' when the tail fit diverges."""
    if k == float("-inf"):
        return "—"
    return "> 1" if not np.isfinite(k) or k > 1 else f"{k:.2f}"


def diagnostics_table(fit):  # noqa: ANN001 -> DataFrame
    """MCMC diagnostics per reported quantity."""
    return _frame(
        [
            {
                "quantity": q.name,
                "mean": f"{q.mean:.4g}",
                "MCSE": f"{q.mcse:.2g}",
                "bulk ESS": f"{q.ess_bulk:,.0f}",
                "r̂": f"{q.r_hat:.3f}",
                "Pareto k": _khat_text(q.khat),
            }
            for q in fit.quantities
        ],
        "quantity",
    )


def agreement_table(rows):  # noqa: ANN001 -> DataFrame
    """The agreement gate: exact vs MCMC per quantity, how it is judged and the verdict."""
    return _frame(
        [
            {
                "quantity": g.quantity,
                "exact": prob_text(g.exact) if g.quantity.startswith("P(") else f"{g.exact:.4g}",
                "MCMC ± MCSE": f"{g.mcmc:.4g} ± {g.mcse:.2g}",
                "z": "—" if g.method != "z" else f"{g.z:+.2f}",
                "rule": g.reason,
                "agrees": "yes" if g.ok else "NO",
            }
            for g in rows
        ],
        "quantity",
    )


def mc_table(named: dict[str, Summary], scale: float = 1.0):  # -> DataFrame
    """Monte Carlo summaries 'value ± MCSE' for people."""
    import pandas as pd

    return pd.DataFrame(
        {
            name: {
                k: f"{getattr(s, k).value * scale:#.3g} ± {getattr(s, k).mcse * scale:.2g}"
                for k in ("mean", "median", "q05", "q95")
            }
            | {"P(≥ threshold)": f"{100 * s.p_exceed.value:.2f}% ± {100 * s.p_exceed.mcse:.2f}%"}
            for name, s in named.items()
        }
    ).T.rename(columns={"q05": "5%", "q95": "95%"})


def revision_table(history):  # noqa: ANN001 -> DataFrame
    """The forecast revisions: date, what arrived, P(scenario) before → after, share forecast, scores."""
    rows = []
    for r in history:
        row: dict[str, object] = {"date": r.date.isoformat(), "what arrived": "; ".join(r.arrived)}
        for i, s in enumerate(SCENARIOS):
            row[f"P({s})"] = f"{prob_text(r.prob_before[i])} → {prob_text(r.prob_after[i])}"
        row["share: mean (90% interval)"] = f"{pct(r.share['mean'])} ({pct(r.share['q05'])}–{pct(r.share['q95'])})"
        row["log score"] = "—" if r.log_score is None else f"{r.log_score:.2f}"
        row["CRPS (pp)"] = "—" if r.crps is None else f"{100 * r.crps:.4f}"
        row["scored out of sample"] = "no (saw a revenue datum)" if r.in_sample else "yes"
        rows.append(row)
    return _frame(rows, "date")


def tornado_table(rows, output: str):  # noqa: ANN001 -> DataFrame
    """Tornado rows of one output: low, high, swing and how the range was set."""
    fmt = prob_text if output.startswith("P(") else (lambda v: f"{v:.4g}")
    return _frame(
        [
            {
                "input": r["input"],
                "at low": fmt(float(r["low"])),
                "at high": fmt(float(r["high"])),
                "swing (points)": f"{100 * float(r['swing']):.2f}",
                "range": r["range"],
            }
            for r in rows
            if r["output"] == output
        ],
        "input",
    )


def influence_table(rows):  # noqa: ANN001 -> DataFrame
    """Leave-one-out influence rows with signed log-odds changes."""
    return _frame(
        [
            {
                "item": r["id"],
                "date": r["date"],
                "signal": r["signal"],
                "confidence": r["confidence"].replace("_", " "),
                **{f"Δ log-odds {s}": f"{float(r[s]):+.2f}" for s in SCENARIOS},
            }
            for r in rows
        ],
        "item",
    )


def quality_table(posts):  # noqa: ANN001 -> DataFrame
    """Exact posteriors under different evidence filters."""
    import pandas as pd

    return pd.DataFrame(
        {
            name.replace("_", " "): {
                **{f"P({s})": prob_text(p.scenario_prob[i]) for i, s in enumerate(SCENARIOS)},
                "mean share": pct(p.share_mean()),
                "90% interval": "{}–{}".format(*(pct(v) for v in p.share_quantile([0.05, 0.95]))),
            }
            for name, p in posts.items()
        }
    )


def sobol_table(results):  # noqa: ANN001 -> DataFrame
    """Sobol indices with their confidence half-widths, one column per index and output."""
    rows = []
    for out, r in results.items():
        for i, n in enumerate(r.names):
            rows.append(
                {
                    "output": out,
                    "input": n,
                    "first-order": f"{r.S1[i]:.3f} ± {r.S1_conf[i]:.3f}",
                    "total": f"{r.ST[i]:.3f} ± {r.ST_conf[i]:.3f}",
                }
            )
    return _frame(rows, "output")


def score_table(rows):  # noqa: ANN001 -> DataFrame
    """Brier and log scores of each forecast under every outcome label."""
    import pandas as pd

    df = pd.DataFrame(rows)
    wide = df.pivot(index="forecast", columns="outcome", values=["brier", "log"]).round(3)
    wide.columns = [f"{'Brier' if k == 'brier' else 'log score'}: {o}" for k, o in wide.columns]
    return wide


GATE_SWEEP = "benchmarks/gate_sweep.json"
"""Result of ``scripts/gate_seed_sweep.py``, relative to the repository root."""


GATE_FINGERPRINT_FILES = (
    "model/data/assumptions.yaml",
    "model/data/events.csv",
    "model/data/quarters.csv",
    "model/likelihood.py",
    "model/measurement.py",
    "model/mcmc.py",
    "model/exact.py",
    "model/priors.py",
)
"""What the gate's false-alarm rate depends on: the inputs and the code of both inference paths."""


def _canonical(name: str, data: bytes) -> bytes:
    """What a file means, not how it is laid out: Python as its AST without docstrings, YAML as sorted JSON."""
    import ast
    import json

    import yaml

    if name.endswith(".py"):
        tree = ast.parse(data.decode("utf-8"))
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
                if isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
                    node.body = body[1:] or [ast.Pass()]
        return ast.dump(tree).encode()
    if name.endswith(".yaml"):
        return json.dumps(yaml.safe_load(data), sort_keys=True, default=str).encode()
    return data


def gate_fingerprint() -> str:
    """SHA-256 over the meaning of :data:`GATE_FINGERPRINT_FILES`: a stored sweep with another is stale.

    Reformatting, comments and docstrings leave it unchanged; any change of code or input does not.
    """
    import hashlib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for name in GATE_FINGERPRINT_FILES:
        h.update(name.encode() + b"\0" + _canonical(name, (root / name).read_bytes()))
    return h.hexdigest()


def load_gate_sweep() -> dict[str, object]:
    """The stored seed sweep of the agreement gate (written by ``scripts/gate_seed_sweep.py``)."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / GATE_SWEEP
    return json.loads(path.read_text(encoding="utf-8"))
