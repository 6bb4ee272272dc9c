"""Neurons, layers and multi-layer perceptrons built from `Value`s, with losses and SGD.

Notation follows the textbook derivations: layer l computes z^l_j = sum_k w^l_jk a^{l-1}_k + b^l_j
and a^l_j = g(z^l_j). Layers are numbered from 1 (the inputs are layer 0), neurons and weights
from 0, and every parameter is labelled where it lives: `L1.N0.w2` is w^1_02, the weight from
input 2 into neuron 0 of layer 1; `L1.N0.b` is that neuron's bias.

Read `modules.py` first: `Module`, `Neuron`, `Layer` and `MLP`. `losses.py` holds the losses
and softmax, `optim.py` the optimizer `SGD`, `activations.py` the table of activation
functions; `checks.py` checks the models' arguments and `pytorch.py` converts an MLP to and
from PyTorch.
"""

from __future__ import annotations

from ..engine import Operand as Operand
from ..errors import ModelError
from .activations import ACTIVATIONS
from .checks import RandomSource as RandomSource
from .checks import Rng as Rng
from .losses import (
    binary_cross_entropy,
    cross_entropy,
    half_squared_error,
    hinge_loss,
    mean_squared_error,
    softmax,
    squared_error,
)
from .modules import MLP, Layer, Module, Neuron
from .optim import SGD
from .pytorch import TORCH_ACTIVATIONS as TORCH_ACTIVATIONS

# Also public (imported "as" themselves above), not among `__all__`: the types in the models'
# signatures, and the torch.nn module of each activation.
__all__ = [
    "ACTIVATIONS",
    "MLP",
    "SGD",
    "Layer",
    "ModelError",
    "Module",
    "Neuron",
    "binary_cross_entropy",
    "cross_entropy",
    "half_squared_error",
    "hinge_loss",
    "mean_squared_error",
    "softmax",
    "squared_error",
]
