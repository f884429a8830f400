"""Every figure has a title and labelled axes; the model graph is the same in every process."""

import numpy as np

from model import plots
from model import sensitivity as sens
from model.simulate import prior_predictive, rng_for


def _check(fig):
    assert fig.axes
    titled = bool(fig._suptitle and fig._suptitle.get_text())
    for ax in fig.axes:
        if not ax.get_visible() or not ax.has_data():
            continue
        assert ax.get_title() or titled, "figure without a title"
        assert ax.get_xlabel(), ax.get_title()
        assert ax.get_ylabel() or ax.get_yticklabels(), ax.get_title()


def test_all_figures_titled_and_labelled(setup):
    p, ev = setup.priors, setup.evidence
    d = prior_predictive(p, 2000, rng_for(1, "plots"))
    ex = sens.posterior(setup)
    hist = sens.belief_over_time(setup)
    grid = np.linspace(0, 0.2, 50)
    figs = [
        plots.scenario_prior_densities(p),
        plots.recovery_prior_densities(p),
        plots.predictive_histograms(d.share, d.usd, "t"),
        plots.evidence_timeline(ev),
        plots.quarterly_revenue(ev.periods, setup.assumptions.quarterly.reversal_date.value),
        plots.prior_vs_posterior(p.m, ex.scenario_prob, ex.scenario_prob, np.zeros(4)),
        plots.belief_over_time(hist),
        plots.share_densities(ex, d.share, d.share, 0.001),
        plots.exceedance_curves(grid, grid, grid, grid, 0.11),
        plots.usd_density(d.usd, (20.0, 25.0), 215.9),
        plots.tornado_chart(sens.tornado(setup), ["P(domestic)"]),
        plots.sweep_chart(grid, np.tile(ex.scenario_prob, (50, 1)), 0.1, "x (unit)", "t"),
        plots.influence_chart(sens.event_influence(setup)),
        plots.score_chart(hist, 2, p.m),
    ]
    for f in figs:
        _check(f)
    assert all(c.startswith("#") for c in plots.SCENARIO_COLORS.values())


def test_canonical_graph_body_ignores_input_order():
    body = ['\tsubgraph "c" {\n', '\t\tr [label="r"]\n', '\t\ttheta [label="t"]\n', '\t\tlabel="c"\n', "\t}\n", "\tr -> e\n", "\ttheta -> e\n"]
    shuffled = body[:]
    shuffled[1], shuffled[2] = shuffled[2], shuffled[1]
    shuffled[5], shuffled[6] = shuffled[6], shuffled[5]
    assert plots._canonical_body(body) == plots._canonical_body(shuffled)
    assert plots._canonical_body(shuffled)[3] == '\t\tlabel="c"\n'


def test_model_graph_svg(setup):
    from model.inference import build_model

    svg = plots.model_graph_svg(build_model(setup.priors, setup.likelihood))
    assert svg.lstrip().startswith("<?xml") and "theta" in svg and "evidence" in svg
