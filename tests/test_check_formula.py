"""check_formula diagnoses: each known slip is named on the published networks A-D, tiny
gradients are judged by their own size, shapes are checked, formulas can be given as factors."""

from __future__ import annotations

import math
import re

import pytest
from messages import raises_naming

import autograd_lite as al
from autograd_lite import derivations as d


def sigmoid_prime(a):
    return [x * (1 - x) for x in a]


def tanh_prime(a):
    return [1 - x * x for x in a]


# ---------------------------------------------------------------------------
# D, the four equations: constant slips on an output weight, and a tiny gradient.


def d_output_weight(q):  # dC/dw^2_01 = (a^2_0 - y_0) sigma'(z^2_0) a^1_1
    a = q.a[2][0]
    return (a - q.y[0]) * a * (1 - a) * q.a[1][1]


@pytest.mark.parametrize(
    ("slipped", "patterns"),
    [
        (lambda q: -d_output_weight(q), ("sign",)),
        (lambda q: 2 * d_output_weight(q), ("factor 2",)),
        (lambda q: d_output_weight(q) / 2, ("factor 1/2",)),
        (lambda q: -2 * d_output_weight(q), ("sign", "factor 2")),
        (lambda q: 0.0, ("zero",)),
    ],
    ids=["sign", "two", "half", "sign-two", "zero"],
)
def test_network_d_constant_slips_are_named(slipped, patterns):
    dd = d.network_d()
    assert dd.check_formula("L2.N0.w1", d_output_weight).agrees
    check = dd.check_formula("L2.N0.w1", slipped)
    assert not check.agrees
    assert check.patterns == patterns
    assert f"diagnosis: {patterns[0]}:" in str(check)


def quiet_network_d():
    """Network D with hidden neuron 2 nearly off: the weight out of it has a gradient ~ 1e-12."""
    dd = d.network_d()
    dd.mlp.layers[0].neurons[2].b.data = -28.0
    return dd


def d_out_of_quiet(q):  # dC/dw^2_02 = delta^2_0 a^1_2, with a^1_2 ~ 7e-13
    a = q.a[2][0]
    return (a - q.y[0]) * a * (1 - a) * q.a[1][2]


def test_a_tiny_gradient_is_judged_by_its_own_size():
    dd = quiet_network_d()
    grad = dd.engine_gradients()[dd.parameter("L2.N0.w2")]
    assert 1e-14 < abs(grad) < 1e-11  # the old absolute floor 1e-9 accepted anything here
    assert dd.check_formula("L2.N0.w2", d_out_of_quiet).agrees
    for slipped, pattern in [
        (lambda q: -d_out_of_quiet(q), "sign"),
        (lambda q: 2 * d_out_of_quiet(q), "factor 2"),
        (lambda q: 0.0, "zero"),
    ]:
        check = dd.check_formula("L2.N0.w2", slipped)
        assert not check.agrees
        assert check.patterns == (pattern,)
    assert dd.check_formula("L2.N0.w2", lambda q: 0.0, atol=1e-9).agrees  # asked for


def d_dw1(q):  # dC/dW^1 = delta^1 (a^0)^T
    delta2 = d.hadamard([a - y for a, y in zip(q.a[2], q.y)], sigmoid_prime(q.a[2]))
    delta1 = d.hadamard(d.matvec(d.transpose(q.w[2]), delta2), sigmoid_prime(q.a[1]))
    return delta1, d.outer(delta1, q.x)


def test_a_transposed_or_flat_answer_is_a_verdict_naming_both_shapes():
    """A wrong shape raised ShapeError out of check_formula (and grade()); it is a verdict now:
    a non-square matrix given transposed is read back and named W vs W^T, any other shape
    does not agree and says both shapes."""
    dd = d.network_d()
    assert dd.check_formula("W1", lambda q: d_dw1(q)[1]).agrees
    flipped = dd.check_formula("W1", lambda q: d.outer(q.x, d_dw1(q)[0]))
    assert not flipped.agrees and flipped.transposed and flipped.patterns == ("W vs W^T",)
    assert flipped.max_disagreement < 1e-15  # its numbers, read back, are the gradient's
    assert "3x4" in str(flipped) and "4x3" in str(flipped)
    for formula, message in [
        (
            lambda q: [x for row in d_dw1(q)[1] for x in row],
            "gave a vector of 12 entries; dC/dW1 is a 4x3",
        ),
        (lambda q: [[v] for v in d_dw1(q)[0]], "gave a 4x1 matrix; dC/db1 is a vector of 4"),
    ]:
        target = "W1" if "W1" in message else "b1"
        check = dd.check_formula(target, formula)
        assert not check.agrees and message in check.error
    check = dd.check_formula("L1.N0.w0", lambda q: d_dw1(q)[0])
    assert re.search(r"gave a vector of 4 entries; dC/dw\^1_00 \(L1\.N0\.w0\) is one", check.error)


def test_tolerance_arguments_are_checked():
    dd = d.network_d()
    for kwargs in ({"rtol": 0.0}, {"rtol": 2}, {"atol": -1.0}):
        with raises_naming(al.DerivationError, *kwargs):
            dd.check_formula("L2.N0.w1", d_output_weight, **kwargs)
    for kwargs in ({"atol": float("nan")}, {"rtol": "x"}, {"rtol": 10**400}):
        with raises_naming(al.AutogradError, "check_formula", *kwargs):  # the engine's as_float
            dd.check_formula("L2.N0.w1", d_output_weight, **kwargs)


# ---------------------------------------------------------------------------
# C, the 2-2-2 network: the published w100, W vs W^T, a transposed gradient.


def test_network_c_published_w100_is_a_sign_slip_and_a_derivative_at_z():
    c = d.network_c()

    def published(q):  # (z0_desired - z0) * (z0s * (1 - z0s)) * y0
        return (q["z0_desired"] - q["z0"]) * (q["z0s"] * (1 - q["z0s"])) * q["y0"]

    check = c.check_formula("w100", published)
    assert not check.agrees
    assert check.patterns == ("derivative at z", "sign")
    assert "needs the activation z0 = sigmoid(z0s), not z0s" in str(check)  # C's names
    assert "such as z0_desired - z0 where z0 - z0_desired belongs" in str(check)


def test_network_c_w000_through_the_untransposed_weights():
    c = d.network_c()

    def w000(q, into_y0_from_z1):
        out0 = (q["z0"] - q["z0_desired"]) * q["z0"] * (1 - q["z0"]) * q["w100"]
        out1 = (q["z1"] - q["z1_desired"]) * q["z1"] * (1 - q["z1"]) * q[into_y0_from_z1]
        return (out0 + out1) * q["y0"] * (1 - q["y0"]) * q["x0"]

    assert c.check_formula("w000", lambda q: w000(q, "w101")).agrees
    check = c.check_formula("w000", lambda q: w000(q, "w110"))  # y1 -> z0 instead of y0 -> z1
    assert check.patterns == ("W vs W^T",)
    assert "(W^2)^T belongs: neuron j of layer 1 reaches layer 2" in str(check)
    assert "column j of W^2, not row j (y0: w100, w101; y1: w110, w111)" in str(check)


def test_network_c_transposed_gradient_of_a_square_matrix():
    c = d.network_c()

    def delta2(q):
        return d.hadamard([a - y for a, y in zip(q.a[2], q.y)], sigmoid_prime(q.a[2]))

    assert c.check_formula("W2", lambda q: d.outer(delta2(q), q.a[1])).agrees
    check = c.check_formula("W2", lambda q: d.outer(q.a[1], delta2(q)))  # same shape, 2x2
    assert check.patterns == ("W vs W^T",)
    assert "gradient is transposed" in str(check)


def test_network_c_factor_by_factor_names_the_wrong_factors():
    c = d.network_c()
    published = [
        lambda q: q["z0_desired"] - q["z0"],
        lambda q: q["z0s"] * (1 - q["z0s"]),
        lambda q: q["y0"],
    ]
    check = c.check_formula("w100", factors=published)
    assert not check.agrees
    assert [f.agrees for f in check.factors] == [False, False, True]
    assert [tuple(s.pattern for s in f.slips) for f in check.factors] == [
        ("sign",),
        ("derivative at z",),
        (),
    ]
    assert "upstream error (sample 0)" in str(check) and "DIFFERS: sign" in str(check)
    corrected = [
        lambda q: q["z0"] - q["z0_desired"],
        lambda q: q["z0"] * (1 - q["z0"]),
        lambda q: q["y0"],
    ]
    good = c.check_formula("w100", factors=corrected)
    assert good.agrees and all(f.agrees for f in good.factors)
    with raises_naming(al.DerivationError, "w100", "3 factors", "got 2"):
        c.check_formula("w100", factors=corrected[:2])
    with raises_naming(al.DerivationError, "check_formula", "factors", "one parameter"):
        c.check_formula("W2", factors=corrected)


# ---------------------------------------------------------------------------
# B, the per-node form: a missing path, a missing 2, the batch's 1/N, one sample.


def b_hidden(q, outputs=(0, 1), two=2):
    upstream = sum(
        two * (q.a[3][j] - q.y[j]) * q.a[3][j] * (1 - q.a[3][j]) * q.w[3][j][2] for j in outputs
    )
    return upstream * (1 - q.a[2][2] ** 2) * q.a[1][2]


def test_network_b_missing_path_and_missing_two():
    b = d.network_b()
    assert b.check_formula("w^L-1_22", b_hidden).agrees
    one_path = b.check_formula("w^L-1_22", lambda q: b_hidden(q, outputs=(1,)))
    assert one_path.patterns == ("missing path",)
    assert "only the path through a^3_1" in str(one_path)
    no_two = b.check_formula("w^L-1_22", lambda q: b_hidden(q, two=1))
    assert no_two.patterns == ("factor 1/2",)


def test_network_b_batch_formulas_missing_one_over_n_or_taking_one_sample():
    b = d.network_b()
    assert b.check_formula(
        "w^L-1_22", lambda qs: sum(map(b_hidden, qs)) / 4, over_batch=True
    ).agrees
    summed = b.check_formula("w^L-1_22", lambda qs: sum(map(b_hidden, qs)), over_batch=True)
    assert summed.patterns == ("1/N",)
    assert "N = 4" in str(summed)
    first = b.check_formula("w^L-1_22", lambda qs: b_hidden(qs[0]), over_batch=True)
    assert first.patterns == ("one sample",)
    assert "sample 0's gradient alone" in str(first)


# ---------------------------------------------------------------------------
# A, the matrix form: the published f2' for f1', and a sign on the batch.


def a_deltas(q, f1_prime=tanh_prime):
    d3 = d.hadamard([x - t for x, t in zip(q.a[3], q.y)], sigmoid_prime(q.a[3]))
    d2 = d.hadamard(d.matvec(d.transpose(q.w[3]), d3), sigmoid_prime(q.a[2]))
    d1 = d.hadamard(d.matvec(d.transpose(q.w[2]), d2), f1_prime(q.a[1]))
    return d1, d2, d3


def test_network_a_wrong_layers_derivative_is_named():
    a = d.network_a()
    assert a.check_formula("W1", lambda q: d.outer(a_deltas(q)[0], q.x)).agrees

    def published(q):  # (W2^T delta2) ∘ f2'(W1 x0): f2 = sigmoid's derivative at layer 1
        f2_prime = sigmoid_prime([1 / (1 + math.exp(-z)) for z in q.z[1]])
        return d.outer(a_deltas(q, lambda _: f2_prime)[0], q.x)

    check = a.check_formula("W1", published)
    assert not check.agrees
    assert check.patterns == ("wrong layer's derivative",)
    assert "(sigmoid') is used at layer 1, whose activation is tanh" in str(check)


def test_network_a_batch_sign_slip():
    a = d.network_a(batch=True)

    def flipped(q):
        d1, _, _ = a_deltas(q)
        return [[-x for x in row] for row in d.outer(d1, q.x)]

    assert a.check_formula("W1", flipped).patterns == ("sign",)


# ---------------------------------------------------------------------------
# Every network, A to D: the constant slips on an output weight and a first-layer weight.


@pytest.mark.parametrize(
    "build", [d.network_a, lambda: d.network_a(batch=True), d.network_b, d.network_c, d.network_d]
)
@pytest.mark.parametrize("label", ["L1.N0.w1", "L2.N1.w0"])
def test_constant_slips_are_named_on_every_network(build, label):
    derivation = build()
    p = derivation.parameter(label)
    layer, j, k = int(label[1]), int(label[4]), int(label[7])
    by_input = {tuple(s.quantities.x): s for s in derivation.equations().samples}

    def correct(q):  # one sample's dC_i/dw, from that sample's equations
        return by_input[tuple(q.x)].weight_grads[layer][j][k]

    assert derivation.check_formula(p, correct).agrees
    for factor, patterns in [(-1, ("sign",)), (2, ("factor 2",)), (0.5, ("factor 1/2",))]:
        check = derivation.check_formula(p, lambda q, f=factor: f * correct(q))
        assert check.patterns == patterns, (label, factor, check.patterns)
    assert derivation.check_formula(p, lambda q: 0.0).patterns == ("zero",)


def test_biases_as_the_weights_of_an_always_on_neuron():
    dd = d.network_d()

    def augmented(q):  # [W^1 b^1]: the bias is the weight from an input that is always 1
        return d.outer(d_dw1(q)[0], [*q.x, 1.0])

    check = dd.check_formula("Wb1", augmented)
    assert check.agrees and len(check.names) == 4 * 4 and check.names[3] == "L1.N0.b"
    short = dd.check_formula("Wb1", lambda q: d_dw1(q)[1])  # it raised for W's shape only
    assert "gave a 4x3 matrix; dC/dWb1 is a 4x4 matrix" in short.error
    assert dd.check_formula("Wb1", lambda q: [[-v for v in r] for r in augmented(q)]).patterns == (
        "sign",
    )
    with raises_naming(al.DerivationError, "Wb1", "layer 1", "no biases"):
        d.network_c().check_formula("Wb1", augmented)


# ---------------------------------------------------------------------------
# A formula that is not a function, or a per-sample formula given the whole batch.


@pytest.mark.parametrize("formula", [3, "z0 - z0_desired", None])
def test_a_formula_that_is_not_a_function_is_refused_by_name(formula):
    c = d.network_c()
    with pytest.raises(d.DerivationError if formula is None else d.DerivationTypeError) as caught:
        c.check_formula("w100", formula)
    assert "formula" in str(caught.value)
    if formula is not None:
        assert "function of the quantities" in str(caught.value)


def test_factors_that_are_not_functions_are_refused_by_name():
    with raises_naming(d.DerivationTypeError, "factor 2", "w100", "lambda q", "float 0.25"):
        d.network_c().check_formula("w100", factors=[lambda q: 1.0, 0.25, lambda q: 1.0])


def test_a_per_sample_formula_over_the_batch_says_it_got_the_list():
    b = d.network_b()
    with raises_naming(d.DerivationTypeError, "over_batch=True", "4 samples", "qs[0].a"):
        b.check_formula("w^L_12", lambda q: q.a[3][1] * q.a[2][2], over_batch=True)
    right = b.check_formula(
        "w^L_12",
        lambda qs: (
            sum(2 * (q.a[3][1] - q.y[1]) * q.a[3][1] * (1 - q.a[3][1]) * q.a[2][2] for q in qs)
            / len(qs)
        ),
        over_batch=True,
    )
    assert right.agrees and len(right.engine_values) == 1


def test_an_over_batch_formula_can_copy_and_convert_its_list():
    import copy

    b = d.network_b()
    check = b.check_formula(
        "w^L_12",
        lambda qs: 0.0 * len(copy.deepcopy(list(qs))) + len(copy.copy(qs)) * 0.0,
        over_batch=True,
    )
    assert check.patterns == ("zero",)


def test_a_cost_of_your_own_that_returns_a_float_is_named_once():
    net = al.nn.MLP(2, [2, 1], rng=0)
    with pytest.raises(d.DerivationTypeError) as caught:
        d.Derivation(net, [1.0, 2.0], [1.0], loss=lambda outputs, targets: 1.0).compare()
    assert str(caught.value).startswith("your cost must return a Value built from the outputs")

    def half_error(outputs, targets):
        return 0.5

    with raises_naming(d.DerivationTypeError, "half_error", "Value", "float 0.5"):
        d.Derivation(net, [1.0, 2.0], [1.0], loss=half_error).compare()


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_formula_that_gives_nan_or_inf_says_so(bad, capsys):
    from autograd_lite.derivations.exercises import grade

    check = d.network_c().check_formula("w100", lambda q: bad)
    assert not check.agrees and not math.isfinite(check.formula_values[0])
    assert check.error.startswith(f"the formula for dE/dw100 (L2.N0.w0) gave {bad!r}:")
    assert "no known slip" not in str(check)
    grade(1, lambda q: bad)
    assert capsys.readouterr().out.startswith("exercise 1: not yet: the formula for dE/dw110")
    matrix = d.network_d().check_formula("W2", lambda q: [[0.0] * 4, [0.0, bad, 0.0, 0.0]])
    assert f"gave {bad!r} at L2.N1.w1:" in matrix.error


# ---------------------------------------------------------------------------
# The slips check_formula only called "no known slip" before, each named on networks A-D.
# Every formula below is written by hand from q, as a learner would, with one slip in it.

NETWORKS = {
    "A": (d.network_a, 1.0),  # (the network, the 2 of its cost's derivative: B has no 1/2)
    "B": (d.network_b, 2.0),
    "C": (d.network_c, 1.0),
    "D": (d.network_d, 1.0),
}


def prime(activation, a):
    """g'(z) from a = g(z), for the activations of networks A-D."""
    return [x * (1 - x) for x in a] if activation == "sigmoid" else [1 - x * x for x in a]


def sig(z):
    return 1 / (1 + math.exp(-z))


def output_weight(q, c, j=1, k=0, target=None, derivative=None, incoming=None):
    """dC_i/dw^L_jk = c (a^L_j - y_j) sigma'(z^L_j) a^{L-1}_k, with a part replaced."""
    a = q.a[q.L][j]
    y = q.y[j if target is None else target]
    g = a * (1 - a) if derivative is None else derivative
    return c * (a - y) * g * (q.a[q.L - 1][k] if incoming is None else incoming)


@pytest.mark.parametrize("name", NETWORKS)
def test_an_output_weight_with_a_slip_is_named_on_every_network(name):
    """Issue 18 item 4: an index slip (y_0 for y_1, or j and k swapped), another layer's z,
    a cost without its square and tanh's pattern on a sigmoid output were "no known slip"."""
    build, c = NETWORKS[name]
    derivation = build()
    L = len(derivation.mlp.layers)
    target = f"L{L}.N1.w0"  # w^L_10: from neuron 0 of layer L-1 to output 1
    assert derivation.check_formula(target, lambda q: output_weight(q, c)).agrees
    slipped = {
        "wrong index": [
            lambda q: output_weight(q, c, target=0),  # y_0 where y_1 belongs
            lambda q: output_weight(q, c, j=0, incoming=q.a[q.L - 1][1]),  # delta_k a_j
        ],
        "wrong layer's z": [
            lambda q: output_weight(
                q, c, derivative=sig(q.z[q.L - 1][1]) * (1 - sig(q.z[q.L - 1][1]))
            )
        ],
        "missing square": [  # d/da of c/2 (a - y), with no square, is c/2
            lambda q: c / 2 * q.a[q.L][1] * (1 - q.a[q.L][1]) * q.a[q.L - 1][0]
        ],
        "wrong activation's pattern": [  # tanh's 1 - a^2 on a sigmoid output
            lambda q: output_weight(q, c, derivative=1 - q.a[q.L][1] ** 2)
        ],
    }
    for pattern, formulas in slipped.items():
        for formula in formulas:
            check = derivation.check_formula(target, formula)
            assert not check.agrees
            assert check.patterns == (pattern,), (name, pattern, check.patterns)


@pytest.mark.parametrize("name", ["A", "B"])
def test_the_sigmoid_pattern_on_a_tanh_layer_is_named(name):
    """a(1 - a) applied to a tanh output (A's layer 1, B's layer 2): named, not unexplained."""
    derivation = NETWORKS[name][0]()
    c = NETWORKS[name][1]
    activations = [lay.neurons[0].activation for lay in derivation.mlp.layers]
    layer = max(n for n, name in enumerate(activations, start=1) if name == "tanh")

    def delta(q, pattern):
        delta = d.hadamard([c * (a - y) for a, y in zip(q.a[q.L], q.y)], prime("sigmoid", q.a[q.L]))
        for n in range(q.L - 1, layer - 1, -1):
            rule = pattern if n == layer else activations[n - 1]
            delta = d.hadamard(d.matvec(d.transpose(q.w[n + 1]), delta), prime(rule, q.a[n]))
        return delta

    def gradient(pattern):
        return lambda q: d.outer(delta(q, pattern), q.a[layer - 1])

    assert derivation.check_formula(f"W{layer}", gradient("tanh")).agrees
    check = derivation.check_formula(f"W{layer}", gradient("sigmoid"))
    assert check.patterns == ("wrong activation's pattern",)
    assert "a(1 - a)" in str(check).replace(" * ", "").replace(
        "a^", "a"
    ) or "sigmoid's pattern" in str(check)


def printed_equation_2(q):
    """delta^1 = ((W^2)^T delta^L) ⊙ sigma'(z^L), as printed: needs layer 1's sigma'(z^1)."""
    delta_top = d.hadamard([a - y for a, y in zip(q.a[q.L], q.y)], prime("sigmoid", q.a[q.L]))
    return d.hadamard(d.matvec(d.transpose(q.w[2]), delta_top), prime("sigmoid", q.a[q.L]))


@pytest.mark.parametrize("name", NETWORKS)
def test_equation_2_printed_with_delta_L_is_named_where_it_computes(name):
    """On a square network (C) the printed line computes, 1.5% off, and was unnamed; where
    the layers differ in size (A, B, D) it cannot compute, and says so as a verdict."""
    derivation = NETWORKS[name][0]()
    check = derivation.check_formula("W1", lambda q: d.outer(printed_equation_2(q), q.x))
    assert not check.agrees
    if name == "C":
        assert check.patterns == ("equation (2) with delta^L",)
        assert 0.01 < check.max_relative_error < 0.05
    else:
        assert "entries" in check.error  # the product does not exist: no numbers to compare


@pytest.mark.parametrize(("name", "target"), [("A", "W1"), ("A", "W2"), ("B", "W1"), ("D", "W2")])
def test_a_transposed_non_square_gradient_is_a_verdict(name, target):
    """It raised ShapeError; now the numbers are read back and the slip named W vs W^T."""
    derivation = NETWORKS[name][0]()
    layer = int(target[1])
    correct = derivation.check_formula(
        target, lambda q: derivation.sample_equations(0).weight_grads[layer]
    )
    by_input = {tuple(s.quantities.x): s for s in derivation.equations().samples}

    def transposed(q):
        return d.transpose(by_input[tuple(q.x)].weight_grads[layer])

    check = derivation.check_formula(target, transposed)
    assert correct.agrees is (derivation.batch_size == 1)
    assert check.transposed and not check.agrees and check.patterns == ("W vs W^T",)


def deltas(q, derivation, c):
    """delta^L and delta^{L-1} of one sample, written from q."""
    activation = [layer.neurons[0].activation for layer in derivation.mlp.layers]
    L = q.L
    top = d.hadamard([c * (a - y) for a, y in zip(q.a[L], q.y)], prime(activation[-1], q.a[L]))
    upstream = d.matvec(d.transpose(q.w[L]), top)
    return top, upstream, d.hadamard(upstream, prime(activation[-2], q.a[L - 1]))


@pytest.mark.parametrize("name", NETWORKS)
def test_delta_and_dc_da_are_targets_checked_sample_by_sample(name):
    """delta^l (= dC/dz^l) and dC/da^l could not be checked directly."""
    build, c = NETWORKS[name]
    derivation = build()
    L = len(derivation.mlp.layers)
    cost = derivation.notation.cost
    for target, pick in [
        (f"delta{L}", 0),
        (f"dC/dz{L}", 0),
        (f"d{cost}/da{L - 1}", 1),
        (f"delta{L - 1}", 2),
    ]:
        check = derivation.check_formula(target, lambda q, i=pick: deltas(q, derivation, c)[i])
        assert check.agrees, (name, target, str(check))
        assert len(check.engine_values) == derivation.batch_size * len(
            deltas(derivation.quantities(), derivation, c)[pick]
        )
        flipped = derivation.check_formula(
            target, lambda q, i=pick: [-v for v in deltas(q, derivation, c)[i]]
        )
        assert flipped.patterns == ("sign",)
    with raises_naming(d.DerivationError, f"delta^{L}", "one sample's", "over_batch"):
        derivation.check_formula(f"delta{L}", lambda qs: [0.0], over_batch=True)


def test_delta_targets_come_from_the_engine_not_the_equations():
    """The engine side of a delta target is the gradient of the sample's cost with respect to
    the z nodes of the graph: on network D by hand, delta^2_0 = (a - y) a (1 - a)."""
    dd = d.network_d()
    q = dd.quantities()
    a, y = q.a[2][0], q.y[0]
    check = dd.check_formula("delta2", lambda q: [0.0, 0.0])
    assert check.engine_values[0] == pytest.approx((a - y) * a * (1 - a), rel=1e-14)
    assert check.names[0] == "delta^2_0"


def test_a_slip_kind_is_one_of_the_enum_and_a_misspelt_one_is_an_error():
    """Slips were named by free strings: a misspelt kind silently computed the correct
    equations. A kind is a SlipKind; anything else is refused."""
    assert d.SlipKind("wrong index") is d.SlipKind.WRONG_INDEX
    with pytest.raises(ValueError):
        d.SlipKind("wrong indx")
    with raises_naming(d.DerivationTypeError, "SlipKind", "SIGN", "'sgn'"):
        d.Slip("sgn", "a misspelt kind")
    assert d.Slip(d.SlipKind.SIGN, "flipped").pattern == "sign"
    with raises_naming(d.DerivationTypeError, "rules", "derivations.Rules", "'at z'"):
        d.network_c().equations("at z")


def test_a_slip_variant_is_the_equations_with_one_step_done_wrong():
    """Each structural slip is a small Rules subclass; the equations run with it give the
    slipped numbers, and leave the correct ones alone."""
    from autograd_lite.derivations.slips import AtZ

    c = d.network_c()
    right, slipped = c.equations(), c.equations(AtZ(2))
    q = c.quantities()
    z = q.z[2][0]
    assert slipped.samples[0].g_prime[2][0] == z * (1 - z)  # sigmoid's a(1 - a) at z
    assert slipped.samples[0].g_prime[1] == right.samples[0].g_prime[1]
    assert right.samples[0].g_prime[2][0] == q.a[2][0] * (1 - q.a[2][0])
    both = c.equations_by([d.Rules(), AtZ(2)])  # one forward pass for both: the same numbers
    for together, alone in zip(both, [right, slipped]):
        assert together.weight_grads == alone.weight_grads
        assert together.bias_grads == alone.bias_grads
        assert together.samples[0].delta == alone.samples[0].delta
    with raises_naming(al.DerivationTypeError, "equations_by", "variants", "NoneType"):
        c.equations_by(None)
    with raises_naming(al.DerivationTypeError, "Rules", "str"):
        c.equations_by([d.Rules(), "sign"])


def test_delta_targets_on_a_network_of_unnamed_layers_with_a_linear_output():
    """The engine side reads the layer's nodes from the graph's structure, not from labels:
    layers built without names, and a linear output whose activation is its z."""
    mlp = al.nn.MLP.from_layers(
        [al.nn.Layer(2, 2, "tanh", rng=0), al.nn.Layer(2, 1, "linear", rng=1)]
    )
    derivation = d.Derivation(mlp, [0.5, -1.0], [0.3])
    assert derivation.check_formula("delta2", lambda q: [q.a[2][0] - q.y[0]]).agrees
    upstream = [
        w * (derivation.quantities().a[2][0] - 0.3) for w in derivation.quantities().w[2][0]
    ]
    assert derivation.check_formula("dC/da1", lambda q: upstream).agrees
    assert derivation.check_formula("dC/da2", lambda q: [q.a[2][0] - q.y[0]]).agrees


@pytest.mark.parametrize("result", [None, {0: 1.0}, object()], ids=["None", "dict", "object"])
def test_a_result_that_is_no_number_is_named_as_such_for_a_vector_target(result):
    """QA: c.check_formula("delta2", lambda q: None) (or a dict) said the formula "gave one
    number; delta^2 is a vector of 2 entries": None is no number. As for a single parameter,
    a DerivationTypeError now says the formula must return numbers."""
    c = d.network_c()
    for target in ("delta2", "dC/da1", "W2", "w100"):
        with raises_naming(al.DerivationTypeError, "formula", "numbers", repr(result)):
            c.check_formula(target, lambda q: result)


def test_a_changed_weight_or_sample_is_checked_with_the_new_numbers():
    """check_formula keeps the equations of every slip between checks (rebuilding them was
    12% of the quick suite); after a weight or a sample changes, a check must use the new
    numbers: the engine's gradient is the finite difference's, the correct formula still
    agrees, the slip is still named, and the old gradient given as a constant no longer
    agrees."""
    b = d.network_b()
    w = b.parameter("w^L-1_22")
    for change in (
        lambda: setattr(b.mlp.layers[2].neurons[1].w[2], "data", 0.75),
        lambda: b.inputs[0].__setitem__(1, b.inputs[0][1] + 0.5),
    ):
        old = b.engine_gradients()[w]
        one_path = b.check_formula(w, lambda q: b_hidden(q, outputs=(1,)))
        assert one_path.patterns == ("missing path",)
        change()
        new = b.engine_gradients()[w]
        assert new == pytest.approx(b.finite_difference(w), rel=1e-6)
        assert abs(new - old) > 1e-3 * abs(old)
        assert b.check_formula(w, b_hidden).agrees
        one_path = b.check_formula(w, lambda q: b_hidden(q, outputs=(1,)))
        assert one_path.patterns == ("missing path",)
        assert not b.check_formula(w, lambda q, old=old: old).agrees
