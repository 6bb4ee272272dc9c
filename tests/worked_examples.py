"""Graphs that several test files draw, step through and view."""

from __future__ import annotations

from autograd_lite import Value


def neuron() -> tuple[Value, dict[str, Value]]:
    """o = tanh(x1*w1 + x2*w2 + b): the classic worked example (o = 0.7071, n = 0.8814)."""
    leaves = {
        "x1": Value(2.0, "x1"),
        "x2": Value(0.0, "x2"),
        "w1": Value(-3.0, "w1"),
        "w2": Value(1.0, "w2"),
        "b": Value(6.8813735870195432, "b"),
    }
    n = leaves["x1"] * leaves["w1"] + leaves["x2"] * leaves["w2"] + leaves["b"]
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, leaves
