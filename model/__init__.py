"""H20 export-reversal risk model: elicited priors, sourced evidence, exact and PyMC inference.

The package never knows about the book; notebooks call it.
"""

from __future__ import annotations

import logging
import warnings

# ArviZ 0.23 warns once per day per user (a stamp in the user cache dir) that it is being
# refactored. The notice says nothing about this model, and a first build of the day (or a
# fresh machine) would carry it into the book's outputs. Silence that one message, narrowly.
warnings.filterwarnings("ignore", message=r"\s*ArviZ is undergoing a major refactor", category=FutureWarning)

# Matplotlib logs "building the font cache" when its first import on a machine takes over 5 s
# (a fresh home directory). First-run noise, not a result: drop that one record, narrowly.
logging.getLogger("matplotlib.font_manager").addFilter(
    lambda record: "building the font cache" not in record.getMessage()
)

# PyTensor warns at import time that it could not link to a BLAS library. For this model
# (a handful of scalars) the cost is nil, so keep the warning out of every output.
warnings.filterwarnings("ignore", message="PyTensor could not link to a BLAS")
for _name in ("pytensor.tensor.blas", "pytensor.configdefaults"):
    logging.getLogger(_name).setLevel(logging.ERROR)

SCENARIOS: tuple[str, ...] = ("base", "reban", "domestic", "easing")
"""The article's four scenarios, in the order used by every array in the package."""

SIGNALS: tuple[str, ...] = (
    "us_permits",
    "us_restricts",
    "us_holds_line",
    "china_permits",
    "china_discourages",
    "domestic_progress",
    "sales_absent",
)
"""Signal classes of evidence events (rows of the likelihood table)."""

__version__ = "0.1.0"


def by_scenario(values: object, name: str | None = None):  # -> xarray.DataArray
    """Values in :data:`SCENARIOS` order as a DataArray with a named ``scenario`` dim.

    The one place where a position in a scenario-ordered array meets its scenario's name: results
    leave the package labelled, and callers select with ``.sel(scenario="domestic")``.
    """
    import numpy as np
    import xarray as xr

    return xr.DataArray(
        np.asarray(values, dtype=float), dims="scenario", coords={"scenario": list(SCENARIOS)}, name=name
    )
