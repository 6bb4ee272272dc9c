"""Gradients as functions: `grad`, `hessian` and forward-mode `jvp` on a recorded graph.

`Value.backward()` stores d(output)/d(node) in every node's `grad`. The functions here return
derivatives instead of storing them, and they evaluate each operation's one derivative rule,
`Op.derivatives(out, *operands)`, on whatever they are given:

- on floats, for numbers (`grad(y, [x])`, `jvp`);
- on the graph's own `Value`s (`grad(y, [x], create_graph=True)`): every local derivative and
  every chain-rule product then becomes a node, so the gradient is a graph that can be
  differentiated again. tanh's rule `1 - out * out` receives the tanh node itself as `out`;
  relu's `step(x)` and abs's `sign(x)` are nodes whose own derivative is zero.

Reverse mode (`grad`) sweeps the graph once backwards for all inputs; forward mode (`jvp`)
sweeps it once forwards per direction. `compare_modes` counts the rule evaluations of both.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, overload

from .engine import (
    Number,
    Value,
    as_float,
    as_list,
    as_value,
    exact_accumulate,
    exact_local_derivatives,
    forward_sweep,
    local_derivatives,
    reverse_sweep,
    topological_order,
)
from .errors import ArgumentTypeError, GraphArgumentError, NonFiniteError, describe

__all__ = [
    "GraphArgumentError",
    "ModeComparison",
    "compare_modes",
    "grad",
    "hessian",
    "jvp",
]


@overload
def grad(
    output: Value, inputs: Sequence[Value], create_graph: Literal[False] = False
) -> list[float]: ...
@overload
def grad(output: Value, inputs: Sequence[Value], create_graph: Literal[True]) -> list[Value]: ...
@overload
def grad(
    output: Value, inputs: Sequence[Value], create_graph: bool
) -> list[float] | list[Value]: ...


def grad(
    output: Value, inputs: Sequence[Value], create_graph: bool = False
) -> list[float] | list[Value]:
    """d(output)/d(x) for each x in `inputs`, in order, without touching any `.grad`.

    As `torch.autograd.grad`: inputs may be leaves or interior nodes (for an interior node,
    the derivative through every path from it). An input `output` does not depend on gets 0.
    Floats by default; with `create_graph=True`, new `Value`s built from the graph's own nodes,
    so `grad(grad(y, [x], create_graph=True)[0], [x])` is d2y/dx2.
    """
    return _reverse_mode(output, inputs, create_graph)[0]


def hessian(f: Callable[..., Value], xs: Sequence[Number]) -> list[list[float]]:
    """The matrix `H[i][j] = d2 f / dx_i dx_j` of `f(*values)` at the point `xs`.

    Reverse over reverse: one `grad(..., create_graph=True)` for the gradient, then one `grad`
    of each of its entries for a row. `f` takes one `Value` per coordinate (`x0`, `x1`, ...).
    """
    if not callable(f):
        raise ArgumentTypeError(
            f"hessian: f must be a function of one Value per coordinate, got {type(f).__name__}"
        )
    points = [as_float(x, f"hessian: xs[{i}]") for i, x in enumerate(as_list(xs, "hessian: xs"))]
    if not points:
        raise GraphArgumentError("hessian: xs must hold at least one coordinate")
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(points)]
    output = f(*leaves)
    if type(output) is not Value:
        raise ArgumentTypeError(
            "hessian: f must return a Value computed from its arguments, got"
            f" {type(output).__name__}"
        )
    first = grad(output, leaves, create_graph=True)
    return [grad(g, leaves) for g in first]


def jvp(output: Value, directions: Mapping[Value, Number]) -> float:
    """The directional derivative sum_x d(output)/dx * v_x for the leaf directions {x: v_x}.

    Forward mode: one sweep through the graph in topological order, carrying each node's
    tangent dn = sum_i d(n)/d(operand_i) * d(operand_i), with the same local-derivative rules
    that `backward()` uses. Leaves without a direction have tangent 0.
    """
    return _forward_mode(output, directions)[0]


@dataclass(frozen=True)
class ModeComparison:
    """The gradient computed both ways, with how much work each way did.

    An *evaluation* is one call of an operation's derivative rule, which gives the node's
    local derivatives with respect to all of its operands.
    """

    forward_gradient: list[float]
    reverse_gradient: list[float]
    forward_sweeps: int
    forward_evaluations: int
    reverse_sweeps: int
    reverse_evaluations: int

    def __str__(self) -> str:
        return (
            f"forward mode: {self.forward_sweeps} sweeps (one per input), "
            f"{self.forward_evaluations} local-derivative evaluations\n"
            f"reverse mode: {self.reverse_sweeps} sweep (for all inputs), "
            f"{self.reverse_evaluations} local-derivative evaluations"
        )


def compare_modes(output: Value, inputs: Sequence[Value]) -> ModeComparison:
    """The gradient of `output` with respect to the leaves `inputs` by forward mode (one `jvp`
    per input, direction 1 on that input) and by reverse mode (one sweep), with the counts."""
    as_value(output, "compare_modes: output")
    inputs = as_list(inputs, "compare_modes: inputs")
    for i, x in enumerate(inputs):
        as_value(x, f"compare_modes: inputs[{i}]")
        if not x.is_leaf:
            raise GraphArgumentError(
                f"compare_modes: inputs[{i}] is {describe(x)}, computed by {x.op!r}; forward"
                " mode starts from leaves, so give leaves only (the Values you made yourself)"
            )
    forward_gradient, forward_evaluations = [], 0
    for x in inputs:
        tangent, evaluations = _forward_mode(output, {x: 1.0})
        forward_gradient.append(tangent)
        forward_evaluations += evaluations
    reverse_gradient, reverse_evaluations = _reverse_mode(output, inputs, False)
    return ModeComparison(
        forward_gradient,
        reverse_gradient,
        len(inputs),
        forward_evaluations,
        1,
        reverse_evaluations,
    )


# ---------------------------------------------------------------------------
# Both modes on the engine's two sweeps. Each returns its result and how many derivative
# rules it evaluated.


def _reverse_mode(
    output: Value, inputs: Sequence[Value], create_graph: bool
) -> tuple[list[Any], int]:
    """Reverse mode from `output` to `inputs`; derivatives as Values when `create_graph`."""
    as_value(output, "grad: output")
    if type(create_graph) is not bool:
        raise ArgumentTypeError(
            "grad: create_graph must be True (derivatives as Values) or False (floats), got"
            f" {type(create_graph).__name__} {create_graph!r:.60}"
        )
    inputs = as_list(inputs, "grad: inputs")
    for i, x in enumerate(inputs):
        as_value(x, f"grad: inputs[{i}]")
    evaluations = 0

    def local(node: Value) -> tuple[Any, ...]:
        nonlocal evaluations
        evaluations += 1
        return (
            local_derivatives(node, on_values=True)
            if create_graph
            else exact_local_derivatives(node)
        )

    def on_values(node: Value, i: int, x: Value, upstream: Any, d: Any, previous: Any) -> Any:
        term = _times(upstream, d)
        return term if previous is None else _plus(previous, term)

    accumulate = on_values if create_graph else exact_accumulate(output)
    grads = reverse_sweep(output, accumulate, wrt=inputs, local=local)
    result = [grads.get(x, 0.0) for x in inputs]
    if not create_graph:
        return [float(g) for g in result], evaluations
    # A derivative can be a bare constant of a rule (the 3 of 3 * x), or a node of the graph
    # itself (d(x * w)/dx is w): give back a new Value either way, never one of the graph's.
    graph = set(topological_order(output))
    return [_new_value(g, graph) for g in result], evaluations


def _forward_mode(output: Value, directions: Mapping[Value, Number]) -> tuple[float, int]:
    """Forward mode: the tangent of `output` given the tangents of some leaves."""
    as_value(output, "jvp: output")
    if not isinstance(directions, Mapping):
        raise ArgumentTypeError(
            "jvp: directions must be a dict mapping leaf Values to numbers ({x: 1.0}),"
            f" got {type(directions).__name__}"
        )
    seeds: dict[Value, float] = {}
    for x, v in directions.items():
        as_value(x, "jvp: each key of directions")
        if not x.is_leaf:
            raise GraphArgumentError(
                f"jvp: a direction was given for {describe(x)}, which an operation computed;"
                " give directions for leaves only (the Values you made yourself)"
            )
        seeds[x] = as_float(v, f"jvp: the direction (in directions) for {describe(x)}")
    evaluations = 0

    def propagate(node: Value, known: dict[Value, Any]) -> float:
        nonlocal evaluations
        evaluations += 1
        tangent = 0.0
        for x, d in zip(node.operands, local_derivatives(node)):
            if type(x) is Value and x in known:
                tangent += d * known[x]
        if not math.isfinite(tangent):
            raise NonFiniteError(
                f"the derivative of {describe(node)} along the given directions is {tangent}:"
                " it overflowed; scale the inputs or the directions down"
            )
        return tangent

    tangents = forward_sweep(output, seeds, propagate)
    return tangents.get(output, 0.0), evaluations


def _times(upstream: Any, local: Any) -> Any:
    """upstream * local, leaving out a multiplication by the number 1 or 0."""
    if _is_number(local, 0.0):
        return 0.0
    if _is_number(upstream, 1.0):
        return local
    if _is_number(local, 1.0):
        return upstream
    return upstream * local


def _plus(total: Any, term: Any) -> Any:
    """total + term, leaving out an addition of the number 0."""
    if _is_number(term, 0.0):
        return total
    if _is_number(total, 0.0):
        return term
    return total + term


def _is_number(x: Any, number: float) -> bool:
    return type(x) is not Value and x == number


def _new_value(g: Any, graph: set[Value]) -> Value:
    """A gradient as a Value of its own: a number as a leaf, a node of `graph` as a copy."""
    if type(g) is not Value:
        return Value(float(g))
    return g * 1.0 if g in graph else g
