"""Does the model fit? Predictive checks, simulation-based calibration and power-scaling.

Computation only: every function returns a dataclass; nothing prints. Method: book/method.md,
"Model checks". The modules, along the chapter's seams:

* :mod:`.common` -- the pass/fail row :class:`Check`, the ECDF uniformity test, the reliability test;
* :mod:`.predictive` -- prior, posterior and forecast predictive checks (signal counts, revenue datum);
* :mod:`.sbc` -- simulation-based calibration of the exact path;
* :mod:`.sbc_pymc` -- simulation-based calibration of the PyMC path;
* :mod:`.power` -- power-scaling sensitivity;
* :mod:`.suite` -- every check of the chapter (:func:`run_checks`, :class:`CheckReport`).

Every public name is re-exported here (``from model.computation.checks import sbc_exact``). A verdict
on a set of checks as one result is :func:`model.computation.gates.checks_gate`; the text and JSON
summaries are :mod:`model.presentation.summaries`.
"""

from .common import (
    BAND_SIMULATIONS as BAND_SIMULATIONS,
)
from .common import (
    SBC_FAMILY_ALPHA as SBC_FAMILY_ALPHA,
)
from .common import (
    Check as Check,
)
from .common import (
    Reliability as Reliability,
)
from .common import (
    UniformityTest as UniformityTest,
)
from .common import (
    poisson_binomial_pmf as poisson_binomial_pmf,
)
from .common import (
    reliability as reliability,
)
from .common import (
    two_sided as two_sided,
)
from .common import (
    uniformity_test as uniformity_test,
)
from .power import (
    PS_LOG2_ALPHA as PS_LOG2_ALPHA,
)
from .power import (
    PS_REFERENCE_DRAWS as PS_REFERENCE_DRAWS,
)
from .power import (
    PS_THRESHOLD as PS_THRESHOLD,
)
from .power import (
    PowerScaling as PowerScaling,
)
from .power import (
    cjs_distance as cjs_distance,
)
from .power import (
    js_distance as js_distance,
)
from .power import (
    power_scaling as power_scaling,
)
from .power import (
    powered_likelihood as powered_likelihood,
)
from .power import (
    powered_priors as powered_priors,
)
from .power import (
    powered_recovery as powered_recovery,
)
from .predictive import (
    ENUMERATION_LIMIT as ENUMERATION_LIMIT,
)
from .predictive import (
    FORECAST_GRID as FORECAST_GRID,
)
from .predictive import (
    PPC_ALPHA as PPC_ALPHA,
)
from .predictive import (
    PPC_DRAWS as PPC_DRAWS,
)
from .predictive import (
    RevenueCheck as RevenueCheck,
)
from .predictive import (
    SignalCheck as SignalCheck,
)
from .predictive import (
    forecast_revenue_check as forecast_revenue_check,
)
from .predictive import (
    g_statistic as g_statistic,
)
from .predictive import (
    n_facts as n_facts,
)
from .predictive import (
    observed_facts as observed_facts,
)
from .predictive import (
    posterior_revenue_check as posterior_revenue_check,
)
from .predictive import (
    prior_revenue_cdf as prior_revenue_cdf,
)
from .predictive import (
    prior_revenue_check as prior_revenue_check,
)
from .predictive import (
    signal_check as signal_check,
)
from .sbc import (
    SBC_CHUNK as SBC_CHUNK,
)
from .sbc import (
    SBC_QUANTITIES as SBC_QUANTITIES,
)
from .sbc import (
    SBCDesign as SBCDesign,
)
from .sbc import (
    SBCResult as SBCResult,
)
from .sbc import (
    Simulated as Simulated,
)
from .sbc import (
    design_of as design_of,
)
from .sbc import (
    likelihood_for as likelihood_for,
)
from .sbc import (
    r_cdf as r_cdf,
)
from .sbc import (
    sbc_exact as sbc_exact,
)
from .sbc import (
    sbc_pits as sbc_pits,
)
from .sbc import (
    sbc_pits_map as sbc_pits_map,
)
from .sbc import (
    simulate_datasets as simulate_datasets,
)
from .sbc import (
    theta_cdf as theta_cdf,
)
from .sbc_pymc import (
    MAX_DIVERGENT_FRACTION as MAX_DIVERGENT_FRACTION,
)
from .sbc_pymc import (
    SBCFit as SBCFit,
)
from .sbc_pymc import (
    build_data_model as build_data_model,
)
from .sbc_pymc import (
    sbc_fit as sbc_fit,
)
from .sbc_pymc import (
    sbc_mcmc as sbc_mcmc,
)
from .suite import (
    CheckReport as CheckReport,
)
from .suite import (
    PredictiveChecks as PredictiveChecks,
)
from .suite import (
    predictive_checks as predictive_checks,
)
from .suite import (
    run_checks as run_checks,
)
