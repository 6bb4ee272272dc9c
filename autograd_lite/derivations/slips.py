"""The slips hand-derived gradients are known for, and how to recognise one by its numbers.

A formula that disagrees with the engine is compared with what the correct equations give
after a known slip: a structural one (g' applied to z, another layer's g', W for W^T, one path
of a sum, the gradient transposed, one sample for the batch), times a constant one (the sign,
a factor 2 or 1/2, a factor N or 1/N). The fewest slips that reproduce every number of the
formula are its diagnosis.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["ZERO", "Candidate", "Slip", "constant_slips", "diagnose"]


@dataclass(frozen=True)
class Slip:
    """One known slip: `pattern` is its short name, `explanation` says what the formula did."""

    pattern: str
    explanation: str


@dataclass(frozen=True)
class Candidate:
    """What the equations give after some structural slips (none for the correct gradient)."""

    slips: tuple[Slip, ...]
    values: tuple[float, ...]


TWO = Slip(
    "factor 2",
    "a factor 2 too many (formula = 2 × gradient): a term counted twice, or the 2 of a square"
    " kept where the cost's 1/2 cancels it",
)
HALF = Slip(
    "factor 1/2",
    "a factor 2 missing (formula = gradient / 2): a cost (a - y)^2 without the 1/2 has"
    " dC/da = 2 (a - y)",
)
ZERO = Slip("zero", "the formula gives 0 where the gradient is not 0")


def constant_slips(
    batch_size: int, mean: bool, difference: tuple[str, str] = ("y - a", "a - y")
) -> list[tuple[float, tuple[Slip, ...]]]:
    """Every constant a slip multiplies a gradient by, with the slips that make it: the sign
    (a `difference` written the wrong way round: (wrong, right)), 2 or 1/2, and for a batch of
    N > 1 a forgotten or extra 1/N."""
    n = batch_size
    wrong, right = difference
    flipped = Slip(
        "sign",
        f"the sign is flipped (formula = -1 × gradient): a difference written the wrong way"
        f" round, such as {wrong} where {right} belongs",
    )
    batch: list[tuple[float, tuple[Slip, ...]]] = [(1.0, ())]
    if n > 1 and mean:
        batch.append(
            (n, (Slip("1/N", f"the 1/N is missing (formula = N × gradient, N = {n}): the batch"
                             " cost is the mean of the samples' costs, so is its gradient"),))
        )  # fmt: skip
        batch.append(
            (1 / n, (Slip("1/N", f"an extra 1/N (formula = gradient / N, N = {n}): the batch"
                                 " gradient is the mean already"),))
        )  # fmt: skip
    elif n > 1:
        batch.append(
            (1 / n, (Slip("1/N", f"a 1/N too many (formula = gradient / N, N = {n}): this batch"
                                 " cost is the sum of the samples' costs, not their mean"),))
        )  # fmt: skip
    sign: list[tuple[float, tuple[Slip, ...]]] = [(1.0, ()), (-1.0, (flipped,))]
    two: list[tuple[float, tuple[Slip, ...]]] = [(1.0, ()), (2.0, (TWO,)), (0.5, (HALF,))]
    return [
        (s * t * b, s_slips + t_slips + b_slips)
        for (s, s_slips), (t, t_slips), (b, b_slips) in itertools.product(sign, two, batch)
    ]


def diagnose(
    values: Sequence[float],
    engine: Sequence[float],
    candidates: Sequence[Candidate],
    constants: Sequence[tuple[float, tuple[Slip, ...]]],
    tolerance: float,
    rtol: float,
) -> tuple[Slip, ...]:
    """The fewest slips whose candidate, times a constant, gives every one of `values` (to
    `tolerance`, or rtol times the candidate's size); () when no combination does."""
    best: tuple[Slip, ...] | None = None
    for candidate, (factor, slips) in itertools.product(candidates, constants):
        combined = candidate.slips + slips
        if not combined or (best is not None and len(combined) >= len(best)):
            continue
        expected = [factor * v for v in candidate.values]
        scale = max(tolerance, rtol * max(map(math.fabs, expected), default=0.0))
        if all(math.fabs(f - e) <= scale for f, e in zip(values, expected)):
            best = combined
    if best is None and all(v == 0 for v in values) and any(e != 0 for e in engine):
        return (ZERO,)
    return best or ()
