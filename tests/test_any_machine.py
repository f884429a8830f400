"""The same package on any machine: time zone, output encoding, home directory, interpreter, user variables.

Each test reproduces a fault a user reported against tools like this one (issue 19): the
environment around the package changes, the inputs stay valid, and the answer must not move.
"""

from __future__ import annotations

import csv
import datetime as dt
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from model.computation import fingerprint
from model.computation.assumptions import load_assumptions
from model.computation.errors import InputError
from model.computation.evidence_files import DEFAULT_EVENTS, DEFAULT_QUARTERS, load_events, load_periods

EARLIEST_ZONE = dt.timezone(dt.timedelta(hours=14))
"""UTC+14 (Kiritimati): where a calendar day starts first."""


def _today_somewhere() -> dt.date:
    return dt.datetime.now(EARLIEST_ZONE).date()


# --------------------------------------------------------------------------- dates by the calendar

ZONES = ("Pacific/Kiritimati", "Asia/Shanghai", "UTC", "America/Los_Angeles", "Etc/GMT+12")


def _load_in_zone(zone: str, events: Path, quarters: Path) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys\n"
        "from model.computation.evidence_files import DEFAULT_EVENTS, DEFAULT_QUARTERS, load_events, load_periods\n"
        "from model.computation.errors import InputError\n"
        "try:\n    load_events(sys.argv[1]); load_periods(sys.argv[2])\n"
        "except InputError as e:\n    print(e); sys.exit(2)\n"
    )
    env = {**os.environ, "TZ": zone, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code, str(events), str(quarters)], capture_output=True, text=True, env=env, timeout=120
    )


def _redate(src: Path, dst: Path, column: str, day: dt.date) -> None:
    """Copy the CSV ``src`` to ``dst`` with ``column`` of its last row set to ``day``."""
    with src.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[-1][rows[0].index(column)] = day.isoformat()
    with dst.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def _dated(inputs: dict[str, Path], day: dt.date) -> None:
    """Copies of the shipped files with the last event and the last period's report moved to ``day``."""
    _redate(DEFAULT_EVENTS, inputs["events"], "date", day)
    _redate(DEFAULT_QUARTERS, inputs["quarters"], "reported", day)


@pytest.mark.parametrize("zone", ZONES)
def test_a_date_that_is_today_somewhere_on_earth_is_not_in_the_future(zone, inputs):
    """An event dated today in UTC+14 passes in every time zone, even where that day has not begun."""
    _dated(inputs, _today_somewhere())
    res = _load_in_zone(zone, inputs["events"], inputs["quarters"])
    assert res.returncode == 0, f"TZ={zone}: {res.stdout}{res.stderr}"


@pytest.mark.parametrize("zone", ("Pacific/Kiritimati", "Etc/GMT+12"))
def test_a_date_after_today_everywhere_is_in_the_future_in_every_zone(zone, inputs):
    _dated(inputs, _today_somewhere() + dt.timedelta(days=1))
    res = _load_in_zone(zone, inputs["events"], inputs["quarters"])
    assert res.returncode == 2 and "future" in res.stdout and "UTC+14" in res.stdout, res.stdout + res.stderr


def test_the_date_check_uses_the_earliest_calendar(monkeypatch, inputs):
    """In process, whatever the local zone says: the day of UTC+14 is the last day that has begun."""
    day = _today_somewhere()
    _dated(inputs, day)
    load_events(inputs["events"])
    load_periods(inputs["quarters"])
    _dated(inputs, day + dt.timedelta(days=1))
    with pytest.raises(InputError, match="future"):
        load_events(inputs["events"])


# --------------------------------------------------------------------------- inclusive intervals


@pytest.mark.parametrize("end", ["lower", "upper"])
def test_a_base_mean_on_its_intervals_end_is_inside(end, inputs):
    """Interval membership is inclusive: 0.30 and 0.60 are in [0.30, 0.60]."""
    text = inputs["assumptions"].read_text(encoding="utf-8")
    value = "0.30" if end == "lower" else "0.60"
    assert "    value: 0.45\n" in text and "    mass: 0.90\n" in text
    text = text.replace("    value: 0.45\n", f"    value: {value}\n", 1)
    text = text.replace("    mass: 0.90\n", "    mass: 0.45\n", 1)  # a mass a prior on the interval's end can meet
    inputs["assumptions"].write_text(text, encoding="utf-8")
    a = load_assumptions(inputs["assumptions"])
    assert a.scenario_prior.base_mean.value == float(value)
    assert a.scenario_prior.base_interval.lower == 0.30 and a.scenario_prior.base_interval.upper == 0.60


def test_a_base_mean_beyond_its_interval_is_still_outside(inputs):
    text = inputs["assumptions"].read_text(encoding="utf-8").replace("    value: 0.45\n", "    value: 0.61\n", 1)
    inputs["assumptions"].write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="outside base_interval"):
        load_assumptions(inputs["assumptions"])


# --------------------------------------------------------------------------- any output encoding


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "ascii"])
def test_summary_prints_in_a_non_utf8_encoding(encoding, tmp_path):
    """``python -m model summary > out.txt`` under a Windows or C-locale stdout encoding prints everything."""
    out_file = tmp_path / "out.txt"
    env = {k: v for k, v in os.environ.items() if k not in ("H20_ASSUMPTIONS", "H20_EVENTS", "H20_QUARTERS")}
    env.update({"PYTHONIOENCODING": encoding, "PYTHONPATH": str(ROOT)})
    with out_file.open("wb") as out:
        res = subprocess.run(
            [sys.executable, "-m", "model", "summary", "--no-mcmc"],
            stdout=out,
            stderr=subprocess.PIPE,
            env=env,
            timeout=600,
        )
    assert res.returncode == 0, res.stderr.decode(encoding, "replace")
    assert res.stderr == b""
    text = out_file.read_bytes().decode(encoding)  # every byte is the stream's encoding
    assert "Scenario probabilities (exact path" in text and "< 0.01%" in text
    if encoding != "latin-1":
        assert ">=" in text and "?" not in text  # ASCII forms, never a lost character


# --------------------------------------------------------------------------- the user's H20_* variables


UNIT_TESTS_READING_INPUTS = (
    "tests/test_bad_inputs.py::test_sensitivity_elicitation_failure_names_the_range",
    "tests/computation/test_priors.py::test_scenario_mean_splits_remainder_equally",
    "tests/entry/test_cli.py::test_summary_json_no_mcmc_keys_and_filters",
)
"""Unit tests whose expectations are about the shipped inputs (the first two failed under H20_ASSUMPTIONS, as did
tests/computation/test_cache.py::test_a_cached_fit_equals_a_fresh_fit, left out here for its PyMC fit: the same
mechanism)."""


def _outcomes(env: dict[str, str]) -> dict[str, str]:
    """Each of :data:`UNIT_TESTS_READING_INPUTS`' outcome (passed, failed, ...) in a pytest run under ``env``."""
    res = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", *UNIT_TESTS_READING_INPUTS],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
    )
    found = re.findall(r"^(PASSED|FAILED|ERROR|SKIPPED)\s+(\S+)", res.stdout, flags=re.M)
    assert found, res.stdout[-3000:]
    return {node: outcome for outcome, node in found}


def test_unit_tests_ignore_the_users_input_variables(tmp_path, inputs):
    """``H20_ASSUMPTIONS=my.yaml pytest``: the unit tests test the shipped inputs (only the notebooks follow it),
    so every unit test has the same outcome with and without the user's variables.
    """
    mine = inputs["assumptions"]
    text = mine.read_text(encoding="utf-8").replace("    value: 0.45\n", "    value: 0.40\n", 1)
    mine.write_text(text, encoding="utf-8")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "H20_ASSUMPTIONS", "H20_EVENTS"))}
    base["H20_PREFETCH"] = "0"
    users = {**base, "H20_ASSUMPTIONS": str(mine), "H20_EVENTS": str(inputs["events"])}
    assert _outcomes(users) == _outcomes(base)


def test_a_test_that_sets_a_variable_still_sees_it(monkeypatch, inputs):
    from model.computation.pipeline import prepare

    monkeypatch.setenv("H20_ASSUMPTIONS", str(inputs["assumptions"]))
    assert prepare().assumptions.source_file == str(inputs["assumptions"])


# --------------------------------------------------------------------------- interpreter versions


def _interpreters() -> list[str]:
    """Python 3.11, 3.12 and 3.13 where installed (on PATH or under ``$PYENV_ROOT``), the current one always."""
    candidates = [shutil.which(f"python3.{minor}") for minor in (11, 12, 13)]
    pyenv = os.environ.get("PYENV_ROOT", "")
    if pyenv:
        candidates += [str(p) for p in sorted(Path(pyenv).glob("versions/3.1[123]*/bin/python3.1[123]"))]
    found: dict[str, str] = {}
    for path in [sys.executable, *filter(None, candidates)]:
        res = subprocess.run([path, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True)
        if res.returncode == 0:
            found.setdefault(res.stdout.strip(), path)
    return list(found.values())


def test_the_gate_fingerprint_does_not_depend_on_the_interpreter():
    """The meaning of each fingerprinted Python file is the same text on every Python that is installed."""
    interpreters = _interpreters()
    if len(interpreters) < 2:
        pytest.skip("one Python interpreter installed: nothing to compare")
    code = inspect.getsource(fingerprint.python_meaning) + (
        "\nimport hashlib, json, sys\n"
        "print(json.dumps({n: hashlib.sha256(python_meaning(open(n, encoding='utf-8').read()).encode()).hexdigest()"
        " for n in sys.argv[1:]}))\n"
    )
    names = [n for n in fingerprint.GATE_FINGERPRINT_FILES if n.endswith(".py")] + sorted(
        str(p.relative_to(ROOT)) for p in (ROOT / "model").rglob("*.py") if "__pycache__" not in p.parts
    )
    digests = {}
    for exe in interpreters:
        res = subprocess.run([exe, "-c", code, *names], capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert res.returncode == 0, f"{exe}: {res.stderr[-2000:]}"
        digests[exe] = json.loads(res.stdout)
    first = digests[interpreters[0]]
    for exe, d in digests.items():
        assert d == first, f"{exe} reads another meaning into {[n for n in d if d[n] != first[n]]}"


def test_the_fingerprint_ignores_layout_and_sees_code():
    src = "def f(x):\n    '''Doc.'''\n    return x + 1  # one\n"
    same = "def f(x):\n    return (\n        x + 1\n    )\n"
    assert fingerprint.python_meaning(src) == fingerprint.python_meaning(same)
    assert fingerprint.python_meaning(src) != fingerprint.python_meaning(src.replace("x + 1", "x + 2"))


def test_every_imported_distribution_is_declared():
    """``pip install -e .`` alone gives a package whose every import resolves (nutpie, xarray, ...)."""
    import ast
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = [d for group in project.get("optional-dependencies", {}).values() for d in group]
    declared = {
        re.split(r"[;\[=<>~! ]", d, maxsplit=1)[0].strip().lower().replace("_", "-")
        for d in project["dependencies"] + extras
    }
    imported = set()
    for path in (ROOT / "model").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    dist_of = {"yaml": "pyyaml", "IPython": "ipython", "matplotlib_inline": "matplotlib-inline", "myst_nb": "myst-nb"}
    third_party = {m for m in imported if m not in sys.stdlib_module_names and m != "model"}
    missing = sorted(m for m in third_party if dist_of.get(m, m).lower().replace("_", "-") not in declared)
    assert not missing, f"imported by model/ but not in pyproject's dependencies: {missing}"


def test_pyproject_admits_python_311_to_313():
    import tomllib

    from packaging.specifiers import SpecifierSet

    spec = SpecifierSet(
        tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    )
    assert all(v in spec for v in ("3.11.0", "3.12.1", "3.13.0"))


# --------------------------------------------------------------------------- unwritable home or cache


def _unwritable_dir(tmp_path: Path) -> Path:
    """A home directory nothing can be written under (a mode-555 folder; under root, a path below a file)."""
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        home = tmp_path / "home"
        home.mkdir()
        home.chmod(0o555)
        return home
    (tmp_path / "file").write_text("", encoding="utf-8")
    return tmp_path / "file" / "home"


CACHE_VARS = ("XDG_CACHE_HOME", "MPLCONFIGDIR", "PYTENSOR_FLAGS", "H20_CACHE_DIR", "IPYTHONDIR", "JUPYTER_RUNTIME_DIR")


def _cli_with_home(home: Path, tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in CACHE_VARS and not k.startswith("H20_")}
    env.update({"HOME": str(home), "TMPDIR": str(tmp_path / "tmp"), "PYTHONPATH": str(ROOT), **extra})
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "model", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=900
    )


def test_a_read_only_home_works_with_one_note(tmp_path):
    """ArviZ's daily stamp, PyTensor's compile directory, Matplotlib's and our caches go to a temporary directory."""
    res = _cli_with_home(_unwritable_dir(tmp_path), tmp_path, "summary", "--no-mcmc", "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["posterior"]["scenario_prob"]
    note = res.stderr.strip().splitlines()
    assert len(note) == 1 and note[0].startswith("note: cannot write ") and str(tmp_path / "tmp") in note[0], note
    assert (tmp_path / "tmp").iterdir(), "nothing was cached in the temporary directory"


def test_a_writable_home_gets_no_note(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    res = _cli_with_home(home, tmp_path, "summary", "--no-mcmc", "--json")
    assert res.returncode == 0 and res.stderr == "", res.stderr


def test_an_environment_problem_is_never_bad_input(monkeypatch, capsys):
    """A directory that cannot be written (no temporary directory either) exits 75 naming it, not 2."""
    from model.computation import pipeline
    from model.entry import cli

    def unwritable(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", "/nowhere/.cache/arviz")

    monkeypatch.setattr(pipeline, "prepare", unwritable)
    assert cli.main(["summary", "--no-mcmc"]) == 75
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "/nowhere/.cache/arviz" in err[0] and "environment" in err[0] and "fix:" in err[0]


def test_a_failing_library_during_elicitation_is_not_blamed_on_the_intervals(monkeypatch, capsys):
    """The elicitation reports its solvers' failures as input errors; an OSError of the machine on the way
    (ArviZ's stamp directory, PyTensor's compile directory) exits 75 naming the directory, not 2.
    """
    from model.computation import priors
    from model.entry import cli

    def broken(*args: object, **kwargs: object) -> None:
        raise NotADirectoryError(20, "Not a directory", "/home/x/.cache/arviz")

    monkeypatch.setenv("H20_NO_CACHE", "1")  # elicit, do not read the priors from the result cache
    monkeypatch.setattr(priors, "elicit_beta", broken)
    assert cli.main(["summary", "--no-mcmc"]) == 75
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "/home/x/.cache/arviz" in err[0] and "check the intervals" not in err[0]


# --------------------------------------------------------------------------- the checkout you run is the one you get


def _second_checkout(tmp_path: Path) -> Path:
    """A copy of this checkout (its tracked files, as they are now) whose base case is 50%, not 45%."""
    other = tmp_path / "other checkout"
    files = subprocess.run(["git", "ls-files", "-z"], capture_output=True, cwd=ROOT, check=True).stdout.split(b"\0")
    for name in filter(None, (f.decode() for f in files)):
        if (ROOT / name).is_file() and not name.startswith("notebooks/"):
            (other / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, other / name)
    a = other / "model" / "data" / "assumptions.yaml"
    a.write_text(a.read_text(encoding="utf-8").replace("    value: 0.45\n", "    value: 0.50\n", 1), encoding="utf-8")
    return other


def _isolated(code: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Python without the working directory or PYTHONPATH on its path: ``model`` is the venv's installed one."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "H20_ASSUMPTIONS")}
    return subprocess.run(
        [sys.executable, "-I", "-c", code, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600
    )


@pytest.fixture(scope="module")
def installed_here() -> None:
    res = _isolated("import model; print(model.__file__)", Path("/"))
    if res.returncode != 0 or Path(res.stdout.strip()).resolve().parents[1] != ROOT:
        pytest.skip("this checkout is not the one installed in the venv (pip install -e .)")


def test_a_command_in_another_checkout_stops_naming_both(tmp_path, installed_here):
    """``h20-model summary`` run in a second checkout, with this one installed: one line, both paths, exit 75."""
    other = _second_checkout(tmp_path)
    res = _isolated("import sys; from model.entry.cli import main; sys.exit(main(sys.argv[1:]))", other, "summary")
    assert res.returncode == 75, res.stdout[:500] + res.stderr
    line = res.stderr.strip()
    assert "\n" not in line and str(other) in line and str(ROOT / "model") in line and "fix:" in line


def test_a_chapter_in_another_checkout_stops_naming_both(tmp_path, installed_here):
    """A kernel started in the second checkout's notebooks/ (JupyterLab, nbconvert) with this one installed."""
    other = _second_checkout(tmp_path)
    (other / "notebooks").mkdir()
    res = _isolated(
        "from model.entry.book import open_chapter; open_chapter('priors', glue=False)", other / "notebooks"
    )
    assert res.returncode != 0
    assert "OtherCheckoutError" in res.stderr and str(other) in res.stderr.strip().splitlines()[-1]


def test_the_build_of_another_checkout_imports_that_checkout(tmp_path, installed_here):
    """The build extension of the second checkout puts it first, for itself and for the kernels it starts."""
    other = _second_checkout(tmp_path)
    code = (
        "import importlib.util, json, os, sys\n"
        "spec = importlib.util.spec_from_file_location('h20_build', sys.argv[1])\n"
        "ext = importlib.util.module_from_spec(spec); spec.loader.exec_module(ext)\n"
        "ext.use_this_checkout()\n"
        "import model; from model.computation.pipeline import prepare\n"
        "print(json.dumps({'model': model.__file__, 'path': os.environ['PYTHONPATH'],"
        " 'm_base': float(prepare().priors.m[0])}))\n"
    )
    res = _isolated(code, tmp_path, str(other / "book" / "_ext" / "h20_build.py"))
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout)
    assert Path(got["model"]).resolve().parents[1] == other.resolve()
    assert got["path"].split(os.pathsep)[0] == str(other.resolve())  # the kernels import it too
    assert got["m_base"] == 0.50  # the second checkout's own assumptions


def test_pytest_in_another_checkout_tests_that_checkout(tmp_path, installed_here):
    """``pytest`` (the venv's script) in the second checkout imports its package, and so do its notebooks' kernels."""
    other = _second_checkout(tmp_path)
    (other / "tests" / "test_where.py").write_text(
        "import os\nfrom pathlib import Path\n\nimport model\n\n\n"
        "def test_this_checkout():\n"
        "    root = Path(__file__).resolve().parents[1]\n"
        "    assert Path(model.__file__).resolve().parents[1] == root\n"
        "    assert os.environ['PYTHONPATH'].split(os.pathsep)[0] == str(root)\n",
        encoding="utf-8",
    )
    exe = Path(sys.executable).parent / "pytest"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",) and not k.startswith("PYTEST_")}
    res = subprocess.run(
        [str(exe), "-q", "-p", "no:cacheprovider", "tests/test_where.py"],
        capture_output=True,
        text=True,
        cwd=other,
        env={**env, "H20_PREFETCH": "0"},
        timeout=300,
    )
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
