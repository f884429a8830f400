"""Bad and edge-case inputs from every source: one stderr line, exit 2, file and field named, input untouched.

Table-driven: each case breaks a copy of the shipped files (YAML, events CSV, quarters CSV)
or passes odd flags or ``H20_*`` variables, then runs ``python -m model`` in-process
(``model.entry.cli.main``). A few cases run as real subprocesses to check the interpreter-level
behaviour, and a Hypothesis test mutates valid assumptions at random.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
import yaml
from conftest import run_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.computation.assumptions import DEFAULT_ASSUMPTIONS, load_assumptions
from model.computation.errors import InputError
from model.computation.evidence_files import (
    DEFAULT_EVENTS,
    DEFAULT_QUARTERS,
    MAX_EVENTS,
    MAX_PERIODS,
    load_events,
    load_periods,
)
from model.computation.inputs import MAX_CSV_BYTES, MAX_PATH_CHARS, MAX_YAML_BYTES, MAX_YAML_DEPTH
from model.computation.priors import elicit_priors
from model.entry import cli

Files = dict[str, Path]
A, E, Q, V = "assumptions", "events", "quarters", "resolution"
ENV_VARS = ("H20_ASSUMPTIONS", "H20_EVENTS", "H20_QUARTERS", "H20_RESOLUTION")


# --------------------------------------------------------------------------- mutations


def edit(key: str, old: str, new: str) -> Callable[[Files], None]:
    def run(f: Files) -> None:
        text = f[key].read_text(encoding="utf-8")
        assert old in text, old
        f[key].write_text(text.replace(old, new, 1), encoding="utf-8", newline="")

    return run


SENTINEL = "@@H20_RAW@@"


QUANTILES = (
    "{{quantiles: [{{value: {}, prob: {}}}, {{value: {}, prob: {}}}], unit: share, "
    "provenance: {{kind: judgement, reasoning: two quantiles}}}}"
)
"""A recovery prior in the two-quantile form, as raw YAML."""


def setv(values: dict[str, str]) -> Callable[[Files], None]:
    """Set values of the assumptions at dotted paths to raw YAML text (the file is re-dumped, comments dropped)."""

    def run(f: Files) -> None:
        doc = yaml.safe_load(f[A].read_text(encoding="utf-8"))
        for i, path in enumerate(values):
            *parents, last = path.split(".")
            node = doc
            for k in parents:
                node = node[int(k)] if isinstance(node, list) else node[k]
            key = int(last) if isinstance(node, list) else last
            assert key in (range(len(node)) if isinstance(node, list) else node), path
            node[key] = f"{SENTINEL}{i}"
        text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
        for i, raw in enumerate(values.values()):
            text = text.replace(f"'{SENTINEL}{i}'", raw)
        f[A].write_text(text, encoding="utf-8")

    return run


def append(key: str, text: str) -> Callable[[Files], None]:
    def run(f: Files) -> None:
        with f[key].open("a", encoding="utf-8", newline="") as fh:
            fh.write(text)

    return run


def write_bytes(key: str, make: Callable[[bytes], bytes]) -> Callable[[Files], None]:
    def run(f: Files) -> None:
        f[key].write_bytes(make(f[key].read_bytes()))

    return run


def replace_bytes(key: str, old: bytes, new: bytes) -> Callable[[Files], None]:
    def run_(b: bytes) -> bytes:
        assert old in b
        return b.replace(old, new, 1)

    return write_bytes(key, run_)


def many_event_rows(n: int) -> Callable[[Files], None]:
    def run(f: Files) -> None:
        lines = f["events"].read_text(encoding="utf-8").splitlines()
        last = lines[-1].split(",", 1)[1]
        with f["events"].open("a", encoding="utf-8") as fh:
            for i in range(n):
                fh.write(f"X{i},{last}\n")

    return run


def many_period_rows(n: int) -> Callable[[Files], None]:
    def run(f: Files) -> None:
        with f["quarters"].open("a", encoding="utf-8") as fh:
            for i in range(n):
                fh.write(f"Q{i} FY1990,quarter,1990-01-01,1990-02-01,1.0,,,,two_sources,,https://x.example,\n")

    return run


# --------------------------------------------------------------------------- the table


@dataclass
class Case:
    id: str
    mutate: Callable[[Files], None] | None
    field: str
    """Expected in the message (the field, line or column)."""
    file: str = "{target}"
    """Expected in the message: the file (templated with {assumptions}, {events}, {quarters}, {tmp}, {target})."""
    target: str = "assumptions"
    words: str = ""
    argv: list[str] | None = None
    """Replaces the file flags (templated as ``file``)."""
    env: dict[str, str] = field(default_factory=dict)
    command: str = "summary"


SENS = dict(command="sensitivity")

YAML_CASES = [
    Case(
        "yaml-not-utf8",
        replace_bytes(A, b"Base case (45% probability)", b"Base case (45\xff probability)"),
        "line",
        words="not UTF-8",
    ),
    Case(
        "yaml-latin1-file",
        write_bytes(A, lambda b: b.decode("utf-8").replace("基准情况", "é").encode("latin-1", "replace")),
        "line",
        words="not UTF-8",
    ),
    Case("yaml-duplicate-top-key", append(A, "seed:\n  value: 1\n"), "line", words="duplicate key 'seed'"),
    Case(
        "yaml-duplicate-nested-key",
        append(A, "extra:\n  mass: 0.9\n  unit: x\n  mass: 0.5\n"),
        "line",
        words="duplicate key 'mass'",
    ),
    Case(
        "yaml-nested-deep",
        append(A, "deep: " + "[" * 5000 + "]" * 5000 + "\n"),
        "line",
        words=f"more than {MAX_YAML_DEPTH} levels",
    ),
    Case(
        "yaml-nested-deep-block",
        append(A, "deep:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(200))),
        "line",
        words="levels deep",
    ),
    Case("yaml-huge-int", setv({"seed.value": "9" * 5000}), "line", words="digits"),
    Case("yaml-negative-seed", setv({"seed.value": "-1"}), "seed", words="outside [0, 2**32)"),
    Case("yaml-seed-too-big", setv({"seed.value": "4294967296"}), "seed", words="2**32"),
    Case("yaml-seed-float", setv({"seed.value": "1.5"}), "seed.value"),
    Case(
        "yaml-nan-base-mean",
        setv({"scenario_prior.base_mean.value": ".nan"}),
        "scenario_prior.base_mean.value",
        words="finite",
    ),
    Case(
        "yaml-inf-split-weight",
        setv({"scenario_prior.split_weights.value.reban": ".inf"}),
        "split_weights",
        words="finite",
    ),
    Case(
        "yaml-nan-split-weight",
        setv({"scenario_prior.split_weights.value.reban": ".nan"}),
        "split_weights",
        words="finite",
    ),
    Case(
        "yaml-tiny-split-weight",
        setv({"scenario_prior.split_weights.value.reban": "1.0e-300"}),
        "split_weights",
        words="million",
    ),
    Case("yaml-revenue-overflow", setv({"revenue_fy2026.upper": "1.0e+400"}), "revenue_fy2026.upper", words="finite"),
    Case("yaml-revenue-1e400-text", setv({"revenue_fy2026.upper": "1e400"}), "revenue_fy2026.upper", words="finite"),
    Case("yaml-revenue-nan", setv({"revenue_fy2026.lower": ".nan"}), "revenue_fy2026.lower", words="finite"),
    Case("yaml-revenue-zero", setv({"revenue_fy2026.lower": "0.0"}), "revenue_fy2026", words="not positive"),
    Case(
        "yaml-likelihood-nan",
        setv({"signals.likelihood.china_discourages.domestic": ".nan"}),
        "signals.likelihood.china_discourages.domestic",
        words="finite",
    ),
    Case(
        "yaml-likelihood-negative",
        setv({"signals.likelihood.china_discourages.domestic": "-0.25"}),
        "signals.likelihood.china_discourages.domestic",
    ),
    Case(
        "yaml-tempering-inf",
        setv({"signals.tempering_weight.value": ".inf"}),
        "signals.tempering_weight.value",
        words="finite",
    ),
    Case(
        "yaml-rounding-zero",
        setv({"measurement.rounding.value": "0.0"}),
        "measurement",
        words="rounding 0.0 is outside",
    ),
    Case(
        "yaml-quantile-order",
        setv({"recovery.reban": QUANTILES.format(0.01, 0.25, 0.001, 0.9)}),
        "recovery.reban",
        words="not increasing",
    ),
    Case(
        "yaml-quantile-impossible",
        setv({"recovery.reban": QUANTILES.format(0.001, 0.8999, 0.01, 0.9)}),
        "recovery.reban",
        words="no Beta has",
    ),
    Case(
        "yaml-near-zero-prob-low", setv({"recovery.reban.near_zero.prob": "0.005"}), "recovery.reban", words="is not in"
    ),
    Case(
        "yaml-near-zero-value-1",
        setv({"recovery.domestic.near_zero.value": "1.0"}),
        "recovery.domestic",
        words="outside (0, 1)",
    ),
    Case(
        "yaml-base-interval-unfittable",
        setv({"scenario_prior.base_interval.lower": "0.0", "scenario_prior.base_interval.upper": "1.0"}),
        "scenario_prior.base_interval",
        words="no Dirichlet strength",
    ),
    Case(
        "yaml-recovery-0-1",
        setv({"recovery.base.lower": "0.0", "recovery.base.upper": "1.0"}),
        "recovery.base",
        words="every Beta",
    ),
    Case(
        "yaml-recovery-too-narrow",
        setv({"recovery.base.lower": "0.5", "recovery.base.upper": "0.5000001", "recovery.base.mass": "0.99"}),
        "recovery.base",
        words="no Beta prior puts",
    ),
    Case(
        "yaml-revenue-too-narrow",
        setv({"revenue_fy2026.lower": "150.0", "revenue_fy2026.upper": "150.0001"}),
        "revenue_fy2026",
        words="log-normal",
    ),
    Case(
        "yaml-forward-draws-huge",
        setv({"inference.forward_draws": "1000000000000"}),
        "inference.forward_draws",
        words="cap of 2,000,000",
    ),
    Case(
        "yaml-quadrature-huge",
        setv({"inference.quadrature_nodes": "1000000000"}),
        "inference.quadrature_nodes",
        words="cap of 100,000",
    ),
    Case("yaml-chains-huge", setv({"inference.chains": "1000"}), "inference.chains", words="cap of 16"),
    Case("yaml-draws-huge", setv({"inference.draws": "10000000"}), "inference.draws", words="cap of 100,000"),
    Case("yaml-tune-huge", setv({"inference.tune": "10000000"}), "inference.tune", words="cap"),
    Case(
        "yaml-chains-x-draws",
        setv({"inference.chains": "16", "inference.draws": "100000"}),
        "inference",
        words="chains x draws",
    ),
    Case(
        "yaml-sens-sd-factor-zero",
        setv({"sensitivity.measurement_sd_factor.low": "0.0"}),
        "sensitivity",
        words="measurement_sd_factor",
        **SENS,
    ),
    Case("yaml-sens-prob-1.5", setv({"sensitivity.base_mean.high": "1.5"}), "sensitivity", words="base_mean", **SENS),
    Case(
        "yaml-sens-reversed",
        setv({"sensitivity.kappa_factor.low": "3.0", "sensitivity.kappa_factor.high": "2.0"}),
        "sensitivity",
        words="not below high",
        **SENS,
    ),
    Case(
        "yaml-sens-nan",
        setv({"sensitivity.tempering_weight.low": ".nan"}),
        "sensitivity.tempering_weight.low",
        words="finite",
        **SENS,
    ),
    Case(
        "yaml-sens-negative-scale",
        setv({"sensitivity.recovery_scale.low": "-0.5"}),
        "sensitivity",
        words="recovery_scale",
        **SENS,
    ),
    Case(
        "yaml-interval-coverage",
        setv({"resolution.interval_coverage.value": "1.5"}),
        "resolution",
        words="outside (0, 1)",
    ),
    Case("yaml-escape-in-key", append(A, '"\\e[31mevil\\nkey": 1\n'), "\\x1b[31mevil\\nkey", words="unknown field"),
    Case("yaml-top-level-list", write_bytes(A, lambda b: b"- 1\n- 2\n"), "(top level)", words="not a YAML mapping"),
    Case("yaml-empty", write_bytes(A, lambda b: b""), "(top level)"),
    Case("yaml-alias", append(A, "x: &a [1]\ny: *a\n"), "line", words="aliases"),
    Case(
        "yaml-python-tag",
        append(A, 'x: !!python/object/apply:os.system ["touch /tmp/h20-pwned"]\n'),
        "line",
        words="constructor",
    ),
    Case("yaml-bad-date", setv({"measurement.reversal_date.value": "2025-02-30"}), "line", words="2025-02-30"),
    Case("yaml-nul-byte", replace_bytes(A, b"seed:", b"se\x00ed:"), "character", words="malformed YAML"),
    Case(
        "yaml-too-big",
        append(A, ("# padding\n" * (MAX_YAML_BYTES // 10 + 1))),
        "(file)",
        words=f"cap of {MAX_YAML_BYTES:,}",
    ),
    Case("yaml-malformed", setv({"inference.chains": "[4"}), "line", words="malformed YAML"),
]

EVENT_CASES = [
    Case(
        "events-not-utf8",
        replace_bytes(E, b"NVIDIA denies", b"NVIDIA d\xe9nies"),
        "line 3",
        target=E,
        words="not UTF-8",
    ),
    Case("events-duplicate-id", edit(E, "E30,", "E29,"), "line 31, column id", target=E, words="'E29'"),
    Case("events-empty-id", edit(E, "E30,", ","), "line 31, column id", target=E),
    Case(
        "events-future", edit(E, "E30,2026-03-18", "E30,2099-03-18"), "line 31, column date", target=E, words="future"
    ),
    Case(
        "events-bad-date",
        edit(E, "E30,2026-03-18", "E30,2026-13-18"),
        "line 31, column date",
        target=E,
        words="'2026-13-18'",
    ),
    Case(
        "events-escape-in-value",
        edit(E, ",us_restricts,us_holds_line,bis-subsidiaries", ",us_restricts\x1b[2J,us_holds_line,bis-subsidiaries"),
        "column signal",
        target=E,
        words="\\x1b[2J",
    ),
    Case(
        "events-newline-in-value",
        edit(
            E, ",us_restricts,us_holds_line,bis-subsidiaries", ',"us_restricts\nrm -rf",us_holds_line,bis-subsidiaries'
        ),
        "column signal",
        target=E,
        words="\\n",
    ),
    Case(
        "events-missing-column", edit(E, "id,date,summary", "id,day,summary"), "column date", target=E, words="missing"
    ),
    Case("events-duplicate-column", edit(E, "id,date,summary", "id,date,date"), "column date", target=E, words="twice"),
    Case(
        "events-extra-field",
        append(E, "E39,2026-06-02,s,us_politics,us_restricts,,,,two_sources,,,,,https://x.example,,surplus\n"),
        "line 40",
        target=E,
        words="wrong number",
    ),
    Case(
        "events-unterminated-quote",
        append(E, 'E39,2026-06-02,"open quote,us_politics\n'),
        "line",
        target=E,
        words="malformed CSV",
    ),
    Case(
        "events-no-source",
        append(E, "E39,2026-06-02,s,us_politics,us_restricts,,,,two_sources,,,,,,\n"),
        "line 40, column source_1",
        target=E,
    ),
    Case(
        "events-unknown-indicator",
        append(E, "E39,2026-06-02,s,astrology,us_restricts,,,,two_sources,,,,,https://x.example,\n"),
        "column indicators",
        target=E,
    ),
    Case("events-too-many", many_event_rows(MAX_EVENTS), "line", target=E, words=f"more than {MAX_EVENTS:,} events"),
    Case("events-too-big", append(E, "#" * (MAX_CSV_BYTES + 1)), "(file)", target=E, words="cap"),
    Case("events-empty-file", write_bytes(E, lambda b: b""), "(header)", target=E, words="empty"),
    Case(
        "events-nul-byte",
        replace_bytes(E, b"E30,", b"E3\x000,"),
        "line 31, column id",
        target=E,
        words="control character",
    ),
    Case("events-newline-in-id", edit(E, "E30,", '"E3\n0",'), "line 31, column id", target=E, words="line break"),
    Case(
        "quarters-newline-in-period",
        edit(Q, "Q3 FY2026,quarter", '"Q3\nFY2026",quarter'),
        "line 5, column fiscal_period",
        target=Q,
        words="line break",
    ),
    Case(
        "events-dev-null",
        None,
        "(file)",
        file="/dev/null",
        target=E,
        argv=["--events", "/dev/null"],
        words="not a regular file",
    ),
    Case("events-directory", None, "(file)", file="{tmp}", target=E, argv=["--events", "{tmp}"], words="directory"),
    Case(
        "events-parent-is-file",
        None,
        "(file)",
        file="{events}/x.csv",
        target=E,
        argv=["--events", "{events}/x.csv"],
        words="not found",
    ),
]

QUARTER_CASES = [
    Case(
        "quarters-nan-total",
        edit(Q, "Q3 FY2026,quarter,2025-10-26,2025-11-19,57.0", "Q3 FY2026,quarter,2025-10-26,2025-11-19,nan"),
        "line 5, column total_revenue_usd_bn",
        target=Q,
        words="finite",
    ),
    Case(
        "quarters-inf-h20",
        edit(Q, "2025-11-19,57.0,0.05", "2025-11-19,57.0,inf"),
        "line 5, column h20_china_revenue_usd_bn",
        target=Q,
        words="finite",
    ),
    Case(
        "quarters-1e400",
        edit(Q, "2025-11-19,57.0,0.05", "2025-11-19,1e400,0.05"),
        "column total_revenue_usd_bn",
        target=Q,
        words="finite",
    ),
    Case(
        "quarters-negative",
        edit(Q, "2025-11-19,57.0,0.05", "2025-11-19,57.0,-0.05"),
        "column h20_china_revenue_usd_bn",
        target=Q,
        words="negative",
    ),
    Case(
        "quarters-zero-total",
        edit(Q, "2025-11-19,57.0,0.05", "2025-11-19,0,0"),
        "column total_revenue_usd_bn",
        target=Q,
        words="not positive",
    ),
    Case(
        "quarters-h20-exceeds",
        edit(Q, "2025-11-19,57.0,0.05", "2025-11-19,57.0,58"),
        "column h20_china_revenue_usd_bn",
        target=Q,
        words="exceeds",
    ),
    Case(
        "quarters-not-a-number",
        edit(Q, "2025-11-19,57.0,0.05", "2025-11-19,57.0,fifty"),
        "column h20_china_revenue_usd_bn",
        target=Q,
        words="'fifty'",
    ),
    Case(
        "quarters-duplicate-row",
        lambda f: f["quarters"].write_text(
            f["quarters"].read_text(encoding="utf-8")
            + f["quarters"].read_text(encoding="utf-8").splitlines()[4]
            + "\n",
            encoding="utf-8",
        ),
        "line 10, column fiscal_period",
        target=Q,
        words="repeats line 5",
    ),
    Case(
        "quarters-empty-period",
        edit(Q, "Q3 FY2026,quarter", " ,quarter"),
        "line 5, column fiscal_period",
        target=Q,
        words="empty",
    ),
    Case(
        "quarters-end-after-reported",
        edit(Q, "Q3 FY2026,quarter,2025-10-26,2025-11-19", "Q3 FY2026,quarter,2025-12-26,2025-11-19"),
        "line 5, column reported",
        target=Q,
        words="before period_end",
    ),
    Case(
        "quarters-future",
        edit(Q, "Q3 FY2026,quarter,2025-10-26,2025-11-19", "Q3 FY2026,quarter,2025-10-26,2099-11-19"),
        "line 5, column reported",
        target=Q,
        words="future",
    ),
    Case(
        "quarters-bad-type",
        edit(Q, "Q3 FY2026,quarter", "Q3 FY2026,month"),
        "line 5, column period_type",
        target=Q,
        words="'month'",
    ),
    Case(
        "quarters-not-utf8",
        replace_bytes(Q, b"Q3 FY2026,quarter", b"Q3 FY\xa02026,quarter"),
        "line 5",
        target=Q,
        words="not UTF-8",
    ),
    Case(
        "quarters-too-many", many_period_rows(MAX_PERIODS), "line", target=Q, words=f"more than {MAX_PERIODS} periods"
    ),
    Case(
        "quarters-missing-column",
        edit(Q, "fiscal_period,", "period,"),
        "column fiscal_period",
        target=Q,
        words="missing",
    ),
]

LONG = "x" * (MAX_PATH_CHARS + 10)
FLAG_CASES = [
    Case(
        "flag-empty-assumptions",
        None,
        "(file)",
        file="--assumptions ''",
        argv=["--assumptions", ""],
        words="empty path",
    ),
    Case("flag-empty-events", None, "(file)", file="--events ''", argv=["--events", ""], words="empty path"),
    Case(
        "flag-missing-file",
        None,
        "(file)",
        file="{tmp}/nope.yaml",
        argv=["--assumptions", "{tmp}/nope.yaml"],
        words="--assumptions",
    ),
    Case(
        "flag-newline-in-path",
        None,
        "(file)",
        file="{tmp}/a\\nb.yaml",
        argv=["--assumptions", "{tmp}/a\nb.yaml"],
        words="not found",
    ),
    Case(
        "flag-escape-in-path",
        None,
        "(file)",
        file="{tmp}/\\x1b[31m.csv",
        argv=["--quarters", "{tmp}/\x1b[31m.csv"],
        words="not found",
    ),
    Case(
        "flag-path-too-long",
        None,
        "(file)",
        file="xxxxxxxx",
        argv=["--assumptions", LONG],
        words=f"cap {MAX_PATH_CHARS:,}",
    ),
    Case(
        "flag-name-too-long",
        None,
        "(file)",
        file="{tmp}/yyyy",
        argv=["--quarters", "{tmp}/" + "y" * 300 + ".csv"],
        words="too long",
    ),
    Case("flag-directory", None, "(file)", file="{tmp}", argv=["--assumptions", "{tmp}"], words="directory"),
    Case(
        "flag-dev-null",
        None,
        "(file)",
        file="/dev/null",
        argv=["--assumptions", "/dev/null"],
        words="not a regular file",
    ),
    Case("flag-bad-as-of", None, "--as-of", file="python -m model", argv=["--as-of", "2026-02-30"]),
    Case(
        "flag-min-confidence",
        None,
        "min_confidence",
        file="--min-confidence",
        argv=["--min-confidence", "rumour"],
        words="'rumour'",
    ),
    Case(
        "flag-min-confidence-escape",
        None,
        "min_confidence",
        file="--min-confidence",
        argv=["--min-confidence", "\x1b]0;pwn\x07"],
        words="\\x1b",
    ),
    Case(
        "env-missing-assumptions",
        None,
        "(file)",
        file="H20_ASSUMPTIONS=missing.yaml",
        argv=[],
        env={"H20_ASSUMPTIONS": "missing.yaml"},
        words="set H20_ASSUMPTIONS",
    ),
    Case(
        "env-events-dev-null",
        None,
        "(file)",
        file="H20_EVENTS=/dev/null",
        argv=[],
        env={"H20_EVENTS": "/dev/null"},
        words="not a regular file",
    ),
    Case(
        "env-quarters-directory",
        None,
        "(file)",
        file="H20_QUARTERS={tmp}",
        argv=[],
        env={"H20_QUARTERS": "{tmp}"},
        words="directory",
    ),
    Case(
        "env-broken-yaml",
        setv({"signals.likelihood.china_discourages.domestic": "0.35"}),
        "signals.likelihood",
        argv=[],
        env={"H20_ASSUMPTIONS": "{assumptions}"},
        words="sums to",
    ),
    Case(
        "env-nan-quarters",
        edit(Q, "2025-11-19,57.0,0.05", "2025-11-19,57.0,NaN"),
        "column h20_china_revenue_usd_bn",
        target=Q,
        argv=[],
        env={"H20_QUARTERS": "{quarters}"},
    ),
    Case(
        "env-relative-from-pwd",
        setv({"inference.chains": "[4"}),
        "line",
        argv=[],
        env={"H20_ASSUMPTIONS": "assumptions.yaml", "PWD": "{tmp}", "cwd": "{tmp}/notebooks"},
    ),
]

RESOLUTION_CASES = [
    Case(
        "verdicts-unknown-verdict",
        edit(V, "reban,us_licences_frozen,no,", "reban,us_licences_frozen,maybe,"),
        "column verdict",
        target=V,
        words="unknown verdict 'maybe'",
    ),
    Case(
        "verdicts-empty-verdict",
        edit(V, "reban,us_licences_frozen,no,", "reban,us_licences_frozen,,"),
        "column verdict",
        target=V,
        words="empty",
    ),
    Case(
        "verdicts-unknown-event",
        edit(V, "base,licences_in_force,yes,E01;E03", "base,licences_in_force,yes,E01;E99"),
        "column events",
        target=V,
        words="unknown event 'E99'",
    ),
    Case(
        "verdicts-event-after-window",
        edit(V, "base,licences_in_force,yes,E01;E03", "base,licences_in_force,yes,E01;E38"),
        "column events",
        target=V,
        words="outside the window",
    ),
    Case(
        "verdicts-unknown-period",
        edit(V, "Q2 FY2026;Q3 FY2026", "Q2 FY2062;Q3 FY2026"),
        "column periods",
        target=V,
        words="unknown fiscal period",
    ),
    Case(
        "verdicts-missing-row",
        lambda f: f[V].write_text(
            "".join(
                ln for ln in f[V].read_text(encoding="utf-8").splitlines(True) if not ln.startswith("easing,blackwell")
            ),
            encoding="utf-8",
        ),
        "condition blackwell_allowed",
        target=V,
        words="no verdict row",
    ),
    Case(
        "verdicts-repeated-row",
        lambda f: f[V].write_text(
            f[V].read_text(encoding="utf-8") + f[V].read_text(encoding="utf-8").splitlines(True)[1], encoding="utf-8"
        ),
        "column condition",
        target=V,
        words="repeats line 2",
    ),
    Case(
        "verdicts-unknown-condition",
        edit(V, "easing,blackwell_allowed,", "easing,blackwel_allowed,"),
        "column criterion",
        target=V,
        words="not a condition of any criterion",
    ),
    Case(
        "verdicts-disagree-with-reports",
        edit(V, "base,steady_shipments,,", "base,steady_shipments,yes,"),
        "column verdict",
        target=V,
        words="the reported figures say no",
    ),
    Case(
        "verdicts-empty-finding",
        lambda f: f[V].write_text(
            "".join(
                "easing,blackwell_allowed,no,E14,,\n" if ln.startswith("easing,blackwell") else ln
                for ln in f[V].read_text(encoding="utf-8").splitlines(True)
            ),
            encoding="utf-8",
        ),
        "column finding",
        target=V,
        words="empty",
    ),
    Case("verdicts-no-header", write_bytes(V, lambda b: b.split(b"\n", 1)[1]), "", target=V, words="column"),
    Case(
        "verdicts-missing-file",
        None,
        "(file)",
        file="{tmp}/none.csv",
        target=V,
        argv=["--resolution", "{tmp}/none.csv"],
        words="not found",
    ),
    Case(
        "events-alt-signal-unknown",
        edit(E, "us_permits,,us-h20-licences", "us_permits,us_permit,us-h20-licences"),
        "column alt_signal",
        target=E,
        words="unknown value 'us_permit'",
    ),
    Case(
        "events-alt-signal-same",
        edit(E, "china_discourages,,cac-h20-summons", "china_discourages,china_discourages,cac-h20-summons"),
        "column alt_signal",
        target=E,
        words="equals the signal",
    ),
    Case(
        "events-subsumed-unknown",
        edit(E, ",Q3 FY2026,domestic,base,", ",Q3 FY2062,domestic,base,"),
        "column subsumed_by",
        target=E,
        words="unknown fiscal period",
    ),
    Case(
        "quarters-post-licence-not-number",
        edit(Q, "2025-11-19,57.0,0.05,0.05", "2025-11-19,57.0,0.05,about 50m"),
        "column h20_china_post_licence_usd_bn",
        target=Q,
        words="not a number",
    ),
    Case(
        "quarters-post-licence-exceeds",
        edit(Q, "2025-11-19,57.0,0.05,0.05", "2025-11-19,57.0,0.05,570"),
        "column h20_china_post_licence_usd_bn",
        target=Q,
        words="exceeds",
    ),
]

CASES = YAML_CASES + EVENT_CASES + QUARTER_CASES + FLAG_CASES + RESOLUTION_CASES


def test_enough_cases():
    assert len(CASES) >= 60 and len({c.id for c in CASES}) == len(CASES)
    groups = (YAML_CASES, EVENT_CASES, QUARTER_CASES, FLAG_CASES, RESOLUTION_CASES)
    assert all(len(group) >= 10 for group in groups)


def _main(argv: list[str]) -> int:
    """``python -m model`` in-process: argparse's own errors leave by SystemExit (exit 2, one line)."""
    try:
        return cli.main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


def _digests(files: Files) -> dict[str, str]:
    return {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in files.items()}


def _fill(text: str, files: Files, tmp: Path, target: str) -> str:
    return text.format(tmp=tmp, target=files[target], **{k: str(v) for k, v in files.items()})


def _check_line(err: str, expect_file: str, field_: str, words: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    line = lines[0]
    assert "Traceback" not in err and "internal error" not in line, line
    assert line.isprintable(), repr(line)  # no raw control characters or escape sequences
    assert expect_file in line and field_ in line and words in line and "fix:" in line, (
        line,
        expect_file,
        field_,
        words,
    )
    return line


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_exit_2_one_line(case: Case, inputs: Files, tmp_path: Path, capsys, monkeypatch):
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    if case.mutate is not None:
        case.mutate(inputs)
    before = _digests(inputs)
    flags = ["--assumptions", str(inputs[A]), "--events", str(inputs[E]), "--quarters", str(inputs[Q])]
    flags += ["--resolution", str(inputs[V])]
    if case.argv is not None:
        flags = [_fill(a, inputs, tmp_path, case.target) for a in case.argv]
    for k, v in case.env.items():
        if k == "cwd":
            Path(_fill(v, inputs, tmp_path, case.target)).mkdir(exist_ok=True)
            monkeypatch.chdir(_fill(v, inputs, tmp_path, case.target))
        else:
            monkeypatch.setenv(k, _fill(v, inputs, tmp_path, case.target))
    argv = [case.command] + (["--no-mcmc"] if case.command == "summary" else []) + flags
    code = _main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    _check_line(err, _fill(case.file, inputs, tmp_path, case.target)[:200], case.field, case.words)
    assert _digests(inputs) == before


# --------------------------------------------------------------------------- loads, not rejects


@pytest.mark.parametrize("key", [A, E, Q])
def test_excel_bom_and_crlf_load(inputs: Files, key: str):
    f = inputs[key]
    f.write_bytes(b"\xef\xbb\xbf" + f.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    loader = {A: load_assumptions, E: load_events, Q: load_periods}[key]
    shipped = {A: load_assumptions, E: load_events, Q: load_periods}[key]()
    got = loader(f)
    if key == A:
        assert got.model_dump(exclude={"source_file"}) == shipped.model_dump(exclude={"source_file"})
    else:
        assert got == shipped


def test_blank_excel_rows_are_skipped(inputs: Files):
    append(E, ",,,,,,,,,\n,,,,,,,,,\n")(inputs)
    assert len(load_events(inputs[E])) == len(load_events())


def test_env_relative_path_from_pwd(inputs: Files, tmp_path: Path, monkeypatch):
    """``H20_ASSUMPTIONS=my.yaml jupyter-book build .``: the kernel runs in notebooks/, $PWD is the root."""
    from model.computation.pipeline import prepare

    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    monkeypatch.setenv("PWD", str(tmp_path))
    monkeypatch.setenv("H20_ASSUMPTIONS", "assumptions.yaml")
    monkeypatch.setenv("H20_EVENTS", "events.csv")
    monkeypatch.setenv("H20_QUARTERS", "")  # empty: unset, the shipped file
    s = prepare()
    assert Path(s.assumptions.source_file) == tmp_path / "assumptions.yaml"
    assert Path(s.events_file) == tmp_path / "events.csv"
    assert Path(s.quarters_file) == DEFAULT_QUARTERS


def test_env_relative_path_falls_back_to_cwd(inputs: Files, tmp_path: Path, monkeypatch):
    from model.computation.pipeline import prepare

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PWD", "/")
    monkeypatch.setenv("H20_ASSUMPTIONS", "assumptions.yaml")
    monkeypatch.delenv("H20_EVENTS", raising=False)
    monkeypatch.delenv("H20_QUARTERS", raising=False)
    assert Path(prepare().assumptions.source_file).resolve() == (tmp_path / "assumptions.yaml").resolve()


def test_notebook_path_gives_the_same_line(inputs: Files, monkeypatch):
    """What a notebook's ``prepare()`` raises is the line the CLI prints."""
    from model.computation.pipeline import prepare

    monkeypatch.setenv("H20_ASSUMPTIONS", "does-not-exist.yaml")
    with pytest.raises(InputError) as ei:
        prepare()
    assert str(ei.value).startswith("H20_ASSUMPTIONS=does-not-exist.yaml: (file): file not found; fix: ")
    edit(Q, "2025-11-19,57.0,0.05", "2025-11-19,57.0,nan")(inputs)
    monkeypatch.delenv("H20_ASSUMPTIONS")
    monkeypatch.setenv("H20_QUARTERS", str(inputs[Q]))
    with pytest.raises(InputError, match=r"line 5, column h20_china_revenue_usd_bn: 'nan' is not a finite amount"):
        prepare()


# --------------------------------------------------------------------------- OS-level failures


def test_unreadable_file(inputs: Files, capsys, monkeypatch):
    real_open = open

    def denied(path, *a, **k):
        if str(path) == str(inputs[E]):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *a, **k)

    monkeypatch.setattr("model.computation.inputs.open", denied, raising=False)
    assert _main(["summary", "--no-mcmc", "--events", str(inputs[E])]) == 2
    _check_line(capsys.readouterr().err, str(inputs[E]), "(file)", "permission denied")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_chmod(inputs: Files, capsys):
    inputs[A].chmod(0)
    try:
        assert _main(["summary", "--no-mcmc", "--assumptions", str(inputs[A])]) == 2
    finally:
        inputs[A].chmod(0o644)
    _check_line(capsys.readouterr().err, str(inputs[A]), "(file)", "permission denied")


def test_last_resort_is_one_line_exit_70(capsys, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("unexpected\n\x1b[31mfailure")

    monkeypatch.setattr("model.computation.pipeline.prepare", boom)
    assert _main(["summary", "--no-mcmc"]) == cli.EXIT_INTERNAL == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(
        "internal error: RuntimeError: unexpected\\n\\x1b[31mfailure; please report with this input"
    )


def test_sensitivity_elicitation_failure_names_the_range(capsys, monkeypatch):
    import model.computation.priors
    from model.computation.elicitation import ElicitationError

    real = model.computation.priors.elicit_beta
    shipped = {
        (r.lower, r.upper, r.mass)
        for r in (load_assumptions().recovery.of(s) for s in ("base", "reban", "domestic", "easing"))
        if hasattr(r, "mass")
    }  # the interval-form priors (base, easing) are the ones elicit_beta fits

    def fail_when_scaled(lower, upper, mass):
        if (lower, upper, mass) in shipped:
            return real(lower, upper, mass)
        raise ElicitationError(
            "Beta", lower, upper, mass, f"no Beta prior puts {mass} of the mass in [{lower}, {upper}]", "narrow it"
        )

    monkeypatch.setattr("model.computation.priors.elicit_beta", fail_when_scaled)
    assert _main(["sensitivity"]) == 2
    _check_line(capsys.readouterr().err, str(DEFAULT_ASSUMPTIONS), "sensitivity.recovery_scale", "no Beta prior")


# --------------------------------------------------------------------------- real processes


def _run(
    args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return run_model(*args, env=env, cwd=cwd, timeout=300)


@pytest.mark.parametrize(
    "mutate,args,env,file_,field_",
    [
        (
            replace_bytes(A, b"Base case (45% probability)", b"Base case (45\xff probability)"),
            ["--assumptions", "{assumptions}"],
            {},
            "{assumptions}",
            "line",
        ),
        (append(A, "deep: " + "[" * 50000 + "\n"), ["--assumptions", "{assumptions}"], {}, "{assumptions}", "line"),
        (
            edit(Q, "2025-11-19,57.0,0.05", "2025-11-19,57.0,nan"),
            [],
            {"H20_QUARTERS": "quarters.csv", "PWD": "{tmp}"},
            "{quarters}",
            "column h20_china_revenue_usd_bn",
        ),
        (None, ["--assumptions", ""], {}, "--assumptions ''", "(file)"),
        (None, [], {"H20_EVENTS": "nope.csv"}, "H20_EVENTS=nope.csv", "(file)"),
    ],
    ids=["not-utf8", "nested-50000", "env-nan-quarters", "empty-flag", "env-missing"],
)
def test_subprocess_exit_2_no_traceback(inputs: Files, tmp_path: Path, mutate, args, env, file_, field_):
    if mutate is not None:
        mutate(inputs)
    before = _digests(inputs)
    (tmp_path / "notebooks").mkdir()
    res = _run(
        ["summary", "--no-mcmc", *[_fill(a, inputs, tmp_path, A) for a in args]],
        {k: _fill(v, inputs, tmp_path, A) for k, v in env.items()},
        cwd=tmp_path / "notebooks",
    )
    assert res.returncode == 2, res.stderr
    _check_line(res.stderr, _fill(file_, inputs, tmp_path, A), field_, "")
    assert res.stdout == ""
    assert _digests(inputs) == before


# --------------------------------------------------------------------------- property-based


SHIPPED = yaml.safe_load(DEFAULT_ASSUMPTIONS.read_text(encoding="utf-8"))
RAW_SCALARS = [
    ".nan",
    ".inf",
    "-.inf",
    "1e400",
    "1.0e+400",
    "9" * 5000,
    "-1",
    "0",
    "-0.0",
    "~",
    "[]",
    "{}",
    "[1, 2]",
    "{a: 1}",
    "2025-02-30",
    '"\\e[31m\\n"',
    "&a 1",
    "!!binary aGk=",
    "yes",
    "1_000",
    "0x10",
    "0.5.5",
]


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, prefix + (i,))
    return out


PATHS = _paths(SHIPPED)
values = st.one_of(
    st.sampled_from(RAW_SCALARS).map(lambda s: (True, s)),
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**30), 10**30),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=20),
        st.lists(st.floats(-2, 2), max_size=3),
        st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
        st.sampled_from([0.0, 1.0, 0.5, 1e-300, 1e300, -1e-9, 0.999999, 2**32, 2**63]),
    ).map(lambda v: (False, v)),
)


def _mutated(muts: list[tuple[tuple, tuple[bool, object] | None]]) -> str:
    import copy

    doc = copy.deepcopy(SHIPPED)
    raws = []
    for path, new in muts:
        parent = doc
        try:
            for k in path[:-1]:
                parent = parent[k]
            if new is None:
                del parent[path[-1]]
            elif new[0]:
                parent[path[-1]] = f"{SENTINEL}{len(raws)}"
                raws.append(str(new[1]))
            else:
                parent[path[-1]] = new[1]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this path
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    for i, raw in reversed(list(enumerate(raws))):
        text = text.replace(f"'{SENTINEL}{i}'", raw).replace(f"{SENTINEL}{i}", raw)
    return text


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.sampled_from(PATHS), st.one_of(st.none(), values)), min_size=1, max_size=3))
def test_mutated_assumptions_load_or_input_error(muts):
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "my.yaml"
        f.write_text(_mutated(muts), encoding="utf-8")
        digest = hashlib.sha256(f.read_bytes()).hexdigest()
        try:
            a = load_assumptions(f)
            elicit_priors(a)
        except InputError as exc:
            msg = str(exc)
            assert msg.isprintable() and str(f) in msg and "fix:" in msg, msg
        assert hashlib.sha256(f.read_bytes()).hexdigest() == digest


def test_shipped_files_untouched():
    for p in (DEFAULT_ASSUMPTIONS, DEFAULT_EVENTS, DEFAULT_QUARTERS):
        subprocess.run(["git", "diff", "--quiet", "--", str(p)], cwd=Path(__file__).resolve().parents[1], check=True)


# --------------------------------------------------------------------------- the article file

SECOND_ARTICLE = Path(__file__).resolve().parent / "data" / "second_article"

ARTICLE_CASES: list[tuple[str, str, str, str, str]] = [
    # (id, old text, new text, field named, words in the line)
    (
        "one-scenario",
        "  - key: freeze\n    plain: licences frozen\n"
        '    description: "licences are frozen again before widgets ship"\n',
        "",
        "scenarios",
        "at least 2",
    ),
    ("repeated-key", "key: freeze", "key: thaw", "scenarios", "repeats"),
    ("key-not-identifier", "key: freeze", "key: Freeze Now", "scenarios.1.key", "pattern"),
    ("plain-empty", "plain: licences flow", "plain: ''", "scenarios.0.plain", "at least 1"),
    ("signal-repeated", "  - closes\n", "  - opens\n", "signals", "repeats"),
    ("signal-not-identifier", "  - closes\n", "  - Closes!\n", "signals", "lower-case identifier"),
    ("indicator-repeated", "  - politics\n", "  - licensing\n", "indicators", "repeats"),
    ("fiscal-year-backwards", "first_day: 2024-01-01", "first_day: 2025-01-01", "fiscal_year", "days"),
    ("fiscal-year-too-long", "last_day: 2024-12-31", "last_day: 2026-12-31", "fiscal_year", "days"),
    ("fiscal-day-not-a-date", "first_day: 2024-01-01", "first_day: soon", "fiscal_year.first_day", "date"),
    ("quantity-missing", "quantity: recovered share of Year 24 sales\n", "", "quantity", "missing"),
    ("unknown-field", "quantity:", "quantitty: x\nquantity:", "quantitty", "unknown field"),
    ("events-file-missing", "events: events.csv", "events: no_such.csv", "files.events", "no file"),
    (
        "columns-same",
        "running_total: widget_since_thaw_usd_bn",
        "running_total: widget_abroad_usd_bn",
        "columns",
        "same",
    ),
    ("claims-not-given", "  claims: claims.csv\n", "", "files.claims", "missing"),
    ("not-a-mapping", "id: widget-thaw-2024", "- id: widget-thaw-2024", "(top level)", "not a YAML mapping"),
]


@pytest.fixture()
def article_dir(tmp_path: Path) -> Path:
    """A copy of the second test article's folder (tests/data/second_article)."""
    shutil.copytree(SECOND_ARTICLE, tmp_path / "article")
    return tmp_path / "article"


def _break_article(folder: Path, old: str, new: str) -> Path:
    f = folder / "article.yaml"
    text = f.read_text(encoding="utf-8")
    if old == "id: widget-thaw-2024" and new.startswith("- "):  # a list at the top level
        text = "\n".join("- " + ln if ln and not ln.startswith(("#", " ")) else ln for ln in text.splitlines())
    else:
        assert old in text, old
        text = text.replace(old, new, 1)
    f.write_text(text, encoding="utf-8")
    return f


@pytest.mark.parametrize("old,new,field_,words", [c[1:] for c in ARTICLE_CASES], ids=[c[0] for c in ARTICLE_CASES])
def test_bad_article_one_line(article_dir: Path, old: str, new: str, field_: str, words: str):
    from model.computation.article import load_article

    f = _break_article(article_dir, old, new)
    with pytest.raises(InputError) as info:
        load_article(f)
    err = info.value
    assert err.file == str(f) and err.field == field_ and words in err.problem, str(err)
    assert "\n" not in str(err) and err.fix


def test_second_article_is_valid():
    from model.computation.article import load_article

    art = load_article(SECOND_ARTICLE / "article.yaml")
    assert art.keys == ("thaw", "freeze") and art.label("freeze") == "freeze: licences frozen"
    assert art.path("first_priors") is None and art.path("events") == SECOND_ARTICLE / "events.csv"


@pytest.mark.parametrize("how", ["env", "option"])
def test_bad_article_exit_2_one_line(article_dir: Path, how: str):
    f = _break_article(article_dir, "key: freeze", "key: thaw")
    if how == "env":
        res = _run(["summary", "--no-mcmc"], {"H20_ARTICLE": str(f)})
        shown = f"{f} (from H20_ARTICLE)"
    else:
        res = _run(["summary", "--no-mcmc", "--article", str(f)])
        shown = str(f)
    assert res.returncode == 2, res.stderr
    _check_line(res.stderr, shown, "scenarios", "repeats")
    assert res.stdout == ""


def test_assumptions_of_another_article_name_the_scenario(inputs: Files, capsys, monkeypatch):
    """The second article's assumptions under the shipped article: their scenarios are not this article's."""
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    code = _main(["summary", "--no-mcmc", "--assumptions", str(SECOND_ARTICLE / "assumptions.yaml")])
    assert code == 2
    _check_line(capsys.readouterr().err, str(SECOND_ARTICLE / "assumptions.yaml"), "split_weights", "")
