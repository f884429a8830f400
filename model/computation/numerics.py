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
    """The dot product of two 1-D arrays, correctly rounded (the same bits on every machine).

    Parameters
    ----------
    a, b : numpy.ndarray
        1-D arrays of the same length.

    Returns
    -------
    float
        ``sum(a * b)`` rounded once.
    """
    return math.fsum(np.multiply(np.asarray(a, dtype=float), np.asarray(b, dtype=float)).tolist())


def fvecmat(v: np.ndarray, m: np.ndarray) -> np.ndarray:
    """``v @ m`` for a vector and a matrix, each entry correctly rounded.

    Parameters
    ----------
    v : numpy.ndarray
        Vector, shape (n,).
    m : numpy.ndarray
        Matrix, shape (n, k).

    Returns
    -------
    numpy.ndarray
        Shape (k,): entry ``j`` is :func:`fdot` of ``v`` and column ``j``.
    """
    v, m = np.asarray(v, dtype=float), np.asarray(m, dtype=float)
    return np.array([fdot(v, m[:, j]) for j in range(m.shape[1])])


def fsum(a: np.ndarray) -> float:
    """The correctly rounded sum of an array's entries.

    Parameters
    ----------
    a : numpy.ndarray
        Any shape.

    Returns
    -------
    float
        The sum of every entry, rounded once.
    """
    return math.fsum(np.asarray(a, dtype=float).ravel().tolist())
