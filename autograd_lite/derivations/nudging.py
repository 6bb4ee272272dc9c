"""nudge: what a derivative predicts when a leaf moves by h, beside what the graph does."""

from __future__ import annotations

import math

from ..engine import Value, topological_order
from ..errors import DerivationError, DerivationTypeError, DomainError, NonFiniteError
from ..functional import _local_derivatives
from .reports import Nudge, NudgeRow

__all__ = ["nudge"]


def nudge(root: Value, leaf: Value, h: float = 1e-3) -> Nudge:
    """For every node between `leaf` and `root`: its derivative with respect to the leaf (a
    forward pass of the engine's local derivatives), times h, beside the change the node
    actually shows when the forward pass is replayed with leaf + h. Nothing is modified."""
    if not isinstance(root, Value) or not isinstance(leaf, Value):
        raise DerivationTypeError("nudge(root, leaf, h) needs two Values")
    if not leaf.is_leaf:
        raise DerivationError(
            f"nudge: {leaf.label or 'the node'} was made by {leaf.op!r}; nudge a leaf (an input or"
            " a weight) so that everything downstream can be recomputed"
        )
    if isinstance(h, bool) or not isinstance(h, (int, float)) or h == 0 or not math.isfinite(h):
        raise DerivationError(f"nudge: h must be a non-zero finite number, got {h!r}")
    order = topological_order(root)
    if leaf not in set(order):
        raise DerivationError(f"nudge: {leaf.label or 'the leaf'} is not part of the graph of root")
    derivative: dict[Value, float] = {leaf: 1.0}
    nudged: dict[Value, float] = {leaf: leaf.data + h}
    rows = [NudgeRow(leaf.label or "the leaf", leaf.data, 1.0, h, (leaf.data + h) - leaf.data)]
    for index, node in enumerate(order):
        if node is leaf or node.is_leaf:
            continue
        operands = node.operands
        if not any(type(x) is Value and x in derivative for x in operands):
            continue
        local = _local_derivatives(node, False)
        derivative[node] = sum(
            d * derivative[x]
            for x, d in zip(operands, local)
            if type(x) is Value and x in derivative
        )
        new_datas = [nudged.get(x, x.data) if type(x) is Value else x for x in operands]
        try:
            nudged[node] = node._op.forward(*new_datas)
        except (ValueError, ZeroDivisionError):
            raise DomainError(
                f"nudge: with the leaf moved by {h:g}, {node.op} leaves its domain; use a smaller h"
            ) from None
        except OverflowError:
            nudged[node] = math.inf
        if nudged[node] - nudged[node] != 0.0:
            raise NonFiniteError(
                f"nudge: with the leaf moved by {h:g}, {node.op} overflows; use a smaller h"
            )
        name = node.label or f"[{index}] {node.op}"
        rows.append(
            NudgeRow(
                name, node.data, derivative[node], derivative[node] * h, nudged[node] - node.data
            )
        )
    if root not in derivative:
        raise DerivationError("nudge: the root does not depend on the leaf")
    return Nudge(leaf.label or "the leaf", h, rows)
