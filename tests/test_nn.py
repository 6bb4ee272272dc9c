"""The nn module: parameters and their labels, seeded initialisation, typed-in weights, the
losses' values and gradients by hand, SGD, and bad input."""

import math
import random
import sys
from fractions import Fraction

import numpy as np
import pytest
from messages import raises_naming

import autograd_lite as al
from autograd_lite import NonFiniteError, Value, nn, topological_order

# ---------------------------------------------------------------------------
# Parameters and labels


def test_parameter_count_and_labels():
    model = nn.MLP(3, [4, 2, 1], rng=0)
    parameters = model.parameters()
    assert len(parameters) == 4 * (3 + 1) + 2 * (4 + 1) + 1 * (2 + 1)
    expected = [
        f"L{layer}.N{j}.{name}"
        for layer, (nin, nout) in enumerate([(3, 4), (4, 2), (2, 1)], start=1)
        for j in range(nout)
        for name in [*(f"w{k}" for k in range(nin)), "b"]
    ]
    assert [p.label for p in parameters] == expected
    assert all(p.is_leaf for p in parameters)
    assert len(set(parameters)) == len(parameters)


def test_weight_label_names_layer_neuron_and_input():
    model = nn.MLP(3, [4, 1], rng=0)
    neuron = model.layers[0].neurons[1]
    assert neuron.w[2].label == "L1.N1.w2"
    assert neuron.b.label == "L1.N1.b"
    assert model.layers[1].neurons[0].w[3].label == "L2.N0.w3"


def test_node_labels_for_weighted_sum_and_activation():
    model = nn.MLP(2, [2, 1], activation="tanh", output_activation="sigmoid", rng=0)
    out = model([1.0, -1.0])
    assert out.label == "L2.N0.a"
    labels = [v.label for v in topological_order(out)]
    for label in ("L1.N0.z", "L1.N0.a", "L1.N1.z", "L1.N1.a", "L2.N0.z", "L2.N0.a"):
        assert labels.count(label) == 1, label
    z = out.parents[0]
    assert z.label == "L2.N0.z"
    neuron = model.layers[1].neurons[0]
    hidden = [v for v in topological_order(out) if v.label in ("L1.N0.a", "L1.N1.a")]
    assert z.operands == (*neuron.w, *hidden, neuron.b)


def test_linear_output_is_the_weighted_sum():
    model = nn.MLP(2, [1], rng=0)  # output_activation defaults to linear
    out = model([2.0, 3.0])
    assert out.label == "L1.N0.z"
    neuron = model.layers[0].neurons[0]
    assert out.data == pytest.approx(2 * neuron.w[0].data + 3 * neuron.w[1].data + neuron.b.data)


def test_without_bias():
    model = nn.MLP(3, [2, 1], bias=False, rng=0)
    assert len(model.parameters()) == 2 * 3 + 1 * 2
    assert not any(p.label.endswith(".b") for p in model.parameters())
    assert all(n.b is None for layer in model.layers for n in layer.neurons)
    neuron = nn.Neuron(2, activation="linear", bias=False, rng=0)
    out = neuron([2.0, 3.0])
    assert out.data == pytest.approx(2 * neuron.w[0].data + 3 * neuron.w[1].data)


def test_layer_and_mlp_output_shapes():
    layer = nn.Layer(2, 3, rng=0)
    assert isinstance(layer([1.0, 2.0]), list) and len(layer([1.0, 2.0])) == 3
    assert type(nn.Layer(2, 1, rng=0)([1.0, 2.0])) is Value
    assert isinstance(nn.Layer(2, 1, rng=0).forward([1.0, 2.0]), list)
    assert len(nn.MLP(2, [3, 2], rng=0)([1.0, 2.0])) == 2
    assert type(nn.Neuron(1, rng=0)(0.5)) is Value  # one input may be a bare number


def test_module_zero_grad():
    model = nn.MLP(2, [3, 1], rng=0)
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


# ---------------------------------------------------------------------------
# Initialisation from a seedable random.Random


def weights_of(model):
    return [p.data for p in model.parameters()]


def test_same_seed_gives_identical_weights():
    assert weights_of(nn.MLP(2, [4, 1], rng=7)) == weights_of(nn.MLP(2, [4, 1], rng=7))
    assert weights_of(nn.MLP(2, [4, 1], rng=random.Random(7))) == weights_of(
        nn.MLP(2, [4, 1], rng=random.Random(7))
    )
    assert weights_of(nn.MLP(2, [4, 1], rng=7)) == weights_of(
        nn.MLP(2, [4, 1], rng=random.Random(7))
    )
    assert weights_of(nn.MLP(2, [4, 1], rng=7)) != weights_of(nn.MLP(2, [4, 1], rng=8))


@pytest.mark.parametrize(
    "make",
    [lambda: nn.Neuron(2), lambda: nn.Layer(2, 3), lambda: nn.MLP(2, [3, 1])],
    ids=["Neuron", "Layer", "MLP"],
)
def test_default_rng_is_the_global_generator(make):
    random.seed(3)
    first = weights_of(make())
    random.seed(3)
    assert weights_of(make()) == first
    assert weights_of(make()) != first


def test_neurons_of_a_layer_get_different_weights():
    layer = nn.Layer(3, 4, rng=0)
    rows = [tuple(w.data for w in n.w) for n in layer.neurons]
    assert len(set(rows)) == 4


def test_initial_weights_lie_within_one_over_root_nin():
    model = nn.MLP(9, [16, 1], rng=1)
    for layer, nin in zip(model.layers, [9, 16]):
        bound = 1 / math.sqrt(nin)
        values = [p.data for p in layer.parameters()]
        assert all(-bound <= v <= bound for v in values)
        assert max(values) > bound / 2 and min(values) < -bound / 2  # spread over the range


# ---------------------------------------------------------------------------
# Typed-in weights

W1 = [[0.5, -1.0], [2.0, 0.25]]
W2 = [[1.0, -2.0]]


def test_from_weights_without_biases_by_hand():
    model = nn.MLP.from_weights([W1, W2], activation="tanh", output_activation="linear")
    assert len(model.parameters()) == 6
    x = [1.0, 2.0]
    out = model(x)
    h0, h1 = math.tanh(0.5 - 2.0), math.tanh(2.0 + 0.5)
    assert out.data == pytest.approx(h0 - 2 * h1, rel=1e-14)
    out.backward()
    first, second = model.layers[0].neurons, model.layers[1].neurons[0]
    assert second.w[1].grad == pytest.approx(h1, rel=1e-14)
    assert first[0].w[1].grad == pytest.approx(1.0 * (1 - h0**2) * x[1], rel=1e-14)
    assert first[1].w[0].grad == pytest.approx(-2.0 * (1 - h1**2) * x[0], rel=1e-14)


def test_from_weights_with_biases_by_hand():
    model = nn.MLP.from_weights(
        [W1, W2], biases=[[0.1, -0.2], [0.3]], activation="sigmoid", output_activation="sigmoid"
    )
    sigmoid = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    h0, h1 = sigmoid(0.5 - 2.0 + 0.1), sigmoid(2.0 + 0.5 - 0.2)
    assert model([1.0, 2.0]).data == pytest.approx(sigmoid(h0 - 2 * h1 + 0.3), rel=1e-14)
    assert model.layers[1].neurons[0].b.data == 0.3


def test_from_weights_leaves_the_global_random_state_alone():
    random.seed(7)
    expected = random.random()
    random.seed(7)
    nn.MLP.from_weights([W1, W2])
    assert random.random() == expected


def test_set_weights_on_neuron_layer_and_mlp():
    neuron = nn.Neuron(2, rng=0)
    neuron.set_weights([0.5, -0.5], bias=0.25)
    assert [p.data for p in neuron.parameters()] == [0.5, -0.5, 0.25]
    first_weight = neuron.w[0]
    neuron.set_weights([1, 2])  # the bias is kept, the Values are the same objects
    assert [p.data for p in neuron.parameters()] == [1.0, 2.0, 0.25]
    assert neuron.w[0] is first_weight
    layer = nn.Layer(2, 2, rng=0)
    layer.set_weights(W1, [0.1, 0.2])
    assert [p.data for p in layer.parameters()] == [0.5, -1.0, 0.1, 2.0, 0.25, 0.2]
    model = nn.MLP(2, [2, 1], rng=0)
    model.set_weights([W1, W2], [[0.0, 0.0], [1.0]])
    assert [p.data for p in model.parameters()] == [0.5, -1.0, 0.0, 2.0, 0.25, 0.0, 1.0, -2.0, 1.0]


# ---------------------------------------------------------------------------
# Losses, by hand


def test_half_squared_error():
    a = [Value(0.8, label="a0"), Value(0.2, label="a1")]
    loss = nn.half_squared_error(a, [1.0, 0.0])
    assert loss.data == pytest.approx(0.5 * (0.2**2 + 0.2**2))
    loss.backward()
    assert [v.grad for v in a] == pytest.approx([-0.2, 0.2])  # a - y


def test_half_squared_error_of_one_output():
    a = Value(3.0)
    loss = nn.half_squared_error(a, 1.0)
    loss.backward()
    assert (loss.data, a.grad) == (2.0, 2.0)


def test_squared_error():
    a = [Value(0.8), Value(0.2)]
    loss = nn.squared_error(a, [1.0, 0.0])
    assert loss.data == pytest.approx(0.2**2 + 0.2**2)
    loss.backward()
    assert [v.grad for v in a] == pytest.approx([-0.4, 0.4])  # 2 (a - y)


def test_mean_squared_error():
    a = [Value(1.0), Value(3.0)]
    loss = nn.mean_squared_error(a, [0.0, 1.0])
    assert loss.data == pytest.approx((1.0 + 4.0) / 2)
    loss.backward()
    assert [v.grad for v in a] == pytest.approx([1.0, 2.0])  # 2 (a - y) / N


def test_mean_squared_error_of_several_outputs_per_sample():
    a = [[Value(1.0), Value(0.0)], [Value(2.0), Value(-1.0)]]
    loss = nn.mean_squared_error(a, [[0.0, 0.0], [0.0, 1.0]])
    assert loss.data == pytest.approx((1.0 + 0.0 + 4.0 + 4.0) / 2)
    loss.backward()
    assert [v.grad for row in a for v in row] == pytest.approx([1.0, 0.0, 2.0, -2.0])


def test_binary_cross_entropy():
    p = [Value(0.8), Value(0.3)]
    loss = nn.binary_cross_entropy(p, [1, 0])
    assert loss.data == pytest.approx(-(math.log(0.8) + math.log(0.7)) / 2)
    loss.backward()
    assert [v.grad for v in p] == pytest.approx([-1 / (2 * 0.8), 1 / (2 * 0.7)])


def test_binary_cross_entropy_with_a_soft_target():
    p = Value(0.6)
    loss = nn.binary_cross_entropy(p, 0.25)
    assert loss.data == pytest.approx(-(0.25 * math.log(0.6) + 0.75 * math.log(0.4)))
    loss.backward()
    assert p.grad == pytest.approx(-0.25 / 0.6 + 0.75 / 0.4)


def test_binary_cross_entropy_on_a_sigmoid_output():
    z = Value(0.3, label="z")
    p = z.sigmoid()
    nn.binary_cross_entropy(p, 1).backward()
    assert z.grad == pytest.approx(p.data - 1)  # dC/dz = p - y


def test_hinge_loss():
    s = [Value(0.5), Value(-2.0), Value(0.2)]
    loss = nn.hinge_loss(s, [1, -1, -1])
    assert loss.data == pytest.approx((0.5 + 0.0 + 1.2) / 3)  # max(0, 1 - y s)
    loss.backward()
    assert [v.grad for v in s] == pytest.approx([-1 / 3, 0.0, 1 / 3])  # -y / N where active


# ---------------------------------------------------------------------------
# SGD


def test_sgd_step_arithmetic():
    p, q = Value(2.0, label="p"), Value(-1.0, label="q")
    p.grad, q.grad = 0.5, -2.0
    optimizer = nn.SGD([p, q], lr=0.1)
    optimizer.step()
    assert (p.data, q.data) == (2.0 - 0.1 * 0.5, -1.0 + 0.1 * 2.0)
    assert (p.grad, q.grad) == (0.5, -2.0)
    optimizer.zero_grad()
    assert (p.grad, q.grad) == (0.0, 0.0)


def test_sgd_learning_rate_can_change():
    p = Value(1.0)
    p.grad = 1.0
    optimizer = nn.SGD([p], lr=0.1)
    optimizer.lr = 0.5
    assert optimizer.lr == 0.5
    optimizer.step()
    assert p.data == 0.5


def test_training_step_lowers_the_loss():
    model = nn.MLP.from_weights([W1, W2], biases=[[0.0, 0.0], [0.0]])
    optimizer = nn.SGD(model.parameters(), lr=0.05)
    x, y = [1.0, 2.0], 0.5
    loss = nn.half_squared_error(model(x), y)
    loss.backward()
    before = [(p.data, p.grad) for p in model.parameters()]
    optimizer.step()
    for p, (data, grad) in zip(model.parameters(), before):
        assert p.data == data - 0.05 * grad
    assert nn.half_squared_error(model(x), y).data < loss.data


def test_sgd_step_that_blows_up_changes_nothing():
    fine, huge = Value(1.0, label="fine"), Value(1e308, label="huge")
    fine.grad, huge.grad = 1.0, -1e308
    optimizer = nn.SGD([fine, huge], lr=10.0)
    with raises_naming(NonFiniteError, "Value 'huge'", "inf", "learning rate"):
        optimizer.step()
    assert (fine.data, huge.data) == (1.0, 1e308)  # no half-applied step


# ---------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize(
    "make",
    [
        lambda: nn.Neuron(0),
        lambda: nn.Neuron(2.0),
        lambda: nn.Layer(2, 0),
        lambda: nn.MLP(2, []),
        lambda: nn.MLP(0, [1]),
    ],
    ids=["no-inputs", "float-nin", "no-neurons", "no-layers", "mlp-no-inputs"],
)
def test_bad_sizes(make):
    with pytest.raises(ValueError):
        make()


@pytest.mark.parametrize(
    "make",
    [
        lambda: nn.Neuron(2, activation="softmax", rng=0),
        lambda: nn.Layer(2, 2, activation="softmax", rng=0),
        lambda: nn.MLP(2, [2, 1], activation="softmax", rng=0),
        lambda: nn.MLP(2, [2, 1], output_activation="softmax", rng=0),
    ],
    ids=["Neuron", "Layer", "MLP-hidden", "MLP-output"],
)
def test_unknown_activation(make):
    with raises_naming(ValueError, "'softmax'", "'tanh'"):  # and says what to choose instead
        make()


@pytest.mark.parametrize(
    "make",
    [
        lambda rng: nn.Neuron(2, rng=rng),
        lambda rng: nn.Layer(2, 3, rng=rng),
        lambda rng: nn.MLP(2, [1], rng=rng),
    ],
    ids=["Neuron", "Layer", "MLP"],
)
def test_bad_rng(make):
    """The review found `rng must be ..., got str`: the type alone, not the value given. The
    message names both (the value shortened to ~60 characters, as elsewhere)."""
    with raises_naming(al.ArgumentTypeError, "rng", "random.Random", "str", "'seed'"):
        make("seed")
    with raises_naming(al.ArgumentTypeError, "rng", "float", "0.5"):
        make(0.5)
    with pytest.raises(al.ArgumentTypeError) as caught:
        make("s" * 500)
    assert "'sss" in str(caught.value) and len(str(caught.value)) < 200


@pytest.mark.parametrize(
    "model, named",
    [
        (nn.MLP(2, [3, 1], rng=0), "MLP(nin=2, nouts=[3, 1]"),
        (nn.Layer(2, 3, rng=0), "Layer(nin=2, nout=3"),
        (nn.Neuron(2, rng=0), "Neuron(nin=2"),
    ],
    ids=["MLP", "Layer", "Neuron"],
)
def test_wrong_number_of_inputs(model, named):
    """The review found `expected 2 inputs, got 3`: it named neither the model nor what to
    do. The message names the model (its repr), the counts, and both ways out: give 2 numbers
    per sample, or build the model with nin=3."""
    with raises_naming(al.ShapeError, named, "2 inputs", "got 3", "2 numbers", "nin=3"):
        model([1.0, 2.0, 3.0])
    with raises_naming(al.ShapeError, named, "2 inputs", "got 1", "nin=1"):
        model(1.0)
    with raises_naming(al.ShapeError, named, "2 inputs", "got 0", "2 numbers"):
        model([])


def test_a_batch_given_where_one_sample_is_expected():
    """A list of samples passed to a model is not one sample with the wrong count: the
    message says to call the model once per sample (nin=3 would be the wrong advice)."""
    model = nn.MLP(2, [3, 1], rng=0)
    with pytest.raises(al.ShapeError) as caught:
        model([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    message = str(caught.value)
    assert "MLP(nin=2" in message and "one sample" in message and "nin=3" not in message


@pytest.mark.parametrize(
    "action",
    [
        lambda: nn.Neuron(2, rng=0).set_weights([1.0]),
        lambda: nn.Neuron(2, bias=False, rng=0).set_weights([1.0, 2.0], bias=0.5),
        lambda: nn.Layer(2, 2, rng=0).set_weights([[1.0, 2.0]]),
        lambda: nn.Layer(2, 2, rng=0).set_weights(W1, [0.1]),
        lambda: nn.MLP(2, [2, 1], rng=0).set_weights([W1]),
        lambda: nn.MLP(2, [2, 1], rng=0).set_weights([W1, [[1.0, 2.0, 3.0]]]),
        lambda: nn.MLP(2, [2, 1], rng=0).set_weights([W1, W2], [[0.0, 0.0]]),
        lambda: nn.MLP.from_weights([[[1.0, 2.0], [3.0]]]),
        lambda: nn.MLP.from_weights([]),
    ],
    ids=[
        "neuron-weights",
        "neuron-bias-without-bias",
        "layer-rows",
        "layer-biases",
        "mlp-matrices",
        "mlp-columns",
        "mlp-biases",
        "from-weights-ragged",
        "from-weights-empty",
    ],
)
def test_bad_weight_shapes(action):
    with pytest.raises(ValueError):
        action()


def test_set_weights_that_fail_change_nothing():
    model = nn.MLP.from_weights([W1, W2], biases=[[0.1, 0.2], [0.3]])
    before = [p.data for p in model.parameters()]
    bad_calls = [
        lambda: model.set_weights([[[9.0, 9.0], [9.0, 9.0]], [[1.0, 2.0, 3.0]]]),  # W^2 too wide
        lambda: model.set_weights([[[9.0, 9.0], [9.0, 9.0]], [[9.0, "9"]]]),  # W^2 not numbers
        lambda: model.layers[0].set_weights([[9.0, 9.0], [9.0]]),  # row 2 too short
        lambda: model.layers[0].set_weights([[9.0, 9.0], [9.0, 9.0]], [9.0, "9"]),
        lambda: model.layers[0].neurons[0].set_weights([9.0, "9"]),
        lambda: model.layers[0].neurons[0].set_weights([9.0, 9.0], "9"),
    ]
    for call in bad_calls:
        with pytest.raises((ValueError, TypeError)):
            call()
        assert [p.data for p in model.parameters()] == before


def test_typed_in_weight_must_be_a_number():
    with raises_naming(TypeError, "Value 'w1'", "str '2'"):
        nn.Neuron(2, rng=0).set_weights([1.0, "2"])


@pytest.mark.parametrize(
    "action",
    [
        lambda: nn.half_squared_error([Value(1.0), Value(2.0)], [1.0]),
        lambda: nn.squared_error([], []),
        lambda: nn.mean_squared_error([Value(1.0)], [1.0, 2.0]),
        lambda: nn.mean_squared_error([], []),
        lambda: nn.binary_cross_entropy([Value(0.5)], [1.5]),
        lambda: nn.binary_cross_entropy([Value(0.5)], [-0.5]),
        lambda: nn.hinge_loss([Value(0.5)], [0]),
        lambda: nn.hinge_loss([Value(0.5), Value(0.1)], [1]),
    ],
    ids=[
        "half-squared-lengths",
        "squared-empty",
        "mse-lengths",
        "mse-empty",
        "bce-target-above-1",
        "bce-target-below-0",
        "hinge-label-0",
        "hinge-lengths",
    ],
)
def test_bad_targets(action):
    with pytest.raises(ValueError):
        action()


@pytest.mark.parametrize(("lr", "error"), [(0.0, ValueError), (-0.1, ValueError), ("1", TypeError)])
def test_bad_learning_rate(lr, error):
    with pytest.raises(error):
        nn.SGD([Value(1.0)], lr=lr)


def test_sgd_needs_values():
    with raises_naming(TypeError, "SGD", "parameters[0]", "float 1.0"):
        nn.SGD([1.0], lr=0.1)


def test_nn_argument_errors_are_library_errors():
    """Bad arguments raise the library's own types, which keep the natural builtin bases."""
    with raises_naming(nn.ModelError, "activation", "'softmax'", "'tanh'"):
        nn.Neuron(2, activation="softmax")
    with raises_naming(nn.ModelError, "hinge_loss", "labels", "-1", "+1", "0.0"):
        nn.hinge_loss([Value(0.5)], [0])
    with raises_naming(nn.ModelError, "SGD", "learning rate", "positive", "0.0"):
        nn.SGD([Value(1.0)], lr=0.0)
    with raises_naming(al.ArgumentTypeError, "parameters[0]", "Value", "float"):
        nn.SGD([1.0], lr=0.1)
    with raises_naming(al.ArgumentTypeError, "rng", "random.Random", "str"):
        nn.Neuron(2, rng="seed")
    assert issubclass(nn.ModelError, ValueError) and issubclass(nn.ModelError, al.AutogradError)
    assert issubclass(al.ArgumentTypeError, TypeError)


# ---------------------------------------------------------------------------
# One activation per layer, softmax and cross-entropy over classes (issue 11)


def test_one_activation_per_hidden_layer():
    model = nn.MLP(
        2, [3, 2, 1], activation=["tanh", "sigmoid"], output_activation="relu", bias=False, rng=0
    )
    assert [layer.neurons[0].activation for layer in model.layers] == ["tanh", "sigmoid", "relu"]
    assert "activation=['tanh', 'sigmoid']" in repr(model)
    model.set_weights([[[1.0, 0.0]] * 3, [[1.0, 1.0, 1.0]] * 2, [[1.0, 0.5]]])
    h1 = math.tanh(0.5)
    h2 = 1 / (1 + math.exp(-3 * h1))
    assert model([0.5, 9.0]).data == pytest.approx(1.5 * h2, rel=1e-15)
    built = nn.MLP.from_weights([[[2.0]], [[1.0]], [[3.0]]], None, ["sigmoid", "tanh"], "linear")
    assert [layer.neurons[0].activation for layer in built.layers] == [
        "sigmoid",
        "tanh",
        "linear",
    ]
    assert built([0.25]).data == pytest.approx(3 * math.tanh(1 / (1 + math.exp(-0.5))), rel=1e-15)


@pytest.mark.parametrize(
    ("make", "error", "terms"),
    [
        (
            lambda: nn.Neuron(2, activation=["tanh"]),
            al.ArgumentTypeError,
            ("activation", "['tanh']"),
        ),
        (lambda: nn.Layer(2, 2, activation=None), al.ArgumentTypeError, ("activation", "None")),
        (lambda: nn.MLP(2, 3), al.ArgumentTypeError, ("nouts", "list of layer sizes", "int 3")),
        (
            lambda: nn.MLP(2, [3], activation="bogus"),
            nn.ModelError,
            ("activation", "'bogus'", "'tanh'"),
        ),
        (
            lambda: nn.MLP(2, [3, 1], activation=["tanh", "relu"]),
            nn.ModelError,
            ("2 names", "1 hidden layer"),
        ),
        (
            lambda: nn.MLP(2, [3, 1], activation=["bogus"]),
            nn.ModelError,
            ("activation 0", "'bogus'", "'tanh'"),
        ),
        (
            lambda: nn.MLP(2, [3, 1], activation=[1]),
            al.ArgumentTypeError,
            ("activation 0", "int 1"),
        ),
    ],
    ids=[
        "neuron-list",
        "layer-none",
        "mlp-int-nouts",
        "mlp-bogus",
        "mlp-count",
        "mlp-list-bogus",
        "mlp-list-int",
    ],
)
def test_activation_and_size_arguments_are_named_when_wrong(make, error, terms):
    with raises_naming(error, *terms):
        make()


def test_binary_cross_entropy_refuses_predictions_outside_zero_one():
    for p, y in [(1.5, 1), (-0.2, 1), (1.0, 0), (0.0, 1), (1.0, 0.5)]:
        with raises_naming(nn.ModelError, "0 and 1", str(float(p)), "output_activation='sigmoid'"):
            nn.binary_cross_entropy(Value(p), y)  # (1.5, 1) gave -0.405
    assert nn.binary_cross_entropy(Value(1.0), 1).data == 0.0  # a saturated, right answer


def test_softmax_by_hand_and_stable_for_large_logits():
    probabilities = nn.softmax([Value(1.0), Value(2.0), 3.0])
    e = [math.exp(1.0), math.exp(2.0), math.exp(3.0)]
    assert [p.data for p in probabilities] == pytest.approx([x / sum(e) for x in e], rel=1e-15)
    big = nn.softmax([Value(1000.0), Value(999.0)])  # exp(1000) overflows a float
    assert big[0].data == pytest.approx(1 / (1 + math.exp(-1.0)), rel=1e-15)
    with raises_naming(al.ShapeError, "softmax", "logits", "empty"):
        nn.softmax([])


def test_cross_entropy_value_and_gradient_by_hand():
    logits = [Value(0.5, "s0"), Value(-1.0, "s1"), Value(2.0, "s2")]
    loss = nn.cross_entropy(logits, 2)
    e = [math.exp(0.5), math.exp(-1.0), math.exp(2.0)]
    p = [x / sum(e) for x in e]
    assert loss.data == pytest.approx(-math.log(p[2]), rel=1e-15)
    loss.backward()
    # dC/ds_k = p_k - [k == class]
    assert [s.grad for s in logits] == pytest.approx([p[0], p[1], p[2] - 1], rel=1e-13)
    huge = nn.cross_entropy([Value(1000.0), Value(0.0)], 1)  # log-sum-exp keeps it finite
    assert huge.data == pytest.approx(1000.0, rel=1e-15)
    for bad, error in [(3, al.ShapeError), (-1, al.ShapeError), (1.0, al.ArgumentTypeError)]:
        with raises_naming(error, "cross_entropy", "class_index", str(bad)):
            nn.cross_entropy(logits, bad)


def test_cross_entropy_gradient_matches_finite_differences():
    rng = random.Random(5)
    values = [rng.uniform(-3, 3) for _ in range(4)]
    logits = [Value(v) for v in values]
    nn.cross_entropy(logits, 1).backward()
    h = 1e-6
    for i in range(4):
        up = [Value(v + (h if k == i else 0.0)) for k, v in enumerate(values)]
        down = [Value(v - (h if k == i else 0.0)) for k, v in enumerate(values)]
        fd = (nn.cross_entropy(up, 1).data - nn.cross_entropy(down, 1).data) / (2 * h)
        assert logits[i].grad == pytest.approx(fd, rel=1e-7, abs=1e-10)


# ---------------------------------------------------------------------------
# Numbers too large, sizes no machine holds, arguments accepted without meaning (issue 19)


@pytest.mark.parametrize(
    "make",
    [
        lambda size: nn.Neuron(size, rng=0),
        lambda size: nn.Layer(2, size, rng=0),
        lambda size: nn.MLP(size, [1], rng=0),
        lambda size: nn.MLP(2, [3, size], rng=0),
        lambda size: al.make_moons(size),
        lambda size: al.make_spirals(size),
    ],
    ids=["Neuron-nin", "Layer-nout", "MLP-nin", "MLP-nouts", "make_moons", "make_spirals"],
)
@pytest.mark.parametrize("size", [10**18, 10**400])
def test_a_size_no_machine_holds_is_refused_at_once(make, size):
    """Issue 19 item 13: Neuron(10**400) raised OverflowError from math.sqrt, and a size of
    10**18 for Neuron, Layer or make_moons ran without bound, filling memory."""
    with raises_naming((al.ModelError, al.DatasetError), "memory", "4,294,967,296"):
        make(size)


def test_an_int_too_large_for_a_float_is_a_library_error_in_the_losses():
    """Issue 19 item 13: binary_cross_entropy([10**400], [1]) raised OverflowError from
    float(); a target of None compared with 0 raised TypeError."""
    with raises_naming(al.NonFiniteError, "binary_cross_entropy", "probabilities[0]", "401 digits"):
        nn.binary_cross_entropy([10**400], [1])
    with raises_naming(al.ArgumentTypeError, "binary_cross_entropy", "targets[0]", "None"):
        nn.binary_cross_entropy([Value(0.5)], [None])


def test_a_grad_too_large_for_a_float_stops_sgd_before_any_change():
    """Issue 19 item 13: `x.grad = 10**400` then SGD.step() raised OverflowError."""
    x, w = Value(1.0, label="x"), Value(2.0, label="w")
    x.grad, w.grad = 1.0, 10**400
    with raises_naming(al.NonFiniteError, "Value 'w'", "no parameter was changed", "zero_grad()"):
        nn.SGD([x, w], 0.1).step()
    assert (x.data, w.data) == (1.0, 2.0)


def test_layer_sizes_given_as_bytes_are_refused():
    """Issue 19 item 14: nn.MLP(2, b'1') built one layer of 49 outputs (the byte of '1')."""
    with raises_naming(al.ArgumentTypeError, "nouts", "b'1'"):
        nn.MLP(2, b"1")


@pytest.mark.parametrize("scores", [{1.0, 2.0}, frozenset({1.0, 2.0}), {1.0: "a", 2.0: "b"}])
def test_softmax_and_cross_entropy_refuse_unordered_scores(scores):
    """Issue 19 item 14: softmax and cross_entropy took a set, whose order (which score is
    class 0) is not the user's."""
    with raises_naming(al.ArgumentTypeError, "softmax", "logits", type(scores).__name__):
        nn.softmax(scores)
    with raises_naming(al.ArgumentTypeError, "cross_entropy", "logits", type(scores).__name__):
        nn.cross_entropy(scores, 0)


@pytest.mark.parametrize("bias", [None, "no", 1, 0.0])
def test_bias_must_be_true_or_false(bias):
    """Issue 19 item 14: Neuron(2, bias=None) built a neuron without bias, "no" one with a
    bias: anything was taken for its truth value."""
    with raises_naming(al.ArgumentTypeError, "bias", "True or False", repr(bias)):
        nn.Neuron(2, bias=bias)
    with raises_naming(al.ArgumentTypeError, "bias", "True or False", repr(bias)):
        nn.Layer(2, 3, bias=bias)
    with raises_naming(al.ArgumentTypeError, "bias", "True or False", repr(bias)):
        nn.MLP(2, [1], bias=bias)


# Shared parameters, SGD's leaves and weight decay (issue 18 items 3 and 6, issue 19 item 2)


def test_a_shared_bias_is_listed_once_and_gets_the_sum_of_its_uses():
    """Mazur's example shares one bias across a layer; pointing two neurons at one Value used
    to list it twice in parameters() (SGD then refused the list)."""
    b = Value(0.35, "b1")
    layer = nn.Layer(2, 2, "sigmoid", bias=b, rng=0)
    assert [n.b for n in layer.neurons] == [b, b]
    assert [p.label for p in layer.parameters()] == ["N0.w0", "N0.w1", "b1", "N1.w0", "N1.w1"]
    x = [0.05, 0.10]
    a0, a1 = layer(x)
    (a0 + a1).backward()
    expected = a0.data * (1 - a0.data) + a1.data * (1 - a1.data)  # sigma'(z) at both uses
    assert b.grad == pytest.approx(expected, rel=1e-15)
    nn.SGD(layer.parameters(), 0.1)  # each once: accepted


def test_a_neuron_takes_existing_weights_and_an_mlp_its_layers():
    w = Value(0.5, "w")
    neuron = nn.Neuron(2, "linear", bias=False, weights=[w, w])
    assert neuron.parameters() == [w]
    y = neuron([2.0, 3.0])
    y.backward()
    assert (y.data, w.grad) == (2.5, 5.0)
    mlp = nn.MLP.from_layers([nn.Layer(2, 3, rng=0), nn.Layer(3, 1, bias=w, rng=1)])
    assert mlp.parameters()[-1] is w and len(mlp.parameters()) == 9 + 3 + 1
    with raises_naming(al.ShapeError, "layer 1", "3 outputs", "layer 2", "2 inputs"):
        nn.MLP.from_layers([nn.Layer(2, 3, rng=0), nn.Layer(2, 1, rng=1)])
    with raises_naming(al.ModelError, "Neuron.bias", "made by mul", "leaf"):
        nn.Neuron(2, bias=w * 2.0)
    with raises_naming(al.ArgumentTypeError, "Neuron.weights", "Value", "float 1.0"):
        nn.Neuron(2, weights=[w, 1.0])


def test_set_weights_gives_a_shared_bias_one_value():
    b = Value(0.0, "b")
    layer = nn.Layer(2, 2, "sigmoid", bias=b, rng=0)
    layer.set_weights([[1, 2], [3, 4]], [0.6, 0.6])
    assert b.data == 0.6
    with raises_naming(al.ModelError, "Value 'b'", "shared", "0.1", "0.2"):
        layer.set_weights([[9, 9], [9, 9]], [0.1, 0.2])
    assert (b.data, layer.neurons[0].w[0].data) == (0.6, 1.0)  # nothing changed


def test_sgd_refuses_a_computed_value_when_it_is_made():
    """SGD([w1, h], 0.1).step() with h = w2 * 1.0 moved w1, then raised StaleGraphError on h:
    half a step. A computed Value cannot be trained; SGD now says so before any step."""
    w1, w2 = Value(1.0, "w1"), Value(2.0, "w2")
    h = w2 * 1.0
    h.label = "h"
    (w1 * h).backward()
    with raises_naming(al.ModelError, "parameters[1]", "Value 'h'", "leaf", "model.parameters()"):
        nn.SGD([w1, h], 0.1)
    assert w1.data == 1.0


def test_weight_decay_is_the_step_of_the_loss_with_an_l2_term():
    """SGD(weight_decay=lam) steps as plain SGD on C + (lam / 2) sum p^2 would."""
    lam, lr, x, y = 0.01, 0.3, [0.5, -1.0], 0.25

    def trained(decay_in_sgd, decay_in_loss):
        model = nn.MLP(2, [3, 1], rng=4)
        params = model.parameters()
        optimizer = nn.SGD(params, lr, weight_decay=lam if decay_in_sgd else 0.0)
        for _ in range(3):
            loss = nn.half_squared_error(model(x), y)
            if decay_in_loss:
                loss = loss + lam / 2 * sum(p * p for p in params)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        return [p.data for p in params]

    with_decay, by_loss, plain = trained(True, False), trained(False, True), trained(False, False)
    assert with_decay == pytest.approx(by_loss, rel=1e-13)
    assert max(abs(a - b) for a, b in zip(with_decay, plain)) > 1e-4
    p = Value(2.0)
    p.grad = 0.5
    nn.SGD([p], 0.1, weight_decay=0.2).step()
    assert p.data == 2.0 - 0.1 * (0.5 + 0.2 * 2.0)
    with raises_naming(al.ModelError, "SGD", "weight_decay", "-1"):
        nn.SGD([p], 0.1, weight_decay=-1)


def test_numpy_columns_load_as_nielsen_keeps_them():
    """network.py keeps biases, inputs and targets as (n, 1) columns; half_squared_error of a
    (2, 1) target array gave a list of Values instead of the cost."""
    np = pytest.importorskip("numpy")
    weights = [np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], dtype=np.float32)]
    biases = [np.array([[0.5], [-0.5]])]
    model = nn.MLP.from_weights(weights, biases, "sigmoid", "sigmoid")
    assert [n.b.data for n in model.layers[0].neurons] == [0.5, -0.5]
    assert model.layers[0].neurons[0].w[1].data == float(np.float32(0.2))
    x = np.array([[1.0], [2.0], [3.0]])
    outputs = model(x)
    assert [a.data for a in outputs] == [a.data for a in model([1.0, 2.0, 3.0])]
    cost = nn.half_squared_error(outputs, np.array([[1.0], [0.0]]))
    assert isinstance(cost, Value)
    assert cost.data == nn.half_squared_error(outputs, [1.0, 0.0]).data
    with raises_naming(al.ShapeError, "set_weights", "biases[0]", "row of 2 numbers"):
        model.set_weights(weights, [np.array([[0.5, 1.0], [0.5, 1.0]])])
    model.set_weights([[[Fraction(1, 2), np.int64(3), np.float32(0.25)], [0, 1, 2]]], [[1, 2]])
    assert [p.data for p in model.layers[0].neurons[0].parameters()] == [0.5, 3.0, 0.25, 1.0]
    model.layers[0].neurons[1].set_weights(np.array([[1.0], [2.0], [3.0]]), np.array([0.5]))
    assert [p.data for p in model.layers[0].neurons[1].parameters()] == [1.0, 2.0, 3.0, 0.5]


@pytest.mark.parametrize("loss", [nn.softmax, lambda s: nn.cross_entropy(s, 0)])
@pytest.mark.parametrize("bad", [None, "a", [1.0]])
def test_softmax_and_cross_entropy_name_a_bad_score(loss, bad):
    with raises_naming(al.ArgumentTypeError, "logits[1]", "number", repr(bad)):
        loss([Value(1.0), bad])


@pytest.mark.parametrize("loss", [nn.softmax, lambda s: nn.cross_entropy(s, 0)])
def test_softmax_and_cross_entropy_say_inf_for_an_infinite_score(loss):
    with raises_naming(al.NonFiniteError, "logits[0]", "finite", "inf"):
        loss([float("inf"), Value(1.0)])


def test_cross_entropy_takes_a_numpy_integer_class_index():
    scores = [Value(1.0), Value(2.0), Value(0.5)]
    loss = nn.cross_entropy(scores, np.int64(1))
    assert loss.data == nn.cross_entropy(scores, 1).data


def test_from_weights_and_set_weights_take_numpy_matrices():
    weights = [np.array([[0.1, -0.2], [0.3, 0.4]]), np.array([[0.5, -0.6]])]
    biases = [np.array([0.01, 0.02]), np.array([0.03])]
    mlp = nn.MLP.from_weights(weights, biases)
    lists = nn.MLP.from_weights([w.tolist() for w in weights], [b.tolist() for b in biases])
    assert mlp([1.0, 2.0]).data == lists([1.0, 2.0]).data
    mlp.set_weights(weights, biases)
    assert mlp([1.0, 2.0]).data == lists([1.0, 2.0]).data


@pytest.mark.parametrize("weights", [3, None, 2.5])
def test_set_weights_with_a_number_instead_of_a_list_names_the_argument(weights):
    with raises_naming(al.ArgumentTypeError, "set_weights", "weights", repr(weights)):
        nn.Neuron(2, rng=0).set_weights(weights)
    with raises_naming(al.ArgumentTypeError, "set_weights", "weights", repr(weights)):
        nn.Layer(2, 2, rng=0).set_weights(weights)
    with raises_naming(al.ArgumentTypeError, "set_weights", "weights", repr(weights)):
        nn.MLP(2, [2, 1], rng=0).set_weights(weights)


@pytest.mark.parametrize(
    "call",
    [
        lambda bad: nn.softmax(bad),
        lambda bad: nn.cross_entropy(bad, 0),
        lambda bad: nn.squared_error(bad, [1.0]),
        lambda bad: nn.hinge_loss([Value(1.0)], bad),
    ],
)
@pytest.mark.parametrize("bad", [None, "ab", object()])
def test_a_loss_given_no_list_of_numbers_says_so(call, bad):
    with raises_naming(al.ArgumentTypeError, "Value", "number", "list"):
        call(bad)


def test_from_weights_given_one_matrix_instead_of_a_list_of_them_names_the_row():
    with raises_naming(al.ArgumentTypeError, "from_weights", "weights[0][0]", "list"):
        nn.MLP.from_weights([[1.0, 2.0], [3.0, 4.0]])


@pytest.mark.parametrize(
    "loss",
    [
        lambda s: nn.cross_entropy(s, 0),
        lambda s: nn.softmax(s)[1],
        lambda s: nn.binary_cross_entropy([x.sigmoid() for x in s], [1.0, 0.0]),
        lambda s: nn.hinge_loss(s, [1, -1]),
    ],
)
def test_a_loss_adds_no_zero_node_and_computes_each_shifted_score_once(loss):
    scores = [Value(1.0, label="s0"), Value(2.0, label="s1")]
    order = al.topological_order(loss(scores))
    assert not [n for n in order if n.op == "add" and 0.0 in n.operands]  # no 0 + term
    shifts = [n for n in order if n.op == "sub" and n.operands[0] is scores[0]]
    assert len(shifts) <= 1


def test_per_layer_activations_agree_with_the_equations_and_finite_differences():
    mlp = nn.MLP(3, [4, 3, 2], activation=["tanh", "relu"], output_activation="sigmoid", rng=4)
    derivation = al.derivations.Derivation(mlp, [0.3, -0.8, 0.5], [1.0, 0.0])
    table = derivation.compare()
    assert table.max_equations_error < 1e-12
    assert table.max_finite_difference_error < 1e-6


def test_without_torch_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now fails as if not installed
    model = nn.MLP(2, [1], rng=0)
    for call in (model.to_torch, lambda: nn.MLP.from_torch(object())):
        with raises_naming(
            al.errors.MissingDependencyError, "torch", 'pip install "autograd-lite[torch]"'
        ):
            call()
        with pytest.raises(ImportError):
            call()


@pytest.mark.parametrize(
    "action, terms",
    [
        (lambda: nn.Neuron(2, rng=0).set_weights([1.0]), ("2 weights", "1 number")),
        (
            lambda: nn.Neuron(2, bias=False, rng=0).set_weights([1.0, 2.0], bias=0.5),
            ("no bias", "bias=False"),
        ),
        (lambda: nn.Layer(2, 2, rng=0).set_weights([[1.0, 2.0]]), ("2 neurons", "1 row")),
        (lambda: nn.Layer(2, 2, rng=0).set_weights(W1, [0.1]), ("2 neurons", "1 bias")),
        (lambda: nn.MLP(2, [2, 1], rng=0).set_weights([W1]), ("2 layers", "1 matri")),
        (lambda: nn.MLP(2, [2, 1], rng=0).set_weights([W1, W2], [[0.0, 0.0]]), ("1 bias",)),
        (
            lambda: nn.MLP(2, [2, 1], rng=0).set_weights([W1, [[1.0, 2.0, 3.0]]]),
            ("W^2", "2 columns"),
        ),
    ],
    ids=[
        "neuron-weights",
        "neuron-no-bias",
        "layer-rows",
        "layer-biases",
        "mlp-matrices",
        "mlp-biases",
        "mlp-columns",
    ],
)
def test_set_weights_messages_start_with_set_weights(action, terms):
    """set_weights' messages about a wrong type start with `set_weights:`, but those about a
    wrong count did not (`this neuron has 2 weights, got 1 numbers`): every one starts so."""
    with raises_naming((al.ShapeError, al.ModelError), *terms) as caught:
        action()
    assert str(caught.value).startswith("set_weights: "), str(caught.value)


@pytest.mark.parametrize(
    "action, terms",
    [
        (lambda: nn.SGD(3.5, 0.1), ("SGD", "parameters", "float", "3.5")),
        (lambda: nn.MLP(2, 16, rng=0), ("nouts", "int", "16")),
        (lambda: nn.MLP(2, [1], activation=7, rng=0), ("activation", "int", "7")),
        (lambda: nn.cross_entropy([1.0, 2.0], 1.5), ("class_index", "float", "1.5")),
    ],
    ids=["SGD", "MLP-nouts", "activation", "cross_entropy"],
)
def test_a_wrong_type_is_named_with_its_value_shortened(action, terms):
    """A message named only the type of a wrong argument (`SGD: parameters must be a list of
    Values, got float`), or its whole repr however long: it names the type and the value,
    shortened to about 60 characters."""
    with raises_naming(al.ArgumentTypeError, *terms):
        action()


@pytest.mark.parametrize(
    "make",
    [
        lambda big: nn.SGD(big, 0.1),
        lambda big: nn.MLP(2, big, rng=0),
        lambda big: nn.MLP(2, [1], activation=big, rng=0),
        lambda big: nn.MLP(2, [1], activation="x" * 10_000, rng=0),
        lambda big: nn.cross_entropy([1.0, 2.0], big),
    ],
    ids=["SGD", "MLP-nouts", "activation", "activation-name", "cross_entropy"],
)
def test_a_huge_wrong_argument_gives_a_short_message(make):
    with pytest.raises(al.AutogradError) as caught:
        make(Fraction(10**1000, 3))  # a repr of 1000 digits
    assert len(str(caught.value)) < 400, str(caught.value)[:500]


@pytest.mark.slow  # importing torch takes seconds
def test_from_torch_names_what_it_got():
    """from_torch(a Linear) said `needs a torch.nn.Sequential, got Linear`: the type only. It
    names the module given (its repr, shortened)."""
    torch = pytest.importorskip("torch")
    with raises_naming(al.ArgumentTypeError, "from_torch", "Sequential", "in_features=2"):
        nn.MLP.from_torch(torch.nn.Linear(2, 3))
