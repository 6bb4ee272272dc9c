"""Symbols: the engine's derivative rules, printed instead of computed.

An operation's rule is written once with `+ - * / **` and the engine's functions. Given floats
it computes a number; given `Symbol`s it builds the same formula as text, so an explanation
(`dn/dw1 = x1`) or generated code can never drift from what the engine computes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .engine import Op, Value

__all__ = ["Symbol", "number_text", "symbolic_call", "symbolic_derivatives", "symbolic_forward"]

# Binding strength, loosest first: a sub-expression is parenthesised where it binds less tightly.
SUM, PRODUCT, UNARY, POWER, ATOM = 1, 2, 3, 4, 5


def number_text(x: float) -> str:
    """A number as it should read in a formula: 2 rather than 2.0, full precision otherwise."""
    x = float(x)
    return str(int(x)) if x.is_integer() and abs(x) < 1e16 else repr(x)


class Symbol:
    """A formula as text, with how tightly its outermost operation binds."""

    __slots__ = ("text", "binding")

    def __init__(self, text: str, binding: int = ATOM) -> None:
        self.text = text
        self.binding = binding

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Symbol({self.text!r})"

    def __add__(self, other: Any) -> Symbol:
        return _infix(self, "+", other, SUM)

    def __radd__(self, other: Any) -> Symbol:
        return _infix(other, "+", self, SUM)

    def __sub__(self, other: Any) -> Symbol:
        return _infix(self, "-", other, SUM)

    def __rsub__(self, other: Any) -> Symbol:
        return _infix(other, "-", self, SUM)

    def __mul__(self, other: Any) -> Symbol:
        return _infix(self, "*", other, PRODUCT)

    def __rmul__(self, other: Any) -> Symbol:
        return _infix(other, "*", self, PRODUCT)

    def __truediv__(self, other: Any) -> Symbol:
        return _infix(self, "/", other, PRODUCT)

    def __rtruediv__(self, other: Any) -> Symbol:
        return _infix(other, "/", self, PRODUCT)

    def __pow__(self, other: Any) -> Symbol:
        if not isinstance(other, Symbol) and other == 1:
            return self  # x ** 1 is x, exactly, for every float x
        return _infix(self, "**", other, POWER)

    def __rpow__(self, other: Any) -> Symbol:
        return _infix(other, "**", self, POWER)

    def __neg__(self) -> Symbol:
        return _prefix("-", self)

    @classmethod
    def apply_op(cls, op: Op, operands: tuple[Any, ...]) -> Symbol:
        """What the engine calls for `exp(symbol)` and the like: the call written out."""
        return symbolic_forward(op, operands)


#: Python's operators as they print: how tightly each binds.
_OPERATORS = {"+": SUM, "-": SUM, "*": PRODUCT, "/": PRODUCT, "**": POWER}


def symbolic_forward(op: Op, operands: tuple[Any, ...]) -> Symbol:
    """The operation applied to symbols or numbers, as a formula: `a * b`, `tanh(n)`.

    An op with a `symbol` prints as that operator, one with a `formula` as the formula (a
    weighted sum as `w0 * x0 + w1 * x1 + b`), any other as a call of its name.
    """
    if op.symbol and len(operands) == 2:
        return _infix(operands[0], op.symbol, operands[1], _OPERATORS[op.symbol])
    if op.symbol and len(operands) == 1:
        return _prefix(op.symbol, operands[0])
    if op.formula is not None:
        return _as_symbol(op.formula(*(_as_symbol(x) for x in operands)))
    return symbolic_call(op, operands)


def symbolic_call(op: Op, operands: tuple[Any, ...]) -> Symbol:
    """The operation written as a call of its name: `tanh(n)`, `pow(x, 2)`."""
    return Symbol(f"{op.name}({', '.join(str(_as_symbol(x)) for x in operands)})")


def symbolic_derivatives(node: Value, name: Callable[[Value], str]) -> tuple[Any, ...]:
    """The local derivatives of `node` with respect to each operand, as formulas in the names
    `name(value)` gives the node and its parents (numbers stay numbers)."""
    op = node.operation
    if op is None:
        return ()
    operands = tuple(Symbol(name(x)) if type(x) is Value else x for x in node.operands)
    return op.checked_derivatives(Symbol(name(node)), *operands)


def _as_symbol(x: Any) -> Symbol:
    if isinstance(x, Symbol):
        return x
    x = float(x)
    return Symbol(number_text(x), UNARY if x < 0 else ATOM)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _prefix(operator: str, x: Any) -> Symbol:
    """`-a`, `-(a + b)`, and `-(-2.000)` (a prefix on a negation or a negative number is
    bracketed: `--2.000` would read as a typo)."""
    x = _as_symbol(x)
    return Symbol(operator + _wrap(x, POWER if x.binding == UNARY else UNARY), UNARY)


def _wrap(x: Symbol, binding: int) -> str:
    return f"({x.text})" if x.binding < binding else x.text


def _infix(left: Any, operator: str, right: Any, binding: int) -> Symbol:
    left, right = _as_symbol(left), _as_symbol(right)
    # a - (b + c), a / (b * c) and (a ** b) ** c need their brackets; ** groups from the right.
    # A negative operand on the right is bracketed too, a - (-1), and a negative number on the
    # left of a product, (-2) * a (a negation there reads as it is: -a * b).
    right_needs = binding + 1 if operator in ("-", "/") else binding
    if right.binding == UNARY:
        right_needs = POWER
    left_needs = binding + 1 if operator == "**" else binding
    if left.binding == UNARY and binding > SUM and _is_number(left.text):
        left_needs = POWER
    return Symbol(f"{_wrap(left, left_needs)} {operator} {_wrap(right, right_needs)}", binding)
