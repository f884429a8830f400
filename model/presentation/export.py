"""Downloads: every number of the book as files, with a manifest of sizes and SHA-256 hashes.

:func:`export` writes the headline summary (the object ``python -m model summary --json``
prints), CSV tables, the PyMC posterior draws (netCDF, ArviZ InferenceData), the assumptions
file used and the explorer's grid into one directory, and returns a :class:`Manifest`. The
"Data and downloads" chapter calls it at build time (into the book's ``_static/downloads``),
``python -m model export DIR`` from the command line.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Sequence

from .. import SCENARIOS, __version__
from ..computation.assumptions import DEFAULT_ASSUMPTIONS
from ..computation.history import Revision
from ..computation.pipeline import Analysis, Setup
from ..computation.sensitivity import Tornado
from .report import headline, influence_rows, tornado_rows

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Download:
    """One file of the export."""

    name: str
    size: int
    """Bytes."""
    sha256: str
    description: str


@dataclass(frozen=True)
class Manifest:
    """What :func:`export` wrote, and what it was built from."""

    files: tuple[Download, ...]
    version: str
    """The package version (``model.__version__``)."""
    commit: str
    """``git rev-parse HEAD`` of the repository, or 'unknown'."""

    def verify(self, directory: str | Path) -> bool:
        """True when ``directory`` holds every file of :data:`DESCRIPTIONS` with the size and SHA-256 listed."""
        out = Path(directory)
        return [f.name for f in self.files] == list(DESCRIPTIONS) and all(
            (out / f.name).is_file() and (out / f.name).stat().st_size == f.size and sha256(out / f.name) == f.sha256
            for f in self.files
        )

    def as_dict(self) -> dict[str, object]:
        """The manifest as JSON-ready data: version, commit and one entry per file."""
        return {"version": self.version, "commit": self.commit, "files": [asdict(f) for f in self.files]}


DESCRIPTIONS: dict[str, str] = {
    "summary.json": "The headline numbers: the object `python -m model summary --json` prints (exact path, "
    "with the Monte Carlo and MCMC checks; input files named relative to the repository, with their SHA-256)",
    "scenario_probabilities.csv": "P(scenario | evidence up to the date) and the recovered-share forecast "
    "after each evidence date (exact path)",
    "events.csv": "The news events: date, summary, signal class, confidence and sources",
    "quarters.csv": "NVIDIA's reported periods used, and which of them make up the revenue datum",
    "tornado.csv": "Sensitivity: each input at its low and high end, every output (exact path)",
    "event_influence.csv": "Leave-one-out influence of each item of evidence on each scenario's log-odds",
    "posterior.nc": "PyMC posterior draws (ArviZ InferenceData, netCDF4)",
    "assumptions.yaml": "The assumptions file the book was built from, byte for byte",
    "explorer_grid.json": "The what-if explorer's grid: the exact path precomputed for the page",
}
"""Every file :func:`export` writes, in order, with what it holds."""

MANIFEST_FILE = "manifest.json"
"""The manifest itself (not listed in it: it holds the hashes of the others)."""


def git_commit(root: Path = ROOT) -> str:
    """The commit the repository is at, or 'unknown' (no git, or not a repository)."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    text = out.stdout.strip()
    return text if out.returncode == 0 and text else "unknown"


def sha256(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks.

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    str
        The digest as 64 hex digits.
    """
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def portable(path: str | Path, root: Path = ROOT) -> str:
    """A path as a download may name it: relative to the repository when inside it, else the file's name.

    Downloads never carry the builder's directories (a home folder, a user name, a temporary path).
    """
    p = Path(path).resolve()
    try:
        return p.relative_to(root.resolve()).as_posix()
    except ValueError:
        return p.name


def portable_summary(summary: dict, setup: Setup) -> dict:
    """The headline object with each input file named by :func:`portable` and identified by its SHA-256."""
    from ..computation.cache import input_files

    inputs = dict(summary["inputs"])
    for k in ("assumptions", "events", "quarters"):
        inputs[k] = portable(inputs[k])
    inputs["sha256"] = input_files(setup)
    return {**summary, "inputs": inputs}


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:.10g}"


def _write_csv(path: Path, rows: Iterable[dict[str, object]]) -> None:
    rows = list(rows)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else [], lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: _num(v) if isinstance(v, float) else v for k, v in r.items()})


def history_rows(history: Sequence[Revision]) -> list[dict[str, object]]:
    """One row per evidence date: what arrived, P(scenario) after it and the share forecast."""
    return [
        {
            "date": r.date.isoformat(),
            "arrived": "; ".join(r.arrived),
            **{f"p_{s}": float(r.prob_after.sel(scenario=s)) for s in SCENARIOS},
            **{f"share_{k}": float(v) for k, v in r.share.items()},
            "in_sample": r.in_sample,
        }
        for r in history
    ]


def event_rows(setup: Setup) -> list[dict[str, object]]:
    """Every event with its classification (signal class, or the periods it re-reports) and sources."""
    return [
        {
            "id": e.id,
            "date": e.date.isoformat(),
            "summary": e.summary,
            "signal": e.signal,
            "alt_signal": e.alt_signal or "",
            "fact": e.fact_key,
            "campaign": e.campaign_key,
            "restates": ";".join(e.restates),
            "subsumed_by": ";".join(e.subsumed_by),
            "enters_likelihood": setup.evidence.is_signal(e),
            "indicators": ";".join(e.indicators),
            "confidence": e.confidence,
            "source_1": e.sources[0] if e.sources else "",
            "source_2": e.sources[1] if len(e.sources) > 1 else "",
        }
        for e in setup.evidence.events
    ]


def quarter_rows(setup: Setup) -> list[dict[str, object]]:
    """Every reported period with its figures, and whether it is part of the revenue datum."""
    used = set(setup.likelihood.revenue.periods)
    return [
        {
            "fiscal_period": q.fiscal_period,
            "period_type": q.period_type,
            "period_end": q.period_end.isoformat(),
            "reported": q.reported.isoformat(),
            "total_revenue_usd_bn": q.total_revenue_usd_bn,
            "h20_china_revenue_usd_bn": q.h20_china_revenue_usd_bn,
            "confidence": q.confidence,
            "in_revenue_datum": q.fiscal_period in used,
            "source_1": q.sources[0] if q.sources else "",
            "source_2": q.sources[1] if len(q.sources) > 1 else "",
        }
        for q in setup.evidence.periods
    ]


@dataclass(frozen=True)
class ExportInputs:
    """The results the files are made of (computed once by the caller, shared with the pages)."""

    analysis: Analysis
    """With the PyMC fit (``analyse(setup, mcmc=True)``)."""
    spread: object
    """:func:`model.computation.sensitivity.weight_spread`."""
    tornado: Tornado
    influence: object
    """:func:`model.computation.influence.event_influence`."""
    history: Sequence[Revision]
    grid: dict[str, object]
    """:func:`model.computation.explore.explorer_grid`."""


def export(inputs: ExportInputs, directory: str | Path) -> Manifest:
    """Write every file of :data:`DESCRIPTIONS` and ``manifest.json`` into ``directory`` (created if needed)."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    an = inputs.analysis
    setup = an.setup
    if an.mcmc is None:
        raise ValueError("export needs the PyMC fit: analyse(setup, mcmc=True)")
    summary = portable_summary(headline(an, inputs.spread), setup)  # type: ignore[arg-type]
    text = json.dumps(summary, indent=2, ensure_ascii=False)
    (out / "summary.json").write_text(text + "\n", encoding="utf-8")
    _write_csv(out / "scenario_probabilities.csv", history_rows(inputs.history))
    _write_csv(out / "events.csv", event_rows(setup))
    _write_csv(out / "quarters.csv", quarter_rows(setup))
    _write_csv(out / "tornado.csv", tornado_rows(inputs.tornado))
    _write_csv(out / "event_influence.csv", influence_rows(inputs.influence))  # type: ignore[arg-type]
    nc = out / "posterior.nc"
    nc.unlink(missing_ok=True)
    an.mcmc.idata.to_netcdf(str(nc))
    shutil.copyfile(setup.assumptions.source_file or DEFAULT_ASSUMPTIONS, out / "assumptions.yaml")
    (out / "explorer_grid.json").write_text(json.dumps(inputs.grid, separators=(",", ":")), encoding="utf-8")
    files = tuple(Download(n, (out / n).stat().st_size, sha256(out / n), d) for n, d in DESCRIPTIONS.items())
    manifest = Manifest(files, __version__, git_commit())
    (out / MANIFEST_FILE).write_text(json.dumps(manifest.as_dict(), indent=2) + "\n", encoding="utf-8")
    return manifest
