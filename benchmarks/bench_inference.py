"""Speed of the inference paths, as ratios (shared, noisy machines: no timed asserts anywhere).

    python benchmarks/bench_inference.py [--quick] [--repeats 3]

Prints, in one run:

* **Sampler choice**: PyMC's NUTS and nutpie on the shipped model, end to end (build, compile and
  sample), cold (a fresh process with an empty PyTensor compile cache) and warm (the same process
  again), the median of ``--repeats`` runs each; and the bulk ESS per second of the slowest-mixing
  reported quantity (the smallest bulk ESS over ``p_z``, ``theta`` and ``r`` per scenario).
* **What marginalising buys**: the naive model with the discrete scenario ``z`` sampled (PyMC's
  compound step: Gibbs-Metropolis for ``z``, NUTS for the rest) on the same data, its ESS/s over
  the quantities both models report (``theta``, ``r``) against the marginalised model's, and the ratio.
* **The exact path**: evaluations per second (quadrature posterior), and how many fit in the time
  of one warm PyMC fit.
* **The forward simulator**: draws per second as a fraction of raw NumPy ``Generator`` throughput
  for the same variates (the physical limit for that code).

``--quick`` uses 2,000 draws per chain (500 tuning) instead of the shipped settings. Each fit runs
in a child process (``--one``), so cold runs are cold.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLERS = ("pymc", "nutpie", "naive")
"""PyMC NUTS (marginalised), nutpie (marginalised, numba backend), PyMC compound step (z sampled)."""


def naive_model(priors, lik):
    """The model with the realised scenario ``z`` sampled, not summed out (full-year or no revenue datum)."""
    import pymc as pm

    from model import SCENARIOS
    from model.computation.measurement import normal_logpdf

    obs = lik.revenue
    with pm.Model(coords={"scenario": list(SCENARIOS)}) as model:
        theta = pm.Dirichlet("theta", a=priors.dirichlet_alpha, dims="scenario")
        r = pm.Beta("r", alpha=priors.r_alpha, beta=priors.r_beta, dims="scenario")
        z = pm.Categorical("z", p=theta)
        ll = pm.math.constant(lik.signal_loglik)[z]
        if obs.kind == "annual":
            ll = ll + normal_logpdf(obs.usd_bn, r[z] * obs.revenue, obs.sd)
        elif obs.kind == "partial":
            f, c = obs.fraction_mean, obs.fraction_concentration
            phi = pm.Beta("phi", alpha=f * c, beta=(1.0 - f) * c)
            rev = pm.LogNormal("revenue", mu=priors.revenue.mu, sigma=priors.revenue.sigma)
            ll = ll + normal_logpdf(obs.usd_bn, r[z] * phi * rev, obs.sd)
        pm.Potential("evidence", ll)
    return model


def min_ess(posterior, names: tuple[str, ...]) -> tuple[float, str]:
    """Smallest bulk ESS over the named variables (each by scenario) and where it is."""
    import arviz as az

    out = []
    for var in names:
        da = posterior[var].transpose("chain", "draw", ...)
        for j in range(da.shape[-1]):
            x = np.asarray(da.values[..., j], dtype=float)
            if np.ptp(x) > 0:
                out.append((float(az.ess(x, method="bulk")), f"{var}[{j}]"))
    return min(out)


def fit_once(sampler: str, draws: int, tune: int, seed: int) -> dict:
    """One end-to-end fit (build, compile, sample) and the ESS of its slowest reported quantity."""
    import xarray as xr

    from model.computation.likelihood import conditional_scenario_prob
    from model.computation.mcmc import build_model, quiet_pymc
    from model.computation.pipeline import prepare

    s = prepare()
    cfg = s.assumptions.inference
    chains, cores = cfg.chains, min(cfg.chains, os.cpu_count() or 1)
    t = time.perf_counter()
    if sampler == "nutpie":
        import nutpie

        compiled = nutpie.compile_pymc_model(build_model(s.priors, s.likelihood), backend="numba")
        tr = nutpie.sample(
            compiled,
            draws=draws,
            tune=tune,
            chains=chains,
            cores=cores,
            seed=seed,
            target_accept=cfg.target_accept,
            progress_bar=False,
        )
        post = tr.posterior
    else:
        import pymc as pm

        model = (build_model if sampler == "pymc" else naive_model)(s.priors, s.likelihood)
        with quiet_pymc(), model:
            idata = pm.sample(
                draws=draws,
                tune=tune,
                chains=chains,
                cores=cores,
                random_seed=seed,
                target_accept=cfg.target_accept,
                progressbar=False,
                compute_convergence_checks=False,
            )
        post = idata.posterior
    seconds = time.perf_counter() - t
    r = post["r"].transpose("chain", "draw", "scenario")
    names: tuple[str, ...] = ("theta", "r")
    if sampler != "naive":
        post["p_z"] = xr.DataArray(
            conditional_scenario_prob(np.log(s.priors.m), s.likelihood, r.values), dims=r.dims, coords=r.coords
        )
    ess_all, where_all = min_ess(post, ("p_z", *names)) if sampler != "naive" else min_ess(post, names)
    ess_common, where_common = min_ess(post, names)
    return {
        "seconds": seconds,
        "ess": ess_all,
        "ess_at": where_all,
        "ess_common": ess_common,
        "ess_common_at": where_common,
    }


def child(sampler: str, draws: int, tune: int, seed: int) -> None:
    """``--one``: a cold fit then a warm fit in this fresh process; one JSON line on stdout."""
    cold = fit_once(sampler, draws, tune, seed)
    warm = fit_once(sampler, draws, tune, seed + 1000)
    print(json.dumps({"cold": cold, "warm": warm}))


def run_child(sampler: str, draws: int, tune: int, seed: int) -> dict:
    """A child process with an empty PyTensor compile directory (a cold start)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTENSOR_FLAGS": f"compiledir={tmp}", "PYTHONPATH": str(ROOT), "H20_NO_CACHE": "1"}
        cmd = [sys.executable, __file__, "--one", sampler, "--draws", str(draws), "--tune", str(tune)]
        out = subprocess.run([*cmd, "--seed", str(seed)], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def median(xs: list[float]) -> float:
    return float(statistics.median(xs))


def exact_rate(repeats: int) -> float:
    """Exact posterior evaluations per second (shipped quadrature nodes), median of ``repeats`` batches."""
    from model.computation.exact import exact_posterior
    from model.computation.pipeline import prepare

    s = prepare()
    n = s.assumptions.inference.quadrature_nodes
    exact_posterior(s.priors, s.likelihood, n)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(20):
            exact_posterior(s.priors, s.likelihood, n)
        times.append((time.perf_counter() - t) / 20)
    return 1.0 / median(times)


def simulator_fraction(repeats: int, n: int = 1_000_000) -> tuple[float, float]:
    """Forward simulator draws per second, and that as a fraction of raw Generator throughput.

    The raw baseline draws the same variates (Dirichlet, uniform, Beta, log-normal; ``n`` of each)
    straight from one ``numpy.random.Generator`` with no bookkeeping.
    """
    from model.computation.pipeline import prepare
    from model.computation.simulate import prior_predictive

    p = prepare().priors

    def raw() -> None:
        g = np.random.default_rng(1)
        g.dirichlet(p.dirichlet_alpha, size=n)
        g.random((n, 1))
        g.beta(p.r_alpha[0], p.r_beta[0], size=n)
        g.lognormal(p.revenue.mu, p.revenue.sigma, size=n)

    def sim() -> None:
        prior_predictive(p, n, np.random.default_rng(1))

    t_sim, t_raw = [], []
    for _ in range(repeats):
        for fn, out in ((sim, t_sim), (raw, t_raw)):
            t = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t)
    return n / median(t_sim), median(t_raw) / median(t_sim)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2,000 draws per chain (500 tuning)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--one", choices=SAMPLERS, help=argparse.SUPPRESS)
    ap.add_argument("--draws", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--tune", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        child(args.one, args.draws, args.tune, args.seed)
        return
    from model.computation.pipeline import prepare

    cfg = prepare().assumptions.inference
    draws, tune = (2000, 500) if args.quick else (cfg.draws, cfg.tune)
    print(f"{cfg.chains} chains x {draws} draws (+{tune} tuning), {os.cpu_count()} CPUs, median of {args.repeats}")
    res: dict[str, dict[str, list[dict]]] = {}
    for sampler in SAMPLERS:
        runs = [run_child(sampler, draws, tune, seed) for seed in range(1, args.repeats + 1)]
        res[sampler] = {"cold": [r["cold"] for r in runs], "warm": [r["warm"] for r in runs]}

    def med(sampler: str, phase: str, key: str) -> float:
        return median([r[key] for r in res[sampler][phase]])

    def rate(sampler: str, phase: str, key: str = "ess") -> float:
        return median([r[key] / r["seconds"] for r in res[sampler][phase]])

    print("\nSampler choice (end to end: build + compile + sample; ESS = bulk ESS of the slowest reported quantity)")
    print(f"{'':24}{'cold s':>9}{'warm s':>9}{'min ESS':>10}{'ESS/s cold':>12}{'ESS/s warm':>12}")
    for sampler, label in (("pymc", "PyMC NUTS"), ("nutpie", "nutpie (numba)")):
        print(
            f"{label:24}{med(sampler, 'cold', 'seconds'):9.1f}{med(sampler, 'warm', 'seconds'):9.1f}"
            f"{med(sampler, 'warm', 'ess'):10.0f}{rate(sampler, 'cold'):12.0f}{rate(sampler, 'warm'):12.0f}"
        )
    for phase in ("cold", "warm"):
        print(f"  nutpie / PyMC, ESS/s {phase}: {rate('nutpie', phase) / rate('pymc', phase):.2f}")
    where = res["pymc"]["warm"][0]["ess_at"]
    print(f"  slowest-mixing quantity (PyMC, warm, first run): {where}")

    print("\nWhat marginalising buys (same data; ESS over theta and r, which both models report)")
    naive, marg = rate("naive", "warm", "ess_common"), rate("pymc", "warm", "ess_common")
    print(f"  naive, z sampled (compound step): {med('naive', 'warm', 'seconds'):7.1f} s, ESS/s {naive:8.1f}")
    print(f"  marginalised (PyMC NUTS):         {med('pymc', 'warm', 'seconds'):7.1f} s, ESS/s {marg:8.1f}")
    print(f"  ratio marginalised / naive: {marg / naive:.1f}x")

    evals = exact_rate(args.repeats)
    warm_fit = med("pymc", "warm", "seconds")
    print("\nExact path")
    print(f"  evaluations per second: {evals:.1f}; per warm PyMC fit: {evals * warm_fit:.0f}")
    rate_sim, frac = simulator_fraction(args.repeats)
    print("\nForward simulator (prior predictive)")
    print(f"  draws per second: {rate_sim:.3g}; fraction of raw Generator throughput: {frac:.2f}")


if __name__ == "__main__":
    main()
