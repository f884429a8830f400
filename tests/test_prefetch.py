"""The build's background computation (book/_ext/h20_prefetch.py, model.book.prefetch).

It must fill exactly the cache entries the chapters read (else it only wastes a core), start only
when notebooks are executed with the cache on, and never outlive the build.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from model import book, cache, checks, explore
from model.pipeline import prepare

EXT = Path(__file__).resolve().parents[1] / "book" / "_ext" / "h20_prefetch.py"


def _extension():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("h20_prefetch", EXT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _app(tmp_path: Path, mode: str = "force") -> SimpleNamespace:
    return SimpleNamespace(
        config=SimpleNamespace(nb_execution_mode=mode), outdir=str(tmp_path / "_build" / "html"), srcdir=str(tmp_path)
    )


class _Recorder:
    """Stands in for subprocess.Popen: records the command, runs nothing."""

    calls: list[list[str]] = []

    def __init__(self, cmd: list[str], **kwargs: object) -> None:
        _Recorder.calls.append(cmd)
        self.env = kwargs["env"]
        self.pid, self.returncode = 0, None

    def poll(self) -> None:
        return None

    def terminate(self) -> None:
        self.returncode = -15

    def wait(self, timeout: float | None = None) -> int:
        return self.returncode


@pytest.mark.parametrize(
    ("mode", "env", "starts"),
    [
        ("force", {}, True),
        ("off", {}, False),
        ("force", {"H20_NO_CACHE": "1"}, False),
        ("force", {"H20_PREFETCH": "0"}, False),
    ],
)
def test_the_background_process_starts_only_when_it_can_help(tmp_path, monkeypatch, mode, env, starts):
    ext = _extension()
    for k in ("H20_NO_CACHE", "H20_PREFETCH"):
        monkeypatch.delenv(k, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    _Recorder.calls = []
    monkeypatch.setattr(ext.subprocess, "Popen", _Recorder)
    app = _app(tmp_path, mode)
    ext.start(app)
    assert bool(_Recorder.calls) == starts
    if starts:
        assert _Recorder.calls[0][-1] == "from model.book import prefetch; prefetch()"
        child = getattr(app, ext.CHILD)
        assert child.env["H20_WORKERS"] == "1"  # one core: the chapters keep the other
        ext.finish(app, None)
        assert child.returncode == -15  # still running when the build ended: stopped


def test_a_child_still_running_at_the_end_of_the_build_is_stopped(tmp_path):
    ext = _extension()
    app = _app(tmp_path)
    setattr(app, ext.CHILD, subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]))
    ext.finish(app, None)
    assert getattr(app, ext.CHILD).returncode is not None


@pytest.mark.slow
def test_prefetch_fills_the_entries_the_chapters_read(tmp_path, monkeypatch):
    """After :func:`model.book.prefetch`, a fresh chapter gets every prefetched result from the cache."""
    monkeypatch.setenv(cache.ENV_DIR, str(tmp_path / "cache"))
    monkeypatch.delenv(cache.ENV_OFF, raising=False)
    monkeypatch.setattr(book, "SBC_FITS", 6)
    monkeypatch.setattr(book, "EXPLORER_CHECK", (6, 1))
    book.prefetch()

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("recomputed: the prefetch filled a different cache entry")

    monkeypatch.setattr(checks, "_sbc_mcmc", fail)
    monkeypatch.setattr(explore, "explorer_grid", fail)
    monkeypatch.setattr(explore, "interpolation_error", fail)
    chapter = book.Chapter(prepare())
    assert chapter.sbc_mcmc.n == 6
    for name in book.PREFETCHED:
        getattr(chapter, name)
