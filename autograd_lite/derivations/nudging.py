"""nudge: what a derivative predicts when a leaf moves by h, beside what the graph does."""

from __future__ import annotations

from typing import Any

from ..engine import (
    Value,
    as_float,
    forward_sweep,
    local_derivatives,
    recompute,
    topological_order,
)
from ..errors import DerivationError, DerivationTypeError, DomainError, NonFiniteError
from .reports import Nudge, NudgeRow

__all__ = ["nudge"]


def nudge(root: Value, leaf: Value, h: float = 1e-3) -> Nudge:
    """For every node between `leaf` and `root`: its derivative with respect to the leaf (a
    forward sweep of the engine's local derivatives), times h, beside the change the node
    actually shows when a second forward sweep recomputes it with leaf + h. Nothing is
    modified."""
    if not isinstance(root, Value) or not isinstance(leaf, Value):
        raise DerivationTypeError("nudge(root, leaf, h) needs two Values")
    if not leaf.is_leaf:
        raise DerivationError(
            f"nudge: {leaf.label or 'the node'} was made by {leaf.op!r}; nudge a leaf (an input or"
            " a weight) so that everything downstream can be recomputed"
        )
    if isinstance(h, bool) or as_float(h, "nudge: h") == 0:
        raise DerivationError(f"nudge: h must be a non-zero finite number, got {h!r}")
    order = topological_order(root)
    if leaf not in set(order):
        raise DerivationError(f"nudge: {leaf.label or 'the leaf'} is not part of the graph of root")

    def tangent(node: Value, known: dict[Value, Any]) -> float:
        """d node/d leaf: the chain rule forwards, through the operands that depend on it."""
        local = local_derivatives(node)
        return float(sum(d * known[x] for x, d in zip(node.operands, local) if x in known))

    derivative = forward_sweep(root, {leaf: 1.0}, tangent)
    try:
        nudged = recompute(root, {leaf: leaf.data + h})
    except NonFiniteError as error:
        raise NonFiniteError(
            f"nudge: with the leaf moved by {h:g}, an operation overflows; use a smaller h"
            f" ({error})"
        ) from None
    except DomainError as error:
        raise DomainError(
            f"nudge: with the leaf moved by {h:g}, an operation leaves its domain; use a"
            f" smaller h ({error})"
        ) from None
    if root not in derivative:
        raise DerivationError("nudge: the root does not depend on the leaf")
    rows = [
        NudgeRow(
            node.label or ("the leaf" if node is leaf else f"[{index}] {node.operation}"),
            node.data,
            derivative[node],
            derivative[node] * h,
            nudged[node] - node.data,
        )
        for index, node in enumerate(order)
        if node in derivative
    ]
    return Nudge(leaf.label or "the leaf", h, rows)
