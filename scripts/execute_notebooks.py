"""Re-execute the book's notebooks in place, top to bottom in a fresh kernel each.

Run after a deliberate change of numbers (assumptions, evidence, model code), review the
diff of the stored outputs, and commit: the stored outputs are nbval's reference.

    python scripts/execute_notebooks.py            # all notebooks
    python scripts/execute_notebooks.py 04_inference

Fails when a cell writes to stderr: readers would see it in the book.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1] / "notebooks"


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=1800, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)  # timestamps: noise in every diff
        for out in cell.get("outputs", []):
            if out.get("name") == "stderr":
                raise SystemExit(f"{path.name}: cell {i} wrote to stderr: {out['text'][:200]!r}")
    nbformat.write(nb, path)
    print(f"{path.name}: executed in {time.perf_counter() - start:.0f} s")


def main(names: list[str]) -> None:
    paths = [ROOT / f"{n.removesuffix('.ipynb')}.ipynb" for n in names] if names else sorted(ROOT.glob("*.ipynb"))
    for p in paths:
        execute(p)


if __name__ == "__main__":
    main(sys.argv[1:])
