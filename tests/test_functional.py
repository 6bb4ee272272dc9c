"""grad with create_graph (higher derivatives), hessian, jvp and the forward/reverse counts."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from messages import raises_naming
from random_graphs import build, leaf_values, recipes

import autograd_lite as al
from autograd_lite import Value, compile_graph, grad, hessian, jvp, step_through
from autograd_lite.engine import local_derivatives
from autograd_lite.symbolic import symbolic_derivatives


def derivatives(f, x: float, order: int = 3) -> list[float]:
    """[f'(x), f''(x), ...] by differentiating the gradient graph again and again."""
    leaf = Value(x, label="x")
    y = f(leaf)
    result = []
    for _ in range(order):
        (y,) = grad(y, [leaf], create_graph=True)
        result.append(y.data)
    return result


def _tanh3(x: float) -> list[float]:
    t = math.tanh(x)
    return [1 - t * t, -2 * t * (1 - t * t), (1 - t * t) * (6 * t * t - 2)]


def _sigmoid3(x: float) -> list[float]:
    s = 1 / (1 + math.exp(-x))
    return [s * (1 - s), s * (1 - s) * (1 - 2 * s), s * (1 - s) * (1 - 6 * s + 6 * s * s)]


def _x_to_the_x3(x: float) -> list[float]:
    u = math.log(x) + 1
    return [x**x * u, x**x * (u * u + 1 / x), x**x * (u**3 + 3 * u / x - 1 / x**2)]


# (name, f on a Value, point, [f', f'', f'''] written out by hand)
UNARY_CASES = [
    ("exp", al.exp, 0.7, [math.exp(0.7)] * 3),
    ("log", al.log, 1.5, [1 / 1.5, -1 / 1.5**2, 2 / 1.5**3]),
    ("tanh", al.tanh, 0.4, _tanh3(0.4)),
    ("sigmoid", al.sigmoid, -0.8, _sigmoid3(-0.8)),
    ("sqrt", al.sqrt, 2.0, [0.5 * 2**-0.5, -0.25 * 2**-1.5, 0.375 * 2**-2.5]),
    ("relu, x > 0", al.relu, 1.3, [1.0, 0.0, 0.0]),
    ("relu, x < 0", al.relu, -1.3, [0.0, 0.0, 0.0]),
    ("abs, x > 0", abs, 1.3, [1.0, 0.0, 0.0]),
    ("abs, x < 0", abs, -1.3, [-1.0, 0.0, 0.0]),
    ("neg", lambda x: -x, 0.3, [-1.0, 0.0, 0.0]),
    ("x ** 3", lambda x: x**3, -1.5, [3 * 1.5**2, 6 * -1.5, 6.0]),
    ("x ** 2.5", lambda x: x**2.5, 1.7, [2.5 * 1.7**1.5, 3.75 * 1.7**0.5, 1.875 * 1.7**-0.5]),
    ("2 ** x", lambda x: 2**x, 0.6, [math.log(2) ** k * 2**0.6 for k in (1, 2, 3)]),
    ("x ** x", lambda x: x**x, 1.4, _x_to_the_x3(1.4)),
    ("x + 3", lambda x: x + 3, 0.2, [1.0, 0.0, 0.0]),
    ("3 - x", lambda x: 3 - x, 0.2, [-1.0, 0.0, 0.0]),
    ("x * x", lambda x: x * x, 0.9, [1.8, 2.0, 0.0]),
    ("1 / x", lambda x: 1 / x, 0.8, [-1 / 0.8**2, 2 / 0.8**3, -6 / 0.8**4]),
    ("x / 4", lambda x: x / 4, 0.8, [0.25, 0.0, 0.0]),
    ("dot with x twice", lambda x: al.dot([x, 2.0], [x, x], x), 0.5, [2 * 0.5 + 3, 2.0, 0.0]),
]


@pytest.mark.parametrize(
    ("name", "f", "x", "expected"), UNARY_CASES, ids=[c[0] for c in UNARY_CASES]
)
def test_first_second_third_derivatives_match_the_analytic_forms(name, f, x, expected):
    assert derivatives(f, x) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_mixed_partials_of_the_binary_operations():
    x, y = Value(1.5, label="x"), Value(-0.7, label="y")

    def second(f, first, then):
        (g,) = grad(f(x, y), [first], create_graph=True)
        return grad(g, [then])[0]

    assert second(lambda a, b: a * b, x, y) == 1.0
    assert second(lambda a, b: a / b, x, y) == pytest.approx(-1 / 0.7**2)
    assert second(lambda a, b: a / b, y, y) == pytest.approx(2 * 1.5 / -(0.7**3))
    assert second(lambda a, b: a - b, x, y) == 0.0
    assert second(lambda a, b: al.dot([a], [b]), y, x) == 1.0
    # d2(a^b)/da db = a^(b-1) (1 + b ln a), at a = 1.5 (the exponent is a Value)
    assert second(lambda a, b: a**b, x, y) == pytest.approx(1.5**-1.7 * (1 - 0.7 * math.log(1.5)))


TORCH_CASES = [
    ("exp", al.exp, "exp", 0.7),
    ("log", al.log, "log", 1.5),
    ("tanh", al.tanh, "tanh", 0.4),
    ("sigmoid", al.sigmoid, "sigmoid", -0.8),
    ("sqrt", al.sqrt, "sqrt", 2.0),
    ("relu", al.relu, "relu", 1.3),
    ("relu", al.relu, "relu", -1.3),
    ("abs", abs, "abs", -1.3),
    ("neg", lambda x: -x, "neg", 0.3),
]


@pytest.mark.slow  # imports torch (seconds)
@pytest.mark.parametrize(("name", "f", "torch_name", "x"), TORCH_CASES)
def test_higher_derivatives_match_pytorch_double_backward(name, f, torch_name, x):
    torch = pytest.importorskip(
        "torch", reason="PyTorch is not installed: pip install torch to compare with it"
    )
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = getattr(torch, torch_name)(t)
    expected = []
    for _ in range(3):
        (y,) = torch.autograd.grad(y, t, create_graph=True)
        expected.append(y.item())
        if not y.requires_grad:  # a constant derivative: every later one is 0
            expected += [0.0] * (3 - len(expected))
            break
    assert derivatives(f, x) == pytest.approx(expected, rel=1e-12, abs=1e-12)


# (name, f on Values, the same f on torch tensors)
BINARY_CASES = [
    ("a + b", lambda a, b: a + b, None),
    ("a - b", lambda a, b: a - b, None),
    ("a * b", lambda a, b: a * b, None),
    ("a / b", lambda a, b: a / b, None),
    ("a ** b", lambda a, b: a**b, None),
    ("a ** 3 + b", lambda a, b: a**3 + b, None),
    ("dot", lambda a, b: al.dot([a, b], [b, a], a), lambda a, b: a * b + b * a + a),
]


def _all_partials(y, variables, order, differentiate):
    """[first partials, second partials, ...], each flattened in the order of `variables`."""
    levels, current = [], [y]
    for _ in range(order):
        current = [d for f in current for d in differentiate(f, variables)]
        levels.append(current)
    return levels


@pytest.mark.slow  # imports torch (seconds)
@pytest.mark.parametrize(("name", "f", "f_torch"), BINARY_CASES, ids=[c[0] for c in BINARY_CASES])
def test_mixed_partials_up_to_third_order_match_pytorch(name, f, f_torch):
    torch = pytest.importorskip(
        "torch", reason="PyTorch is not installed: pip install torch to compare with it"
    )
    point = (1.3, -0.6)

    def ours(y, variables):
        return grad(y, variables, create_graph=True)

    def theirs(y, variables):
        if not y.requires_grad:
            return [torch.zeros((), dtype=torch.float64) for _ in variables]
        found = torch.autograd.grad(y, variables, create_graph=True, allow_unused=True)
        return [torch.zeros((), dtype=torch.float64) if g is None else g for g in found]

    leaves = [Value(v) for v in point]
    tensors = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in point]
    expected = _all_partials((f_torch or f)(*tensors), tensors, 3, theirs)
    for level, expected_level in zip(_all_partials(f(*leaves), leaves, 3, ours), expected):
        got = [g.data for g in level]
        assert got == pytest.approx([t.item() for t in expected_level], rel=1e-12, abs=1e-12)


@pytest.mark.slow  # imports torch (seconds)
def test_hessian_of_a_formula_matches_pytorch():
    torch = pytest.importorskip(
        "torch", reason="PyTorch is not installed: pip install torch to compare with it"
    )

    def f(a, b, c):
        return (a * b).tanh() + a**3 / (c * c + 1) + (b - c).exp() * al.sigmoid(a)

    def f_torch(v):
        a, b, c = v
        return torch.tanh(a * b) + a**3 / (c * c + 1) + torch.exp(b - c) * torch.sigmoid(a)

    point = [0.3, -1.2, 0.8]
    expected = torch.autograd.functional.hessian(f_torch, torch.tensor(point, dtype=torch.float64))
    for row, expected_row in zip(hessian(f, point), expected.tolist()):
        assert row == pytest.approx(expected_row, rel=1e-12, abs=1e-12)


def tiny_network_loss(*p: Value) -> Value:
    """A 2-3-1 tanh network (13 parameters) with squared error over three samples."""
    samples = [([0.5, -1.0], 1.0), ([1.5, 0.2], -1.0), ([-0.3, 0.8], 0.5)]
    loss = 0.0
    for x, y in samples:
        hidden = [al.tanh(al.dot(p[3 * j : 3 * j + 2], x, p[3 * j + 2])) for j in range(3)]
        out = al.dot(p[9:12], hidden, p[12])
        loss = loss + (out - y) ** 2
    return loss / len(samples)


def test_hessian_of_a_network_loss_matches_finite_differences_of_its_gradient():
    point = [0.1 * ((7 * i) % 11) - 0.5 for i in range(13)]
    h = hessian(tiny_network_loss, point)

    def gradient(at):
        leaves = [Value(v) for v in at]
        return grad(tiny_network_loss(*leaves), leaves)

    step = 1e-5
    for i in range(13):
        up = [v + step * (k == i) for k, v in enumerate(point)]
        down = [v - step * (k == i) for k, v in enumerate(point)]
        row = [(a - b) / (2 * step) for a, b in zip(gradient(up), gradient(down))]
        assert h[i] == pytest.approx(row, abs=1e-7)
    for row, column in zip(h, zip(*h)):
        assert row == pytest.approx(list(column), abs=1e-12)  # symmetric
    assert any(abs(v) > 0.01 for row in h for v in row)


def test_grad_leaves_every_grad_field_alone_and_agrees_with_backward():
    x, w = Value(2.0, label="x"), Value(-0.5, label="w")
    n = x * w + 1.0
    y = n.tanh() * x
    x.grad, w.grad = 5.0, 7.0
    gx, gw, gn = grad(y, [x, w, n])
    assert (x.grad, w.grad, n.grad, y.grad) == (5.0, 7.0, 0.0, 0.0)
    x.grad = w.grad = 0.0
    y.backward()
    assert (gx, gw, gn) == (x.grad, w.grad, n.grad)


def test_grad_with_create_graph_gives_values_that_differentiate_again():
    x = Value(0.5, label="x")
    y = x * x * x
    (dy,) = grad(y, [x], create_graph=True)
    assert type(dy) is Value and dy.data == pytest.approx(0.75)
    (d2y,) = grad(dy, [x], create_graph=True)
    assert d2y.data == pytest.approx(3.0)
    d2y.backward()  # the gradient graph is an ordinary graph: backward works on it too
    assert x.grad == pytest.approx(6.0)


def test_gradients_are_floats_even_where_a_rule_gives_a_bare_constant():
    x = Value(2.0)
    assert [type(g) for g in grad(x * 3 + 100 * x, [x])] == [float]
    assert grad(x * 3 + 100 * x, [x]) == [103.0]


def test_an_input_the_output_does_not_depend_on_gets_zero():
    x, unused = Value(1.0), Value(2.0)
    assert grad(x * 3, [x, unused]) == [3.0, 0.0]
    constant_gradient, zero = grad(x * 3, [x, unused], create_graph=True)
    assert (constant_gradient.data, zero.data) == (3.0, 0.0)
    assert grad(constant_gradient, [x]) == [0.0]


def test_create_graph_adds_no_multiplication_by_one():
    x = Value(0.3)
    (g,) = grad(x.tanh(), [x], create_graph=True)
    assert g.op == "sub" and g.operands[0] == 1  # 1 - out * out, not 1.0 * (1 - out * out)


def test_relu_and_abs_have_a_zero_second_derivative_as_step_and_sign_nodes():
    x = Value(0.8)
    (g,) = grad(al.relu(x) + abs(x), [x], create_graph=True)
    assert g.data == 2.0
    assert {p.op for p in g.parents} == {"step", "sign"}
    assert grad(g, [x]) == [0.0]


def test_errors_say_what_is_wrong():
    x = Value(0.0, label="x")
    with raises_naming(al.NonFiniteError, "sqrt", "x = 0.0", "Value 'x'", "infinite"):
        grad(al.sqrt(x), [x])
    with raises_naming(al.ArgumentTypeError, "grad", "inputs[0]", "Value", "float 1.0"):
        grad(x * 2, [1.0])
    with raises_naming(al.ArgumentTypeError, "grad", "output", "Value", "float 2.0"):
        grad(2.0, [x])
    with raises_naming(al.GraphArgumentError, "jvp", "made by mul", "leaves"):
        jvp(x * 2, {x * 3: 1.0})
    with raises_naming(TypeError, "jvp", "direction", "Value 'x'", "number", "str '1'"):
        jvp(x * 2, {x: "1"})
    with raises_naming(al.NonFiniteError, "jvp", "direction", "Value 'x'", "finite", "nan"):
        jvp(x, {x: math.nan})
    with raises_naming(al.NonFiniteError, "jvp", "direction", "Value 'x'", "finite", "inf"):
        jvp(x * 2, {x: math.inf})


def test_jvp_is_the_directional_derivative():
    x, y = Value(0.5, label="x"), Value(-2.0, label="y")
    f = x * x * y + y.exp()
    # df = 2xy dx + (x^2 + e^y) dy
    assert jvp(f, {x: 3.0, y: -1.0}) == pytest.approx(
        2 * 0.5 * -2.0 * 3.0 + (0.25 + math.exp(-2.0)) * -1.0
    )
    assert jvp(f, {}) == 0.0


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(recipe=recipes(), data=st.data())
def test_jvp_equals_the_gradient_dotted_with_the_direction(recipe, data):
    values = data.draw(leaf_values(recipe[0]))
    directions = data.draw(leaf_values(recipe[0]))
    try:
        leaves, output = build(recipe, values)
        gradient = grad(output, leaves)
    except al.AutogradError:
        assume(False)
    expected = math.fsum(g * d for g, d in zip(gradient, directions))
    assert jvp(output, dict(zip(leaves, directions))) == pytest.approx(expected, rel=1e-9, abs=1e-9)


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(recipe=recipes(), data=st.data())
def test_second_derivatives_of_random_graphs_match_finite_differences(recipe, data):
    values = data.draw(leaf_values(recipe[0]))
    try:
        leaves, output = build(recipe, values)
        first = grad(output, leaves, create_graph=True)
        second = [grad(g, leaves) for g in first]
    except al.AutogradError:
        assume(False)
    step = 1e-6
    for i in range(len(values)):
        up = [v + step * (k == i) for k, v in enumerate(values)]
        down = [v - step * (k == i) for k, v in enumerate(values)]
        try:
            up_leaves, up_out = build(recipe, up)
            down_leaves, down_out = build(recipe, down)
            # A kink (relu, abs) within one step of the point makes the difference meaningless.
            assume(_same_branches(up_out, output) and _same_branches(down_out, output))
            difference = [
                (a - b) / (2 * step)
                for a, b in zip(grad(up_out, up_leaves), grad(down_out, down_leaves))
            ]
        except al.AutogradError:
            assume(False)
        assert second[i] == pytest.approx(difference, rel=1e-4, abs=1e-4)


def _same_branches(a: Value, b: Value) -> bool:
    """Whether every operation with a kink or a jump takes the same branch in two graphs of one
    recipe: a rule written with step or sign (relu, abs, max, min) gives the same local
    derivatives, and a flat operation (step, sign: flat because it jumps) the same value."""

    def branches(root: Value) -> list[object]:
        found: list[object] = []
        for node in al.topological_order(root):
            if node.operation is None:
                continue
            rule = " ".join(map(str, symbolic_derivatives(node, lambda v: "v")))
            if "step(" in rule or "sign(" in rule:
                found.append(local_derivatives(node))
            elif all(d == 0 for d in local_derivatives(node)):
                found.append(node.data)
        return found

    return branches(a) == branches(b)


def test_compare_modes_counts_one_sweep_per_input_against_one_sweep():
    x, y, z = Value(0.5), Value(-1.0), Value(2.0)
    out = ((x * y).tanh() + z) * x  # three operation nodes below the last one
    comparison = al.compare_modes(out, [x, y, z])
    assert comparison.reverse_gradient == grad(out, [x, y, z])
    assert comparison.forward_gradient == pytest.approx(comparison.reverse_gradient)
    # forward: x reaches all 4 nodes, y 4, z only "+" and the last "*"; reverse: each node once
    assert (comparison.forward_sweeps, comparison.forward_evaluations) == (3, 10)
    assert (comparison.reverse_sweeps, comparison.reverse_evaluations) == (1, 4)
    assert "10 local-derivative evaluations" in str(comparison)


@pytest.mark.parametrize("flag", ["no", None, 1, 0.0])
def test_create_graph_must_be_true_or_false(flag):
    """Issue 19 item 14: grad(..., create_graph="no") built a graph: anything truthy was taken
    for True."""
    x = Value(0.5, label="x")
    with raises_naming(al.ArgumentTypeError, "grad", "create_graph", "True", "False", repr(flag)):
        grad(x * x, [x], create_graph=flag)


def test_compare_modes_with_an_interior_input_says_so_in_its_own_terms():
    x = Value(2.0, label="x")
    hidden = x * 2.0
    with raises_naming(al.GraphArgumentError, "compare_modes", "inputs[0]", "leaves") as caught:
        al.compare_modes(hidden * 3.0, [hidden])
    assert "direction" not in str(caught.value)


def test_a_gradient_graph_never_returns_a_node_of_the_original_graph():
    """grad(create_graph=True) returned a node of the original graph (d(x*w)/dx was w itself), so
    labelling the gradient relabelled w."""
    x, w = Value(2.0, label="x"), Value(3.0, label="w")
    y = x * w
    (dx,) = grad(y, [x], create_graph=True)
    assert dx is not w and dx.data == 3.0
    dx.label = "dy/dx"
    assert w.label == "w"


def test_an_infinite_local_derivative_times_zero_raises_in_every_mode():
    """The modes disagreed when an infinite local derivative (sqrt at 0) met a zero factor; one
    policy now: backward, grad, jvp, step_through and compiled code all raise NonFiniteError."""

    def build():
        x = Value(0.0, label="x")
        return x, al.sqrt(x) * 0 + x

    _, y = build()
    with pytest.raises(al.NonFiniteError):
        y.backward()
    for mode in (
        lambda x, y: grad(y, [x]),
        lambda x, y: grad(y, [x], create_graph=True),
        lambda x, y: jvp(y, {x: 1.0}),
        lambda x, y: step_through(y),
        lambda x, y: compile_graph(y, [x])([0.0]),
    ):
        with pytest.raises(al.NonFiniteError):
            mode(*build())


def test_a_gradient_that_fits_a_float_is_computed_although_a_local_derivative_overflows():
    """d log(1e138/x)/dx at 1e-125 fits a float although a local derivative on the way overflows:
    it is computed (exactly, then rounded), not refused."""
    x = Value(1e-125, label="x")
    y = (1e138 / x).log()
    y.backward()
    assert x.grad == pytest.approx(-1e125, rel=1e-12)
    assert grad(y, [x]) == pytest.approx([-1e125], rel=1e-12)
