"""Matrices and vectors as plain lists, for the matrix form of backpropagation.

A vector is a list of numbers, a matrix a list of rows. Each operation checks the shapes it
needs and raises `ShapeError` saying which sizes did not fit.
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
    "hadamard",
    "matvec",
    "outer",
    "relative_error",
    "shape",
    "transpose",
]

Vector = list[float]
Matrix = list[list[float]]


def shape(x: Sequence[Any]) -> tuple[int, ...]:
    """(rows, columns) of a matrix (a list of rows) or (entries,) of a vector. Every row of a
    matrix must have as many entries as the first."""
    if not x or not isinstance(x[0], (list, tuple)):
        return (len(x),)
    columns = len(x[0])
    for i, row in enumerate(x):
        if not isinstance(row, (list, tuple)) or len(row) != columns:
            entries = f"{len(row)} entries" if isinstance(row, (list, tuple)) else repr(row)
            raise ShapeError(
                f"a ragged matrix: row {i} has {entries}, row 0 has {columns}; every row of a"
                " matrix needs the same number of entries"
            )
    return (len(x), columns)


def transpose(matrix: Matrix) -> Matrix:
    """M^T: row j of the result is column j of M."""
    shape(matrix)
    return [list(column) for column in zip(*matrix)]


def matvec(matrix: Matrix, vector: Vector) -> Vector:
    """M v: entry j is sum_k M_jk v_k. M must have as many columns as v has entries."""
    if len(shape(matrix)) != 2:
        raise ShapeError(
            f"matvec: the first argument must be a matrix (a list of rows), got {matrix!r}"
        )
    rows, columns = shape(matrix)
    if columns != len(_vector(vector, "matvec")):
        raise ShapeError(
            f"matvec: a {rows}x{columns} matrix times a vector of {len(vector)} entries; the"
            f" vector needs {columns} entries (check which matrix, and whether it is transposed)"
        )
    return [sum(m * v for m, v in zip(row, vector)) for row in matrix]


def hadamard(u: Vector, v: Vector) -> Vector:
    """u ⊙ v: the entry-by-entry product of two vectors of the same length."""
    if len(_vector(u, "hadamard")) != len(_vector(v, "hadamard")):
        raise ShapeError(
            f"hadamard: vectors of {len(u)} and {len(v)} entries; ⊙ needs equal lengths"
            " (both factors must belong to the same layer)"
        )
    return [a * b for a, b in zip(u, v)]


def outer(u: Vector, v: Vector) -> Matrix:
    """u v^T: entry (j, k) is u_j v_k."""
    return [[a * b for b in _vector(v, "outer")] for a in _vector(u, "outer")]


def _vector(x: Any, where: str) -> Sequence[Any]:
    """x itself when it is a vector (a list or tuple of numbers), else a ShapeError."""
    if not isinstance(x, (list, tuple)):
        raise ShapeError(
            f"{where}: each operand must be a vector (a list of numbers), got"
            f" {type(x).__name__} {x!r}"
        )
    if x and isinstance(x[0], (list, tuple)):
        raise ShapeError(
            f"{where}: each operand must be a vector (a list of numbers), got a matrix of shape"
            f" {shape(x)}"
        )
    return x


def relative_error(a: float, b: float) -> float:
    """|a - b| / max(|a|, |b|), and 0 when both are 0."""
    a = as_float(a, "relative_error: a")  # math.fabs would drop a complex's imaginary part
    b = as_float(b, "relative_error: b")
    scale = max(math.fabs(a), math.fabs(b))
    return math.fabs(a - b) / scale if scale else 0.0
