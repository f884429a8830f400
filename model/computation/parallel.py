"""One map for every embarrassingly parallel job: serial, local processes, or a Dask cluster.

SBC replications, the agreement gate's seed sweep and the sensitivity sweeps all go through
:func:`map_tasks`. Where it runs is chosen by the environment, never by the caller's results:

* ``H20_DASK_SCHEDULER=tcp://host:8786`` (a scheduler address): the tasks run on that Dask
  distributed cluster (``pip install "dask[distributed]"``, ``dask scheduler`` / ``dask worker``);
* otherwise local worker processes (``H20_WORKERS``, default the number of CPUs), or the calling
  process when there is one worker, one task, or the caller says the tasks are too cheap to ship
  (``local_processes=False``).

Results come back in task order, and a task's random stream depends only on the one seed and the
task's index (``SeedSequence([seed, crc32(stream)]).spawn(n)``), so the results are identical
whichever backend runs them.
"""

from __future__ import annotations

import os
import zlib
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Sequence, TypeVar

import numpy as np

T = TypeVar("T")
R = TypeVar("R")

ENV_SCHEDULER = "H20_DASK_SCHEDULER"
"""Address of a Dask distributed scheduler; when set, every map runs on that cluster."""
ENV_WORKERS = "H20_WORKERS"
"""Number of local worker processes (default: the number of CPUs)."""


def task_seeds(seed: int, stream: str, n: int) -> list[np.random.SeedSequence]:
    """Independent seed sequences of ``n`` tasks, derived from the one seed and a stream name.

    Parameters
    ----------
    seed : int
        The one seed (the assumptions' or ``--seed``).
    stream : str
        Name of the random stream: different jobs, independent streams.
    n : int
        Number of tasks.

    Returns
    -------
    list of numpy.random.SeedSequence
        ``n`` children of ``SeedSequence([seed, crc32(stream)])``, in task order.
    """
    return np.random.SeedSequence([seed, zlib.crc32(stream.encode())]).spawn(n)


def task_rng(seq: np.random.SeedSequence) -> np.random.Generator:
    """The generator of one task.

    Parameters
    ----------
    seq : numpy.random.SeedSequence
        The task's seed sequence (:func:`task_seeds`).

    Returns
    -------
    numpy.random.Generator
        A PCG64 generator seeded by ``seq``.
    """
    return np.random.default_rng(seq)


def local_workers() -> int:
    """Local worker processes: ``H20_WORKERS`` if a positive integer, else the number of CPUs.

    Returns
    -------
    int
        At least 1.
    """
    text = os.environ.get(ENV_WORKERS, "").strip()
    if text.isdigit() and int(text) > 0:
        return int(text)
    return os.cpu_count() or 1


def backend(n_tasks: int, local_processes: bool = True) -> str:
    """Where a map of ``n_tasks`` would run: ``dask``, ``processes`` or ``serial``.

    Parameters
    ----------
    n_tasks : int
        Number of tasks in the map.
    local_processes : bool
        False for tasks too cheap to ship to local processes (a Dask cluster still gets them).

    Returns
    -------
    str
        ``dask`` when ``H20_DASK_SCHEDULER`` is set; else ``processes`` for more than one task and more than one
        local worker (:func:`local_workers`) when ``local_processes``; else ``serial``.
    """
    if os.environ.get(ENV_SCHEDULER, "").strip():
        return "dask"
    if local_processes and n_tasks > 1 and local_workers() > 1:
        return "processes"
    return "serial"


def _call(fn: Callable[..., R], task: Any, seq: np.random.SeedSequence | None) -> R:
    return fn(task) if seq is None else fn(task, task_rng(seq))


def map_tasks(
    fn: Callable[..., R],
    tasks: Sequence[T],
    *,
    seed: int | None = None,
    stream: str = "tasks",
    local_processes: bool = True,
) -> list[R]:
    """``[fn(t) for t in tasks]``, or ``[fn(t, rng_i) ...]`` with per-task generators when ``seed`` is given.

    Parameters
    ----------
    fn : callable
        A module-level function (it is pickled to reach worker processes): ``fn(task)``, or ``fn(task, rng)``
        when ``seed`` is given.
    tasks : sequence
        Picklable arguments, one per call.
    seed : int, optional
        The one seed; task ``i`` gets the generator of ``task_seeds(seed, stream, n)[i]``.
    stream : str
        Name of the random stream (different jobs, independent streams).
    local_processes : bool
        False for tasks too cheap to ship to local processes (Dask still gets them).

    Returns
    -------
    list
        ``fn``'s results in task order, the same whichever backend (:func:`backend`) ran them.
    """
    tasks = list(tasks)
    seqs: list[np.random.SeedSequence | None] = (
        list(task_seeds(seed, stream, len(tasks))) if seed is not None else [None] * len(tasks)
    )
    where = backend(len(tasks), local_processes)
    if where == "dask":
        return _map_dask(fn, tasks, seqs)
    if where == "processes":
        workers = min(local_workers(), len(tasks))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(_call, [fn] * len(tasks), tasks, seqs, chunksize=max(1, len(tasks) // (16 * workers))))
    return [_call(fn, t, s) for t, s in zip(tasks, seqs, strict=True)]


def _map_dask(fn: Callable[..., R], tasks: list[Any], seqs: list[np.random.SeedSequence | None]) -> list[R]:
    """Run the tasks on the cluster at ``H20_DASK_SCHEDULER`` (results in task order)."""
    from distributed import Client

    with Client(os.environ[ENV_SCHEDULER].strip(), set_as_default=False) as client:
        futures = client.map(_call, [fn] * len(tasks), tasks, seqs, pure=False)
        return client.gather(futures)
