"""What the scenario call rests on: each assumption that could decide it, and where it would flip.

The call is the leading scenario after all the evidence; its rival is the runner-up. Their
posterior log-odds split exactly into three parts (exact path)::

    log P(L | E) / P(R | E) = log m_L / m_R              the prior means
                            + w (S1_L - S1_R)             the news signals, tempered by w
                            + log Z_L - log Z_R           the revenue datum (its Bayes factor)

so the call flips at ``w* = -(prior + datum) / (S1_L - S1_R)``, and at a datum Bayes factor of
``exp(prior + signals)`` in the rival's favour. With a tight datum near zero, ``Z_s`` is the
recovery prior's density there: the Bayes factor is the ratio of two elicited densities.

This module computes those parts, the flip points, the range of ``w`` the evidence's own fact
counts justify (:meth:`model.computation.evidence.Evidence.n_facts`, ``n_campaigns``), the answer under a
stated hyperprior on the two near-zero priors, the answer under other classifications of the
contested events, and bounds on tiny probabilities under robust revenue likelihoods. Labelled
results; nothing printed. Method: book/method.md, "What the call rests on".
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import xarray as xr

from .. import SCENARIOS, SIGNALS, by_scenario
from .assumptions import ShareNearZero
from .evidence import Evidence, log_likelihood_table, select
from .evidence_files import CONFIDENCE_LEVELS
from .exact import exact_posterior
from .likelihood import Likelihood
from .mcmc_result import BOUND
from .pipeline import Setup
from .sensitivity import Knobs, posterior, ranked

HYPER_FACTORS: np.ndarray = np.geomspace(0.25, 4.0, 9)
"""The hyperprior: each near-zero recovery prior's elicited point scaled by a log-uniform factor in [1/4, 4]."""

SWEEP_FACTORS: np.ndarray = np.geomspace(1.0 / 16.0, 16.0, 33)
"""Scale factors of the rival's recovery prior in the prior-ratio sweep."""

BOUND_NODES: int = 20_000
"""Quadrature nodes for the robust likelihood variants (a narrow spike on a wide floor)."""

MISREPORT: tuple[float, ...] = (0.001, 0.01)
"""Chances that a disclosure is unrelated to the truth, in the robust variants."""

TAIL_DF: float = 3.0
"""Degrees of freedom of the heavy-tailed (Student-t) variant of the measurement error."""


@dataclass(frozen=True)
class Variant:
    """The call under one alternative reading of the evidence or one alternative likelihood.

    Attributes
    ----------
    name : str
        Short label of the variant.
    description : str
        What the variant changes, in a sentence.
    probs : xarray.DataArray
        Exact P(z = s | E) under the variant, dim ``scenario``.
    """

    name: str
    description: str
    probs: xr.DataArray
    """P(z = s | E) under the variant, dim ``scenario``."""


@dataclass(frozen=True)
class CallBasis:
    """The call and what it rests on (see the module docstring); every number from the exact path.

    Attributes
    ----------
    leader, rival : str
        The leading scenario after all the evidence, and the runner-up.
    probs : xarray.DataArray
        P(z = s | E), dim ``scenario``.
    parts : dict of str to float
        Log-odds (nats) of leader over rival: ``prior``, ``signals``, ``revenue``.
    weight : float
        The tempering weight in force (``signals.tempering_weight``).
    weight_flip : float or None
        The tempering weight below which the rival leads.
    n_signals, n_facts, n_campaigns : int
        Signal events in force, and the distinct facts and campaigns they report.
    datum_factor : float
        Bayes factor of the revenue datum, rival over leader.
    flip_factor : float
        The datum's Bayes factor (rival over leader) at which the call would flip.
    hyperprior : xarray.DataArray
        P(z = s | E) under the hyperprior on the near-zero recovery priors, dim ``scenario``.
    ratio_sweep : xarray.Dataset
        ``datum_factor`` and ``p_leader`` over the rival's recovery-prior scale, dim ``factor``.
    classification : tuple of Variant
        The call under other classifications of the contested events (:func:`classification_variants`).
    robust : tuple of Variant
        The call under robust revenue likelihoods, the model's own first (:func:`robust_variants`).
    """

    leader: str
    rival: str
    probs: xr.DataArray
    parts: dict[str, float]
    """Log-odds of leader over rival: ``prior``, ``signals`` and ``revenue`` (they sum to ``total``)."""
    weight: float
    weight_flip: float | None
    """The tempering weight below which the rival leads (None: the leader leads at every weight in (0, 1])."""
    n_signals: int
    n_facts: int
    n_campaigns: int
    datum_factor: float
    """Bayes factor of the revenue datum, rival over leader."""
    flip_factor: float
    """The datum's Bayes factor (rival over leader) at which the call would flip."""
    hyperprior: xr.DataArray
    """P(z = s | E) with each near-zero recovery prior averaged over :data:`HYPER_FACTORS`."""
    ratio_sweep: xr.Dataset
    """Over the rival's recovery-prior scale ``factor``: ``datum_factor`` and ``p_leader``."""
    classification: tuple[Variant, ...]
    robust: tuple[Variant, ...]

    @property
    def total(self) -> float:
        """Posterior log-odds of leader over rival (nats): the sum of :attr:`parts`."""
        return sum(self.parts.values())

    @property
    def weight_counted(self) -> tuple[float, float]:
        """The range of w the fact counts justify: (campaigns / events, facts / events)."""
        return self.n_campaigns / self.n_signals, self.n_facts / self.n_signals

    def bound(self, scenario: str) -> float:
        """The largest P(z = scenario | E) over the robust likelihood variants (the model's own included).

        Parameters
        ----------
        scenario : str
            One of :data:`model.SCENARIOS`.

        Returns
        -------
        float
            A probability in [0, 1].
        """
        return max(float(v.probs.sel(scenario=scenario)) for v in self.robust)


def log_odds_parts(setup: Setup, leader: str, rival: str, lik: Likelihood | None = None) -> dict[str, float]:
    """The exact split of log P(leader | E) / P(rival | E) into prior, signals and revenue datum.

    Parameters
    ----------
    setup : Setup
        The inputs in force.
    leader, rival : str
        Two of :data:`model.SCENARIOS`.
    lik : Likelihood, optional
        The likelihood to split (default: ``setup.likelihood``).

    Returns
    -------
    dict of str to float
        Log-odds (nats) of leader over rival: ``prior`` (prior means), ``signals`` (tempered signal counts),
        ``revenue`` (the datum's log Bayes factor); their sum is the posterior log-odds.
    """
    lik = lik or setup.likelihood
    post = exact_posterior(setup.priors, lik, setup.assumptions.inference.quadrature_nodes)
    i, j = SCENARIOS.index(leader), SCENARIOS.index(rival)
    log_z = np.array([q.log_z for q in post.parts])
    m = setup.priors.m
    return {
        "prior": float(np.log(m[i]) - np.log(m[j])),
        "signals": float(lik.signal_loglik[i] - lik.signal_loglik[j]),
        "revenue": float(log_z[i] - log_z[j]),
    }


def weight_flip(parts: dict[str, float], weight: float) -> float | None:
    """The tempering weight at which leader and rival tie (the signal part is linear in w); None outside (0, 1].

    Parameters
    ----------
    parts : dict of str to float
        Log-odds parts from :func:`log_odds_parts`, at tempering weight ``weight``.
    weight : float
        The tempering weight the parts were computed at (> 0).

    Returns
    -------
    float or None
        The weight in (0, 1] below which the rival leads; None when the leader leads at every weight in (0, 1].
    """
    per_unit = parts["signals"] / weight
    if per_unit <= 0:
        return None
    w = -(parts["prior"] + parts["revenue"]) / per_unit
    return w if 0.0 < w <= 1.0 else None


def _near_zero(setup: Setup, s: str) -> bool:
    return isinstance(setup.assumptions.recovery.of(s), ShareNearZero)


def hyperprior_probs(setup: Setup, factors: np.ndarray = HYPER_FACTORS) -> xr.DataArray:
    """P(z = s | E) with every near-zero recovery prior's elicited point scaled by a log-uniform factor.

    The factors are equally weighted (a log-uniform hyperprior on [1/4, 4] times the elicited point);
    ``P(z = s | E) ∝ m_s e^{S_s} mean_f Z_s(f)``: each scenario's marginal likelihood is averaged
    over its own factor, the scenarios independently.

    Parameters
    ----------
    setup : Setup
        The inputs in force.
    factors : numpy.ndarray
        Scale factors of each near-zero prior's elicited point, shape (n,) (default :data:`HYPER_FACTORS`).

    Returns
    -------
    xarray.DataArray
        Exact P(z = s | E), dim ``scenario``.
    """
    nodes = setup.assumptions.inference.quadrature_nodes
    log_z = np.array([q.log_z for q in exact_posterior(setup.priors, setup.likelihood, nodes).parts])
    for i, s in enumerate(SCENARIOS):
        if not _near_zero(setup, s):
            continue
        zs = [posterior(setup, Knobs(recovery_scale={s: float(f)})).parts[i].log_z for f in factors]
        log_z[i] = float(np.logaddexp.reduce(zs) - np.log(len(zs)))
    logp = np.log(setup.priors.m) + setup.likelihood.signal_loglik + log_z
    return by_scenario(np.exp(logp - np.logaddexp.reduce(logp)))


def ratio_sweep(setup: Setup, leader: str, rival: str, factors: np.ndarray = SWEEP_FACTORS) -> xr.Dataset:
    """The rival's recovery prior scaled by each factor: the datum's Bayes factor (rival over leader) and P(leader).

    Parameters
    ----------
    setup : Setup
        The inputs in force.
    leader, rival : str
        Two of :data:`model.SCENARIOS`.
    factors : numpy.ndarray
        Scale factors of the rival's recovery prior, shape (n,) (default :data:`SWEEP_FACTORS`).

    Returns
    -------
    xarray.Dataset
        ``datum_factor`` (Bayes factor, rival over leader) and ``p_leader`` (exact P(leader | E)), dim ``factor``.
    """
    i, j = SCENARIOS.index(leader), SCENARIOS.index(rival)
    rows = []
    for f in factors:
        post = posterior(setup, Knobs(recovery_scale={rival: float(f)}))
        rows.append((float(np.exp(post.parts[j].log_z - post.parts[i].log_z)), float(post.scenario_prob[i])))
    bf, p = zip(*rows, strict=True)
    return xr.Dataset(
        {"datum_factor": ("factor", list(bf)), "p_leader": ("factor", list(p))}, coords={"factor": factors}
    )


def _probs(setup: Setup, ev: Evidence, weight: float | None = None) -> xr.DataArray:
    return by_scenario(posterior(setup, Knobs(weight=weight), evidence=ev).scenario_prob)


def classification_variants(setup: Setup, leader: str, rival: str) -> tuple[Variant, ...]:
    """The call as classified, on two-source events only, and with contested events read the other way.

    A contested event has an ``alt_signal`` (a second defensible class). Variants: each contested
    event flipped alone (the one that moves P(leader) most is kept), all flipped together, and
    every flip that lowers the leader's log-odds over the rival applied together (the reading most
    against the call).

    Parameters
    ----------
    setup : Setup
        The inputs in force; its evidence is reclassified.
    leader, rival : str
        The call and its runner-up (:data:`model.SCENARIOS`).

    Returns
    -------
    tuple of Variant
        ``as classified`` first, then ``two-source evidence only``, then the three reclassifications when some
        event is contested.
    """
    ev = setup.evidence
    out = [Variant("as classified", "every event read as classified", _probs(setup, ev))]
    strong = select(ev.events, ev.periods, ev.as_of, CONFIDENCE_LEVELS[-1])
    out.append(
        Variant("two-source evidence only", "events and reports confirmed by two sources", _probs(setup, strong))
    )
    contested = [e for e in ev.signal_events if e.alt_signal]
    if not contested:
        return tuple(out)
    table = log_likelihood_table(setup.assumptions)
    w = setup.assumptions.signals.tempering_weight.value
    i, j = SCENARIOS.index(leader), SCENARIOS.index(rival)

    def shift(e) -> float:  # change of the leader's log-odds over the rival if e is read the other way
        a, b = SIGNALS.index(e.alt_signal), SIGNALS.index(e.signal)
        return w * float((table[a, i] - table[a, j]) - (table[b, i] - table[b, j]))

    worst = min(contested, key=shift)
    against = [e for e in contested if shift(e) < 0]
    for name, desc, flip in (
        (
            f"{worst.id} read the other way",
            f"the contested event that moves the call most ({worst.id}) read as {worst.alt_signal.replace('_', ' ')}",
            [worst],
        ),
        (
            "all contested read the other way",
            f"all {len(contested)} contested events read as their second class",
            contested,
        ),
        (
            "every reading against the call",
            f"the {len(against)} contested readings that weaken {leader} against {rival}",
            against,
        ),
    ):
        out.append(Variant(name, desc, _probs(setup, ev.reclassified({e.id: e.alt_signal for e in flip}))))
    return tuple(out)


def robust_variants(setup: Setup) -> tuple[Variant, ...]:
    """P(z = s | E) under the model's revenue likelihood and under robust ones (heavier tails, misreports).

    Misreport: with probability ``eps`` the disclosure is unrelated to the truth and the reported
    figure is uniform between zero and the year's revenue. Heavy tails: Student-t errors with
    :data:`TAIL_DF` degrees of freedom on the same scale. All on :data:`BOUND_NODES` nodes.

    Parameters
    ----------
    setup : Setup
        The inputs in force.

    Returns
    -------
    tuple of Variant
        The model's likelihood first; then, with a revenue datum, the Student-t and the misreport variants
        (:data:`MISREPORT`).
    """
    lik = setup.likelihood
    obs = lik.revenue
    width = obs.revenue if obs.revenue is not None else setup.priors.revenue.mean

    def probs(o) -> xr.DataArray:
        return by_scenario(exact_posterior(setup.priors, lik.with_revenue(o), BOUND_NODES).scenario_prob)

    out = [Variant("the model's likelihood", "Normal rounding error", probs(obs))]
    if obs.kind == "none":
        return tuple(out)
    out.append(
        Variant(
            f"Student-t ({TAIL_DF:g} df) errors", "heavy tails on the same scale", probs(replace(obs, tail_df=TAIL_DF))
        )
    )
    for eps in MISREPORT:
        out.append(
            Variant(
                f"{eps:.1%} misreport",
                f"a {eps:.1%} chance that the disclosure is unrelated to the truth",
                probs(replace(obs, misreport=eps, misreport_width=float(width))),
            )
        )
    return tuple(out)


def tiny_bounds(variants: tuple[Variant, ...], bound: float = BOUND) -> dict[str, float]:
    """For each scenario below ``bound`` under the model's likelihood, its largest probability over the variants.

    Parameters
    ----------
    variants : tuple of Variant
        From :func:`robust_variants`, the model's likelihood first.
    bound : float
        Probabilities below it are tiny (default :data:`model.computation.mcmc_result.BOUND`).

    Returns
    -------
    dict of str to float
        By tiny scenario, its largest P(z = s | E) over the variants (an upper bound to report).
    """
    model = variants[0].probs
    return {
        s: max(float(v.probs.sel(scenario=s)) for v in variants)
        for s in SCENARIOS
        if float(model.sel(scenario=s)) < bound
    }


def call_basis(setup: Setup) -> CallBasis:
    """Everything the headline's scenario call rests on (see :class:`CallBasis`).

    Parameters
    ----------
    setup : Setup
        The inputs in force.

    Returns
    -------
    CallBasis
        The call, its log-odds parts, flip points, hyperprior, prior-ratio sweep and variants.
    """
    probs = by_scenario(posterior(setup).scenario_prob)
    leader, rival = ranked(probs)[:2]
    parts = log_odds_parts(setup, leader, rival)
    w = setup.assumptions.signals.tempering_weight.value
    ev = setup.evidence
    return CallBasis(
        leader=leader,
        rival=rival,
        probs=probs,
        parts=parts,
        weight=w,
        weight_flip=weight_flip(parts, w),
        n_signals=len(ev.signal_events),
        n_facts=ev.n_facts(),
        n_campaigns=ev.n_campaigns(),
        datum_factor=float(np.exp(-parts["revenue"])),
        flip_factor=float(np.exp(parts["prior"] + parts["signals"])),
        hyperprior=hyperprior_probs(setup),
        ratio_sweep=ratio_sweep(setup, leader, rival),
        classification=classification_variants(setup, leader, rival),
        robust=robust_variants(setup),
    )
