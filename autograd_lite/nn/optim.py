"""The optimizer: stochastic gradient descent."""

from __future__ import annotations

import math
from collections.abc import Iterable

from ..engine import Value, as_float, as_value, grad_error
from ..errors import ArgumentTypeError, ModelError, NonFiniteError, describe

__all__ = ["SGD"]


class SGD:
    """Gradient descent: p <- p - lr * (dC/dp + weight_decay * p) for every parameter p.

    `weight_decay` (lambda, default 0) is L2 regularisation: the step of the loss
    C + (lambda / 2) * sum_p p^2, whose gradient adds lambda * p (PyTorch's SGD convention).
    Parameters must be leaves (weights and biases), each listed once."""

    def __init__(self, parameters: Iterable[Value], lr: float, weight_decay: float = 0.0) -> None:
        if not isinstance(parameters, Iterable) or isinstance(parameters, (str, Value)):
            raise ArgumentTypeError(
                "SGD: parameters must be a list of Values (model.parameters()), got"
                f" {type(parameters).__name__} {parameters!r:.60}"
            )
        self.parameters = list(parameters)
        if not self.parameters:
            raise ModelError("SGD: parameters is empty; give it the Values to train")
        for i, p in enumerate(self.parameters):
            as_value(p, f"SGD: parameters[{i}]")
            if not p.is_leaf:
                raise ModelError(
                    f"SGD: parameters[{i}] is {describe(p)}, not a leaf: step() cannot change"
                    " a computed Value; give SGD the leaf Values to train (weights, biases:"
                    " model.parameters())"
                )
        if len(set(self.parameters)) != len(self.parameters):
            twice = next(p for p in self.parameters if self.parameters.count(p) > 1)
            raise ModelError(
                f"SGD: {describe(twice)} is listed twice; list each parameter once (it would be"
                " updated once anyway)"
            )
        self.lr = lr
        weight_decay = as_float(weight_decay, "SGD: weight_decay")
        if weight_decay < 0:
            raise ModelError(f"SGD: weight_decay must be 0 or more, got {weight_decay}")
        self.weight_decay = weight_decay

    @property
    def lr(self) -> float:
        """The learning rate: a positive finite number (set it to schedule it)."""
        return self._lr

    @lr.setter
    def lr(self, lr: float) -> None:
        lr = as_float(lr, "SGD: lr (the learning rate)")
        if lr <= 0:
            raise ModelError(f"SGD: the learning rate must be positive, got {lr}")
        self._lr = lr

    def step(self) -> None:
        """Update every parameter, or (if any would become inf or nan) none of them."""
        advice = (
            "no parameter was changed. Run backward() on the loss (after zero_grad(),"
            " which sets every grad to 0.0) before step()"
        )
        bad_grad = grad_error(self.parameters, "SGD step: ", advice)  # None, 10**400, 1j...
        if bad_grad is not None:
            raise bad_grad
        # p - lr (g + lambda p) = (1 - lr lambda) p - lr g; exactly p - lr g for lambda = 0
        lr, shrink = self._lr, 1.0 - self._lr * self.weight_decay
        updated = [shrink * p.data - lr * p.grad for p in self.parameters]
        for p, new in zip(self.parameters, updated):
            if not math.isfinite(new):
                raise NonFiniteError(
                    f"SGD step: parameter {describe(p)} would become {new}"
                    f" (data {p.data}, grad {p.grad}, lr {self._lr}); no parameter was changed."
                    " Lower the learning rate"
                )
        for p, new in zip(self.parameters, updated):
            p.data = new

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0.0."""
        for p in self.parameters:
            p.grad = 0.0
