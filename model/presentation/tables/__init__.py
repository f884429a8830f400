"""Tables for people: every table the book shows, through one renderer.

Each builder takes results from the computation layer and returns a :class:`Table`: human
headers with units, numbers already formatted (:mod:`model.presentation.numbers`'s helpers: percentages with
sensible digits, "—" for a missing value, "yes"/"no", no signed zero), long text wrapped, and
no index column unless it names the row. A long table shows its first rows and keeps the rest in
a "show all" dropdown. The book styles the ``h20-table`` class in ``book/_static/book.css``.
Jupyter and the book render :meth:`Table._repr_html_`; a terminal gets
the plain-text form.

The renderer is in :mod:`.base`, the tables in one module per group of chapters (:mod:`.inputs`,
:mod:`.inference`, :mod:`.held_up`, :mod:`.checks`); this package re-exports them (``tables.<name>``).
"""

from .base import (
    Cell,
    Link,
    Table,
    sources,
    table,
)
from .checks import (
    checks_table,
    downloads_table,
    power_scaling_table,
)
from .held_up import (
    EVENTS_HREF,
    article_scores_table,
    bounds_table,
    call_variants_table,
    cited,
    conditions_table,
    oos_table,
    quarter_bounds_table,
    readings_table,
    resolution_table,
    revisions_table,
)
from .inference import (
    SOBOL_INPUTS,
    agreement_table,
    diagnostics_table,
    influence_table,
    quality_table,
    revision_table,
    sobol_table,
    tornado_table,
)
from .inputs import (
    audit_table,
    claims_check_table,
    claims_table,
    events_table,
    mc_table,
    prior_table,
    quarters_table,
    recovery_reasoning_table,
    signal_likelihood_table,
    summary_table,
)

__all__ = [
    "Link",
    "Cell",
    "Table",
    "table",
    "sources",
    "claims_table",
    "audit_table",
    "claims_check_table",
    "prior_table",
    "recovery_reasoning_table",
    "summary_table",
    "mc_table",
    "events_table",
    "quarters_table",
    "signal_likelihood_table",
    "diagnostics_table",
    "agreement_table",
    "revision_table",
    "tornado_table",
    "influence_table",
    "quality_table",
    "SOBOL_INPUTS",
    "sobol_table",
    "EVENTS_HREF",
    "cited",
    "resolution_table",
    "conditions_table",
    "readings_table",
    "quarter_bounds_table",
    "article_scores_table",
    "oos_table",
    "call_variants_table",
    "bounds_table",
    "revisions_table",
    "checks_table",
    "power_scaling_table",
    "downloads_table",
]
