"""Pickling and copying a graph without recursion, whatever its depth.

`pickle` and `copy.deepcopy` save an object's parts before the object, recursively: a chain of
100,000 nodes would overflow the stack. So the first Value of a graph to be pickled lists every
node it depends on first, in a topological order, so that each node's operands are already
saved when its turn comes; loaded, every node is made anew in that order. A deep copy walks
the same order itself. An operation is saved by its name in `OPS` (see `Op.__reduce__`).

While a graph's list is being pickled, each node in it saves only its own state: the list's
`_Listing` says which nodes those are. It belongs to one pickle in one thread (a pickle that
fails drops it with the rest of its memo), so no call or thread sees another's.

A stale graph (a leaf's data changed after the graph was computed from it) is saved as it is,
old numbers and all, and loads as stale as it was: walking the copy raises StaleGraphError too.
"""

from __future__ import annotations

import copy
import threading
import weakref
from typing import Any

from .core import Operand, Value, dependencies, node
from .ops import Op
from .staleness import note_change

#: Per thread, the listings being pickled (each dropped when its pickle ends or fails).
_threads = threading.local()


class _Listing:
    """The nodes listed before one Value in one pickle, not yet saved: each of them saves only
    its own state when its turn comes. Pickled right after the list, it ends."""

    __slots__ = ("nodes", "__weakref__")

    def __init__(self, nodes: list[Value]) -> None:
        self.nodes = set(nodes)
        _listings().add(self)

    def __reduce__(self) -> tuple[Any, ...]:
        self.nodes.clear()
        _listings().discard(self)
        return type(None), ()


def _listings() -> weakref.WeakSet[_Listing]:
    """This thread's listings in progress."""
    listings: weakref.WeakSet[_Listing] | None = getattr(_threads, "listings", None)
    if listings is None:
        listings = _threads.listings = weakref.WeakSet()
    return listings


def reduce_value(value: Value) -> tuple[Any, ...]:
    """`value.__reduce__()`: how to make it again, after every node it depends on."""
    state = _state(value)
    for listing in _listings():
        if value in listing.nodes:
            listing.nodes.discard(value)
            return _restore, state
    earlier, stale = _graph(value)
    if not earlier:  # a leaf
        return _restore, state
    return _restore_after, (earlier, _Listing(earlier), stale, *state)


def deepcopy_value(value: Value, memo: dict[int, Any]) -> Value:
    """`copy.deepcopy(value)`: every node it depends on copied first, in a topological order."""
    earlier, stale = _graph(value)
    for original in (*earlier, value):
        if id(original) not in memo:
            op, operands, data, grad, label = _state(original)
            operands = tuple(memo[id(x)] if type(x) is Value else x for x in operands)
            memo[id(original)] = _restore(op, operands, data, copy.deepcopy(grad, memo), label)
    for original in stale:
        note_change(memo[id(original)])
    return memo[id(value)]  # type: ignore[no-any-return]


def copy_value(value: Value) -> Value:
    """`copy.copy(value)`: a new Value with the same operation, operands and numbers."""
    return _restore(*_state(value))


def _state(value: Value) -> tuple[Op | None, tuple[Operand, ...], float, Any, str]:
    return value._op, value.operands, value._data, value.grad, value.label


def _graph(value: Value) -> tuple[list[Value], list[Value]]:
    """Every node `value` depends on but itself, in a topological order even if the graph is
    stale (the leaves first, then the other nodes as they were made), and the nodes whose data
    changed after a node of the graph was computed from them."""
    nodes = dependencies(value)
    nodes.discard(value)
    earlier = sorted(nodes, key=lambda n: (n._op is not None, n._birth))
    changed = {
        x for n in (*earlier, value) for x in n.operands if type(x) is Value and x._birth > n._birth
    }
    return earlier, [n for n in earlier if n in changed]


def _restore(
    op: Op | None, operands: tuple[Operand, ...], data: float, grad: Any, label: str
) -> Value:
    made = Value(data) if op is None else node(data, op, operands)
    made.label = label
    made.grad = grad
    return made


def _restore_after(
    earlier: tuple[Value, ...], done: None, stale: list[Value], *state: Any
) -> Value:
    """The Value pickled first, made after the nodes it depends on: the changes of data that
    made the original graph stale are made again, so the copy is as stale."""
    for changed in stale:
        note_change(changed)
    return _restore(*state)
