"""One fingerprint (model/computation/fingerprint.py): comments and presentation recompute no result; code that can
move a
number does; the build stamp follows everything the chapters show.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from model.computation import cache, fingerprint
from model.entry import book

COMMENTED = {
    # a comment, and a docstring changed in place (the module's first function with one)
    "comment": lambda src: src + "\n# a comment: no number moves\n",
    "docstring": lambda src: _edit_first_docstring(src),
}


def _edit_first_docstring(src: str) -> str:
    """``src`` with the text of its first function docstring changed (the code untouched)."""
    import ast

    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.FunctionDef) and ast.get_docstring(node, clean=False):
            doc = node.body[0].value
            lines = src.splitlines(keepends=True)
            line = lines[doc.lineno - 1]
            quote = line.index('"""', doc.col_offset)
            lines[doc.lineno - 1] = line[: quote + 3] + "Edited: " + line[quote + 3 :]
            out = "".join(lines)
            assert out != src and ast.dump(ast.parse(out)) != ast.dump(ast.parse(src))  # the docstring did change
            return out
    raise AssertionError("no function with a docstring")


@pytest.fixture()
def package(tmp_path: Path) -> Path:
    """An editable copy of this checkout's package (sources and data)."""
    pkg = tmp_path / "model"
    shutil.copytree(fingerprint.PACKAGE_DIR, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    return pkg


@pytest.fixture()
def stamp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The build stamp of a package directory, downloads kept out of the way."""
    monkeypatch.setattr(book, "DOWNLOADS_DIR", tmp_path / "downloads")
    return lambda pkg: book.build_stamp(pkg)["inputs"]


def _key(pkg: Path) -> str:
    return cache.key("fit_mcmc", None, {"seed": 1}, package=pkg)


def test_the_copy_keys_as_the_package(package):
    assert _key(package) == _key(fingerprint.PACKAGE_DIR)


@pytest.mark.parametrize("module", ["presentation/plots/style.py", "computation/exact.py"])
@pytest.mark.parametrize("edit", sorted(COMMENTED))
def test_a_comment_or_docstring_changes_no_key(package, stamp, module, edit):
    """Every cache key (result cache, build stamp) and the gate fingerprint ignore comments and docstrings."""
    before = (_key(package), stamp(package), fingerprint.gate_fingerprint(package.parent))
    path = package / module
    path.write_text(COMMENTED[edit](path.read_text(encoding="utf-8")), encoding="utf-8")
    assert path.read_bytes() != (fingerprint.PACKAGE_DIR / module).read_bytes()
    assert (_key(package), stamp(package), fingerprint.gate_fingerprint(package.parent)) == before


def test_code_in_exact_changes_the_key_the_stamp_and_the_gate(package, stamp):
    before = (_key(package), stamp(package), fingerprint.gate_fingerprint(package.parent))
    path = package / "computation" / "exact.py"
    path.write_text(path.read_text(encoding="utf-8") + "\nPROBE = 1\n", encoding="utf-8")
    after = (_key(package), stamp(package), fingerprint.gate_fingerprint(package.parent))
    assert [a != b for a, b in zip(after, before)] == [True, True, True]


def test_code_in_plots_changes_the_stamp_not_the_result_key(package, stamp):
    """The chapters show what plots/ draws (the book re-executes); no fit or cached result is recomputed."""
    before = (_key(package), stamp(package), fingerprint.gate_fingerprint(package.parent))
    path = package / "presentation" / "plots" / "style.py"
    path.write_text(path.read_text(encoding="utf-8") + "\nPROBE = 1\n", encoding="utf-8")
    key, st, gate = _key(package), stamp(package), fingerprint.gate_fingerprint(package.parent)
    assert key == before[0] and gate == before[2]
    assert st != before[1]


@pytest.mark.parametrize("layer", ["computation", "presentation", "entry"])
def test_every_layer_is_where_its_code_is_hashed(package, layer):
    """Code of each computation module is in the result key; code of each other module is not, but in the stamp's
    package digest.
    """
    for name in sorted(fingerprint.LAYERS[layer]):
        path = package / layer / f"{name}.py"
        original = path.read_bytes()
        before = (_key(package), fingerprint.package_digest(package))
        path.write_bytes(original + b"\nPROBE = 1\n")
        after = (_key(package), fingerprint.package_digest(package))
        path.write_bytes(original)
        assert after[1] != before[1], name
        assert (after[0] != before[0]) == (layer == "computation"), name


def test_a_module_in_no_layer_is_computation(package):
    """A new module counts in the result key until it is given a layer (a new key, never a stale number)."""
    before = _key(package)
    (package / "newmodule.py").write_text("X = 1\n", encoding="utf-8")
    assert _key(package) != before


def test_the_key_still_holds_the_machine_and_the_libraries(monkeypatch):
    """The arithmetic (BLAS kernel, threads, SIMD) and the library versions stay in the key."""
    before = cache.key("x", None, {})
    real = cache.versions()
    assert {"blas", "simd", "numpy", "pymc", "python"} <= set(real)
    for part in ("blas", "simd", "numpy"):
        monkeypatch.setattr(cache, "versions", lambda part=part: {**real, part: "other"})
        assert cache.key("x", None, {}) != before, part


def test_the_gate_fingerprint_reads_the_inputs(tmp_path):
    """An input file's values are in the gate fingerprint; its YAML layout is not."""
    root = tmp_path / "repo"
    for name in fingerprint.GATE_FINGERPRINT_FILES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, root / name)
    before = fingerprint.gate_fingerprint(root)
    assert before == fingerprint.gate_fingerprint(ROOT)
    yaml_file = root / "model/data/assumptions.yaml"
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert fingerprint.gate_fingerprint(root) == before
    with open(root / "model/data/events.csv", "a", encoding="utf-8") as f:
        f.write("\n")
    assert fingerprint.gate_fingerprint(root) != before
