"""autograd_lite against PyTorch (float64): random expression graphs and MLP gradients.

Skipped when torch is not installed (`pip install torch`; .ci/run installs it).
"""

import operator
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as al
from autograd_lite import AutogradError, Value, nn

torch = pytest.importorskip(
    "torch", reason="PyTorch is not installed: pip install torch to compare with it"
)


def tensor(x, requires_grad=False):
    return torch.tensor(x, dtype=torch.float64, requires_grad=requires_grad)


def close(ours, theirs, scale=1.0):
    return ours == pytest.approx(theirs, rel=1e-7, abs=1e-9 * max(1.0, scale))


# ---------------------------------------------------------------------------
# Random expression graphs: the same expression built in both libraries

# name: (autograd_lite, torch, whether the input is in the operation's domain, away from kinks)
UNARY = {
    "neg": (operator.neg, operator.neg, lambda x: True),
    "exp": (al.exp, torch.exp, lambda x: x < 20),
    "exp-method": (lambda v: v.exp(), torch.exp, lambda x: x < 20),
    "log": (al.log, torch.log, lambda x: x > 0.05),
    "tanh": (al.tanh, torch.tanh, lambda x: True),
    "sigmoid": (al.sigmoid, torch.sigmoid, lambda x: True),
    "relu": (al.relu, torch.relu, lambda x: abs(x) > 1e-6),
    "sqrt": (al.sqrt, torch.sqrt, lambda x: x > 0.05),
    "abs": (abs, torch.abs, lambda x: abs(x) > 1e-6),
    "square": (lambda v: v**2, lambda t: t**2, lambda x: True),
    "cube": (lambda v: v**3, lambda t: t**3, lambda x: True),
    "reciprocal-power": (lambda v: v**-1, lambda t: t**-1, lambda x: abs(x) > 0.1),
    "root-power": (lambda v: v**0.5, lambda t: t**0.5, lambda x: x > 0.05),
    "two-to-the": (lambda v: 2**v, lambda t: 2**t, lambda x: x < 20),
}

# name: (operator, whether (a, b) is in the domain)
BINARY = {
    "+": (operator.add, lambda a, b: True),
    "-": (operator.sub, lambda a, b: True),
    "*": (operator.mul, lambda a, b: True),
    "/": (operator.truediv, lambda a, b: abs(b) > 0.1),
    "**": (operator.pow, lambda a, b: a > 0.05 and abs(b) < 3),
}

small = st.builds(operator.mul, st.floats(1e-3, 2), st.sampled_from([-1.0, 1.0]))


def data_of(x):
    return x.data if type(x) is Value else x


@given(data=st.data())
def test_random_expression_graphs_match_torch(data):
    n_leaves = data.draw(st.integers(2, 4), label="leaves")
    start = [data.draw(small, label=f"x{i}") for i in range(n_leaves)]
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(start)]
    torch_leaves = [tensor(x, requires_grad=True) for x in start]
    ours, theirs = list(leaves), list(torch_leaves)  # the pool operands are drawn from
    for step in range(data.draw(st.integers(1, 12), label="operations")):
        pick = st.integers(0, len(ours) - 1)
        if data.draw(st.booleans(), label=f"unary {step}"):
            name = data.draw(st.sampled_from(sorted(UNARY)), label=f"op {step}")
            ours_op, torch_op, in_domain = UNARY[name]
            i = data.draw(pick)
            if not in_domain(ours[i].data):
                continue
            a, b = ours_op(ours[i]), torch_op(theirs[i])
        else:
            name = data.draw(st.sampled_from(sorted(BINARY)), label=f"op {step}")
            op, in_domain = BINARY[name]
            form = data.draw(st.sampled_from(["both", "number right", "number left"]))
            i, j = data.draw(pick), data.draw(pick)  # i == j reuses one node on both sides
            left, right = (ours[i], theirs[i]), (ours[j], theirs[j])
            if form != "both":
                number = data.draw(small, label="number")
                if form == "number right":
                    right = (number, number)
                else:
                    left = (number, number)
            if not in_domain(data_of(left[0]), data_of(right[0])):
                continue
            try:
                a = op(left[0], right[0])
            except AutogradError:
                continue
            b = op(left[1], right[1])
        if abs(a.data) > 1e4:
            continue
        ours.append(a)
        theirs.append(b)
    # Every node made feeds the output, so intermediate nodes are reused too.
    out = sum(ours[n_leaves:]) + ours[-1] if len(ours) > n_leaves else ours[0] * ours[1]
    torch_out = (
        sum(theirs[n_leaves:]) + theirs[-1] if len(ours) > n_leaves else theirs[0] * theirs[1]
    )
    scale = max(abs(v.data) for v in ours)
    assert close(out.data, torch_out.item(), scale)
    out.backward()
    torch_out.backward()
    grads = [t.grad.item() if t.grad is not None else 0.0 for t in torch_leaves]
    grad_scale = max(scale, *map(abs, grads))
    for leaf, expected in zip(leaves, grads):
        assert close(leaf.grad, expected, grad_scale), leaf.label


# ---------------------------------------------------------------------------
# An MLP against the same network in torch

TORCH_ACTIVATIONS = {
    "tanh": torch.tanh,
    "relu": torch.relu,
    "sigmoid": torch.sigmoid,
    "linear": lambda z: z,
}


def torch_copy(model):
    """Each layer's W (row j = the weights into neuron j) and b as leaf tensors."""
    layers = []
    for layer in model.layers:
        weights = tensor([[w.data for w in n.w] for n in layer.neurons], requires_grad=True)
        has_bias = layer.neurons[0].b is not None
        bias = tensor([n.b.data for n in layer.neurons], requires_grad=True) if has_bias else None
        layers.append((weights, bias, TORCH_ACTIVATIONS[layer.neurons[0].activation]))
    return layers


def torch_forward(layers, x):
    for weights, bias, g in layers:
        z = weights @ x
        x = g(z + bias if bias is not None else z)
    return x


# loss: (output activation, outputs, batch size, targets for a sample, ours, torch)
LOSSES = {
    "half_squared_error": (
        "linear",
        2,
        1,
        lambda rng: [rng.uniform(-1, 1), rng.uniform(-1, 1)],
        lambda a, y: nn.half_squared_error(a[0], y[0]),
        lambda a, y: 0.5 * ((a[0] - y[0]) ** 2).sum(),
    ),
    "squared_error": (
        "tanh",
        2,
        1,
        lambda rng: [rng.uniform(-1, 1), rng.uniform(-1, 1)],
        lambda a, y: nn.squared_error(a[0], y[0]),
        lambda a, y: ((a[0] - y[0]) ** 2).sum(),
    ),
    "mean_squared_error": (
        "linear",
        2,
        4,
        lambda rng: [rng.uniform(-1, 1), rng.uniform(-1, 1)],
        nn.mean_squared_error,
        lambda a, y: ((a - y) ** 2).sum(dim=1).mean(),
    ),
    "mean_squared_error-one-output": (
        "linear",
        1,
        4,
        lambda rng: [rng.uniform(-1, 1)],
        lambda a, y: nn.mean_squared_error([s[0] for s in a], [t[0] for t in y]),
        lambda a, y: torch.nn.functional.mse_loss(a, y),
    ),
    "binary_cross_entropy": (
        "sigmoid",
        1,
        4,
        lambda rng: [rng.choice([0.0, 1.0, rng.random()])],
        lambda a, y: nn.binary_cross_entropy([s[0] for s in a], [t[0] for t in y]),
        lambda a, y: torch.nn.functional.binary_cross_entropy(a, y),
    ),
    "hinge_loss": (
        "linear",
        1,
        4,
        lambda rng: [rng.choice([-1, 1])],
        lambda a, y: nn.hinge_loss([s[0] for s in a], [t[0] for t in y]),
        lambda a, y: torch.relu(1 - y * a).mean(),
    ),
}


@pytest.mark.parametrize("loss_name", sorted(LOSSES))
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no-bias"])
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "linear"])
def test_mlp_gradients_match_torch(activation, bias, loss_name):
    output_activation, n_out, batch, target, our_loss, torch_loss = LOSSES[loss_name]
    rng = random.Random(f"{activation} {bias} {loss_name}")
    model = nn.MLP(3, [4, 3, n_out], activation, output_activation, bias=bias, rng=rng)
    samples = [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(batch)]
    targets = [target(rng) for _ in range(batch)]
    inputs = [[Value(x, label=f"x{i}.{k}") for k, x in enumerate(s)] for i, s in enumerate(samples)]
    torch_inputs = tensor(samples, requires_grad=True)
    torch_layers = torch_copy(model)

    loss = our_loss([model.forward(x) for x in inputs], targets)
    outputs = torch.stack([torch_forward(torch_layers, x) for x in torch_inputs])
    expected = torch_loss(outputs, tensor(targets))
    assert close(loss.data, expected.item())

    loss.backward()
    expected.backward()
    for layer, (weights, bias_tensor, _) in zip(model.layers, torch_layers):
        for j, neuron in enumerate(layer.neurons):
            for k, w in enumerate(neuron.w):
                assert close(w.grad, weights.grad[j, k].item()), w.label
            if bias:
                assert close(neuron.b.grad, bias_tensor.grad[j].item()), neuron.b.label
    for sample, grads in zip(inputs, torch_inputs.grad):
        for x, expected_grad in zip(sample, grads):
            assert close(x.grad, expected_grad.item()), x.label


def test_sgd_weight_decay_matches_torch_optim_sgd():
    """SGD(weight_decay=lam) is PyTorch's SGD with the same weight_decay, step for step."""
    model = nn.MLP(3, [4, 2], rng=7)
    net = model.to_torch()
    ours = nn.SGD(model.parameters(), 0.2, weight_decay=0.05)
    theirs = torch.optim.SGD(net.parameters(), lr=0.2, weight_decay=0.05)
    x, y = [0.3, -0.2, 0.9], [1.0, 0.0]
    for _ in range(3):
        ours.zero_grad()
        nn.half_squared_error(model(x), y).backward()
        ours.step()
        theirs.zero_grad()
        out = net(torch.tensor(x, dtype=torch.float64))
        (0.5 * ((out - torch.tensor(y, dtype=torch.float64)) ** 2).sum()).backward()
        theirs.step()
    back = nn.MLP.from_torch(net)
    assert [p.data for p in model.parameters()] == pytest.approx(
        [p.data for p in back.parameters()], rel=1e-13
    )
