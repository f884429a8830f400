"""Re-execute the book's notebooks in place, top to bottom in a fresh kernel each, and normalise them.

Run after a deliberate change of numbers (assumptions, evidence, model code), review the
diff of the stored outputs, and commit: the stored outputs are nbval's reference.

    python scripts/execute_notebooks.py                 # all notebooks
    python scripts/execute_notebooks.py 04_inference
    python scripts/execute_notebooks.py --normalise     # no execution: only undo what editors changed

Every notebook is written in one normal form (:func:`normalise`), whatever ran it last: the
kernelspec is this project's ``python3``, and what JupyterLab, nbconvert or papermill add (another
kernel name, run timestamps, collapsed or scrolled flags, papermill's metadata and injected
parameter cells, missing or repeated cell ids) is removed. The kernel is this Python with this
checkout first on its path. Fails when a cell writes to stderr: readers would see it in the book.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
ROOT = REPO / "notebooks"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
"""The kernelspec every stored notebook carries (the build runs its own kernel whatever the name: _config.yml)."""
NOTEBOOK_KEYS = ("kernelspec", "language_info")
"""Notebook metadata kept; anything else (papermill, widgets, a notebook-level mystnb or execution
override that would make the build run it differently from pytest) is dropped."""
CELL_KEYS = ("tags", "mystnb")
"""Cell metadata kept (what the book renders); run timestamps, collapsed/scrolled, papermill's are dropped."""
EDITOR_TAGS = frozenset({"parameters", "injected-parameters"})
"""Tags papermill adds; a cell tagged ``injected-parameters`` is papermill's and is removed."""


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` in the stored normal form (in place, returned): see the module docstring."""
    nb.nbformat, nb.nbformat_minor = 4, 5
    meta = {k: nb.metadata[k] for k in NOTEBOOK_KEYS if k in nb.metadata}
    meta["kernelspec"] = dict(KERNELSPEC)
    nb.metadata = nbformat.from_dict(meta)
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    seen: set[str] = set()
    for i, cell in enumerate(nb.cells):
        kept = {k: cell.metadata[k] for k in CELL_KEYS if k in cell.get("metadata", {})}
        tags = [t for t in kept.get("tags", []) if t not in EDITOR_TAGS]
        if tags:
            kept["tags"] = tags
        else:
            kept.pop("tags", None)
        cell.metadata = nbformat.from_dict(kept)
        cid = cell.get("id")
        if not isinstance(cid, str) or not cid or cid in seen:
            cid = f"cell-{i:03d}"
            while cid in seen:
                cid += "x"
            cell.id = cid
        seen.add(cid)
    return nb


def kernel_env() -> None:
    """The kernels this script starts import this checkout's package (a shared venv may hold another)."""
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(REPO), *(p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != str(REPO))]
    )


def execute(path: Path) -> None:
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=1800, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("name") == "stderr":
                raise SystemExit(f"{path.name}: cell {i} wrote to stderr: {out['text'][:200]!r}")
    nbformat.write(normalise(nb), path)
    print(f"{path.name}: executed in {time.perf_counter() - start:.0f} s")


def main(args: list[str]) -> None:
    only_normalise = "--normalise" in args
    names = [a for a in args if a != "--normalise"]
    paths = [ROOT / f"{n.removesuffix('.ipynb')}.ipynb" for n in names] if names else sorted(ROOT.glob("*.ipynb"))
    kernel_env()
    for p in paths:
        if only_normalise:
            nbformat.write(normalise(nbformat.read(p, as_version=4)), p)
            print(f"{p.name}: normalised")
        else:
            execute(p)


if __name__ == "__main__":
    main(sys.argv[1:])
