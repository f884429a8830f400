"""The build extension (book/_ext/h20_build.py) and what it runs (model.entry.book.build_stamp, prefetch).

The executed notebooks may be reused only while nothing the chapters read has changed; the
background computation must fill exactly the cache entries the chapters read (else it only wastes
a core), start only when notebooks will be executed with the cache on, and never outlive the build.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import run_model

from model.computation import cache, checks, explore
from model.computation.pipeline import prepare
from model.entry import book

ROOT = Path(__file__).resolve().parents[1]
EXT = ROOT / "book" / "_ext" / "h20_build.py"
STAMP = {"inputs": "a" * 64, "downloads": "b" * 64}


def _extension():
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
        self.pid, self.returncode = 0, None

    def poll(self) -> None:
        return None

    def terminate(self) -> None:
        self.returncode = -15

    def wait(self, timeout: float | None = None) -> int:
        return self.returncode


@pytest.fixture()
def ext(monkeypatch):
    module = _extension()
    for k in ("H20_NO_CACHE", "H20_PREFETCH"):
        monkeypatch.delenv(k, raising=False)
    _Recorder.calls = []
    monkeypatch.setattr(subprocess, "Popen", _Recorder)  # model.entry.book.start_prefetch's
    monkeypatch.setattr(module, "stamp", lambda app: dict(STAMP))
    monkeypatch.setattr(module, "validate_inputs", lambda: None, raising=False)  # tested on its own below
    return module


def _executed(tmp_path: Path, stored: dict | None) -> Path:
    """A Jupyter cache (jupyter-cache's database) holding a marker file and, if given, the stamp of its build."""
    from jupyter_cache import get_cache

    cache_dir = tmp_path / "_build" / ".jupyter_cache"
    cache_dir.mkdir(parents=True)
    get_cache(str(cache_dir)).list_cache_records()  # creates the database, as myst-nb does
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
        ("cache", {"H20_PREFETCH": " 0 "}, False),
        ("cache", {"H20_PREFETCH": "1"}, True),
    ],
)
def test_the_background_process_starts_only_when_it_can_help(tmp_path, monkeypatch, ext, mode, env, starts):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    app = _app(tmp_path, mode)
    ext.start(app)
    assert bool(_Recorder.calls) == starts
    assert book.prefetch_wanted() == ("H20_NO_CACHE" not in env and env.get("H20_PREFETCH", "").strip() != "0")
    if starts:
        child = getattr(app, ext.CHILD)
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
    """After :func:`model.entry.book.prefetch`, a fresh chapter gets every prefetched result from the cache."""
    monkeypatch.setenv(cache.ENV_DIR, str(tmp_path / "cache"))
    monkeypatch.delenv(cache.ENV_OFF, raising=False)
    monkeypatch.setattr(book, "SBC_FITS", 6)
    monkeypatch.setattr(book, "EXPLORER_CHECK", (6, 1))
    book.prefetch()

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("recomputed: the prefetch filled a different cache entry")

    monkeypatch.setattr(checks.sbc_pymc, "_sbc_mcmc", fail)
    monkeypatch.setattr(explore, "explorer_grid", fail)
    monkeypatch.setattr(explore, "interpolation_error", fail)
    chapter = book.Chapter(prepare())
    assert chapter.sbc_mcmc.n_datasets == 6
    for name in book.PREFETCHED:
        getattr(chapter, name)


# --------------------------------------------------------------------------- one build per build directory


REAL_POPEN = subprocess.Popen
"""The ``ext`` fixture replaces ``subprocess.Popen``; the stand-in builds are real processes."""


def _sleeper(seconds: float) -> subprocess.Popen:
    return REAL_POPEN([sys.executable, "-c", f"import time; time.sleep({seconds})"])


def _lock_held_by(tmp_path: Path, pid: int) -> Path:
    lock = tmp_path / "_build" / ".h20-build.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text(str(pid), encoding="utf-8")
    return lock


def test_a_second_build_stops_with_one_line_and_leaves_the_first_builds_cache(tmp_path, monkeypatch, ext, capsys):
    """Another live build holds the build directory: nothing is emptied, one line, exit 75."""
    other = _sleeper(60)
    try:
        cache_dir = _executed(tmp_path, {**STAMP, "inputs": "c" * 64})  # a stale stamp: would be emptied
        _lock_held_by(tmp_path, other.pid)
        monkeypatch.setenv("H20_BUILD_WAIT", "0")
        with pytest.raises(SystemExit) as stopped:
            ext.start(_app(tmp_path))
        assert stopped.value.code == 75
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and f"another build (pid {other.pid})" in err[0] and "fix:" in err[0]
        assert (cache_dir / "executed.ipynb").exists()  # the first build's cache is untouched
        assert not _Recorder.calls
    finally:
        other.kill()
        other.wait()


def test_a_second_build_waits_for_the_first_then_runs(tmp_path, monkeypatch, ext):
    other = _sleeper(1.5)
    lock = _lock_held_by(tmp_path, other.pid)
    monkeypatch.setenv("H20_BUILD_WAIT", "60")
    app = _app(tmp_path)
    ext.start(app)
    assert other.poll() is not None  # it waited for the owner to end
    assert lock.read_text(encoding="utf-8") == str(os.getpid())
    ext.finish(app, None)
    assert not lock.exists()  # released at the end of the build


def test_a_dead_builds_lock_is_taken_over(tmp_path, ext):
    dead = _sleeper(0)
    dead.wait()
    lock = _lock_held_by(tmp_path, dead.pid)
    app = _app(tmp_path)
    ext.start(app)
    assert lock.read_text(encoding="utf-8") == str(os.getpid())
    ext.finish(app, RuntimeError("a chapter failed"))
    assert not lock.exists()  # released after a failed build too


def _bad_cache(kind: str, cache_dir: Path) -> None:
    """Put the Jupyter cache in one bad state."""
    import nbformat
    from jupyter_cache import get_cache

    if kind == "file":
        cache_dir.rmdir() if cache_dir.is_dir() and not any(cache_dir.iterdir()) else shutil.rmtree(cache_dir)
        cache_dir.write_text("not a cache", encoding="utf-8")
    elif kind == "corrupt-db":
        (cache_dir / "global.db").write_bytes(b"this is not sqlite" * 100)
    elif kind == "db-is-a-directory":
        (cache_dir / "global.db").unlink()
        (cache_dir / "global.db").mkdir()
    elif kind == "other-version":
        (cache_dir / "__version__.txt").write_text("0.4.3", encoding="utf-8")
    elif kind == "no-database":
        (cache_dir / "global.db").unlink()
    elif kind == "executed-notebook-missing":
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        path = cache_dir.parent / "nb.ipynb"
        nbformat.write(nb, path)
        record = get_cache(str(cache_dir)).cache_notebook_file(str(path), check_validity=False)
        shutil.rmtree(cache_dir / "executed" / record.hashkey)
    elif kind == "read-only-db":
        with open(cache_dir / "global.db", "rb+") as f:  # a database another process holds a write lock on
            import sqlite3

            con = sqlite3.connect(cache_dir / "global.db", timeout=0)
            con.execute("BEGIN EXCLUSIVE")
            _bad_cache.held = con  # type: ignore[attr-defined]
            f.flush()


BAD_CACHES = (
    "file",
    "corrupt-db",
    "db-is-a-directory",
    "other-version",
    "no-database",
    "executed-notebook-missing",
    "read-only-db",
)


@pytest.mark.parametrize("kind", BAD_CACHES)
def test_a_jupyter_cache_in_a_bad_state_is_a_miss(tmp_path, ext, kind, monkeypatch):
    """Emptied with one log line and every chapter executed, under a stamp that would have reused it."""
    cache_dir = _executed(tmp_path, STAMP)
    _bad_cache(kind, cache_dir)
    lines: list[str] = []
    monkeypatch.setattr(ext.LOG, "info", lines.append)
    app = _app(tmp_path)
    try:
        ext.start(app)
    finally:
        held = getattr(_bad_cache, "held", None)
        if held is not None:
            held.close()
            del _bad_cache.held
    assert getattr(app, ext.EXECUTED, False), lines
    assert not cache_dir.exists() or cache_dir.is_dir() and not (cache_dir / "executed.ipynb").exists()
    assert sum("unusable" in line for line in lines) == 1, lines
    ext.finish(app, None)


def test_a_sound_cache_with_records_is_kept(tmp_path, ext):
    """The check does not throw away a healthy cache that holds executed notebooks."""
    import nbformat
    from jupyter_cache import get_cache

    cache_dir = _executed(tmp_path, STAMP)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    nbformat.write(nb, tmp_path / "nb.ipynb")
    get_cache(str(cache_dir)).cache_notebook_file(str(tmp_path / "nb.ipynb"), check_validity=False)
    assert ext.cache_problem(cache_dir) is None
    app = _app(tmp_path)
    ext.start(app)
    assert (cache_dir / "executed.ipynb").exists() and not getattr(app, ext.EXECUTED, False)
    ext.finish(app, None)


# --------------------------------------------------------------------------- inputs checked before any chapter


def test_bad_input_stops_the_build_with_the_command_lines_line(tmp_path, monkeypatch, inputs, capsys):
    from model.entry import cli

    module = _extension()
    text = inputs["assumptions"].read_text(encoding="utf-8").replace("    mass: 0.90\n", "    mass: 1.5\n", 1)
    inputs["assumptions"].write_text(text, encoding="utf-8")
    monkeypatch.setenv("H20_ASSUMPTIONS", str(inputs["assumptions"]))
    assert cli.main(["summary", "--no-mcmc"]) == 2
    cli_line = capsys.readouterr().err.strip()
    with pytest.raises(SystemExit) as stopped:
        module.start(_app(tmp_path))
    assert stopped.value.code == 2
    assert capsys.readouterr().err.strip() == cli_line
    assert "mass" in cli_line and "fix:" in cli_line


def _build_output(path_output: Path, env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "jupyter-book"
    if not exe.exists():
        pytest.skip("jupyter-book is not installed next to this Python")
    full = {**os.environ, **env}
    return subprocess.run(
        [str(exe), "build", str(ROOT), "--path-output", str(path_output), "-W", "-n", "--keep-going"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=full,
        timeout=timeout,
    )


def test_a_real_build_with_bad_input_ends_on_the_one_line(tmp_path, inputs):
    """``H20_ASSUMPTIONS=bad.yaml jupyter-book build .``: the last line is the command line's, no chapter ran."""
    text = inputs["assumptions"].read_text(encoding="utf-8").replace("    mass: 0.90\n", "    mass: 1.5\n", 1)
    inputs["assumptions"].write_text(text, encoding="utf-8")
    env = {"H20_ASSUMPTIONS": str(inputs["assumptions"]), "H20_PREFETCH": "0"}
    res = _build_output(tmp_path / "out", env)
    lines = [line for line in res.stdout.splitlines() if line.strip()]
    assert res.returncode == 2, res.stdout[-3000:]
    cli = run_model("summary", "--no-mcmc", env={"H20_ASSUMPTIONS": str(inputs["assumptions"])})
    assert cli.returncode == 2 and lines[-1] == cli.stderr.strip(), (lines[-3:], cli.stderr)
    assert "mass" in lines[-1] and "fix:" in lines[-1]
    assert "Traceback" not in res.stdout and "Executing notebook" not in res.stdout


# --------------------------------------------------------------------------- no orphans


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:  # a zombie waiting for a reaper has ended too
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_the_prefetch_child_dies_with_its_parent(tmp_path):
    """SIGKILL the process that started the prefetch (as a killed build): the child is gone within seconds."""
    import signal
    import time

    log = tmp_path / "prefetch.log"
    parent_code = (
        "import sys, time; from pathlib import Path; from model.entry.book import start_prefetch\n"
        "child = start_prefetch(Path(sys.argv[1])); print(child.pid, flush=True); time.sleep(600)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("H20_PREFETCH", "H20_NO_CACHE")}  # wanted: started
    env.update({"PYTHONPATH": str(ROOT), "H20_CACHE_DIR": str(tmp_path / "cache")})
    parent = subprocess.Popen(
        [sys.executable, "-c", parent_code, str(log)], stdout=subprocess.PIPE, text=True, env=env, cwd=tmp_path
    )
    child = int(parent.stdout.readline())
    try:
        deadline = time.monotonic() + 60
        while "prefetch: pid" not in (log.read_text(encoding="utf-8") if log.exists() else ""):
            assert time.monotonic() < deadline, "the child never started"
            time.sleep(0.2)
        assert f"parent {parent.pid}, 1 worker(s)" in log.read_text(encoding="utf-8")  # the chapters keep a core
        assert not _gone(child)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 5
        while not _gone(child) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _gone(child), "the prefetch child outlived its killed parent"
    finally:
        for pid in (parent.pid, child):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_the_prefetch_log_says_what_the_child_did(tmp_path, monkeypatch):
    lines: list[str] = []
    monkeypatch.setattr(book, "PREFETCHED", ("leader",))
    book.prefetch(lines.append)
    assert lines[0].startswith("prefetch: inputs loaded in ")
    assert lines[1].startswith("prefetch: leader ready in ") and lines[-1].startswith("prefetch: done in ")
