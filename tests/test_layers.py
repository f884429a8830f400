"""The package's three layers are its folders, imports pointing down only (checked by parsing every module)."""

import ast
from pathlib import Path

import model
from model.computation import fingerprint

PACKAGE = Path(model.__file__).parent
RANK = {layer: i for i, layer in enumerate(fingerprint.LAYER_DIRS)}
ROOT_MODULES = {"__init__": "computation", "__main__": "entry"}
"""The package's own modules: its root (``SCENARIOS``, ``by_scenario``) is below every layer; ``python -m model``
is an entry point."""


def _layer(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return ROOT_MODULES[path.stem] if len(rel.parts) == 1 else rel.parts[0]


def _imports(path: Path, package: Path = PACKAGE) -> set[str]:
    """The layers (folders of the package) that ``path`` imports from, relative or absolute, at any depth.

    An import of the package's root (``from .. import SCENARIOS``) names no layer.
    """
    here = path.relative_to(package).parent.parts  # () at the root, ("computation",) in a layer
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[tuple[str, ...]] = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                mod = tuple(node.module.split(".")) if node.module else ()
                targets = [(*base, *mod, a.name) for a in node.names]
            elif node.module and node.module.split(".")[0] == "model":
                targets = [(*node.module.split(".")[1:], a.name) for a in node.names]
        elif isinstance(node, ast.Import):
            targets = [tuple(a.name.split(".")[1:]) for a in node.names if a.name.split(".")[0] == "model"]
        out.update(t[0] for t in targets if t and t[0] in RANK)
    return out


def test_every_module_is_in_a_layer_folder():
    stray = [
        p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*.py")
        if "__pycache__" not in p.parts
        and not (len(p.relative_to(PACKAGE).parts) == 1 and p.stem in ROOT_MODULES)
        and p.relative_to(PACKAGE).parts[0] not in RANK
    ]
    assert not stray, f"modules outside model/{{{','.join(RANK)}}}/: {stray}"


def test_imports_point_down_only():
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        layer = _layer(path)
        for dep in _imports(path):
            if RANK[dep] > RANK[layer]:
                bad.append(f"{path.relative_to(PACKAGE).as_posix()} ({layer}) imports from {dep}")
    assert not bad, bad


def test_the_checker_sees_an_upward_import(tmp_path):
    pkg = tmp_path / "model"
    (pkg / "computation").mkdir(parents=True)
    f = pkg / "computation" / "priors.py"
    f.write_text(
        "from ..presentation.plots import x\nfrom ..entry import cli\nfrom . import exact\n"
        "import model.presentation.tables\nfrom .. import SCENARIOS\n",
        encoding="utf-8",
    )
    assert _imports(f, pkg) == {"presentation", "entry", "computation"}


def test_the_fingerprint_layers_are_the_folders():
    for layer, names in fingerprint.LAYERS.items():
        files = [p for p in (PACKAGE / layer).rglob("*.py") if "__pycache__" not in p.parts]
        assert names == {p.relative_to(PACKAGE / layer).with_suffix("").as_posix() for p in files} - {"__init__"}


def test_the_tests_mirror_the_package():
    """``tests/<layer>/test_<name>.py`` tests ``model/<layer>/<name>.py`` (or the subpackage ``<name>/``); the tests
    of what spans the layers (the command line's bad inputs, any machine, the book in a browser) stay in ``tests/``.
    """
    tests = Path(__file__).parent
    orphans = [
        f"{t.relative_to(tests).as_posix()}: no model/{layer}/{t.stem[5:]}.py"
        for layer in fingerprint.LAYER_DIRS
        for t in sorted((tests / layer).glob("test_*.py"))
        if not (PACKAGE / layer / f"{t.stem[5:]}.py").is_file() and not (PACKAGE / layer / t.stem[5:]).is_dir()
    ]
    assert not orphans, orphans
    assert {p.name for p in tests.glob("*/")} >= set(fingerprint.LAYER_DIRS)


MAX_MODULE_LINES = 520
"""About 500 lines a module (docstrings included): a module that outgrows it is split along its seams."""


def test_no_module_outgrows_a_room():
    big = {
        p.relative_to(PACKAGE).as_posix(): n
        for p in PACKAGE.rglob("*.py")
        if "__pycache__" not in p.parts and (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not big, f"split along its seams (at most {MAX_MODULE_LINES} lines): {big}"
