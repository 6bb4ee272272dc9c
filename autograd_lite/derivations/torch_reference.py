"""The same network, data and loss in PyTorch (float64): a second, independent gradient.

Only loaded when asked for (`Derivation.compare(reference="torch")`); without PyTorch it
raises MissingDependencyError saying what to install.
"""

from __future__ import annotations

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
    """d cost/d p for every parameter p of `mlp`, computed by PyTorch on `mlp.to_torch()`, with
    the loss written for tensors (`loss.on_tensors`; a cost of your own is run on tensors as it
    is) and the batch combined by `reduction`."""
    torch = _torch()
    network = mlp.to_torch()
    a = network(torch.tensor(inputs, dtype=torch.float64))
    if loss.cost is not None:
        cost = loss.cost
        try:
            per_sample = torch.stack([cost(list(o), list(t)) for o, t in zip(a, targets)])
        except (TypeError, AttributeError) as error:
            raise DerivationError(
                f"your cost could not be computed on PyTorch tensors ({error}); to compare"
                " it with PyTorch, write it with + - * / ** and sum() only"
            ) from None
    else:
        assert loss.on_tensors is not None  # every loss of nn is written for tensors too
        per_sample = loss.on_tensors(torch, a, torch.tensor(targets, dtype=torch.float64))
    total = per_sample.mean() if reduction == "mean" else per_sample.sum()
    total.backward()
    return _parameter_gradients(mlp, [m for m in network if isinstance(m, torch.nn.Linear)])


def _parameter_gradients(mlp: MLP, linears: list[Any]) -> dict[Value, float]:
    """Each neuron's weights and bias with their grads in its layer's Linear: row j of the
    weight grad (and entry j of the bias grad) belongs to neuron j. A shared parameter is one
    copy per use in PyTorch: its gradient is the sum of its copies' gradients."""
    gradients: dict[Value, float] = {}
    for layer, linear in zip(mlp.layers, linears):
        weight_grads = linear.weight.grad.tolist()
        bias_grads = linear.bias.grad.tolist() if linear.bias is not None else []
        for j, neuron in enumerate(layer.neurons):
            uses = list(zip(neuron.w, weight_grads[j]))
            if neuron.b is not None:
                uses.append((neuron.b, bias_grads[j]))
            for parameter, gradient in uses:
                gradients[parameter] = gradients.get(parameter, 0.0) + gradient
    return gradients
