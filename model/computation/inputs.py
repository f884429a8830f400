"""One reading path for every input file: path checks, size caps, decoding, YAML and CSV parsing.

Every OS, decoding and parsing problem becomes one :class:`model.computation.errors.InputError` line
naming the file, the field and the fix. Nothing here ever writes to an input file.

Limits (documented in the README, "Input limits and exit codes"):
"""

from __future__ import annotations

import csv
import io
import os
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, cell_error, quote

MAX_PATH_CHARS: int = 4096
"""Longest accepted path (characters)."""
MAX_CSV_BYTES: int = 5_000_000
"""Largest accepted events or quarters file."""
MAX_YAML_BYTES: int = 256_000
"""Largest accepted assumptions file (the shipped one is about 10 kB; parsing 256 kB takes about 2 s)."""

MAX_YAML_DEPTH: int = 20
"""Deepest accepted YAML nesting (the shipped file nests 4 deep)."""

MAX_INT_DIGITS: int = 40
"""Longest accepted integer literal in YAML (digits)."""

__doc__ += f"""
* paths up to {MAX_PATH_CHARS:,} characters, naming a regular file (not a directory or device);
* assumptions YAML up to {MAX_YAML_BYTES:,} bytes, nested at most {MAX_YAML_DEPTH} deep, integers up
  to {MAX_INT_DIGITS} digits, no duplicate keys, no aliases (``*name``);
* CSV files up to {MAX_CSV_BYTES:,} bytes; row caps in :mod:`model.computation.evidence`.

Text is UTF-8, with or without a byte-order mark (Excel's "CSV UTF-8").
"""


@dataclass(frozen=True)
class InputPath:
    """A path as the user gave it, with where it came from (an option, a variable, or the default)."""

    path: Path
    given: str
    """The text the user gave (before resolution against ``$PWD``)."""
    origin: str | None = None
    """``--assumptions`` (an option or a Python argument), ``H20_ASSUMPTIONS`` (a variable) or None (shipped file)."""

    def __str__(self) -> str:
        """The resolved path."""
        return str(self.path)

    def __fspath__(self) -> str:
        """The resolved path (``open`` and ``os`` functions take an InputPath)."""
        return str(self.path)

    @property
    def from_env(self) -> bool:
        """Whether an environment variable gave the path."""
        return bool(self.origin) and not str(self.origin).startswith("-")

    @property
    def label(self) -> str:
        """How to name the file in an error about the file itself (not its content)."""
        if self.from_env:
            return f"{self.origin}={self.given}"
        if not self.given and self.origin:
            return f"{self.origin} ''"
        return self.given

    @property
    def shown(self) -> str:
        """How to name the file in an error about its content: the path, and the variable that gave it."""
        return f"{self.path} (from {self.origin})" if self.from_env else str(self.path)

    def where(self) -> str:
        """Fix text: where the path came from.

        Returns
        -------
        str
        """
        if self.from_env:
            return (
                f"set {self.origin} to an existing file "
                "(relative paths start from the directory you ran the command in), or unset it"
            )
        if self.origin:
            return f"check the path given to {self.origin}"
        return "check the path"


def resolve_input(value: str | os.PathLike[str] | InputPath | None, option: str, env_var: str) -> InputPath | None:
    """The file a user means: ``value`` (an option), else ``$env_var``, else None (the shipped file).

    An empty variable means unset; an empty option is kept (and rejected when read). A relative
    path from the variable is resolved against ``$PWD`` (the directory the user ran
    ``jupyter-book build`` in; notebook kernels run in ``notebooks/``), then the working directory.

    Parameters
    ----------
    value : the option's value (None: not given)
    option : the option's name, for messages (``--assumptions``)
    env_var : the variable consulted when the option is not given (``H20_ASSUMPTIONS``)

    Returns
    -------
    InputPath or None
        None when neither is given.
    """
    if isinstance(value, InputPath):
        return value
    if value is not None:
        return InputPath(Path(value) if str(value) else Path(""), str(value), option)
    text = os.environ.get(env_var, "")
    if not text:
        return None
    return InputPath(_from_user_dir(text), text, env_var)


def _from_user_dir(text: str) -> Path:
    p = Path(text)
    if "\0" in text or p.is_absolute():
        return p
    try:
        cwd = Path.cwd()
    except OSError:
        cwd = None
    pwd = os.environ.get("PWD")
    bases = [Path(b) for b in (pwd, cwd) if b and Path(b).is_absolute()]
    if not bases or (cwd is not None and bases[0] == cwd):
        return p
    try:
        for b in bases:
            if (b / p).exists():
                return b / p
    except (OSError, ValueError):
        pass
    return bases[0] / p


def as_input(path: str | os.PathLike[str] | InputPath | None, default: Path) -> InputPath:
    """``path`` as an :class:`InputPath` (``None``: the shipped ``default``).

    Parameters
    ----------
    path : a path, an :class:`InputPath`, or None
    default : the shipped file

    Returns
    -------
    InputPath
    """
    if isinstance(path, InputPath):
        return path
    if path is None:
        return InputPath(default, str(default), None)
    return InputPath(Path(path) if str(path) else Path(""), str(path), None)


def _check_path(src: InputPath) -> None:
    """The path as text: not empty, no NUL, not over the length cap."""
    label, field = src.label, "(file)"
    given = src.given
    if not given.strip():
        raise InputError(
            label,
            field,
            "empty path",
            f"give a file name, or leave {src.origin or 'the option'} out to use the shipped file",
        )
    if "\0" in given:
        raise InputError(label, field, "path contains a NUL character", src.where())
    if len(given) > MAX_PATH_CHARS or len(str(src.path)) > MAX_PATH_CHARS:
        raise InputError(label, field, f"path is {len(given):,} characters long (cap {MAX_PATH_CHARS:,})", src.where())


def _stat(src: InputPath) -> os.stat_result:
    """``os.stat`` of the path, every failure as an :class:`InputError`."""
    label, field = src.label, "(file)"
    try:
        st = os.stat(src.path)
    except FileNotFoundError:
        raise InputError(
            label,
            field,
            "file not found",
            src.where() + (f" (looked for {quote(str(src.path), 200)})" if src.from_env else ""),
        ) from None
    except NotADirectoryError:
        raise InputError(label, field, "file not found (a part of the path is not a directory)", src.where()) from None
    except PermissionError:
        raise InputError(
            label,
            field,
            "permission denied on a directory of the path",
            "make the file readable (chmod) or copy it somewhere readable",
        ) from None
    except OSError as exc:
        raise InputError(label, field, f"cannot open ({exc.strerror or type(exc).__name__})", src.where()) from None
    except ValueError as exc:  # embedded NUL and similar
        raise InputError(label, field, f"not a usable path ({exc})", src.where()) from None
    return st


def _check_kind(src: InputPath, st: os.stat_result, max_bytes: int, kind: str) -> None:
    """A regular file under the size cap."""
    label, field = src.label, "(file)"
    if stat.S_ISDIR(st.st_mode):
        raise InputError(label, field, "is a directory, not a file", f"name the {kind} file inside it; " + src.where())
    if not stat.S_ISREG(st.st_mode):
        raise InputError(
            label,
            field,
            "not a regular file (a device, pipe or socket)",
            f"save the {kind} to a file and give its path",
        )
    if st.st_size > max_bytes:
        raise InputError(
            label,
            field,
            f"file is {st.st_size:,} bytes, over the cap of {max_bytes:,}",
            f"give a {kind} file under {max_bytes:,} bytes (see README, Input limits)",
        )


def _read_bytes(src: InputPath, max_bytes: int, kind: str) -> bytes:
    """At most ``max_bytes`` bytes (one more tells a file that grew past the cap since ``stat``)."""
    label, field = src.label, "(file)"
    try:
        with open(src.path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except PermissionError:
        raise InputError(
            label, field, "permission denied", "make the file readable (chmod u+r) or copy it somewhere readable"
        ) from None
    except OSError as exc:
        raise InputError(label, field, f"cannot read ({exc.strerror or type(exc).__name__})", src.where()) from None
    if len(data) > max_bytes:
        raise InputError(
            label,
            field,
            f"file is over the cap of {max_bytes:,} bytes",
            f"give a {kind} file under {max_bytes:,} bytes (see README, Input limits)",
        )
    return data


def _decode(src: InputPath, data: bytes, kind: str) -> str:
    """UTF-8 text (a byte-order mark is dropped), or the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            src.shown,
            f"line {line}",
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            f"save the file as UTF-8 ({kind} UTF-8 in Excel)",
        ) from None


def read_input_text(src: InputPath, max_bytes: int, kind: str) -> str:
    """The decoded text of an input file, or an :class:`InputError` naming what is wrong with it.

    Parameters
    ----------
    src : the file, as the user named it
    max_bytes : size cap
    kind : "YAML" or "CSV" (for the fix texts)

    Returns
    -------
    str

    Raises
    ------
    InputError
        Empty or over-long path, no such file, not a regular file, over the cap, unreadable, not UTF-8.
    """
    _check_path(src)
    _check_kind(src, _stat(src), max_bytes, kind)
    return _decode(src, _read_bytes(src, max_bytes, kind), kind)


# --------------------------------------------------------------------------- CSV


def _csv_header(reader, file: str, required: tuple[str, ...]) -> list[str]:
    """The stripped header: present, no duplicate names, every required column."""
    header = next(reader, None)
    if header is None:
        raise InputError(
            file,
            "(header)",
            "the file is empty",
            f"start from a copy of the shipped file; the header needs {list(required)}",
        )
    header = [h.strip() for h in header]
    dups = sorted({h for h in header if header.count(h) > 1 and h})
    if dups:
        raise InputError(file, f"column {dups[0]}", "appears twice in the header", "keep one column of each name")
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(file, f"column {missing[0]}", "missing from the header", f"add the columns {list(required)}")
    return header


def _check_row(file: str, line: int, header: list[str], fields: list[str], n_before: int, cap: tuple[int, str]) -> None:
    """As many fields as the header, within the row cap, no control characters but tabs and line breaks."""
    if len(fields) != len(header):
        raise InputError(
            file,
            f"line {line}",
            f"wrong number of fields ({len(fields)}, header has {len(header)})",
            "quote fields that contain commas",
        )
    max_rows, what = cap
    if n_before >= max_rows:
        raise InputError(
            file,
            f"line {line}",
            f"more than {max_rows:,} {what} (the cap)",
            f"keep at most {max_rows:,} {what} per file (see README, Input limits)",
        )
    for col, value in zip(header, fields, strict=True):
        if not value.isprintable() and any(c not in "\t\r\n" and unicodedata.category(c) == "Cc" for c in value):
            raise cell_error(
                file,
                line,
                col,
                f"control character in {quote(value)}",
                "remove it (only tabs and line breaks may appear in text)",
            )


def read_csv_rows(
    src: InputPath, required: tuple[str, ...], max_rows: int, what: str
) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV file as (line number, {column: text}); rows whose every field is empty are skipped.

    Parameters
    ----------
    src : the file, as named by the user (:class:`InputPath`)
    required : columns that must be in the header
    max_rows : cap on the number of data rows
    what : what a row is ("events", "periods"), for the message

    Returns
    -------
    list of tuple
        (line number, {column: text}) per data row.

    Raises
    ------
    InputError
        As :func:`read_input_text`; an empty file, a missing or repeated column, a row of the wrong
        width, a control character, more rows than the cap, malformed CSV.
    """
    text = read_input_text(src, MAX_CSV_BYTES, "CSV")
    file = src.shown
    out: list[tuple[int, dict[str, str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = _csv_header(reader, file, required)
        start = reader.line_num + 1
        for fields in reader:
            line, start = start, reader.line_num + 1
            if not fields or all(not f.strip() for f in fields):
                continue
            _check_row(file, line, header, fields, len(out), (max_rows, what))
            out.append((line, dict(zip(header, fields, strict=True))))
    except csv.Error as exc:
        raise InputError(
            file, f"line {reader.line_num}", f"malformed CSV ({exc})", "save it as UTF-8 CSV with quoted fields"
        ) from None
    return out
