"""Three references nobody here wrote, reproduced: Matt Mazur's "A Step by Step
Backpropagation Example" (2015) from the `network_mazur()` preset, and the `backprop` of
Michael Nielsen's network.py (his algorithm written out below with NumPy) on a [3, 4, 2]
network loaded in his layout."""

from __future__ import annotations

import pytest

from autograd_lite import nn
from autograd_lite.derivations import MAZUR_LEARNING_RATE, network_mazur


def mazur_weights(d):
    return [d.parameter(f"w{i}") for i in range(1, 9)]


def test_mazur_forward_pass_to_his_printed_digits():
    d = network_mazur()
    q = d.quantities()
    assert q["net_h1"] == pytest.approx(0.3775, abs=5e-11)
    assert (q["out_h1"], q["out_h2"]) == pytest.approx((0.593269992, 0.596884378), abs=5e-10)
    assert (q["out_o1"], q["out_o2"]) == pytest.approx((0.75136507, 0.772928465), abs=5e-9)
    assert d.engine_cost().data == pytest.approx(0.298371109, abs=5e-10)
    assert d.mlp.layers[0].neurons[0].b is d.mlp.layers[0].neurons[1].b  # b1 shared
    assert len(d.parameters()) == 10  # w1 ... w8, b1, b2


def test_mazur_first_update_reproduces_every_new_weight():
    d = network_mazur()
    cost = d.engine_cost()
    cost.backward()
    assert d.parameter("w5").grad == pytest.approx(0.082167041, abs=5e-10)
    nn.SGD(mazur_weights(d), MAZUR_LEARNING_RATE).step()
    printed = [0.149780716, 0.19956143, 0.24975114, 0.29950229]
    printed += [0.35891648, 0.408666186, 0.511301270, 0.561370121]
    for w, number in zip(mazur_weights(d), printed):
        digits = len(repr(number).split(".")[1])
        assert w.data == pytest.approx(number, abs=0.5 * 10**-digits), w.label
    assert (d.parameter("b1").data, d.parameter("b2").data) == (0.35, 0.60)  # he keeps them
    after = network_mazur()
    after.mlp.set_weights(
        [[[w.data for w in n.w] for n in layer.neurons] for layer in d.mlp.layers]
    )
    # He prints 0.291027924; the exact error after his update is 0.291027774 (the preset's note).
    assert after.engine_cost().data == pytest.approx(0.291027774, abs=5e-10)


@pytest.mark.slow
def test_mazur_ten_thousand_rounds():
    """His 0.0000351085 "after 10,000 rounds" is the error at the start of round 10,000."""
    d = network_mazur()
    optimizer = nn.SGD(mazur_weights(d), MAZUR_LEARNING_RATE)
    x, y = [0.05, 0.10], [0.01, 0.99]
    for _ in range(9_999):
        optimizer.zero_grad()
        nn.half_squared_error(d.mlp(x), y).backward()
        optimizer.step()
    assert nn.half_squared_error(d.mlp(x), y).data == pytest.approx(0.0000351085, abs=5e-11)


def nielsen_backprop(weights, biases, x, y):
    """network.py's Network.backprop, as he writes it (sigmoid layers, cost_derivative a - y)."""
    np = pytest.importorskip("numpy")

    def sigmoid(z):
        return 1.0 / (1.0 + np.exp(-z))

    def sigmoid_prime(z):
        return sigmoid(z) * (1 - sigmoid(z))

    nabla_b = [np.zeros(b.shape) for b in biases]
    nabla_w = [np.zeros(w.shape) for w in weights]
    activation = x
    activations = [x]
    zs = []
    for b, w in zip(biases, weights):
        z = np.dot(w, activation) + b
        zs.append(z)
        activation = sigmoid(z)
        activations.append(activation)
    delta = (activations[-1] - y) * sigmoid_prime(zs[-1])
    nabla_b[-1] = delta
    nabla_w[-1] = np.dot(delta, activations[-2].transpose())
    for layer in range(2, len(weights) + 1):
        delta = np.dot(weights[-layer + 1].transpose(), delta) * sigmoid_prime(zs[-layer])
        nabla_b[-layer] = delta
        nabla_w[-layer] = np.dot(delta, activations[-layer - 1].transpose())
    return nabla_b, nabla_w


def test_nielsen_backprop_on_his_layout():
    """Weights (n_out, n_in) arrays and (n, 1) bias columns load directly; his quadratic cost
    (cost_derivative = a - y) is half_squared_error."""
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(3)
    sizes = [3, 4, 2]
    biases = [rng.standard_normal((n, 1)) for n in sizes[1:]]
    weights = [rng.standard_normal((n, m)) for m, n in zip(sizes[:-1], sizes[1:])]
    x, y = rng.standard_normal((3, 1)), np.array([[0.0], [1.0]])
    nabla_b, nabla_w = nielsen_backprop(weights, biases, x, y)

    model = nn.MLP.from_weights(weights, biases, "sigmoid", "sigmoid")
    nn.half_squared_error(model(x), y).backward()
    for layer, gw, gb in zip(model.layers, nabla_w, nabla_b):
        ours_w = np.array([[w.grad for w in n.w] for n in layer.neurons])
        ours_b = np.array([[n.b.grad] for n in layer.neurons])
        assert ours_w == pytest.approx(gw, rel=1e-12, abs=1e-16)
        assert ours_b == pytest.approx(gb, rel=1e-12, abs=1e-16)
    assert abs(nabla_w[0]).max() > 1e-3  # a real gradient, not zeros on both sides
