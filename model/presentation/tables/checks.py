"""Tables of the checks and the downloads (chapters 8 and 10)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from ...computation.checks import Check, PowerScaling
from ..numbers import (
    label,
    num,
    yes_no,
)
from .base import (
    Link,
    Table,
    table,
)

if TYPE_CHECKING:
    from ..export import Manifest


def checks_table(checks: Sequence[Check]) -> Table:
    """Pass/fail checks: name, p-value, verdict, detail."""
    return table(
        (
            {
                "check": label(c.name).replace(".", " · "),
                "statistic": num(c.statistic, 3),
                "p-value": num(c.p_value, 3),
                "passed": yes_no(c.passed),
                "detail": c.detail or c.rule,
            }
            for c in checks
        ),
        numeric={"statistic", "p-value"},
        wide={"detail"},
    )


def power_scaling_table(ps: PowerScaling) -> Table:
    """Prior and likelihood power-scaling sensitivity per quantity, with what each diagnosis means."""
    return table(
        (
            {
                "quantity": q,
                "prior sensitivity": num(float(ps.prior[i]), 3),
                "likelihood sensitivity": num(float(ps.likelihood[i]), 3),
                "diagnosis": ps.diagnosis(i),
            }
            for i, q in enumerate(ps.quantities)
        ),
        numeric={"prior sensitivity", "likelihood sensitivity"},
    )


def downloads_table(manifest: Manifest, href: str) -> Table:
    """Every downloadable file: link, what it holds, size and SHA-256 (``href``: the folder's URL)."""
    return table(
        (
            {
                "file": Link(f.name, href + f.name),
                "what it holds": f.description,
                "size": f"{f.size / 1000:,.1f} kB",
                "SHA-256": f.sha256,
            }
            for f in manifest.files
        ),
        numeric={"size"},
        wide={"what it holds"},
    )
