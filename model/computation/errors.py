"""Errors that reach a user: one line naming the file, the field and the fix."""

from __future__ import annotations

from pathlib import Path

MAX_SHOWN: int = 200
"""Longest excerpt of a user's value (or path) quoted in a message; longer ones are cut with '…'."""


def clean(text: object, limit: int = MAX_SHOWN) -> str:
    """``text`` with every non-printable character (newline, tab, ESC, ...) escaped as ``repr`` does.

    Printable non-ASCII (Chinese, accents) is kept. The result is one line and at most about
    ``limit`` characters long.

    Parameters
    ----------
    text : anything; its ``str`` is used
    limit : longest excerpt kept (characters)

    Returns
    -------
    str
    """
    s = str(text)
    if len(s) > limit:
        s = s[:limit] + "…"
    if s.isprintable():
        return s
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in s)


def quote(value: object, limit: int = 60) -> str:
    r"""A user's value quoted ``repr``-style (``'a\\nb'``), cut to about ``limit`` characters.

    Parameters
    ----------
    value : anything; its ``str`` is used
    limit : longest excerpt kept (characters)

    Returns
    -------
    str
    """
    s = str(value)
    if len(s) > limit:
        return repr(s[:limit]) + "…"
    return repr(s)


class InputError(ValueError):
    """Bad user input: malformed file, impossible value, unknown key.

    Parameters
    ----------
    file : path of the offending input file (or the option or variable that named it)
    field : dotted path of the offending field (or ``line N, column C`` for CSV files)
    problem : what is wrong, in a few words
    fix : what the user should do

    Every part is escaped (:func:`clean`): the message is one line whatever the input holds.
    """

    def __init__(self, file: str | Path, field: str, problem: str, fix: str) -> None:
        self.file = clean(file, 400)
        self.field = clean(field)
        self.problem = clean(problem, 400)
        self.fix = clean(fix, 400)
        super().__init__(f"{self.file}: {self.field}: {self.problem}; fix: {self.fix}")


def cell_error(file: str | Path, line: int, column: str, problem: str, fix: str) -> InputError:
    """The error of one cell of a CSV input file: its field is ``line N, column C``.

    Parameters
    ----------
    file : str or pathlib.Path
        The file as the user named it.
    line : int
        The line of the file (1 is the header).
    column : str
        The column's name.
    problem, fix : str
        As for :class:`InputError`.

    Returns
    -------
    InputError
        To be raised by the caller.
    """
    return InputError(file, f"line {line}, column {column}", problem, fix)


class ConvergenceError(RuntimeError):
    """MCMC diagnostics failed (divergences, r_hat or ESS out of bounds)."""
