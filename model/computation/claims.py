"""The article's claims and an audit of its own arithmetic and of the checks against sources."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .article import ARTICLE
from .errors import InputError, cell_error, quote
from .inputs import as_input, read_csv_rows

ARTICLE_CLAIMS: Path = ARTICLE.path("claims") or Path()
"""The article's claims, named by the article in force (``model/data/article_claims.csv`` by default)."""
CLAIMS_CHECK: Path | None = ARTICLE.path("claims_check")
"""The claims checked against sources (None when the article gives no such file)."""

# The article's figures (seed article; quoted in article_claims.csv).
H20_FP16_TFLOPS = 296.0
H100_FP16_TFLOPS = 1980.0
CLAIMED_TRAINING_RATIO = 0.20
CHINA_FY2025_USD_BN = 17.0
PRICE_USD = 172.25
PRICE_CHANGE = 0.0499
FORWARD_PE = 182.0
CHECKED_FORWARD_PE = (34.0, 38.0)  # claims_check.csv, forward P/E row
JULY_CONSENSUS_USD_BN = 197.5  # claims_check.csv, recovery row
CEO_H20_USD_BN = 15.0  # claims_check.csv, recovery row


MAX_CLAIMS = 1000
"""Most rows of a claims file."""


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def stated(key: str) -> tuple[float, float]:
    """The article's stated number(s) for a claim, read from the article's claims file.

    Parameters
    ----------
    key : the claim's ``key`` (``scenarios``: the stated scenario's probability; ``recovery``: the
        stated share of the fiscal year's revenue)

    Returns
    -------
    tuple of float
        ``(low, high)`` as stated (equal for a single number).

    Raises
    ------
    InputError
        The claims file has no row ``key``, or its ``low``/``high`` are not numbers with low <= high.
    """
    src = as_input(ARTICLE_CLAIMS, ARTICLE_CLAIMS)
    rows = read_csv_rows(src, ("key", "low", "high"), MAX_CLAIMS, "claims")
    found = [(line, r) for line, r in rows if r["key"].strip() == key]
    if not found:
        raise InputError(src.shown, f"key {key}", "no such row", f"add a row with key {key} and its low and high")
    line, row = found[0]
    try:
        low, high = float(row["low"]), float(row["high"])
    except ValueError:
        raise cell_error(
            src.shown,
            line,
            "low",
            f"not numbers: {quote(row['low'])}, {quote(row['high'])}",
            "give the stated numbers as decimals (11% is 0.11)",
        ) from None
    if not (np.isfinite(low) and np.isfinite(high) and low <= high):
        raise cell_error(src.shown, line, "high", f"[{low}, {high}] is not a range", "give low <= high")
    return low, high


def stated_base_probability() -> float:
    """The one probability the article stated: its first scenario's (``scenarios`` row, ``low``).

    Returns
    -------
    float
    """
    return stated("scenarios")[0]


RECOVERY_BAND: tuple[float, float] = stated("recovery")
"""The article's stated share of the fiscal year's revenue ("about 11-12%" of FY2026 revenue for the H20 article)."""


def article_claims() -> list[dict[str, str]]:
    """The article's claims: short quote in the article's language, English gloss, value, how the model uses it.

    Returns
    -------
    list of dict
        One row per claim, column -> text.
    """
    return _rows(ARTICLE_CLAIMS)


def claims_check() -> list[dict[str, str]]:
    """The article's figures checked against sources (copied from shared/evidence).

    Returns
    -------
    list of dict
        One row per claim, column -> text; empty when the article names no ``claims_check`` file.
    """
    return [] if CLAIMS_CHECK is None else _rows(CLAIMS_CHECK)


def _two(x: float) -> str:
    """``x`` to two significant figures, as the book shows a derived figure ('14.9' -> '15', '141.7' -> '140')."""
    return f"{float(f'{x:.2g}'):,.{max(0, 1 - int(np.floor(np.log10(abs(x)))))}f}" if x else "0"


@dataclass(frozen=True)
class AuditLine:
    """One check of the article's own arithmetic: what it says, the sum redone, the verdict."""

    key: str
    check: str
    article_says: str
    arithmetic: str
    value: float
    verdict: str


def audit(fy2026_reported_usd_bn: float) -> dict[str, AuditLine]:
    """The article's own arithmetic, recomputed, by key.

    Parameters
    ----------
    fy2026_reported_usd_bn : the fiscal year's reported revenue (USD bn)

    Returns
    -------
    dict
        :class:`AuditLine` by key.
    """
    ratio = H20_FP16_TFLOPS / H100_FP16_TFLOPS
    lo, hi = RECOVERY_BAND
    implied_rev = (CHINA_FY2025_USD_BN / hi, CHINA_FY2025_USD_BN / lo)
    eps = PRICE_USD / FORWARD_PE
    eps_checked = (PRICE_USD / CHECKED_FORWARD_PE[1], PRICE_USD / CHECKED_FORWARD_PE[0])
    lines = [
        AuditLine(
            "training_ratio",
            "H20 vs H100 training",
            "about 20%",
            "296 / 1,980 FP16 TFLOPS",
            ratio,
            f"inconsistent: the article's own figures give {_two(100 * ratio)}%, not {CLAIMED_TRAINING_RATIO:.0%}",
        ),
        AuditLine(
            "implied_revenue",
            "FY2026 revenue implied by 'USD 17bn = 11-12%'",
            "11-12%",
            "17 / 0.12 to 17 / 0.11 (USD bn)",
            implied_rev[0],
            f"implies FY2026 revenue of USD {_two(implied_rev[0])}-{_two(implied_rev[1])}bn, "
            f"below the July-2025 consensus of USD {JULY_CONSENSUS_USD_BN:g}bn",
        ),
        AuditLine(
            "consensus_share",
            "11-12% of the July-2025 consensus",
            "11-12%",
            f"0.11-0.12 x {JULY_CONSENSUS_USD_BN:g} (USD bn)",
            lo * JULY_CONSENSUS_USD_BN,
            f"USD {_two(lo * JULY_CONSENSUS_USD_BN)}-{_two(hi * JULY_CONSENSUS_USD_BN)}bn, "
            f"above the USD {CEO_H20_USD_BN:g}bn H20 figure NVIDIA's CEO gave "
            f"({_two(100 * CEO_H20_USD_BN / JULY_CONSENSUS_USD_BN)}%)",
        ),
        AuditLine(
            "reported_share",
            "11-12% of reported FY2026 revenue",
            "11-12%",
            f"0.11-0.12 x {fy2026_reported_usd_bn:g} (USD bn)",
            lo * fy2026_reported_usd_bn,
            f"would have been USD {_two(lo * fy2026_reported_usd_bn)}-{_two(hi * fy2026_reported_usd_bn)}bn",
        ),
        AuditLine(
            "forward_pe",
            "Forward P/E of 182x",
            "about 182x",
            "172.25 / 182 (USD per share)",
            eps,
            f"implies forward EPS of USD {eps:.2f}; sources put the forward P/E at "
            f"{CHECKED_FORWARD_PE[0]:g}-{CHECKED_FORWARD_PE[1]:g}x, i.e. EPS of USD "
            f"{_two(eps_checked[0])}-{_two(eps_checked[1])}: 182x is wrong",
        ),
        AuditLine(
            "previous_close",
            "Previous close implied by +4.99%",
            "172.25, +4.99%",
            "172.25 / (1 + 4.99%) (USD per share)",
            PRICE_USD / (1 + PRICE_CHANGE),
            f"previous close USD {PRICE_USD / (1 + PRICE_CHANGE):.2f}; the stock closed up about 4.0% that day",
        ),
    ]
    return {a.key: a for a in lines}
