"""The activation functions a neuron can apply, by name."""

from __future__ import annotations

from collections.abc import Callable

from ..engine import Value, relu, sigmoid, tanh

__all__ = ["ACTIVATIONS"]


#: The activation functions g a neuron can apply to its weighted sum z ("linear": g(z) = z).
ACTIVATIONS: dict[str, Callable[[Value], Value] | None] = {
    "tanh": tanh,
    "relu": relu,
    "sigmoid": sigmoid,
    "linear": None,
}
