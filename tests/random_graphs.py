"""Random computation graphs for property tests: a recipe, rebuilt on any leaf values.

A recipe is a list of steps, each an operation and the indices of earlier nodes it reads. The
same recipe on different leaf values gives a graph of the same structure, as `compile_graph`
needs. Every operation of the engine appears, wrapped so that it stays inside its domain
(log(|a| + 0.5), a / (b*b + 1), ...) whatever the values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from hypothesis import strategies as st

import autograd_lite as al
from autograd_lite import Value

Step = tuple[str, tuple[int, ...]]

BUILDERS: dict[str, tuple[int, Callable[..., Value]]] = {
    "add": (2, lambda a, b: a + b),
    "sub": (2, lambda a, b: a - b),
    "mul": (2, lambda a, b: a * b),
    "div": (2, lambda a, b: a / (b * b + 1)),
    "const": (1, lambda a: 2.5 * a - 0.5),
    "neg": (1, lambda a: -a),
    "square": (1, lambda a: a**2),
    "cube": (1, lambda a: a**3),
    "pow": (2, lambda a, b: (al.sigmoid(a) + 0.5) ** b),
    "exp": (1, lambda a: al.exp(al.tanh(a))),
    "log": (1, lambda a: al.log(abs(a) + 0.5)),
    "tanh": (1, al.tanh),
    "sigmoid": (1, al.sigmoid),
    "relu": (1, al.relu),
    "sqrt": (1, lambda a: al.sqrt(abs(a) + 0.25)),
    "abs": (1, abs),
    "dot": (5, lambda w1, w2, x1, x2, b: al.dot([w1, w2], [x1, x2], b)),
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
