"""Neurons, layers and multi-layer perceptrons: the models, built from `Value`s."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ..engine import Number, Operand, Value, check_size, dot
from ..errors import ArgumentTypeError, AutogradError, ModelError, ShapeError, describe
from .activations import ACTIVATIONS
from .checks import (
    Rng,
    as_inputs,
    as_items,
    as_matrices,
    as_rng,
    check_activation,
    check_layer_size,
    check_name,
    column,
    entry,
    hidden_activations,
    input_error,
)
from .pytorch import to_torch_sequential, weights_from_torch

__all__ = ["MLP", "Layer", "Module", "Neuron"]


class Module:
    """Anything with parameters: `parameters()` lists them, `zero_grad()` clears their grads.

    A parameter may be shared (one Value used as the bias of several neurons, say):
    `parameters()` lists it once, and backward() adds up its gradient over every use."""

    def parameters(self) -> list[Value]:
        """Every weight and bias, in a fixed order, each once."""
        return _once(self._uses())

    def _uses(self) -> list[Value]:
        """Every weight and bias in order, a shared one at each of its uses."""
        return []

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0.0 (before the next backward())."""
        for p in self.parameters():
            p.grad = 0.0


class Neuron(Module):
    """z = sum_k w_k x_k + b, then a = g(z).

    Weights (and the bias) start uniform in [-1/sqrt(nin), 1/sqrt(nin)], PyTorch's default for a
    linear layer, drawn from `rng`: a `random.Random`, an int seed, or None for the `random`
    module's global generator (so `random.seed(...)` repeats a run).

    Shared parameters: `bias` may be an existing leaf Value (used as this neuron's bias, and
    maybe other neurons' too), and `weights` a list of nin existing leaf Values.
    """

    def __init__(
        self,
        nin: int,
        activation: str = "tanh",
        bias: bool | Value = True,
        rng: Rng = None,
        name: str = "",
        weights: Sequence[Value] | None = None,
    ) -> None:
        check_layer_size(nin, "nin")
        if type(bias) is not bool and type(bias) is not Value:
            raise ArgumentTypeError(
                f"bias must be True or False (whether the neuron adds a bias b), or a Value to"
                f" share, got {type(bias).__name__} {bias!r:.60}"
            )
        self.activation = check_activation(activation)
        self._g = ACTIVATIONS[activation]
        source = as_rng(rng)
        bound = 1 / math.sqrt(nin)
        prefix = f"{name}." if check_name(name) else ""
        if weights is None:
            self.w = [Value(source.uniform(-bound, bound), f"{prefix}w{k}") for k in range(nin)]
        else:
            self.w = _shared(weights, nin, f"{prefix or 'Neuron.'}weights")
        if isinstance(bias, Value):
            self.b: Value | None = _shared([bias], 1, f"{prefix or 'Neuron.'}bias")[0]
        else:
            self.b = Value(source.uniform(-bound, bound), f"{prefix}b") if bias else None
        self._z_label = f"{prefix}z"
        self._a_label = f"{prefix}a"

    @property
    def nin(self) -> int:
        """The number of inputs (and of weights)."""
        return len(self.w)

    def __call__(self, x: Sequence[Operand] | Operand) -> Value:
        inputs = as_inputs(x, self.nin, self)
        try:
            z: Value = dot(self.w, inputs, self.b)
        except AutogradError:
            raise input_error(inputs, self._z_label[:-2] or "neuron") from None
        z.label = self._z_label
        if self._g is None:
            return z
        a = self._g(z)
        a.label = self._a_label
        return a

    def _uses(self) -> list[Value]:
        return self.w + ([self.b] if self.b is not None else [])

    def set_weights(self, weights: Sequence[Number], bias: Number | None = None) -> None:
        """Type the weights (and bias) in: a worked example's numbers, for instance. If any
        number does not fit, nothing is changed."""
        _assign(self._assignments(weights, bias))

    def _assignments(
        self, weights: Sequence[Number], bias: Number | None
    ) -> list[tuple[Value, float]]:
        """Each parameter with its new value, every number checked."""
        numbers = column(as_items(weights, "set_weights: weights"), "set_weights: weights")
        if len(numbers) != self.nin:
            raise ShapeError(
                f"set_weights: this neuron has {self.nin} weights, got {len(numbers)} numbers"
            )
        parameters = list(self.w)
        if bias is not None:
            if self.b is None:
                raise ModelError(
                    "set_weights: this neuron has no bias (it was built with bias=False)"
                )
            parameters.append(self.b)
            numbers.append(entry(bias, "set_weights: bias"))
        return [(p, Value(number, p.label).data) for p, number in zip(parameters, numbers)]

    def __repr__(self) -> str:
        return f"Neuron(nin={self.nin}, activation={self.activation!r}, bias={self.b is not None})"


class Layer(Module):
    """`nout` neurons that all read the same inputs. Calling it gives one Value per neuron
    (a single Value when nout == 1). `bias` may be an existing leaf Value: one bias shared by
    every neuron of the layer (as in Mazur's worked example)."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "tanh",
        bias: bool | Value = True,
        rng: Rng = None,
        name: str = "",
    ) -> None:
        check_layer_size(nin, "nin")
        check_layer_size(nout, "nout")
        check_size(nin * nout, "nin * nout (the layer's weights)", ModelError)
        source = as_rng(rng)
        prefix = f"{name}." if check_name(name) else ""
        self.neurons = [Neuron(nin, activation, bias, source, f"{prefix}N{j}") for j in range(nout)]

    def forward(self, x: Sequence[Operand] | Operand) -> list[Value]:
        """One Value per neuron, always as a list."""
        inputs = as_inputs(x, self.neurons[0].nin, self)
        return [n(inputs) for n in self.neurons]

    def __call__(self, x: Sequence[Operand] | Operand) -> Value | list[Value]:
        out = self.forward(x)
        return out[0] if len(out) == 1 else out

    def _uses(self) -> list[Value]:
        return [p for n in self.neurons for p in n._uses()]

    def set_weights(
        self, weights: Sequence[Sequence[Number]], biases: Sequence[Number] | None = None
    ) -> None:
        """Set W (row j = the weights into neuron j) and optionally the biases b. If any number
        does not fit, nothing is changed."""
        _assign(self._assignments(weights, biases))

    def _assignments(
        self, weights: Sequence[Sequence[Number]], biases: Sequence[Number] | None
    ) -> list[tuple[Value, float]]:
        weights = as_items(weights, "set_weights: weights")
        if biases is not None:
            biases = column(as_items(biases, "set_weights: biases"), "set_weights: biases")
        if len(weights) != len(self.neurons):
            raise ShapeError(
                f"set_weights: this layer has {len(self.neurons)} neurons, got {len(weights)} rows"
            )
        if biases is not None and len(biases) != len(self.neurons):
            raise ShapeError(
                f"set_weights: this layer has {len(self.neurons)} neurons, got {len(biases)} biases"
            )
        return [
            pair
            for j, (neuron, row) in enumerate(zip(self.neurons, weights))
            for pair in neuron._assignments(row, None if biases is None else biases[j])
        ]

    def __repr__(self) -> str:
        first = self.neurons[0]
        return (
            f"Layer(nin={first.nin}, nout={len(self.neurons)}, "
            f"activation={first.activation!r}, bias={first.b is not None})"
        )


class MLP(Module):
    """A multi-layer perceptron: layers of sizes `nouts` on `nin` inputs.

    Hidden layers use `activation`: one name for all of them, or a list with one name per
    hidden layer (`["tanh", "sigmoid"]`); the last layer uses `output_activation`. Layers are
    named L1, L2, ... Calling it gives the last layer's outputs (a single Value for one output).
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str | Sequence[str] = "tanh",
        output_activation: str = "linear",
        bias: bool = True,
        rng: Rng = None,
    ) -> None:
        check_layer_size(nin, "nin")
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence):
            raise ArgumentTypeError(
                f"nouts must be a list of layer sizes such as [16, 1], got"
                f" {type(nouts).__name__} {nouts!r:.60}"
            )
        if not nouts:
            raise ModelError("MLP needs at least one layer size in nouts, e.g. MLP(2, [16, 1])")
        for i, nout in enumerate(nouts):
            check_layer_size(nout, f"nouts[{i}]")
        hidden = hidden_activations(activation, len(nouts) - 1)
        activations = [*hidden, check_activation(output_activation, "output_activation")]
        source = as_rng(rng)
        sizes = [nin, *nouts]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activations[i], bias, source, f"L{i + 1}")
            for i in range(len(nouts))
        ]

    @classmethod
    def from_weights(
        cls,
        weights: Sequence[Sequence[Sequence[Number]]],
        biases: Sequence[Sequence[Number]] | None = None,
        activation: str | Sequence[str] = "tanh",
        output_activation: str = "linear",
    ) -> MLP:
        """Build an MLP from its weight matrices W^1, W^2, ... (W^l is nout x nin).

        Without `biases` the network has none, as in the textbook derivations.
        """
        weights = as_matrices(weights, "from_weights: weights")
        if not weights or not weights[0] or not weights[0][0]:
            raise ModelError("from_weights needs at least one non-empty weight matrix")
        nouts = [len(matrix) for matrix in weights]
        # Every parameter is overwritten below: a fixed seed spares the global random state.
        has_bias = biases is not None
        mlp = cls(len(weights[0][0]), nouts, activation, output_activation, has_bias, rng=0)
        mlp.set_weights(weights, biases)
        return mlp

    @classmethod
    def from_layers(cls, layers: Sequence[Layer]) -> MLP:
        """An MLP of layers built by hand (with shared parameters, say): each layer's inputs
        are the previous layer's outputs."""
        layers = as_items(layers, "from_layers: layers")
        if not layers or not all(isinstance(layer, Layer) for layer in layers):
            raise ArgumentTypeError("from_layers needs a non-empty list of nn.Layer objects")
        for i, (before, after) in enumerate(zip(layers, layers[1:]), start=1):
            if len(before.neurons) != after.neurons[0].nin:
                raise ShapeError(
                    f"from_layers: layer {i} has {len(before.neurons)} outputs but layer"
                    f" {i + 1} takes {after.neurons[0].nin} inputs"
                )
        mlp = cls.__new__(cls)
        mlp.layers = list(layers)
        return mlp

    def to_torch(self) -> Any:
        """This network as a `torch.nn.Sequential`: per layer a float64 `Linear` holding the same
        weights (W^l as its weight, b^l as its bias), then the layer's activation module (none
        for "linear"). A shared parameter becomes one copy per use (its gradient is the sum
        of theirs). Needs PyTorch: pip install "autograd-lite[torch]"."""
        return to_torch_sequential(self)

    @classmethod
    def from_torch(cls, module: Any) -> MLP:
        """The reverse of `to_torch`: an MLP with the weights of a `torch.nn.Sequential` of
        `Linear` layers, each optionally followed by a supported activation module."""
        return cls.from_weights(*weights_from_torch(module))

    def forward(self, x: Sequence[Operand] | Operand) -> list[Value]:
        """The last layer's outputs, always as a list."""
        outputs = self.layers[0].forward(as_inputs(x, self.layers[0].neurons[0].nin, self))
        for layer in self.layers[1:]:
            outputs = layer.forward(outputs)
        return outputs

    def __call__(self, x: Sequence[Operand] | Operand) -> Value | list[Value]:
        out = self.forward(x)
        return out[0] if len(out) == 1 else out

    def _uses(self) -> list[Value]:
        return [p for layer in self.layers for p in layer._uses()]

    def set_weights(
        self,
        weights: Sequence[Sequence[Sequence[Number]]],
        biases: Sequence[Sequence[Number]] | None = None,
    ) -> None:
        """Set every layer's W (and b): weights[l - 1] is W^l, biases[l - 1] is b^l. If any
        number does not fit, nothing is changed."""
        weights = as_matrices(weights, "set_weights: weights")
        if biases is not None:
            biases = as_items(biases, "set_weights: biases")
        if len(weights) != len(self.layers):
            raise ShapeError(
                f"set_weights: this MLP has {len(self.layers)} layers, got {len(weights)} matrices"
            )
        if biases is not None and len(biases) != len(self.layers):
            raise ShapeError(
                f"set_weights: this MLP has {len(self.layers)} layers, got {len(biases)} biases"
            )
        pairs = []
        for i, (layer, matrix) in enumerate(zip(self.layers, weights)):
            if any(len(row) != layer.neurons[0].nin for row in matrix):
                raise ShapeError(
                    f"set_weights: W^{i + 1} must have {layer.neurons[0].nin} columns (one per"
                    " input of"
                    f" layer {i + 1})"
                )
            pairs += layer._assignments(matrix, None if biases is None else biases[i])
        _assign(pairs)

    def __repr__(self) -> str:
        sizes = [len(layer.neurons) for layer in self.layers]
        first, last = self.layers[0].neurons[0], self.layers[-1].neurons[0]
        hidden = [layer.neurons[0].activation for layer in self.layers[:-1]]
        activation = hidden if len(set(hidden)) > 1 else first.activation
        return (
            f"MLP(nin={first.nin}, nouts={sizes}, activation={activation!r}, "
            f"output_activation={last.activation!r})"
        )


def _assign(pairs: list[tuple[Value, float]]) -> None:
    """Give each parameter its new value: only once every value has been checked, and a
    shared parameter given one value however often it appears."""
    given: dict[Value, float] = {}
    for p, number in pairs:
        if given.setdefault(p, number) != number:
            raise ModelError(
                f"set_weights: {describe(p)} is shared (it appears more than once), but got two"
                f" values for it, {given[p]} and {number}; give it the same value everywhere"
            )
    for p, number in pairs:
        p.data = number


def _once(parameters: list[Value]) -> list[Value]:
    """The parameters in order, a shared one listed at its first use only (a Value is equal
    only to itself; a set says quickly that nothing is shared, the common case)."""
    if len(set(parameters)) == len(parameters):
        return parameters
    return list(dict.fromkeys(parameters))


def _shared(values: Sequence[Any], count: int, where: str) -> list[Value]:
    """Existing Values to use as parameters: `count` leaf Values."""
    values = as_items(values, where)
    if len(values) != count:
        raise ShapeError(f"{where}: expected {count} Values, got {len(values)}")
    for v in values:
        if not isinstance(v, Value):
            raise ArgumentTypeError(
                f"{where}: a shared parameter must be a Value, got {type(v).__name__} {v!r:.60}"
            )
        if not v.is_leaf:
            raise ModelError(
                f"{where}: {describe(v)} is not a leaf; a parameter must be a leaf Value"
                " (Value(number, label)) that training can move"
            )
    return list(values)
