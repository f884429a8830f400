"""Presentation of results: the headline JSON, text summaries and number formatting.

Computation lives in the computation layer (exact, mcmc, simulate, sensitivity, checks); this
module only arranges and rounds what those return.
"""

from __future__ import annotations

import re

import numpy as np
import xarray as xr

from .. import SCENARIOS
from ..computation import sensitivity as sens
from ..computation.call import MISREPORT, CallBasis
from ..computation.mcmc import BOUND, Agreement
from ..computation.pipeline import Analysis, Setup
from ..computation.resolution import ConditionVerdict, Resolution, ResolutionResult
from ..computation.retrospective import Retrospective
from ..computation.scoring import Score
from ..computation.sensitivity import Tornado
from ..computation.simulate import Summary


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
# (tests/test_precision.py): :func:`precision_problem` takes one number as a reader sees it, with
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
    return QUANTITY_LABELS[var].format(scenario)


def output_label(var: str, scenario: str | None = None) -> str:
    return OUTPUT_LABELS[var].format(scenario)


def _rounded(d: dict[str, float] | None, digits: int = 6) -> dict[str, float | None] | None:
    return None if d is None else {k: rnd(v, digits) for k, v in d.items()}


def _by_scenario(values, digits: int = 6) -> dict[str, float | None]:  # noqa: ANN001 (array or DataArray)
    return {s: rnd(v, digits) for s, v in zip(SCENARIOS, np.asarray(values), strict=True)}


def _mc(s: Summary) -> dict[str, object]:
    return {
        **{k: {"value": rnd(v["value"]), "mcse": rnd(v["mcse"])} for k, v in s.as_dict().items()},
        "threshold": rnd(s.threshold),
    }


def _estimates(mean, mcse, digits: int = 6) -> dict[str, dict[str, float | None]]:  # noqa: ANN001
    return {
        s: {"value": rnd(m, digits), "mcse": rnd(e, digits)}
        for s, m, e in zip(SCENARIOS, np.asarray(mean), np.asarray(mcse), strict=True)
    }


def _inputs(an: Analysis) -> dict[str, object]:
    st, obs = an.setup, an.setup.likelihood.revenue
    return {
        "assumptions": st.assumptions.source_file,
        "events": st.events_file,
        "quarters": st.quarters_file,
        "as_of": st.evidence.as_of.isoformat(),
        "min_confidence": st.evidence.min_confidence,
        "n_events": len(st.evidence.events),
        "n_signal_events": len(st.evidence.signal_events),
        "revenue_datum": {
            "kind": obs.kind,
            "usd_bn": rnd(obs.usd_bn),
            "sd_usd_bn": rnd(obs.sd),
            "periods": list(obs.periods),
        },
        "seed": st.seed,
    }


def _posterior(an: Analysis, spread: xr.Dataset | None) -> dict[str, object]:
    ex, obs = an.exact, an.setup.likelihood.revenue
    out: dict[str, object] = {
        "scenario_prob": _by_scenario(ex.scenario_prob, 10),
        "scenario_prob_text": {s: prob_text(p) for s, p in zip(SCENARIOS, ex.scenario_prob, strict=True)},
        "theta_mean": _by_scenario(ex.theta_mean),
        "share": _rounded(an.posterior_share(), 8),
        "usd_bn": _rounded(an.posterior_usd()),
        "realised_share": rnd(obs.realised_share, 8),
        "fy2026_revenue_reported_usd_bn": an.revenue_fy2026,
    }
    if spread is not None:
        out["scenario_prob_range"] = {
            s: {k: rnd(float(spread[k].sel(scenario=s)), 10) for k in ("min", "max")} for s in SCENARIOS
        }
    return out


def _prior_forward_mc(an: Analysis) -> dict[str, object]:
    z = an.prior_draws.z.ravel()
    freq = np.array([np.mean(z == i) for i in range(len(SCENARIOS))])
    return {
        "scenario_prob": _estimates(freq, np.sqrt(freq * (1 - freq) / z.size)),
        "share": _mc(an.prior_share),
        "usd_bn": _mc(an.prior_usd),
    }


def _mcmc_checks(an: Analysis) -> dict[str, object]:
    p_z, theta = an.mcmc.estimate("p_z"), an.mcmc.estimate("theta")
    return {
        "scenario_prob": _estimates(p_z["mean"], p_z["mcse"], 10),
        "theta_mean": _estimates(theta["mean"], theta["mcse"]),
        "share": _mc(an.post_share),
        "usd_bn": _mc(an.post_usd),
    }


def _gate_row(g: Agreement) -> dict[str, object]:
    return {
        "quantity": quantity_label(g.var, g.scenario),
        "exact": rnd(g.exact, 10),
        "mcmc": rnd(g.mcmc, 10),
        "mcse": rnd(g.mcse, 10),
        "z": rnd(g.z, 3),
        "pareto_k": rnd(g.khat, 3),
        "method": g.method,
        "ok": g.ok,
        "rule": g.reason,
    }


def _diagnostics(an: Analysis) -> dict[str, object]:
    qs = an.mcmc.quantities
    return {
        "divergences": an.mcmc.divergences,
        "max_rhat": rnd(max(q.r_hat for q in qs)),
        "min_ess_bulk": rnd(min(q.ess_bulk for q in qs), 1),
        "agreement_ok": all(g.ok for g in an.agreement),
        "agreement": [_gate_row(g) for g in an.agreement],
    }


def _condition(c: ConditionVerdict) -> dict[str, object]:
    return {
        "id": c.id,
        "text": c.text,
        "defining": c.defining,
        "verdict": c.verdict,
        "computed": c.computed,
        "events": list(c.events),
        "periods": list(c.periods),
        "finding": c.finding,
    }


def _resolved(r: Resolution) -> dict[str, object]:
    out: dict[str, object] = {"verdict": r.verdict, "question": r.question, "reasoning": r.reasoning}
    if not r.main:
        out = {"scenario": r.scenario, "name": r.name, **out}
    return {**out, "conditions": [_condition(c) for c in r.conditions]}


def resolution_json(res: ResolutionResult) -> dict[str, object]:
    """The resolution: window, rule, verdict and cited events per scenario, other readings, the best description."""
    return {
        "window": {"start": res.window[0].isoformat(), "end": res.window[1].isoformat()},
        "criteria_written": res.written.isoformat(),
        "best_description": res.best,
        "scenarios": {s: _resolved(r) for s, r in res.scenarios.items()},
        "readings": {k: _resolved(r) for k, r in res.readings.items()},
        "quarters": [
            {"fiscal_period": q.fiscal_period, "upper_usd_bn": q.upper, "known_usd_bn": q.known, "basis": q.basis}
            for q in res.quarters
        ],
    }


def _score(s: Score) -> dict[str, object]:
    f = s.forecast
    return {
        "forecaster": f.forecaster,
        "date": f.date.isoformat(),
        "p_base": rnd(f.p_base, 10),
        "interval": {"lower": rnd(f.lower, 10), "upper": rnd(f.upper, 10), "coverage": f.coverage},
        "point": rnd(f.centre, 10),
        "brier": rnd(s.brier, 6),
        "log_score": rnd(s.log, 6),
        "interval_score": rnd(s.interval, 8),
        "covered": s.covered,
        "ratio_to_outcome": rnd(s.ratio, 4),
        "ratio_range": [rnd(s.ratio_range[0], 4), rnd(s.ratio_range[1], 4)],
    }


def scores_json(rt: Retrospective) -> dict[str, object]:
    """The article's stated numbers and the book's out-of-sample forecasts, scored (None before the outcome)."""
    if rt.outcome is None or rt.article is None:
        return {"outcome": None}
    o = rt.outcome
    return {
        "outcome": {
            "base_verdict": rt.resolution.stated_verdict,
            "share": rnd(o.share, 10),
            "share_low": rnd(o.low, 10),
            "share_high": rnd(o.high, 10),
            "usd_bn": o.usd_bn,
            "rounding_usd_bn": o.rounding,
            "revenue_usd_bn": o.revenue,
            "disclosed_in": o.period,
        },
        "hindsight_from": None if rt.hindsight_from is None else rt.hindsight_from.isoformat(),
        "article": _score(rt.article),
        "baselines_p_base": {k: {"brier": rnd(b, 6), "log_score": rnd(lg, 6)} for k, (b, lg) in rt.baselines.items()},
        "model_out_of_sample": [_score(s) for s in rt.model],
        "last_out_of_sample": None if rt.last_out_of_sample is None else _score(rt.last_out_of_sample),
        "model_time_averaged": {k: rnd(v, 8) for k, v in rt.time_averaged.items()},
    }


def call_json(cb: CallBasis) -> dict[str, object]:
    """What the scenario call rests on (:mod:`model.computation.call`)."""
    lo, hi = cb.weight_counted
    return {
        "leader": cb.leader,
        "rival": cb.rival,
        "log_odds": {**{k: rnd(v, 6) for k, v in cb.parts.items()}, "total": rnd(cb.total, 6)},
        "tempering_weight": cb.weight,
        "weight_flip": rnd(cb.weight_flip, 6),
        "weight_counted": {
            "n_signal_events": cb.n_signals,
            "n_facts": cb.n_facts,
            "n_campaigns": cb.n_campaigns,
            "campaigns_per_event": rnd(lo, 6),
            "facts_per_event": rnd(hi, 6),
        },
        "datum_bayes_factor_rival_over_leader": rnd(cb.datum_factor, 6),
        "flip_bayes_factor": rnd(cb.flip_factor, 4),
        "hyperprior_scenario_prob": _by_scenario(cb.hyperprior, 10),
        "classification": [
            {"variant": v.name, "description": v.description, "scenario_prob": _by_scenario(v.probs, 10)}
            for v in cb.classification
        ],
        "robust_likelihoods": [
            {"variant": v.name, "description": v.description, "scenario_prob": _by_scenario(v.probs, 12)}
            for v in cb.robust
        ],
    }


def headline(
    an: Analysis,
    spread: xr.Dataset | None = None,
    retro: Retrospective | None = None,
    call: CallBasis | None = None,
) -> dict[str, object]:
    """The headline numbers as a JSON-ready dict (keys documented in the README).

    Exact values are the headline; Monte Carlo values sit under ``checks`` with their MCSE.
    ``spread``: min and max of each scenario's probability across the tempering-weight range
    (:func:`model.computation.sensitivity.weight_spread`); ``retro``: the resolution and the scores
    (:func:`model.computation.retrospective.retrospective`); ``call``: what the call rests on.
    """
    st = an.setup
    checks: dict[str, object] = {"prior_forward_mc": _prior_forward_mc(an)}
    out: dict[str, object] = {
        "inputs": _inputs(an),
        "prior": {
            "scenario_prob": _by_scenario(st.priors.m),
            "share": _rounded(an.prior_share_exact()),
            "usd_bn": _rounded(an.prior_usd_exact()),
        },
        "posterior": _posterior(an, spread),
        "checks": checks,
        "warnings": list(st.priors.warnings),
    }
    if retro is not None:
        out["resolution"] = resolution_json(retro.resolution)
        out["scores"] = scores_json(retro)
    if call is not None:
        out["call"] = call_json(call)
        texts = out["posterior"]["scenario_prob_text"]  # type: ignore[index]
        for s in SCENARIOS:
            if float(an.exact.scenario_prob[SCENARIOS.index(s)]) < BOUND:
                texts[s] = bound_text(call.bound(s)) + f" under every variant (misreports up to {max(MISREPORT):.0%})"
    if an.mcmc is not None and an.post_share is not None and an.post_usd is not None:
        checks["mcmc"] = _mcmc_checks(an)
        out["diagnostics"] = _diagnostics(an)
    return out


def _scenario_lines(h: dict) -> list[str]:
    from ..computation.article import ARTICLE

    prior, post = h["prior"], h["posterior"]
    ranged = "scenario_prob_range" in post
    lines = [
        f"Scenario probabilities (exact path; the posterior conditions on {ARTICLE.company}'s reports: "
        "hindsight, not a forecast)",
        f"  {'scenario':<10}{'prior':>8}  {'posterior':<52}" + ("range over the tempering weight" if ranged else ""),
    ]
    for s in SCENARIOS:
        line = f"  {s:<10}{prob_text(prior['scenario_prob'][s]):>8}  {post['scenario_prob_text'][s]:<52}"
        if ranged:
            r = post["scenario_prob_range"][s]
            line += range_text(r["min"], r["max"])
        lines.append(line.rstrip())
    return lines


def _summary_block(title: str, d: dict | None, fmt, thr: float) -> list[str]:  # noqa: ANN001 - a formatter
    if d is None:
        return []
    return [
        "",
        title,
        f"  mean {fmt(d['mean'])}, median {fmt(d['median'])}, 5–95% {fmt(d['q05'])} to {fmt(d['q95'])}, "
        f"P(≥ {fmt(thr)}) {prob_text(d['p_exceed'])}",
    ]


def _check_line(d: dict) -> list[str]:
    bad = [g["quantity"] for g in d["agreement"] if not g["ok"]]
    gate = "pass" if d["agreement_ok"] else "FAIL (" + ", ".join(bad) + ")"
    return [
        "",
        f"Checks: MCMC {d['divergences']} divergences, max r_hat {d['max_rhat']:.4f}, "
        f"min bulk ESS {d['min_ess_bulk']:.0f}; exact vs MCMC agreement gate: {gate}",
    ]


def _pseudo_counts_at_policy(warning: str) -> str:
    """A prior's warning with its effective number of observations to two significant figures
    ('acts like 11,010 observations' -> 'acts like 11,000 observations'; the JSON keeps the warning as written).
    """

    def two(m: re.Match) -> str:
        return m.group(1) + sig(float(m.group(2).replace(",", "")), 2) + m.group(3)

    return re.sub(r"(acts like |kappa = )([\d,]+)( (?:pseudo-)?observations)", two, warning)


def summary_text(h: dict) -> str:
    """The headline as plain text for the terminal (the article's words from the article in force)."""
    from ..computation.article import ARTICLE

    inp, prior, post = h["inputs"], h["prior"], h["posterior"]
    thr = h["checks"]["prior_forward_mc"]["share"]["threshold"]
    quantity, fy = ARTICLE.quantity, ARTICLE.fiscal_year.label
    lines = [
        f"{ARTICLE.name} model — evidence as of {inp['as_of']} ({inp['n_signal_events']} signal events, "
        f"revenue datum: {inp['revenue_datum']['kind']}, min confidence {inp['min_confidence']}), seed {inp['seed']}",
        "",
        *_scenario_lines(h),
        *_summary_block(f"Prior: {quantity} (exact)", prior["share"], share_text, thr),
        *_summary_block(f"Posterior: {quantity} (exact)", post["share"], share_text, thr),
    ]
    if post["usd_bn"] is not None:
        title = f"Posterior: recovered revenue (exact, at the reported {fy} revenue)"
        lines += _summary_block(title, post["usd_bn"], usd_text, thr * post["fy2026_revenue_reported_usd_bn"])
    if post["realised_share"] is not None:
        lines.append(f"  realised (reported) share: {share_text(post['realised_share'])}")
    if "resolution" in h:
        lines += _resolution_lines(h["resolution"], h.get("scores"))
    if "call" in h:
        lines += _call_lines(h["call"])
    if "diagnostics" in h:
        lines += _check_line(h["diagnostics"])
    lines.extend(f"warning: {_pseudo_counts_at_policy(w)}" for w in h["warnings"])
    return "\n".join(lines)


def _resolution_lines(res: dict, scores: dict | None) -> list[str]:
    w = res["window"]
    lines = [
        "",
        f"Resolution of the article's scenarios ({w['start']} to {w['end']}; "
        f"criteria written {res['criteria_written']})",
    ]
    for s, r in res["scenarios"].items():
        cited = sorted({e for c in r["conditions"] for e in c["events"]})
        lines.append(f"  {s:<10}{r['verdict'].upper():<8}cites {', '.join(cited) or 'the reported figures'}")
    lines.append(f"  best description of the window: {res['best_description'] or 'none (a tie)'}")
    for k, r in res["readings"].items():
        lines.append(f"  other reading of {r['scenario']} ({r['name']}): {r['verdict'].upper()}")
    if scores and scores.get("outcome"):
        a, last = scores["article"], scores["last_out_of_sample"]
        lines += [
            "",
            "Scores (only stated numbers; the book's forecasts out of sample)",
            f"  article: {prob_text(a['p_base'])} on {SCENARIOS[0]} -> Brier {score_text(a['brier'])}, "
            f"log {score_text(a['log_score'])}; {share_range(a['interval']['lower'], a['interval']['upper'])} -> "
            f"interval score {sig(100 * a['interval_score'])} pp, {times_range(*a['ratio_range'])} the outcome",
        ]
        for name, b in scores["baselines_p_base"].items():
            lines.append(f"  baseline {name}: Brier {score_text(b['brier'])}, log {score_text(b['log_score'])}")
        if last:
            lines.append(
                f"  book, last out of sample ({last['date']}): P({SCENARIOS[0]}) {prob_text(last['p_base'])}, "
                f"Brier {score_text(last['brier'])}, interval score {sig(100 * last['interval_score'])} pp, "
                f"outcome inside its 90% interval: {'yes' if last['covered'] else 'no'}"
            )
    return lines


def _call_lines(c: dict) -> list[str]:
    flip = c["weight_flip"]
    lo, hi = c["weight_counted"]["campaigns_per_event"], c["weight_counted"]["facts_per_event"]
    return [
        "",
        f"The call: {c['leader']} over {c['rival']} (log-odds {c['log_odds']['total']:+.2f} = "
        f"signals {c['log_odds']['signals']:+.2f}, revenue datum {c['log_odds']['revenue']:+.2f}, "
        f"prior {c['log_odds']['prior']:+.2f})",
        f"  holds for tempering weight above {flip:.2g}" if flip else "  holds at every tempering weight",
        f"  the events' own fact counts put the weight between {lo:.2f} and {hi:.2f}",
        f"  revenue datum favours {c['rival']} by {times_text(c['datum_bayes_factor_rival_over_leader'])} "
        f"(the ratio of their recovery priors near zero); the call flips above {times_text(c['flip_bayes_factor'])}",
    ] + [
        f"  {v['variant']}: P({c['leader']}) {prob_text(v['scenario_prob'][c['leader']])}" for v in c["classification"]
    ]


# --------------------------------------------------------------------------- sensitivity (CLI)


def tornado_rows(t: Tornado) -> list[dict[str, object]]:
    """The tornado as rows (input, output, default, low, high, swing), outputs in order, largest swing first."""
    rows: list[dict[str, object]] = []
    for var in t.at.data_vars:
        for scenario in t.at[var].coords["scenario"].values if "scenario" in t.at[var].dims else [None]:
            da, swing = t.select(var, scenario), t.swing(var, scenario)
            default = t.default[var] if scenario is None else t.default[var].sel(scenario=scenario)
            rows += [
                {
                    "input": str(i),
                    "output": output_label(var, scenario),
                    "default": float(default),
                    "low": float(da.sel(input=i, bound="low")),
                    "high": float(da.sel(input=i, bound="high")),
                    "swing": float(swing.sel(input=i)),
                }
                for i in swing.input.values
            ]
    return rows


def influence_rows(infl: xr.Dataset) -> list[dict[str, object]]:
    """Leave-one-out influence as rows: item, date, label, confidence, kind and the change per scenario."""
    return [
        {
            "id": str(item),
            "date": str(infl["date"].sel(item=item).values),
            "signal": str(infl["label"].sel(item=item).values),
            **{k: str(infl[k].sel(item=item).values) for k in ("confidence", "kind")},
            **{s: float(infl["delta"].sel(item=item, scenario=s)) for s in SCENARIOS},
            "max_abs": float(infl["max_abs"].sel(item=item)),
        }
        for item in infl.item.values
    ]


def sensitivity_json(setup: Setup, top: int = 10) -> dict[str, object]:
    """Tornado and event influence, JSON-ready (``python -m model sensitivity --json``)."""

    def rounded(row: dict[str, object]) -> dict[str, object]:
        return {k: (rnd(v) if isinstance(v, float) else v) for k, v in row.items()}

    return {
        "as_of": setup.evidence.as_of.isoformat(),
        "tornado": [rounded(r) for r in tornado_rows(sens.tornado(setup))],
        "event_influence": [rounded(r) for r in influence_rows(sens.event_influence(setup))[:top]],
    }


def sensitivity_text(rep: dict) -> str:
    """:func:`sensitivity_json` as plain text for the terminal."""
    lines, last = [f"Sensitivity on the exact path, evidence as of {rep['as_of']}"], None
    for row in rep["tornado"]:
        if row["output"] != last:
            last = row["output"]
            lines += [
                "",
                f"Tornado: {last} (default {row['default']:.4g})",
                f"  {'input':<36}{'low':>12}{'high':>12}{'swing':>12}",
            ]
        if row["swing"] > 0:
            lines.append(f"  {row['input']:<36}{row['low']:>12.4g}{row['high']:>12.4g}{row['swing']:>12.4g}")
    lines += ["", "Most influential evidence (log-odds with minus without the item)"]
    lines.append(f"  {'id':<11}{'date':<12}{'signal':<20}{'confidence':<16}" + "".join(f"{s:>10}" for s in SCENARIOS))
    for row in rep["event_influence"]:
        lines.append(
            f"  {row['id']:<11}{row['date']:<12}{row['signal']:<20}{row['confidence']:<16}"
            + "".join(f"{row[s]:>10.3f}" for s in SCENARIOS)
        )
    return "\n".join(lines)


MC_Z: float = 4.5
"""A Monte Carlo check fails beyond this many MCSE (five summaries: false-alarm rate about 3e-5)."""


def check_mc_against_exact(mc: Summary, exact: dict[str, float], scale: float = 1.0) -> None:
    """Assert that forward Monte Carlo summaries agree with the exact ones within :data:`MC_Z` MCSE.

    ``scale`` converts the exact values to the Monte Carlo units (e.g. USD bn per unit share).
    Prints nothing on success; raises AssertionError naming the summary otherwise.
    """
    for key, est in mc.as_dict().items():
        target = exact[key] * (1.0 if key == "p_exceed" else scale)
        gap = abs(est["value"] - target)
        assert gap <= MC_Z * est["mcse"] + 1e-9 * max(1.0, abs(target)), (
            f"Monte Carlo {key} {est['value']:.6g} ± {est['mcse']:.2g} disagrees with the exact {target:.6g}"
        )


GATE_SWEEP = "benchmarks/gate_sweep.json"
"""Result of ``scripts/gate_seed_sweep.py``, relative to the repository root."""


def load_gate_sweep() -> dict[str, object]:
    """The stored seed sweep of the agreement gate (written by ``scripts/gate_seed_sweep.py``)."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / GATE_SWEEP
    return json.loads(path.read_text(encoding="utf-8"))
