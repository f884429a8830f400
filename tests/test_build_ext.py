"""The build extension (book/_ext/h20_build.py) and what it runs (model.book.build_stamp, prefetch).

The executed notebooks may be reused only while nothing the chapters read has changed; the
background computation must fill exactly the cache entries the chapters read (else it only wastes
a core), start only when notebooks will be executed with the cache on, and never outlive the build.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from model import book, cache, checks, explore
from model.pipeline import prepare

ROOT = Path(__file__).resolve().parents[1]
EXT = ROOT / "book" / "_ext" / "h20_build.py"
STAMP = {"inputs": "a" * 64, "downloads": "b" * 64}


def _extension():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("h20_build", EXT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _app(tmp_path: Path, mode: str = "cache") -> SimpleNamespace:
    config = SimpleNamespace(nb_execution_mode=mode, nb_execution_cache_path="")
    return SimpleNamespace(config=config, outdir=str(tmp_path / "_build" / "html"), srcdir=str(ROOT))


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


@pytest.fixture()
def ext(monkeypatch):  # noqa: ANN001, ANN201
    module = _extension()
    for k in ("H20_NO_CACHE", "H20_PREFETCH"):
        monkeypatch.delenv(k, raising=False)
    _Recorder.calls = []
    monkeypatch.setattr(subprocess, "Popen", _Recorder)  # model.book.start_prefetch's
    monkeypatch.setattr(module, "stamp", lambda app: dict(STAMP))
    return module


def _executed(tmp_path: Path, stored: dict | None) -> Path:
    """A Jupyter cache holding one executed notebook and, if given, the stamp of its build."""
    cache_dir = tmp_path / "_build" / ".jupyter_cache"
    cache_dir.mkdir(parents=True)
    (cache_dir / "executed.ipynb").write_text("{}", encoding="utf-8")
    if stored is not None:
        (cache_dir / "h20-stamp.json").write_text(json.dumps(stored), encoding="utf-8")
    return cache_dir


@pytest.mark.parametrize(
    ("stored", "env", "kept"),
    [
        (STAMP, {}, True),
        ({**STAMP, "inputs": "c" * 64}, {}, False),  # an input, the seed, model/, a library or the commit changed
        ({**STAMP, "downloads": ""}, {}, False),  # the downloads were deleted
        (None, {}, False),  # no stamp: a build that did not finish
        (STAMP, {"H20_NO_CACHE": "1"}, False),
    ],
)
def test_executed_notebooks_are_reused_only_under_the_same_stamp(tmp_path, monkeypatch, ext, stored, env, kept):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    cache_dir = _executed(tmp_path, stored)
    ext.start(_app(tmp_path))
    assert (cache_dir / "executed.ipynb").exists() == kept
    assert bool(_Recorder.calls) == (not kept and not env)  # the prefetch runs when chapters will execute


def test_an_unknown_stamp_re_executes(tmp_path, monkeypatch, ext):
    """When the stamp cannot be computed (bad inputs), nothing is reused: the chapters report the error."""
    monkeypatch.setattr(ext, "stamp", lambda app: None)
    cache_dir = _executed(tmp_path, STAMP)
    ext.start(_app(tmp_path))
    assert not cache_dir.exists()


@pytest.mark.parametrize(
    ("mode", "env", "starts"),
    [
        ("cache", {}, True),
        ("force", {}, True),
        ("off", {}, False),
        ("cache", {"H20_NO_CACHE": "1"}, False),
        ("cache", {"H20_PREFETCH": "0"}, False),
    ],
)
def test_the_background_process_starts_only_when_it_can_help(tmp_path, monkeypatch, ext, mode, env, starts):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    app = _app(tmp_path, mode)
    ext.start(app)
    assert bool(_Recorder.calls) == starts
    if starts:
        assert _Recorder.calls[0][-1] == "from model.book import prefetch; prefetch()"
        child = getattr(app, ext.CHILD)
        assert child.env["H20_WORKERS"] == "1"  # one core: the chapters keep the other
        ext.finish(app, None)
        assert child.returncode == -15  # still running when the build ended: stopped


def test_the_stamp_is_stored_after_a_build_that_executed(tmp_path, ext):
    app = _app(tmp_path)
    ext.start(app)
    cache_dir = tmp_path / "_build" / ".jupyter_cache"
    cache_dir.mkdir(parents=True)  # what myst-nb creates while executing
    ext.finish(app, None)
    assert json.loads((cache_dir / "h20-stamp.json").read_text(encoding="utf-8")) == STAMP
    (cache_dir / "h20-stamp.json").unlink()
    ext.finish(app, RuntimeError("a chapter failed"))
    assert not (cache_dir / "h20-stamp.json").exists()


def test_a_child_still_running_at_the_end_of_the_build_is_stopped(tmp_path):
    module = _extension()
    app = _app(tmp_path, "off")
    setattr(app, module.CHILD, subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]))
    module.finish(app, None)
    assert getattr(app, module.CHILD).returncode is not None


def test_the_stamp_moves_with_what_the_chapters_read(tmp_path, monkeypatch, inputs):
    """The seed, an input file, the article's claims, an H20_ variable and the downloads change it.

    Where work runs (H20_WORKERS) does not.
    """
    monkeypatch.setattr(book, "DOWNLOADS_DIR", tmp_path / "downloads")
    for name, path in inputs.items():
        monkeypatch.setenv(f"H20_{name.upper()}", str(path))
    base = book.build_stamp()
    monkeypatch.setenv("H20_WORKERS", "7")
    assert book.build_stamp() == base
    (tmp_path / "downloads").mkdir()
    (tmp_path / "downloads" / "summary.json").write_text("{}", encoding="utf-8")
    written = cache.files_digest(tmp_path / "downloads")
    assert book.build_stamp() == {"inputs": base["inputs"], "downloads": written} != base
    data = tmp_path / "data"
    shutil.copytree(book.DATA_DIR, data)
    monkeypatch.setattr(book, "DATA_DIR", data)
    assert book.build_stamp()["inputs"] == base["inputs"]
    with open(data / "claims_check.csv", "a", encoding="utf-8") as f:
        f.write("\n")
    assert book.build_stamp()["inputs"] != base["inputs"]
    monkeypatch.setattr(book, "DATA_DIR", ROOT / "model" / "data")
    with open(inputs["events"], "a", encoding="utf-8") as f:
        f.write("\n")
    edited = book.build_stamp()["inputs"]
    assert edited != base["inputs"]
    monkeypatch.setenv("H20_SEED", str(prepare().seed + 1))
    assert book.build_stamp()["inputs"] not in (base["inputs"], edited)


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
