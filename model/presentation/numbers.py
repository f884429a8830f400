"""Numbers for people: the precision policy, its formats and labels, and the policy as rules a test applies.

Every number the book, the command line and the explorer show passes through these formats
(book/method.md, "Numbers and their precision"); :mod:`model.presentation.report` writes the
command line's JSON and text with them, the tables, facts, charts and widgets format with them.
"""

from __future__ import annotations

import re

import numpy as np

from ..computation.mcmc_result import BOUND


def rnd(x: float | None, digits: int = 6) -> float | None:
    """A float rounded for JSON (None stays None)."""
    return None if x is None else float(round(float(x), digits))


# --------------------------------------------------------------------------- the precision policy
#
# Every number shown to a reader is rounded to what its uncertainty supports (book/method.md,
# "Numbers and their precision"): probabilities in whole percent between 1% and 99%, one
# significant figure below 1% and a bound below 0.01% (model error dwarfs the rest), "> 99%"
# above 99%; shares of revenue and dollar amounts to two significant figures; scores to two
# decimals. Raw values stay full precision in the downloads (JSON, CSV, netCDF).


DECIDE: float = 1e-9
"""Relative distance from a rounding boundary within which the last bits of a machine could decide it.

Two machines' results differ in the last bits (BLAS kernels, SIMD paths): about 1e-15 relative, far
inside this. A value that close to a boundary is rounded as the value just above it would be, the
same on every machine (``round`` alone rounds exact ties to even and near-ties by the last bit)."""


def decided_round(x: float, decimals: int) -> float:
    """``round(x, decimals)`` that no last-bit difference can flip: near a boundary, the side above it."""
    up = round(x + DECIDE * abs(x), decimals)
    return up if up != round(x - DECIDE * abs(x), decimals) else round(x, decimals)


def sig(x: float, n: int = 2) -> str:
    """``x`` to ``n`` significant figures, plain notation, thousands separated ('0.028', '410', '24,000')."""
    if x == 0 or not np.isfinite(x):
        return "0" if x == 0 else "—"
    exp = int(np.floor(np.log10(abs(x))))
    rounded = decided_round(x, n - 1 - exp)
    if rounded != 0 and int(np.floor(np.log10(abs(rounded)))) > exp:  # 0.99 -> 1.0: one digit fewer after the point
        exp += 1
        rounded = decided_round(x, n - 1 - exp)
    return f"{rounded:,.{max(0, n - 1 - exp)}f}"


def sig_resolution(x: float, n: int = 2) -> float:
    """Half a unit in the last of ``n`` significant figures of ``x``: a smaller change does not show in :func:`sig`."""
    return 0.5 * 10.0 ** (np.floor(np.log10(abs(x))) - (n - 1)) if x else 0.0


def prob_text(p: float, digits: int = 0) -> str:
    """A probability by the precision policy: '< 0.01%', '0.6%', '37%', '> 99%' (``digits`` decimals in 1-99%)."""
    if p < BOUND:
        return "< 0.01%"
    if p < 0.01:
        return f"{sig(100 * p, 1)}%"
    if p > 0.99:
        return "> 99%"
    return f"{decided_round(100 * p, digits):.{digits}f}%"


def share_text(x: float) -> str:
    """A share of revenue in percent to two significant figures ('0.028%', '11%', '8.3%')."""
    return f"{sig(100 * x, 2)}%"


def usd_text(x_bn: float, n: int = 2) -> str:
    """USD to ``n`` significant figures: 'USD 60m' below 1bn, else 'USD 24bn', 'USD 1.2bn' (a reported
    figure, known to the dollar, may take three: 'USD 216bn').
    """
    if x_bn == 0:
        return "USD 0"
    if abs(x_bn) < 1.0:
        return f"USD {sig(1000 * x_bn, n)}m"
    return f"USD {sig(x_bn, n)}bn"


def usd_bn_text(x_bn: float, n: int = 2) -> str:
    """USD in billions to ``n`` significant figures whatever the size ('USD 0.060bn', 'USD 1.2bn', 'USD 24bn'):
    for a column of amounts read side by side (the what-if explorer), one unit.
    """
    return f"USD {sig(x_bn, n)}bn"


def share_range(lo: float, hi: float) -> str:
    """Two shares as a range, the unit once ('11–12%', '0.025–0.030%')."""
    return f"{share_text(lo)[:-1]}–{share_text(hi)}"


def usd_range(lo_bn: float, hi_bn: float) -> str:
    """Two amounts as a range, the unit once ('USD 24–26bn', 'USD 55–65m'; mixed units spelled out)."""
    a, b = usd_text(lo_bn), usd_text(hi_bn)
    if a[-1] == b[-1] and (a.endswith("bn") == b.endswith("bn")):
        unit = "bn" if a.endswith("bn") else "m"
        return f"{a[: -len(unit)]}–{b[4:]}"
    return f"{a} to {b}"


def times_text(x: float) -> str:
    """A ratio to two significant figures ('410×', '3.9×')."""
    return f"{sig(x, 2)}×"


def times_range(lo: float, hi: float) -> str:
    """A ratio known only within a range ('380–450×'; one value when both ends print the same)."""
    a, b = sig(lo, 2), sig(hi, 2)
    return f"{a}×" if a == b else f"{a}–{b}×"


def score_text(x: float | None, digits: int = 2) -> str:
    """A score to ``digits`` decimals, with a true minus sign ('0.20', '−0.60'; '—' when missing)."""
    if x is None or not np.isfinite(x):
        return "—"
    text = f"{decided_round(x, digits):.{digits}f}"
    return "0." + "0" * digits if float(text) == 0 else text.replace("-", "−")


def bound_text(p_max: float) -> str:
    """A tiny probability as a bound: '< 0.01%' below 1e-4, else its largest value rounded up to one digit."""
    if p_max < BOUND:
        return "< 0.01%"
    exp = int(np.floor(np.log10(100 * p_max)))
    top = np.ceil(100 * p_max / 10.0**exp) * 10.0**exp
    return f"< {top:.{max(0, -exp)}f}%"


def range_text(lo: float, hi: float, digits: int = 0) -> str:
    """A probability range in percent ('37–86%', '86% to > 99%'), as a bound when both ends are below 1e-4."""
    if hi < BOUND:
        return "< 0.01% under every variant"
    a, b = prob_text(lo, digits), prob_text(hi, digits)
    if a == b:
        return a
    if a[0].isdigit() and b[0].isdigit():
        return f"{a[:-1]}–{b}"
    return f"{a} to {b}"


# --------------------------------------------------------------------------- the policy as rules
#
# The same policy, written so that a test can hold every rendered number to it
# (tests/presentation/test_numbers.py): :func:`precision_problem` takes one number as a reader sees it, with
# the text around it, and says what is wrong with it, or None. What is not a quantity (dates,
# years, event ids, counts, seeds, versions, parameters that define a distribution, figures quoted
# from a source) is no concern of the policy; see :func:`quantities`.

NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:e[+-]?\d+)?"
"""One number as rendered: thousands separated, decimals, or scientific ('24,000', '0.028', '4.4e-05')."""

QUANTITY_RE = re.compile(
    rf"(?<![\w.,/:#@\-−–])(?P<bound>[<>≤≥]\s?)?(?P<usd>USD\s?~?)?(?P<sign>[+−-])?(?P<a>{NUMBER})"
    rf"(?:\s?(?:–|-|to)\s?(?:USD\s?)?[+−-]?(?P<b>{NUMBER}))?"
    r"(?P<unit>\s?(?:%|pp\b|percentage points\b|bn\b|m\b|nats?\b)|×|x\b)?(?![\w.]*\d)"
)
"""A number token: an optional bound sign, 'USD', sign, a number, an optional range end and unit
('×' right after the number: '4 × 10,000' is a product of counts, '380×' a ratio)."""

NOT_QUANTITIES: tuple[tuple[str, str], ...] = (
    (
        "date",
        r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2} (?:January|February|March|April|May|June|July|August|September"
        r"|October|November|December)(?: \d{4})?\b|\b(?:January|February|March|April|May|June|July|August|September"
        r"|October|November|December),? \d{4}\b",
    ),
    ("identifier", r"\b(?:FY|Q|E|H|B|A|S|v|#)\d[\w.]*|\b[A-Za-z]+\d+[\w.]*"),
    ("version", r"\b(?:Python|version|v)\s?\d+(?:\.\d+)+\b|\b\d+\.\d+\.\d+\b"),
    ("reference", r"\b(?:[Ff]igure|[Tt]able|[Ss]ection|[Cc]hapter|[Ff]ig\.|[Ss]eed|seeds?|step)\s\d[\d.,]*"),
    ("distribution", r"\b(?:Beta|Gamma|Dirichlet|Normal|LogNormal|Lognormal|Uniform|HalfNormal|Binomial)\([^)]*\)"),
    ("citation", r"\[\d+(?:,\s?\d+)*\]"),
    ("url", r"https?://\S+|\b[\w-]+(?:\.[\w-]+)+/\S*"),
    ("file size", r"\b\d[\d,.]*\s?(?:bytes|kB|MB|GB)\b"),
)
"""What is not a quantity, by kind: blanked out of a text before its numbers are read."""

TEST_WORDS = re.compile(
    r"(?:P\(x_rep|r̂|r_hat|r-hat|R-hat|p-value|\bp = |\bp=|k̂|Pareto k|\|z\||\bz = |statistic|sensitivity"
    r"|power.scaling|Sobol|index|indices)"
)
"""Words just before a number that make it a test statistic of the checks: r̂, a p-value, k̂, z, an index."""
DIAGNOSTIC_WORDS = re.compile(r"(?:MCSE|\bESS\b|r̂|Pareto k|agreement|exact vs MCMC|[Ss]ensitivity)")
"""Words in a table's headers (or near a number) that make its numbers diagnostics of the computation."""
SCORE_WORDS = re.compile(r"(?:Brier|log score|\blog\b|log-odds|\bnats?\b|CRPS|score)", re.IGNORECASE)
"""Words near a number that make it a score or a log-odds (two decimals)."""
PRICE_WORDS = re.compile(r"(?:per share|EPS|close|pre-market)")
"""Words near a USD amount that make it a share price (to the cent, as an exchange quotes it)."""
PSEUDO_COUNT = re.compile(r"acts like\W*$|(?:^\W*observations)")
"""An integer that is an effective number of observations, computed, not counted."""
HEADER_UNIT = re.compile(r"(?:\((?P<unit>pp|USD bn|USD m|%|observations)\)|, (?P<pct>%)):\s*$")
"""A table column's unit, from its header ('CRPS (pp): 13'): a cell reads as ``header: cell``."""


def significant_figures(number: str) -> int:
    """Significant figures of a rendered number ('0.028' -> 2, '1.0' -> 2, '24,000' -> 2, '506' -> 3).

    Trailing zeros of a whole number are not counted ('410' has two, '100' one): the policy writes
    a rounded thousand as '24,000'. Zeros after the decimal point are ('0.030' has two).
    """
    mant = number.replace(",", "").lower().split("e")[0].lstrip("+-−")
    if "." in mant:
        whole, frac = mant.split(".")
        digits = (whole + frac).lstrip("0")
        return len(digits) if digits else 1
    digits = mant.lstrip("0").rstrip("0")
    return max(1, len(digits))


def decimal_places(number: str) -> int:
    """Digits after the decimal point of a rendered number ('0.028' -> 3, '410' -> 0, '9.6e-08' -> 9)."""
    mant, _, exp = number.replace(",", "").lower().partition("e")
    return max(0, (len(mant.split(".")[1]) if "." in mant else 0) - int(exp or 0))


PRECISION_RULES: dict[str, tuple[int | None, int | None, str]] = {
    "bound": (1, None, "a bound: one significant figure below ('< 0.01%', '< 0.002%'), '> 99%' above"),
    "probability": (2, 0, "a probability: whole percent between 1% and 99%"),
    "percent": (2, None, "a share or probability in percent: two significant figures"),
    "points": (2, None, "percentage points: two significant figures"),
    "usd": (2, None, "a dollar amount: two significant figures"),
    "price": (None, 2, "a share price: to the cent"),
    "ratio": (2, None, "a ratio: two significant figures ('380×', '3.9×')"),
    "score": (None, 2, "a score or log-odds: two decimals"),
    "test": (None, 3, "a test statistic of the checks (r̂, p-value, k̂, z, sensitivity, index): three decimals"),
    "diagnostic": (
        4,
        None,
        "a diagnostic of the computation (an estimate beside its MCSE, the exact value it is checked "
        "against): four significant figures",
    ),
    "estimate": (None, None, "an estimate ± its MCSE: no more decimals than the MCSE, the MCSE at two figures"),
    "pseudo_count": (2, None, "an effective number of observations: two significant figures"),
    "number": (2, None, "a number without a unit: two significant figures"),
}
"""The precision policy as rules: kind -> (most significant figures, most decimals, the rule in words)."""


def precision_kind(token: str, before: str = "", after: str = "", context: str = "") -> str | None:
    """The rule of :data:`PRECISION_RULES` a rendered number falls under, or None when it is no quantity.

    ``token`` is one match of :data:`QUANTITY_RE`; ``before`` and ``after`` are the text around it
    (a table cell reads ``header: cell``), which decide between kinds that look alike: a score and a
    plain number, a price and an amount, a count and a quantity; ``context`` (a table's headers) marks
    the numbers of a diagnostics table. A whole number without a unit is a count; a number beside
    '±' is an estimate with its MCSE.
    """
    m = QUANTITY_RE.fullmatch(token.strip())
    if m is None:
        return None
    unit = (m["unit"] or "").strip()
    line = before.rsplit("\n", 1)[-1]
    local = line[-40:]
    near = local + " " + after[:25]
    header = HEADER_UNIT.search(local)
    if not unit and header:
        unit = {"USD bn": "bn", "USD m": "m", "observations": ""}.get(header["unit"] or "%", header["unit"] or "%")
    if after.lstrip().startswith("±") or re.search(r"±\s?$", before):
        return "estimate"
    if m["bound"] and unit == "%":
        return "bound"
    if m["usd"] or unit in ("bn", "m"):
        return "price" if PRICE_WORDS.search(near) else "usd"
    if unit == "%":
        return "probability" if re.search(r"P\([^()]*\)\s?=?\s?$", before) else "percent"
    if unit in ("pp", "percentage points"):
        return "points"
    if unit in ("×", "x"):
        return "ratio"
    if unit in ("nat", "nats"):
        return "score"
    whole = "." not in m["a"] + (m["b"] or "") and "e" not in m["a"].lower()
    if whole:
        counted = header is None or header["unit"] != "observations"
        return "pseudo_count" if not counted or PSEUDO_COUNT.search(local) or PSEUDO_COUNT.search(after[:20]) else None
    if TEST_WORDS.search(line):
        return "test"
    if DIAGNOSTIC_WORDS.search(context + " " + near):
        return "diagnostic"
    if m["sign"] or SCORE_WORDS.search(near):
        return "score"
    return "number"


def precision_problem(token: str, before: str = "", after: str = "", context: str = "") -> str | None:
    """What is wrong with a rendered number under the precision policy, or None when nothing is.

    >>> precision_problem("0.026723%")
    '0.026723%: 5 significant figures; a share or probability in percent: two significant figures'
    """
    kind = precision_kind(token, before, after, context)
    if kind is None:
        return None
    m = QUANTITY_RE.fullmatch(token.strip())
    most_sig, most_dec, rule = PRECISION_RULES[kind]
    numbers = [n for n in (m["a"], m["b"]) if n]
    if kind == "probability":
        value = float(numbers[0].replace(",", ""))
        most_dec = 0 if 1 <= value <= 99 else None
        most_sig = 1 if value < 1 else 2
    if kind == "bound" and m["bound"].strip() in ">≥":
        most_sig = 2  # '> 99%'
    if kind == "estimate":
        return None  # held to its MCSE by estimate_problem
    for n in numbers:
        if most_dec is not None and "e" in n.lower():
            most_sig, most_dec = 2, None  # scientific notation: a tiny number to two figures
        if most_sig is not None and significant_figures(n) > most_sig:
            return f"{token.strip()}: {significant_figures(n)} significant figures; {rule}"
        if most_dec is not None and decimal_places(n) > most_dec:
            return f"{token.strip()}: {decimal_places(n)} decimals; {rule}"
    return None


ESTIMATE_RE = re.compile(rf"(?<![\w.])[+−-]?(?P<a>{NUMBER})(?P<u>%?)\s?±\s?(?P<b>{NUMBER})(?P<v>%|\s?pp)?")
"""An estimate with its Monte Carlo standard error ('0.99 ± 0.0012', '0.02670% ± 0.00009%')."""


def estimate_problem(token: str) -> str | None:
    """What is wrong with 'value ± MCSE' under the policy: the MCSE at most two significant figures,
    the value with no more decimals than the MCSE (in the same unit), or None.
    """
    m = ESTIMATE_RE.fullmatch(token.strip())
    if m is None:
        return None
    if significant_figures(m["b"]) > 2:
        return f"{token.strip()}: an MCSE to {significant_figures(m['b'])} significant figures; two at most"
    if float(m["b"]) == 0:
        return None  # an exact value: nothing to hold it to
    if m["u"] == (m["v"] or "").strip() and decimal_places(m["a"]) > decimal_places(m["b"]):
        return f"{token.strip()}: more decimals than its MCSE supports; {PRECISION_RULES['estimate'][2]}"
    return None


def _quoted(number: str, quoted: frozenset[str]) -> bool:
    """A figure as a source gives it, or a source's figure rounded to three significant figures ('USD 216bn')."""
    if number in quoted:
        return True
    n = significant_figures(number)
    if n != 3:
        return False
    value = float(number.replace(",", "").lstrip("+-−"))
    return any(q != "0" and float(f"{float(q.replace(',', '')):.3g}") == value for q in quoted)


def quantities(text: str, quoted: frozenset[str] = frozenset()) -> list[tuple[str, str, str]]:
    """The numbers of a text that fall under the policy, as ``(token, before, after)``.

    What :data:`NOT_QUANTITIES` names is blanked first. A token whose numbers are all in ``quoted``
    (the numbers of the sourced data files), or are such a number rounded to three significant
    figures, is a figure as its source gives it and is left out.
    """
    for _, pattern in NOT_QUANTITIES:
        text = re.sub(pattern, lambda m: " " * len(m.group(0)), text)
    out = []
    for m in QUANTITY_RE.finditer(text):
        nums = [n for n in (m["a"], m["b"]) if n]
        if quoted and all(_quoted(n, quoted) for n in nums):
            continue
        out.append((m.group(0), text[max(0, m.start() - 120) : m.start()], text[m.end() : m.end() + 60]))
    return out


def precision_offenders(text: str, quoted: frozenset[str] = frozenset(), context: str = "") -> list[tuple[str, str]]:
    """Every number of ``text`` that breaks the precision policy, as ``(problem, the text around it)``.

    ``quoted``: see :func:`quantities`; ``context``: see :func:`precision_kind`.
    """
    out = []
    for token, before, after in quantities(text, quoted):
        problem = precision_problem(token, before, after, context)
        if problem:
            out.append((problem, (before[-40:] + token + after[:30]).replace("\n", " ")))
    for m in ESTIMATE_RE.finditer(text):
        problem = estimate_problem(m.group(0))
        if problem:
            out.append((problem, text[max(0, m.start() - 40) : m.end() + 30].replace("\n", " ")))
    return out


def pct(x: float, sig: int = 3) -> str:
    """A share as a percentage with ``sig`` significant digits (e.g. '0.0197%', '11.3%')."""
    return f"{100 * x:#.{sig}g}%".replace(".%", "%")


def pct_pm(value: float, mcse: float) -> str:
    """A Monte Carlo share 'value ± MCSE' in percent, both to the decimals the MCSE supports ('0.02670% ± 0.00009%')."""
    if mcse <= 0:
        return pct(value)
    decimals = max(0, int(-np.floor(np.log10(100 * mcse))) + 1)
    return f"{100 * value:.{decimals}f}% ± {100 * mcse:.{decimals}f}%"


def label(name: str) -> str:
    """An internal name for people: underscores become spaces ('us_permits' -> 'us permits')."""
    return name.replace("_", " ")


def usd_m(x_bn: float) -> str:
    """USD bn as a rounded amount in millions ('USD 58m', 'USD 1,208m')."""
    return f"USD {x_bn * 1000:,.0f}m"


def num(x: float | None, digits: int = 3) -> str:
    """A number for a table cell: '—' when missing or NaN, no signed zero ('-0.000' shows as '0.000')."""
    if x is None or not np.isfinite(x):
        return "—"
    text = f"{decided_round(x, digits):.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0.0 else text


def signed(x: float, digits: int = 2) -> str:
    """A change with its sign ('+0.42', '−1.30'); zero unsigned."""
    text = num(x, digits)
    return text if float(text) == 0.0 else (f"+{text}" if x > 0 else text.replace("-", "−"))


def yes_no(flag: bool) -> str:
    """A flag for a table cell: 'yes' or 'no'."""
    return "yes" if flag else "no"


QUANTITY_LABELS: dict[str, str] = {"p_z": "P(z={})", "theta": "theta[{}]", "r": "r[{}]"}
"""How a reported posterior variable at one scenario is named for people (MCMC tables, JSON)."""

OUTPUT_LABELS: dict[str, str] = {
    "scenario_prob": "P({})",
    "theta_mean": "E[theta_{}]",
    "share_mean": "mean share",
    "usd_mean": "mean USD bn",
}
"""How the sensitivity outputs are named for people."""


def quantity_label(var: str, scenario: str) -> str:
    """A posterior variable at one scenario as people read it ('theta[base]'; :data:`QUANTITY_LABELS`)."""
    return QUANTITY_LABELS[var].format(scenario)


def output_label(var: str, scenario: str | None = None) -> str:
    """A sensitivity output as people read it ('P(base)', 'mean share'; :data:`OUTPUT_LABELS`)."""
    return OUTPUT_LABELS[var].format(scenario)
