"""Re-apply the renames of ``pipeline.Analysis`` (issue 21, item 5) to any tree; the lead deletes it after merging.

Names now say which path a number comes from: ``_exact`` (the quadrature of :mod:`model.computation.exact`) or
``_mc`` (a forward Monte Carlo summary with its standard error).

    old                          new
    an.prior                     an.exact_prior               (an ExactPrior, not the priors)
    an.exact                     an.exact_posterior
    an.prior_share               an.prior_share_mc
    an.prior_usd                 an.prior_usd_mc
    an.post_draws                an.posterior_draws
    an.post_share                an.posterior_share_mc
    an.post_usd                  an.posterior_usd_mc
    an.posterior_share()         an.posterior_share_exact()
    an.posterior_usd()           an.posterior_usd_exact()
    (an.prior_share_exact(), an.prior_usd_exact(), an.prior_draws: unchanged)

``prior`` and ``exact`` are common attribute names (``Agreement.exact``, ``PriorSensitivity.prior``), so those two
are renamed only after a receiver that holds an ``Analysis`` in this code base (``an``, ``analysis``,
``analysis_exact``, ``analysis()``, ``analyse(...)``, ``analyse_exact(...)``); the other names belong to
``Analysis`` alone. Idempotent: a second run changes nothing.

    python scripts/_rename_results.py            # rewrite model/ tests/ scripts/ benchmarks/ book/ notebooks/
    python scripts/_rename_results.py --check    # list what would change, exit 1 if anything would
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("model", "tests", "scripts", "benchmarks", "book", "notebooks")
SUFFIXES = {".py", ".ipynb", ".md"}
RECEIVER = r"(?<!\w)(?:an|analysis|analysis_exact|analysis\([^()\n]*\)|analyse(?:_exact)?\([^()\n]*\))"

RENAMES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"({RECEIVER})\.prior\b"), r"\1.exact_prior"),
    (re.compile(rf"({RECEIVER})\.exact\b"), r"\1.exact_posterior"),
    (re.compile(r"\.prior_share\b"), ".prior_share_mc"),
    (re.compile(r"\.prior_usd\b"), ".prior_usd_mc"),
    (re.compile(r"\.post_draws\b"), ".posterior_draws"),
    (re.compile(r"\.post_share\b"), ".posterior_share_mc"),
    (re.compile(r"\.post_usd\b"), ".posterior_usd_mc"),
    (re.compile(r"\.posterior_share\b"), ".posterior_share_exact"),
    (re.compile(r"\.posterior_usd\b"), ".posterior_usd_exact"),
]
SKIP = {Path("scripts/_rename_results.py"), Path("model/computation/pipeline.py")}
"""This file, and the module that defines the names (renamed by hand: fields, keywords, ``self.``)."""


def rename(text: str) -> str:
    """``text`` with every rename of :data:`RENAMES` applied, in order.

    Parameters
    ----------
    text : str
        Source text (Python, notebook JSON or Markdown).

    Returns
    -------
    str
        The rewritten text (``text`` itself when nothing matched).
    """
    for pattern, new in RENAMES:
        text = pattern.sub(new, text)
    return text


def main(argv: list[str]) -> int:
    """Rewrite (or with ``--check`` list) every file under :data:`FOLDERS` that a rename changes.

    Parameters
    ----------
    argv : list of str
        Command-line arguments after the script's name: ``[]`` or ``["--check"]``.

    Returns
    -------
    int
        0, or 1 with ``--check`` when some file would change.
    """
    check = "--check" in argv
    changed = []
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*")):
            rel = path.relative_to(ROOT)
            if path.suffix not in SUFFIXES or rel in SKIP or "_build" in rel.parts or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8")
            new = rename(text)
            if new != text:
                changed.append(str(rel))
                if not check:
                    path.write_text(new, encoding="utf-8")
    print("\n".join(changed) or "nothing to rename")
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
