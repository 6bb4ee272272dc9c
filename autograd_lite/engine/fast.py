"""FAST PATH of `Value.backward()`: `reverse_sweep` with the gradients kept on the nodes.

Same order and arithmetic as `reverse_sweep(root, ...)` adding `upstream * d` (a property
test checks the two agree bit for bit on random graphs); quicker because it stores each
gradient on its node instead of in a dict, runs an operation's `chain_rule` where it has one
(add, sub, mul, relu, dot: the arithmetic of its rule, written out) and unrolls the nodes of
one and two operands.
"""

from __future__ import annotations

from numbers import Real

from .checks import derivative_error, gradient_error
from .core import Value


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
        try:
            if type(a) is tuple:  # three or more operands
                local = op.derivatives(node._data, *[x._data if type(x) is Value else x for x in a])
                for x, d in zip(a, local):
                    if type(x) is Value:
                        x.grad += upstream * d
                continue
            if b is None:  # one operand, always a Value
                (da,) = op.derivatives(node._data, a._data)
                a.grad += upstream * da
                continue
            a_is_value = type(a) is Value
            b_is_value = type(b) is Value
            da, db = op.derivatives(
                node._data, a._data if a_is_value else a, b._data if b_is_value else b
            )
        except (ZeroDivisionError, OverflowError, ValueError):
            raise derivative_error(op, node.operands) from None
        if a_is_value:
            a.grad += upstream * da
        if b_is_value:
            b.grad += upstream * db
