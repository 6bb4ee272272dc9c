"""Every public function, given a hostile value for each of its arguments in turn (None, a str,
nan, inf, 10**400, an empty or ragged list, NumPy complex and bool, bytes, a set, a Decimal),
raises an AutogradError whose message names the argument, and changes nothing of the user's.
So do the operators, and labels and grads set after construction.

A bad value of the same kind as the good one is left out (a str where a str goes); so is one
the function documents as fine (`rng=None` draws fresh numbers, `bias=None` means no bias),
and one with a right answer (`step(inf)` is 1.0) is checked for that answer.
"""

from __future__ import annotations

import copy
import inspect
import math
import operator
import pickle
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from messages import argument_refusal_failure, raises_naming

import autograd_lite as al
from autograd_lite import Value, compile_graph, derivations, jvp, nn, to_code

BAD: dict[str, Any] = {
    "None": None,
    "a str": "abc",
    "nan": math.nan,
    "inf": math.inf,
    "10**400": 10**400,
    "an empty list": [],
    "a ragged list": [[1.0, 2.0], [3.0]],
    "NumPy complex": np.complex128(1 + 1j),
    "NumPy bool": np.bool_(True),
    "bytes": b"1",
    "a set": {1.0, 2.0},
    "a Decimal": Decimal("1.5"),
}

#: (function, argument, bad value name) a function accepts on purpose.
ACCEPTED = {
    ("dot", "bias", "None"),
    ("Neuron", "rng", "None"),
    ("Layer", "rng", "None"),
    ("MLP", "rng", "None"),
    ("make_moons", "seed", "None"),
    ("make_spirals", "seed", "None"),
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
    ("draw", "highlight", "a set"),  # which Values to mark: any collection of them
    ("reachable", "order", "an empty list"),  # nothing to search: the answer is {}
    ("reachable", "targets", "an empty list"),
    ("Derivation", "aliases", "None"),
    ("Derivation", "notation", "None"),
    ("compile_batched", "parameters", "an empty list"),  # the good call's own: no parameters
}

#: (function, argument, bad value name): the right answer, where there is one.
ANSWERS = {
    ("step", "x", "inf"): 1.0,  # the unit step is 1 for every x > 0
    ("shape", "x", "an empty list"): (0,),  # a vector of no entries
    ("transpose", "matrix", "an empty list"): [],  # the empty matrix is its own transpose
}

#: Public names that are not called with user numbers: what the library returns, or bases.
NOT_WALKED = {
    "BackwardStep": "a step_through result",
    "ForwardStep": "a step_through result",
    "StepThrough": "step_through's result (walked as step_through)",
    "ModeComparison": "compare_modes' result",
    "CompiledGraph": "compile_graph's result (walked as compile_graph)",
    "BatchedGraph": "compile_batched's result (walked as compile_batched)",
    "Rules": "a derivation's table of rules",
    "SlipKind": "an enumeration of slips",
    "network_mazur": "a worked example (walked as Derivation)",
    "Op": "an operation's definition (register checks it)",
    "apply": "the engine's core, walked through every operation's function",
    "forward_sweep": "the engine's sweep: takes functions, not numbers",
    "reverse_sweep": "the engine's sweep: takes functions, not numbers",
    "register": "takes an Op (test_engine walks register's checks)",
    "find_renderer": "takes no arguments",
    "save": "to_svg's options, written to a file (walked as to_svg)",
    "Module": "a base class with no arguments",
    "Chain": "a derivation's result",
    "Comparison": "a derivation's result",
    "ComparisonRow": "a derivation's result",
    "Equations": "a derivation's result",
    "Explanation": "a derivation's result",
    "Factor": "a derivation's result",
    "FactorCheck": "a derivation's result",
    "FormulaCheck": "a derivation's result",
    "Loss": "a derivation's loss table entry (custom_loss makes one)",
    "Nudge": "nudge's result",
    "NudgeRow": "nudge's result",
    "PathTerm": "a derivation's result",
    "Quantities": "a derivation's result",
    "SampleEquations": "a derivation's result",
    "Slip": "a derivation's result",
    "network_a": "a worked example (walked as Derivation)",
    "network_b": "a worked example (walked as Derivation)",
    "network_c": "a worked example (walked as Derivation)",
    "network_d": "a worked example (walked as Derivation)",
    "Notation": "symbol templates (test_notation checks them)",
    "custom_loss": "takes a function (test_derivations checks it)",
}


UNARY = ("exp", "log", "tanh", "sigmoid", "relu", "sqrt", "abs", "sin", "cos", "step", "sign")


def graph() -> tuple[Value, Value]:
    x = Value(0.5, label="x")
    return x, al.tanh(x * 2.0)


def calls() -> list[tuple[str, Any, dict[str, Any]]]:
    """(name, function, good keyword arguments) for every public function and class."""
    x, y = graph()
    model = nn.MLP(2, [2, 1], rng=0)
    unary = [(name, getattr(al, name), {"x": 0.5}) for name in UNARY]
    return [
        *unary,
        ("max", al.max, {"a": 0.5, "b": 1.5}),
        ("min", al.min, {"a": 0.5, "b": 1.5}),
        ("Value", Value, {"data": 1.0, "label": "x"}),
        ("dot", al.dot, {"weights": [1.0], "inputs": [2.0], "bias": 0.5}),
        ("topological_order", al.topological_order, {"root": y}),
        ("reachable", al.reachable, {"order": al.topological_order(y), "targets": [x]}),
        ("local_derivatives", al.local_derivatives, {"node": y, "on_values": False}),
        ("recompute", al.recompute, {"output": y, "data": {x: 0.25}}),
        ("grad", al.grad, {"output": y, "inputs": [x], "create_graph": False}),
        ("jvp", al.jvp, {"output": y, "directions": {x: 1.0}}),
        ("hessian", al.hessian, {"f": lambda a: a * a, "xs": [1.0]}),
        ("compare_modes", al.compare_modes, {"output": y, "inputs": [x]}),
        ("compile_graph", al.compile_graph, {"output": y, "inputs": [x], "data": []}),
        ("compile_batched", al.compile_batched, {"output": y, "parameters": [], "samples": [x]}),
        ("to_code", al.to_code, {"output": y, "inputs": [x], "data": [], "function_name": "f"}),
        ("to_svg", al.to_svg, {"root": y, "precision": 3, "show_grad": True}),
        ("draw", al.draw, {"root": y, "rankdir": "LR", "highlight": [x], "depth": 2}),
        ("step_through", al.step_through, {"root": y, "precision": 4}),
        ("make_moons", al.make_moons, {"n_samples": 10, "noise": 0.1, "seed": 0}),
        ("make_spirals", al.make_spirals, {"n_samples": 12, "n_classes": 3, "seed": 0}),
        ("nudge", al.nudge, {"root": y, "leaf": x, "h": 1e-3}),
        (
            "Neuron",
            nn.Neuron,
            {"nin": 2, "activation": "tanh", "bias": True, "rng": 0, "name": "n"},
        ),
        ("Layer", nn.Layer, {"nin": 2, "nout": 3, "activation": "tanh", "rng": 0, "name": "L"}),
        ("MLP", nn.MLP, {"nin": 2, "nouts": [3, 1], "activation": "tanh", "rng": 0}),
        ("SGD", nn.SGD, {"parameters": [x], "lr": 0.1}),
        ("mean_squared_error", nn.mean_squared_error, {"predictions": [y], "targets": [1.0]}),
        ("squared_error", nn.squared_error, {"outputs": [y], "targets": [1.0]}),
        ("half_squared_error", nn.half_squared_error, {"outputs": [y], "targets": [1.0]}),
        ("binary_cross_entropy", nn.binary_cross_entropy, {"probabilities": [0.7], "targets": [1]}),
        ("hinge_loss", nn.hinge_loss, {"scores": [y], "labels": [1]}),
        ("softmax", nn.softmax, {"logits": [y, 0.5]}),
        ("cross_entropy", nn.cross_entropy, {"logits": [y, 0.5], "class_index": 0}),
        ("cross_entropy_one_hot", al.cross_entropy_one_hot, {"logits": [y, 0.5], "target": [1, 0]}),
        (
            "Derivation",
            derivations.Derivation,
            {"mlp": model, "inputs": [[0.5, -0.5]], "targets": [[1.0]], "title": "t"},
        ),
        ("hadamard", derivations.hadamard, {"u": [1.0, 2.0], "v": [3.0, 4.0]}),
        ("matvec", derivations.matvec, {"matrix": [[1.0, 2.0]], "vector": [3.0, 4.0]}),
        ("outer", derivations.outer, {"u": [1.0, 2.0], "v": [3.0, 4.0]}),
        ("relative_error", derivations.relative_error, {"a": 1.0, "b": 1.5}),
        ("shape", derivations.shape, {"x": [[1.0, 2.0]]}),
        ("transpose", derivations.transpose, {"matrix": [[1.0, 2.0]]}),
    ]


def _public_callables() -> set[str]:
    names = set()
    for module in (al, nn, derivations):
        for name in module.__all__:
            thing = getattr(module, name)
            if callable(thing) and not (
                inspect.isclass(thing) and issubclass(thing, BaseException)
            ):
                names.add(name)
    return names


def test_the_walk_covers_every_public_function():
    walked = {name for name, _, _ in calls()}
    assert _public_callables() - walked - set(NOT_WALKED) == set()
    assert walked & set(NOT_WALKED) == set()


def _users_values(arguments: dict[str, Any]) -> list[Value]:
    """Every Value the user handed over, and every Value those depend on."""
    found: list[Value] = []
    for argument in arguments.values():
        items = argument if isinstance(argument, (list, tuple, dict)) else [argument]
        for item in items:
            if isinstance(item, nn.Module):
                found += item.parameters()
            elif type(item) is Value:
                found += al.topological_order(item)
    return found


def _snapshot(values: list[Value]) -> list[tuple[Any, ...]]:
    return [(v.data, v.grad, v.label, v.operation) for v in values]


def _is(value: Any, bad: Any) -> bool:
    """True when `value` is that very bad value, or an equal one of the same type."""
    if type(value) is not type(bad):
        return False
    if isinstance(bad, float) and math.isnan(bad):
        return math.isnan(value)
    return bool(value == bad) if not isinstance(bad, np.generic) else True


CASES = [
    pytest.param(name, function, good, argument, id=f"{name}-{argument}")
    for name, function, good in calls()
    for argument in good
]


def _hostile_values(name: str, good: dict[str, Any], argument: str) -> list[str]:
    """The names of the BAD values to try for `argument`: all but those accepted on purpose
    and those of the good value's own type (a str where a str goes)."""
    return [
        bad
        for bad in BAD
        if (name, argument, bad) not in ACCEPTED
        and not (
            type(BAD[bad]) is type(good[argument]) and bad not in ("an empty list", "a ragged list")
        )
    ]


def _failure(name: str, function: Any, good: dict[str, Any], argument: str, bad: str) -> str:
    """What is wrong with calling `function` with `argument` set to the bad value ('' if
    nothing is)."""
    arguments = dict(good)
    arguments[argument] = BAD[bad]
    users = _users_values(good)
    before = _snapshot(users)
    if (name, argument, bad) in ANSWERS:
        answer = function(**arguments)
        return "" if answer == ANSWERS[name, argument, bad] else f"answered {answer!r}"
    failure = argument_refusal_failure(lambda: function(**arguments), argument)
    if not failure and _snapshot(users) != before:  # a failed call changes nothing of the user's
        return "changed the user's Values"
    return failure


@pytest.mark.parametrize(("name", "function", "good", "argument"), CASES)
def test_a_bad_argument_raises_an_autograd_error_naming_it(name, function, good, argument):
    """Each hostile value in turn for one argument: 1,219 calls in 109 tests (one per argument:
    each test costs pytest's overhead). A failure lists every value that failed, and how."""
    bad_values = _hostile_values(name, good, argument)
    failures = {bad: _failure(name, function, good, argument, bad) for bad in bad_values}
    failed = {bad: why for bad, why in failures.items() if why}
    assert not failed, f"{name}({argument}=...): {failed}"


#: The bad numbers no float holds: refused as NonFiniteError (the second operator test).
NO_FLOAT_HOLDS = ("nan", "inf", "10**400")

OPERATORS = [
    operator.add,
    operator.sub,
    operator.mul,
    operator.truediv,
    operator.pow,
    operator.lt,
    operator.le,
    operator.gt,
    operator.ge,
]


def _operator_failure(op: Any, x: Value, bad: Any) -> str:
    """What is wrong with `op(x, bad)` and `op(bad, x)` ('' if nothing is)."""
    for side, call in (("right", lambda: op(x, bad)), ("left", lambda: op(bad, x))):
        if side == "left" and isinstance(bad, np.bool_):  # a NumPy scalar answers for itself
            continue
        try:
            call()
        except al.ArgumentTypeError as error:
            if "Value 'x'" not in str(error) and "a Value with" not in str(error):
                return f"on the {side}: the message names no Value: {error}"
        except Exception as error:  # reported beside the other values' failures
            return f"on the {side}: {type(error).__name__}, not an ArgumentTypeError: {error}"
        else:
            return f"on the {side}: raised nothing"
    return ""


@pytest.mark.parametrize("op", OPERATORS, ids=lambda op: op.__name__)
def test_an_operator_with_what_is_not_a_number_names_the_value(op):
    """`x + None`, `None * x`, `x ** 1j`, `x < "a"`: an ArgumentTypeError naming Value 'x',
    from either side (it was Python's "unsupported operand type", naming no Value). Every
    bad value in turn; a failure lists each value that failed."""
    x, y = graph()
    before = _snapshot([x, y])
    failures = {bad: _operator_failure(op, x, BAD[bad]) for bad in BAD if bad not in NO_FLOAT_HOLDS}
    failed = {bad: why for bad, why in failures.items() if why}
    assert not failed, f"{op.__name__}: {failed}"
    assert _snapshot([x, y]) == before


@pytest.mark.parametrize("bad", NO_FLOAT_HOLDS)
@pytest.mark.parametrize("op", OPERATORS[:5], ids=lambda op: op.__name__)
def test_an_operator_with_a_number_no_float_holds_names_the_value(op, bad):
    x, _ = graph()
    with raises_naming(al.NonFiniteError, "Value 'x'", "operand"):
        op(x, BAD[bad])
    with raises_naming(al.NonFiniteError, "Value 'x'", "operand"):
        op(BAD[bad], x)
    assert (x.data, x.grad) == (0.5, 0.0)


@pytest.mark.parametrize("bad", [b for b in BAD if b != "a str"])
def test_a_label_set_after_construction_is_refused_and_kept(bad):
    x, y = graph()
    with raises_naming(al.ArgumentTypeError, "Value label", "str"):
        x.label = BAD[bad]
    assert x.label == "x"
    assert "x" in al.to_code(y)


#: Everything that reads the grads of a graph, and what each must say of a bad one.
GRAD_READERS = {
    "backward": lambda x, y: y.backward(),
    "SGD.step": lambda x, y: nn.SGD([x], 0.1).step(),
    "to_svg": lambda x, y: al.to_svg(y),
    "draw": lambda x, y: al.draw(y),
}

#: Everything that ignores the grads (it computes its own), so a bad one is no matter.
GRAD_IGNORERS = {
    "grad": lambda x, y: al.grad(y, [x]),
    "jvp": lambda x, y: al.jvp(y, {x: 1.0}),
    "to_code": lambda x, y: al.to_code(y),
    "compile_graph": lambda x, y: al.compile_graph(y, [x])([0.5]),
    "step_through": lambda x, y: str(al.step_through(y)),
    "zero_grad": lambda x, y: y.zero_grad(),
}


def _reader_failure(reader: str, bad: Any) -> str:
    """What is wrong with reading a graph whose leaf's grad was set to `bad` ('' if nothing)."""
    x, y = graph()
    x.grad = bad
    before = [(v.data, v.label) for v in (x, y)]
    if reader == "backward" and isinstance(bad, np.bool_):  # NumPy adds True as 1
        GRAD_READERS[reader](x, y)
        return "" if x.grad == 1.0 + 2.0 * (1.0 - y.data**2) else f"grad {x.grad!r}"
    try:
        GRAD_READERS[reader](x, y)
    except al.AutogradError as error:
        missing = [t for t in ("grad", "Value 'x'", "zero_grad()") if t not in str(error)]
        if missing:
            return f"the message {str(error)!r} does not name {missing}"
    except Exception as error:  # reported beside the other values' failures
        return f"raised {type(error).__name__}, not an AutogradError: {error}"
    else:
        return "raised nothing"
    if not (_is(x.grad, bad) and y.grad == 0.0):
        return f"grads changed: {x.grad!r}, {y.grad!r}"
    if [(v.data, v.label) for v in (x, y)] != before:
        return "numbers or labels changed"
    return ""


@pytest.mark.parametrize("reader", list(GRAD_READERS))
def test_a_grad_set_after_construction_is_named_by_what_reads_it(reader):
    """`x.grad = None` (PyTorch's habit) or 10**400, then backward, SGD or a drawing: an
    AutogradError naming x's grad, and every grad and number left as it was. Every bad value
    in turn; a failure lists each value that failed."""
    bad_values = [b for b in BAD if b not in ("an empty list", "a ragged list")]
    failures = {bad: _reader_failure(reader, BAD[bad]) for bad in bad_values}
    failed = {bad: why for bad, why in failures.items() if why}
    assert not failed, f"{reader}: {failed}"


@pytest.mark.parametrize("ignorer", list(GRAD_IGNORERS))
def test_what_computes_its_own_gradients_ignores_a_bad_grad(ignorer):
    expected = GRAD_IGNORERS[ignorer](*graph())
    for bad in ["None", "a str", "10**400", "NumPy complex"]:
        x, y = graph()
        x.grad = BAD[bad]
        assert GRAD_IGNORERS[ignorer](x, y) == expected or ignorer == "zero_grad", bad


def test_a_graph_with_a_bad_grad_pickles_and_copies_as_it_is():
    x, y = graph()
    x.grad = None
    for twin in (pickle.loads(pickle.dumps(y)), copy.deepcopy(y)):
        (leaf,) = [v for v in al.topological_order(twin) if v.is_leaf]
        assert leaf.grad is None and twin.data == y.data


@pytest.mark.parametrize(
    ("action", "error", "terms"),
    [
        (lambda x: x < 10**400, None, ()),
        (
            lambda x: jvp(x * 2, {x: 10**400}),
            al.NonFiniteError,
            ("jvp", "direction", "Value 'x'", "401 digits"),
        ),
        (
            lambda x: compile_graph(x * 2, [x])([10**400]),
            al.NonFiniteError,
            ("values", "Value 'x'", "401 digits"),
        ),
        (
            lambda x: compile_graph(x * 2, [x])(["1.5"]),
            al.ArgumentTypeError,
            ("values", "Value 'x'", "str '1.5'"),
        ),
        (lambda x: jvp(x * 2, [x]), al.ArgumentTypeError, ("jvp", "directions", "dict", "list")),
        (
            lambda x: al.topological_order(None),
            al.ArgumentTypeError,
            ("topological_order", "root", "None"),
        ),
        (
            lambda x: to_code(x * 2, [x], function_name=None),
            al.ArgumentTypeError,
            ("function_name", "str", "NoneType"),
        ),
        (lambda x: Value(x), al.ArgumentTypeError, ("Value(...)", "number", "Value(v.data)")),
        (lambda x: Value(10**400), al.NonFiniteError, ("Value data", "401 digits")),
        (lambda x: x + math.nan, al.NonFiniteError, ("Value 'x'", "finite", "nan")),
        (lambda x: nn.MLP(2, [1])([math.nan, 1.0]), al.NonFiniteError, ("L1.N0", "input 0", "nan")),
        (
            lambda x: nn.MLP(2, [1])({1.0, 2.0}),
            al.ArgumentTypeError,
            ("inputs", "list or tuple", "set"),
        ),
        (lambda x: nn.SGD([x, x], 0.1), al.ModelError, ("SGD", "Value 'x'", "listed twice")),
    ],
)
def test_errors_are_autograd_errors_that_name_what_was_wrong(action, error, terms):
    """Python's own errors (OverflowError from 10**400, TypeError from a str) escaped; they are
    AutogradErrors that name what was wrong."""
    x = Value(1.0, label="x")
    if error is None:
        assert action(x) is True  # compared exactly, no OverflowError
        return
    with raises_naming(error, *terms):
        action(x)
