"""The book's layer: every fact a chapter states is computed, tables are formatted for people, notebooks stay thin."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from model.computation import influence
from model.entry.book import CHAPTER_FACTS, Chapter
from model.presentation import facts, numbers, tables

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
CHAPTER_OF = {
    "00_overview": "overview",
    "01_article": "article",
    "02_priors": "priors",
    "03_evidence": "evidence",
    "04_inference": "inference",
    "05_belief_over_time": "belief",
    "06_revenue": "revenue",
    "07_drivers": "drivers",
    "08_checks": "checks",
    "09_explore": "explore",
    "10_downloads": "downloads",
    "11_held_up": "held_up",
}
MONTE_CARLO_CHAPTER = "08_checks"
"""The chapter whose cells glue facts of Monte Carlo results (the two SBC runs) themselves."""


def _cells(name: str, kind: str) -> list[str]:
    nb = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == kind]


def _glue_keys(name: str) -> set[str]:
    text = "\n".join(_cells(name, "markdown"))
    return {k.split(":")[0] for k in re.findall(r"\{glue(?::\w+)?\}`([^`]+)`", text)}


@pytest.fixture(scope="module")
def chapter(setup) -> Chapter:
    return Chapter(setup)


def test_every_notebook_has_a_chapter():
    assert {p.stem for p in NOTEBOOKS.glob("*.ipynb")} == set(CHAPTER_OF)
    assert set(CHAPTER_OF.values()) == set(CHAPTER_FACTS)


@pytest.fixture(scope="module")
def monte_carlo_facts(setup) -> set[str]:
    """What :func:`facts.sbc_exact` and :func:`facts.sbc_mcmc` return, from small real runs of both SBCs."""
    from model.computation import checks

    rng = np.random.default_rng(0)
    exact = checks.sbc_exact(setup, 20, 500, rng=rng, node_check=5)
    mc = checks.sbc_mcmc(setup, n_fits=2, draws=20, tune=20, rng=rng)
    return set(facts.sbc_exact(exact)) | set(facts.sbc_mcmc(mc))


@pytest.mark.parametrize("name", sorted(CHAPTER_OF))
def test_every_fact_the_text_states_is_computed(chapter, monte_carlo_facts, name):
    produced = set(CHAPTER_FACTS[CHAPTER_OF[name]](chapter))
    if name == MONTE_CARLO_CHAPTER:
        produced |= monte_carlo_facts
    missing = _glue_keys(name) - produced
    assert not missing, f"{name} refers to facts nobody computes: {sorted(missing)}"


@pytest.mark.parametrize("name", sorted(CHAPTER_OF))
def test_notebooks_are_thin(name):
    """One set-up call per chapter; no code cell over 12 lines; no logic the package should hold."""
    code = _cells(name, "code")
    setup_calls = [c for c in code if "open_chapter(" in c]
    assert len(setup_calls) == 1 and f'open_chapter("{CHAPTER_OF[name]}")' in setup_calls[0]
    for c in code:
        lines = [ln for ln in c.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        assert len(lines) <= 12, f"{name}: a {len(lines)}-line cell"
        assert not re.search(r"\bfor\b|\bdef\b|\[\d\]|\bpd\.DataFrame", c), f"{name}: logic in a cell: {c[:80]!r}"


def test_no_code_line_repeats_across_notebooks():
    seen: dict[str, str] = {}
    for name in CHAPTER_OF:
        for c in _cells(name, "code"):
            for ln in c.splitlines():
                ln = ln.strip()
                if (
                    len(ln) < 30
                    or ln.startswith(("from ", "import ", "#"))
                    or re.match(r"\w+ = (chapter\.|open_chapter\()", ln)
                ):
                    continue  # imports and the chapter's own accessors are not logic
                assert seen.setdefault(ln, name) == name, f"{ln!r} in {seen[ln]} and {name}"


# --------------------------------------------------------------------------- tables for people

BAD_CELL = re.compile(r"(?<![\w.])(nan|NaN|None|True|False|inf|-0\.0+)(?![\w.])")


def _check_table(t: tables.Table) -> None:
    html = t._repr_html_()
    assert "<th></th>" not in html.split("</thead>")[0] or t.header[0] == "", "an unlabelled index column"
    for h in t.header:
        assert not re.search(r"[a-z]+_[a-z]+", h), f"snake_case header {h!r}"
    for row in t.rows:
        for cell in row:
            text = tables.base._cell_text(cell)
            assert not BAD_CELL.search(text), f"{text!r} in {t.header}"
            assert "…" not in text
    assert "<table" in html and html.count("<tr>") == len(t.rows) + (
        1 if t.show is None or len(t.rows) <= t.show else 2
    )


def test_every_table_is_formatted_for_people(chapter):
    st = chapter.setup
    an = chapter.analysis()
    from model.computation import claims
    from model.computation.retrospective import prior_revisions

    res = chapter.retro.resolution
    built = [
        tables.claims_table(claims.article_claims()),
        tables.audit_table(claims.audit(st.fy_revenue()).values()),
        tables.claims_check_table(claims.claims_check()),
        tables.prior_table(st.priors),
        tables.recovery_reasoning_table(st.priors, st.assumptions.recovery),
        tables.summary_table({"prior": an.prior_share_exact(), "posterior": an.posterior_share_exact()}, an.threshold),
        tables.summary_table({"posterior": an.posterior_usd_exact()}, an.usd_threshold, unit="USD"),
        tables.mc_table({"prior (forward Monte Carlo)": an.prior_share_mc}),
        tables.events_table(st.evidence),
        tables.quarters_table(st.evidence.periods),
        tables.signal_likelihood_table(st.assumptions.signals),
        tables.revision_table(chapter.history),
        tables.tornado_table(chapter.tornado, "scenario_prob", chapter.leader),
        tables.tornado_table(chapter.tornado, "share_mean"),
        tables.influence_table(chapter.influence),
        tables.quality_table(influence.evidence_quality(st)),
        tables.resolution_table(res),
        tables.conditions_table(res),
        tables.conditions_table(res, readings=True),
        tables.readings_table(res),
        tables.quarter_bounds_table(res),
        tables.article_scores_table(chapter.retro),
        tables.oos_table(chapter.retro),
        tables.call_variants_table(chapter.call),
        tables.bounds_table(chapter.call),
        tables.revisions_table(prior_revisions()),
        tables.checks_table(chapter.predictive.checks()),
        tables.power_scaling_table(chapter.predictive.power),
    ]
    for t in built:
        _check_table(t)


def test_long_tables_fold_the_rest_into_a_dropdown(chapter):
    t = tables.events_table(chapter.setup.evidence, show=5)
    html = t._repr_html_()
    assert html.count("<details") == 1 and f"Show the other {len(t.rows) - 5} events" in html
    assert all(e.summary.replace("'", "&#x27;") in html for e in chapter.setup.evidence.events)  # nothing truncated
    assert all(f'href="{e.sources[0]}"' in html for e in chapter.setup.evidence.events)  # sources are links


def test_number_formats():
    assert numbers.num(-0.0001) == "0.000" and numbers.num(float("nan")) == "—" and numbers.num(None) == "—"
    assert numbers.signed(0.4231) == "+0.42" and numbers.signed(-1.3) == "−1.30" and numbers.signed(-0.001) == "0.00"
    assert numbers.pct(0.000268) == "0.0268%" and numbers.usd_m(0.0579) == "USD 58m"
    assert numbers.prob_text(5e-5) == "< 0.01%" and numbers.prob_text(0.944) == "94%"
    assert (
        numbers.prob_text(0.0064) == "0.6%"
        and numbers.prob_text(0.9936) == "> 99%"
        and numbers.prob_text(0.0099) == "1%"
    )
    assert numbers.share_text(0.000277847) == "0.028%" and numbers.share_text(0.1147) == "11%"
    assert (
        numbers.usd_text(0.06) == "USD 60m"
        and numbers.usd_text(23.75) == "USD 24bn"
        and numbers.usd_text(1.234) == "USD 1.2bn"
    )
    assert numbers.share_range(0.11, 0.12) == "11–12%" and numbers.usd_range(0.055, 0.065) == "USD 55–65m"
    assert (
        numbers.times_text(414.2) == "410×"
        and numbers.score_text(-0.598) == "−0.60"
        and numbers.score_text(None) == "—"
    )
    assert numbers.bound_text(9e-5) == "< 0.01%" and numbers.bound_text(3.3e-4) == "< 0.04%"
    assert numbers.sig(0.99, 1) == "1" and numbers.sig(24000) == "24,000"
    assert numbers.yes_no(np.bool_(True)) == "yes"


def test_html_escapes_cells():
    t = tables.table([{"a": "<script>x</script>", "b": tables.Link("site", "https://e.org/?a=1&b=2")}])
    html = t._repr_html_()
    assert "<script>x" not in html and "&lt;script&gt;" in html and 'href="https://e.org/?a=1&amp;b=2"' in html
