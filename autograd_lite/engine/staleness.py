"""Staleness: a graph whose leaf's data changed after it was computed is refused.

Every Value gets a birth number when it is made, from one counter, so a node is always born
after its operands. Changing a leaf's data gives it a new birth: every node computed from the
old number is then older than its operand, which `topological_order` notices (as PyTorch's
version counter does) and reports as a StaleGraphError. Only nodes born before the last change
can be stale, so graphs made since are not checked.
"""

from __future__ import annotations

import itertools
from typing import Any

from ..errors import StaleGraphError, describe
from .checks import as_float
from .core import Value

_births = itertools.count()
#: The next birth number (FAST PATH: called for every node made).
next_birth = _births.__next__
#: The birth a Value took when its data last changed: a node born later cannot be stale.
_last_change = -1


def last_change() -> int:
    """The birth number of the last change of data (-1 if none changed)."""
    return _last_change


def change_data(node: Value, data: Any) -> None:
    """Set a leaf's data; a different number gives it a new birth, making older graphs stale."""
    global _last_change
    if type(data) is not float or data - data != 0.0:  # anything but a finite float
        data = as_float(data, f"the data of {describe(node)}")
    if node._op is not None:
        raise StaleGraphError(
            f"{describe(node)} was computed by {node._op}; its data follows from its"
            " operands: change a leaf's data and compute the graph again instead"
        )
    if data != node._data:
        node._data = data
        note_change(node)


def note_change(node: Value) -> None:
    """Give `node` a new birth, as a change of its data does: every node computed from it
    before is then stale (a loaded copy of a stale graph is made stale this way)."""
    global _last_change
    node._birth = _last_change = next_birth()


def check_not_stale(node: Value) -> None:
    """StaleGraphError if an operand of `node` changed its data after `node` was made."""
    for x in node.operands:
        if type(x) is Value and x._birth > node._birth:
            raise StaleGraphError(
                f"the data of {describe(x)} changed after {describe(node)} was computed from"
                " it, so the graph no longer holds the numbers it was built with; compute the"
                " graph again (run the forward pass) after changing data, then call backward()"
            )
