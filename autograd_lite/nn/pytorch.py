"""Graduating to PyTorch: the same network as a torch.nn.Sequential, and back. torch is
imported only here, when asked for, so autograd_lite does not need it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import ArgumentTypeError, MissingDependencyError, ModelError, ShapeError

if TYPE_CHECKING:
    from .modules import MLP

__all__ = ["TORCH_ACTIVATIONS", "to_torch_sequential", "weights_from_torch"]


#: The torch.nn module that applies each activation ("linear" needs none).
TORCH_ACTIVATIONS = {"tanh": "Tanh", "relu": "ReLU", "sigmoid": "Sigmoid"}


def _import_torch() -> Any:
    try:
        import torch
    except ModuleNotFoundError as error:
        raise MissingDependencyError(
            "moving a model to or from PyTorch needs torch, which is not installed:"
            ' pip install "autograd-lite[torch]" (or pip install torch)'
        ) from error
    return torch


def to_torch_sequential(mlp: MLP) -> Any:
    torch = _import_torch()
    modules = []
    for layer in mlp.layers:
        first = layer.neurons[0]
        if first.activation != "linear" and first.activation not in TORCH_ACTIVATIONS:
            raise ModelError(f"to_torch: activation {first.activation!r} has no PyTorch module")
        linear = torch.nn.utils.skip_init(  # no random initialisation: every weight is set below
            torch.nn.Linear,
            first.nin,
            len(layer.neurons),
            bias=first.b is not None,
            dtype=torch.float64,
        )
        with torch.no_grad():
            weights = [[w.data for w in n.w] for n in layer.neurons]
            linear.weight.copy_(torch.tensor(weights, dtype=torch.float64))
            if linear.bias is not None:
                biases = [n.b.data for n in layer.neurons if n.b is not None]
                linear.bias.copy_(torch.tensor(biases, dtype=torch.float64))
        modules.append(linear)
        if first.activation != "linear":
            modules.append(getattr(torch.nn, TORCH_ACTIVATIONS[first.activation])())
    return torch.nn.Sequential(*modules)


def weights_from_torch(
    module: Any,
) -> tuple[list[list[list[float]]], list[list[float]] | None, list[str], str]:
    """`MLP.from_weights`'s arguments for a Sequential of Linear layers and activations."""
    torch = _import_torch()
    if not isinstance(module, torch.nn.Sequential):
        raise ArgumentTypeError(
            f"from_torch needs a torch.nn.Sequential, got {type(module).__name__} {module!r:.60}"
        )
    activation_of = {getattr(torch.nn, name): key for key, name in TORCH_ACTIVATIONS.items()}
    supported = ", ".join(TORCH_ACTIVATIONS.values())
    layers: list[list[Any]] = []  # [Linear, its activation]
    for index, child in enumerate(module):
        if type(child) is torch.nn.Linear and child.weight.is_floating_point():
            layers.append([child, "linear"])
        elif type(child) in activation_of and layers and layers[-1][1] == "linear":
            layers[-1][1] = activation_of[type(child)]
        else:
            raise ModelError(
                f"from_torch: module {index} ({child}) has no autograd_lite equivalent; an MLP is"
                f" floating-point Linear layers, each followed by at most one of {supported}"
            )
    if not layers:
        raise ModelError("from_torch: the Sequential has no Linear layer")
    if len({linear.bias is None for linear, _ in layers}) > 1:
        raise ModelError(
            "from_torch: some Linear layers have a bias and some not; an MLP has"
            " biases in every layer or in none"
        )
    for i, ((before, _), (after, _)) in enumerate(zip(layers, layers[1:])):
        if before.out_features != after.in_features:
            raise ShapeError(
                f"from_torch: Linear layer {i + 1} has {before.out_features} outputs but layer"
                f" {i + 2} takes {after.in_features} inputs"
            )
    weights = [linear.weight.detach().tolist() for linear, _ in layers]
    has_bias = layers[0][0].bias is not None
    biases = [linear.bias.detach().tolist() for linear, _ in layers] if has_bias else None
    hidden = [activation for _, activation in layers[:-1]]
    return weights, biases, hidden, layers[-1][1]
