"""The demo: train an MLP on two moons (or three spiral arms), then draw one neuron's graph."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

from .datasets import make_moons, make_spirals
from .drawing import save
from .engine import Value
from .errors import RendererNotFoundError
from .nn import MLP, SGD, Neuron, cross_entropy, hinge_loss


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
        scores = [model.forward(point)[0] for point in points]
        loss = hinge_loss(scores, labels) + 1e-4 * sum(p * p for p in parameters)
        accuracy = sum((s.data > 0) == (y > 0) for s, y in zip(scores, labels)) / len(labels)
        model.zero_grad()
        loss.backward()
        optimizer.lr = 1.0 - 0.9 * step / steps
        optimizer.step()
        if step % 10 == 0 or step == 1:
            report(f"step {step:3d}/{steps}  loss {loss.data:.4f}  accuracy {accuracy:.0%}")
    return loss.data, accuracy


def predict(model: MLP, point: list[float]) -> int:
    """The class whose score (logit) is largest."""
    scores = model.forward(point)
    return max(range(len(scores)), key=lambda k: scores[k].data)


def train_spirals(
    epochs: int = 60, seed: int = 0, report: Callable[[str], None] = print
) -> tuple[MLP, float, float]:
    """Train MLP(2, [16, 16, 3]) with tanh on 300 points of three spiral arms (noise 0.2) by
    minibatch SGD on the mean cross-entropy (30 points a step, the learning rate falling from
    1.0 to 0.1); return the model and its accuracy on the training points and on 300 held-out
    points drawn with another seed."""
    points, classes = make_spirals(300, n_classes=3, noise=0.2, seed=seed)
    held_out, held_out_classes = make_spirals(300, n_classes=3, noise=0.2, seed=seed + 100)
    model = MLP(2, [16, 16, 3], activation="tanh", rng=seed)
    optimizer = SGD(model.parameters(), lr=1.0)
    order = list(range(len(points)))
    shuffle = random.Random(seed).shuffle
    for epoch in range(epochs):
        optimizer.lr = 1.0 - 0.9 * epoch / epochs
        shuffle(order)
        for start in range(0, len(order), 30):
            batch = order[start : start + 30]
            losses = [cross_entropy(model.forward(points[i]), classes[i]) for i in batch]
            loss = sum(losses[1:], losses[0]) / len(batch)
            model.zero_grad()
            loss.backward()
            optimizer.step()
        if (epoch + 1) % 10 == 0:
            report(f"epoch {epoch + 1:3d}/{epochs}  last batch's loss {loss.data:.4f}")

    def accuracy(xs: list[list[float]], ys: list[int]) -> float:
        return sum(predict(model, x) == y for x, y in zip(xs, ys)) / len(ys)

    return model, accuracy(points, classes), accuracy(held_out, held_out_classes)


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
