"""Measure the agreement gate's false-alarm rate: fit the model under many seeds, count failures.

    python scripts/gate_seed_sweep.py [--seeds 20] [--first 1] [--out benchmarks/gate_sweep.json]

Each seed runs the full PyMC fit at the shipped settings and the family-wise agreement gate
against the exact path. With a correct sampler the expected number of failures is about
``seeds x FAMILY_ALPHA`` (0.02 for 20 seeds): any failure is a finding. Prints one line per
seed and writes a JSON summary that the Inference chapter reads.

The seeds are a map (:func:`model.computation.parallel.map_tasks`): set ``H20_DASK_SCHEDULER`` to run them on a
Dask cluster (PyMC starts a process per chain: start its workers with
``DASK_DISTRIBUTED__WORKER__DAEMON=False``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model import __version__  # noqa: E402
from model.computation.fingerprint import gate_fingerprint  # noqa: E402
from model.computation.gates import agreement  # noqa: E402
from model.computation.mcmc import fit_mcmc  # noqa: E402
from model.computation.mcmc_result import FAMILY_ALPHA, check_convergence  # noqa: E402
from model.computation.parallel import local_workers, map_tasks  # noqa: E402
from model.computation.pipeline import Setup, analyse, prepare  # noqa: E402
from model.presentation.numbers import quantity_label  # noqa: E402


def run_seed(task: tuple[Setup, int]) -> dict:
    """One seed of the sweep: the full PyMC fit and the agreement gate (a task of :func:`map_tasks`)."""
    setup, seed = task
    t0 = time.perf_counter()
    cfg = setup.assumptions.inference
    exact = analyse(setup, mcmc=False).exact_posterior
    fit = fit_mcmc(setup.priors, setup.likelihood, cfg, seed, check=False)
    gate = agreement(exact, fit)
    problems = check_convergence(fit, cfg)
    zs = [abs(g.z) for g in gate if g.method == "z"]
    return {
        "seed": seed,
        "ok": all(g.ok for g in gate),
        "converged": not problems,
        "problems": problems,
        "max_abs_z": round(max(zs), 3),
        "failed": [quantity_label(g.var, g.scenario) for g in gate if not g.ok],
        "tail": [quantity_label(g.var, g.scenario) for g in gate if g.method == "tail"],
        "seconds": round(time.perf_counter() - t0, 1),
        "z_bar": gate[0].z_bar,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--first", type=int, default=1)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "gate_sweep.json"))
    args = ap.parse_args()
    setup = prepare()
    cfg = setup.assumptions.inference
    # each fit already runs its chains on min(chains, CPUs) cores: local processes only when CPUs are left over
    spare = local_workers() // min(cfg.chains, os.cpu_count() or 1) > 1
    seeds = range(args.first, args.first + args.seeds)
    runs = map_tasks(run_seed, [(setup, seed) for seed in seeds], local_processes=spare)
    for run in runs:
        print(
            f"seed {run['seed']}: gate {'pass' if run['ok'] else 'FAIL ' + ','.join(run['failed'])}, "
            f"max |z| {run['max_abs_z']:.2f}, "
            f"converged {run['converged']} {'; '.join(run['problems'])}, {run['seconds']} s",
            flush=True,
        )
    z_bar = runs[0].pop("z_bar")
    for run in runs[1:]:
        run.pop("z_bar")
    out = {
        "n_seeds": len(runs),
        "n_failures": sum(not r["ok"] for r in runs),
        "n_not_converged": sum(not r["converged"] for r in runs),
        "family_alpha": FAMILY_ALPHA,
        "z_bar": z_bar,
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
