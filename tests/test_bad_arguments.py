"""Every public function, given None, a str, nan, inf, 10**400, an empty list or a ragged list
for each of its arguments in turn, raises an AutogradError whose message names the argument.

A bad value of the same kind as the good one is left out (a str where a str goes); so is one
the function documents as fine (`rng=None` draws fresh numbers, `bias=None` means no bias).
"""

from __future__ import annotations

import math

import pytest

import autograd_lite as al
from autograd_lite import Value, compile_graph, jvp, nn, to_code

BAD = {
    "None": None,
    "a str": "abc",
    "nan": math.nan,
    "inf": math.inf,
    "10**400": 10**400,
    "an empty list": [],
    "a ragged list": [[1.0, 2.0], [3.0]],
}

#: (argument, bad value name) pairs a function accepts on purpose.
ACCEPTED = {
    ("dot", "bias", "None"),
    ("Neuron", "rng", "None"),
    ("Layer", "rng", "None"),
    ("MLP", "rng", "None"),
    ("make_moons", "seed", "None"),
    ("to_code", "inputs", "None"),  # every leaf not in data
    ("compile_graph", "inputs", "None"),
    ("to_code", "inputs", "an empty list"),  # a function of the data alone
    ("compile_graph", "inputs", "an empty list"),
    ("compile_graph", "data", "an empty list"),
    ("to_code", "data", "an empty list"),
    ("draw", "depth", "None"),
    ("draw", "max_nodes", "None"),
    ("draw", "labels", "None"),
    ("grad", "inputs", "an empty list"),
    ("compare_modes", "inputs", "an empty list"),
    ("draw", "highlight", "an empty list"),
}


def graph() -> tuple[Value, Value]:
    x = Value(0.5, label="x")
    return x, al.tanh(x * 2.0)


def calls() -> list[tuple[str, object, dict[str, object]]]:
    """(name, function, good keyword arguments) for every public function and class."""
    x, y = graph()
    unary = [
        (name, getattr(al, name), {"x": 0.5})
        for name in ("exp", "log", "tanh", "sigmoid", "relu", "sqrt", "abs", "sin", "cos")
    ]
    return [
        *unary,
        ("Value", Value, {"data": 1.0, "label": "x"}),
        ("dot", al.dot, {"weights": [1.0], "inputs": [2.0], "bias": 0.5}),
        ("topological_order", al.topological_order, {"root": y}),
        ("grad", al.grad, {"output": y, "inputs": [x]}),
        ("jvp", al.jvp, {"output": y, "directions": {x: 1.0}}),
        ("hessian", al.hessian, {"f": lambda a: a * a, "xs": [1.0]}),
        ("compare_modes", al.compare_modes, {"output": y, "inputs": [x]}),
        ("compile_graph", al.compile_graph, {"output": y, "inputs": [x], "data": []}),
        ("to_code", al.to_code, {"output": y, "inputs": [x], "data": [], "function_name": "f"}),
        ("make_moons", al.make_moons, {"n_samples": 10, "noise": 0.1, "seed": 0}),
        ("nudge", al.nudge, {"root": y, "leaf": x, "h": 1e-3}),
        ("Neuron", nn.Neuron, {"nin": 2, "activation": "tanh", "rng": 0, "name": "n"}),
        ("Layer", nn.Layer, {"nin": 2, "nout": 3, "activation": "tanh", "rng": 0, "name": "L"}),
        ("MLP", nn.MLP, {"nin": 2, "nouts": [3, 1], "activation": "tanh", "rng": 0}),
        ("SGD", nn.SGD, {"parameters": [x], "lr": 0.1}),
        ("mean_squared_error", nn.mean_squared_error, {"predictions": [y], "targets": [1.0]}),
    ]


CASES = [
    pytest.param(name, function, good, argument, bad, id=f"{name}-{argument}-{bad}")
    for name, function, good in calls()
    for argument in good
    for bad in BAD
    if (name, argument, bad) not in ACCEPTED
    and not (
        type(BAD[bad]) is type(good[argument]) and bad not in ("an empty list", "a ragged list")
    )
]


@pytest.mark.parametrize(("name", "function", "good", "argument", "bad"), CASES)
def test_a_bad_argument_raises_an_autograd_error_naming_it(name, function, good, argument, bad):
    arguments = dict(good)
    arguments[argument] = BAD[bad]
    with pytest.raises(al.AutogradError) as error:
        function(**arguments)
    message = str(error.value)
    assert argument in message or argument.replace("_", " ") in message, message


@pytest.mark.parametrize(
    ("action", "error", "says"),
    [
        (lambda x: x < 10**400, None, ""),
        (lambda x: jvp(x * 2, {x: 10**400}), al.NonFiniteError, "direction"),
        (lambda x: compile_graph(x * 2, [x])([10**400]), al.NonFiniteError, "Value 'x'"),
        (lambda x: compile_graph(x * 2, [x])(["1.5"]), al.ArgumentTypeError, "str"),
        (lambda x: jvp(x * 2, [x]), al.ArgumentTypeError, "dict"),
        (lambda x: al.topological_order(None), al.ArgumentTypeError, "root"),
        (lambda x: to_code(x * 2, [x], function_name=None), al.ArgumentTypeError, "str"),
        (lambda x: Value(x), al.ArgumentTypeError, "takes a number, got a Value"),
        (lambda x: Value(10**400), al.NonFiniteError, "401 digits"),
        (lambda x: x + math.nan, al.NonFiniteError, "Value 'x'"),
        (lambda x: nn.MLP(2, [1])([math.nan, 1.0]), al.NonFiniteError, "input 0"),
        (lambda x: nn.MLP(2, [1])({1.0, 2.0}), al.ArgumentTypeError, "list or tuple"),
        (lambda x: nn.SGD([x, x], 0.1), al.ModelError, "listed twice"),
    ],
)
def test_errors_are_autograd_errors_that_name_what_was_wrong(action, error, says):
    """Python's own errors (OverflowError from 10**400, TypeError from a str) escaped; they are
    AutogradErrors that name what was wrong."""
    x = Value(1.0, label="x")
    if error is None:
        assert action(x) is True  # compared exactly, no OverflowError
        return
    with pytest.raises(error, match=says):
        action(x)
