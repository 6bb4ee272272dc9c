"""The engine: a scalar `Value`, the operations on it, and reverse-mode `backward()`.

Every operation is one `Op`: its forward value and its local derivatives, side by side.
A derivative rule is written once, with `+ - * / **` and this module's functions, so the
same rule works on plain floats (an ordinary backward pass), on `Value`s (a gradient that
is itself a graph) and on any other number-like type that implements `apply_op` (symbols
that print the rule).

Nothing here depends on the rest of the package.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable, Sequence
from numbers import Real
from typing import Any

from .errors import (
    ArgumentTypeError,
    AutogradError,
    DivisionByZeroError,
    DomainError,
    NonFiniteError,
    ShapeError,
)

__all__ = [
    "ArgumentTypeError",
    "AutogradError",
    "DivisionByZeroError",
    "DomainError",
    "NonFiniteError",
    "Op",
    "ShapeError",
    "Value",
    "abs",
    "dot",
    "exp",
    "log",
    "relu",
    "sigmoid",
    "sqrt",
    "tanh",
    "topological_order",
]


class Op:
    """One operation: its forward value and its local derivatives.

    `forward(*xs)` computes the value from plain floats. `derivatives(out, *xs)` returns
    d(out)/d(x_i) for every operand, given the operation's output and its operands.
    `params` names the operands in messages; `domain` says where the operation is defined.
    """

    __slots__ = ("name", "forward", "derivatives", "params", "domain")

    def __init__(
        self,
        name: str,
        forward: Callable[..., float],
        derivatives: Callable[..., tuple[Any, ...]],
        params: tuple[str, ...] = ("x",),
        domain: str = "",
    ) -> None:
        self.name = name
        self.forward = forward
        self.derivatives = derivatives
        self.params = params
        self.domain = domain

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


Number = int | float


class Value:
    """One float in a computation graph, with the gradient backward() gives it.

    A leaf is made by the user (`Value(2.0, label="x")`); every other Value is made by an
    operation and remembers that operation and its operands, in order.
    """

    __slots__ = ("data", "grad", "label", "_op", "_operands", "_birth")

    def __init__(self, data: Number, label: str = "") -> None:
        if not isinstance(label, str):
            raise ArgumentTypeError(
                f"Value label must be a str, got {type(label).__name__} {label!r}"
            )
        if type(data) is not float or data - data != 0.0:  # anything but a finite float
            data = _as_float(data, f"Value {label!r}" if label else "Value")
        self.data = data
        self.grad = 0.0
        self.label = label
        self._op: Op | None = None
        self._operands: tuple[Operand, ...] = ()
        self._birth = next(_births)

    @property
    def op(self) -> str:
        """The name of the operation that made this Value ('' for a leaf)."""
        return self._op.name if self._op is not None else ""

    @property
    def operands(self) -> tuple[Operand, ...]:
        """Everything the operation used, in order: parent Values and constant numbers."""
        return self._operands

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values this one was computed from, in operand order."""
        return tuple(x for x in self._operands if type(x) is Value)

    @property
    def is_leaf(self) -> bool:
        """True for a Value made by the user rather than by an operation."""
        return self._op is None

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self) -> float:
        return self.data

    # Ordering compares data; == and hash stay by identity so Values can key dicts and sets.
    def __lt__(self, other: object) -> bool:
        return self.data < _data_of(other)

    def __le__(self, other: object) -> bool:
        return self.data <= _data_of(other)

    def __gt__(self, other: object) -> bool:
        return self.data > _data_of(other)

    def __ge__(self, other: object) -> bool:
        return self.data >= _data_of(other)

    def __add__(self, other: Operand) -> Value:
        return _binary(ADD, self, other)

    def __radd__(self, other: Number) -> Value:
        return _binary(ADD, other, self)

    def __sub__(self, other: Operand) -> Value:
        return _binary(SUB, self, other)

    def __rsub__(self, other: Number) -> Value:
        return _binary(SUB, other, self)

    def __mul__(self, other: Operand) -> Value:
        return _binary(MUL, self, other)

    def __rmul__(self, other: Number) -> Value:
        return _binary(MUL, other, self)

    def __truediv__(self, other: Operand) -> Value:
        return _binary(DIV, self, other)

    def __rtruediv__(self, other: Number) -> Value:
        return _binary(DIV, other, self)

    def __pow__(self, exponent: Operand) -> Value:
        if type(exponent) is Value:
            return _binary(POW, self, exponent)
        return _binary(POW_NUMBER, self, exponent)

    def __rpow__(self, base: Number) -> Value:
        return _binary(POW, base, self)

    def __neg__(self) -> Value:
        return _apply(NEG, self)

    def __abs__(self) -> Value:
        return _apply(ABS, self)

    def exp(self) -> Value:
        return _apply(EXP, self)

    def log(self) -> Value:
        return _apply(LOG, self)

    def tanh(self) -> Value:
        return _apply(TANH, self)

    def sigmoid(self) -> Value:
        return _apply(SIGMOID, self)

    def relu(self) -> Value:
        return _apply(RELU, self)

    def sqrt(self) -> Value:
        return _apply(SQRT, self)

    def backward(self) -> None:
        """Fill in d(self)/d(node) as `grad` on every node this Value depends on.

        Walks the graph in reverse topological order, applying each operation's chain rule
        once. Leaves accumulate (a second call adds the same gradient again, as in
        PyTorch); the other nodes' grads are recomputed from zero on every call.
        """
        order = topological_order(self)
        for node in order:
            if node._op is not None:
                node.grad = 0.0
        self.grad += 1.0
        for node in reversed(order):
            op = node._op
            upstream = node.grad
            if op is None:
                # A leaf comes after everything that uses it, so its grad is final here. An
                # inf or nan anywhere on the way back reaches some leaf (inf * 0 is nan).
                if upstream - upstream != 0.0:
                    raise NonFiniteError(
                        f"the gradient of {_name(self)} with respect to {_name(node)} is"
                        f" {upstream}: it overflowed on the way back; scale the loss or the"
                        " inputs down"
                    )
                continue
            operands = node._operands
            try:
                if len(operands) == 2:  # the common case, unrolled: same as the loop below
                    a, b = operands
                    a_is_value = type(a) is Value
                    b_is_value = type(b) is Value
                    da, db = op.derivatives(
                        node.data, a.data if a_is_value else a, b.data if b_is_value else b
                    )
                    if a_is_value:
                        a.grad += upstream * da
                    if b_is_value:
                        b.grad += upstream * db
                    continue
                local = op.derivatives(
                    node.data, *[x.data if type(x) is Value else x for x in operands]
                )
            except (ZeroDivisionError, OverflowError, ValueError):
                raise _derivative_error(op, operands) from None
            for x, d in zip(operands, local):
                if type(x) is Value:
                    x.grad += upstream * d

    def zero_grad(self) -> None:
        """Set grad to 0.0 on this Value and everything it depends on."""
        for node in topological_order(self):
            node.grad = 0.0


Operand = Value | Number


def topological_order(root: Value) -> list[Value]:
    """Every Value `root` depends on, each after all of its operands; `root` comes last.

    A Value is always made after its operands, so the order in which the Values were made
    is a topological order: find them (with a stack, not recursion, so any depth works) and
    sort them by birth.
    """
    seen = {root}
    stack = [root]
    while stack:
        for x in stack.pop()._operands:
            if type(x) is Value and x not in seen:
                seen.add(x)
                stack.append(x)
    return sorted(seen, key=_birth_of)


_births = itertools.count()
_birth_of = operator.attrgetter("_birth")


# ---------------------------------------------------------------------------
# Applying an operation: numbers in, a number out; a Value in, a new node out.


def _apply(op: Op, *operands: Any) -> Any:
    """Compute `op` on the operands: a float for numbers, a new Value if any is a Value, and
    whatever a number-like type's `apply_op` makes of it (a Symbol prints the formula)."""
    datas = []
    makes_node = False
    for x in operands:
        if type(x) is Value:
            datas.append(x.data)
            makes_node = True
        elif type(x) is float or isinstance(x, Real):
            datas.append(_as_float(x, op.name))
        else:
            apply_op = getattr(type(x), "apply_op", None)
            if apply_op is None:
                raise ArgumentTypeError(
                    f"{op.name}: expected a Value or a number, got {type(x).__name__} {x!r}"
                )
            return apply_op(op, operands)
    try:
        data = op.forward(*datas)
    except (ArithmeticError, ValueError) as error:
        raise _forward_error(op, error, operands) from None
    if data - data != 0.0:
        raise _forward_error(op, OverflowError(), operands)
    return _new_node(data, op, operands) if makes_node else data


def _binary(op: Op, a: Any, b: Any) -> Any:
    """`_apply` for the arithmetic operators, where one side is a Value. For anything but a
    number on the other side it returns NotImplemented, so Python can ask that type."""
    # A finite float passes as it is; other numbers (and inf, nan) go through _as_float.
    if type(a) is Value:
        x = a.data
    elif type(a) is float and a - a == 0.0:
        x = a
    elif isinstance(a, Real):
        x = _as_float(a, op.name)
    else:
        return NotImplemented
    if type(b) is Value:
        y = b.data
    elif type(b) is float and b - b == 0.0:
        y = b
    elif isinstance(b, Real):
        y = _as_float(b, op.name)
    else:
        return NotImplemented
    operands = (a, b)
    try:
        data = op.forward(x, y)
    except (ArithmeticError, ValueError) as error:
        raise _forward_error(op, error, operands) from None
    if data - data != 0.0:
        raise _forward_error(op, OverflowError(), operands)
    return _new_node(data, op, operands)


def _new_node(data: float, op: Op, operands: tuple[Operand, ...]) -> Value:
    node = _new_value(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
    node._birth = next(_births)
    node._op = op
    node._operands = operands
    return node


_new_value = Value.__new__


def _forward_error(op: Op, error: Exception, operands: tuple[Any, ...]) -> AutogradError:
    """The error to raise when computing `op` on `operands` failed with `error`."""
    inputs = _describe(op, operands)
    if isinstance(error, ZeroDivisionError):
        return DivisionByZeroError(
            f"{op.name} is defined only for {op.domain}; got {inputs}."
            " Keep the divisor away from zero"
        )
    if isinstance(error, OverflowError):
        return NonFiniteError(
            f"{op.name} of {inputs} overflows: a float cannot hold the result."
            " Scale the inputs down (or lower the learning rate that made them)"
        )
    return DomainError(
        f"{op.name} is defined only for {op.domain}; got {inputs}."
        " Keep the input inside that range (shift or clamp it) before this operation"
    )


def _derivative_error(op: Op, operands: tuple[Any, ...]) -> NonFiniteError:
    """The error to raise when `op`'s local derivative at `operands` is infinite."""
    return NonFiniteError(
        f"the derivative of {op.name} at {_describe(op, operands)} is infinite,"
        " so the gradient cannot be computed there"
    )


def _as_float(x: Any, where: str) -> float:
    if type(x) is not float:
        if not isinstance(x, Real):
            raise ArgumentTypeError(
                f"{where}: expected a number or a Value, got {type(x).__name__} {x!r}"
            )
        try:
            x = float(x)
        except OverflowError:
            x = math.inf
    if x - x != 0.0:
        raise NonFiniteError(f"{where}: expected a finite number, got {x}")
    return x


def _data_of(x: object) -> float:
    if type(x) is Value:
        return x.data
    if isinstance(x, Real):
        return float(x)
    raise ArgumentTypeError(f"cannot compare a Value with {type(x).__name__} {x!r}")


def _name(node: Value) -> str:
    return f"Value {node.label!r}" if node.label else f"an unnamed Value made by {node.op!r}"


def _describe(op: Op, operands: tuple[Any, ...]) -> str:
    params = (
        op.params
        if len(op.params) == len(operands)
        else [f"operand {i}" for i in range(len(operands))]
    )
    parts = []
    for param, x in zip(params, operands):
        if type(x) is Value:
            label = f" (Value {x.label!r})" if x.label else ""
            parts.append(f"{param} = {x.data!r}{label}")
        else:
            parts.append(f"{param} = {x!r}")
    return ", ".join(parts)


# ---------------------------------------------------------------------------
# The operations. Each line pair: forward value, then local derivatives.


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _pow_number_exponent(a: float, n: float) -> float:
    if a == 0 and n < 0:
        raise ZeroDivisionError("0 to a negative power")
    return math.pow(a, n)


def _pow_value_exponent(a: float, b: float) -> float:
    if a <= 0:
        raise ValueError("d(a^b)/db = a^b ln a needs a > 0")
    return math.pow(a, b)


def _dot(*operands: float) -> float:
    n = len(operands) // 2
    total = sum(map(operator.mul, operands[:n], operands[n : 2 * n]))
    return total + operands[-1] if len(operands) % 2 else total


def _dot_derivatives(out: Any, *operands: Any) -> tuple[Any, ...]:
    """d(sum_i w_i x_i + b)/dw_i = x_i,  d/dx_i = w_i,  d/db = 1."""
    n = len(operands) // 2
    weights, inputs = operands[:n], operands[n : 2 * n]
    return (*inputs, *weights) + (1.0,) * (len(operands) % 2)


AB = ("a", "b")

# d(a + b)/da = 1, d(a + b)/db = 1
ADD = Op("+", operator.add, lambda out, a, b: (1.0, 1.0), AB)
# d(a - b)/da = 1, d(a - b)/db = -1
SUB = Op("-", operator.sub, lambda out, a, b: (1.0, -1.0), AB)
# d(a * b)/da = b, d(a * b)/db = a
MUL = Op("*", operator.mul, lambda out, a, b: (b, a), AB)
# d(a / b)/da = 1/b, d(a / b)/db = -a/b^2 = -out/b
DIV = Op("/", operator.truediv, lambda out, a, b: (1 / b, -out / b), AB, "b != 0")
# d(-x)/dx = -1
NEG = Op("neg", operator.neg, lambda out, x: (-1.0,))
# d(a^n)/da = n a^(n-1); the exponent n is a fixed number, so it needs no derivative
POW_NUMBER = Op(
    "**",
    _pow_number_exponent,
    lambda out, a, n: (n * a ** (n - 1) if n else 0.0, 0.0),
    ("a", "n"),
    "a > 0, a = 0 with n >= 0, or a < 0 with a whole-number n",
)
# d(a^b)/da = b a^(b-1), d(a^b)/db = a^b ln a
POW = Op(
    "**",
    _pow_value_exponent,
    lambda out, a, b: (b * a ** (b - 1), out * log(a)),
    AB,
    "a > 0 when the exponent is a Value (d(a^b)/db = a^b ln a needs ln a)",
)
# d(e^x)/dx = e^x
EXP = Op("exp", math.exp, lambda out, x: (out,))
# d(ln x)/dx = 1/x
LOG = Op("log", math.log, lambda out, x: (1 / x,), domain="x > 0")
# d(tanh x)/dx = 1 - tanh(x)^2
TANH = Op("tanh", math.tanh, lambda out, x: (1 - out * out,))
# d(sigmoid x)/dx = sigmoid(x) (1 - sigmoid(x))
SIGMOID = Op("sigmoid", _sigmoid, lambda out, x: (out * (1 - out),))
# d(relu x)/dx = 1 for x > 0, else 0
RELU = Op("relu", lambda x: x if x > 0 else 0.0, lambda out, x: (step(x),))
# d(sqrt x)/dx = 1 / (2 sqrt x)
SQRT = Op("sqrt", math.sqrt, lambda out, x: (1 / (2 * out),), domain="x >= 0")
# d|x|/dx = sign(x), taken as 0 at x = 0
ABS = Op("abs", math.fabs, lambda out, x: (sign(x),))
# The unit step and the sign are flat wherever they are differentiable.
STEP = Op("step", lambda x: 1.0 if x > 0 else 0.0, lambda out, x: (0.0,))
SIGN = Op("sign", lambda x: (x > 0) - (x < 0) + 0.0, lambda out, x: (0.0,))
# One node for a neuron's weighted sum: sum_i w_i x_i (+ b)
DOT = Op("dot", _dot, _dot_derivatives, ("w", "x"))


def exp(x: Operand) -> Any:
    """e^x, for a Value or a number.  d(e^x)/dx = e^x."""
    return _apply(EXP, x)


def log(x: Operand) -> Any:
    """Natural logarithm, for x > 0.  d(ln x)/dx = 1/x."""
    return _apply(LOG, x)


def tanh(x: Operand) -> Any:
    """Hyperbolic tangent.  d(tanh x)/dx = 1 - tanh(x)^2."""
    return _apply(TANH, x)


def sigmoid(x: Operand) -> Any:
    """1 / (1 + e^-x).  d(sigmoid x)/dx = sigmoid(x) (1 - sigmoid(x))."""
    return _apply(SIGMOID, x)


def relu(x: Operand) -> Any:
    """max(x, 0).  d(relu x)/dx = 1 for x > 0, else 0."""
    return _apply(RELU, x)


def sqrt(x: Operand) -> Any:
    """Square root, for x >= 0.  d(sqrt x)/dx = 1 / (2 sqrt x)."""
    return _apply(SQRT, x)


def abs(x: Operand) -> Any:  # noqa: A001 - same answer as the builtin for numbers
    """|x|.  d|x|/dx = sign(x), taken as 0 at x = 0 (as PyTorch does)."""
    return _apply(ABS, x)


def step(x: Operand) -> Any:
    """1 for x > 0, else 0: the derivative of relu."""
    return _apply(STEP, x)


def sign(x: Operand) -> Any:
    """-1, 0 or 1: the derivative of abs."""
    return _apply(SIGN, x)


def dot(weights: Sequence[Operand], inputs: Sequence[Operand], bias: Operand | None = None) -> Any:
    """sum_i w_i x_i (+ b) as one node whose operands are every weight, input and the bias.

    d/dw_i = x_i, d/dx_i = w_i, d/db = 1: the same gradients as building the sum from
    `*` and `+`, with one node instead of 2n.
    """
    weights, inputs = tuple(weights), tuple(inputs)
    if len(weights) != len(inputs):
        raise ShapeError(f"dot: {len(weights)} weights but {len(inputs)} inputs; they must match")
    if not weights:
        raise ShapeError("dot: needs at least one weight and one input")
    operands = weights + inputs if bias is None else (*weights, *inputs, bias)
    return _apply(DOT, *operands)
