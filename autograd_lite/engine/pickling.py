"""Pickling and copying a graph without recursion, whatever its depth.

`pickle` and `copy.deepcopy` save an object's parts before the object, recursively: a chain of
100,000 nodes would overflow the stack. So the first Value of a graph to be saved lists every
node it depends on first, in topological order, so that each node's operands are already
saved (or copied) when its turn comes. Loaded, every node is made anew in that order, so the
order stays topological. An operation is saved by its name in `OPS` (see `Op.__reduce__`).
"""

from __future__ import annotations

from typing import Any

from .core import Operand, Value, node, topological_order
from .ops import Op

#: Values whose graph is being pickled or copied: they come before the one that asked.
_saving: set[Value] = set()


def reduce_value(node: Value) -> tuple[Any, ...]:
    """`node.__reduce__()`: how to make it again, after every node it depends on."""
    state = (node._op, node.operands, node._data, node.grad, node.label)
    if node in _saving:
        _saving.discard(node)
        return _restore, state
    earlier = topological_order(node)[:-1]
    _saving.update(earlier)
    # The marks go when the list is done: nodes already saved earlier keep none.
    return _restore_after, (tuple(earlier), _Unmark(earlier), *state)


def _restore(
    op: Op | None, operands: tuple[Operand, ...], data: float, grad: float, label: str
) -> Value:
    made = Value(data, label) if op is None else node(data, op, operands)
    made.label = label
    made.grad = grad
    return made


def _restore_after(earlier: tuple[Value, ...], done: _Unmark | None, *state: Any) -> Value:
    if done is not None:  # copy.copy passes the marker itself, unsaved
        _saving.difference_update(done.nodes)
    return _restore(*state)


class _Unmark:
    """Saved right after a graph's list of nodes: takes their marks off `_saving` (a node
    the pickle already held is not saved again, so it would keep its mark)."""

    __slots__ = ("nodes",)

    def __init__(self, nodes: list[Value]) -> None:
        self.nodes = nodes

    def __reduce__(self) -> tuple[Any, ...]:
        _saving.difference_update(self.nodes)
        return type(None), ()
