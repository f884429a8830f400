"""The package's three layers, imports pointing down only (checked by parsing every module)."""

import ast
from pathlib import Path

import model
from model import fingerprint

LAYERS = fingerprint.LAYERS
"""Defined in model/fingerprint.py: a module's layer also decides which digests hash it."""
RANK = {name: i for i, layer in enumerate(LAYERS) for name in LAYERS[layer]}


def _imports(path: Path) -> set[str]:
    """Modules of the package imported by ``path`` (relative or absolute, at any depth)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                out.add(node.module.split(".")[0])
            elif node.level == 1:
                out.update(a.name for a in node.names if a.name in RANK)
            elif node.module and node.module.startswith("model."):
                out.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            out.update(a.name.split(".")[1] for a in node.names if a.name.startswith("model."))
    return out


def test_every_module_has_a_layer():
    names = {p.stem for p in Path(model.__file__).parent.glob("*.py")}
    assert names == set(RANK), names ^ set(RANK)


def test_imports_point_down_only():
    bad = []
    for path in Path(model.__file__).parent.glob("*.py"):
        for dep in _imports(path):
            if RANK[dep] > RANK[path.stem]:
                bad.append(f"{path.stem} ({'/'.join(k for k, v in LAYERS.items() if path.stem in v)}) imports {dep}")
    assert not bad, bad


def test_the_checker_sees_an_upward_import(tmp_path):
    f = tmp_path / "priors.py"
    f.write_text("from .plots import x\nfrom . import report\n", encoding="utf-8")
    assert _imports(f) == {"plots", "report"}
