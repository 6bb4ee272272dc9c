"""Exercises: write a gradient formula for a published network, graded by `check_formula`.

Each exercise names a network, a target (a weight, a bias, or a whole layer's matrix) and the
question in words. `grade(number, formula)` checks the formula against the engine: "correct", or
the diagnosis of what is off. The answers are nowhere in the package: the engine's gradient is
the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import DerivationKeyError
from .equations import Derivation
from .networks import network_a, network_b, network_c, network_d
from .reports import FormulaCheck

__all__ = ["EXERCISES", "Exercise", "grade"]


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
        " rows. Equation (4): delta^2 (a^1)^T.",
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


def grade(number: int, formula: Callable[[Any], Any]) -> FormulaCheck:
    """Check a formula for exercise `number`; print "correct" or what is off, and return the
    check (its `agrees`, `patterns`, the numbers)."""
    if type(number) is not int or number not in EXERCISES:
        raise DerivationKeyError(
            f"no exercise {number!r}; the exercises are {', '.join(map(str, EXERCISES))}"
        )
    exercise = EXERCISES[number]
    check = exercise.network().check_formula(
        exercise.target, formula, over_batch=exercise.over_batch
    )
    if check.agrees:
        print(f"exercise {number}: correct")
    elif check.error:
        print(f"exercise {number}: not yet: {check.error}")
    else:
        found = "; ".join(f"{s.pattern}: {s.explanation}" for s in check.slips)
        print(f"exercise {number}: not yet ({found or 'no known slip explains these numbers'})")
    return check
