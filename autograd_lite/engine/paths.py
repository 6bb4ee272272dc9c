"""Questions about the paths of a graph, answered with the core's order and forward sweep.

`reachable` finds the nodes a change of some Values can reach (`reverse_sweep(wrt=...)`
visits only those, and generated code computes only those per sample); `recompute` values
them as if some leaves held other numbers (a nudge, a finite difference), changing nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from ..errors import ArgumentTypeError, describe
from .checks import as_float, as_list, as_value
from .core import Value, apply, forward_sweep

if TYPE_CHECKING:
    from .ops import Op


def reachable(order: Sequence[Value], targets: Iterable[Value]) -> set[Value]:
    """The nodes of `order` (a topological order) from which some target can be reached:
    the targets themselves and every node computed from one of them, directly or not."""
    order = as_list(order, "reachable: order")
    if isinstance(targets, (str, bytes)) or not isinstance(targets, Iterable):
        as_list(targets, "reachable: targets")  # says what targets must be
    found = {as_value(x, "reachable: each of targets") for x in targets}
    for node in order:
        as_value(node, "reachable: each node of order")
        if node not in found and any(type(x) is Value and x in found for x in node.operands):
            found.add(node)
    return found


def recompute(output: Value, data: Mapping[Value, float]) -> dict[Value, float]:
    """Every node between the leaves in `data` and `output`, valued as if those leaves held
    those numbers: a forward sweep applying each operation again, with `apply`'s checks.
    Nothing is changed, so no graph goes stale."""
    as_value(output, "recompute: output")
    if not isinstance(data, Mapping):
        raise ArgumentTypeError(
            f"recompute: data must be a dict of leaf Values and numbers, got {data!r:.60}"
        )
    data = {
        as_value(x, "recompute: each key of data"): as_float(v, f"recompute: data[{describe(x)}]")
        for x, v in data.items()
    }

    def value(node: Value, known: dict[Value, Any]) -> float:
        operands = [known.get(x, x._data) if type(x) is Value else x for x in node.operands]
        return cast(float, apply(cast("Op", node._op), *operands))

    return forward_sweep(output, data, value)
