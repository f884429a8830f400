"""Every figure has a title and labelled axes; the model graph is the same in every process."""

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from model.computation import history, influence, sobol
from model.computation import sensitivity as sens
from model.computation.simulate import prior_predictive, rng_for
from model.presentation import plots


def _title(ax):
    return " ".join(ax.get_title(loc=loc) for loc in ("left", "center", "right")).strip()


NUMERIC_TICK = re.compile(r"^\$.*\$$|^[−+-]?[\d.,]+(?:e[−+-]?\d+)?\s?[%×]?$")
"""A tick label that is a number (or matplotlib's mathtext for one, '$\\mathdefault{10^{-2}}$'): it says no unit."""


def _y_explained(ax) -> bool:
    """The y axis says what it measures: a label, category tick labels, or rows labelled above their bars."""
    ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text().strip()]
    categories = any(not NUMERIC_TICK.match(t) for t in ticks)
    return bool(ax.get_ylabel() or categories or (not ticks and ax.texts))


def _check(fig):
    assert fig.axes
    titled = bool(fig._suptitle and fig._suptitle.get_text())
    for ax in fig.axes:
        if not ax.get_visible() or not ax.has_data():
            continue
        assert _title(ax) or titled, "figure without a title"
        assert ax.get_xlabel(), _title(ax)
        assert _y_explained(ax), _title(ax)


def test_the_label_check_sees_an_unlabelled_axis():
    fig, (a, b) = plt.subplots(1, 2)
    a.plot([0, 1], [0, 3])
    a.set(title="t", xlabel="x (unit)")
    b.barh([0, 1], [1, 2])
    b.set(title="t", xlabel="x (unit)", yticks=[0, 1], yticklabels=["one", "two"])
    assert not _y_explained(a) and _y_explained(b)
    with pytest.raises(AssertionError):
        _check(fig)
    a.set_ylabel("y (unit)")
    _check(fig)
    plt.close(fig)


def test_all_figures_titled_and_labelled(setup):
    p, ev = setup.priors, setup.evidence
    d = prior_predictive(p, 2000, rng_for(1, "plots"))
    ex = sens.posterior(setup)
    hist = history.belief_over_time(setup)
    grid = np.linspace(0, 0.2, 50)
    retro, basis = _retro_and_call(setup)
    figs = [
        plots.scenario_prior_densities(p),
        plots.recovery_prior_densities(p),
        plots.predictive_share_histogram(d.share, "t"),
        plots.predictive_usd_histogram(d.usd, "t"),
        plots.evidence_timeline(ev),
        plots.quarterly_revenue(ev.periods, setup.assumptions.measurement.first_licence_date.value),
        plots.prior_vs_posterior(p.m, ex.scenario_prob, sens.weight_spread(setup)),
        plots.belief_over_time(hist),
        plots.share_cdfs(ex.share_cdf, ex.share_cdf, 0.0002, (0.11, 0.12)),
        plots.forecast_over_time(history.forecast_history(setup)[-3:], 0.0002, (0.11, 0.12)),
        plots.tornado_chart_one(sens.tornado(setup), "scenario_prob", "domestic"),
        plots.sweep_chart(grid, np.tile(ex.scenario_prob, (50, 1)), 0.1, "x (unit)", "t"),
        plots.influence_chart(influence.event_influence(setup)),
        plots.held_up_chart(retro),
        plots.oos_share_chart(retro),
        plots.oos_base_chart(retro),
        plots.call_weight_chart(sens.sweep(setup, "weight", [0.1, 0.5, 1.0]), basis),
        plots.call_ratio_chart(basis),
    ]
    for f in figs:
        _check(f)


def test_model_graph_needs_no_graphviz(setup):
    from model.computation.mcmc import build_model

    fig = plots.model_graph(build_model(setup.priors, setup.likelihood))
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "theta" in texts and "evidence" in texts and "scenario (4)" in texts


def test_plots_compose_and_leave_matplotlib_alone(setup):
    import subprocess
    import sys

    import matplotlib.pyplot as plt

    code = "import matplotlib as mpl; b = dict(mpl.rcParams); import model.presentation.plots; "
    code += "assert dict(mpl.rcParams) == b"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120).returncode == 0
    fig, (a, b) = plt.subplots(1, 2)
    assert plots.scenario_prior_densities(setup.priors, ax=a) is fig
    assert plots.recovery_prior_densities(setup.priors, ax=b) is fig
    assert _title(a) and _title(b) and a.lines and b.lines
    plt.close(fig)


def _retro_and_call(setup):
    from model.computation.call import call_basis
    from model.computation.retrospective import retrospective

    return retrospective(setup, history.forecast_history(setup)), call_basis(setup)


def _all_figures(setup):
    """Every public plot function on the real data, as the notebooks call it: {function name: [figures]}."""
    from model.computation import checks
    from model.computation.evidence import log_likelihood_table
    from model.computation.exact import exact_posterior
    from model.computation.mcmc import build_model
    from model.computation.pipeline import analyse

    p, ev, obs = setup.priors, setup.evidence, setup.likelihood.revenue
    an = analyse(setup, mcmc=False)
    hist = history.forecast_history(setup)
    bot = history.belief_over_time(setup)
    rows = sens.tornado(setup)
    k = sens.sweep(setup, "kappa_factor", np.geomspace(0.1, 10, 9))
    retro, basis = _retro_and_call(setup)
    w = setup.assumptions.signals.tempering_weight.value
    table, counts = log_likelihood_table(setup.assumptions), ev.signal_counts()
    post = exact_posterior(p, setup.likelihood, setup.assumptions.inference.quadrature_nodes)
    rev = (checks.prior_revenue_check(p, obs), checks.posterior_revenue_check(post, obs))
    rev = (*rev, checks.forecast_revenue_check(setup))
    sig = checks.signal_check(counts, table, w, post.scenario_prob, "posterior_predictive")
    sbc = checks.sbc_exact(setup, 200)
    share, usd = an.prior_draws.share, an.prior_draws.usd
    band = (0.11, 0.12)
    return {
        "scenario_prior_densities": [plots.scenario_prior_densities(p)],
        "recovery_prior_densities": [plots.recovery_prior_densities(p)],
        "predictive_share_histogram": [plots.predictive_share_histogram(share, "Prior predictive of the share")],
        "predictive_usd_histogram": [plots.predictive_usd_histogram(usd, "Prior predictive of the revenue")],
        "evidence_timeline": [plots.evidence_timeline(ev), plots.evidence_timeline(ev, by="indicator")],
        "quarterly_revenue": [
            plots.quarterly_revenue(ev.periods, setup.assumptions.measurement.first_licence_date.value)
        ],
        "prior_vs_posterior": [
            plots.prior_vs_posterior(p.m, an.exact_posterior.scenario_prob, sens.weight_spread(setup))
        ],
        "belief_over_time": [plots.belief_over_time(bot)],
        "share_cdfs": [
            plots.share_cdfs(an.exact_prior.share_cdf, an.exact_posterior.share_cdf, obs.realised_share, band)
        ],
        "forecast_over_time": [plots.forecast_over_time(hist, obs.realised_share, band)],
        "tornado_chart_one": [
            plots.tornado_chart_one(rows, "scenario_prob", "domestic"),
            plots.tornado_chart_one(rows, "share_mean"),
        ],
        "sweep_chart": [
            plots.sweep_chart(k.value.values, k["scenario_prob"].values, 1.0, "kappa factor", "Probabilities")
        ],
        "kappa_sweep_chart": [plots.kappa_sweep_chart(k, p.kappa)],
        "influence_chart": [plots.influence_chart(influence.event_influence(setup), 10)],
        "sobol_chart": [plots.sobol_chart(sobol.prior_sobol(setup, n=2**8)["mean share"], "Sobol indices")],
        "held_up_chart": [plots.held_up_chart(retro)],
        "oos_share_chart": [plots.oos_share_chart(retro)],
        "oos_base_chart": [plots.oos_base_chart(retro)],
        "call_weight_chart": [plots.call_weight_chart(sens.sweep(setup, "weight"), basis)],
        "call_ratio_chart": [plots.call_ratio_chart(basis)],
        "model_graph": [plots.model_graph(build_model(p, setup.likelihood))],
        "revenue_check_one": [plots.revenue_check_one(r) for r in rev],
        "signal_check_plot": [plots.signal_check_plot(sig)],
        "sbc_ecdf_plot": [plots.sbc_ecdf_plot(sbc, "SBC of the exact path")],
        "reliability_plot": [plots.reliability_plot(sbc.calibration)],
        "power_scaling_plot": [plots.power_scaling_plot(checks.power_scaling(p, setup.likelihood, 2000))],
    }


@pytest.mark.parametrize("layout", ["wide", "narrow"])
def test_figures_drawn_for_their_display_size(setup, layout):
    """Every public plot function, in both drawings: no wider than its layout (wide: the book's ~700 px
    column; narrow: a 390 px phone), nothing sticking out of the figure (the book saves with
    bbox_inches="tight"), no visible text under MIN_FONT pt at that size, and a small SVG.
    """
    import inspect

    import matplotlib.text

    lay = {"wide": plots.WIDE, "narrow": plots.NARROW}[layout]
    public = {
        n
        for n, f in vars(plots).items()
        if inspect.isfunction(f)
        and f.__module__.startswith(plots.__name__ + ".")
        and not n.startswith("_")
        and inspect.signature(f).return_annotation in ("Figure", Figure)
    }
    with plots.layout(lay):
        figs = _all_figures(setup)
    assert public == set(figs), f"plot functions without a size check: {public - set(figs)}"
    for name, fs in figs.items():
        for fig in fs:
            assert fig.get_figwidth() <= lay.width + 0.05, name
            fig.canvas.draw()  # the constrained layout, as when saved
            tight = fig.get_tightbbox(fig.canvas.get_renderer())
            assert tight.width <= lay.width + 0.3, (name, tight.width)
            small = [
                (t.get_text()[:30], t.get_fontsize())
                for t in fig.findobj(matplotlib.text.Text)
                if t.get_text().strip()
                and t.get_visible()
                and (t.axes is None or t.axes.get_visible())
                and t.get_fontsize() < plots.MIN_FONT
            ]
            assert not small, (name, small)
            assert len(plots.svg_bytes(fig)) < 300_000, name


def test_chart_html_serves_a_phone_its_own_drawing(setup):
    """The book's charts: one <picture>, the narrow drawing for screens up to 600 px, the wide one otherwise,
    both inline SVG (nothing fetched), the title as the text alternative, and the same bytes twice.
    """
    import base64
    import re

    retro = _retro_and_call(setup)[0]
    fig = plots.held_up_chart(retro)
    page = plots.chart_html(fig)
    assert page == plots.chart_html(plots.held_up_chart(retro))
    assert page.startswith('<picture class="h20-chart"><source media="(max-width: 600px)"')
    uris = re.findall(r'(?:srcset|src)="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(uris) == 2
    narrow, wide = (base64.b64decode(u).decode() for u in uris)
    widths = [float(re.search(r'width="([\d.]+)pt"', svg).group(1)) for svg in (narrow, wide)]
    assert widths[0] <= plots.NARROW_WIDTH * 72 + 10 < plots.FULL_WIDTH * 72 - 100 < widths[1] + 100
    alt = re.search(r'alt="([^"]*)"', page).group(1)
    assert alt and alt == plots.chart_title(fig)
    mine, _ = plt.subplots()
    mine.axes[0].plot([0, 1])
    assert "<source" not in plots.chart_html(mine)  # not drawn by model.presentation.plots: one drawing
    plt.close(mine)


def test_scenario_colours_only_for_scenarios():
    from matplotlib.colors import to_hex

    scen = {to_hex(c) for c in plots.SCENARIO_COLORS.values()}
    assert not scen & {to_hex(c) for c in plots.NEUTRAL.values()}


def test_what_the_captions_say_holds_on_the_data(setup):
    """Captions state the message of their chart in words (notebook cell metadata); the claims that depend
    on the data are checked here, so a change of inputs that makes one false fails instead of misleading.
    """
    import json
    from pathlib import Path

    retro, _ = _retro_and_call(setup)
    out = retro.outcome.share
    before = list(retro.model)  # the book's forecasts before the first revenue datum
    last = retro.last_out_of_sample.forecast
    caps = {
        c["metadata"]["mystnb"]["figure"]["caption"]
        for f in sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))
        for c in json.loads(f.read_text(encoding="utf-8"))["cells"]
        if "figure" in c["metadata"].get("mystnb", {})
    }

    def says(start: str) -> bool:
        return any(c.startswith(start) for c in caps)

    if says("The outcome lies far below both forecasts"):
        assert out < last.lower and out < min(retro.article.forecast.lower, retro.article.forecast.upper)
    if says("Every forecast before NVIDIA reported sat above the outcome") or says(
        "The forecast fell as the news came in but stayed above the outcome"
    ):
        assert before and all(m.forecast.lower > out for m in before)
    if says("Lower was better, since the base case resolved no"):
        assert retro.resolution.scenarios["base"].verdict == "no"
    if says("With NVIDIA's figure in the evidence, no assumption moves the posterior mean recovered share"):
        fig = plots.tornado_chart_one(sens.tornado(setup), "share_mean")
        assert not [p for a in fig.axes for p in a.patches], "the share tornado draws bars its caption says are absent"


# --------------------------------------------------------------------------- no code identifiers in a chart

CODE_PATTERNS = {
    "snake_case name": r"\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b",
    "dotted attribute name": r"\b(?!e\.g\b|i\.e\b)[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*\b",
    "expectation written as code": r"\bE\[[^\]]*\]",
    "likelihood-table jargon": r"\blikelihood row\b",
    "bracketed index": r"\b\w+\[\w+\]",
}
"""What a reader should never see in a chart: a code identifier in place of a human name."""


def _csv_headers() -> set[str]:
    import csv
    from pathlib import Path

    import model

    heads: set[str] = set()
    for f in (Path(model.__file__).parent / "data").glob("*.csv"):
        with open(f, newline="", encoding="utf-8") as fh:
            heads.update(next(csv.reader(fh)))
    return heads


def _chart_texts(fig) -> list[str]:
    """Every visible text of a figure: titles, suptitle, axis and tick labels, legend entries, annotations."""
    import matplotlib.text

    return [
        t.get_text()
        for t in fig.findobj(matplotlib.text.Text)
        if t.get_text().strip() and t.get_visible() and (t.axes is None or t.axes.get_visible())
    ]


def code_identifiers(texts: list[str], headers: set[str]) -> list[str]:
    """The code identifiers in a figure's texts, each as 'what: text'.

    Rules: a snake_case name, a dotted attribute name, ``E[...]``, a bracketed index (``theta[base]``),
    'likelihood row', and a column name of the data files that is not an English word (one with '_').
    A scenario key on its own ('base', 'reban') is the book's name for the scenario, as its prose and
    tables use it ("*domestic* > 99%"), not a code identifier; in code form it is (``theta[base]``,
    ``r_reban``). The human names of ``SCENARIO_LABELS`` ('base: controlled access') are for where a
    chart has the room.
    """
    import re

    found = []
    for text in texts:
        flat = text.replace("\n", " ")
        found += [f"{what}: {flat!r}" for what, pat in CODE_PATTERNS.items() if re.search(pat, flat)]
        found += [f"column name {h!r}: {flat!r}" for h in headers if "_" in h and re.search(rf"\b{h}\b", flat)]
    return sorted(set(found))


def test_code_identifiers_are_caught():
    heads = _csv_headers()
    assert any("_" in h for h in heads), "no column names read from model/data"
    for bad in (["us_permits"], ["r_reban"], ["E[theta_base | data]"], ["likelihood row"], ["p.recovery"]):
        assert code_identifiers(bad, heads), bad
    assert code_identifiers(["theta[base]"], heads) and code_identifiers(["total_revenue_usd_bn"], heads)
    fine = ["base: controlled access", "base", "P(re-ban)", "recovered share (%)", "e.g. 0.5", "3.9×"]
    assert code_identifiers(fine, heads) == []


def test_no_chart_shows_a_code_identifier(setup):
    heads = _csv_headers()
    bad = {
        f"{name} #{k}": found
        for name, figs in _all_figures(setup).items()
        for k, fig in enumerate(figs)
        if (found := code_identifiers(_chart_texts(fig), heads))
    }
    assert not bad, "\n".join(f"{n}: {f}" for n, f in bad.items())
