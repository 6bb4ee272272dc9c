"""The textbook backprop equations against the engine, finite differences and worked numbers."""

from __future__ import annotations

import contextlib
import math
import random
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from messages import raises_naming

import autograd_lite as al
from autograd_lite import derivations as d
from autograd_lite import nn


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def make_mlp(nin, nouts, activation, output, bias, seed):
    return nn.MLP(nin, nouts, activation, output, bias, rng=seed)


BUILDERS = {
    "A": d.network_a,
    "A batch": lambda: d.network_a(batch=True),
    "B": d.network_b,
    "C": d.network_c,
    "D": d.network_d,
}


# ---------------------------------------------------------------------------
# Every builder: engine, equations and finite differences agree.


@pytest.mark.parametrize("name", BUILDERS)
def test_builders_agree_with_equations_and_finite_differences(name):
    comparison = BUILDERS[name]().compare()
    assert comparison.max_equations_error < 1e-12
    assert comparison.max_finite_difference_error < 1e-6
    for row in comparison.rows:
        assert row.engine != 0.0  # every weight of these networks matters
        assert abs(row.engine - row.equations) <= 1e-12 * abs(row.engine)


def test_builders_have_the_published_shapes_activations_and_losses():
    a = d.network_a()
    assert [len(layer.neurons) for layer in a.mlp.layers] == [5, 3, 2]
    assert [layer.neurons[0].nin for layer in a.mlp.layers] == [4, 5, 3]
    assert all(n.b is None for layer in a.mlp.layers for n in layer.neurons)
    assert (a.loss, a.reduction) == ("half_squared_error", "sum")

    b = d.network_b()
    assert (b.loss, b.reduction, b.batch_size) == ("squared_error", "mean", 4)
    assert b.batch_factor == 0.25
    assert b.parameter("w^L_12").label == "L3.N1.w2"
    assert b.parameter("w^L-1_22").label == "L2.N2.w2"

    c = d.network_c()
    expected = {
        "w000": "L1.N0.w0",
        "w010": "L1.N0.w1",
        "w001": "L1.N1.w0",
        "w011": "L1.N1.w1",
        "w100": "L2.N0.w0",
        "w110": "L2.N0.w1",
        "w101": "L2.N1.w0",
        "w111": "L2.N1.w1",
    }
    for alias, label in expected.items():
        p = c.parameter(alias)
        assert p.label == label
        assert p.data == d.NETWORK_C_WEIGHTS[alias]
    assert all(n.activation == "sigmoid" for layer in c.mlp.layers for n in layer.neurons)

    dd = d.network_d()
    assert [len(layer.neurons) for layer in dd.mlp.layers] == [4, 2]
    assert all(n.b is not None and n.activation == "sigmoid" for n in dd.mlp.layers[0].neurons)


def test_forward_quantities_are_the_engine_nodes_to_the_bit():
    # Added in order (Python 3.11's sum) 1e16 + 1 rounds to 1e16 and z is 0; math.fsum gives 1.
    # However the engine's dot sums, the equations must sum the same way.
    mlp = nn.MLP.from_weights([[[1.0, 1.0, 1.0]]], output_activation="linear")
    x = [1e16, 1.0, -1e16]
    z = mlp(x)
    q = d.Derivation(mlp, x, [0.0]).quantities()
    assert q.z[1][0] == q.a[1][0] == z.data


def test_network_c_forward_quantities_by_hand():
    q = d.network_c().quantities()
    y0s = 0.3 * 0.6 + -0.2 * -0.4
    y1s = 0.5 * 0.6 + 0.4 * -0.4
    y0, y1 = sigmoid(y0s), sigmoid(y1s)
    z0s = 0.7 * y0 + -0.6 * y1
    assert q["y0s"] == pytest.approx(y0s, abs=1e-15)
    assert q["y1"] == pytest.approx(y1, abs=1e-15)
    assert q["z0s"] == pytest.approx(z0s, abs=1e-15)
    assert q["z0"] == pytest.approx(sigmoid(z0s), abs=1e-15)
    assert q["z1_desired"] == 0.1
    assert q.a[0] == [0.6, -0.4]
    assert q.w[2] == [[0.7, -0.6], [-0.3, 0.8]]
    with raises_naming(d.DerivationKeyError, "'y2'", "y1", "z0_desired"):
        q["y2"]


# ---------------------------------------------------------------------------
# Any depth, with or without biases, every activation and every loss.

LOSS_CASES = [
    ("half_squared_error", "mean", "tanh", [0.3, -0.2]),
    ("half_squared_error", "sum", "linear", [0.3, -0.2]),
    ("squared_error", "mean", "sigmoid", [0.3, 0.8]),
    ("mean_squared_error", "mean", "linear", [0.3, -0.2]),
    ("binary_cross_entropy", "mean", "sigmoid", [1.0, 0.0]),
    ("hinge_loss", "mean", "linear", [1, -1]),
]


def network_and_loss_cases() -> list[object]:
    """Every loss case with every hidden activation, with and without biases, on one and on two
    hidden layers: 96 networks. The quick suite runs the 24 where each loss meets each
    activation once (biases and depths alternating, so each activation and each loss has both);
    the other 72, 2 s of CPU together, are slow."""
    cases = []
    for i, case in enumerate(LOSS_CASES):
        for j, activation in enumerate(["tanh", "relu", "sigmoid", "linear"]):
            for bias in (True, False):
                for sizes in ([2], [3, 4, 2]):
                    quick = bias == ((i + j) % 2 == 0) and (sizes == [2]) == ((i + j // 2) % 2 == 0)
                    marks = [] if quick else [pytest.mark.slow]
                    cases.append(pytest.param(*case, activation, bias, sizes, marks=marks))
    return cases


@pytest.mark.parametrize(
    ("loss", "reduction", "output", "target", "activation", "bias", "sizes"),
    network_and_loss_cases(),
)
def test_equations_for_any_network_and_loss(
    loss, reduction, output, target, activation, bias, sizes
):
    rng = random.Random(f"{loss}{activation}{bias}{sizes}")
    mlp = make_mlp(3, sizes, activation, output, bias, rng)
    inputs = [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(3)]
    targets = [target, target[::-1], target]
    derivation = d.Derivation(mlp, inputs, targets, loss, reduction)
    comparison = derivation.compare()
    assert comparison.max_equations_error < 1e-12
    for row in comparison.rows:
        # relu can switch a whole neuron off; there every number is exactly 0
        assert abs(row.finite_difference - row.engine) <= 1e-6 * max(abs(row.engine), 1e-3)
    assert any(row.engine != 0 for row in comparison.rows)


def test_one_output_network_takes_numbers_for_a_sample():
    mlp = make_mlp(1, [3, 1], "tanh", "linear", True, 4)
    single = d.Derivation(mlp, 0.5, 2.0)
    batch = d.Derivation(mlp, [[0.5], [-1.0]], [2.0, 1.0], "mean_squared_error")
    assert single.batch_size == 1 and batch.batch_size == 2
    assert single.compare().max_equations_error < 1e-12
    assert batch.compare().max_equations_error < 1e-12


def test_batch_gradient_is_the_mean_or_sum_of_the_samples():
    batch = d.network_a(batch=True)  # A's batch cost sums the samples
    total = batch.equations().weight_grads[1]
    per_sample = [
        d.Derivation(batch.mlp, x, y, "half_squared_error").equations().weight_grads[1]
        for x, y in zip(batch.inputs, batch.targets)
    ]
    for j, row in enumerate(total):
        for k, value in enumerate(row):
            assert value == pytest.approx(sum(g[j][k] for g in per_sample), rel=1e-14)
    mean = d.Derivation(batch.mlp, batch.inputs, batch.targets, "half_squared_error", "mean")
    assert mean.equations().weight_grads[1][0][0] == pytest.approx(total[0][0] / 3, rel=1e-14)


def test_deltas_layer_by_layer_have_the_layer_sizes():
    equations = d.network_a().equations()
    assert [len(equations.delta(layer)) for layer in (1, 2, 3)] == [5, 3, 2]
    assert [d.shape(equations.weight_grads[layer]) for layer in (1, 2, 3)] == [
        (5, 4),
        (3, 5),
        (2, 3),
    ]


# ---------------------------------------------------------------------------
# explain(): the named factors, with hand-worked numbers.


def test_explain_a_single_linear_neuron_exactly():
    mlp = make_mlp(1, [1], "tanh", "linear", False, 0)
    mlp.set_weights([[[2.0]]])
    derivation = d.Derivation(mlp, [3.0], [1.0])  # C = 1/2 (2*3 - 1)^2, dC/dw = 5 * 3
    explanation = derivation.explain("L1.N0.w0")
    assert [f.name for f in explanation.factors] == [
        "upstream error",
        "activation derivative",
        "incoming activation",
    ]
    assert [f.value for f in explanation.factors] == [5.0, 1.0, 3.0]
    assert explanation.total == 15.0 == explanation.grad
    assert explanation.agrees


def network_c_by_hand():
    y0, y1 = sigmoid(0.3 * 0.6 + 0.2 * 0.4), sigmoid(0.5 * 0.6 - 0.4 * 0.4)
    z0, z1 = sigmoid(0.7 * y0 - 0.6 * y1), sigmoid(-0.3 * y0 + 0.8 * y1)
    return y0, y1, z0, z1


def test_explain_w100_of_network_c():
    y0, _, z0, _ = network_c_by_hand()
    explanation = d.network_c().explain("w100")
    up = explanation.factor("upstream error")
    assert up.value == pytest.approx(z0 - 0.9, rel=1e-14)
    assert up.symbol == "dE/dz0" and up.paths == ()  # network C's own names
    assert explanation.factor("activation derivative").value == pytest.approx(
        z0 * (1 - z0), rel=1e-14
    )
    assert "z0 * (1 - z0)" in explanation.factor("activation derivative").formula
    assert explanation.factor("incoming activation").value == pytest.approx(y0, rel=1e-14)
    assert explanation.total == pytest.approx((z0 - 0.9) * z0 * (1 - z0) * y0, rel=1e-14)
    assert explanation.agrees
    assert "w100 (L2.N0.w0)" in str(explanation)


def test_explain_w000_sums_the_two_paths():
    y0, _, z0, z1 = network_c_by_hand()
    delta_z0 = (z0 - 0.9) * z0 * (1 - z0)
    delta_z1 = (z1 - 0.1) * z1 * (1 - z1)
    explanation = d.network_c().explain("w000")
    up = explanation.factor("upstream error")
    assert [p.neuron for p in up.paths] == [0, 1]
    assert [p.weight for p in up.paths] == [0.7, -0.3]  # w100 and w101
    assert up.paths[0].delta == pytest.approx(delta_z0, rel=1e-14)
    assert up.paths[1].value == pytest.approx(-0.3 * delta_z1, rel=1e-14)
    assert up.value == pytest.approx(0.7 * delta_z0 - 0.3 * delta_z1, rel=1e-14)
    assert explanation.factor("activation derivative").value == pytest.approx(
        y0 * (1 - y0), rel=1e-14
    )
    assert explanation.factor("incoming activation").value == 0.6
    expected = (0.7 * delta_z0 - 0.3 * delta_z1) * y0 * (1 - y0) * 0.6
    assert explanation.total == pytest.approx(expected, rel=1e-13)
    assert explanation.agrees
    assert "via z1: w101 × dE/dz1s" in str(explanation)


def test_explain_a_bias_and_a_batch():
    bias = d.network_d().explain("L2.N1.b")
    assert [f.name for f in bias.factors] == ["upstream error", "activation derivative"]
    assert bias.agrees
    batch = d.network_b().explain("w^L_12")
    assert len(batch.chains) == 4 and batch.batch_factor == 0.25
    assert batch.total == pytest.approx(sum(c.product for c in batch.chains) / 4, rel=1e-15)
    assert batch.agrees
    assert "sample 3" in str(batch) and "0.25 ×" in str(batch)


def test_explain_relu_and_tanh_derivatives_come_from_the_engine():
    mlp = make_mlp(2, [2, 1], "relu", "tanh", True, 0)
    mlp.set_weights([[[1.0, 0.5], [-1.0, -1.0]], [[0.5, 0.25]]], [[0.0, 0.0], [0.1]])
    derivation = d.Derivation(mlp, [1.0, 2.0], [0.0])
    on, off = derivation.explain("L1.N0.w1"), derivation.explain("L1.N1.w1")
    assert on.factor("activation derivative").value == 1.0
    assert "step(z^1_0)" in on.factor("activation derivative").formula
    assert off.factor("activation derivative").value == 0.0 and off.total == 0.0 == off.grad
    output = derivation.explain("L2.N0.w0")
    a = math.tanh(0.5 * 2.0 + 0.1)
    assert output.factor("activation derivative").value == pytest.approx(1 - a * a, rel=1e-15)
    assert output.factor("incoming activation").value == 2.0


# ---------------------------------------------------------------------------
# The published slips disagree; the corrected formulas agree.


def published_w100(q):
    return (q["z0_desired"] - q["z0"]) * (q["z0s"] * (1 - q["z0s"])) * q["y0"]


def corrected_w100(q):
    return (q["z0"] - q["z0_desired"]) * q["z0"] * (1 - q["z0"]) * q["y0"]


def corrected_w000(q):
    out0 = (q["z0"] - q["z0_desired"]) * q["z0"] * (1 - q["z0"]) * q["w100"]
    out1 = (q["z1"] - q["z1_desired"]) * q["z1"] * (1 - q["z1"]) * q["w101"]
    return (out0 + out1) * q["y0"] * (1 - q["y0"]) * q["x0"]


def test_network_c_published_w100_disagrees_and_the_correction_agrees():
    c = d.network_c()
    published = c.check_formula("w100", published_w100)
    assert not published.agrees
    assert published.max_disagreement > 0.05  # clearly not rounding
    assert published.formula_values[0] * published.engine_values[0] < 0  # even the sign
    assert "DISAGREES" in str(published)
    assert c.check_formula("w100", corrected_w100).agrees
    assert c.check_formula("w000", corrected_w000).agrees
    assert c.check_formula("w000", corrected_w000).max_disagreement < 1e-15


def test_network_c_published_cost_slip_changes_the_cost():
    c = d.network_c()
    q = c.quantities()
    cost = c.engine_cost().data
    slip = 0.5 * (q["z0"] - q["z0_desired"]) ** 2 * 2  # squared_error(z0) summed twice
    correct = 0.5 * (q["z0"] - q["z0_desired"]) ** 2 + 0.5 * (q["z1"] - q["z1_desired"]) ** 2
    assert correct == pytest.approx(cost, rel=1e-15)
    assert abs(slip - cost) > 0.01


def tanh_prime(a):
    return [1 - x * x for x in a]


def sigmoid_prime(a):
    return [x * (1 - x) for x in a]


def network_a_delta2(q):
    delta3 = d.hadamard([a - t for a, t in zip(q.a[3], q.y)], sigmoid_prime(q.a[3]))
    return d.hadamard(d.matvec(d.transpose(q.w[3]), delta3), sigmoid_prime(q.a[2]))


def test_network_a_published_dW1_fails_on_shapes_and_the_correction_agrees():
    a = d.network_a(batch=True)

    def published(q):  # W3^T delta2 ∘ f2'(W1 x0)
        return d.outer(
            d.hadamard(d.matvec(d.transpose(q.w[3]), network_a_delta2(q)), tanh_prime(q.a[1])),
            q.x,
        )

    def corrected(q):  # (W2^T delta2) ∘ f1'(W1 x0)
        return d.outer(
            d.hadamard(d.matvec(d.transpose(q.w[2]), network_a_delta2(q)), tanh_prime(q.a[1])),
            q.x,
        )

    check = a.check_formula("W1", published)
    assert not check.agrees
    assert check.max_disagreement == math.inf
    assert "3x2 matrix times a vector of 3 entries" in check.error
    good = a.check_formula("W1", corrected)
    assert good.agrees and len(good.formula_values) == 20
    assert good.max_relative_error < 1e-13


def test_network_b_per_node_formulas_with_batch_averaging():
    b = d.network_b()

    def output_weight(q):  # dC_0/dw^L_12 = 2 (a^L_1 - y_1) g^L'(z^L_1) a^{L-1}_2
        a = q.a[3][1]
        return 2 * (a - q.y[1]) * a * (1 - a) * q.a[2][2]

    def hidden_weight(q):  # the sum over the output neurons, then tanh' and a^{L-2}_2
        upstream = sum(
            2 * (q.a[3][j] - q.y[j]) * q.a[3][j] * (1 - q.a[3][j]) * q.w[3][j][2] for j in (0, 1)
        )
        return upstream * (1 - q.a[2][2] ** 2) * q.a[1][2]

    assert b.check_formula("w^L_12", output_weight).agrees
    assert b.check_formula("w^L-1_22", hidden_weight).agrees
    # forgetting the sum over paths (one output only) is visibly wrong
    one_path = b.check_formula(
        "w^L-1_22",
        lambda q: (
            2
            * (q.a[3][0] - q.y[0])
            * q.a[3][0]
            * (1 - q.a[3][0])
            * q.w[3][0][2]
            * (1 - q.a[2][2] ** 2)
            * q.a[1][2]
        ),
    )
    assert not one_path.agrees and one_path.max_relative_error > 0.1


def test_network_d_four_equations_and_the_two_insights():
    dd = d.network_d()
    eq = dd.equations().samples[0]
    q = eq.quantities
    for j in range(2):  # (1)
        a = q.a[2][j]
        assert eq.delta[2][j] == pytest.approx((a - q.y[j]) * a * (1 - a), rel=1e-15)
    for layer in (1, 2):  # (3) and (4)
        assert eq.bias_grads[layer] == eq.delta[layer]
        for j, row in enumerate(eq.weight_grads[layer]):
            assert row == [q.a[layer - 1][k] * eq.delta[layer][j] for k in range(len(row))]
    # a hidden neuron switched nearly off: the weights out of it barely learn
    dd.mlp.layers[0].neurons[2].b.data = -12.0
    quiet = dd.quantities().a[1][2]
    assert quiet < 1e-5
    grads = dd.engine_gradients()
    out_of_quiet = abs(grads[dd.parameter("L2.N0.w2")])
    assert out_of_quiet < 1e-3 * abs(grads[dd.parameter("L2.N0.w0")])
    # a saturated output: sigma' near 0 makes its incoming weights barely learn
    dd.mlp.layers[1].neurons[1].b.data = 12.0
    assert dd.sample_equations().g_prime[2][1] < 1e-5
    assert abs(dd.engine_gradients()[dd.parameter("L2.N1.w0")]) < 1e-5


# ---------------------------------------------------------------------------
# Formula checks: shapes, types, tolerance.


def test_check_formula_wrong_count_and_non_numbers():
    c = d.network_c()
    wrong = c.check_formula("W2", lambda q: [1.0, 2.0, 3.0])  # a verdict, as a ShapeError inside
    assert not wrong.agrees and "gave a vector of 3 entries; dE/dW2 is a 2x2 matrix" in wrong.error
    with raises_naming(d.DerivationTypeError, "dE/dw100", "numbers", "'0.1'"):
        c.check_formula("w100", lambda q: "0.1")
    with raises_naming(d.DerivationTypeError, "dE/dw100", "numbers", "None"):
        c.check_formula("w100", lambda q: None)
    with raises_naming(d.DerivationError, "W3", "layers 1 to 2"):
        c.check_formula("W3", corrected_w100)
    with raises_naming(d.DerivationError, "b1", "layer 1", "no biases"):
        c.check_formula("b1", corrected_w100)


def test_check_formula_whole_bias_vector_and_tolerance():
    dd = d.network_d()
    check = dd.check_formula("b2", lambda q: [(a - y) * a * (1 - a) for a, y in zip(q.a[2], q.y)])
    assert check.agrees and check.names == ("L2.N0.b", "L2.N1.b")
    nearly = dd.check_formula("L2.N0.b", lambda q: dd.equations().bias_grads[2][0] * (1 + 1e-6))
    assert not nearly.agrees
    assert dd.check_formula(
        "L2.N0.b", lambda q: dd.equations().bias_grads[2][0] * (1 + 1e-6), rtol=1e-3
    ).agrees


# ---------------------------------------------------------------------------
# The nudge check.


def test_nudge_predicts_small_changes_and_shows_where_linearity_ends():
    x, y = al.Value(2.0, "x"), al.Value(-3.0, "y")
    f = x * y + x.tanh()
    f.label = "f"
    small = al.nudge(f, x, 1e-4)
    assert small.rows[0].name == "x" and small.rows[0].derivative == 1.0
    assert small.root.name == "f"
    assert small.root.derivative == pytest.approx(-3 + 1 - math.tanh(2.0) ** 2, rel=1e-15)
    assert small.root.predicted == pytest.approx(small.root.derivative * 1e-4, rel=1e-15)
    actual = (2.0001 * -3 + math.tanh(2.0001)) - (2.0 * -3 + math.tanh(2.0))
    assert small.root.actual == pytest.approx(actual, rel=1e-9)
    assert abs(small.root.gap) < 1e-8
    product = next(r for r in small.rows if r.name.endswith("*"))
    assert product.derivative == -3.0 and product.gap == pytest.approx(0.0, abs=1e-14)
    large = al.nudge(f, x, 0.5)
    assert abs(large.root.gap) > 1e-2  # tanh bends: the straight-line prediction misses
    assert x.data == 2.0 and f.data == 2.0 * -3 + math.tanh(2.0)  # nothing modified
    assert "nudging x by h = 0.5" in str(large)


def test_nudge_skips_nodes_that_do_not_depend_on_the_leaf():
    x, y = al.Value(1.0, "x"), al.Value(4.0, "y")
    u = y.sqrt()
    u.label = "u"
    f = x * u
    rows = al.nudge(f, x, 1e-3).rows
    names = [r.name for r in rows]
    assert names[0] == "x" and "u" not in names
    assert al.nudge(f, y, 1e-6).root.derivative == pytest.approx(1 / (2 * 2.0), rel=1e-15)


def test_nudge_errors():
    x = al.Value(1.0, "x")
    f = x.log()
    with raises_naming(al.DerivationError, "nudge", "'log'", "leaf"):
        al.nudge(f, f, 1e-3)
    with raises_naming(al.DerivationError, "nudge: z", "graph", "root"):
        al.nudge(f, al.Value(2.0, "z"), 1e-3)
    with raises_naming(al.DerivationError, "nudge: h", "non-zero", "0.0"):
        al.nudge(f, x, 0.0)
    with pytest.raises(d.DerivationTypeError):
        al.nudge(1.0, x)
    with raises_naming(al.DomainError, "nudge", "-2", "log", "x = -1.0", "smaller h"):
        al.nudge(f, x, -2.0)


def test_nudge_where_a_derivative_is_infinite_says_so_as_backward_does():
    x = al.Value(0.0, "x")
    f = x.sqrt()  # d sqrt(x)/dx = 1 / (2 sqrt x) is infinite at 0
    with pytest.raises(al.NonFiniteError):
        f.backward()
    with raises_naming(al.NonFiniteError, "sqrt", "x = 0.0", "Value 'x'", "infinite"):
        al.nudge(f, x, 1e-3)


def test_nudge_that_overflows_the_forward_pass_says_so():
    x = al.Value(1.0, "x")
    f = x * 1e308  # finite at x = 1; the nudged x = 2 gives 2e308, which overflows
    with raises_naming(al.NonFiniteError, "nudge", "1e+308", "overflows", "smaller h"):
        al.nudge(f, x, 1.0)


# ---------------------------------------------------------------------------
# Tables in a terminal and in Jupyter.


def test_comparison_prints_and_renders_escaped_html():
    mlp = make_mlp(2, [1], "tanh", "sigmoid", True, 1)
    derivation = d.Derivation(
        mlp, [0.5, 0.1], [1.0], aliases={"<b>w</b>": ("w", 1, 0, 0)}, title="net <i>x</i>"
    )
    comparison = derivation.compare()
    text = str(comparison)
    for header in ("engine grad", "equations", "finite diff", "largest gap"):
        assert header in text
    assert "<b>w</b> (L1.N0.w0)" in text and "L1.N0.b" in text
    page = comparison._repr_html_()
    assert "<b>" not in page and "&lt;b&gt;w&lt;/b&gt;" in page and "&lt;i&gt;" in page
    assert page.count("<tr>") == 1 + 3
    assert comparison.row("L1.N0.b").symbol == "b^1_0"
    assert comparison.row("<b>w</b>") is comparison.row("L1.N0.w0")
    assert comparison.row("L1.N0.w0").symbol == "<b>w</b>"  # an alias is the network's own name
    with raises_naming(d.DerivationKeyError, "'w'", "w^1_00"):
        comparison.row("w")
    with raises_naming(al.DerivationError, "alias 'w'", "('w', 1, 0)", "('w', l, j, k)"):
        d.Derivation(mlp, [0.5, 0.1], [1.0], aliases={"w": ("w", 1, 0)})
    assert "<b>" not in derivation.explain("<b>w</b>")._repr_html_()
    assert "<td" in al.nudge(derivation.engine_cost(), mlp.parameters()[0])._repr_html_()


def test_finite_difference_restores_the_parameter():
    dd = d.network_d()
    p = dd.parameter("L1.N2.w1")
    before = p.data
    fd = dd.finite_difference(p, 1e-5)
    assert p.data == before
    assert fd == pytest.approx(dd.engine_gradients()[p], rel=1e-8)


# ---------------------------------------------------------------------------
# Bad input.


def test_bad_input_errors():
    mlp = make_mlp(2, [2], "tanh", "sigmoid", True, 0)
    with raises_naming(d.DerivationTypeError, "mlp", "nn.MLP", "Neuron"):
        d.Derivation(nn.Neuron(2, rng=0), [1, 2], [0, 1])
    with pytest.raises(TypeError):
        d.Derivation("mlp", [1, 2], [0, 1])
    with raises_naming(al.DerivationError, "loss", "'l1'", "'half_squared_error'"):
        d.Derivation(mlp, [1, 2], [0, 1], "l1")
    with raises_naming(al.DerivationError, "mean_squared_error", "mean", "'sum'"):
        d.Derivation(mlp, [1, 2], [0, 1], "mean_squared_error", "sum")
    with raises_naming(ValueError, "inputs", "sample 0", "3 numbers", "2 inputs"):
        d.Derivation(mlp, [1, 2, 3], [0, 1])
    with raises_naming(al.DerivationError, "2 inputs", "1 targets"):
        d.Derivation(mlp, [[1, 2], [3, 4]], [[0, 1]])
    with raises_naming(al.DerivationError, "targets", "sample 0", "1 numbers", "2 outputs"):
        d.Derivation(mlp, [1, 2], [0])
    with raises_naming(al.DerivationError, "inputs", "empty"):
        d.Derivation(mlp, [], [[0, 1]])  # it named target[0], a list: not the mistake
    with raises_naming(al.DerivationTypeError, "title", "str", "None"):
        d.Derivation(mlp, [1, 2], [0, 1], title=None)  # it printed "None" as the title
    with raises_naming(al.DerivationError, "binary_cross_entropy", "[0, 1]", "2.0"):
        d.Derivation(mlp, [1, 2], [0, 2], "binary_cross_entropy")
    with raises_naming(al.DerivationError, "hinge_loss", "-1", "+1", "0.0"):
        d.Derivation(mlp, [1, 2], [0, 1], "hinge_loss")
    with raises_naming(al.ArgumentTypeError, "inputs[1]", "number", "'2'"):
        d.Derivation(mlp, [1, "2"], [0, 1])  # the engine's as_float checks every number
    with pytest.raises(al.NonFiniteError):
        d.Derivation(mlp, [1, math.nan], [0, 1])
    linear = make_mlp(2, [2], "tanh", "linear", True, 0)
    linear.set_weights([[[5.0, 5.0], [1.0, 1.0]]], [[0.0, 0.0]])
    with raises_naming(al.DomainError, "binary_cross_entropy", "0 and 1", "15.0", "'sigmoid'"):
        d.Derivation(linear, [1, 2], [0, 1], "binary_cross_entropy").equations()
    derivation = d.Derivation(mlp, [1, 2], [0, 1])
    with raises_naming(al.DerivationError, "'w9'", "'L1.N0.w0'"):
        derivation.parameter("w9")
    with raises_naming(al.DerivationError, "Value(data=1.0", "weight or bias", ".parameters()"):
        derivation.explain(al.Value(1.0))
    with pytest.raises(d.DerivationTypeError):
        derivation.explain(3)
    with raises_naming(al.DerivationError, "h", "1e-6", "0.0"):
        derivation.finite_difference("L1.N0.w0", 0.0)
    with raises_naming(al.DerivationError, "batch_size", "1 to 16", "0"):
        d.network_b(0)


def test_matrix_helpers_check_shapes():
    m = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert d.shape(m) == (2, 3) and d.shape([1.0, 2.0]) == (2,)
    assert d.transpose(m) == [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]
    assert d.matvec(m, [1.0, 0.0, -1.0]) == [-2.0, -2.0]
    assert d.hadamard([1.0, 2.0], [3.0, 4.0]) == [3.0, 8.0]
    assert d.outer([1.0, 2.0], [3.0, 4.0, 5.0]) == [[3.0, 4.0, 5.0], [6.0, 8.0, 10.0]]
    with raises_naming(al.ShapeError, "matvec", "2x3", "2 entries", "3 entries"):
        d.matvec(m, [1.0, 2.0])
    with raises_naming(al.ShapeError, "matvec", "matrix", "[1.0, 2.0]"):
        d.matvec([1.0, 2.0], [1.0, 2.0])
    with raises_naming(ValueError, "hadamard", "1 and 2 entries", "equal lengths"):
        d.hadamard([1.0], [1.0, 2.0])
    assert d.relative_error(0.0, 0.0) == 0.0 and d.relative_error(1.0, 1.5) == 0.5 / 1.5


def test_quantities_match_the_labelled_nodes_of_the_engine_graph():
    derivation = d.network_b(batch_size=1)
    outputs = derivation.mlp.forward(derivation.inputs[0])
    nodes = {
        node.label: node.data
        for output in outputs
        for node in al.topological_order(output)
        if node.label.endswith((".z", ".a"))
    }
    q = derivation.quantities()
    for layer in (1, 2, 3):
        for j, (z, a) in enumerate(zip(q.z[layer], q.a[layer])):
            assert nodes[f"L{layer}.N{j}.z"] == pytest.approx(z, rel=1e-15, abs=1e-300)
            assert nodes[f"L{layer}.N{j}.a"] == pytest.approx(a, rel=1e-15, abs=1e-300)
    assert len(nodes) == 2 * (4 + 3 + 2)


def test_unknown_names_raise_a_library_key_error():
    """A missing name is a DerivationKeyError: still a KeyError, with a readable message."""
    assert issubclass(d.DerivationKeyError, KeyError)
    assert issubclass(d.DerivationKeyError, al.AutogradError)
    error = d.DerivationKeyError("no row for 'w'")
    assert str(error) == "no row for 'w'"


def test_ragged_matrices_and_non_vectors_are_refused_with_shape_errors():
    with raises_naming(al.ShapeError, "matvec", "ragged", "row 1", "1 entries", "row 0", "2"):
        d.matvec([[1, 2], [3]], [1, 2])  # it returned [5, 3]
    with raises_naming(al.ShapeError, "transpose", "ragged", "row 1", "1 entries", "row 0", "2"):
        d.transpose([[1, 2], [3]])  # it dropped the 2
    with raises_naming(al.ShapeError, "shape", "ragged", "row 1", "3 entries", "row 0", "2"):
        d.shape([[1, 2], [3, 4, 5]])
    with raises_naming(al.ShapeError, "hadamard", "u", "vector", "float 0.5"):
        d.hadamard(0.5, [1.0, 2.0])  # it raised a bare TypeError
    with raises_naming(al.ShapeError, "hadamard", "u", "vector", "matrix of shape (2, 1)"):
        d.hadamard([[1.0], [2.0]], [1.0, 2.0])
    with raises_naming(al.ShapeError, "outer", "v", "vector", "int 3"):
        d.outer([1.0], 3)
    assert d.transpose([]) == [] and d.shape([]) == (0,)


def test_an_empty_vector_or_a_numpy_scalar_is_not_a_vector():
    """outer([], v) returned [], outer(u, []) [[], []], and a NumPy scalar was read as a vector
    of one entry (outer(np.bool_(True), [3, 4]) gave [[3.0, 4.0]]): a ShapeError naming u/v."""
    np = pytest.importorskip("numpy")
    for bad in ([], np.float64(2.0), np.bool_(True)):
        with raises_naming(al.ShapeError, "outer: u", "vector"):
            d.outer(bad, [3.0, 4.0])
        with raises_naming(al.ShapeError, "matvec: vector", "a vector"):
            d.matvec([[1.0, 2.0]], bad)
    assert d.outer(np.array([1.0, 2.0]), [3.0]) == [[3.0], [6.0]]


def test_loss_text_is_its_rule_with_the_numbers_put_in():
    engine_step = al.engine.step
    for loss in d.LOSSES.values():
        for a, y, n in [(0.3, 1.0, 2), (0.75, 0.0, 1), (-0.5, -1.0, 3)]:
            if not loss.accepts(y) or (loss.name == "binary_cross_entropy" and a < 0):
                continue
            text = loss.with_numbers(a, y, n)
            assert eval(text, {"step": engine_step}) == pytest.approx(
                loss.derivative(a, y, n), rel=1e-9
            ), (loss.name, text)
    assert d.LOSSES["squared_error"].formula() == "2 * (a_j - y_j)"
    assert d.LOSSES["hinge_loss"].with_numbers(0.25, -1.0, 2) == "-(-1) * step(1 - (-1) * 0.25) / 2"


def test_out_of_range_aliases_and_samples_are_library_errors_naming_the_argument():
    mlp = make_mlp(2, [2], "tanh", "sigmoid", False, 0)
    for spec, message in [
        (("w", 2, 0, 0), "layer 2"),
        (("w", 1, 5, 0), "neuron 5"),
        (("w", 1, 0, 2), "input 2"),
        (("b", 1, 0), "no biases"),
        (("a", 1, 3), "neuron 3"),
        (("x", 2), "input 2"),
        (("y", -1), "output -1"),
    ]:
        with raises_naming(al.DerivationError, "alias 'p'", str(spec), message):
            d.Derivation(mlp, [1, 2], [0, 1], aliases={"p": spec})
    derivation = d.Derivation(mlp, [1, 2], [0, 1])
    for ask in (derivation.quantities, derivation.sample_equations):
        with raises_naming(IndexError, "sample 5", "1 sample"):
            ask(5)
        with pytest.raises(al.AutogradError):
            ask(-2)
    with raises_naming(IndexError, "layer 3", "1 to 1"):
        derivation.equations().delta(3)
    assert issubclass(d.DerivationIndexError, al.AutogradError)


def test_a_cost_of_your_own_is_differentiated_by_the_engine():
    b = d.network_b()

    def printed_cost(outputs, targets):  # the per-node text's total cost, without the square
        return sum(a - y for a, y in zip(outputs, targets))

    def squared(outputs, targets):
        return sum((a - y) ** 2 for a, y in zip(outputs, targets))

    mine = d.Derivation(b.mlp, b.inputs, b.targets, loss=squared)
    table = mine.compare()
    assert table.max_equations_error < 1e-12 and table.max_finite_difference_error < 1e-6
    assert [r.engine for r in table.rows] == pytest.approx([r.engine for r in b.compare().rows])
    assert mine.loss == "squared" and "by the engine" in str(mine.explain("L3.N1.w2"))
    unsquared = d.Derivation(b.mlp, b.inputs, b.targets, loss=printed_cost)
    assert unsquared.compare().max_equations_error < 1e-12
    q = unsquared.sample_equations()  # dC/da_j = 1: the error no longer depends on a - y
    assert q.output_error == [1.0, 1.0]

    def per_node(q):  # dC_0/dw^L_12 = 2 (a^L_1 - y_1) g^L'(z^L_1) a^{L-1}_2
        a = q.a[3][1]
        return 2 * (a - q.y[1]) * a * (1 - a) * q.a[2][2]

    assert mine.check_formula("L3.N1.w2", per_node).agrees
    assert not unsquared.check_formula("L3.N1.w2", per_node).agrees
    with raises_naming(d.DerivationTypeError, "cost", "Value", "float 1.0"):
        d.Derivation(b.mlp, b.inputs, b.targets, loss=lambda a, y: 1.0).equations()
    with raises_naming(d.DerivationTypeError, "loss", "cost(outputs, targets)", "int 3"):
        d.Derivation(b.mlp, b.inputs, b.targets, loss=3)
    with raises_naming(d.DerivationError, "mean or sum", "'median'"):
        d.Derivation(b.mlp, b.inputs, b.targets, loss=squared, reduction="median")


@pytest.mark.parametrize("build", [d.network_a, d.network_b, d.network_c, d.network_d])
def test_comparison_text_fits_a_terminal(build):
    text = str(build().compare())
    table, summary = text.splitlines()[1:-2], text.splitlines()[-2:]
    assert max(map(len, summary)) <= 80
    # B's own aliases (w^L-1_22) make its table the widest; the rest fit 80 columns.
    assert max(map(len, table)) <= (90 if build is d.network_b else 80)
    assert "symbol" not in text.splitlines()[1] or build is not d.network_c


def test_a_gradient_that_is_zero_in_exact_arithmetic_does_not_read_as_a_full_error():
    """With the hinge loss on balanced classes d cost/d b^3 is 0 exactly; the engine gives
    rounding noise (-2.8e-17) and the finite difference 1.1e-10: the row's relative error is
    1.0, yet the table's, relative to the largest gradient, is tiny. (This was 10 times the
    points on a 16-16-1 network: 40% of the whole suite's time for the same check.)"""
    points, labels = al.make_moons(10, noise=0.1, seed=0)
    model = nn.MLP(2, [4, 4, 1], rng=0)
    table = d.Derivation(
        model, points, [[2.0 * y - 1] for y in labels], loss="hinge_loss"
    ).compare()
    bias = table.row("L3.N0.b")
    assert abs(bias.engine) < 1e-15 and bias.finite_difference_error > 0.9
    largest = max(abs(r.engine) for r in table.rows)
    gap = max(abs(r.engine - r.finite_difference) for r in table.rows)
    assert table.max_finite_difference_error == pytest.approx(gap / largest)
    assert table.max_finite_difference_error < 1e-6


@pytest.mark.parametrize("name", ["network_a", "network_b", "network_c", "network_d"])
def test_the_batch_cost_adds_no_zero_and_labels_its_nodes(name):
    """Summing the samples' costs adds no `0 +` node (as the losses of nn do not), and the
    sum and the mean are labelled, so nudge tables and step-through text name them."""
    derivation = getattr(d, name)(batch=True) if name == "network_a" else getattr(d, name)()
    cost = derivation.engine_cost()
    order = al.topological_order(cost)
    zeros = [v for v in order if v.op == "add" and any(type(o) is not al.Value for o in v.operands)]
    assert zeros == []
    assert cost.label == ("loss" if derivation.reduction == "mean" else "sum_C")
    rows = str(al.nudge(cost, derivation.parameters()[0], 1e-3)).splitlines()
    named = [row.split()[0] for row in rows[-2:]]  # was `[22] +`, `[23] /` for network C
    expected = {"mean": ["sum_C", "loss"], "sum": ["sum_C"]}[derivation.reduction]
    if derivation.batch_size == 1:
        expected = ["C", "loss"]
    assert named[-len(expected) :] == expected


@pytest.mark.parametrize("number", [1 + 1j, "1", None])
def test_relative_error_refuses_what_is_not_a_real_number(number):
    """Issue 19 item 14: relative_error(np.complex64(1+1j), 1) returned 0.0 (math.fabs drops
    the imaginary part); a str raised TypeError from math.fabs."""
    np = pytest.importorskip("numpy")
    for a in (number, np.complex64(1 + 1j)):
        with raises_naming(al.ArgumentTypeError, "relative_error: a", "number"):
            d.relative_error(a, 1.0)
        with raises_naming(al.ArgumentTypeError, "relative_error: b", "number"):
            d.relative_error(1.0, a)


def test_without_torch_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    with raises_naming(al.MissingDependencyError, "torch", 'pip install "autograd-lite[torch]"'):
        d.network_c().compare(reference="torch")
    assert issubclass(al.MissingDependencyError, ImportError)
    with raises_naming(al.DerivationError, "reference", "'torch'", "'jax'"):
        d.network_c().compare(reference="jax")


# ---------------------------------------------------------------------------
# A question leaves the learner's network as it found it.


def grads_and_data(mlp):
    return [(p.grad, p.data) for p in mlp.parameters()]


def test_a_question_mid_training_leaves_the_batch_gradient_alone():
    """Issue 19 item 1: compare() zeroed the grads and ran backward on the user's MLP, so
    `L.backward(); Derivation(m, X[0], [Y[0]]).compare(); opt.step()` stepped with the
    sample's gradient (L1.N0.w0: 0.015710 became -0.064668). Even a call that raises
    (rtol='x') must leave every .grad and .data as it found them."""
    points, labels = al.make_moons(8, noise=0.1, seed=0)
    model = nn.MLP(2, [3, 1], rng=0)
    loss = nn.mean_squared_error([model(x) for x in points], labels)
    loss.backward()
    before = grads_and_data(model)
    one = d.Derivation(model, points[0], [labels[0]])
    one.compare()
    one.explain("L1.N0.w0")
    one.check_formula("L1.N0.w0", lambda q: 0.0)
    one.check_formula("delta1", lambda q: [0.0] * 3)
    with pytest.raises(al.ArgumentTypeError):
        one.check_formula("L1.N0.w0", lambda q: 0.0, rtol="x")
    with pytest.raises(al.DerivationError):
        one.compare(h=2.0)
    assert grads_and_data(model) == before
    step = nn.SGD(model.parameters(), 0.1)
    step.step()  # the batch's gradient, not the sample's
    assert [p.data for p in model.parameters()] == [data - 0.1 * grad for grad, data in before]


QUESTIONS = [
    lambda der, p: der.compare(),
    lambda der, p: der.explain(p),
    lambda der, p: der.check_formula(p, lambda q: 1.0),
    lambda der, p: der.check_formula("W1", lambda q: q.w[1]),
    lambda der, p: der.check_formula("delta1", lambda q: q.z[1]),
    lambda der, p: der.check_formula(p, lambda q: 1.0, rtol=-1.0),  # raises
    lambda der, p: der.check_formula(p, lambda q: q["nothing"]),  # raises
    lambda der, p: der.finite_difference(p, 1e-4),
    lambda der, p: der.finite_difference(p, 0.0),  # raises
    lambda der, p: der.equations(),
    lambda der, p: der.engine_gradients(),
    lambda der, p: al.nudge(der.engine_cost(), p, 1e-3),
]


@given(
    seed=st.integers(0, 10**6),
    sizes=st.lists(st.integers(1, 3), min_size=1, max_size=3),
    activation=st.sampled_from(["tanh", "sigmoid", "relu", "linear"]),
    bias=st.booleans(),
    question=st.integers(0, len(QUESTIONS) - 1),
    grads=st.lists(st.floats(-10, 10), min_size=1, max_size=40),
)
@settings(max_examples=30, deadline=None)
def test_no_derivations_question_changes_a_grad_or_a_weight(
    seed, sizes, activation, bias, question, grads
):
    """Any question, answered or refused, leaves every .grad and .data unchanged."""
    rng = random.Random(seed)
    mlp = make_mlp(2, sizes, activation, "sigmoid", bias, rng)
    for p, g in zip(mlp.parameters(), grads * 40):
        p.grad = g
    before = grads_and_data(mlp)
    derivation = d.Derivation(mlp, [rng.uniform(-1, 1), rng.uniform(-1, 1)], [0.5] * sizes[-1])
    with contextlib.suppress(al.AutogradError):  # a refused question changes nothing either
        QUESTIONS[question](derivation, rng.choice(derivation.parameters()))
    assert grads_and_data(mlp) == before


# ---------------------------------------------------------------------------
# Bad options are library errors; aliases cannot shadow labels.


def test_an_alias_that_shadows_another_parameters_label_is_refused():
    """Issue 19 item 3: aliases={"L1.N1.w0": ("w", 1, 0, 0)} made parameter("L1.N1.w0")
    return L1.N0.w0, and check_formula on its true gradient said it disagreed."""
    mlp = make_mlp(2, [2, 1], "tanh", "linear", True, 0)
    with raises_naming(al.DerivationError, "alias 'L1.N1.w0'", "('w', 1, 0, 0)", "('w', 1, 1, 0)"):
        d.Derivation(mlp, [1.0, 2.0], [0.5], aliases={"L1.N1.w0": ("w", 1, 0, 0)})
    same = d.Derivation(mlp, [1.0, 2.0], [0.5], aliases={"L1.N1.w0": ("w", 1, 1, 0)})
    assert same.parameter("L1.N1.w0") is mlp.layers[0].neurons[1].w[0]  # its own: allowed


def quantities_of_network_c():
    return d.network_c().quantities()


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: d.matvec(None, [1.0]), al.ShapeError),  # TypeError
        (lambda: d.shape({}), al.ShapeError),  # KeyError
        (lambda: d.transpose("abc"), al.ShapeError),  # gave [['a', 'b', 'c']]
        (lambda: d.hadamard({1: 2}, [1.0]), al.ShapeError),
        (
            lambda: d.Derivation(nn.MLP(2, [1], rng=0), [1, 2], [0], aliases="abc"),
            d.DerivationTypeError,
        ),
        (
            lambda: d.Derivation(nn.MLP(2, [1], rng=0), [1, 2], [0], aliases={3: ("x", 0)}),
            d.DerivationTypeError,
        ),
        (lambda: d.network_c().check_formula("w100", factors=1.0), d.DerivationTypeError),
        (
            lambda: d.network_c().check_formula("w100", lambda q: 0.0, over_batch="yes"),
            d.DerivationTypeError,
        ),
        (lambda: d.network_c().check_formula(3.5, lambda q: 0.0), d.DerivationTypeError),
        (lambda: quantities_of_network_c().a[5], d.DerivationIndexError),  # KeyError
        (lambda: quantities_of_network_c().w[0], d.DerivationIndexError),
        (
            lambda: d.network_c().finite_difference("w100", 1e-320),
            al.DerivationError,
        ),  # ZeroDivisionError
        (lambda: d.network_c().finite_difference("w100", 1e300), al.DerivationError),  # garbage
        (lambda: d.network_c().compare(h=10**400), al.NonFiniteError),  # OverflowError
        (lambda: d.Derivation(nn.MLP(1, [1], rng=0), [10**400], [0]), al.NonFiniteError),
        (lambda: d.relative_error(1 + 1j, 1), al.ArgumentTypeError),
    ],
)
def test_bad_derivations_arguments_are_library_errors(call, error):
    """Issue 19 item 12: each raised a plain Python error, or answered nonsense."""
    with pytest.raises(error) as caught:
        call()
    assert isinstance(caught.value, al.AutogradError)


# ---------------------------------------------------------------------------
# NumPy, float32 and Fractions, as the network takes them.


def test_numpy_arrays_float32_and_fractions_are_read_as_the_network_reads_them():
    """Issue 18 item 2: "an input must be numbers, got ndarray"; float32 and Fraction values
    the network accepts were refused."""
    np = pytest.importorskip("numpy")
    from fractions import Fraction

    b = d.network_b()
    lists = d.Derivation(b.mlp, b.inputs, b.targets, "squared_error")
    arrays = d.Derivation(b.mlp, np.array(b.inputs), np.array(b.targets), "squared_error")
    assert arrays.inputs == lists.inputs and arrays.targets == lists.targets
    assert [r.equations for r in arrays.compare().rows] == [
        r.equations for r in lists.compare().rows
    ]
    mlp = make_mlp(2, [2], "tanh", "sigmoid", True, 0)
    odd = d.Derivation(mlp, [np.float32(0.5), Fraction(1, 3)], np.array([np.float64(0.25), 1]))
    assert odd.inputs == [[0.5, 1 / 3]] and odd.targets == [[0.25, 1.0]]
    assert odd.compare().max_equations_error < 1e-12
    column = d.Derivation(mlp, np.array([0.5, -1.0]), np.array([[0.25], [1.0]]).ravel())
    assert column.inputs == [[0.5, -1.0]]


def test_numpy_answers_are_read_by_their_shape():
    """A correct (2, 4) ndarray answer for dC/dW2 was "gave one number"."""
    np = pytest.importorskip("numpy")
    dd = d.network_d()

    def dw2(q):
        a, y = np.array(q.a[2]), np.array(q.y)
        return np.outer((a - y) * a * (1 - a), np.array(q.a[1]))

    assert dw2(dd.quantities()).shape == (2, 4)
    assert dd.check_formula("W2", dw2).agrees
    assert dd.check_formula("W2", lambda q: dw2(q).T).patterns == ("W vs W^T",)
    assert dd.check_formula("L2.N0.w1", lambda q: dw2(q)[0, 1]).agrees  # a NumPy scalar
    assert dd.check_formula("b2", lambda q: dw2(q)[:, 0] / q.a[1][0]).agrees


def test_nielsen_column_biases_load_into_a_derivation():
    """Nielsen's network.py keeps each bias vector as an (n, 1) column."""
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal((4, 3)), rng.standard_normal((2, 4))]
    biases = [rng.standard_normal((4, 1)), rng.standard_normal((2, 1))]
    mlp = nn.MLP.from_weights(weights, biases, "sigmoid", "sigmoid")
    derivation = d.Derivation(mlp, rng.standard_normal((3, 1)).ravel(), np.array([0.0, 1.0]))
    assert derivation.quantities().b[1] == biases[0].ravel().tolist()
    assert derivation.compare().max_equations_error < 1e-12


# ---------------------------------------------------------------------------
# Shared parameters: the gradient is the sum over the uses, shown as such.


def test_a_shared_bias_gets_the_sum_over_its_uses():
    """Issue 18 item 3: with one bias Value used by both neurons of a layer (Mazur's b1),
    compare() printed an "equations" value of 0.009954 against the engine's and the finite
    difference's 0.018726, with no warning."""
    mazur = d.network_mazur()
    row = mazur.compare().row("b1")
    assert row.engine == pytest.approx(0.018726, abs=1e-6)
    assert row.equations == pytest.approx(row.engine, rel=1e-14)
    assert row.finite_difference == pytest.approx(row.engine, rel=1e-7)
    assert row.symbol == "b^1_0 + b^1_1"
    explanation = mazur.explain("b1")
    assert [c.use for c in explanation.chains] == ["b^1_0", "b^1_1"]
    assert [round(c.product, 6) for c in explanation.chains] == [0.008771, 0.009954]
    assert explanation.agrees and "2 uses" in str(explanation)
    assert mazur.check_formula("b1", lambda q: 0.0).engine_values == (row.engine,)
    assert len(mazur.parameters()) == len(set(mazur.parameters())) == 10
    with raises_naming(al.DerivationError, "Wb1", "b1", "sum over its uses", "check_formula('b1'"):
        mazur.check_formula("Wb1", lambda q: [[0.0] * 3] * 2)


def test_a_shared_weight_across_layers_matches_the_engine_and_finite_differences():
    tied = al.Value(0.3, "tied")  # w^1_01 and w^1_10: one Value in two neurons
    first = nn.Layer(2, 2, "tanh", rng=1, name="L1")
    first.neurons = [
        nn.Neuron(2, "tanh", rng=1, name="L1.N0", weights=[al.Value(0.5, "L1.N0.w0"), tied]),
        nn.Neuron(2, "tanh", rng=1, name="L1.N1", weights=[tied, al.Value(-0.4, "L1.N1.w1")]),
    ]
    second = nn.Layer(2, 1, "sigmoid", rng=2, name="L2")
    mlp = nn.MLP.from_layers([first, second])
    derivation = d.Derivation(mlp, [[0.5, -1.0], [1.0, 0.25]], [[0.2], [0.9]])
    table = derivation.compare()
    assert table.max_equations_error < 1e-12 and table.max_finite_difference_error < 1e-7
    assert table.row("tied").symbol == "w^1_01 + w^1_10"
