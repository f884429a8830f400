"""The validated building blocks of every input file: values with units and provenance, intervals, priors.

Shared by the assumptions (:mod:`model.computation.assumptions`) and the article
(:mod:`model.computation.article`); nothing here knows the article's scenarios. A validator's
``ValueError`` carries its own fix (:func:`bad`); :func:`to_input_error` turns pydantic's first
error into one :class:`model.computation.errors.InputError` line naming the file, the field and the fix.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError, model_validator

from .errors import InputError

FIX_SEP = " | fix: "


def bad(problem: str, fix: str) -> ValueError:
    """A validation error whose message carries its own fix (split again in :func:`to_input_error`).

    Parameters
    ----------
    problem : what is wrong, in a few words
    fix : what the user should do

    Returns
    -------
    ValueError
        For a validator to raise.
    """
    return ValueError(f"{problem}{FIX_SEP}{fix}")


class Strict(BaseModel):
    """Base of every input model: unknown fields, mutation, nan and inf are refused."""

    # allow_inf_nan=False: nan, inf and overflowing literals (1e400) are rejected in every float field.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Provenance(Strict):
    """Where a value comes from: the article, a source URL, or a stated judgement."""

    kind: Literal["article", "source", "judgement"] = Field(description="article, source or judgement")
    quote_zh: str | None = Field(None, description="The article's words (Chinese), for kind=article")
    gloss_en: str | None = Field(None, description="English gloss of the quote, for kind=article")
    url: str | None = Field(None, description="Source URL, for kind=source")
    note: str | None = Field(None, description="Optional remark")
    reasoning: str | None = Field(None, description="Why this value, for kind=judgement")

    @model_validator(mode="after")
    def _complete(self) -> "Provenance":
        need = {"article": ("quote_zh", "gloss_en"), "source": ("url",), "judgement": ("reasoning",)}
        for name in need[self.kind]:
            if not getattr(self, name):
                raise bad(f"provenance of kind '{self.kind}' has no '{name}'", f"add provenance.{name}")
        return self


class Entry(Strict):
    """A single value with its unit and provenance."""

    value: float = Field(description="The value, in `unit`")
    unit: str = Field(description="Unit of the value")
    provenance: Provenance


class IntEntry(Strict):
    """An integer value with its unit and provenance."""

    value: int = Field(description="Integer value")
    unit: str
    provenance: Provenance


class DateEntry(Strict):
    """A date with its unit and provenance."""

    value: dt.date = Field(description="A date, YYYY-MM-DD")
    unit: str
    provenance: Provenance


class Interval(Strict):
    """An elicitation interval: `mass` of the prior lies in [lower, upper]."""

    lower: float = Field(description="Lower end of the interval, in `unit`")
    upper: float = Field(description="Upper end of the interval, in `unit`")
    mass: float = Field(description="Prior probability inside [lower, upper], in (0, 1)")
    unit: str
    provenance: Provenance

    @model_validator(mode="after")
    def _ordered(self) -> "Interval":
        if not self.lower < self.upper:
            raise bad(f"lower ({self.lower}) is not below upper ({self.upper})", "make lower < upper")
        if not 0.0 < self.mass < 1.0:
            raise bad(f"mass {self.mass} is outside (0, 1)", "give a mass strictly between 0 and 1, e.g. 0.9")
        return self


class ShareInterval(Interval):
    """An interval on a probability or a share: both ends inside [0, 1]."""

    @model_validator(mode="after")
    def _in_unit(self) -> "ShareInterval":
        if self.lower < 0.0 or self.upper > 1.0:
            raise bad(
                f"interval [{self.lower}, {self.upper}] leaves [0, 1]",
                "give shares as fractions in [0, 1] (11% is 0.11)",
            )
        return self


class PositiveInterval(Interval):
    """An interval on a positive quantity (revenue in USD bn)."""

    @model_validator(mode="after")
    def _positive(self) -> "PositiveInterval":
        if self.lower <= 0.0:
            raise bad(f"lower ({self.lower}) is not positive", "give a positive lower bound")
        return self


class QuantilePoint(Strict):
    """One elicited quantile: P(X <= value) = prob."""

    value: float = Field(description="A share in (0, 1)")
    prob: float = Field(description="Prior probability at or below `value`, in (0, 1)")


class ShareQuantiles(Strict):
    """A Beta elicited by quantile matching: two points (value, P(X <= value)).

    Used where the natural outcome sits at an end of [0, 1] (selling almost nothing), which a
    maximum-entropy fit to an interval cannot express: its density always peaks inside.
    """

    quantiles: tuple[QuantilePoint, QuantilePoint]
    unit: str
    provenance: Provenance

    @model_validator(mode="after")
    def _ordered(self) -> "ShareQuantiles":
        (q1, q2) = self.quantiles
        for q in (q1, q2):
            if not 0.0 < q.value < 1.0:
                raise bad(
                    f"quantile value {q.value} is outside (0, 1)", "give shares as fractions in (0, 1) (1% is 0.01)"
                )
            if not 0.0 < q.prob < 1.0:
                raise bad(
                    f"quantile probability {q.prob} is outside (0, 1)", "give a probability strictly between 0 and 1"
                )
        if not (q1.value < q2.value and q1.prob < q2.prob):
            raise bad("quantiles are not increasing", "list the smaller value first, with the smaller probability")
        return self


class ShareNearZero(Strict):
    """``Beta(1, b)``: a density flat at zero and falling, with one stated quantile P(X <= value) = prob.

    For an outcome whose natural value is "almost nothing": every share below the precision of
    the disclosures is equally likely a priori (the prior says nothing finer than the data can
    see), and the stated quantile sets how fast larger shares become unlikely.
    """

    near_zero: QuantilePoint
    unit: str
    provenance: Provenance

    @model_validator(mode="after")
    def _valid(self) -> "ShareNearZero":
        q = self.near_zero
        if not 0.0 < q.value < 1.0:
            raise bad(f"value {q.value} is outside (0, 1)", "give a share as a fraction in (0, 1) (1% is 0.01)")
        if not q.value < q.prob < 1.0:
            raise bad(
                f"prob {q.prob} is not in ({q.value}, 1)",
                "a density falling from zero puts more than `value` below `value`",
            )
        return self


PRIOR_FORMS = ("interval form", "quantile form", "near-zero form")
"""Tags of the forms of a recovery prior (dropped from field paths in messages)."""


def recovery_form(v: Any) -> str:
    """Which form a recovery prior is written in (pydantic's discriminator).

    Parameters
    ----------
    v : the raw mapping, or a validated prior

    Returns
    -------
    str
        One of :data:`PRIOR_FORMS`.
    """
    if isinstance(v, ShareNearZero) or isinstance(v, dict) and "near_zero" in v:
        return PRIOR_FORMS[2]
    has_q = isinstance(v, dict) and "quantiles" in v or isinstance(v, ShareQuantiles)
    return PRIOR_FORMS[1] if has_q else PRIOR_FORMS[0]


RecoveryPrior = Annotated[
    Annotated[ShareInterval, Tag(PRIOR_FORMS[0])]
    | Annotated[ShareQuantiles, Tag(PRIOR_FORMS[1])]
    | Annotated[ShareNearZero, Tag(PRIOR_FORMS[2])],
    Discriminator(recovery_form),
]
"""A recovery prior: an interval with its mass (maximum entropy), two quantiles (quantile matching),
or a density flat at zero with one quantile."""


class Range(Strict):
    """A low and a high value with the reasoning for them."""

    low: float
    high: float
    reasoning: str


def to_input_error(path: str | Path, err: ValidationError, shipped: str = "model/data/assumptions.yaml") -> InputError:
    """Pydantic's first error as one :class:`InputError` line: the file, the field's dotted path, the fix.

    Parameters
    ----------
    path : the file as the user should see it named
    err : the validation error
    shipped : the shipped file a fix may point to as an example

    Returns
    -------
    InputError
    """
    first = err.errors()[0]
    field = ".".join(str(p) for p in first["loc"] if p not in PRIOR_FORMS) or "(top level)"
    kind = first["type"]
    msg = str(first["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if FIX_SEP in msg:
        problem, fix = msg.split(FIX_SEP, 1)
    elif kind == "missing":
        problem, fix = "missing", f"add this field (see the shipped {shipped})"
    elif kind == "extra_forbidden":
        problem, fix = "unknown field", "remove it or correct its spelling"
    elif kind == "literal_error":
        problem, fix = msg, "use one of the allowed values"
    elif kind == "finite_number":
        problem, fix = "not a finite number (nan or inf)", "give a finite number"
    elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        problem, fix = msg, "give a value within the limits (see README, Input limits)"
    else:
        problem, fix = msg, f"correct the value (see the comments in {shipped})"
    return InputError(path, field, problem, fix)
