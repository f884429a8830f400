"""The result cache: every input, the seed, the settings, each model source file and the library
versions change the key (no stale number can appear); a hit equals a fresh computation; corrupt
entries and concurrent writers are harmless.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from model.computation import cache
from model.computation.pipeline import cached_fit, prepare


@pytest.fixture()
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache directory for this test, the cache switched on."""
    d = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_DIR, str(d))
    monkeypatch.delenv(cache.ENV_OFF, raising=False)
    return d


def _key(setup, **params) -> str:
    return cache.key("fit_mcmc", setup, {"seed": setup.seed, **params})


@pytest.mark.parametrize("name", ["assumptions", "events", "quarters"])
def test_a_changed_input_file_changes_the_key(inputs, name):
    before = _key(prepare(**inputs))
    with open(inputs[name], "a", encoding="utf-8") as f:
        f.write("\n# edited\n" if name == "assumptions" else "\n")
    assert _key(prepare(**inputs)) != before


def test_a_changed_assumption_value_changes_the_key(inputs):
    before = _key(prepare(**inputs))
    text = inputs["assumptions"].read_text(encoding="utf-8")
    assert "target_accept: 0.9" in text
    inputs["assumptions"].write_text(text.replace("target_accept: 0.9", "target_accept: 0.91"), encoding="utf-8")
    assert _key(prepare(**inputs)) != before


def test_the_seed_the_evidence_filter_and_the_settings_change_the_key(inputs):

    base = prepare(**inputs)
    keys = {
        _key(base),
        _key(prepare(**inputs, seed=base.seed + 1)),
        _key(prepare(**inputs, as_of=dt.date(2025, 12, 31))),
        _key(prepare(**inputs, min_confidence="two_sources")),
        _key(base, draws=123),
        cache.key("sbc_mcmc", base, {"seed": base.seed}),
    }
    assert len(keys) == 6


def test_library_versions_are_in_the_key(monkeypatch):
    before = cache.key("fit_mcmc", None, {})
    assert set(cache.NUMERICAL) <= set(cache.versions())
    real = cache.versions()
    monkeypatch.setattr(cache, "versions", lambda: {**real, "pymc": "0.0.0"})
    assert cache.key("fit_mcmc", None, {}) != before


def test_float_parameters_are_keyed_exactly():
    assert cache.key("x", None, {"a": 0.1}) != cache.key("x", None, {"a": 0.1 + 1e-16})
    assert cache.key("x", None, {"a": np.array([1.0, 2.0])}) != cache.key("x", None, {"a": np.array([1.0, 2.5])})
    with pytest.raises(TypeError):
        cache.canonical(object())


def test_location_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(cache.ENV_DIR, str(tmp_path / "a"))
    assert cache.cache_dir() == tmp_path / "a"
    monkeypatch.setenv(cache.ENV_DIR, "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "h20-risk-model"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "h20-risk-model"


def _counting(value: object) -> tuple[list[int], object]:
    calls: list[int] = []

    def compute() -> object:
        calls.append(1)
        return value

    return calls, compute


def test_a_hit_skips_the_computation_and_no_cache_bypasses(cache_home, monkeypatch):
    calls, compute = _counting({"x": np.arange(3.0)})
    first = cache.cached("demo", None, {"n": 1}, compute)
    second = cache.cached("demo", None, {"n": 1}, compute)
    assert len(calls) == 1 and np.array_equal(first["x"], second["x"])
    cache.cached("demo", None, {"n": 2}, compute)
    assert len(calls) == 2
    monkeypatch.setenv(cache.ENV_OFF, "1")
    cache.cached("demo", None, {"n": 1}, compute)
    assert len(calls) == 3


def test_a_corrupt_entry_is_a_miss(cache_home):
    calls, compute = _counting([1, 2, 3])
    cache.cached("demo", None, {}, compute)
    (entry,) = (cache_home / "demo").iterdir()
    (entry / "value.pickle").write_bytes(b"not a pickle")
    assert cache.cached("demo", None, {}, compute) == [1, 2, 3]
    assert len(calls) == 2
    assert cache.cached("demo", None, {}, compute) == [1, 2, 3] and len(calls) == 2  # rewritten


def test_an_unwritable_cache_is_skipped(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv(cache.ENV_DIR, str(blocker))
    monkeypatch.delenv(cache.ENV_OFF, raising=False)
    assert cache.cached("demo", None, {}, lambda: 42) == 42


def test_concurrent_writers_keep_one_complete_entry(tmp_path):
    final = tmp_path / "entry"
    for value in ("first", "second"):
        tmp = tmp_path / f"tmp-{value}"
        tmp.mkdir()
        (tmp / "value").write_text(value, encoding="utf-8")
        cache._publish(tmp, final)
        assert not tmp.exists()
    assert (final / "value").read_text(encoding="utf-8") == "first"


def _slow_count(args: tuple[str, str]) -> str:
    """In a worker process: a cached computation that takes a second and logs each time it runs."""
    directory, log = args
    os.environ[cache.ENV_DIR] = directory
    os.environ.pop(cache.ENV_OFF, None)

    def compute() -> str:
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"{os.getpid()}\n")
        time.sleep(1.0)
        return "value"

    return cache.cached("demo", None, {"slow": True}, compute)


def test_a_computation_in_flight_is_waited_for_not_repeated(tmp_path):
    """Two processes ask for the same entry at once: one computes, the other waits and reads it."""
    log = tmp_path / "runs.log"
    with ProcessPoolExecutor(max_workers=2) as pool:
        values = list(pool.map(_slow_count, [(str(tmp_path / "cache"), str(log))] * 2))
    assert values == ["value", "value"]
    assert len(log.read_text(encoding="utf-8").splitlines()) == 1
    assert not list((tmp_path / "cache" / "demo").glob("*.lock"))


def test_a_claim_left_by_a_dead_process_is_taken_over(cache_home):
    """A lock whose owner died (killed mid-computation) does not block: the next caller computes."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    k = cache.key("demo", None, {})
    (cache_home / "demo").mkdir(parents=True)
    (cache_home / "demo" / f"{k}.lock").write_text(str(dead.pid), encoding="utf-8")
    calls, compute = _counting(7)
    start = time.monotonic()
    assert cache.cached("demo", None, {}, compute) == 7 and len(calls) == 1
    assert time.monotonic() - start < 5.0


def test_a_cached_fit_equals_a_fresh_fit(cache_home, monkeypatch):
    """A small PyMC fit: the entry (netCDF + JSON) loads back bit for bit, and equals a fresh fit."""
    setup = prepare()
    update = {"draws": 300, "tune": 300, "chains": 2, "min_ess": 10, "max_rhat": 1.5}
    small = setup.assumptions.inference.model_copy(update=update)
    setup = dataclasses.replace(setup, assumptions=setup.assumptions.model_copy(update={"inference": small}))
    first = cached_fit(setup)  # computed and written
    (entry,) = (cache_home / "fit_mcmc").iterdir()
    assert {p.name for p in entry.iterdir()} == {"idata.nc", "summary.json", "done"}
    loaded = cached_fit(setup)  # read back
    monkeypatch.setenv(cache.ENV_OFF, "1")
    fresh = cached_fit(setup)  # recomputed
    for other in (loaded, fresh):
        assert other.quantities == first.quantities and other.divergences == first.divergences
        for var in ("p_z", "theta", "r"):
            assert np.array_equal(other.draws(var), first.draws(var)), var


def test_the_fit_key_moves_with_what_the_fit_reads_and_only_that(inputs):
    """The fit is keyed by its priors, likelihood, sampler settings and seed: a change that moves them refits,
    a change that does not (the reporting threshold) reuses the fit.
    """
    from model.computation.pipeline import fit_params

    def fit_key(setup) -> str:
        return cache.key("fit_mcmc", None, fit_params(setup))

    base = prepare(**inputs)
    text = inputs["assumptions"].read_text(encoding="utf-8")
    assert "recovery_threshold: 0.11" in text and "target_accept: 0.9" in text and "value: 0.45\n" in text
    moved = {
        "target_accept": text.replace("target_accept: 0.9", "target_accept: 0.91"),
        "base mean": text.replace("value: 0.45\n", "value: 0.40\n", 1),
    }
    for what, new in moved.items():
        inputs["assumptions"].write_text(new, encoding="utf-8")
        assert fit_key(prepare(**inputs)) != fit_key(base), what
    inputs["assumptions"].write_text(
        text.replace("recovery_threshold: 0.11", "recovery_threshold: 0.12"), encoding="utf-8"
    )
    assert fit_key(prepare(**inputs)) == fit_key(base)
    inputs["assumptions"].write_text(text, encoding="utf-8")
    assert fit_key(prepare(**inputs, seed=base.seed + 1)) != fit_key(base)
    assert fit_key(prepare(**inputs, as_of=dt.date(2025, 12, 31))) != fit_key(base)  # less evidence, new likelihood


def test_the_key_follows_the_machines_arithmetic():
    """A cache made under one BLAS kernel or SIMD level is not read under another (MCMC draws and BLAS-backed
    sums differ in their last bits between them).
    """
    import os
    import subprocess
    import sys

    code = "from model.computation import cache; print(cache.key('x', None, {}))"
    keys = set()
    for env in ({}, {"OPENBLAS_CORETYPE": "Sandybridge"}, {"OPENBLAS_NUM_THREADS": "1"}):
        run = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        keys.add(run.stdout.strip())
    assert len(keys) == 3


def test_the_key_does_not_depend_on_what_the_process_imported_first():
    """NumPy and SciPy each load a BLAS; a key computed before SciPy is imported must equal one computed after
    (else a process that asks first, e.g. a kernel, misses the entries another process wrote).
    """
    first = "from model.computation import cache; print(cache.key('x', None, {}))"
    after = "import scipy.linalg; from model.computation import cache; print(cache.key('x', None, {}))"
    keys = []
    for code in (first, after):
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        keys.append(run.stdout.strip())
    assert keys[0] == keys[1]
