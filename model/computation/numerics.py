"""Sums that give the same last bit on every machine.

NumPy's ``@`` and ``dot`` call the BLAS library, whose kernels (chosen per CPU: SkylakeX, Haswell,
...) and thread counts add in different orders, so a dot product's last bits differ between
machines. The exact path's results are printed, compared by nbval and cached, so its reductions
go through these instead: an elementwise product is correctly rounded by IEEE 754 on every CPU, and
:func:`math.fsum` returns the correctly rounded sum, so the result is the exact dot product rounded
once, whatever the machine.
"""

from __future__ import annotations

import math

import numpy as np


def fdot(a: np.ndarray, b: np.ndarray) -> float:
    """The dot product of two 1-D arrays, correctly rounded (the same bits on every machine)."""
    return math.fsum(np.multiply(np.asarray(a, dtype=float), np.asarray(b, dtype=float)).tolist())


def fvecmat(v: np.ndarray, m: np.ndarray) -> np.ndarray:
    """``v @ m`` for a vector and a matrix, each entry correctly rounded."""
    v, m = np.asarray(v, dtype=float), np.asarray(m, dtype=float)
    return np.array([fdot(v, m[:, j]) for j in range(m.shape[1])])


def fsum(a: np.ndarray) -> float:
    """The correctly rounded sum of an array's entries."""
    return math.fsum(np.asarray(a, dtype=float).ravel().tolist())
