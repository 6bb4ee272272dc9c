"""The four networks of the published derivations, with their weights, data and names.

A: the matrix form (4-5-3-2, no biases); B: the per-node form (cost without the 1/2, batch
averaged); C: the 2-2-2 sigmoid network with weights named w000 ... w111; D: the four
equations (3-4-2 sigmoid with biases). And one reference nobody here wrote: Matt Mazur's
"A Step by Step Backpropagation Example" (2015), `network_mazur()`.
"""

from __future__ import annotations

import random
from typing import Any

from ..engine import Value
from ..errors import DerivationError
from ..nn import MLP, Layer
from .equations import Derivation
from .matrices import Matrix
from .notation import Notation

__all__ = [
    "FOUR_EQUATIONS",
    "MATRIX_FORM",
    "MAZUR_BIASES",
    "MAZUR_INPUT",
    "MAZUR_LEARNING_RATE",
    "MAZUR_TARGET",
    "MAZUR_WEIGHTS",
    "NETWORK_C_INPUT",
    "NETWORK_C_NOTATION",
    "NETWORK_C_TARGET",
    "NETWORK_C_WEIGHTS",
    "NETWORK_D_BIASES",
    "NETWORK_D_INPUT",
    "NETWORK_D_TARGET",
    "NETWORK_D_WEIGHTS",
    "network_a",
    "network_b",
    "network_c",
    "network_d",
    "network_mazur",
]


#: The matrix form's names: x1 = f1(W1 x0), ..., E = 1/2 ||x3 - t||^2, entry j of x1 is x1_j.
MATRIX_FORM = Notation(
    cost="E",
    activation="x{l}_{j}",
    input="x0_{k}",
    pre_activation="(W{l} x{p})_{j}",
    target="t_{j}",
    derivative="f{l}'({z})",
    weight="W{l}_{jk}",
    delta="delta{l}_{j}",
)
#: Network C's: the cost E, each neuron's derivative written dz0/dz0s, its delta dE/dz0s.
NETWORK_C_NOTATION = Notation(cost="E", derivative="d{a}/d{z}", delta="dE/d{z}")
#: The four equations': sigma' for the activation derivative.
FOUR_EQUATIONS = Notation(derivative="sigma'({z})")


def _rounded(rng: random.Random, rows: int, columns: int) -> Matrix:
    return [[round(rng.uniform(-1, 1), 2) for _ in range(columns)] for _ in range(rows)]


def network_a(batch: bool = False) -> Derivation:
    """A, the matrix form: x1 = f1(W1 x0), x2 = f2(W2 x1), x3 = f3(W3 x2), no biases, with W1 5x4,
    W2 3x5, W3 2x3, f1 = tanh, f2 = f3 = sigmoid (f1 and f2 differ, so a slip of f2' for f1'
    shows), E = 1/2 ||x3 - t||^2 (summed over a batch of three samples with `batch=True`)."""
    rng = random.Random(1)
    weights = [_rounded(rng, 5, 4), _rounded(rng, 3, 5), _rounded(rng, 2, 3)]
    mlp = MLP.from_weights(weights, None, ["tanh", "sigmoid"], "sigmoid")
    inputs = [[0.5, -1.0, 0.25, 2.0], [1.0, 0.3, -0.7, 0.0], [-0.4, 0.8, 1.5, -1.2]]
    targets = [[0.2, 0.9], [0.7, 0.1], [0.5, 0.5]]
    return Derivation(
        mlp,
        inputs if batch else inputs[0],
        targets if batch else targets[0],
        "half_squared_error",
        "sum",
        title="A: matrix form, 4-5-3-2",
        notation=MATRIX_FORM,
    )


def network_b(batch_size: int = 4) -> Derivation:
    """B, the per-node form: 3 inputs, hidden layers of 4 and 3 tanh neurons, 2 sigmoid outputs,
    with biases; C_i = sum_j (a^L_j - y_j)^2 (no 1/2) averaged over `batch_size` samples.
    Aliases name B's example weights: "w^L_12" (L3.N1.w2) and "w^L-1_22" (L2.N2.w2)."""
    if type(batch_size) is not int or not 1 <= batch_size <= 16:
        raise DerivationError(
            f"network_b: batch_size must be an int from 1 to 16, got {batch_size!r}"
        )
    rng = random.Random(2)
    sizes = [3, 4, 3, 2]
    weights = [_rounded(rng, sizes[i + 1], sizes[i]) for i in range(3)]
    biases = [[round(rng.uniform(-0.5, 0.5), 2) for _ in range(n)] for n in sizes[1:]]
    mlp = MLP.from_weights(weights, biases, "tanh", "sigmoid")
    inputs = [[round(rng.uniform(-1, 1), 2) for _ in range(3)] for _ in range(batch_size)]
    targets = [[float(i % 2), float((i + 1) % 2)] for i in range(batch_size)]
    aliases = {"w^L_12": ("w", 3, 1, 2), "w^L-1_22": ("w", 2, 2, 2)}
    return Derivation(
        mlp, inputs, targets, "squared_error", "mean", aliases, "B: per-node form, 3-4-3-2"
    )


#: Network C's weights, w{layer}{from}{to}, and its input and targets.
NETWORK_C_WEIGHTS = {
    "w000": 0.3, "w010": -0.2, "w001": 0.5, "w011": 0.4,
    "w100": 0.7, "w110": -0.6, "w101": -0.3, "w111": 0.8,
}  # fmt: skip
NETWORK_C_INPUT = (0.6, -0.4)
NETWORK_C_TARGET = (0.9, 0.1)


def network_c() -> Derivation:
    """C: the 2-2-2 sigmoid network without biases, inputs x0, x1, hidden y0, y1, outputs z0, z1,
    E = 1/2 (z0 - z0_desired)^2 + 1/2 (z1 - z1_desired)^2. Weight w{layer}{from}{to} goes from
    neuron `from` to neuron `to` (w100: y0 -> z0). Every name is an alias: w000..w111, x0, x1,
    y0, y1, z0, z1, the pre-activations y0s, y1s, z0s, z1s and z0_desired, z1_desired."""
    w = NETWORK_C_WEIGHTS
    weights = [
        [[w["w000"], w["w010"]], [w["w001"], w["w011"]]],
        [[w["w100"], w["w110"]], [w["w101"], w["w111"]]],
    ]
    mlp = MLP.from_weights(weights, None, "sigmoid", "sigmoid")
    aliases: dict[str, tuple[Any, ...]] = {}
    for layer in (0, 1):
        for source in (0, 1):
            for to in (0, 1):
                aliases[f"w{layer}{source}{to}"] = ("w", layer + 1, to, source)
    for i in (0, 1):
        aliases[f"x{i}"] = ("x", i)
        aliases[f"y{i}"] = ("a", 1, i)
        aliases[f"y{i}s"] = ("z", 1, i)
        aliases[f"z{i}"] = ("a", 2, i)
        aliases[f"z{i}s"] = ("z", 2, i)
        aliases[f"z{i}_desired"] = ("y", i)
    return Derivation(
        mlp,
        list(NETWORK_C_INPUT),
        list(NETWORK_C_TARGET),
        "half_squared_error",
        aliases=aliases,
        title="C: the 2-2-2 sigmoid network",
        notation=NETWORK_C_NOTATION,
    )


#: Network D's weights W^1 (4x3), W^2 (2x4), biases, input and target.
NETWORK_D_WEIGHTS = (
    [[0.2, -0.4, 0.7], [0.5, 0.1, -0.3], [-0.6, 0.8, 0.2], [0.3, 0.3, -0.9]],
    [[0.6, -0.2, 0.4, 0.9], [-0.5, 0.7, 0.1, -0.3]],
)
NETWORK_D_BIASES = ([0.1, -0.2, 0.05, 0.3], [-0.1, 0.2])
NETWORK_D_INPUT = (1.0, 0.5, -0.5)
NETWORK_D_TARGET = (1.0, 0.0)


def network_d() -> Derivation:
    """D, the four equations: a 3-4-2 sigmoid network with biases, C = 1/2 sum_j (y_j - a^L_j)^2."""
    mlp = MLP.from_weights(NETWORK_D_WEIGHTS, NETWORK_D_BIASES, "sigmoid", "sigmoid")
    return Derivation(
        mlp,
        list(NETWORK_D_INPUT),
        list(NETWORK_D_TARGET),
        "half_squared_error",
        title="D: the four equations, 3-4-2",
        notation=FOUR_EQUATIONS,
    )


#: Mazur's weights w1 ... w8 as W^1 (inputs i1, i2 -> h1, h2) and W^2 (h1, h2 -> o1, o2).
MAZUR_WEIGHTS = ([[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]])
#: Mazur's two biases: b1, shared by both hidden neurons, and b2, shared by both outputs.
MAZUR_BIASES = (0.35, 0.60)
MAZUR_INPUT = (0.05, 0.10)
MAZUR_TARGET = (0.01, 0.99)
#: His learning rate (eta); his updates move w1 ... w8 and leave b1 and b2 as they are.
MAZUR_LEARNING_RATE = 0.5


def network_mazur() -> Derivation:
    """Matt Mazur's worked example: inputs i1, i2 = 0.05, 0.10, hidden h1, h2 and outputs o1,
    o2 (all sigmoid), targets 0.01, 0.99, E_total = sum 1/2 (target - out)^2 = 0.298371109.

    Weights are labelled as in his post (w1 = i1 -> h1, w2 = i2 -> h1, w3 = i1 -> h2,
    w4 = i2 -> h2, w5 ... w8 likewise from h1, h2 to o1, o2). The bias b1 is one Value shared
    by h1 and h2, b2 one shared by o1 and o2: each gradient is the sum over its uses.
    Aliases give his other names: i1, i2, net_h1, out_h1 (also h1), ..., out_o1 (also o1),
    target_o1, target_o2.

    One update with his learning rate 0.5, on the weights only as he does
    (`SGD([d.parameter(f"w{i}") for i in range(1, 9)], MAZUR_LEARNING_RATE)`), gives his
    new weights to every printed digit (w5 = 0.35891648, w1 = 0.149780716). Two of his
    printed numbers are not reproducible exactly: E_total after that update is 0.291027774
    (he prints 0.291027924), and his "after 10,000 rounds" error 0.0000351085 is the error
    after 9,999 updates (the one measured at the start of round 10,000, before its update;
    after 10,000 updates it is 0.0000351019).
    """
    b1, b2 = Value(MAZUR_BIASES[0], "b1"), Value(MAZUR_BIASES[1], "b2")
    hidden = Layer(2, 2, "sigmoid", bias=b1, rng=0, name="L1")
    output = Layer(2, 2, "sigmoid", bias=b2, rng=0, name="L2")
    mlp = MLP.from_layers([hidden, output])
    mlp.set_weights(MAZUR_WEIGHTS)
    aliases: dict[str, tuple[Any, ...]] = {}
    for layer, outputs in enumerate("ho", start=1):
        for j in (0, 1):
            for k in (0, 1):
                number = 4 * (layer - 1) + 2 * j + k + 1
                mlp.layers[layer - 1].neurons[j].w[k].label = f"w{number}"
                aliases[f"w{number}"] = ("w", layer, j, k)
            aliases[f"net_{outputs}{j + 1}"] = ("z", layer, j)
            aliases[f"out_{outputs}{j + 1}"] = ("a", layer, j)
            aliases[f"{outputs}{j + 1}"] = ("a", layer, j)
        aliases[f"b{layer}"] = ("b", layer, 0)
    for j in (0, 1):
        aliases[f"i{j + 1}"] = ("x", j)
        aliases[f"target_o{j + 1}"] = ("y", j)
    return Derivation(
        mlp,
        list(MAZUR_INPUT),
        list(MAZUR_TARGET),
        "half_squared_error",
        aliases=aliases,
        title="Mazur's step-by-step example, 2-2-2",
        notation=Notation(cost="E_total"),
    )
