"""What the facts of several chapters share: the :data:`Facts` type and the helpers more than one group uses."""

from __future__ import annotations

from ...computation.claims import stated_base_probability
from ...computation.pipeline import Setup
from ...computation.sensitivity import Tornado
from ..numbers import (
    prob_text,
)

Facts = dict[str, object]


def _top_input(tornado: Tornado, leader: str) -> tuple[str, str, str]:
    """The input whose range moves P(leader) the most, and P(leader) at its low and high end (text)."""
    top = tornado.most_influential("scenario_prob", leader)
    ends = tornado.select("scenario_prob", leader).sel(input=top)
    return top, prob_text(float(ends.sel(bound="low"))), prob_text(float(ends.sel(bound="high")))


def credit(kind: str, matches_article: bool) -> str:
    """Whom a number shown as an input is due to: the article only if the input says so and still holds its value."""
    return "the article's number" if kind == "article" and matches_article else "this build's assumption"


def base_mean_source(setup: Setup) -> str:
    """The credit for the base case's prior mean (:func:`credit`)."""
    e = setup.assumptions.scenario_prior.base_mean
    return credit(e.provenance.kind, abs(e.value - stated_base_probability()) < 1e-12)


def _restate_sentence(n: int) -> str:
    """How many events only re-report an earnings release, as the sentence's opening words."""
    if n == 0:
        return "No event only re-reports an earnings release (an event that did would not be a signal:"
    events, verb = ("event", "re-reports") if n == 1 else ("events", "re-report")
    return f"{n} {events} only {verb} an earnings release (so not signals:"
