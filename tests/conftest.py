"""Shared fixtures: the default setup and one full analysis (PyMC) per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from model.assumptions import DEFAULT_ASSUMPTIONS
from model.evidence import DEFAULT_EVENTS, DEFAULT_QUARTERS
from model.pipeline import Analysis, Setup, analyse, prepare


@pytest.fixture(scope="session")
def setup() -> Setup:
    return prepare()


@pytest.fixture(scope="session")
def analysis(setup: Setup) -> Analysis:
    return analyse(setup, mcmc=True)


@pytest.fixture()
def inputs(tmp_path: Path) -> dict[str, Path]:
    """Editable copies of the shipped input files (the originals are never touched)."""
    out = {}
    for key, src in (("assumptions", DEFAULT_ASSUMPTIONS), ("events", DEFAULT_EVENTS), ("quarters", DEFAULT_QUARTERS)):
        dst = tmp_path / src.name
        shutil.copy(src, dst)
        out[key] = dst
    return out


@pytest.fixture(scope="session")
def analysis_exact(setup: Setup) -> Analysis:
    return analyse(setup, mcmc=False)
