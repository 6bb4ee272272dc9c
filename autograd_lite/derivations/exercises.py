"""Exercises: write a gradient formula for a published network, graded by `check_formula`.

Each exercise names a network, a target (a weight, a bias, or a whole layer's matrix) and the
question in words. `grade(number, formula)` checks the formula on the published network and on
several more draws of the same network with random weights and data, so only a formula that
computes the gradient from the quantities passes: a constant (a number copied from somewhere)
and a formula that asks the engine (backward(), grad(), a Derivation's gradients) are named as
such. A verdict says what is off (a known slip, a wrong shape) without showing the gradient's
numbers. The answers are nowhere in the package: the engine's gradient is the answer.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

from ..engine import topological_order
from ..errors import DerivationKeyError
from ..nn import MLP
from .equations import Derivation
from .networks import network_a, network_b, network_c, network_d
from .reports import FormulaCheck

__all__ = ["DRAWS", "EXERCISES", "Exercise", "Grade", "grade"]

#: How many networks each formula is graded on: the published one and DRAWS - 1 random ones.
DRAWS = 5


@dataclass(frozen=True)
class Exercise:
    """One exercise: the question, the network it is asked on and the target of
    `check_formula` (with `over_batch` when the formula must return the batch gradient)."""

    question: str
    network: Callable[[], Derivation]
    target: str
    over_batch: bool = False


EXERCISES: dict[int, Exercise] = {
    1: Exercise(
        "Network C: dE/dw110, the weight from y1 to z0. Use q['z0'], q['z0_desired'], q['y1'].",
        network_c,
        "w110",
    ),
    2: Exercise(
        "Network C: dE/dw011, the weight from x1 to y1. y1 feeds both outputs, through w110"
        " and w111.",
        network_c,
        "w011",
    ),
    3: Exercise(
        "Network D: dC/db^1_2, the bias of hidden neuron 2. Equations (2) and (3); q.w[2] is"
        " W^2, q.a[l] the activations, sigma' = a (1 - a).",
        network_d,
        "L1.N2.b",
    ),
    4: Exercise(
        "Network D: the whole matrix dC/dW^2 (2x4, one row per output neuron), as a list of"
        " rows or a NumPy array. Equation (4): delta^2 (a^1)^T.",
        network_d,
        "W2",
    ),
    5: Exercise(
        "Network B over its batch of 4: dC/dw^L_12 (L3.N1.w2), as the batch gradient. The"
        " formula gets the list of the samples' quantities; the cost is the mean of"
        " C_i = sum_j (a_j - y_j)^2.",
        network_b,
        "w^L_12",
        over_batch=True,
    ),
    6: Exercise(
        "Network A, the matrix form: dE/dW2 (3x5). delta2 = (W3^T delta3) ∘ f2'(W2 x1),"
        " f2 = f3 = sigmoid, and dE/dW2 = delta2 x1^T.",
        network_a,
        "W2",
    ),
}


@dataclass(frozen=True)
class Grade:
    """The verdict on a formula for one exercise: `agrees` when it matches the engine on every
    draw; otherwise `patterns` names what gives it away ("constant", "asks the engine",
    "shape", or the slips of `check_formula` that explain every draw) and `advice` says it
    in words. It holds no gradient numbers."""

    exercise: int
    agrees: bool
    draws: int
    wrong_draws: int
    patterns: tuple[str, ...] = ()
    advice: str = ""

    def __str__(self) -> str:
        if self.agrees:
            return f"exercise {self.exercise}: correct (on all {self.draws} networks)"
        return f"exercise {self.exercise}: not yet: {self.advice}"


def grade(number: int, formula: Callable[[Any], Any], seed: int | None = None) -> Grade:
    """Check a formula for exercise `number` on the published network and DRAWS - 1 random
    draws of its weights and data (`seed` repeats the draws); print and return the verdict."""
    if type(number) is not int or number not in EXERCISES:
        raise DerivationKeyError(
            f"no exercise {number!r}; the exercises are {', '.join(map(str, EXERCISES))}"
        )
    exercise = EXERCISES[number]
    published = exercise.network()
    rng = random.Random(seed)
    derivations = [published] + [_redrawn(published, rng) for _ in range(DRAWS - 1)]
    watched = _Watched(formula)
    checks = [
        derivation.check_formula(exercise.target, watched, over_batch=exercise.over_batch)
        for derivation in derivations
    ]
    verdict = _verdict(number, checks, watched.asked_engine)
    print(verdict)
    return verdict


def _verdict(number: int, checks: list[FormulaCheck], asked_engine: bool) -> Grade:
    """What the checks on every draw say, in words and without the engine's numbers."""
    wrong = sum(not check.agrees for check in checks)
    count = len(checks)
    if asked_engine:
        return Grade(
            number,
            False,
            count,
            wrong,
            ("asks the engine",),
            "the formula runs the engine (backward(), grad() or a Derivation's gradients walk"
            " the graph); derive the gradient from the quantities q with the chain rule",
        )
    if wrong == 0:
        return Grade(number, True, count, 0)
    shape_errors = [check.error for check in checks if check.error]
    if shape_errors:
        return Grade(number, False, count, wrong, ("shape",), shape_errors[0])
    failing = [check for check in checks if not check.agrees]
    common = [
        slip
        for slip in failing[0].slips
        if all(slip.pattern in check.patterns for check in failing[1:])
    ]
    where = f"wrong on {wrong} of the {count} networks"
    if common:
        found = "; ".join(f"{slip.pattern}: {slip.explanation}" for slip in common)
        return Grade(number, False, count, wrong, tuple(s.pattern for s in common), found)
    results = {check.formula_values for check in checks}
    if len(results) == 1 and len({check.engine_values for check in checks}) > 1:
        return Grade(
            number,
            False,
            count,
            wrong,
            ("constant",),
            f"the formula gives the same numbers on all {count} networks, whose gradients"
            " differ: it must compute the gradient from the quantities q, not return a number"
            " found elsewhere",
        )
    if not checks[0].agrees or wrong == count:
        advice = f"{where}, and no known slip explains its numbers on all of them"
    else:
        advice = (
            f"{where}: right on the published network only, so it fits those numbers rather"
            " than computing the gradient; use the quantities q everywhere"
        )
    return Grade(number, False, count, wrong, (), advice)


def _redrawn(published: Derivation, rng: random.Random) -> Derivation:
    """The same network, names, loss and batch size with random weights, inputs and targets."""
    layers = published.mlp.layers
    weights = [[[rng.uniform(-1, 1) for _ in n.w] for n in layer.neurons] for layer in layers]
    has_bias = layers[0].neurons[0].b is not None
    biases = [[rng.uniform(-0.5, 0.5) for _ in layer.neurons] for layer in layers]
    activations = [layer.neurons[0].activation for layer in layers]
    mlp = MLP.from_weights(weights, biases if has_bias else None, activations[:-1], activations[-1])
    inputs = [[rng.uniform(-1, 1) for _ in x] for x in published.inputs]
    targets = [[rng.uniform(0.05, 0.95) for _ in y] for y in published.targets]
    one = published.batch_size == 1
    return Derivation(
        mlp,
        inputs[0] if one else inputs,
        targets[0] if one else targets,
        published.loss,
        published.reduction,
        published.aliases,
        published.title,
        published.notation,
    )


class _Watched:
    """A learner's formula, called as usual, noting whether it walked a graph with the engine
    (every engine walk, backward() to finite differences, starts with topological_order).
    Under a profiler of the user's own (sys.getprofile() set) it does not watch: there is one
    profile hook per thread, and it stays the user's."""

    _WALK = topological_order.__code__

    def __init__(self, formula: Callable[[Any], Any]) -> None:
        self.formula = formula
        self.asked_engine = False

    def __call__(self, q: Any) -> Any:
        if sys.getprofile() is not None:
            return self.formula(q)

        def watch(frame: FrameType, event: str, arg: Any) -> None:
            if event == "call" and frame.f_code is self._WALK:
                self.asked_engine = True

        sys.setprofile(watch)
        try:
            result = self.formula(q)
        finally:
            sys.setprofile(None)
        return result
