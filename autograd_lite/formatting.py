"""How numbers and names read, in one place: the drawing, the step-through and the
derivations print the same number the same way.

- `format_number(x, digits)`: `digits` significant digits, scientific when small or large.
- `operand_text(x, digits)`: the same, bracketed when negative, for a number inside a formula:
  `-(-2.000)`, `3.000 * (-0.5000)`, never `--2.000`.
- `NumberTexts(text_of)`: one of these by lookup, each distinct number formatted once.
- `constant_text(x, digits)`: a constant of a formula as written (`2`, `0.5`), or rounded to
  `digits` when it has more (`0.3333`).
- `node_ids(root)` and `sample_names(order)`: the names a picture and a text give the nodes.

This module depends only on the engine, so a text needs no drawing package.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .engine import Value, topological_order
from .errors import DrawError

__all__ = [
    "NumberTexts",
    "check_precision",
    "constant_text",
    "field_text",
    "format_number",
    "node_ids",
    "operand_text",
    "sample_names",
]


def format_number(x: float, digits: int) -> str:
    """`x` to `digits` significant digits, in scientific notation when small or large:
    0.7071, -6.000, 9.000e-7, 1.235e+5 (for digits=4); zero as 0, never -0."""
    if x == 0:
        return "0"
    text = f"{x:#.{digits}g}".rstrip(".")
    mantissa, _, exponent = text.partition("e")
    return f"{mantissa.rstrip('.')}e{int(exponent):+d}" if exponent else text


def operand_text(x: float, digits: int) -> str:
    """`x` as a factor or operand inside a formula: negative numbers in brackets,
    `2 * (-3.000)`, `-(-2.000)`."""
    text = format_number(x, digits)
    return f"({text})" if text.startswith("-") else text


class NumberTexts(dict[float, str]):
    """`text_of(x)` as a lookup, `texts[x]`, each distinct number formatted once: a
    step-through writes the same values and gradients many times over."""

    def __init__(self, text_of: Callable[[float], str]) -> None:
        super().__init__()
        self.text_of = text_of

    def __missing__(self, x: float) -> str:
        text = self[x] = self.text_of(x)
        return text


def constant_text(x: float, digits: int) -> str:
    """A constant as it reads in a formula or a picture: as written when it has at most
    `digits` significant digits (`2`, `0.5`, `-1`), else rounded to `digits` (`0.3333`)."""
    x = float(x)
    if x.is_integer() and abs(x) < 10**digits:
        return str(int(x))
    short = repr(x)
    if len(short.lstrip("-").replace(".", "").lstrip("0")) <= digits and "e" not in short:
        return short
    return format_number(x, digits)


def field_text(name: str, value: float, precision: int) -> str:
    """One number field of a Value's record, as drawn: `data -6.000`."""
    return f"{name} {format_number(value, precision)}"


def check_precision(precision: Any, where: str) -> None:
    """Refuse a `precision` that is not a number of significant digits (1 to 17)."""
    if type(precision) is not int or not 1 <= precision <= 17:
        raise DrawError(
            f"{where}: precision (significant digits) must be an int from 1 to 17;"
            f" got {precision!r}"
        )


def node_ids(root: Value) -> dict[Value, str]:
    """The id `draw` gives each Value: `v{i}` for position i in `topological_order(root)`."""
    return {node: f"v{i}" for i, node in enumerate(topological_order(root))}


def sample_names(order: Sequence[Value]) -> dict[Value, str]:
    """Names for the per-sample copies of one network's nodes: computed nodes that share a
    label are numbered by copy, in order (the sample they were computed for when a model is
    called once per sample): `s0:L1.N0.z`, `s1:L1.N0.z`. Nodes with a label of their own
    are not in the result."""
    count: dict[str, int] = {}
    for node in order:
        if node.label and not node.is_leaf:
            count[node.label] = count.get(node.label, 0) + 1
    copies: dict[str, int] = {}
    names = {}
    for node in order:
        if count.get(node.label, 0) > 1 and not node.is_leaf:
            copy = copies[node.label] = copies.get(node.label, -1) + 1
            names[node] = f"s{copy}:{node.label}"
    return names
