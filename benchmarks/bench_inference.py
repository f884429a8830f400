"""Speed of the inference paths, as ratios (shared, noisy machines: no timed asserts anywhere).

    python benchmarks/bench_inference.py [--repeats 3]

Prints wall-clock seconds (best of N) and ratios against PyMC's own NUTS on the same model,
same draws: the exact path, nutpie (if installed), and PyMC's first (cold) compile.
"""

from __future__ import annotations

import argparse
import time

from model.exact import exact_posterior
from model.mcmc import build_model, fit_mcmc
from model.pipeline import prepare


def best(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    s = prepare()
    cfg, seed = s.assumptions.inference, s.seed
    t = time.perf_counter()
    fit_mcmc(s.priors, s.likelihood, cfg, seed)
    cold = time.perf_counter() - t
    pymc = best(lambda: fit_mcmc(s.priors, s.likelihood, cfg, seed), args.repeats)
    exact = best(lambda: exact_posterior(s.priors, s.likelihood, cfg.quadrature_nodes), args.repeats)
    print(f"draws: {cfg.chains} chains x {cfg.draws} (+{cfg.tune} tuning)")
    print(f"PyMC NUTS, first run (compile + sample): {cold:8.2f} s")
    print(f"PyMC NUTS, warm (best of {args.repeats}):          {pymc:8.2f} s   ratio 1.00")
    print(f"exact path (quadrature):                 {exact:8.3f} s   ratio {exact / pymc:.4f}")
    try:
        import nutpie
    except ImportError:
        print("nutpie: not installed")
        return
    model = build_model(s.priors, s.likelihood)
    t = time.perf_counter()
    compiled = nutpie.compile_pymc_model(model)
    compile_s = time.perf_counter() - t
    nut = best(
        lambda: nutpie.sample(
            compiled, draws=cfg.draws, tune=cfg.tune, chains=cfg.chains, seed=seed, progress_bar=False
        ),
        args.repeats,
    )
    print(f"nutpie compile:                          {compile_s:8.2f} s")
    print(f"nutpie sample (best of {args.repeats}):              {nut:8.2f} s   ratio {nut / pymc:.2f}")


if __name__ == "__main__":
    main()
