"""The pipeline's set-up: the seed reaches every path; importing is silent."""

import os
import subprocess
import sys

import pytest


def test_seed_override_reaches_every_path(monkeypatch):
    from model.computation.errors import InputError
    from model.computation.pipeline import prepare

    monkeypatch.setenv("H20_SEED", "12345")
    assert prepare().seed == 12345
    assert prepare(seed=3).seed == 3
    monkeypatch.setenv("H20_SEED", "-1")
    with pytest.raises(InputError, match="H20_SEED"):
        prepare()


def test_import_is_silent_with_a_fresh_home(tmp_path):
    """First-run and once-a-day notices of pinned dependencies never reach stderr."""
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"), "MPLCONFIGDIR": str(home / ".mpl")}
    code = (
        "import model, model.computation.mcmc, model.computation.pipeline, model.presentation.plots, arviz, pymc, "
        "preliz; model.computation.pipeline.prepare()"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300
    )
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""
    assert (
        home / ".cache" / "arviz"
    ).exists()  # ArviZ's daily stamp really was due: the notice was silenced, not skipped
