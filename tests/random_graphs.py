"""Random computation graphs for property tests: a recipe, rebuilt on any leaf values.

A recipe is a list of steps, each an operation and the indices of earlier nodes it reads. The
same recipe on different leaf values gives a graph of the same structure, as `compile_graph`
needs. Every operation of `engine.OPS` appears, read from the table: an operation with a
restricted domain gets its operands squashed into (0.5, 1.5) first (sigmoid(a) + 0.5), the
others get them squashed into (-1, 1) (tanh(a)) so that nothing overflows, and an operand that
must be a plain number gets 1.5. A few compositions with constants are added by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from hypothesis import strategies as st

import autograd_lite as al
from autograd_lite import Value
from autograd_lite.engine import OPS, Op, apply

Step = tuple[str, tuple[int, ...]]


def _builder(op: Op) -> tuple[int, Callable[..., Value]]:
    """(how many Values the op takes, a function applying it to them inside its domain)."""
    positions = [i for i in range(len(op.params)) if i not in op.constants]
    squash = (lambda v: al.sigmoid(v) + 0.5) if op.domain else al.tanh

    def build(*values: Value) -> Value:
        operands: list[Value | float] = [1.5] * len(op.params)
        for i, v in zip(positions, values):
            operands[i] = squash(v)
        return apply(op, *operands)

    return len(positions), build


BUILDERS: dict[str, tuple[int, Callable[..., Value]]] = {
    **{name: _builder(op) for name, op in OPS.items()},
    "add-raw": (2, lambda a, b: a + b),
    "mul-raw": (2, lambda a, b: a * b),
    "const": (1, lambda a: 2.5 * a - 0.5),
    "square": (1, lambda a: a**2),
    "cube": (1, lambda a: a**3),
    "relu-raw": (1, al.relu),
    "abs-raw": (1, abs),
    "dot-5": (5, lambda w1, w2, x1, x2, b: al.dot([w1, w2], [x1, x2], b)),
}


@st.composite
def recipes(draw: st.DrawFn, max_leaves: int = 4, max_steps: int = 10) -> tuple[int, list[Step]]:
    """(number of leaves, steps); the last step's node is the output."""
    leaves = draw(st.integers(1, max_leaves))
    steps = []
    for i in range(draw(st.integers(1, max_steps))):
        name = draw(st.sampled_from(sorted(BUILDERS)))
        arity = BUILDERS[name][0]
        steps.append((name, tuple(draw(st.integers(0, leaves + i - 1)) for _ in range(arity))))
    return leaves, steps


def leaf_values(count: int) -> st.SearchStrategy[list[float]]:
    return st.lists(
        st.floats(-2, 2, allow_nan=False).filter(lambda x: abs(x) > 1e-3),
        min_size=count,
        max_size=count,
    )


def build(recipe: tuple[int, list[Step]], values: Sequence[float]) -> tuple[list[Value], Value]:
    """The recipe's graph on these leaf values: (leaves, output)."""
    count, steps = recipe
    leaves = [Value(v, label=f"x{i}") for i, v in enumerate(values[:count])]
    nodes = list(leaves)
    for name, operands in steps:
        nodes.append(BUILDERS[name][1](*(nodes[i] for i in operands)))
    return leaves, nodes[-1]
