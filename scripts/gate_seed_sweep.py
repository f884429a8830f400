"""Measure the agreement gate's false-alarm rate: fit the model under many seeds, count failures.

    python scripts/gate_seed_sweep.py [--seeds 20] [--first 1] [--out benchmarks/gate_sweep.json]

Each seed runs the full PyMC fit at the shipped settings and the family-wise agreement gate
against the exact path. With a correct sampler the expected number of failures is about
``seeds x FAMILY_ALPHA`` (0.02 for 20 seeds): any failure is a finding. Prints one line per
seed and writes a JSON summary that the Inference chapter reads.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model import __version__  # noqa: E402
from model.mcmc import FAMILY_ALPHA, agreement, check_convergence, fit_mcmc  # noqa: E402
from model.pipeline import analyse, prepare  # noqa: E402
from model.report import gate_fingerprint, quantity_label  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--first", type=int, default=1)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "gate_sweep.json"))
    args = ap.parse_args()
    setup = prepare()
    exact = analyse(setup, mcmc=False).exact
    cfg = setup.assumptions.inference
    runs = []
    for seed in range(args.first, args.first + args.seeds):
        t0 = time.perf_counter()
        fit = fit_mcmc(setup.priors, setup.likelihood, cfg, seed, check=False)
        gate = agreement(exact, fit)
        problems = check_convergence(fit, cfg)
        zs = [abs(g.z) for g in gate if g.method == "z"]
        run = {
            "seed": seed,
            "ok": all(g.ok for g in gate),
            "converged": not problems,
            "problems": problems,
            "max_abs_z": round(max(zs), 3),
            "failed": [quantity_label(g.var, g.scenario) for g in gate if not g.ok],
            "tail": [quantity_label(g.var, g.scenario) for g in gate if g.method == "tail"],
            "seconds": round(time.perf_counter() - t0, 1),
        }
        runs.append(run)
        print(
            f"seed {seed}: gate {'pass' if run['ok'] else 'FAIL ' + ','.join(run['failed'])}, "
            f"max |z| {run['max_abs_z']:.2f}, "
            f"converged {run['converged']} {'; '.join(problems)}, {run['seconds']} s",
            flush=True,
        )
    out = {
        "n_seeds": len(runs),
        "n_failures": sum(not r["ok"] for r in runs),
        "n_not_converged": sum(not r["converged"] for r in runs),
        "family_alpha": FAMILY_ALPHA,
        "z_bar": gate[0].z_bar,
        "draws": cfg.draws,
        "chains": cfg.chains,
        "package_version": __version__,
        "fingerprint": gate_fingerprint(),
        "date": dt.date.today().isoformat(),
        "runs": runs,
    }
    Path(args.out).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(
        f"{out['n_failures']} gate failures and {out['n_not_converged']} convergence failures in {out['n_seeds']} seeds"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
