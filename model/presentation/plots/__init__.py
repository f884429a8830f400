"""Plots: every figure has a title, labelled axes with units; one colour per scenario everywhere.

Functions take computed results and return a matplotlib Figure; they compute nothing the
other modules do not already expose.

Figures are drawn for the size at which the book shows them: :data:`FULL_WIDTH` inches wide
(a 7 in SVG is 504 pt = 672 CSS px, inside the ~700 px content column), every text at least
:data:`MIN_FONT` pt at that size. Legends sit above the plot and long labels above their bar
rather than in a wide left margin, so a figure still reads when a phone shrinks it to ~360 px.
Colours: :data:`SCENARIO_COLORS` mean scenarios and nothing else; every other distinction
(low/high, prior/posterior, first-order/total, observed/replicated) uses :data:`NEUTRAL`.

The charts live in one module per chapter group (:mod:`.priors`, :mod:`.evidence`, :mod:`.inference`,
:mod:`.drivers`, :mod:`.retrospective`, :mod:`.checks`), the house style and the helpers they share in
:mod:`.style`; this package re-exports them all (``plots.<name>``).
"""

from .checks import (
    SBC_NAMES,
    power_scaling_plot,
    reliability_plot,
    revenue_check_one,
    sbc_ecdf_plot,
    signal_check_plot,
)
from .drivers import (
    TORNADO_UNITS,
    call_ratio_chart,
    call_weight_chart,
    influence_chart,
    kappa_sweep_chart,
    sobol_chart,
    sweep_chart,
    tornado_chart_one,
)
from .evidence import (
    evidence_timeline,
    quarterly_revenue,
)
from .inference import (
    belief_over_time,
    forecast_over_time,
    model_graph,
    prior_vs_posterior,
    share_cdfs,
)
from .priors import (
    predictive_share_histogram,
    predictive_usd_histogram,
    recovery_prior_densities,
    scenario_prior_densities,
)
from .retrospective import (
    held_up_chart,
    oos_base_chart,
    oos_share_chart,
)
from .style import (
    CONFIDENCE_MARKERS,
    FONT,
    FULL_WIDTH,
    HEIGHT,
    MIN_FONT,
    NARROW,
    NARROW_WIDTH,
    NEUTRAL,
    SCENARIO_COLORS,
    SCENARIO_LABELS,
    STYLE,
    WIDE,
    Layout,
    chart_html,
    chart_title,
    layout,
    svg_bytes,
)

__all__ = [
    "SCENARIO_COLORS",
    "NEUTRAL",
    "SCENARIO_LABELS",
    "CONFIDENCE_MARKERS",
    "FULL_WIDTH",
    "NARROW_WIDTH",
    "HEIGHT",
    "MIN_FONT",
    "FONT",
    "Layout",
    "WIDE",
    "NARROW",
    "layout",
    "STYLE",
    "svg_bytes",
    "chart_title",
    "chart_html",
    "scenario_prior_densities",
    "recovery_prior_densities",
    "predictive_share_histogram",
    "predictive_usd_histogram",
    "evidence_timeline",
    "quarterly_revenue",
    "prior_vs_posterior",
    "belief_over_time",
    "share_cdfs",
    "forecast_over_time",
    "model_graph",
    "TORNADO_UNITS",
    "tornado_chart_one",
    "sweep_chart",
    "kappa_sweep_chart",
    "influence_chart",
    "sobol_chart",
    "call_weight_chart",
    "call_ratio_chart",
    "held_up_chart",
    "oos_share_chart",
    "oos_base_chart",
    "revenue_check_one",
    "signal_check_plot",
    "SBC_NAMES",
    "sbc_ecdf_plot",
    "reliability_plot",
    "power_scaling_plot",
]
