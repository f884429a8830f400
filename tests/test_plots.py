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
        plots.quarterly_revenue(ev.periods, setup.assumptions.measurement.first_licence_date.value),
        plots.prior_vs_posterior(p.m, ex.scenario_prob, sens.weight_spread(setup)),
        plots.belief_over_time(hist),
        plots.share_cdfs(ex.share_cdf, ex.share_cdf, 0.0002, (0.11, 0.12)),
        plots.forecast_over_time(sens.forecast_history(setup)[-3:], 0.0002, (0.11, 0.12)),
        plots.tornado_chart(sens.tornado(setup), ["P(domestic)"]),
        plots.sweep_chart(grid, np.tile(ex.scenario_prob, (50, 1)), 0.1, "x (unit)", "t"),
        plots.influence_chart(sens.event_influence(setup)),
        plots.score_chart(hist, 2, p.m),
    ]
    for f in figs:
        _check(f)
    assert all(c.startswith("#") for c in plots.SCENARIO_COLORS.values())


def test_model_graph_needs_no_graphviz(setup):
    from model.mcmc import build_model

    fig = plots.model_graph(build_model(setup.priors, setup.likelihood))
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "theta" in texts and "evidence" in texts and "scenario (4)" in texts


def test_plots_compose_and_leave_matplotlib_alone(setup):
    import subprocess
    import sys

    import matplotlib.pyplot as plt

    code = "import matplotlib as mpl; b = dict(mpl.rcParams); import model.plots; assert dict(mpl.rcParams) == b"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120).returncode == 0
    fig, (a, b) = plt.subplots(1, 2)
    assert plots.scenario_prior_densities(setup.priors, ax=a) is fig
    assert plots.recovery_prior_densities(setup.priors, ax=b) is fig
    assert a.get_title() and b.get_title() and a.lines and b.lines
    plt.close(fig)
