"""Every fact a chapter's prose states, computed: one function per chapter, glue-ready values.

A chapter's text refers to these by name (``{glue:text}`leader```); a test checks that every
name a chapter uses is produced by its function here, so no number is typed into the prose and
no chapter looks a scenario up by position. Numbers that the prose formats itself (``:.1f``)
stay numbers; everything else is text formatted by :mod:`model.presentation.numbers`.

One module per group of chapters (:mod:`.outcome`, :mod:`.inputs`, :mod:`.results`, :mod:`.diagnostics`), what
they share in :mod:`.common`; this package re-exports them (``facts.<name>``).
"""

from .common import (
    Facts,
    base_mean_source,
    credit,
)
from .diagnostics import (
    checks,
    downloads,
    explore,
    sbc_exact,
    sbc_mcmc,
)
from .inputs import (
    article,
    datum_derivation,
    evidence,
    priors,
)
from .outcome import (
    basis_bounds,
    call_facts,
    held_up,
    overview,
)
from .results import (
    belief,
    drivers,
    false_alarm_bound,
    inference,
    revenue,
)

__all__ = [
    "Facts",
    "base_mean_source",
    "call_facts",
    "overview",
    "basis_bounds",
    "held_up",
    "article",
    "credit",
    "priors",
    "datum_derivation",
    "evidence",
    "false_alarm_bound",
    "inference",
    "belief",
    "revenue",
    "drivers",
    "checks",
    "sbc_exact",
    "sbc_mcmc",
    "explore",
    "downloads",
]
