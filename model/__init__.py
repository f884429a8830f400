"""H20 export-reversal risk model: elicited priors, sourced evidence, exact and PyMC inference.

The package never knows about the book; notebooks call it.
"""

from __future__ import annotations

import logging
import sys
import warnings
from pathlib import Path

from .computation.errors import InputError
from .computation.homes import redirect_unwritable_caches

# A read-only or missing home directory: ArviZ (its daily stamp), PyTensor (its compile directory),
# Matplotlib and this package's result cache would fail at import or first use, and the failure
# would surface far from its cause. Redirect each unwritable location to a temporary directory,
# say so once (child processes inherit the variables and need no note).
_NOTE = redirect_unwritable_caches()
if _NOTE:
    print(_NOTE, file=sys.stderr)

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

try:
    from .computation.article import ARTICLE
except InputError as _exc:
    if sys.argv[:1] == ["-m"]:  # ``python -m model`` being located: the command line's one line and exit 2
        print(f"error: {_exc}", file=sys.stderr)
        raise SystemExit(2) from None
    raise

SCENARIOS: tuple[str, ...] = ARTICLE.keys
"""The article's scenarios, in the order used by every array in the package (from the article in force,
``model/data/article.yaml`` or ``H20_ARTICLE``, read once at import: see :mod:`model.computation.article`)."""

SIGNALS: tuple[str, ...] = ARTICLE.signals
"""Signal classes of evidence events (rows of the likelihood table), from the article in force."""

__version__ = "0.1.0"

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
"""The directory this package was imported from (a checkout's root, or site-packages)."""
PROJECT_NAME = "h20-risk-model"


class OtherCheckoutError(ImportError):
    """The package was imported from another checkout than the one the command runs in (one line, both paths)."""


def checkout_of(directory: Path) -> Path | None:
    """The checkout of this project that holds ``directory`` (a folder with ``model/__init__.py`` and a
    ``pyproject.toml`` naming :data:`PROJECT_NAME`), or None.
    """
    directory = directory.resolve()
    for d in (directory, *directory.parents):
        if (d / "model" / "__init__.py").is_file() and (d / "pyproject.toml").is_file():
            try:
                if f'name = "{PROJECT_NAME}"' in (d / "pyproject.toml").read_text(encoding="utf-8"):
                    return d
            except (OSError, UnicodeDecodeError):
                return None
    return None


def check_checkout(directory: Path | None = None) -> None:
    """Raise :class:`OtherCheckoutError` when ``directory`` (default: the working directory) lies in a
    checkout of this project other than the one this package was imported from.

    One virtual environment shared by two checkouts (a git worktree, a second clone) imports whichever
    was installed last; the command, chapter or build would then show the other checkout's numbers.
    """
    try:
        here = checkout_of(Path.cwd() if directory is None else directory)
    except OSError:  # the working directory was deleted: no checkout to compare with
        return
    if here is None or here == PACKAGE_ROOT:
        return
    raise OtherCheckoutError(
        f"{here}: runs the package of another place, {PACKAGE_ROOT / 'model'}; fix: run python -m model "
        f"from {here}, or set PYTHONPATH={here} (or pip install -e {here}: it then becomes the venv's checkout)"
    )


def by_scenario(values: object, name: str | None = None):  # -> xarray.DataArray
    """Values in :data:`SCENARIOS` order as a DataArray with a named ``scenario`` dim.

    The one place where a position in a scenario-ordered array meets its scenario's name: results
    leave the package labelled, and callers select with ``.sel(scenario="domestic")``.

    Parameters
    ----------
    values : one number per scenario, in :data:`SCENARIOS` order
    name : the DataArray's name

    Returns
    -------
    xarray.DataArray
        Dims ``("scenario",)``, float.
    """
    import numpy as np
    import xarray as xr

    return xr.DataArray(
        np.asarray(values, dtype=float), dims="scenario", coords={"scenario": list(SCENARIOS)}, name=name
    )
