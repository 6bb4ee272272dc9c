"""Matrices and vectors as plain lists, for the matrix form of backpropagation.

A vector is a list of numbers, a matrix a list of rows (tuples and NumPy arrays are read as
the same). Each operation checks the shapes it needs and raises `ShapeError` saying which
sizes did not fit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ..engine import as_float
from ..errors import ShapeError

__all__ = [
    "Matrix",
    "Vector",
    "as_rows",
    "hadamard",
    "matvec",
    "outer",
    "relative_error",
    "shape",
    "transpose",
]

Vector = list[float]
Matrix = list[list[float]]


def as_rows(x: Any, where: str) -> list[Any]:
    """The entries of a vector or the rows of a matrix: a list, a tuple, or a NumPy array
    (read by its shape); ShapeError naming `where` for anything else (None, a str, a dict, a
    NumPy scalar)."""
    if hasattr(x, "ndim") and hasattr(x, "tolist") and x.ndim:  # an array, without NumPy
        x = x.tolist()
    if not isinstance(x, (list, tuple)):
        raise ShapeError(
            f"{where} must be a vector (a list of numbers) or a matrix (a list of rows), got"
            f" {type(x).__name__} {x!r:.60}"
        )
    return list(x)


def shape(x: Any) -> tuple[int, ...]:
    """(rows, columns) of a matrix (a list of rows) or (entries,) of a vector. Every row of a
    matrix must have as many entries as the first."""
    return _shape(x, "shape: x")


def _shape(x: Any, where: str) -> tuple[int, ...]:
    """`shape` of x, its errors naming `where`."""
    x = as_rows(x, where)
    if not x or not isinstance(x[0], (list, tuple)):
        return (len(x),)
    columns = len(x[0])
    for i, row in enumerate(x):
        if not isinstance(row, (list, tuple)) or len(row) != columns:
            entries = f"{len(row)} entries" if isinstance(row, (list, tuple)) else repr(row)
            raise ShapeError(
                f"{where} is a ragged matrix: row {i} has {entries}, row 0 has {columns}; every"
                " row of a matrix needs the same number of entries"
            )
    return (len(x), columns)


def _matrix(x: Any, where: str) -> list[Any]:
    """x's rows when it is a matrix, else a ShapeError."""
    rows = as_rows(x, where)
    if len(_shape(rows, where)) != 2:
        raise ShapeError(f"{where} must be a matrix (a list of rows), got {x!r:.60}")
    return [as_rows(row, where) for row in rows]


def transpose(matrix: Matrix) -> Matrix:
    """M^T: row j of the result is column j of M (and [] for the empty matrix [])."""
    if not as_rows(matrix, "transpose: matrix"):
        return []
    return [list(column) for column in zip(*_matrix(matrix, "transpose: matrix"))]


def matvec(matrix: Matrix, vector: Vector) -> Vector:
    """M v: entry j is sum_k M_jk v_k. M must have as many columns as v has entries."""
    rows = _matrix(matrix, "matvec: matrix")
    v = _vector(vector, "matvec: vector")
    if len(rows[0]) != len(v):
        raise ShapeError(
            f"matvec: a {len(rows)}x{len(rows[0])} matrix times a vector of {len(v)} entries;"
            f" the vector needs {len(rows[0])} entries (check which matrix, and whether it is"
            " transposed)"
        )
    return [sum(m * x for m, x in zip(row, v)) for row in rows]


def hadamard(u: Vector, v: Vector) -> Vector:
    """u ⊙ v: the entry-by-entry product of two vectors of the same length."""
    left, right = _vector(u, "hadamard: u"), _vector(v, "hadamard: v")
    if len(left) != len(right):
        raise ShapeError(
            f"hadamard: vectors of {len(left)} and {len(right)} entries; ⊙ needs equal lengths"
            " (both factors must belong to the same layer)"
        )
    return [a * b for a, b in zip(left, right)]


def outer(u: Vector, v: Vector) -> Matrix:
    """u v^T: entry (j, k) is u_j v_k."""
    left, right = _vector(u, "outer: u"), _vector(v, "outer: v")
    return [[a * b for b in right] for a in left]


def _vector(x: Any, where: str) -> Sequence[Any]:
    """x's entries when it is a vector (a list, tuple or array of at least one number), else
    a ShapeError naming `where`."""
    entries = as_rows(x, where)
    if not entries:
        raise ShapeError(f"{where} is empty; a vector needs at least one number")
    if len(_shape(entries, where)) != 1:
        raise ShapeError(
            f"{where} must be a vector (a list of numbers), got a matrix of shape"
            f" {_shape(entries, where)}"
        )
    return entries


def relative_error(a: float, b: float) -> float:
    """|a - b| / max(|a|, |b|), and 0 when both are 0."""
    a, b = as_float(a, "relative_error: a"), as_float(b, "relative_error: b")
    scale = max(math.fabs(a), math.fabs(b))
    return math.fabs(a - b) / scale if scale else 0.0
