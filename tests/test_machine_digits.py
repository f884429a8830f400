"""The same digits on another machine: the chapters replayed under another BLAS kernel and SIMD level, and
under one BLAS thread, must print exactly the stored outputs (nbval, strict).

Machines of this project's kind differ: on one OpenBLAS picks AVX-512 (SkylakeX) kernels and NumPy its
AVX-512 loops, on others ``OPENBLAS_CORETYPE`` is preset (e.g. Haswell). The chapters are replayed in
a subprocess with the other kernel, one BLAS thread and NumPy limited to AVX2,
with an empty result cache of its own, so every number is recomputed there. Slow (minutes):
CI runs it with the slow tier.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _blas_architecture() -> str:
    from threadpoolctl import threadpool_info

    return next((i.get("architecture", "") for i in threadpool_info() if i.get("internal_api") == "openblas"), "")


def _other_machine() -> dict[str, str]:
    """Another OpenBLAS kernel than this machine's, and NumPy without its AVX-512 loops (as on an AVX2 CPU)."""
    other = "Sandybridge" if _blas_architecture().lower() == "haswell" else "Haswell"
    return {"OPENBLAS_CORETYPE": other, "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR"}


def _numpy_accepts(env: dict[str, str]) -> bool:
    """Whether NumPy starts with these feature switches on this CPU (it refuses to disable baseline features)."""
    run = subprocess.run([sys.executable, "-c", "import numpy"], env={**os.environ, **env}, capture_output=True)
    return run.returncode == 0


@pytest.mark.slow
def test_chapters_print_the_same_digits_on_another_machine(tmp_path):
    """Another BLAS kernel, one BLAS thread and NumPy without AVX-512 at once: every difference between this
    machine and the other kind (one replay of every chapter, a few minutes). Under another seed too (unless one
    is set): every Monte Carlo cell then draws anew and asserts its agreement with the exact path.
    """
    env = {**_other_machine(), "OPENBLAS_NUM_THREADS": "1", "H20_SEED": os.environ.get("H20_SEED") or "7"}
    if not _numpy_accepts(env):
        env.pop("NPY_DISABLE_CPU_FEATURES", None)
    env = {**os.environ, **env, "H20_CACHE_DIR": str(tmp_path / "cache"), "H20_PREFETCH": "0"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", "notebooks"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]


@pytest.mark.slow
def test_the_explorer_grid_agrees_across_machines_within_its_precision(tmp_path):
    """The grid the explorer page carries, computed on this machine and on the other one: every value equal
    within the precision it is stored at (log Z to 1e-6, means to 6 digits, logit quantiles to 1e-4, where a
    flat tail of a distribution may turn a last-bit difference into one unit of the last place).
    """
    import json

    code = "import json; from model.computation.pipeline import prepare; "
    code += "from model.computation.explore import explorer_grid; "
    code += "print(json.dumps(explorer_grid(prepare())))"
    grids = []
    for env in ({}, _other_machine()):
        if env and not _numpy_accepts(env):
            env.pop("NPY_DISABLE_CPU_FEATURES", None)
        run = subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, **env, "H20_NO_CACHE": "1", "H20_WORKERS": "1"},
            capture_output=True,
            text=True,
            timeout=1800,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        grids.append(json.loads(run.stdout))

    def walk(a, b, path="grid"):
        if isinstance(a, dict):
            assert a.keys() == b.keys(), path
            for k in a:
                walk(a[k], b[k], f"{path}.{k}")
        elif isinstance(a, list):
            assert len(a) == len(b), path
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                walk(x, y, f"{path}[{i}]")
        elif isinstance(a, float):
            assert abs(a - b) <= max(1.5e-4, 2e-6 * abs(a)), (path, a, b)
        else:
            assert a == b, (path, a, b)

    walk(*grids)
