"""What a result depends on, as digests: the one place every cache key, staleness check and build stamp hashes.

Three users, three digests of the package's source:

* the **result cache** (:func:`model.computation.cache.key`) hashes :func:`computation_digest`: the meaning
  (:func:`python_meaning`) of every module of the computation layer (:data:`COMPUTATION`, the
  package's root, and any module outside a layer's folder). Editing a comment, a docstring or the layout of any
  module, or any
  code of the presentation layer (:data:`PRESENTATION`: plots, tables, report formatting, facts) or
  of the entry points (:data:`ENTRY`), or the book's prose, recomputes no fit.
* the **gate sweep** (``benchmarks/gate_sweep.json``) is stale when :func:`gate_fingerprint`, the
  meaning of :data:`GATE_FINGERPRINT_FILES` (the inputs and both inference paths), has changed.
* the **build stamp** (:func:`model.entry.book.build_stamp`, which decides whether the book re-executes
  its chapters) hashes :func:`package_digest`: the meaning of *every* module, presentation
  included, because the chapters show what the presentation layer draws and writes.

A module's layer is its folder (``model/computation/``, ``model/presentation/``, ``model/entry/``;
``tests/test_layers.py`` checks that imports point down only), so putting a new module in a folder also
decides which digests see it.
Standard library and PyYAML only: this module is imported by the cache and must stay cheap.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
ROOT = PACKAGE_DIR.parent

LAYER_DIRS: tuple[str, ...] = ("computation", "presentation", "entry")
"""The package's layers, lowest first, each a folder of ``model/``; a module may import only from its own
layer, a lower one, or the package's root (``model/__init__.py``, which counts as computation)."""


def layer_modules(layer: str, package: Path = PACKAGE_DIR) -> frozenset[str]:
    """The modules in one layer's folder, as paths relative to it without ``.py`` (``exact``, ``checks/sbc``).

    The layer's own ``__init__`` is left out; a subpackage's (``checks/__init__``) is in.

    Parameters
    ----------
    layer : str
        One of :data:`LAYER_DIRS`.
    package : pathlib.Path
        The package directory (default: this package's).

    Returns
    -------
    frozenset of str
        POSIX paths relative to the layer's folder, without suffix.
    """
    folder = package / layer
    files = (p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)
    return frozenset(p.relative_to(folder).with_suffix("").as_posix() for p in files) - {"__init__"}


COMPUTATION: frozenset[str] = layer_modules("computation")
"""Modules whose code can change a number: every result-cache key hashes their meaning."""
PRESENTATION: frozenset[str] = layer_modules("presentation")
"""Modules that format, draw and write results: the build stamp sees them, the result cache does not."""
ENTRY: frozenset[str] = layer_modules("entry")
"""Entry points (command line, the chapters' set-up): the build stamp sees them, the result cache does not."""
LAYERS: dict[str, frozenset[str]] = {"computation": COMPUTATION, "presentation": PRESENTATION, "entry": ENTRY}
"""The package's layers, lowest first, by folder."""

GATE_FINGERPRINT_FILES: tuple[str, ...] = (
    "model/data/article.yaml",
    "model/data/assumptions.yaml",
    "model/data/events.csv",
    "model/data/quarters.csv",
    "model/computation/likelihood.py",
    "model/computation/measurement.py",
    "model/computation/mcmc.py",
    "model/computation/mcmc_result.py",
    "model/computation/gates.py",
    "model/computation/exact.py",
    "model/computation/exact_prior.py",
    "model/computation/priors.py",
    "model/computation/prior_families.py",
    "model/computation/elicitation.py",
)
"""What the gate's false-alarm rate depends on (relative to the repository root): the inputs and the code of
both inference paths."""
GATE_REFRESH = "python scripts/gate_seed_sweep.py --seeds 100"
"""The command that re-measures the gate and rewrites ``benchmarks/gate_sweep.json`` with the current fingerprint."""


def python_meaning(source: str) -> str:
    """What Python source means, as text that is the same on every interpreter (3.11 to 3.13).

    The syntax tree without docstrings, written the way Python 3.11's ``ast.dump`` writes it
    (``Name(id='x', ctx=Load())``): layout, comments and docstrings do not change it, code does.
    ``ast.dump`` itself differs by version (3.12 adds ``type_params=[]``, 3.13 drops empty fields),
    so this writes the tree itself: fields in ``_fields`` order, optional fields left out when
    None, and fields that newer versions added left out while empty. Self-contained (standard
    library only) so that a test can run it on each installed interpreter.

    Parameters
    ----------
    source : str
        The text of a Python module.

    Returns
    -------
    str
        The module's syntax tree without docstrings, in one interpreter-independent notation.
    """
    import ast

    added_since_311 = {"type_params"}  # fields that 3.11's syntax cannot fill

    def strip_docstrings(tree: ast.AST) -> None:
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
                if isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
                    node.body = body[1:] or [ast.Pass()]

    def write(node: object) -> str:
        if isinstance(node, ast.AST):
            cls = type(node)
            args = []
            for name in cls._fields:
                if not hasattr(node, name):
                    continue
                value = getattr(node, name)
                if value is None and getattr(cls, name, ...) is None:
                    continue  # an optional field left empty
                if name in added_since_311 and value == []:
                    continue
                args.append(f"{name}={write(value)}")
            return f"{cls.__name__}({', '.join(args)})"
        if isinstance(node, list):
            return f"[{', '.join(write(x) for x in node)}]"
        return repr(node)

    tree = ast.parse(source)
    strip_docstrings(tree)
    return write(tree)


@functools.lru_cache(maxsize=512)
def _meaning_digest(name: str, data: bytes) -> str:
    """sha256 of :func:`canonical_bytes`, memoised by the file's name and bytes."""
    return hashlib.sha256(canonical_bytes(name, data)).hexdigest()


def canonical_bytes(name: str, data: bytes) -> bytes:
    """What a file means, not how it is laid out: Python as :func:`python_meaning`, YAML as sorted JSON.

    Any other file (CSV, Markdown) is its bytes.

    Parameters
    ----------
    name : str
        The file's name (its suffix decides the reading).
    data : bytes
        The file's bytes.

    Returns
    -------
    bytes
        :func:`python_meaning` (UTF-8) for ``.py``, sorted JSON for ``.yaml``/``.yml``, else ``data``.
    """
    if name.endswith(".py"):
        return python_meaning(data.decode("utf-8")).encode()
    if name.endswith((".yaml", ".yml")):
        import yaml

        return json.dumps(yaml.safe_load(data), sort_keys=True, default=str).encode()
    return data


def meaning_digest(path: Path) -> str:
    """sha256 of the meaning of one file (:func:`canonical_bytes`); parsed once per distinct content.

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    str
        Hex digest, 64 characters.
    """
    data = path.read_bytes()
    return _meaning_digest(path.name, data)


def layer_of(path: Path, package: Path = PACKAGE_DIR) -> str:
    """The layer of a module of ``package``: its folder's, when that is a layer; anything else is computation.

    The package's root modules (``__init__``, ``__main__``) and a module put in no layer's folder count as
    computation (a new cache key rather than a stale number).

    Parameters
    ----------
    path : pathlib.Path
        A module inside ``package``.
    package : pathlib.Path
        The package directory (default: this package's).

    Returns
    -------
    str
        One of :data:`LAYER_DIRS`.
    """
    parts = path.relative_to(package).parts
    return parts[0] if len(parts) > 1 and parts[0] in LAYER_DIRS else "computation"


def module_files(package: Path = PACKAGE_DIR, layers: tuple[str, ...] = LAYER_DIRS) -> list[Path]:
    """The package's ``*.py`` files whose layer (:func:`layer_of`) is in ``layers``, sorted.

    Parameters
    ----------
    package : pathlib.Path
        The package directory (default: this package's).
    layers : tuple of str
        Layers to include (default: all).

    Returns
    -------
    list of pathlib.Path
        Sorted paths, ``__pycache__`` left out.
    """
    files = (p for p in package.rglob("*.py") if "__pycache__" not in p.parts)
    return sorted(p for p in files if layer_of(p, package) in layers)


def modules_digest(package: Path, layers: tuple[str, ...] = LAYER_DIRS) -> str:
    """sha256 over the relative paths and meanings of the package's modules in ``layers``, sorted by path.

    Parameters
    ----------
    package : pathlib.Path
        The package directory.
    layers : tuple of str
        The layer folders to include (:func:`layer_of`).

    Returns
    -------
    str
        Hex digest, 64 characters.
    """
    h = hashlib.sha256()
    for path in module_files(package, layers):
        rel = path.relative_to(package).as_posix()
        h.update(rel.encode() + b"\0" + meaning_digest(path).encode() + b"\0")
    return h.hexdigest()


def computation_digest(package: Path = PACKAGE_DIR) -> str:
    """The meaning of every module that can change a number: the computation layer and the package's root.

    Parameters
    ----------
    package : pathlib.Path
        The package directory (default: this package's).

    Returns
    -------
    str
        Hex digest (:func:`modules_digest`), the result cache's source key.
    """
    return modules_digest(package, ("computation",))


def package_digest(package: Path = PACKAGE_DIR) -> str:
    """The meaning of every module of the package, presentation and entry points included (the build stamp).

    Parameters
    ----------
    package : pathlib.Path
        As for :func:`computation_digest`.

    Returns
    -------
    str
        Hex digest (:func:`modules_digest`) of all three layers.
    """
    return modules_digest(package)


def file_digest(path: Path | str) -> str:
    """sha256 of a file's bytes (an input file, the stored gate sweep).

    Parameters
    ----------
    path : pathlib.Path or str
        The file.

    Returns
    -------
    str
        Hex digest, 64 characters.
    """
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def files_digest(directory: Path, pattern: str = "*") -> str:
    """sha256 over the relative names and bytes of the files under ``directory`` matching ``pattern``, sorted by name.

    Parameters
    ----------
    directory : pathlib.Path
        Searched recursively; a missing directory has no files.
    pattern : str
        Glob pattern of the file names (default: every file).

    Returns
    -------
    str
        Hex digest, or ``''`` when no file matches.
    """
    files = sorted(p for p in directory.rglob(pattern) if p.is_file()) if directory.is_dir() else []
    if not files:
        return ""
    h = hashlib.sha256()
    for path in files:
        h.update(str(path.relative_to(directory)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def gate_fingerprint(root: Path = ROOT) -> str:
    """SHA-256 over the meaning of :data:`GATE_FINGERPRINT_FILES`: a stored sweep with another is stale.

    Reformatting, comments and docstrings leave it unchanged; any change of code or input does not.

    Parameters
    ----------
    root : pathlib.Path
        The repository root the file names are relative to.

    Returns
    -------
    str
        Hex digest, 64 characters (the ``fingerprint`` field of ``benchmarks/gate_sweep.json``).
    """
    h = hashlib.sha256()
    for name in GATE_FINGERPRINT_FILES:
        h.update(name.encode() + b"\0" + canonical_bytes(name, (root / name).read_bytes()))
    return h.hexdigest()


def gate_staleness(stored: str, root: Path = ROOT) -> str | None:
    """None when a stored gate sweep's fingerprint is current, else one line naming the command that refreshes it.

    Parameters
    ----------
    stored : str
        The ``fingerprint`` field of ``benchmarks/gate_sweep.json``.
    root : pathlib.Path
        The repository root.

    Returns
    -------
    str or None
        None when current, else one line naming :data:`GATE_REFRESH`.
    """
    if stored == gate_fingerprint(root):
        return None
    return f"benchmarks/gate_sweep.json is stale (the inference code or inputs changed): refresh it with {GATE_REFRESH}"
