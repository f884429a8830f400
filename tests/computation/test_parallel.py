"""The one map of batch work: the same results serially, in local processes and on a Dask cluster."""

from __future__ import annotations

import contextlib
import os
from typing import Iterator

import numpy as np
import pytest

from model.computation import checks, parallel


def _draw(task: int, rng: np.random.Generator) -> tuple[int, float]:
    return task, float(rng.normal())


def _square(task: int) -> int:
    return task * task


def test_task_streams_depend_on_the_seed_and_the_index_only(monkeypatch):
    monkeypatch.delenv(parallel.ENV_SCHEDULER, raising=False)
    monkeypatch.setenv(parallel.ENV_WORKERS, "1")
    serial = parallel.map_tasks(_draw, range(6), seed=11, stream="demo")
    assert [t for t, _ in serial] == list(range(6))
    assert len({x for _, x in serial}) == 6  # independent streams
    assert parallel.map_tasks(_draw, range(6), seed=12, stream="demo") != serial
    assert parallel.map_tasks(_draw, range(6), seed=11, stream="other") != serial
    assert parallel.map_tasks(_draw, range(3), seed=11, stream="demo") == serial[:3]
    monkeypatch.setenv(parallel.ENV_WORKERS, "2")
    assert parallel.backend(6) == "processes" and parallel.backend(6, local_processes=False) == "serial"
    assert parallel.map_tasks(_draw, range(6), seed=11, stream="demo") == serial


def test_the_backend_follows_the_environment(monkeypatch):
    monkeypatch.delenv(parallel.ENV_SCHEDULER, raising=False)
    monkeypatch.setenv(parallel.ENV_WORKERS, "1")
    assert parallel.backend(10) == "serial"
    monkeypatch.setenv(parallel.ENV_WORKERS, "3")
    assert parallel.local_workers() == 3 and parallel.backend(1) == "serial"
    monkeypatch.setenv(parallel.ENV_SCHEDULER, "tcp://127.0.0.1:8786")
    assert parallel.backend(10, local_processes=False) == "dask"


@contextlib.contextmanager
def local_cluster(n_workers: int) -> Iterator[object]:
    """A local Dask cluster of ``n_workers`` processes, one thread each; this process's environment restored after.

    ``distributed`` sets ``OPENBLAS_NUM_THREADS=1`` (and ``OMP_``, ``MKL_NUM_THREADS``, ``PYTHONHASHSEED``) in the
    environment of the process that starts a cluster. Left there, every later kernel and subprocess of the test
    session (nbval's chapters) runs one BLAS thread: other result-cache keys than the session's own, so the chapters
    recomputed what the unit tests had computed.
    """
    distributed = pytest.importorskip("distributed")
    saved = dict(os.environ)
    try:
        with distributed.LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as c:
            yield c
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="module")
def dask_cluster():
    """A local Dask cluster of two worker processes, one thread each."""
    with local_cluster(2) as c:
        yield c


def test_a_cluster_leaves_the_environment_as_it_found_it():
    before = dict(os.environ)
    with local_cluster(1):
        pass
    assert dict(os.environ) == before


def test_a_small_sbc_on_dask_equals_the_serial_run(setup, dask_cluster, monkeypatch):
    monkeypatch.setenv("H20_NO_CACHE", "1")
    monkeypatch.setenv(parallel.ENV_WORKERS, "1")
    monkeypatch.delenv(parallel.ENV_SCHEDULER, raising=False)
    kw = {"n_sims": 120, "n_nodes": 1000, "node_check": 10}
    serial = checks.sbc_exact(setup, **kw)
    monkeypatch.setenv(parallel.ENV_SCHEDULER, dask_cluster.scheduler_address)
    assert parallel.backend(10, local_processes=False) == "dask"
    on_dask = checks.sbc_exact(setup, **kw)
    for a, b in zip(on_dask.tests, serial.tests, strict=True):
        assert np.array_equal(a.pit, b.pit) and a.p_value == b.p_value, a.name
    assert np.array_equal(on_dask.calibration.mean_pred, serial.calibration.mean_pred, equal_nan=True)
    assert on_dask.notes["node_check"] == serial.notes["node_check"]
    seeded = parallel.map_tasks(_draw, range(8), seed=5, stream="sbc")
    assert parallel.map_tasks(_square, range(5)) == [0, 1, 4, 9, 16]
    monkeypatch.delenv(parallel.ENV_SCHEDULER)
    assert seeded == parallel.map_tasks(_draw, range(8), seed=5, stream="sbc")
