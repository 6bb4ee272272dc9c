"""The demo: train an MLP on two moons, then draw one neuron's graph with its gradients."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from .datasets import make_moons
from .drawing import save
from .engine import Value
from .errors import RendererNotFoundError
from .nn import MLP, SGD, Neuron, hinge_loss


def train_moons(
    steps: int = 100, seed: int = 0, report: Callable[[str], None] = print
) -> tuple[float, float]:
    """Train MLP(2, [16, 16, 1]) with relu on 100 two-moons points; return (loss, accuracy).

    The loss is micrograd's: the mean hinge loss plus 1e-4 times the sum of squared weights.
    """
    points, classes = make_moons(100, noise=0.1, seed=seed)
    labels = [2 * c - 1 for c in classes]
    model = MLP(2, [16, 16, 1], activation="relu", rng=seed)
    parameters = model.parameters()
    optimizer = SGD(parameters, lr=1.0)
    report(f"training {model} on {len(points)} two-moons points, {len(parameters)} parameters")
    for step in range(1, steps + 1):
        scores = [model(point) for point in points]
        loss = hinge_loss(scores, labels) + 1e-4 * sum(p * p for p in parameters)
        accuracy = sum((s.data > 0) == (y > 0) for s, y in zip(scores, labels)) / len(labels)
        model.zero_grad()
        loss.backward()
        optimizer.lr = 1.0 - 0.9 * step / steps
        optimizer.step()
        if step % 10 == 0 or step == 1:
            report(f"step {step:3d}/{steps}  loss {loss.data:.4f}  accuracy {accuracy:.0%}")
    return loss.data, accuracy


def draw_neuron(path: Path, seed: int = 0) -> Path:
    """One tanh neuron on two labelled inputs, after backward, drawn to `path` (.svg)."""
    neuron = Neuron(2, activation="tanh", rng=seed)
    a = neuron([Value(2.0, "x0"), Value(-1.0, "x1")])
    a.backward()
    return save(a, path)


def main(output: str = "neuron.svg", steps: int = 100, seed: int = 0) -> int:
    """Train (`train_moons`), then draw a neuron to `output`; 0, or 1 with no renderer."""
    start = time.perf_counter()
    loss, accuracy = train_moons(steps, seed)
    print(
        f"final loss {loss:.4f}, training accuracy {accuracy:.1%}"
        f" ({time.perf_counter() - start:.1f} s)"
    )
    try:
        path = draw_neuron(Path(output), seed)
    except RendererNotFoundError as error:
        print(f"not drawn: {error}")
        return 1
    print(f"wrote the graph of one neuron, with its gradients, to {path}")
    return 0
