"""Every operation in `engine.OPS`, checked the same way, as HIPS autograd's `check_grads` does.

Nothing here names an operation: each test runs once per entry of the table, so a new operation
is differentiated against finite differences (first and second order), run forwards (jvp),
compiled, printed as code and as step-through text, drawn, pickled and compared with PyTorch
as soon as it is added to `OPS`, and a feature that does not know it fails here.
"""

from __future__ import annotations

import html
import itertools
import math
import pickle
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from messages import raises_naming

import autograd_lite as al
from autograd_lite import Value, compile_graph, grad, jvp, step_through, to_code, to_svg
from autograd_lite.engine import OPS, Op, apply, local_derivatives, register
from autograd_lite.symbolic import Symbol, symbolic_derivatives

NAMES = sorted(OPS)
#: Inside every operation's domain and away from every kink (relu, abs and step at 0).
POINTS = (0.7, 1.3, 0.45, 1.6, 0.9, 1.1)
#: What an operand that must be a plain number (a fixed exponent or base) is given.
CONSTANT = 1.5


def point(op: Op) -> list[float]:
    """One value per operand: a constant where the op needs a number, else a point."""
    return [CONSTANT if i in op.constants else POINTS[i] for i in range(len(op.params))]


def variables(op: Op) -> list[int]:
    """The operand positions that are Values (and get gradients)."""
    return [i for i in range(len(op.params)) if i not in op.constants]


def build(op: Op, values: list[float]) -> tuple[list[Value], Value]:
    """The op applied to Values (and constants), on `values`: (leaves, output)."""
    leaves = {i: Value(values[i], label=f"x{i}") for i in variables(op)}
    output = apply(op, *(leaves.get(i, v) for i, v in enumerate(values)))
    return list(leaves.values()), output


def gradient(op: Op, values: list[float]) -> list[float]:
    """d op/d operand for every Value operand, by backward()."""
    leaves, output = build(op, values)
    output.backward()
    return [leaf.grad for leaf in leaves]


def central_difference(f, values: list[float], i: int, h: float = 1e-6) -> float:
    up, down = list(values), list(values)
    up[i] += h
    down[i] -= h
    return (f(up) - f(down)) / (2 * h)


@pytest.mark.parametrize("name", NAMES)
def test_first_derivatives_match_finite_differences(name):
    op = OPS[name]
    values = point(op)
    for i, g in zip(variables(op), gradient(op, values)):
        numeric = central_difference(lambda v: op.forward(*v), values, i)
        assert g == pytest.approx(numeric, rel=1e-6, abs=1e-8), f"d{name}/d operand {i}"


@pytest.mark.parametrize("name", NAMES)
def test_second_derivatives_match_finite_differences(name):
    op = OPS[name]
    values = point(op)
    leaves, output = build(op, values)
    first = grad(output, leaves, create_graph=True)
    positions = variables(op)
    for (a, i), (b, j) in itertools.product(enumerate(positions), repeat=2):
        second = grad(first[a], [leaves[b]])[0]
        numeric = central_difference(lambda v, a=a: gradient(op, v)[a], values, j, h=1e-5)
        assert second == pytest.approx(numeric, rel=1e-5, abs=1e-6), f"d2{name}/d{i} d{j}"


@pytest.mark.parametrize("name", NAMES)
def test_forward_mode_gives_the_directional_derivative(name):
    op = OPS[name]
    leaves, output = build(op, point(op))
    output.backward()
    directions = {leaf: 0.5 + k for k, leaf in enumerate(leaves)}
    expected = sum(leaf.grad * v for leaf, v in directions.items())
    assert jvp(output, directions) == pytest.approx(expected, rel=1e-14, abs=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_compiled_code_computes_exactly_what_the_engine_does(name):
    op = OPS[name]
    values = point(op)
    leaves, output = build(op, values)
    output.backward()
    compiled = compile_graph(output, leaves)
    assert compiled([leaf.data for leaf in leaves]) == (
        output.data,
        tuple(leaf.grad for leaf in leaves),
    )
    moved = [v if i in op.constants else v * 1.1 for i, v in enumerate(values)]
    moved_leaves, moved_output = build(op, moved)
    moved_output.backward()
    assert compiled([leaf.data for leaf in moved_leaves]) == (
        moved_output.data,
        tuple(leaf.grad for leaf in moved_leaves),
    )


@pytest.mark.parametrize("name", NAMES)
def test_code_and_step_through_print_the_operation_and_its_rule(name):
    op = OPS[name]
    leaves, output = build(op, point(op))
    in_code = op.symbol if op.is_python_operator else "" if op.formula else f"{op.name}("
    source = to_code(output, leaves)
    assert in_code in source.split("# forward")[1].split("\n")[1]
    text = str(step_through(output))
    assert (op.symbol or ("" if op.formula else f"{op.name}(")) in text
    for leaf in leaves:
        assert f"{leaf.label}.grad" in text
    rules = symbolic_derivatives(output, lambda v: v.label or "out")
    assert len(rules) == len(op.params)
    assert all(isinstance(r, (Symbol, float, int)) for r in rules)


@pytest.mark.parametrize("name", NAMES)
def test_drawn_with_its_symbol_or_name(name):
    op = OPS[name]
    _, output = build(op, point(op))
    svg = html.unescape(to_svg(output))
    assert f">{op.symbol or op.name}</text>" in svg


@pytest.mark.parametrize("name", NAMES)
def test_pickles_as_itself_and_its_node_with_it(name):
    op = OPS[name]
    assert pickle.loads(pickle.dumps(op)) is op
    assert repr(op) == f"Op({name!r})" and OPS[op.name] is op


@pytest.mark.parametrize("name", NAMES)
def test_a_value_cannot_stand_where_the_rule_takes_a_number(name):
    op = OPS[name]
    for i in op.constants:
        operands = [Value(v) for v in point(op)]
        with raises_naming(
            al.ArgumentTypeError, f"operand '{op.params[i]}'", "plain number", "Value"
        ):
            apply(op, *operands)
        assert i < len(op.params)


@pytest.mark.parametrize("name", NAMES)
def test_local_derivatives_are_one_per_operand(name):
    op = OPS[name]
    _, output = build(op, point(op))
    assert len(local_derivatives(output)) == len(op.params)
    assert all(math.isfinite(d) for d in local_derivatives(output))


# ---------------------------------------------------------------------------
# PyTorch: the same operation, first and second derivatives, in float64.

#: Operations whose PyTorch function has another name or form; the rest are `torch.<name>`.
TORCH_FORMS = {
    "rpow": lambda torch: torch.pow,
    "pow_values": lambda torch: torch.pow,
    "dot": lambda torch: lambda w, x: w * x,
    "step": lambda torch: lambda x: (x > 0).to(x.dtype),
}


@pytest.mark.parametrize("name", NAMES)
def test_its_rule_passes_the_check_register_makes(name):
    """register() runs a rule once on operands that are graph nodes holding no number and
    refuses one that reads their numbers (its hessian would be 0; see test_engine.py). The
    built-in operations are registered while ops.py is half-built (sin's rule calls cos,
    registered after it), so each is checked again here, as a copy under a new name."""
    op = OPS[name]
    copy = Op(f"copy_of_{name}", op.forward, op.derivatives, op.params, constants=op.constants)
    try:
        assert register(copy, method=False).__name__ == copy.name and OPS[copy.name] is copy
    finally:
        OPS.pop(copy.name, None)


@pytest.mark.slow  # imports torch (seconds)
@pytest.mark.parametrize("name", NAMES)
def test_first_and_second_derivatives_match_pytorch(name):
    torch = pytest.importorskip(
        "torch", reason="PyTorch is not installed: pip install torch to compare with it"
    )
    op = OPS[name]
    function = TORCH_FORMS[name](torch) if name in TORCH_FORMS else getattr(torch, name, None)
    assert function is not None, f"say in TORCH_FORMS what {name!r} is in PyTorch"
    values = point(op)
    tensors = {
        i: torch.tensor(values[i], dtype=torch.float64, requires_grad=True) for i in variables(op)
    }
    y = function(*(tensors.get(i, v) for i, v in enumerate(values)))
    inputs = list(tensors.values())
    leaves, output = build(op, values)
    assert output.data == pytest.approx(y.item(), rel=1e-15)
    if not y.requires_grad:  # a constant function of its operands
        assert gradient(op, values) == [0.0] * len(inputs)
        return
    first = torch.autograd.grad(y, inputs, create_graph=True, allow_unused=True)
    ours = grad(output, leaves, create_graph=True)
    for a, (theirs, mine) in enumerate(zip(first, ours)):
        assert mine.data == pytest.approx(0.0 if theirs is None else theirs.item(), rel=1e-14)
        if theirs is None or not theirs.requires_grad:
            assert grad(mine, leaves) == pytest.approx([0.0] * len(leaves), abs=0)
            continue
        second = torch.autograd.grad(theirs, inputs, allow_unused=True)
        expected = [0.0 if s is None else s.item() for s in second]
        assert grad(mine, leaves) == pytest.approx(expected, rel=1e-13, abs=1e-15), a


def test_dot_adds_left_to_right_like_the_operators_and_the_compiled_code():
    """`dot` added with sum(), which on Python 3.12+ compensates rounding, so it differed from
    `*` and `+` and from compiled code; it adds left to right on every Python."""
    weights = [Value(w) for w in (1e16, 1.0, -1e16)]
    ones = [1.0, 1.0, 1.0]
    z = al.dot(weights, ones)
    by_operators = weights[0] * 1.0 + weights[1] * 1.0 + weights[2] * 1.0
    assert z.data == by_operators.data == 0.0  # sum() on Python 3.12 would give 1.0
    a = al.tanh(z)
    assert compile_graph(a, weights)([1e16, 1.0, -1e16])[0] == a.data


def test_a_long_dot_is_the_same_sum_in_engine_and_compiled_code():
    rng = np.random.default_rng(0)
    weights = [Value(float(w)) for w in rng.normal(size=600)]
    inputs = [float(x) for x in rng.normal(size=600)]
    z = al.dot(weights, inputs, 0.5)
    total = 0.0
    for w, x in zip(weights, inputs):
        total = total + w.data * x if total else w.data * x
    assert z.data == total + 0.5
    assert compile_graph(z, weights)([w.data for w in weights])[0] == z.data


@given(
    terms=st.lists(st.tuples(st.floats(-1e16, 1e16), st.floats(-1e3, 1e3)), min_size=1, max_size=40)
)
def test_dot_is_the_left_to_right_sum_on_every_python(terms):
    """The same on random terms: `dot`, the left-to-right sum and compiled code agree exactly."""
    weights = [Value(w) for w, _ in terms]
    inputs = [x for _, x in terms]
    total = weights[0].data * inputs[0]
    for w, x in zip(weights[1:], inputs[1:]):
        total = total + w.data * x
    z = al.dot(weights, inputs)
    assert z.data == total
    assert compile_graph(z, weights)([w.data for w in weights])[0] == total


def test_max_and_min_route_the_whole_gradient_to_one_operand():
    a, b = Value(2.0, "a"), Value(-1.0, "b")
    out = al.max(a, b) * 3 + al.min(a, b) * 5
    out.backward()
    assert out.data == 2.0 * 3 + -1.0 * 5
    assert (a.grad, b.grad) == (3.0, 5.0)  # max sends its 3 to a, min its 5 to b
    assert a.max(b).data == 2.0 and a.min(b).data == -1.0
    assert al.max(1.5, 2.5) == 2.5 and al.min(1.5, 2.5) == 1.5  # numbers in, a number out
    assert al.max(a, 7).data == 7 and al.max(7, a).op == "max"


def test_a_tie_sends_everything_to_the_first_operand():
    a, b = Value(1.0), Value(1.0)
    al.max(a, b).backward()
    assert (a.grad, b.grad) == (1.0, 0.0)
    c, d = Value(1.0), Value(1.0)
    al.min(c, d).backward()
    assert (c.grad, d.grad) == (1.0, 0.0)


def test_max_min_gradients_match_finite_differences_off_ties():
    rng = random.Random(3)
    h = 1e-6
    for _ in range(20):
        x, y = rng.uniform(-2, 2), rng.uniform(-2, 2)
        if abs(x - y) < 1e-3:
            continue
        for f in (al.max, al.min):
            a, b = Value(x), Value(y)
            out = f(a * a, b.tanh())
            out.backward()
            fd_a = (f((x + h) ** 2, math.tanh(y)) - f((x - h) ** 2, math.tanh(y))) / (2 * h)
            fd_b = (f(x * x, math.tanh(y + h)) - f(x * x, math.tanh(y - h))) / (2 * h)
            assert a.grad == pytest.approx(fd_a, rel=1e-6, abs=1e-8)
            assert b.grad == pytest.approx(fd_b, rel=1e-6, abs=1e-8)
