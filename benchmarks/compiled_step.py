"""A compiled training step beside the hand-written plain-float one.

The workload of the speed benchmark: one full-batch step of MLP(2, [16, 16, 1]) with relu
hidden layers over 100 two-moons points, squared-error loss, forward and backward. It is timed
three ways, after checking that all three give the same loss and gradients:

1. plain floats: the forward and the hand-derived backward written as loops;
2. `compile_graph` on the graph `nn.MLP` and `nn.mean_squared_error` record (dot nodes);
3. `compile_graph` on the same network built from `*` and `+` only.

Run: python benchmarks/compiled_step.py [repetitions]
"""

from __future__ import annotations

import math
import statistics
import sys
import time
from collections.abc import Callable, Sequence

from autograd_lite import Value, make_moons, nn, relu
from autograd_lite.codegen import CompiledGraph, compile_graph

Matrix = list[list[float]]


def moons_problem(seed: int = 0) -> tuple[nn.MLP, list[list[float]], list[float]]:
    """The benchmark's network and data: 100 two-moons points with targets -1 and +1."""
    points, classes = make_moons(100, noise=0.1, seed=seed)
    model = nn.MLP(2, [16, 16, 1], activation="relu", rng=seed)
    return model, points, [2.0 * c - 1.0 for c in classes]


def compile_training_step(
    model: nn.MLP, points: Sequence[Sequence[float]], targets: Sequence[float]
) -> tuple[CompiledGraph, list[float]]:
    """Record the step once through `nn`, compile it; return it and the data values to pass.

    The parameters are the inputs (with gradients) and the points the data, so
    `compiled([p.data for p in model.parameters()], data_values)` is one training step.
    """
    leaves = [
        [Value(x, f"p{i}.x{k}") for k, x in enumerate(point)] for i, point in enumerate(points)
    ]
    loss = nn.mean_squared_error([model(point) for point in leaves], list(targets))
    loss.label = "L"
    data = [x for point in leaves for x in point]
    return compile_graph(loss, model.parameters(), data), [x.data for x in data]


def compile_arithmetic_step(
    layers: list[tuple[Matrix, list[float]]],
    points: Sequence[Sequence[float]],
    targets: Sequence[float],
) -> tuple[CompiledGraph, list[float]]:
    """The same step recorded from `Value` arithmetic only (`*`, `+`, relu), then compiled."""
    parameters = []
    value_layers = []
    for weights, biases in layers:
        w = [[Value(x) for x in row] for row in weights]
        b = [Value(x) for x in biases]
        parameters += [x for row in w for x in row] + b
        value_layers.append((w, b))
    leaves = [[Value(x) for x in point] for point in points]
    loss = 0.0
    for point, y in zip(leaves, targets):
        a = point
        for depth, (w, b) in enumerate(value_layers):
            z = [sum((wk * ak for wk, ak in zip(row, a)), bj) for row, bj in zip(w, b)]
            a = z if depth == len(value_layers) - 1 else [relu(zj) for zj in z]
        loss = loss + (a[0] - y) ** 2
    loss = loss / len(points)
    data = [x for point in leaves for x in point]
    return compile_graph(loss, parameters, data), [x.data for x in data]


def plain_float_step(
    layers: list[tuple[Matrix, list[float]]],
    points: Sequence[Sequence[float]],
    targets: Sequence[float],
) -> tuple[float, list[tuple[Matrix, list[float]]]]:
    """Forward and hand-derived backward with plain floats: the floor.

    z^l = W^l a^(l-1) + b^l, a^l = relu(z^l) (the last layer linear), L = mean (a - y)^2;
    dL/dz^l_j = dL/da^l_j relu'(z^l_j), dL/dW^l_jk += dL/dz^l_j a^(l-1)_k,
    dL/da^(l-1)_k = sum_j W^l_jk dL/dz^l_j.
    """
    gradients = [([[0.0] * len(row) for row in w], [0.0] * len(b)) for w, b in layers]
    last = len(layers) - 1
    loss = 0.0
    scale = 2.0 / len(points)
    for point, y in zip(points, targets):
        activations = [list(point)]
        sums = []
        for depth, (w, b) in enumerate(layers):
            a = activations[-1]
            z = [sum(wk * ak for wk, ak in zip(row, a)) + bj for row, bj in zip(w, b)]
            sums.append(z)
            activations.append(z if depth == last else [zj if zj > 0 else 0.0 for zj in z])
        error = activations[-1][0] - y
        loss += error * error
        upstream = [scale * error]
        for depth in range(last, -1, -1):
            w = layers[depth][0]
            gw, gb = gradients[depth]
            z, a = sums[depth], activations[depth]
            if depth != last:
                upstream = [g if zj > 0 else 0.0 for g, zj in zip(upstream, z)]
            below = [0.0] * len(a)
            for j, g in enumerate(upstream):
                gb[j] += g
                row, grow = w[j], gw[j]
                for k, ak in enumerate(a):
                    grow[k] += g * ak
                    below[k] += g * row[k]
            upstream = below
    return loss / len(points), gradients


def layers_of(model: nn.MLP) -> list[tuple[Matrix, list[float]]]:
    """The model's parameters as (W, b) per layer, in `model.parameters()` order."""
    return [
        ([[w.data for w in n.w] for n in layer.neurons], [n.b.data for n in layer.neurons])
        for layer in model.layers
    ]


def flatten(layers: list[tuple[Matrix, list[float]]], per_neuron: bool) -> list[float]:
    """Parameters in `nn` order (per neuron: weights then bias) or arithmetic order (W, b)."""
    if per_neuron:
        return [x for w, b in layers for row, bj in zip(w, b) for x in (*row, bj)]
    return [x for w, b in layers for x in (*(v for row in w for v in row), *b)]


def median_seconds(run: Callable[[], object], repetitions: int) -> float:
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(repetitions: int = 21) -> dict[str, float]:
    model, points, targets = moons_problem()
    layers = layers_of(model)
    start = time.perf_counter()
    via_nn, nn_data = compile_training_step(model, points, targets)
    nn_compile = time.perf_counter() - start
    start = time.perf_counter()
    via_arithmetic, arithmetic_data = compile_arithmetic_step(layers, points, targets)
    arithmetic_compile = time.perf_counter() - start

    nn_values, arithmetic_values = flatten(layers, True), flatten(layers, False)
    loss, gradients = plain_float_step(layers, points, targets)
    for compiled, values, data, per_neuron in (
        (via_nn, nn_values, nn_data, True),
        (via_arithmetic, arithmetic_values, arithmetic_data, False),
    ):
        compiled_loss, compiled_gradients = compiled(values, data)
        expected = flatten(gradients, per_neuron)
        assert math.isclose(compiled_loss, loss, rel_tol=1e-12), (compiled_loss, loss)
        assert all(
            math.isclose(g, e, rel_tol=1e-9, abs_tol=1e-12)
            for g, e in zip(compiled_gradients, expected)
        )

    timings = {}
    runs = {
        "plain floats": lambda: plain_float_step(layers, points, targets),
        "compiled (nn graph)": lambda: via_nn(nn_values, nn_data),
        "compiled (arithmetic graph)": lambda: via_arithmetic(arithmetic_values, arithmetic_data),
    }
    for _ in range(3):  # alternate, so that no engine gets a quieter stretch of the machine
        for name, run in runs.items():
            timings.setdefault(name, []).append(median_seconds(run, repetitions))
    figures = {name: min(times) for name, times in timings.items()}
    floor = figures["plain floats"]
    print(f"compile time: nn graph {nn_compile:.2f} s, arithmetic graph {arithmetic_compile:.2f} s")
    for name, seconds in figures.items():
        print(f"{name:28s} {seconds * 1e3:8.2f} ms  {seconds / floor:5.2f}x plain floats")
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 21)
