"""Graduating to PyTorch: MLP.to_torch and MLP.from_torch carry the same network both ways, with
bit-exact weights, and the two engines then agree on outputs and gradients."""

from __future__ import annotations

import itertools
import random
import sys

import pytest

import autograd_lite as al
from autograd_lite import nn


@pytest.fixture
def torch():
    return pytest.importorskip(
        "torch", reason='PyTorch is not installed: pip install "autograd-lite[torch]"'
    )


def parameters_by_layer(mlp):
    """Each layer's (weights, biases or None) as plain floats."""
    return [
        (
            [[w.data for w in n.w] for n in layer.neurons],
            [n.b.data for n in layer.neurons] if layer.neurons[0].b is not None else None,
        )
        for layer in mlp.layers
    ]


def linear_layers(sequential, torch):
    return [m for m in sequential if isinstance(m, torch.nn.Linear)]


CASES = [
    (hidden, output, bias)
    for hidden, output in itertools.product(nn.ACTIVATIONS, repeat=2)
    for bias in (True, False)
]


@pytest.mark.parametrize(("activation", "output_activation", "bias"), CASES)
def test_round_trip_keeps_every_weight_and_both_engines_agree(
    torch, activation, output_activation, bias
):
    model = nn.MLP(3, [5, 4, 2], activation, output_activation, bias=bias, rng=7)
    sequential = model.to_torch()

    # The same weights, bit for bit, in float64 Linear layers; the activations as modules.
    layers = linear_layers(sequential, torch)
    assert [p.dtype for p in sequential.parameters()] == [torch.float64] * len(
        list(sequential.parameters())
    )
    assert [
        (linear.weight.tolist(), None if linear.bias is None else linear.bias.tolist())
        for linear in layers
    ] == parameters_by_layer(model)
    modules = [type(m).__name__ for m in sequential]
    expected = []
    for layer_activation in (activation, activation, output_activation):
        expected.append("Linear")
        if layer_activation != "linear":
            expected.append(nn.TORCH_ACTIVATIONS[layer_activation])
    assert modules == expected

    back = nn.MLP.from_torch(sequential)
    assert parameters_by_layer(back) == parameters_by_layer(model)
    assert repr(back) == repr(model)
    assert [n.activation for layer in back.layers for n in layer.neurons] == [
        n.activation for layer in model.layers for n in layer.neurons
    ]

    # Equal outputs and gradients (weights and inputs) of one loss in both engines.
    rng = random.Random(3)
    inputs = [rng.uniform(-2, 2) for _ in range(3)]
    targets = [0.25, -0.5]
    x = [al.Value(v, f"x{i}") for i, v in enumerate(inputs)]
    outputs = model(x)
    loss = nn.squared_error(outputs, targets)
    loss.backward()
    x_torch = torch.tensor(inputs, dtype=torch.float64, requires_grad=True)
    outputs_torch = sequential(x_torch)
    loss_torch = ((outputs_torch - torch.tensor(targets, dtype=torch.float64)) ** 2).sum()
    loss_torch.backward()
    assert [a.data for a in outputs] == pytest.approx(outputs_torch.tolist(), rel=1e-13, abs=1e-15)
    assert loss.data == pytest.approx(loss_torch.item(), rel=1e-13, abs=1e-15)
    assert [v.grad for v in x] == pytest.approx(x_torch.grad.tolist(), rel=1e-12, abs=1e-14)
    torch_grads = [
        (linear.weight.grad.tolist(), None if linear.bias is None else linear.bias.grad.tolist())
        for linear in layers
    ]
    for (w_grads, b_grads), layer in zip(torch_grads, model.layers):
        for row, neuron in zip(w_grads, layer.neurons):
            assert [w.grad for w in neuron.w] == pytest.approx(row, rel=1e-12, abs=1e-14)
        if b_grads is not None:
            ours = [n.b.grad for n in layer.neurons]
            assert ours == pytest.approx(b_grads, rel=1e-12, abs=1e-14)
    # The network carried back computes exactly what the original does (same engine, same weights).
    assert [a.data for a in back(inputs)] == [a.data for a in model(inputs)]


def test_a_network_built_in_torch_comes_over_with_its_float32_weights_exact(torch):
    torch.manual_seed(0)
    built = torch.nn.Sequential(
        torch.nn.Linear(2, 8),
        torch.nn.Tanh(),
        torch.nn.Linear(8, 8),
        torch.nn.Tanh(),
        torch.nn.Linear(8, 1),
        torch.nn.Sigmoid(),
    )
    model = nn.MLP.from_torch(built)
    assert (
        repr(model) == "MLP(nin=2, nouts=[8, 8, 1], activation='tanh', output_activation='sigmoid')"
    )
    again = model.to_torch()
    for original, copy in zip(built.parameters(), again.parameters()):
        assert torch.equal(original.detach().double(), copy.detach())
    x = [0.3, -1.2]
    assert model(x).data == pytest.approx(built(torch.tensor(x)).item(), rel=1e-6)  # float32


def test_each_hidden_layer_keeps_its_own_activation(torch):
    model = nn.MLP(2, [4, 3, 3, 1], activation=["tanh", "relu", "linear"], rng=2)
    sequential = model.to_torch()
    assert [type(m).__name__ for m in sequential] == [
        "Linear",
        "Tanh",
        "Linear",
        "ReLU",
        "Linear",
        "Linear",
    ]
    back = nn.MLP.from_torch(sequential)
    assert repr(back) == repr(model)
    assert "activation=['tanh', 'relu', 'linear']" in repr(back)
    assert parameters_by_layer(back) == parameters_by_layer(model)
    x = [0.7, -0.2]
    assert back(x).data == model(x).data
    assert model(x).data == pytest.approx(sequential(torch.tensor(x, dtype=torch.float64)).item())


def test_a_single_layer_and_a_linear_hidden_layer(torch):
    single = nn.MLP(4, [3], output_activation="relu", bias=False, rng=1)
    assert [type(m).__name__ for m in single.to_torch()] == ["Linear", "ReLU"]
    assert parameters_by_layer(nn.MLP.from_torch(single.to_torch())) == parameters_by_layer(single)
    stacked = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(3, 1))
    assert repr(nn.MLP.from_torch(stacked)) == (
        "MLP(nin=2, nouts=[3, 1], activation='linear', output_activation='linear')"
    )


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (
            lambda t: t.nn.Linear(2, 1),
            al.ArgumentTypeError,
            "needs a torch.nn.Sequential, got Linear",
        ),
        (lambda t: t.nn.Sequential(), al.ModelError, "has no Linear layer"),
        (
            lambda t: t.nn.Sequential(t.nn.Linear(2, 3), t.nn.Dropout(0.1), t.nn.Linear(3, 1)),
            al.ModelError,
            r"module 1 \(Dropout\(p=0.1, inplace=False\)\) has no autograd_lite equivalent",
        ),
        (
            lambda t: t.nn.Sequential(t.nn.Tanh(), t.nn.Linear(2, 1)),
            al.ModelError,
            "module 0 .* followed by at most one of Tanh, ReLU, Sigmoid",
        ),
        (
            lambda t: t.nn.Sequential(t.nn.Linear(2, 3), t.nn.Tanh(), t.nn.Tanh()),
            al.ModelError,
            "module 2",
        ),
        (
            lambda t: t.nn.Sequential(t.nn.Linear(2, 3), t.nn.Softmax(dim=0)),
            al.ModelError,
            r"module 1 \(Softmax",
        ),
        (
            lambda t: t.nn.Sequential(t.nn.Linear(2, 3), t.nn.Linear(3, 1, bias=False)),
            al.ModelError,
            "some Linear layers have a bias and some not",
        ),
        (
            lambda t: t.nn.Sequential(t.nn.Linear(2, 3), t.nn.Linear(4, 1)),
            al.ShapeError,
            "Linear layer 1 has 3 outputs but layer 2 takes 4 inputs",
        ),
    ],
)
def test_from_torch_names_what_it_cannot_carry_over(torch, build, error, message):
    with pytest.raises(error, match=message):
        nn.MLP.from_torch(build(torch))


def test_without_torch_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now fails as if not installed
    model = nn.MLP(2, [1], rng=0)
    for call in (model.to_torch, lambda: nn.MLP.from_torch(object())):
        with pytest.raises(
            al.errors.MissingDependencyError, match=r'pip install "autograd-lite\[torch\]"'
        ):
            call()
        with pytest.raises(ImportError):
            call()
