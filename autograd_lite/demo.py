"""The demo: train an MLP on two moons, then picture it: one neuron's graph with its gradients,
the decision boundary the network learnt, and its loss curve. `train_spirals` trains one on
three spiral arms."""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .charts import decision_boundary_svg, loss_curve_svg
from .codegen import compile_graph
from .datasets import make_moons, make_spirals
from .drawing import save
from .engine import Value
from .errors import DrawError, ModelError, RendererNotFoundError
from .nn import MLP, SGD, Neuron, cross_entropy, hinge_loss

#: The demo's network and data: MLP(2, LAYER_SIZES) with relu on N_POINTS two-moons points.
LAYER_SIZES = [16, 16, 1]
N_POINTS = 100

#: Called after each evaluation of the model: (step, steps, loss, accuracy).
Progress = Callable[[int, int, float, float], None]


@dataclass
class Training:
    """A finished run: the model, its data, and the loss and accuracy after 0, 1, ..., steps
    updates (steps + 1 of each)."""

    model: MLP
    points: list[list[float]]
    classes: list[int]
    losses: list[float]
    accuracies: list[float]


def train_moons(steps: int = 100, seed: int = 0, progress: Progress | None = None) -> Training:
    """Train MLP(2, LAYER_SIZES) with relu on N_POINTS two-moons points for `steps` updates.

    The loss is micrograd's: the mean hinge loss plus 1e-4 times the sum of squared weights;
    the learning rate falls linearly from 1 towards 0.1. `steps=0` evaluates the untrained model.
    """
    _check_steps(steps)
    points, classes = make_moons(N_POINTS, noise=0.1, seed=seed)
    labels = [2 * c - 1 for c in classes]
    model = MLP(2, LAYER_SIZES, activation="relu", rng=seed)
    parameters = model.parameters()
    optimizer = SGD(parameters, lr=1.0)
    losses, accuracies = [], []
    for step in range(steps + 1):
        scores = [model.forward(point)[0] for point in points]
        loss = hinge_loss(scores, labels) + 1e-4 * sum(p * p for p in parameters)
        accuracy = sum((s.data > 0) == (y > 0) for s, y in zip(scores, labels)) / len(labels)
        losses.append(loss.data)
        accuracies.append(accuracy)
        if progress is not None:
            progress(step, steps, loss.data, accuracy)
        if step == steps:
            break
        model.zero_grad()
        loss.backward()
        optimizer.lr = 1.0 - 0.9 * (step + 1) / steps
        optimizer.step()
    return Training(model, points, classes, losses, accuracies)


def progress_printer(stream: TextIO = sys.stdout, every: int = 10, width: int = 30) -> Progress:
    """Show training progress on `stream`: on a terminal one bar, redrawn in place after every
    step; elsewhere (a file, a pipe, a notebook) a plain line every `every` steps and the last."""
    on_terminal = stream.isatty()

    def show(step: int, steps: int, loss: float, accuracy: float) -> None:
        numbers = (
            f"step {step:{len(str(steps))}d}/{steps}  loss {loss:.4f}  accuracy {accuracy:.0%}"
        )
        if on_terminal:
            done = width * step // max(steps, 1)
            bar = "#" * done + "-" * (width - done)
            stream.write(f"\r[{bar}] {numbers}" + ("\n" if step == steps else ""))
        elif step % every == 0 or step == steps:
            stream.write(numbers + "\n")
        stream.flush()

    return show


def predict(model: MLP, point: list[float]) -> int:
    """The class whose score (logit) is largest."""
    scores = model.forward(point)
    return max(range(len(scores)), key=lambda k: scores[k].data)


def scorer(model: MLP) -> Callable[[list[float]], float]:
    """The score of a two-input, one-output model at a point, as a plain function: the model's
    graph on two data leaves is compiled once (`compile_graph`) and run for each point, about
    8x quicker than building a graph per point (the decision boundary asks at 900)."""
    x, y = Value(0.0, label="x"), Value(0.0, label="y")
    outputs = model.forward([x, y])
    if len(outputs) != 1:
        raise ModelError(f"scorer: the model must give one score, it gives {len(outputs)}")
    compiled = compile_graph(outputs[0], inputs=[], data=[x, y])
    return lambda point: compiled([], point)[0]


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


def main(
    output: str = "neuron.svg",
    steps: int = 100,
    seed: int = 0,
    boundary: str = "boundary.svg",
    loss_curve: str = "loss_curve.svg",
    stream: TextIO = sys.stdout,
) -> int:
    """Draw a neuron to `output`, train (`train_moons`), then write the decision boundary and
    the loss curve as SVG; 0, or 1 when no Graphviz renderer could draw the neuron. Every
    option is checked before anything is drawn or trained."""
    _check_steps(steps)
    _check_output(Path(output))  # and `save` refuses a suffix it cannot write, before drawing
    _check_output(Path(boundary), ".svg")
    _check_output(Path(loss_curve), ".svg")
    exit_code = 0
    try:
        drawn = draw_neuron(Path(output), seed)
        print(f"wrote the graph of one neuron, with its gradients, to {drawn}", file=stream)
    except RendererNotFoundError as error:
        print(f"the neuron's graph was not drawn: {error}", file=stream)
        exit_code = 1
    start = time.perf_counter()
    print(f"training MLP(2, {LAYER_SIZES}) with relu on {N_POINTS} two-moons points", file=stream)
    training = train_moons(steps, seed, progress_printer(stream))
    print(
        f"final loss {training.losses[-1]:.4f}, training accuracy {training.accuracies[-1]:.1%}"
        f" ({time.perf_counter() - start:.1f} s)",
        file=stream,
    )
    pictures = [
        (
            boundary,
            decision_boundary_svg(scorer(training.model), training.points, training.classes),
        ),
        (loss_curve, loss_curve_svg(training.losses)),
    ]
    for path, svg in pictures:
        Path(path).write_text(svg)
    print(
        f"wrote the decision boundary to {boundary} and the loss curve to {loss_curve}", file=stream
    )
    return exit_code


def _check_steps(steps: object) -> None:
    if type(steps) is not int or steps < 0:
        raise ModelError(f"the number of training steps must be an int >= 0, got {steps!r}")


def _check_output(path: Path, suffix: str | None = None) -> None:
    """Refuse an output path that could not be written, before any time is spent on it."""
    if suffix is not None and path.suffix.lower() != suffix:
        raise DrawError(f"cannot write {str(path)!r}: give a file name ending in {suffix}")
    if not path.parent.is_dir():
        raise DrawError(
            f"cannot write {str(path)!r}: the folder {str(path.parent)!r} does not exist"
        )
