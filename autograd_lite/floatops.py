"""The engine's functions on plain floats, for code generated from a graph.

Generated code (`autograd_lite.codegen`) imports these so that `relu(z)` or `step(z)` in a
listing runs exactly the engine's own arithmetic: each name is its operation's `forward`,
read from `engine.OPS` when it is asked for (so an operation registered later is here too),
not a second copy of it. Operations that are Python's own operators (`+ - * /`, unary `-`) or
a formula of them (a weighted sum) need no function; the powers are functions here
(`pow(x, 2)`), since Python's `**` turns a negative base into a complex number where the
engine refuses it.
"""

from __future__ import annotations

from collections.abc import Callable

from .engine import OPS


def functions() -> dict[str, Callable[..., float]]:
    """One function per operation that generated code calls by name, from the table now."""
    return {
        op.name: op.forward
        for op in OPS.values()
        if not op.is_python_operator and op.formula is None
    }


def __getattr__(name: str) -> Callable[..., float]:
    function = functions().get(name)
    if function is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return function


def __dir__() -> list[str]:
    return sorted({*globals(), *functions()})
