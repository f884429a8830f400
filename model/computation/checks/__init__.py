"""Does the model fit? Predictive checks, simulation-based calibration and power-scaling.

Computation only: every function returns a dataclass; nothing prints. Method: book/method.md,
"Model checks". The modules, along the chapter's seams:

* :mod:`.common` -- the pass/fail row :class:`Check`, the ECDF uniformity test, the reliability test;
* :mod:`.predictive` -- prior and posterior predictive checks of the signal counts;
* :mod:`.revenue` -- prior, forecast and posterior predictive checks of the full-year revenue datum;
* :mod:`.sbc` -- simulation-based calibration of the exact path;
* :mod:`.sbc_pymc` -- simulation-based calibration of the PyMC path;
* :mod:`.power` -- power-scaling sensitivity;
* :mod:`.suite` -- every check of the chapter (:func:`run_checks`, :class:`CheckReport`).

Every public name is re-exported here (``from model.computation.checks import sbc_exact``). A verdict
on a set of checks as one result is :func:`model.computation.gates.checks_gate`; the text and JSON
summaries are :mod:`model.presentation.summaries`.
"""

from .common import (
    BAND_SIMULATIONS,
    SBC_FAMILY_ALPHA,
    Check,
    Reliability,
    UniformityTest,
    poisson_binomial_pmf,
    reliability,
    two_sided,
    uniformity_test,
)
from .power import (
    PS_LOG2_ALPHA,
    PS_REFERENCE_DRAWS,
    PS_THRESHOLD,
    PowerScaling,
    cjs_distance,
    js_distance,
    power_scaling,
    powered_likelihood,
    powered_priors,
    powered_recovery,
)
from .predictive import (
    ENUMERATION_LIMIT,
    PPC_ALPHA,
    PPC_DRAWS,
    SignalCheck,
    g_statistic,
    n_facts,
    observed_facts,
    signal_check,
)
from .revenue import (
    FORECAST_GRID,
    RevenueCheck,
    forecast_revenue_check,
    posterior_revenue_check,
    prior_revenue_cdf,
    prior_revenue_check,
)
from .sbc import (
    SBC_CHUNK,
    SBC_QUANTITIES,
    SBCDesign,
    SBCResult,
    Simulated,
    design_of,
    likelihood_for,
    r_cdf,
    sbc_exact,
    sbc_pits,
    sbc_pits_map,
    simulate_datasets,
    theta_cdf,
)
from .sbc_pymc import MAX_DIVERGENT_FRACTION, SBCFit, build_data_model, sbc_fit, sbc_mcmc
from .suite import CheckReport, PredictiveChecks, predictive_checks, run_checks

__all__ = [
    "BAND_SIMULATIONS",
    "Check",
    "CheckReport",
    "ENUMERATION_LIMIT",
    "FORECAST_GRID",
    "MAX_DIVERGENT_FRACTION",
    "PPC_ALPHA",
    "PPC_DRAWS",
    "PS_LOG2_ALPHA",
    "PS_REFERENCE_DRAWS",
    "PS_THRESHOLD",
    "PowerScaling",
    "PredictiveChecks",
    "Reliability",
    "RevenueCheck",
    "SBCDesign",
    "SBCFit",
    "SBCResult",
    "SBC_CHUNK",
    "SBC_FAMILY_ALPHA",
    "SBC_QUANTITIES",
    "SignalCheck",
    "Simulated",
    "UniformityTest",
    "build_data_model",
    "cjs_distance",
    "design_of",
    "forecast_revenue_check",
    "g_statistic",
    "js_distance",
    "likelihood_for",
    "n_facts",
    "observed_facts",
    "poisson_binomial_pmf",
    "posterior_revenue_check",
    "power_scaling",
    "powered_likelihood",
    "powered_priors",
    "powered_recovery",
    "predictive_checks",
    "prior_revenue_cdf",
    "prior_revenue_check",
    "r_cdf",
    "reliability",
    "run_checks",
    "sbc_exact",
    "sbc_fit",
    "sbc_mcmc",
    "sbc_pits",
    "sbc_pits_map",
    "signal_check",
    "simulate_datasets",
    "theta_cdf",
    "two_sided",
    "uniformity_test",
]
