"""Notebooks as editors leave them: any kernelspec runs in the build's own kernel, nothing in a notebook's
metadata makes ``pytest`` (nbval, current environment) and the build (myst-nb) run it differently,
``scripts/execute_notebooks.py`` undoes what JupyterLab, nbconvert or papermill changed, and
``jupyter nbconvert --execute`` re-runs a chapter from the repository root or ``notebooks/``.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _module("execute_notebooks", ROOT / "scripts" / "execute_notebooks.py")
EXT = _module("h20_build_for_metadata", ROOT / "book" / "_ext" / "h20_build.py")


def _aliases() -> dict[str, str]:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["sphinx"]["config"].get("nb_kernel_rgx_aliases", {})


def build_kernel(name: str) -> str:
    """The kernel the build runs a notebook saved with kernelspec ``name`` in (myst-nb's alias rule)."""
    for rgx, alias in _aliases().items():
        if re.fullmatch(rgx, name):
            return alias
    return name


EXECUTION_TAGS = frozenset(
    {"skip-execution", "raises-exception", "nbval-skip", "nbval-raises-exception", "nbval-ignore-output"}
)
"""Cell tags that make myst-nb or nbval run or compare a cell differently from the other."""


def disagreements(nb: nbformat.NotebookNode) -> list[str]:
    """What in ``nb`` would make the build and ``pytest`` run it differently (empty: nothing)."""
    out = []
    name = nb.metadata.get("kernelspec", {}).get("name", "")
    if build_kernel(name) != EXT.KERNEL:
        out.append(f"kernelspec {name!r} would run in its own kernel in the build, in pytest's environment under nbval")
    for key in set(nb.metadata) - set(SCRIPT.NOTEBOOK_KEYS):
        out.append(f"notebook metadata {key!r}")  # mystnb / execution overrides: the build only
    for i, cell in enumerate(nb.cells):
        for tag in set(cell.get("metadata", {}).get("tags", [])) & EXECUTION_TAGS:
            out.append(f"cell {i}: tag {tag!r}")
    return out


def test_any_kernel_name_runs_in_the_builds_kernel():
    for name in ("python3", "h20-venv", "python3.12", "conda-env-h20-py", "ir", ""):
        assert build_kernel(name) == EXT.KERNEL, name


def test_the_builds_kernel_is_this_python(tmp_path, monkeypatch):
    from jupyter_client.kernelspec import KernelSpecManager

    monkeypatch.setenv("JUPYTER_PATH", "")
    EXT.book_kernel(tmp_path)
    assert os.environ["JUPYTER_PATH"].split(os.pathsep)[0] == str(tmp_path)
    spec = KernelSpecManager().get_kernel_spec(EXT.KERNEL)
    assert spec.argv[0] == sys.executable


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_nothing_in_a_notebook_makes_pytest_and_the_build_disagree(path):
    assert not disagreements(nbformat.read(path, as_version=4))


def test_the_check_sees_what_would_disagree():
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    nb.metadata["mystnb"] = {"execution_mode": "off"}
    nb.metadata["execution"] = {"allow_errors": True}
    nb.cells[1].metadata["tags"] = ["skip-execution"]
    found = disagreements(nb)
    assert len(found) == 3 and any("mystnb" in f for f in found) and any("skip-execution" in f for f in found)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_stored_notebooks_are_in_normal_form(path):
    text = path.read_text(encoding="utf-8")
    assert nbformat.writes(SCRIPT.normalise(nbformat.reads(text, as_version=4))) + "\n" == text


def _as_an_editor_saves_it(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """What JupyterLab, nbconvert and papermill change in a notebook they ran."""
    nb = copy.deepcopy(nb)
    nb.metadata["kernelspec"] = {"name": "h20-venv", "display_name": "H20 (venv)", "language": "python"}
    nb.metadata["papermill"] = {"duration": 3.2, "parameters": {}, "version": "2.7.0"}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    injected = nbformat.v4.new_code_cell("seed = 7", metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(1, injected)
    for i, cell in enumerate(nb.cells):
        cell.metadata["execution"] = {"iopub.execute_input": "2026-11-30T01:02:03.000Z"}
        cell.metadata["papermill"] = {"status": "completed", "duration": 0.1}
        cell.metadata["collapsed"] = False
        cell.metadata["scrolled"] = True
        cell.metadata["jupyter"] = {"source_hidden": True}
        if i == 3:
            cell.metadata.setdefault("tags", []).append("parameters")
        if i == 4:
            del cell["id"]
        if i == 5:
            cell["id"] = nb.cells[2]["id"]  # a pasted cell: a repeated id
    return nb


def test_what_editors_change_is_normalised_away():
    """``python scripts/execute_notebooks.py`` (also ``--normalise``) gives back the stored form."""
    path = ROOT / "notebooks" / "02_priors.ipynb"
    stored = nbformat.read(path, as_version=4)
    edited = _as_an_editor_saves_it(stored)
    back = SCRIPT.normalise(edited)
    ids = [c.get("id") for c in back.cells]
    assert len(set(ids)) == len(ids)
    for a, b in zip(back.cells, stored.cells, strict=True):
        a_ = {k: v for k, v in a.items() if k != "id"}
        b_ = {k: v for k, v in b.items() if k != "id"}
        assert a_ == b_
    assert [c["id"] for i, c in enumerate(back.cells) if i not in (3, 4)] == [  # the missing and repeated ids
        c["id"] for i, c in enumerate(stored.cells) if i not in (3, 4)
    ]
    assert back.metadata == stored.metadata


def _nbconvert() -> Path:
    exe = Path(sys.executable).parent / "jupyter-nbconvert"
    if not exe.exists():
        pytest.skip("nbconvert is not installed (requirements.txt installs it)")
    return exe


@pytest.mark.parametrize("where", ["root", "notebooks"])
def test_nbconvert_re_executes_a_chapter(tmp_path, where):
    """``jupyter nbconvert --to notebook --execute`` from the repository root or from notebooks/."""
    exe = _nbconvert()
    cwd = ROOT if where == "root" else ROOT / "notebooks"
    target = "notebooks/01_article.ipynb" if where == "root" else "01_article.ipynb"
    env = {k: v for k, v in os.environ.items() if not k.startswith("H20_") or k in ("H20_CACHE_DIR", "H20_SEED")}
    res = subprocess.run(
        [str(exe), "--to", "notebook", "--execute", target, "--output-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    nb = json.loads((tmp_path / "01_article.ipynb").read_text(encoding="utf-8"))
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    stderr = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("name") == "stderr"]
    assert not errors and not stderr


def test_the_builds_kernels_start_without_a_warning(tmp_path):
    """No "running over TCP without encryption" from ipykernel (it came once per chapter in the build)."""
    code = (
        "import importlib.util, sys\n"
        "spec = importlib.util.spec_from_file_location('h20_build', sys.argv[1])\n"
        "ext = importlib.util.module_from_spec(spec); spec.loader.exec_module(ext)\n"
        "ext.encrypted_kernels(); ext.book_kernel(__import__('pathlib').Path(sys.argv[2]))\n"
        "from jupyter_client.manager import start_new_kernel\n"
        "km, kc = start_new_kernel(kernel_name=ext.KERNEL)\n"
        "reply = kc.execute_interactive('x = 1 + 1', timeout=60)\n"
        "print(reply['content']['status'], km.transport_encryption)\n"
        "kc.stop_channels(); km.shutdown_kernel(now=True)\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "book" / "_ext" / "h20_build.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.split() == ["ok", "auto"]
    assert "without encryption" not in res.stderr, res.stderr
