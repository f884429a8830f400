"""Errors that reach a user: one line naming the file, the field and the fix."""

from __future__ import annotations

from pathlib import Path


class InputError(ValueError):
    """Bad user input: malformed file, impossible value, unknown key.

    Parameters
    ----------
    file : path of the offending input file
    field : dotted path of the offending field (or ``row N, column C`` for CSV files)
    problem : what is wrong, in a few words
    fix : what the user should do
    """

    def __init__(self, file: str | Path, field: str, problem: str, fix: str) -> None:
        self.file = str(file)
        self.field = field
        self.problem = problem
        self.fix = fix
        super().__init__(f"{self.file}: {field}: {problem}; fix: {fix}")


class ConvergenceError(RuntimeError):
    """MCMC diagnostics failed (divergences, r_hat or ESS out of bounds)."""
