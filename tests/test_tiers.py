"""The tiers' markers are earned by what a test uses (tests/conftest.py), so a new test lands in the right tier."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import conftest
from conftest import ROOT, run_model


def _helper_that_spawns() -> None:
    subprocess.run([sys.executable, "-c", "pass"], check=True)


def _plain() -> int:
    return 1


def _calls_the_cli() -> None:
    run_model("--help")


def _calls_a_spawning_helper() -> None:
    _helper_that_spawns()


def _fits() -> None:
    from model.computation.pipeline import analyse, prepare

    analyse(prepare(), mcmc=True)


def test_a_process_is_seen_in_the_test_and_in_its_helpers():
    module = sys.modules[__name__]
    assert conftest._source_needs(_plain, module, set()) == set()
    assert conftest._source_needs(_calls_the_cli, module, set()) == {"subprocess"}
    assert conftest._source_needs(_calls_a_spawning_helper, module, set()) == {"subprocess"}
    assert conftest._source_needs(_fits, module, set()) == {"mcmc"}


def test_every_tier_marker_is_registered():
    """``--strict-markers`` would reject an unregistered one; pyproject.toml names each with what earns it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    registered = {m.split(":")[0] for m in config["tool"]["pytest"]["ini_options"]["markers"]}
    assert set(conftest.TIER_MARKERS) | {"quick"} <= registered
    assert "-m 'not slow'" in config["tool"]["pytest"]["ini_options"]["addopts"]  # the default run deselects only slow
