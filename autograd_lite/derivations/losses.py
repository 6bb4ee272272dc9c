"""Losses: each sample's cost C_i, its derivative dC_i/da^L_j, and how a batch combines them.

A loss's derivative is written once, with `+ - * /` and the engine's functions, as a function
of a_j, y_j and n (the number of outputs of a sample). On floats it gives the number the
equations use; on `Symbol`s it prints itself, so the text can never drift from the number.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..engine import Value, step
from ..errors import DerivationTypeError
from ..nn import (
    binary_cross_entropy,
    half_squared_error,
    hinge_loss,
    mean_squared_error,
    squared_error,
)
from ..symbolic import ATOM, SUM, Symbol
from .matrices import Matrix
from .notation import number

__all__ = ["LOSSES", "Loss", "custom_loss", "numeral"]

#: A batch's cost from every sample's outputs and targets and the reduction ("mean" or "sum").
BatchCost = Callable[[list[list[Value]], Matrix, str], Value]


def numeral(x: float) -> Symbol:
    """A number as a Symbol, printed as the tables print numbers; a negative number is
    bracketed wherever it is an operand: 1 - (-0.5)."""
    return Symbol(number(x), SUM if x < 0 else ATOM)


@dataclass(frozen=True)
class Loss:
    """One loss: `derivative(a, y, n)` is dC_i/da_j (the one rule), `batch_cost` builds the
    batch's cost with the engine's loss of `nn`, `reductions` lists how a batch may combine
    the per-sample costs ("mean", and "sum" for the losses that are per-sample sums),
    `accepts(y)` says which targets the loss takes and `predicts(a)` which outputs
    (`targets` and `predictions` say it in words). `on_tensors(torch, a, y)` is the same
    cost in PyTorch, one entry per sample (rows of a and y), for comparing with it. For a
    squared error, `unsquared(a, y, n)` is dC_i/da_j of the cost written without its square
    (the "missing square" slip). A cost of
    your own (`custom_loss`) has no written rule: `cost` builds it and the engine
    differentiates it."""

    name: str
    derivative: Callable[[Any, Any, Any], Any] | None
    batch_cost: BatchCost
    reductions: tuple[str, ...]
    targets: str = "any numbers"
    accepts: Callable[[float], bool] = lambda y: True
    predictions: str = "any numbers"
    predicts: Callable[[float], bool] = lambda a: True
    cost: Callable[[list[Value], list[float]], Any] | None = None
    on_tensors: Callable[[Any, Any, Any], Any] | None = None
    unsquared: Callable[[float, float, int], float] | None = None

    def output_error(self, outputs: list[float], targets: list[float]) -> list[float]:
        """dC_i/da_j for every output j of one sample: the rule on floats, or for a cost of
        your own the engine's backward() through it."""
        if self.derivative is not None:
            return [self.derivative(a, y, len(targets)) for a, y in zip(outputs, targets)]
        assert self.cost is not None
        leaves = [Value(a, f"a_{j}") for j, a in enumerate(outputs)]
        cost = self.cost(leaves, list(targets))
        if type(cost) is not Value:
            named = self.name if self.name == "your cost" else f"the cost {self.name}"
            raise DerivationTypeError(
                f"{named} must return a Value built from the outputs it is given,"
                f" got {type(cost).__name__} {cost!r}"
            )
        cost.backward()
        return [leaf.grad for leaf in leaves]

    def formula(self, a: str = "a_j", y: str = "y_j", n: str = "n") -> str:
        """dC_i/da_j in symbols: the rule evaluated on Symbols named `a`, `y` and `n`."""
        if self.derivative is None:
            return f"d/d{a} of {self.name}, by the engine"
        return str(self.derivative(Symbol(a), Symbol(y), Symbol(n)))

    def with_numbers(self, a: float, y: float, n: int) -> str:
        """dC_i/da_j with the numbers substituted: the rule evaluated on numerals."""
        if self.derivative is None:
            return f"backward() through {self.name} at {number(a)}"
        return str(self.derivative(numeral(a), numeral(y), numeral(n)))


def _per_sample(cost: Callable[[Any, Any], Value]) -> BatchCost:
    """A batch cost that is the mean or the sum of one cost per sample."""

    def batch_cost(outputs: list[list[Value]], targets: Matrix, reduction: str) -> Value:
        costs = [cost(a, y) for a, y in zip(outputs, targets)]
        total = functools.reduce(operator.add, costs)  # sum() would add a node for 0 + C
        if len(costs) > 1 and type(total) is Value:
            total.label = "sum_C"  # named as the losses of nn name theirs
        if reduction == "sum":
            return total
        mean = total / len(costs)
        if type(mean) is Value:
            mean.label = "loss"
        return mean

    return batch_cost


def _over_every_output(cost: Callable[[Any, Any], Value]) -> BatchCost:
    """A batch cost that averages one term per output of every sample."""

    def batch_cost(outputs: list[list[Value]], targets: Matrix, reduction: str) -> Value:
        return cost([a for sample in outputs for a in sample], [y for ys in targets for y in ys])

    return batch_cost


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss(
            "half_squared_error",
            lambda a, y, n: a - y,
            _per_sample(half_squared_error),
            ("mean", "sum"),
            on_tensors=lambda torch, a, y: 0.5 * ((a - y) ** 2).sum(1),
            unsquared=lambda a, y, n: 0.5,
        ),
        Loss(
            "squared_error",
            lambda a, y, n: 2 * (a - y),
            _per_sample(squared_error),
            ("mean", "sum"),
            on_tensors=lambda torch, a, y: ((a - y) ** 2).sum(1),
            unsquared=lambda a, y, n: 1.0,
        ),
        Loss(
            "mean_squared_error",
            lambda a, y, n: 2 * (a - y),
            lambda outputs, targets, reduction: mean_squared_error(outputs, targets),
            ("mean",),
            on_tensors=lambda torch, a, y: ((a - y) ** 2).sum(1),
            unsquared=lambda a, y, n: 1.0,
        ),
        Loss(
            "binary_cross_entropy",
            lambda a, y, n: -(y / a - (1 - y) / (1 - a)) / n,
            _over_every_output(binary_cross_entropy),
            ("mean",),
            "targets in [0, 1]",
            lambda y: 0 <= y <= 1,
            "outputs strictly between 0 and 1",
            lambda a: 0 < a < 1,
            on_tensors=lambda torch, a, y: torch.nn.functional.binary_cross_entropy(
                a, y, reduction="none"
            ).mean(1),
        ),
        Loss(
            "hinge_loss",
            lambda a, y, n: -y * step(1 - y * a) / n,
            _over_every_output(hinge_loss),
            ("mean",),
            "labels -1 or +1",
            lambda y: y in (-1, 1),
            on_tensors=lambda torch, a, y: torch.relu(1 - y * a).mean(1),
        ),
    )
}


def custom_loss(cost: Callable[[list[Value], list[float]], Any]) -> Loss:
    """A per-sample cost of your own, `cost(outputs, targets)`: one sample's output Values and
    its targets in, a Value out. A batch combines it by its mean or sum."""
    if not callable(cost):
        raise DerivationTypeError(
            f"loss must be the name of a loss of nn or a function cost(outputs, targets),"
            f" got {type(cost).__name__} {cost!r}"
        )
    name = getattr(cost, "__name__", "") or "cost"
    return Loss(
        "your cost" if name == "<lambda>" else name,
        None,
        _per_sample(cost),
        ("mean", "sum"),
        cost=cost,
    )
