"""Assumptions: the one YAML file that holds every input, loaded into validated objects.

Every entry carries a value, a unit and a provenance (the article's words with an English
gloss, a URL, or the reasoning for a judgement call). Loading validates it all; a bad entry
raises :class:`model.computation.errors.InputError` naming the file, the field and the fix.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, ValidationInfo, create_model, field_validator, model_validator

from .. import SCENARIOS, SIGNALS
from .article import ARTICLE
from .errors import InputError
from .inputs import InputPath, as_input
from .schema import (
    DateEntry,
    Entry,
    IntEntry,
    PositiveInterval,
    Provenance,
    Range,
    RecoveryPrior,
    ShareInterval,
    Strict,
    bad,
    to_input_error,
)
from .schema import Interval as Interval  # re-exported: the validated building blocks were defined here
from .schema import QuantilePoint as QuantilePoint
from .schema import ShareNearZero as ShareNearZero  # re-exported: callers import the prior forms from here
from .schema import ShareQuantiles as ShareQuantiles
from .yaml_input import load_yaml

DEFAULT_ASSUMPTIONS: Path = ARTICLE.path("assumptions") or Path()
"""The assumptions file of the article in force (the shipped ``model/data/assumptions.yaml`` by default)."""

INFERENCE_CAPS: dict[str, int] = {
    "chains": 16,
    "draws": 100_000,
    "tune": 100_000,
    "chains_x_draws": 400_000,
    "quadrature_nodes": 100_000,
    "forward_draws": 2_000_000,
}
"""Largest accepted sampler and quadrature settings (memory and time stay bounded; README, Input limits)."""

ScenarioKey = Literal[SCENARIOS]  # type: ignore[valid-type] - the article in force, fixed at import
"""A scenario key of the article in force."""
_OTHERS = ", ".join(SCENARIOS[1:])


class SplitWeights(Strict):
    """Relative weights that split the rest of the prior mean among the scenarios after the first."""

    value: dict[str, float] = Field(description=f"Relative weights of {_OTHERS}")
    unit: str
    provenance: Provenance

    @field_validator("value")
    @classmethod
    def _keys(cls, v: dict[str, float]) -> dict[str, float]:
        want = set(SCENARIOS[1:])
        if set(v) != want:
            unknown = sorted(set(v) - want)
            raise bad(
                f"keys {sorted(v)} (unknown: {unknown})" if unknown else f"missing keys {sorted(want - set(v))}",
                f"use exactly {_OTHERS}",
            )
        if any(w <= 0 for w in v.values()):
            raise bad("a weight is not positive", "give positive weights")
        if max(v.values()) > 1e6 * min(v.values()):
            raise bad(
                "the largest weight is over a million times the smallest",
                "give relative weights of similar size, e.g. 1, 2, 0.5",
            )
        return v


class ScenarioPriorSpec(Strict):
    """The Dirichlet prior on the scenario probabilities: the stated scenario's mean and interval, the split."""

    base_mean: Entry
    split_weights: SplitWeights
    base_interval: ShareInterval

    @model_validator(mode="after")
    def _mean_inside(self) -> "ScenarioPriorSpec":
        m = self.base_mean.value
        if not 0.0 < m < 1.0:
            raise bad(f"base_mean {m} is not a probability in (0, 1)", "give base_mean.value in (0, 1)")
        if not self.base_interval.lower <= m <= self.base_interval.upper:  # inclusive: an end is in
            raise bad(f"base_mean {m} is outside base_interval", "widen base_interval so that it contains base_mean")
        return self


class _ByScenario(Strict):
    def of(self, key: str) -> Any:
        """The field of scenario ``key``.

        Parameters
        ----------
        key : a scenario key of the article in force

        Returns
        -------
        The field's value (a recovery prior, or a probability).
        """
        return getattr(self, key)


RecoverySpec = create_model(  # one field per scenario of the article in force
    "RecoverySpec",
    __base__=_ByScenario,
    __doc__="The recovery prior of each scenario (one field per scenario key).",
    **{s: (RecoveryPrior, ...) for s in SCENARIOS},  # type: ignore[call-overload]
)

LikelihoodRow = create_model(
    "LikelihoodRow",
    __base__=_ByScenario,
    __doc__="P(signal | scenario) for one signal class (one field per scenario key), with the reasoning.",
    **{s: (float, Field(gt=0, le=1)) for s in SCENARIOS},  # type: ignore[call-overload]
    reasoning=(str, Field(min_length=1)),
)


class SignalsSpec(Strict):
    """The signal likelihood: the tempering weight, its range, and P(signal | scenario) per signal class."""

    tempering_weight: Entry
    weight_range: Range
    likelihood: dict[str, LikelihoodRow]

    @field_validator("weight_range")
    @classmethod
    def _range(cls, v: Range) -> Range:
        if not 0.0 < v.low < v.high <= 1.0:
            raise bad(f"weight range [{v.low}, {v.high}] is not inside (0, 1]", "give 0 < low < high <= 1")
        return v

    @field_validator("tempering_weight")
    @classmethod
    def _w(cls, v: Entry) -> Entry:
        if not 0.0 < v.value <= 1.0:
            raise bad(f"tempering weight {v.value} is outside (0, 1]", "give a weight in (0, 1]")
        return v

    @field_validator("likelihood")
    @classmethod
    def _table(cls, v: dict[str, LikelihoodRow]) -> dict[str, LikelihoodRow]:
        if set(v) != set(SIGNALS):
            raise bad(
                f"signal rows {sorted(v)} differ from {list(SIGNALS)}",
                "give exactly one row per signal class",
            )
        for s in SCENARIOS:
            total = sum(row.of(s) for row in v.values())
            if abs(total - 1.0) > 1e-6:
                raise bad(
                    f"column '{s}' sums to {total:.4f}, not 1",
                    f"make P(signal | {s}) sum to 1 over the {len(SIGNALS)} signal rows",
                )
        return v


class MeasurementSpec(Strict):
    """How NVIDIA's reports measure the recovered share (see book/method.md, "Reported revenue")."""

    reversal_date: DateEntry
    first_licence_date: DateEntry
    fiscal_year_end: DateEntry
    rounding: Entry
    timing_concentration: Entry

    @model_validator(mode="after")
    def _valid(self) -> "MeasurementSpec":
        if not 0.0 < self.rounding.value < 100.0:
            raise bad(
                f"rounding {self.rounding.value} is outside (0, 100) USD bn",
                "give the precision of NVIDIA's stated figures in USD bn, e.g. 0.01 for 'about USD 60m'",
            )
        if not 0.0 < self.timing_concentration.value <= 1e4:
            raise bad(
                f"timing_concentration {self.timing_concentration.value} is outside (0, 1e4]",
                "give a positive concentration, e.g. 10",
            )
        if self.first_licence_date.value < self.reversal_date.value:
            raise bad("first_licence_date is before reversal_date", "the first licence follows the reversal")
        fy = ARTICLE.fiscal_year
        if self.fiscal_year_end.value != fy.last_day:
            raise bad(
                f"fiscal_year_end {self.fiscal_year_end.value} is not the last day of {fy.label} "
                f"in the article file ({fy.last_day})",
                f"give {fy.last_day}, or correct fiscal_year in the article file",
            )
        if not self.first_licence_date.value < self.fiscal_year_end.value:
            raise bad(
                "fiscal_year_end is not after first_licence_date",
                f"give the last day of {ARTICLE.fiscal_year.label} ({ARTICLE.fiscal_year.last_day})",
            )
        return self


Verdict = Literal["yes", "no", "partly"]
VERDICTS: tuple[str, ...] = ("no", "partly", "yes")
"""Resolution verdicts, weakest first."""


class QuarterlyRevenueMeasure(Strict):
    """A condition decided by the reports: post-licence H20 revenue from China of at least ``usd_bn`` in at
    least ``quarters`` fiscal quarters that ended inside the window.
    """

    usd_bn: float = Field(gt=0, description="Quarterly post-licence H20 revenue from China, USD bn")
    quarters: int = Field(ge=1, le=8, description="How many quarters must reach it")


class Condition(Strict):
    """One condition of a resolution criterion, worded before it is applied."""

    id: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    text: str = Field(min_length=1, description="The condition, as a forecasting platform would word it")
    defining: bool = Field(False, description="The condition the scenario is named for: if it fails, the answer is no")
    measure: QuarterlyRevenueMeasure | None = Field(None, description="Decided by the reported figures, not by reading")


class Criterion(Strict):
    """How one scenario (or one reading of it) resolves: conditions, with the reasoning for their wording."""

    question: str = Field(min_length=1)
    conditions: tuple[Condition, ...] = Field(min_length=1)
    reasoning: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one_defining(self) -> "Criterion":
        ids = [c.id for c in self.conditions]
        if len(set(ids)) != len(ids):
            raise bad(f"condition ids {ids} repeat", "give each condition of a criterion its own id")
        if sum(c.defining for c in self.conditions) != 1:
            raise bad("not exactly one defining condition", "mark exactly one condition 'defining: true'")
        return self


class Reading(Criterion):
    """Another defensible reading of a scenario's words (the scenarios overlap in the world)."""

    scenario: ScenarioKey
    name: str = Field(min_length=1)


class ResolutionSpec(Strict):
    """The article's forecast resolved as a forecasting platform would: criteria stated before they are applied."""

    window_start: dt.date
    window_end: dt.date
    written: dt.date = Field(description="When the criteria were written (before any verdict was recorded)")
    rule: str = Field(min_length=1, description="How condition verdicts combine into a scenario's verdict")
    criteria: dict[ScenarioKey, Criterion]
    readings: dict[str, Reading] = Field(default_factory=dict)
    interval_coverage: Entry
    coverage_end: dt.date = Field(description="The last day the stored sources searched for the evidence cover")
    coverage_note: str = Field(min_length=1, description="What the evidence search covered, and what it did not")

    @model_validator(mode="after")
    def _complete(self) -> "ResolutionSpec":
        if set(self.criteria) != set(SCENARIOS):
            raise bad(f"criteria for {sorted(self.criteria)}", f"give one criterion for each of {', '.join(SCENARIOS)}")
        if not self.window_start < self.window_end:
            raise bad("window_start is not before window_end", "give the forecast window's first and last day")
        if not 0.0 < self.interval_coverage.value < 1.0:
            raise bad(
                f"interval_coverage {self.interval_coverage.value} is outside (0, 1)",
                "give the probability read into the article's interval, e.g. 0.9",
            )
        return self


class InferenceSettings(Strict):
    """Sampler and quadrature settings, with the convergence bars the results must meet."""

    chains: int = Field(4, ge=2, description="MCMC chains")
    draws: int = Field(10000, ge=100, description="Posterior draws per chain")
    tune: int = Field(1000, ge=100, description="Tuning steps per chain")
    target_accept: float = Field(0.9, gt=0.5, lt=1.0)
    max_rhat: float = Field(1.01, gt=1.0, description="Largest allowed rank-normalised r_hat")
    min_ess: float = Field(1000, gt=0, description="Smallest allowed bulk ESS")
    quadrature_nodes: int = Field(4000, ge=500, description="Nodes of the 1-D quadrature per scenario")
    forward_draws: int = Field(200000, ge=1000, description="Forward Monte Carlo draws")
    recovery_threshold: float = Field(0.11, gt=0, lt=1, description="Threshold of P(recovery >= threshold)")
    sampler: Literal["nutpie", "pymc"] = Field(
        "nutpie", description="NUTS implementation: nutpie (numba + Rust; the default, by measurement) or pymc"
    )

    @field_validator("chains", "draws", "tune", "quadrature_nodes", "forward_draws")
    @classmethod
    def _cap(cls, v: int, info: ValidationInfo) -> int:
        cap = INFERENCE_CAPS[str(info.field_name)]
        if v > cap:
            raise bad(f"{v:,} is above the cap of {cap:,}", f"give at most {cap:,} (see README, Input limits)")
        return v

    @model_validator(mode="after")
    def _total_draws(self) -> "InferenceSettings":
        cap = INFERENCE_CAPS["chains_x_draws"]
        if self.chains * self.draws > cap:
            raise bad(
                f"chains x draws = {self.chains * self.draws:,} is above the cap of {cap:,}",
                "lower draws or chains (see README, Input limits)",
            )
        return self


SENSITIVITY_DOMAINS: dict[str, tuple[float, bool, float, bool, str]] = {
    "base_mean": (0.0, False, 1.0, False, "a probability strictly between 0 and 1"),
    "kappa_factor": (0.0, False, 1e3, True, "a positive factor up to 1000"),
    "recovery_scale": (0.0, False, 1e3, True, "a positive factor up to 1000"),
    "signal_row_strength": (0.0, True, 1e3, True, "a strength from 0 (no information) up to 1000"),
    "tempering_weight": (0.0, False, 1.0, True, "a weight in (0, 1]"),
    "quarterly_sigma": (0.0, False, 1.0, False, "a standard deviation strictly between 0 and 1 (share units)"),
    "measurement_sd_factor": (0.0, False, 1e3, True, "a positive factor up to 1000"),
    "revenue_fy2026": (0.0, False, 1e6, True, "a positive revenue in USD bn"),
}
"""Domain of each sensitivity range: (lowest, lowest allowed?, highest, highest allowed?, in words)."""


def _inside(x: float, lo: float, lo_incl: bool, hi: float, hi_incl: bool) -> bool:
    return (x >= lo if lo_incl else x > lo) and (x <= hi if hi_incl else x < hi)


class SensitivitySpec(Strict):
    """The low and high end of each input the tornado moves (domains in :data:`SENSITIVITY_DOMAINS`)."""

    base_mean: Range
    kappa_factor: Range
    recovery_scale: Range
    signal_row_strength: Range
    tempering_weight: Range
    measurement_sd_factor: Range
    revenue_fy2026: Range

    @model_validator(mode="after")
    def _domains(self) -> "SensitivitySpec":
        for name in type(self).model_fields:
            r = getattr(self, name)
            if not isinstance(r, Range):
                continue
            if not r.low < r.high:
                raise bad(f"{name}: low ({r.low}) is not below high ({r.high})", "make low < high")
            if name in SENSITIVITY_DOMAINS:
                lo, lo_incl, hi, hi_incl, words = SENSITIVITY_DOMAINS[name]
                if not (_inside(r.low, lo, lo_incl, hi, hi_incl) and _inside(r.high, lo, lo_incl, hi, hi_incl)):
                    raise bad(f"{name}: range [{r.low}, {r.high}] leaves its domain", f"give {words} at both ends")
        return self


class Assumptions(Strict):
    """Every input of the model, validated."""

    seed: IntEntry
    scenario_prior: ScenarioPriorSpec
    recovery: RecoverySpec
    revenue_fy2026: PositiveInterval
    signals: SignalsSpec
    measurement: MeasurementSpec
    resolution: ResolutionSpec
    inference: InferenceSettings = InferenceSettings()
    sensitivity: SensitivitySpec
    source_file: str = Field("", description="Path the assumptions were read from (set by the loader)")

    @field_validator("seed")
    @classmethod
    def _seed(cls, v: IntEntry) -> IntEntry:
        if not 0 <= v.value < 2**32:
            raise bad(
                f"seed {v.value} is outside [0, 2**32)", "give a non-negative integer below 4294967296, e.g. 20250715"
            )
        return v


def load_assumptions(path: str | Path | InputPath | None = None) -> Assumptions:
    """Read and validate an assumptions YAML file.

    Parameters
    ----------
    path : the file to read; ``None`` reads the file shipped with the package.

    Returns
    -------
    Assumptions
        Validated, immutable assumptions.

    Raises
    ------
    InputError
        One line naming the file, the field and the fix.
    """
    src = as_input(path, DEFAULT_ASSUMPTIONS)
    raw: Any = load_yaml(src)
    if not isinstance(raw, dict):
        raise InputError(
            src.shown, "(top level)", "not a YAML mapping", "start from a copy of model/data/assumptions.yaml"
        )
    raw["source_file"] = str(src.path)
    try:
        return Assumptions.model_validate(raw)
    except ValidationError as exc:
        raise to_input_error(src.shown, exc) from None


def scenario_mean(a: Assumptions) -> dict[str, float]:
    """Prior mean scenario probabilities m: the stated scenario's from the article, the rest split by weight.

    Parameters
    ----------
    a : validated assumptions

    Returns
    -------
    dict
        Scenario key -> prior mean probability, in :data:`model.SCENARIOS` order; the values sum to 1.
    """
    mb = a.scenario_prior.base_mean.value
    w = a.scenario_prior.split_weights.value
    total = sum(w.values())
    return {SCENARIOS[0]: mb, **{k: (1.0 - mb) * w[k] / total for k in SCENARIOS[1:]}}
