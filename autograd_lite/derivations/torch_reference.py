"""The same network, data and loss in PyTorch (float64): a second, independent gradient.

Only loaded when asked for (`Derivation.compare(reference="torch")`); without PyTorch it
raises MissingDependencyError saying what to install.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..engine import Value
from ..errors import DerivationError, MissingDependencyError
from ..nn import MLP
from .losses import Loss

__all__ = ["torch_gradients"]

INSTALL = 'pip install "autograd-lite[torch]"'


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise MissingDependencyError(
            f"compare(reference='torch') needs PyTorch, which is not installed: {INSTALL}"
        ) from None
    return torch


def torch_gradients(
    mlp: MLP,
    inputs: list[list[float]],
    targets: list[list[float]],
    loss: Loss,
    reduction: str,
) -> dict[Value, float]:
    """d cost/d p for every parameter p of `mlp`, computed by PyTorch on a float64 copy of the
    network, with the loss written for tensors (`loss.on_tensors`; a cost of your own is run on
    tensors as it is) and the batch combined by `reduction`."""
    torch = _torch()
    functions = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu}
    copies: list[tuple[Value, Any]] = []
    layers = []
    for layer in mlp.layers:
        rows = []
        for neuron in layer.neurons:
            weights = [_leaf(torch, p.data) for p in neuron.w]
            copies += zip(neuron.w, weights)
            bias = None if neuron.b is None else _leaf(torch, neuron.b.data)
            if neuron.b is not None:
                copies.append((neuron.b, bias))
            rows.append((weights, bias, functions.get(neuron.activation)))
        layers.append(rows)
    outputs = []
    for x in inputs:
        activations = [torch.tensor(v, dtype=torch.float64) for v in x]
        for rows in layers:
            activations = [_neuron(weights, bias, g, activations) for weights, bias, g in rows]
        outputs.append(torch.stack(activations))
    a = torch.stack(outputs)
    y = torch.tensor(targets, dtype=torch.float64)
    if loss.cost is not None:
        cost = loss.cost
        try:
            per_sample = torch.stack([cost(list(o), list(t)) for o, t in zip(outputs, targets)])
        except (TypeError, AttributeError) as error:
            raise DerivationError(
                f"your cost could not be computed on PyTorch tensors ({error}); to compare"
                " it with PyTorch, write it with + - * / ** and sum() only"
            ) from None
    else:
        assert loss.on_tensors is not None  # every loss of nn is written for tensors too
        per_sample = loss.on_tensors(torch, a, y)
    total = per_sample.mean() if reduction == "mean" else per_sample.sum()
    total.backward()
    return {p: copy.grad.item() for p, copy in copies}


def _leaf(torch: Any, x: float) -> Any:
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


def _neuron(weights: list[Any], bias: Any, g: Callable[[Any], Any] | None, x: list[Any]) -> Any:
    """g(sum_k w_k x_k + b) on tensors."""
    z = sum(w * v for w, v in zip(weights, x))
    if bias is not None:
        z = z + bias
    return z if g is None else g(z)
