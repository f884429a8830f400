"""The revenue datum's measurement model."""

import pytest
from scipy import stats

from model.computation.measurement import normal_logpdf


def test_normal_logpdf_matches_scipy():
    assert normal_logpdf(0.05, 0.02, 0.04) == pytest.approx(stats.norm.logpdf(0.05, 0.02, 0.04), abs=1e-12)
