"""The whole analysis in one call: load, elicit, infer both ways, simulate, summarise.

Every entry point (CLI, notebooks, tests) goes through :func:`prepare` and :func:`analyse`,
so a user's own assumptions or evidence files, and a seed override, flow everywhere the same way.

Headline numbers come from the exact path (:mod:`model.computation.exact`); PyMC and the forward Monte
Carlo are checks, each shown with its Monte Carlo standard error.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .assumptions import Assumptions, load_assumptions
from .errors import InputError
from .evidence import Evidence, load_evidence, select
from .evidence_files import DEFAULT_EVENTS, DEFAULT_QUARTERS
from .exact import ExactPosterior, exact_posterior
from .exact_prior import ExactPrior, exact_prior
from .gates import Gate, agreement
from .likelihood import Likelihood, likelihood_of
from .mcmc import fit_mcmc
from .mcmc_result import MCMCResult, Quantity
from .priors import Priors, elicit_priors
from .resolution import DEFAULT_RESOLUTION, ResolutionResult, resolve
from .simulate import Draws, Summary, posterior_predictive, prior_predictive, rng_for, summarise

ENV_FILES = {
    "assumptions": "H20_ASSUMPTIONS",
    "events": "H20_EVENTS",
    "quarters": "H20_QUARTERS",
    "resolution": "H20_RESOLUTION",
}
"""Environment variables that point the default inputs at a user's own files."""
ENV_SEED = "H20_SEED"
"""Environment variable that replaces the assumptions' seed (as ``--seed`` does)."""


@dataclass(frozen=True)
class Setup:
    """Validated inputs: assumptions, priors, evidence and the likelihood they imply.

    Attributes
    ----------
    assumptions : Assumptions
        The assumptions file in force (``model/data/assumptions.yaml`` unless the user gives one).
    priors : Priors
        The priors elicited from the assumptions (:func:`cached_priors`).
    evidence : Evidence
        The evidence in force: the events and quarters files filtered by ``as_of`` and ``min_confidence``.
    likelihood : Likelihood
        The likelihood of :attr:`evidence` under the assumptions.
    events_file, quarters_file : str
        The evidence files in force (``model/data/events.csv``, ``model/data/quarters.csv`` unless given).
    seed : int
        The seed in force: ``--seed``, else ``H20_SEED``, else the assumptions'.
    record : Evidence or None
        Everything in the evidence files, unfiltered.
    resolution_file : str
        The verdicts file in force (``model/data/resolution.csv`` unless given).
    resolution : ResolutionResult or None
        The article's forecast resolved by the stated criteria.
    """

    assumptions: Assumptions
    priors: Priors
    evidence: Evidence
    """The evidence in force: the files filtered by ``as_of`` and ``min_confidence``."""
    likelihood: Likelihood
    events_file: str
    quarters_file: str
    seed: int
    """The seed in force: ``--seed``, else ``H20_SEED``, else the assumptions'."""
    record: Evidence | None = None
    """Everything in the evidence files, unfiltered (the resolution cites what happened)."""
    resolution_file: str = ""
    """The verdicts file in force (``model/data/resolution.csv`` unless the user gives one)."""
    resolution: ResolutionResult | None = None
    """The article's forecast resolved by the stated criteria (:mod:`model.computation.resolution`)."""

    def fy_revenue(self) -> float | None:
        """The fiscal year's reported revenue (USD bn), once reported in the evidence in force.

        Returns
        -------
        float or None
            Total revenue of the fiscal year ending ``measurement.fiscal_year_end`` (``quarters.csv``), or
            None while it is not reported.
        """
        return self.evidence.year_revenue(self.assumptions.measurement.fiscal_year_end.value)


def parse_seed(text: str) -> int | None:
    """A seed given as text (``--seed``, ``H20_SEED``): an integer in [0, 2**32), else None.

    Parameters
    ----------
    text : str
        The text, surrounding whitespace ignored.

    Returns
    -------
    int or None
        The seed, or None when the text is not a decimal integer in [0, 2**32).
    """
    text = text.strip()
    return int(text) if text.isdigit() and int(text) < 2**32 else None


def resolve_seed(a: Assumptions, seed: int | None = None) -> int:
    """The seed in force; ``H20_SEED`` must be a non-negative integer.

    Parameters
    ----------
    a : Assumptions
        The assumptions, whose ``seed`` is the default.
    seed : int, optional
        An explicit seed (``--seed``); wins over the rest.

    Returns
    -------
    int
        ``seed``, else ``H20_SEED`` when set and not empty, else the assumptions' seed.

    Raises
    ------
    InputError
        When ``H20_SEED`` is set to anything but an integer in [0, 2**32).
    """
    if seed is not None:
        return seed
    text = os.environ.get(ENV_SEED, "").strip()
    if not text:
        return a.seed.value
    value = parse_seed(text)
    if value is None:
        raise InputError(
            ENV_SEED,
            "(environment)",
            f"{text!r} is not an integer in [0, 2**32)",
            "set H20_SEED to a non-negative integer, e.g. 7",
        )
    return value


def prepare(
    assumptions: str | Path | None = None,
    events: str | Path | None = None,
    quarters: str | Path | None = None,
    as_of: dt.date | None = None,
    min_confidence: str = "weak_sources",
    seed: int | None = None,
    resolution: str | Path | None = None,
) -> Setup:
    """Load and validate every input.

    ``None`` takes the file named by the environment variable in :data:`ENV_FILES`
    (``H20_ASSUMPTIONS``, ``H20_EVENTS``, ``H20_QUARTERS``) if set, else the file shipped in
    ``model/data``; ``seed=None`` takes ``H20_SEED`` if set, else the assumptions' seed. An empty
    variable counts as unset; an empty argument (``--assumptions ''``)
    is an error. A relative path in a variable is found from ``$PWD`` (where the user ran
    ``jupyter-book build``), then from the working directory.

    Parameters
    ----------
    assumptions : str or pathlib.Path, optional
        The assumptions file (YAML).
    events, quarters : str or pathlib.Path, optional
        The evidence files (CSV).
    as_of : datetime.date, optional
        Keep only the evidence known on this date (default: all).
    min_confidence : str
        Keep only evidence at this confidence or above (``weak_sources`` keeps all).
    seed : int, optional
        Replaces the assumptions' seed.
    resolution : str or pathlib.Path, optional
        The verdicts file (CSV).

    Returns
    -------
    Setup
        The validated inputs, the elicited priors and the likelihood.

    Raises
    ------
    InputError
        When a file is missing or malformed, a value is impossible, or ``H20_SEED`` is not a seed (exit 2 at the
        command line: one line naming the file, the field and the fix).
    """
    from .inputs import resolve_input

    assumptions = resolve_input(assumptions, "--assumptions", ENV_FILES["assumptions"])
    events = resolve_input(events, "--events", ENV_FILES["events"])
    quarters = resolve_input(quarters, "--quarters", ENV_FILES["quarters"])
    resolution = resolve_input(resolution, "--resolution", ENV_FILES["resolution"])
    a = load_assumptions(assumptions)
    record = load_evidence(events, quarters)
    ev = select(record.events, record.periods, as_of, min_confidence)
    priors = cached_priors(a)
    res = resolve(a.resolution, a.measurement, record.events, record.periods, resolution)
    return Setup(
        assumptions=a,
        priors=priors,
        evidence=ev,
        likelihood=likelihood_of(a, ev, priors),
        events_file=str(events or DEFAULT_EVENTS),
        quarters_file=str(quarters or DEFAULT_QUARTERS),
        seed=resolve_seed(a, seed),
        record=record,
        resolution_file=str(resolution or DEFAULT_RESOLUTION),
        resolution=res,
    )


def cached_priors(a: Assumptions) -> Priors:
    """:func:`model.computation.priors.elicit_priors`, once per distinct assumptions.

    Parameters
    ----------
    a : Assumptions
        The assumptions (their contents, not their file name, are the cache key).

    Returns
    -------
    Priors
        The elicited priors, from the result cache when computed before.
    """
    from .cache import cached

    return cached(
        "elicit_priors", None, {"assumptions": a.model_dump(exclude={"source_file"})}, lambda: elicit_priors(a)
    )


@dataclass(frozen=True)
class Analysis:
    """The results of one analysis: the exact path, the forward Monte Carlo and (optionally) PyMC.

    Names say where a number comes from: ``exact_*`` and ``*_exact()`` are the deterministic
    quadrature of :mod:`model.computation.exact` (the headline numbers); ``*_mc`` are Monte Carlo
    summaries, each value with its Monte Carlo standard error (checks of the exact path). Shares are
    fractions of FY2026 revenue in [0, 1]; USD amounts are in USD bn; probabilities are in [0, 1].
    Arrays indexed by scenario follow :data:`model.SCENARIOS` (dim ``scenario``).

    Attributes
    ----------
    setup : Setup
        The validated inputs the analysis ran on.
    exact_posterior : ExactPosterior
        Exact posterior of the scenario, theta and the recovery shares (arrays of shape (4,), dim ``scenario``).
    exact_prior : ExactPrior
        Exact prior predictive of the recovered share and of recovered USD (not the priors: those are
        ``setup.priors``).
    prior_draws : Draws
        Forward Monte Carlo draws from the prior predictive, shape (1, ``inference.forward_draws``) each.
    prior_share_mc : Summary
        Monte Carlo summary of ``prior_draws.share`` (fraction), ``p_exceed`` at :attr:`threshold`.
    prior_usd_mc : Summary
        Monte Carlo summary of ``prior_draws.usd`` (USD bn), ``p_exceed`` at :attr:`threshold` times the prior
        mean of FY2026 revenue.
    mcmc : MCMCResult or None
        The PyMC fit (None without PyMC, :func:`analyse_exact`).
    posterior_draws : Draws or None
        Posterior predictive draws from the PyMC fit, shape (chain, draw) each (None without PyMC).
    posterior_share_mc : Summary or None
        Monte Carlo summary of ``posterior_draws.share`` (fraction), ``p_exceed`` at :attr:`threshold`.
    posterior_usd_mc : Summary or None
        Monte Carlo summary of ``posterior_draws.usd`` (USD bn), ``p_exceed`` at :attr:`usd_threshold`.
    agreement : Gate
        The PyMC fit against the exact path, one row per reported quantity
        (:func:`model.computation.gates.agreement`; empty without a fit).
    """

    setup: Setup
    exact_posterior: ExactPosterior
    exact_prior: ExactPrior
    prior_draws: Draws
    prior_share_mc: Summary
    prior_usd_mc: Summary
    mcmc: MCMCResult | None = None
    posterior_draws: Draws | None = None
    posterior_share_mc: Summary | None = None
    posterior_usd_mc: Summary | None = None
    agreement: Gate = field(default_factory=lambda: Gate(()))

    @property
    def revenue_fy2026(self) -> float | None:
        """FY2026 revenue (USD bn) once reported with the full-year datum, else None (``quarters.csv``)."""
        return self.setup.likelihood.revenue.revenue

    @property
    def threshold(self) -> float:
        """The share (fraction) in P(recovered share >= threshold) (``inference.recovery_threshold``)."""
        return self.setup.assumptions.inference.recovery_threshold

    @property
    def usd_threshold(self) -> float:
        """The threshold in USD bn: at the reported FY2026 revenue, else at its prior mean."""
        rev = self.revenue_fy2026
        return self.threshold * (rev if rev is not None else self.setup.priors.revenue.mean)

    def posterior_share_exact(self) -> dict[str, float]:
        """Exact posterior summary of the recovered share.

        Returns
        -------
        dict of str to float
            ``mean``, ``median``, ``q05``, ``q95`` (fractions of FY2026 revenue) and ``p_exceed``
            (P(share >= :attr:`threshold` | E)).
        """
        return self.exact_posterior.share_summary(self.threshold)

    def posterior_usd_exact(self) -> dict[str, float] | None:
        """Exact posterior summary in USD bn once FY2026 revenue is reported.

        Returns
        -------
        dict of str to float or None
            :meth:`posterior_share_exact` scaled by the reported revenue (USD bn; ``p_exceed`` unchanged,
            at :attr:`usd_threshold`); None while FY2026 revenue is not reported.
        """
        rev = self.revenue_fy2026
        if rev is None:
            return None
        s = self.posterior_share_exact()
        return {k: (v if k == "p_exceed" else v * rev) for k, v in s.items()}

    def prior_share_exact(self) -> dict[str, float]:
        """Exact prior predictive summary of the recovered share.

        Returns
        -------
        dict of str to float
            ``mean``, ``median``, ``q05``, ``q95`` (fractions) and ``p_exceed`` (P(share >= :attr:`threshold`)).
        """
        return self.exact_prior.share_summary(self.threshold)

    def prior_usd_exact(self) -> dict[str, float]:
        """Exact prior predictive summary of recovered revenue.

        Returns
        -------
        dict of str to float
            ``mean``, ``median``, ``q05``, ``q95`` (USD bn) and ``p_exceed`` (P(USD >= :attr:`threshold` times
            the prior mean of FY2026 revenue)).
        """
        return self.exact_prior.usd_summary(self.threshold * self.setup.priors.revenue.mean)


def save_fit(result: MCMCResult, directory: Path) -> None:
    """Write a fit into ``directory``: the InferenceData as netCDF, the quantities and divergences as JSON.

    Parameters
    ----------
    result : MCMCResult
        The fit.
    directory : pathlib.Path
        An existing directory; ``idata.nc`` and ``summary.json`` are written into it.
    """
    result.idata.to_netcdf(str(directory / "idata.nc"))
    summary = {"quantities": [dataclasses.asdict(q) for q in result.quantities], "divergences": result.divergences}
    (directory / "summary.json").write_text(json.dumps(summary), encoding="utf-8")


def load_fit(directory: Path) -> MCMCResult:
    """A fit written by :func:`save_fit` (float64 arrays and JSON floats round-trip exactly).

    Parameters
    ----------
    directory : pathlib.Path
        Holds ``idata.nc`` and ``summary.json``.

    Returns
    -------
    MCMCResult
        The fit, its InferenceData loaded into memory (the files closed).
    """
    import arviz as az

    with az.rc_context({"data.load": "eager"}):  # into memory, file closed: the entry may be replaced
        idata = az.from_netcdf(str(directory / "idata.nc"))
    summary = json.loads((directory / "summary.json").read_text(encoding="utf-8"))
    quantities = tuple(Quantity(**q) for q in summary["quantities"])
    return MCMCResult(idata, quantities, int(summary["divergences"]))


FIT_SETTINGS: frozenset[str] = frozenset({"chains", "draws", "tune", "target_accept", "sampler", "max_rhat", "min_ess"})
"""The inference settings a fit depends on (the rest, e.g. the quadrature nodes, concern other paths)."""


def fit_params(setup: Setup) -> dict[str, object]:
    """Everything :func:`model.computation.mcmc.fit_mcmc` reads: the priors, the likelihood, the sampler settings, seed.

    The fit's cache key is made of these (with the package source and library versions), not of the
    input files' bytes: a change that leaves them alone (a reworded event summary, the reporting
    threshold) reuses the fit; any change that moves them refits.

    Parameters
    ----------
    setup : Setup
        The inputs in force.

    Returns
    -------
    dict of str to object
        ``priors``, ``likelihood``, ``settings`` (the inference settings of :data:`FIT_SETTINGS`) and ``seed``.
    """
    settings = setup.assumptions.inference.model_dump(include=set(FIT_SETTINGS))
    return {"priors": setup.priors, "likelihood": setup.likelihood, "settings": settings, "seed": setup.seed}


def cached_fit(setup: Setup) -> MCMCResult:
    """:func:`model.computation.mcmc.fit_mcmc` on the setup's inputs and seed, once per distinct input.

    Parameters
    ----------
    setup : Setup
        The inputs in force; :func:`fit_params` of it is the cache key (:mod:`model.computation.cache`).

    Returns
    -------
    MCMCResult
        The fit, from the result cache when made before.

    Raises
    ------
    ConvergenceError
        When a new fit fails its diagnostics.
    """
    from .cache import cached

    p, lik, settings, seed = setup.priors, setup.likelihood, setup.assumptions.inference, setup.seed
    return cached("fit_mcmc", None, fit_params(setup), lambda: fit_mcmc(p, lik, settings, seed), save_fit, load_fit)


def analyse(setup: Setup, mcmc: bool = True) -> Analysis:
    """Run the exact path, the forward prior predictive and (by default) PyMC with its checks.

    Parameters
    ----------
    setup : Setup
        The inputs in force (:func:`prepare`).
    mcmc : bool
        Also fit PyMC (cached), draw the posterior predictive and compare the two paths.

    Returns
    -------
    Analysis
        Without ``mcmc``, the PyMC fields are None and ``agreement`` is empty.

    Raises
    ------
    ConvergenceError
        With ``mcmc``, when a new fit fails its diagnostics.
    """
    a, p, lik = setup.assumptions, setup.priors, setup.likelihood
    settings, seed = a.inference, setup.seed
    thr = settings.recovery_threshold
    exact = exact_posterior(p, lik, settings.quadrature_nodes)
    prior = prior_predictive(p, settings.forward_draws, rng_for(seed, "prior_predictive"))
    out = Analysis(
        setup, exact, exact_prior(p), prior, summarise(prior.share, thr), summarise(prior.usd, thr * p.revenue.mean)
    )
    if not mcmc:
        return out
    fit = cached_fit(setup)
    revenue = lik.revenue.revenue
    post = posterior_predictive(p, lik, fit, rng_for(seed, "posterior_predictive"), revenue)
    usd_thr = thr * (revenue if revenue is not None else p.revenue.mean)
    return dataclasses.replace(
        out,
        mcmc=fit,
        posterior_draws=post,
        posterior_share_mc=summarise(post.share, thr),
        posterior_usd_mc=summarise(post.usd, usd_thr),
        agreement=agreement(exact, fit),
    )


def analyse_exact(setup: Setup) -> Analysis:
    """:func:`analyse` without PyMC: the exact path and the forward prior predictive.

    Parameters
    ----------
    setup : Setup
        The inputs in force.

    Returns
    -------
    Analysis
        Its PyMC fields None.
    """
    return analyse(setup, mcmc=False)


def plain(x: float, digits: int | None = None) -> float | int:
    """``x`` rounded to a plain Python number, whose repr is short and stable across runs.

    Parameters
    ----------
    x : float
        Any real number (NumPy scalars included).
    digits : int, optional
        Decimal places; None rounds to an integer.

    Returns
    -------
    float or int
        An ``int`` when ``digits`` is None, else a ``float``.
    """
    return int(round(float(x))) if digits is None else float(round(float(x), digits))
