"""The engine's FAST PATHs: `apply` for the operators and for methods of one Value, and
`Value.backward()`, the reverse sweep with the gradients kept on the nodes.

`apply_binary` and `apply_unary` compute what `apply` computes, with its checks, for the
common cases only. `backward_fast` does the order and arithmetic of `reverse_sweep(root, ...)`
adding `upstream * d` (a property test checks the two agree bit for bit on random graphs);
quicker because it stores each gradient on its node instead of in a dict, runs an operation's
`chain_rule` where it has one (add, sub, mul, relu, dot: the arithmetic of its rule, written
out) and unrolls the nodes of one and two operands.
"""

from __future__ import annotations

from numbers import Real
from typing import TYPE_CHECKING, Any, cast

from .checks import (
    apply_elsewhere,
    as_float,
    derivative_error,
    forward_error,
    gradient_error,
    where,
)
from .core import Value, local_derivatives, new_node

if TYPE_CHECKING:
    from .ops import Op


def apply_binary(op: Op, a: Any, b: Any) -> Value:
    """FAST PATH: `apply` for the arithmetic operators, where one side is a Value. Anything but
    a number on the other side goes to its type's `apply_op` (a Symbol's), or is refused
    with an ArgumentTypeError naming the Value (`x + None`, `x * "1.5"`, `x ** 1j`)."""
    # A finite float passes as it is; another number (an int, a NumPy scalar) is stored as
    # the Python float it converts to, and inf or nan is refused.
    if type(a) is Value:
        x = a._data
    elif type(a) is float and a - a == 0.0:
        x = a
    elif isinstance(a, Real):
        x = a = as_float(a, where(op, (a, b), 0))
    else:
        return cast(Value, apply_elsewhere(op, (a, b), 0))
    if type(b) is Value:
        y = b._data
    elif type(b) is float and b - b == 0.0:
        y = b
    elif isinstance(b, Real):
        y = b = as_float(b, where(op, (a, b), 1))
    else:
        return cast(Value, apply_elsewhere(op, (a, b), 1))
    try:
        data = op.forward(x, y)
    except (ArithmeticError, ValueError) as error:
        raise forward_error(op, error, (a, b)) from None
    if data - data != 0.0:
        raise forward_error(op, OverflowError(), (a, b))
    return new_node(data, op, a, b)


def apply_unary(op: Op, x: Value) -> Value:
    """FAST PATH: `apply` for an operation of one Value (a method such as `x.relu()`)."""
    try:
        data = op.forward(x._data)
    except (ArithmeticError, ValueError) as error:
        raise forward_error(op, error, (x,)) from None
    if data - data != 0.0:
        raise forward_error(op, OverflowError(), (x,))
    return new_node(data, op, x)


def backward_fast(root: Value, order: list[Value]) -> None:
    """d root/d node added to every node's `grad`, in `order` (root's topological order):
    the leaves accumulate, the other nodes start from zero. Raises NonFiniteError when a
    leaf's gradient is not finite."""
    for node in order:
        if node._op is not None:
            node.grad = 0.0
    root.grad += 1.0
    for node in reversed(order):
        op = node._op
        upstream = node.grad
        if op is None:
            # A leaf comes after everything that uses it, so its grad is final here. An
            # inf or nan anywhere on the way back reaches some leaf (inf * 0 is nan).
            if upstream - upstream != 0.0:
                raise gradient_error(root, node, upstream)
            if type(upstream) is not float and not isinstance(upstream, Real):
                raise TypeError("a grad that is not a real number")  # the user's 1j
            continue
        chain_rule = op.chain_rule
        if chain_rule is not None:
            chain_rule(node, upstream)
            continue
        a, b = node._a, node._b
        if type(a) is tuple:  # three or more operands
            for x, d in zip(a, local_derivatives(node)):
                if type(x) is Value:
                    x.grad += upstream * d
            continue
        a_is_value = type(a) is Value
        b_is_value = type(b) is Value
        try:
            if b is None:  # one operand, always a Value
                (da,) = op.derivatives(node._data, a._data)
            else:
                da, db = op.derivatives(
                    node._data, a._data if a_is_value else a, b._data if b_is_value else b
                )
        except (ZeroDivisionError, OverflowError, ValueError, TypeError):
            # Also a rule giving the wrong number of derivatives: the exact retry's
            # local_derivatives names that mistake.
            raise derivative_error(op, node.operands) from None
        if a_is_value:
            a.grad += upstream * da
        if b_is_value:
            b.grad += upstream * db
